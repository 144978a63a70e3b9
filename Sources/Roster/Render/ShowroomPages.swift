/// The case showroom (案例展厅) and one page per case.
extension RenderContext {
    func showroomPage() -> [UInt8] {
        let frame = page(title: t("showroom.title"), path: urls.showroom, section: .showroom,
                         breadcrumbs: [(t("showroom.title"), urls.showroom)])
        let showroom = site.cases.filter(\.showroom)
        let groups = site.industries.map { industry -> [String: Any] in
            let cases = showroom.filter { $0.industry == industry.id }
                .sorted { ($0.date ?? Day(ordinal: 0), $0.id) > ($1.date ?? Day(ordinal: 0), $1.id) }
                .map(caseCard)
            return ["id": industry.id, "name": industry.name, "cases": cases, "count": cases.count, "empty": cases.isEmpty]
        }
        let facets = [
            Facet(name: "industry", legend: t("showroom.industry"), items: showroom,
                  values: site.industries.map { ($0.id, $0.name) }, of: { [$0.industry] }),
            Facet(name: "area", legend: t("showroom.area"), items: showroom,
                  values: Vocabulary.serviceAreas.map { ($0, $0) }, of: \.areas),
        ]
        return render("showroom", frame: frame, [
            "groups": groups, "facets": facets.filter { !$0.options.isEmpty }.map(\.view), "total": showroom.count,
            "filterTitle": t("showroom.filter_title"),
            "countAll": t("showroom.count_all"),
            "countFiltered": t("showroom.count_filtered"),
            "countInitial": t("showroom.count_all").filling("{total}", String(showroom.count)),
            "sortable": false,
        ])
    }

    func casePage(_ item: Case, bodyHTML: [UInt8]) -> [UInt8] {
        let path = urls.case(item.id)
        var crumbs: [(String, String)] = []
        if item.showroom { crumbs.append((t("showroom.title"), urls.showroom)) }
        crumbs.append((site.providerByID[item.provider]?.name ?? item.provider, urls.provider(item.provider)))
        crumbs.append((item.title, path))
        let frame = page(title: item.title, path: path, section: item.showroom ? .showroom : .industries,
                         description: item.summary, breadcrumbs: crumbs)
        // What the page adds to the case's card.
        var view: [String: Any] = [:]
        view["bodyHTML"] = bodyHTML
        view["hasBody"] = !bodyHTML.isEmpty
        view["location"] = present(item.location.map { t("location.\($0.rawValue)") })
        view["results"] = zip(item.results, resultViews(item)).enumerated().map { index, pair in
            let (result, view) = pair
            var row = view
            row["chart"] = Charts.beforeAfter(.init(
                id: "result-chart-\(index + 1)", metric: result.metric, before: result.before, after: result.after, unit: result.unit,
                beforeLabel: t("case.before"), afterLabel: t("case.after"),
                title: t("case.chart_title").filling("{metric}", result.metric),
                description: row["sentence"] as? String ?? ""))
            return row
        }
        view["hasResults"] = !item.results.isEmpty
        view["showroom"] = item.showroom
        let others = (site.casesByProvider[item.provider] ?? []).filter { $0.id != item.id }
        view["more"] = others.prefix(3).map(caseCard)
        view["hasMore"] = !others.isEmpty
        view["moreTitle"] = t("case.more_from_provider")
            .filling("{provider}", site.providerByID[item.provider]?.name ?? item.provider)
        if let provider = site.providerByID[item.provider] {
            view["providerTypes"] = typeBadges(provider.types)
            view["providerFlagged"] = provider.status != .recommended
            view["providerStatus"] = statusLabel(provider.status)
        }
        return render("case", frame: frame, ["case": PreparedView(caseCard(item), adding: view)])
    }
}
