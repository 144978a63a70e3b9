extension Provider {
    static let keys = ContentSchema.provider.map(\.name)
    private static func keys(_ field: String) -> [String] { ContentSchema.keys(ContentSchema.provider, field) }

    /// Decodes one provider; problems go to the object's reader and the result may be nil.
    static func decode(_ object: ContentObject, id: String, body: MarkdownBody) -> Provider? {
        let name = object.text("name", required: true)
        let creditCode = object.text("credit_code", required: true)
        let types = object.enumerationList("types", ProviderType.self, required: true)
        let industries = object.textList("industries", required: true)
        let district = object.vocabulary("district", allowed: Vocabulary.districts, required: true)
        let areas = object.vocabularyList("service_areas", allowed: Vocabulary.serviceAreas)
        let contact = object.object("contact", keys: keys("contact")).map {
            Contact(person: $0.text("person"), phone: $0.text("phone"), email: $0.text("email"))
        }
        let products = object.objects("products", keys: keys("products")).compactMap { item -> Product? in
            guard let name = item.text("name", required: true) else { return nil }
            return Product(name: name, areas: item.vocabularyList("areas", allowed: Vocabulary.serviceAreas),
                           summary: item.text("summary"))
        }
        let chainLeader = object.object("chain_leader", keys: keys("chain_leader")).map {
            ChainLeader(mode: $0.enumeration("mode", ChainLeaderMode.self), revenueLastYear: $0.integer("revenue_last_year"),
                        pilotEnterprises: $0.integer("pilot_enterprises"), platforms: $0.textList("platforms"))
        }
        let history = object.objects("history", keys: keys("history")).map {
            StatusChange(date: $0.day("date", required: true), status: $0.enumeration("status", ProviderStatus.self, required: true),
                         note: $0.text("note"))
        }
        let status = object.enumeration("status", ProviderStatus.self) ?? .recommended
        let parent = object.text("parent_credit_code")
        let summary = object.text("summary")
        let website = object.text("website")
        let sample = object.bool("sample") ?? false
        guard let name, let creditCode, !types.isEmpty, !industries.isEmpty, let district else { return nil }
        return Provider(id: id, name: name, creditCode: creditCode, types: types.uniqued().sorted(), industries: industries.uniqued(),
                        district: district, serviceAreas: areas, summary: summary, website: website, contact: contact,
                        products: products, chainLeader: chainLeader, parentCreditCode: parent, status: status,
                        history: history, sample: sample, body: body,
                        source: object.entrySource)
    }
}

extension Array where Element: Hashable {
    /// The elements in order with later duplicates removed.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
