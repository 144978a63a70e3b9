/// The case showroom (案例展厅) and one page per case.
extension RenderContext {
    func showroomPage() -> String {
        let frame = page(title: t("showroom.title"), path: urls.showroom, section: .showroom,
                         breadcrumbs: [(t("showroom.title"), urls.showroom)])
        let showroom = site.cases.filter(\.showroom)
        let groups = site.industries.map { industry -> [String: Any] in
            let cases = showroom.filter { $0.industry == industry.id }
                .sorted { ($0.date ?? Day(ordinal: 0), $0.id) > ($1.date ?? Day(ordinal: 0), $1.id) }
                .map(caseCard)
            return ["id": industry.id, "name": industry.name, "cases": cases, "count": cases.count, "empty": cases.isEmpty]
        }
        let areas = Vocabulary.serviceAreas.map { area in
            ["name": area, "count": showroom.filter { $0.areas.contains(area) }.count] as [String: Any]
        }.filter { ($0["count"] as? Int ?? 0) > 0 }
        return render("showroom", frame: frame, ["groups": groups, "areas": areas, "total": showroom.count])
    }

    func casePage(_ item: Case, bodyHTML: String) -> String {
        let path = urls.case(item.id)
        var crumbs: [(String, String)] = []
        if item.showroom { crumbs.append((t("showroom.title"), urls.showroom)) }
        crumbs.append((site.providerByID[item.provider]?.name ?? item.provider, urls.provider(item.provider)))
        crumbs.append((item.title, path))
        let frame = page(title: item.title, path: path, section: item.showroom ? .showroom : .industries,
                         description: item.summary, breadcrumbs: crumbs)
        var view = caseCard(item)
        view["bodyHTML"] = bodyHTML
        view["hasBody"] = !bodyHTML.isEmpty
        view["location"] = present(item.location.map { t("location.\($0.rawValue)") })
        view["results"] = item.results.map(resultView)
        view["hasResults"] = !item.results.isEmpty
        view["showroom"] = item.showroom
        if let provider = site.providerByID[item.provider] {
            view["providerTypes"] = typeBadges(provider.types)
            view["providerFlagged"] = provider.status != .recommended
            view["providerStatus"] = statusLabel(provider.status)
        }
        return render("case", frame: frame, ["case": view])
    }
}
