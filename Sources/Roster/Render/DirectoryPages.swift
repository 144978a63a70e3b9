import Foundation

/// Pages of the directory: the home page, the industries, each industry's directory and each provider.
extension RenderContext {
    /// Providers shown in directories: all but withdrawn ones.
    func listedProviders(in industry: String) -> [Provider] {
        site.providers.filter { $0.status != .withdrawn && $0.industries.contains(industry) }
    }

    /// Active providers of a type in an industry, the number the notice's quotas count.
    func activeCount(_ industry: String, _ type: ProviderType) -> Int {
        site.providers.lazy.filter { $0.status.isActive && $0.has(type) && $0.industries.contains(industry) }.count
    }

    func quotaRows(_ industry: Industry) -> [[String: Any]] {
        ProviderType.allCases.map { type in
            let count = activeCount(industry.id, type)
            var row: [String: Any] = ["label": typeLabel(type), "key": type.rawValue, "count": count, "quota": "—", "quotaState": false]
            if let quota = industry.quotas[type] {
                row["quota"] = "\(quota.lowerBound)–\(quota.upperBound)"
                row["quotaState"] = count < quota.lowerBound ? t("quota.below") : (count > quota.upperBound ? t("quota.above") : t("quota.within"))
            }
            return row
        }
    }

    func homePage() -> [UInt8] {
        let frame = page(title: site.config.title, path: urls.home, section: .home)
        let industries = site.industries.map { industry -> [String: Any] in
            ["name": industry.name, "href": urls.industry(industry.id), "summary": present(industry.summary),
             "providerCount": listedProviders(in: industry.id).count, "rows": quotaRows(industry),
             "quotaChart": quotaChart(industry, id: "quota-\(industry.id)")]
        }
        let showroom = site.cases.filter(\.showroom)
            .sorted { ($0.date ?? Day(ordinal: 0), $0.id) > ($1.date ?? Day(ordinal: 0), $1.id) }
            .prefix(6).map(caseCard)
        let notices = site.notices.prefix(5).map(noticeItem)
        let openNotices = openNoticesView()
        let view: [String: Any] = [
            "intro": present(site.config.description),
            "industries": industries,
            "featured": Array(showroom),
            "notices": Array(notices),
            "openNotices": openNotices,
            "hasOpenNotices": !openNotices.isEmpty,
            "showroomHref": urls.showroom,
            "noticesHref": urls.notices,
            "counts": [
                "providers": site.providers.filter { $0.status.isActive }.count,
                "cases": site.cases.count,
                "showroom": site.cases.filter(\.showroom).count,
                "industries": site.industries.count,
            ],
        ]
        return render("home", frame: frame, view)
    }

    func industriesPage() -> [UInt8] {
        let frame = page(title: t("industries.title"), path: urls.industries, section: .industries,
                         breadcrumbs: [(t("industries.title"), urls.industries)])
        let industries = site.industries.map { industry -> [String: Any] in
            ["name": industry.name, "href": urls.industry(industry.id), "summary": present(industry.summary),
             "providerCount": listedProviders(in: industry.id).count,
             "caseCount": site.cases.filter { $0.industry == industry.id }.count, "rows": quotaRows(industry)]
        }
        return render("industries", frame: frame, ["industries": industries])
    }

    func industryPage(_ industry: Industry) -> [UInt8] {
        let path = urls.industry(industry.id)
        let frame = page(title: industry.name, path: path, section: .industries,
                         description: "\(industry.name)\(t("industry.description_suffix"))",
                         breadcrumbs: [(t("industries.title"), urls.industries), (industry.name, path)])
        let providers = DirectoryOrder.sorted(listedProviders(in: industry.id))
        let cards = providers.enumerated().map { index, provider in
            var card = providerCard(provider)
            card["order"] = index
            card["anchor"] = Self.anchor(forInitial: card["initial"] as? String ?? "#")
            return card
        }
        // Without JavaScript: every provider, grouped by type (a provider of two types is in both groups).
        let groups = ProviderType.allCases.map { type -> [String: Any] in
            let members = cards.filter { ($0["facetTypes"] as? String ?? "").split(separator: " ").contains(Substring(type.rawValue)) }
            return [
                "key": type.rawValue,
                "label": typeLabel(type),
                "explain": t("type_explain.\(type.rawValue)"),
                "providers": members,
                "count": members.count,
                "empty": members.isEmpty,
            ]
        }
        // With JavaScript: one list, each provider once, under its A–Z letter, filtered by the facets.
        var letters: [[String: Any]] = []
        for card in cards {
            let letter = card["initial"] as? String ?? "#"
            if letters.last?["letter"] as? String == letter {
                letters[letters.count - 1]["providers"] = (letters[letters.count - 1]["providers"] as? [[String: Any]] ?? []) + [card]
            } else {
                letters.append(["letter": letter, "anchor": Self.anchor(forInitial: letter), "providers": [card]])
            }
        }
        let statuses = ProviderStatus.allCases.filter { $0 != .withdrawn }
        let facets = [
            Facet(name: "type", legend: t("directory.type"), items: providers,
                  values: ProviderType.allCases.map { ($0.rawValue, typeLabel($0)) }, of: { $0.types.map(\.rawValue) }),
            Facet(name: "area", legend: t("directory.area"), items: providers,
                  values: Vocabulary.serviceAreas.map { ($0, $0) }, of: \.serviceAreas),
            Facet(name: "district", legend: t("directory.district"), items: providers,
                  values: Vocabulary.districts.map { ($0, $0) }, of: { [$0.district] }),
            Facet(name: "status", legend: t("directory.status"), items: providers,
                  values: statuses.map { ($0.rawValue, statusLabel($0)) }, of: { [$0.status.rawValue] }),
        ]
        let cases = site.cases.filter { $0.industry == industry.id && $0.showroom }.map(caseCard)
        return render("industry", frame: frame, [
            "industry": ["name": industry.name, "summary": present(industry.summary)],
            "groups": groups,
            "letters": letters,
            "facets": facets.filter { !$0.options.isEmpty }.map { facet -> [String: Any] in
                var view = facet.view
                if facet.name == "type" {
                    view["help"] = ["entries": ProviderType.allCases.map { ["label": typeLabel($0), "explain": t("type_explain.\($0.rawValue)")] }]
                }
                return view
            },
            "filterTitle": t("directory.filter_title"),
            "countAll": t("directory.count_all"),
            "countFiltered": t("directory.count_filtered"),
            "countInitial": t("directory.count_all").filling("{total}", String(providers.count)),
            "sortable": true,
            "rows": quotaRows(industry),
            "quotaChart": quotaChart(industry, id: "quota-chart"),
            "showroomCases": cases,
            "hasShowroomCases": !cases.isEmpty,
            "showroomHref": urls.showroom,
        ])
    }

    /// The fragment of an A–Z letter's group: the letter itself, `other` for `#` (not allowed in a fragment).
    static func anchor(forInitial letter: String) -> String { letter == "#" ? "other" : letter }

    /// Providers against quota for one industry, as an SVG chart whose text alternative says every number.
    func quotaChart(_ industry: Industry, id: String) -> String {
        let rows = ProviderType.allCases.map { type -> Charts.QuotaRow in
            let count = activeCount(industry.id, type)
            let quota = industry.quotas[type]
            var text = t("quota.chart_count").filling("{n}", String(count))
            if let quota {
                text += " · " + t("quota.chart_quota").filling("{range}", "\(quota.lowerBound)–\(quota.upperBound)")
            }
            return Charts.QuotaRow(label: typeLabel(type), count: count, quota: quota, valueText: text)
        }
        let description = quotaRows(industry).map { row -> String in
            var text = "\(row["label"] ?? "")：" + t("quota.chart_count").filling("{n}", "\(row["count"] ?? 0)")
            if let state = row["quotaState"] as? String {
                text += "，" + t("quota.chart_quota").filling("{range}", "\(row["quota"] ?? "")") + "，\(state)"
            }
            return text
        }.joined(separator: "；") + "。"
        return Charts.quota(id: id, title: t("quota.chart_title").filling("{industry}", industry.name),
                            description: description, rows: rows)
    }

    func providerPage(_ provider: Provider, bodyHTML: [UInt8]) -> [UInt8] {
        let path = urls.provider(provider.id)
        var crumbs: [(String, String)] = [(t("industries.title"), urls.industries)]
        if let first = provider.industries.first { crumbs.append((industryName(first), urls.industry(first))) }
        crumbs.append((provider.name, path))
        let frame = page(title: provider.name, path: path, section: .industries,
                         description: provider.summary ?? "\(provider.name)：\(provider.types.map(typeLabel).joined(separator: "、"))",
                         breadcrumbs: crumbs)
        var view: [String: Any] = providerCard(provider)
        view["creditCode"] = provider.creditCode
        view["bodyHTML"] = bodyHTML
        view["hasBody"] = !bodyHTML.isEmpty
        view["statusNotice"] = provider.status == .recommended ? "" : t("status_notice.\(provider.status.rawValue)")
        view["website"] = present(provider.website.flatMap { HTMLText.isWebAddress($0) ? $0 : nil })
        view["contact"] = false
        view["chainLeader"] = false
        if let contact = provider.contact {
            var c: [String: Any] = ["person": false, "phone": false, "email": false]
            if let person = contact.person, !person.isEmpty { c["person"] = person }
            if let phone = contact.phone, !phone.isEmpty { c["phone"] = phone; c["tel"] = phone.filter { $0.isNumber || $0 == "+" } }
            if let email = contact.email, !email.isEmpty, email.contains("@"), !email.contains(":") { c["email"] = email }
            if [c["person"], c["phone"], c["email"]].contains(where: { !($0 is Bool) }) { view["contact"] = c }
        }
        view["hasContact"] = !(view["contact"] is Bool) || !(view["website"] is Bool)
        // When the provider entered its current status, from the latest history entry that names it.
        view["statusSince"] = present(provider.history.last(where: { $0.status == provider.status })?.date
            .map { t("provider.status_since").filling("{date}", $0.chinese) })
        view["products"] = provider.products.map { ["name": $0.name, "areas": $0.areas, "summary": present($0.summary)] as [String: Any] }
        view["hasProducts"] = !provider.products.isEmpty
        if let chain = provider.chainLeader, provider.has(.chainLeader) {
            var c: [String: Any] = ["platforms": chain.platforms, "hasPlatforms": !chain.platforms.isEmpty,
                                    "mode": false, "revenue": false, "pilots": false]
            if let mode = chain.mode { c["mode"] = t("mode.\(mode.rawValue)") }
            if let revenue = chain.revenueLastYear { c["revenue"] = Format.decimal(Decimal(revenue) / 100_000_000, fractionDigits: 2) }
            if let pilots = chain.pilotEnterprises { c["pilots"] = pilots }
            view["chainLeader"] = c
        }
        let cases = (site.casesByProvider[provider.id] ?? []).map(caseCard)
        view["cases"] = cases
        view["hasCases"] = !cases.isEmpty
        view["history"] = provider.history.map {
            ["date": $0.date?.chinese ?? "", "dateISO": $0.date?.iso ?? "", "status": $0.status.map(statusLabel) ?? "", "note": $0.note ?? ""]
        }
        view["hasHistory"] = !provider.history.isEmpty
        return render("provider", frame: frame, ["provider": view])
    }
}
