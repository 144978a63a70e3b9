import Foundation

extension SiteURLs {
    /// The search page, which reads `?q=`.
    public var search: String { basePath + "search/" }
    /// The search manifest; the files it names live in folders beside it.
    public var searchIndex: String { basePath + "search/index.json" }
}

extension RenderContext {
    /// What every page's header needs for its search box; the search page has its own, larger box instead.
    func searchFrame(_ section: Section) -> [String: Any] {
        ["href": urls.search, "index": urls.searchIndex, "script": searchScript, "inHeader": section != .search]
    }

    /// The search engine and results page script: loaded by `/search/` only, so other pages carry none of it.
    var searchScript: String { theme.assets["search.js"].map { urls.asset($0.outputName) } ?? "" }

    /// `/search/`: the form, and the place the script fills with results; without the script, a way on.
    func searchPage() -> [UInt8] {
        var frame = page(title: t("search.title"), path: urls.search, section: .search,
                         description: t("search.description"), breadcrumbs: [(t("search.title"), urls.search)])
        frame["noindex"] = true
        let keys = ["count", "count_partial", "none", "none_tips", "filtered", "searching", "failed", "partial", "more",
                    "empty_query", "title_query", "facets", "facet_kind", "facet_industry", "facet_type", "clear_filters"]
        var strings: [(String, JSONValue)] = keys.map { ($0, .string(t("search.\($0)"))) }
        strings.append(("kinds", .array(SearchKind.allCases.map { .string(t("search.kind_\($0.rawValue)")) })))
        strings.append(("types", .array(ProviderType.allCases.map { .string(typeLabel($0)) })))
        return render("search", frame: frame, [
            "strings": JSONValue.object(strings).serialized(pretty: false),
            "browse": [
                ["label": t("nav.industries"), "href": urls.industries],
                ["label": t("nav.showroom"), "href": urls.showroom],
                ["label": t("nav.notices"), "href": urls.notices],
            ],
        ])
    }
}
