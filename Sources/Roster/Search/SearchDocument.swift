import Foundation

/// Where a word was found on a page; a match in a heavier field ranks higher.
public enum SearchField: Int, CaseIterable, Sendable {
    /// The provider's name, the case's or notice's title, the industry's name.
    case title
    /// Short facts: types, industries, service areas, products, enterprise, metrics, 发文字号.
    case keywords
    /// The one-paragraph summaries.
    case summary
    /// The Markdown body.
    case body
    /// What the page shows about other entries: a provider's cases, a publicity list's candidates, contacts.
    case related

    /// Field weights, integers so the browser and the build add them up identically.
    public static let weights = [20, 10, 6, 3, 1]

    public var bit: UInt8 { 1 << UInt8(rawValue) }
}

/// The kinds of page search finds, in the order their documents are numbered.
public enum SearchKind: String, CaseIterable, Sendable {
    case provider, `case`, notice, industry
}

/// One page as search sees it: its text by field, what the result shows, and its facet values.
public struct SearchDocument: Sendable {
    public var kind: SearchKind
    public var id: String
    public var url: String
    public var title: String
    /// One line under the title in the results: types and district, industry and provider, date and 发文字号.
    public var meta: String
    /// Text per field; everything the page shows in its main content, so the page is found by what it says.
    public var fields: [SearchField: [String]]
    /// Bit i set when the entry belongs to `site.industries[i]`.
    public var industries: UInt32
    /// Bit i set for `ProviderType.allCases[i]`: a provider's own types, a case's provider's types.
    public var types: UInt32
    /// Sort key that keeps documents with equal facet values together, so the manifest's run-length facet table stays
    /// a few runs long even for 20,000 cases.
    var order: [String]

    static func key(_ mask: UInt32) -> String {
        let text = String(mask, radix: 16)
        return String(repeating: "0", count: 8 - text.count) + text
    }

    /// The text a snippet is cut from: the summaries and the body (the short facts are in `meta`).
    public var snippetText: String {
        ((fields[.summary] ?? []) + (fields[.body] ?? [])).filter { !$0.isEmpty }.joined(separator: "\n")
    }
}

extension RenderContext {
    /// A builder for this site's index, writing into `folder`: every provider, case, notice and industry page is
    /// numbered up front, so their documents can be added as their bodies are rendered, on any thread.
    func searchIndexBuilder(folder: OutputFolder, cache: SearchTermCache? = nil) -> SearchIndexBuilder {
        SearchIndexBuilder(order: searchOrder(), industries: site.industries.map { ($0.id, $0.name) }, output: .folder(folder),
                           cache: cache)
    }

    /// Every document's key in index order: by kind, then by facet values, so that the manifest's run-length facet
    /// table stays a few runs long even for 20,000 cases. Worked out from the site alone, without bodies.
    ///
    /// Providers and cases are sorted on integers: their facet masks, then, for ids, their ranks among the ids
    /// sorted as strings, which orders them as the strings would (``searchOrderByText()``, the reference) at a
    /// fraction of the cost (joining and comparing 22,000 strings was two-thirds of a serve rebuild's search setup).
    func searchOrder() -> [SearchDocument.Key] {
        let providerIDs = Array(Set(site.providers.map(\.id) + site.cases.map(\.provider))).sorted()
        let rank = Dictionary(uniqueKeysWithValues: providerIDs.enumerated().map { ($1, $0) })
        let providers = site.providers.map { provider in
            (searchIndustryMask(provider.industries), searchTypeMask(provider.types), rank[provider.id]!, provider.id)
        }.sorted { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
        // A case's id ranks by its place in the site's cases, which are sorted by id (and unique, or nothing is built).
        guard zip(site.cases, site.cases.dropFirst()).allSatisfy({ $0.id < $1.id }) else { return searchOrderByText() }
        let cases = site.cases.indices.map { i in
            let item = site.cases[i]
            return (searchIndustryMask([item.industry]), searchTypeMask(site.providerByID[item.provider]?.types ?? []),
                    rank[item.provider]!, i)
        }.sorted { $0 < $1 }
        var order: [SearchDocument.Key] = []
        order.reserveCapacity(site.providers.count + site.cases.count + site.notices.count + site.industries.count)
        for kind in SearchKind.allCases {
            switch kind {
            case .provider: order += providers.map { SearchDocument.Key(kind: .provider, id: $0.3) }
            case .case: order += cases.map { SearchDocument.Key(kind: .case, id: site.cases[$0.3].id) }
            case .notice:
                order += site.notices.map { (id: $0.id, order: [$0.published.iso, $0.id].joined(separator: "\u{0}")) }
                    .sorted { $0.order < $1.order }.map { SearchDocument.Key(kind: .notice, id: $0.id) }
            case .industry:
                order += site.industries.map(\.id).sorted().map { SearchDocument.Key(kind: .industry, id: $0) }
            }
        }
        return order
    }

    /// ``searchOrder()`` by joined strings: the reference it must equal.
    func searchOrderByText() -> [SearchDocument.Key] {
        var keys: [(key: SearchDocument.Key, order: [String])] = []
        keys += site.providers.map { (SearchDocument.Key(kind: .provider, id: $0.id), searchOrder(provider: $0)) }
        keys += site.cases.map { (SearchDocument.Key(kind: .case, id: $0.id), searchOrder(case: $0)) }
        keys += site.notices.map { (SearchDocument.Key(kind: .notice, id: $0.id), [$0.published.iso, $0.id]) }
        keys += site.industries.map { (SearchDocument.Key(kind: .industry, id: $0.id), [$0.id]) }
        let kindOrder = Dictionary(uniqueKeysWithValues: SearchKind.allCases.enumerated().map { ($1, $0) })
        // One string per document, the parts joined by U+0000 (which no part holds and which sorts before every
        // character), sorts as the list of parts would.
        let joined = keys.map { (key: $0.key, kind: kindOrder[$0.key.kind]!, order: $0.order.joined(separator: "\u{0}")) }
        return joined.sorted { a, b in a.kind != b.kind ? a.kind < b.kind : a.order < b.order }.map(\.key)
    }

    private func searchOrder(provider: Provider) -> [String] {
        [SearchDocument.key(searchIndustryMask(provider.industries)), SearchDocument.key(searchTypeMask(provider.types)), provider.id]
    }

    private func searchOrder(case item: Case) -> [String] {
        let types = site.providerByID[item.provider]?.types ?? []
        return [SearchDocument.key(searchIndustryMask([item.industry])), SearchDocument.key(searchTypeMask(types)), item.provider, item.id]
    }

    private func searchIndustryMask(_ ids: [String]) -> UInt32 {
        ids.reduce(0) { mask, id in
            guard let i = site.industries.firstIndex(where: { $0.id == id }) else { return mask }
            return mask | (1 << UInt32(i))
        }
    }

    private func searchTypeMask(_ types: [ProviderType]) -> UInt32 {
        types.reduce(0) { $0 | (1 << UInt32(ProviderType.allCases.firstIndex(of: $1)!)) }
    }

    /// What a case card shows: title, summary, industry, headline result, enterprise, areas.
    private func searchCardText(_ item: Case) -> [String] {
        [item.title, item.summary ?? "", industryName(item.industry), item.enterprise]
            + item.areas + resultViews(item).prefix(1).compactMap { $0["text"] as? String }
    }

    private func searchBodyText(_ html: [UInt8]?) -> [String] {
        guard let html else { return [] }
        let plain = SearchText.plainText(fromHTML: html)
        return plain.isEmpty ? [] : [plain]
    }

    /// A provider page as search sees it; `bodyHTML` is its rendered Markdown body.
    func searchDocument(provider: Provider, bodyHTML: [UInt8]?) -> SearchDocument {
        var keywords = provider.types.map(typeLabel) + provider.industries.map(industryName)
        keywords += [provider.district] + provider.serviceAreas + [statusLabel(provider.status)]
        keywords += provider.products.flatMap { [$0.name] + $0.areas }
        var related: [String] = [provider.creditCode]
        if let chain = provider.chainLeader, provider.has(.chainLeader) {
            keywords += chain.mode.map { [t("mode.\($0.rawValue)")] } ?? []
            related += chain.platforms
        }
        if let contact = provider.contact { related += [contact.person, contact.phone, contact.email].compactMap { $0 } }
        related += [provider.website].compactMap { $0 }
        for item in site.casesByProvider[provider.id] ?? [] { related += searchCardText(item) }
        related += provider.history.compactMap(\.note)
        let status = provider.status == .recommended ? [] : [statusLabel(provider.status)]
        return SearchDocument(
            kind: .provider, id: provider.id, url: urls.provider(provider.id), title: provider.name,
            meta: (provider.types.map(typeLabel) + [provider.district] + status).joined(separator: " · "),
            fields: [.title: [provider.name], .keywords: keywords,
                     .summary: [provider.summary].compactMap { $0 } + provider.products.compactMap(\.summary),
                     .body: searchBodyText(bodyHTML), .related: related],
            industries: searchIndustryMask(provider.industries), types: searchTypeMask(provider.types),
            order: searchOrder(provider: provider))
    }

    /// A case page as search sees it; `bodyHTML` is its rendered Markdown body.
    func searchDocument(case item: Case, bodyHTML: [UInt8]?) -> SearchDocument {
        let provider = site.providerByID[item.provider]
        let providerName = provider?.name ?? item.provider
        var keywords = [item.enterprise, industryName(item.industry), t("role.\(item.role.rawValue)"), providerName] + item.areas
        keywords += item.location.map { [t("location.\($0.rawValue)")] } ?? []
        keywords += item.results.map(\.metric)
        // The results as the page shows them (made once per build): 质量证明文件编制用时 45分钟/台 → 5分钟/台, and in words.
        let results = resultViews(item)
        var related = results.compactMap { $0["text"] as? String } + [item.date?.chinese].compactMap { $0 }
        related += results.compactMap { $0["changeWords"] as? String }
        // The case page shows up to three other cases of its provider as cards.
        for other in (site.casesByProvider[item.provider] ?? []).lazy.filter({ $0.id != item.id }).prefix(3) {
            related += searchCardText(other)
        }
        // The case page warns when its provider is not (or no longer) recommended.
        if let provider, provider.status != .recommended { related.append(statusLabel(provider.status)) }
        return SearchDocument(
            kind: .case, id: item.id, url: urls.case(item.id), title: item.title,
            meta: [industryName(item.industry), providerName].joined(separator: " · "),
            fields: [.title: [item.title], .keywords: keywords, .summary: [item.summary].compactMap { $0 },
                     .body: searchBodyText(bodyHTML), .related: related],
            industries: searchIndustryMask([item.industry]), types: searchTypeMask(provider?.types ?? []),
            order: searchOrder(case: item))
    }

    /// A notice page as search sees it; `bodyHTML` is its rendered Markdown body.
    func searchDocument(notice: Notice, bodyHTML: [UInt8]?) -> SearchDocument {
        var keywords = [t("kind.\(notice.kind.rawValue)")] + notice.issuers
        keywords += [notice.docNo, notice.indexNo, notice.category].compactMap { $0 }
        keywords += notice.deadlines.map(\.label) + notice.attachments.map(\.title)
        var related = [notice.published.chinese, notice.validity, notice.regNo, notice.addressees].compactMap { $0 }
        related += notice.contacts.flatMap { [$0.unit, $0.person, $0.phone].compactMap { $0 } }
        for id in notice.publicity?.candidates ?? [] {
            guard let provider = site.providerByID[id] else { continue }
            related += [provider.name, provider.district]
        }
        return SearchDocument(
            kind: .notice, id: notice.id, url: urls.notice(notice.id), title: notice.title,
            meta: ([notice.published.chinese] + [notice.docNo].compactMap { $0 }).joined(separator: " · "),
            fields: [.title: [notice.title], .keywords: keywords, .body: searchBodyText(bodyHTML), .related: related],
            industries: 0, types: 0, order: [notice.published.iso, notice.id])
    }

    /// An industry directory as search sees it.
    func searchDocument(industry: Industry) -> SearchDocument {
        let count = listedProviders(in: industry.id).count
        return SearchDocument(
            kind: .industry, id: industry.id, url: urls.industry(industry.id), title: industry.name,
            meta: t("search.industry_meta").replacingOccurrences(of: "{n}", with: String(count)),
            fields: [.title: [industry.name], .summary: [industry.summary].compactMap { $0 }],
            industries: searchIndustryMask([industry.id]), types: 0, order: [industry.id])
    }

    /// Every page's search document, in index order (`searchOrder`), from the rendered bodies.
    func searchDocuments(bodies: Builder.Bodies) -> [SearchDocument] {
        var docs = site.providers.concurrentMap { searchDocument(provider: $0, bodyHTML: bodies.providers[$0.id].map { Array($0.utf8) }) }
        docs += site.cases.concurrentMap { searchDocument(case: $0, bodyHTML: bodies.cases[$0.id].map { Array($0.utf8) }) }
        docs += site.notices.map { searchDocument(notice: $0, bodyHTML: bodies.notices[$0.id].map { Array($0.utf8) }) }
        docs += site.industries.map { searchDocument(industry: $0) }
        let byKey = Dictionary(uniqueKeysWithValues: docs.map { ($0.key, $0) })
        return searchOrder().map { byKey[$0]! }
    }
}
