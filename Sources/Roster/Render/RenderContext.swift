import Foundation

/// What every page view needs: the site, the theme's text, the addresses and the build's date.
struct RenderContext: @unchecked Sendable {
    let site: Site
    let theme: Theme
    let urls: SiteURLs
    /// The date the build shows states as of (`--now`, default today in Asia/Shanghai).
    let now: Day
    let markdown: Markdown
    let css: String
    let js: String

    init(site: Site, theme: Theme, now: Day) {
        self.site = site
        self.theme = theme
        self.urls = SiteURLs(config: site.config)
        self.now = now
        hasSampleData = site.providers.contains { $0.sample } || site.cases.contains { $0.sample } || site.notices.contains { $0.sample }
        self.markdown = Markdown(unsafeHTML: site.config.unsafeHTML, basePath: urls.basePath)
        caseViews = CaseViews(count: site.cases.count)
        css = theme.assets["site.css"].map { SiteURLs(config: site.config).asset($0.outputName) } ?? ""
        js = theme.assets["site.js"].map { SiteURLs(config: site.config).asset($0.outputName) } ?? ""
        navigation = Self.navigation(theme: theme, urls: urls)
    }

    /// The site's navigation as each section's pages show it (the section marked current), prepared once: it is on
    /// every page.
    private let navigation: [Section: [PreparedView]]

    private static func navigation(theme: Theme, urls: SiteURLs) -> [Section: [PreparedView]] {
        let items: [(key: String, href: String, section: Section)] = [
            ("nav.home", urls.home, .home), ("nav.industries", urls.industries, .industries),
            ("nav.showroom", urls.showroom, .showroom), ("nav.notices", urls.notices, .notices), ("nav.data", urls.data, .data),
        ]
        var navigation: [Section: [PreparedView]] = [:]
        for section in Section.allCases {
            navigation[section] = items.map {
                PreparedView(["label": theme.text($0.key), "href": $0.href, "current": $0.section == section], for: theme.templates)
            }
        }
        return navigation
    }

    /// A case shows as a card on its provider's page, its industry's, the showroom, the home page and beside its
    /// sibling cases: each card and its result views are made once, the first time a page needs them, one case at a
    /// time, so a rebuild that makes one page makes only the cards it shows.
    private final class CaseViews: @unchecked Sendable {
        private let lock = NSLock()
        private var made: [String: Made] = [:]

        /// Room for `count` cases from the start: the table grows under the lock otherwise.
        init(count: Int) { made.reserveCapacity(count) }

        func get(_ item: Case, _ context: RenderContext) -> Made {
            lock.lock()
            let known = made[item.id]
            lock.unlock()
            if let known { return known }
            // Made outside the lock: two threads may both make one, and either result is the same.
            let results = item.results.map(context.resultView)
            let view = Made(card: PreparedView(context.makeCaseCard(item, results: results), for: context.theme.templates),
                            results: results)
            lock.lock()
            made[item.id] = view
            lock.unlock()
            return view
        }

        /// Built once and then only read.
        struct Made: @unchecked Sendable {
            /// Prepared once for every page it is on.
            var card: PreparedView
            var results: [[String: Any]]
        }
    }

    private let caseViews: CaseViews

    func t(_ key: String) -> String { theme.text(key) }

    /// A value for a Mustache section: the text, or `false` when empty, because Mustache treats "" as true.
    func present(_ text: String?) -> Any {
        guard let text, !text.isEmpty else { return false }
        return text
    }

    /// Whether the site carries fictional sample data, which every page then says.
    let hasSampleData: Bool

    enum Section: String, CaseIterable { case home, industries, showroom, notices, data, search, none }

    /// The frame shared by all pages: head, header, navigation, breadcrumbs and footer.
    func page(title: String, path: String, section: Section, description: String? = nil,
              breadcrumbs: [(String, String)] = [], extraMeta: [[String: Any]] = []) -> [String: Any] {
        let isHome = section == .home
        var crumbs: [[String: Any]] = []
        if !breadcrumbs.isEmpty {
            crumbs.append(["label": t("nav.home"), "href": urls.home])
            for (label, href) in breadcrumbs { crumbs.append(["label": label, "href": href]) }
            crumbs[crumbs.count - 1]["last"] = true
        }
        return [
            "lang": site.config.language,
            "siteTitle": site.config.title,
            "publisher": site.config.publisher,
            "pageTitle": isHome ? site.config.title : "\(title) - \(site.config.title)",
            "title": title,
            "description": description ?? site.config.description ?? site.config.title,
            "canonical": urls.absolute(path),
            "home": urls.home,
            "css": css,
            "js": js,
            "feed": urls.feed,
            "nav": navigation[section] ?? [],
            "breadcrumbs": crumbs,
            "hasBreadcrumbs": !crumbs.isEmpty,
            "sampleSite": hasSampleData,
            "builtOn": now.chinese,
            "builtOnISO": now.iso,
            "year": String(now.year),
            "meta": extraMeta,
            "dataHref": urls.data,
            "search": searchFrame(section),
        ]
    }

    /// Renders `template` into `view` merged over the page frame.
    func render(_ template: String, frame: [String: Any], _ view: [String: Any]) -> [UInt8] {
        theme.renderBytes(template, [frame, view])
    }

    // MARK: - Shared pieces

    func typeLabel(_ type: ProviderType) -> String { t("type.\(type.rawValue)") }
    func statusLabel(_ status: ProviderStatus) -> String { t("status.\(status.rawValue)") }
    func industryName(_ id: String) -> String { site.industryByID[id]?.name ?? id }

    func typeBadges(_ types: [ProviderType]) -> [[String: Any]] {
        types.map { ["label": typeLabel($0), "key": $0.rawValue] }
    }

    /// A provider as a card in lists.
    func providerCard(_ provider: Provider) -> [String: Any] {
        let cases = site.casesByProvider[provider.id] ?? []
        return [
            "id": provider.id,
            "name": provider.name,
            "href": urls.provider(provider.id),
            "types": typeBadges(provider.types),
            "district": provider.district,
            "industries": provider.industries.map { ["name": industryName($0), "href": urls.industry($0)] },
            "areas": provider.serviceAreas,
            "summary": present(provider.summary),
            "caseCount": cases.count,
            "sample": provider.sample,
            "status": provider.status.rawValue,
            "statusLabel": statusLabel(provider.status),
            "flagged": provider.status != .recommended,
            "initial": DirectoryOrder.initial(provider.name),
            "facetTypes": Facet.attribute(provider.types.map(\.rawValue)),
            "facetAreas": Facet.attribute(provider.serviceAreas),
            "hasAreas": !provider.serviceAreas.isEmpty,
        ]
    }

    /// A case as a card in lists and the showroom.
    func caseCard(_ item: Case) -> PreparedView { caseViews.get(item, self).card }

    /// The views of a case's results, in order (see ``resultView(_:)``).
    func resultViews(_ item: Case) -> [[String: Any]] { caseViews.get(item, self).results }

    private func makeCaseCard(_ item: Case, results: [[String: Any]]) -> [String: Any] {
        [
            "id": item.id,
            "title": item.title,
            "href": urls.case(item.id),
            "industry": industryName(item.industry),
            "industryHref": urls.industry(item.industry),
            "industryID": item.industry,
            "facetAreas": Facet.attribute(item.areas),
            "enterprise": item.enterprise,
            "areas": item.areas,
            "summary": present(item.summary),
            "hasAreas": !item.areas.isEmpty,
            "cover": present(item.cover.map { urls.media($0) }),
            "headline": results.first ?? false,
            "date": present(item.date?.chinese),
            "dateISO": item.date?.iso ?? "",
            "providerName": site.providerByID[item.provider]?.name ?? item.provider,
            "providerHref": urls.provider(item.provider),
            "sample": item.sample,
            "role": t("role.\(item.role.rawValue)"),
        ]
    }

    func resultView(_ result: Case.Result) -> [String: Any] {
        let numbers = ResultNumbers(result)
        let sign = numbers.direction > 0 ? "+" : ""
        let before = numbers.before + result.unit, after = numbers.after + result.unit
        let magnitude = numbers.magnitude + result.unit
        // Said in words, without judging: whether lower is better depends on the metric, which the data does not say.
        var changeWords = numbers.direction == 0 ? t("case.unchanged")
            : t(numbers.direction < 0 ? "case.decrease" : "case.increase").filling("{amount}", magnitude)
        if let percent = numbers.percent, numbers.direction != 0 { changeWords += "（\(sign)\(percent)%）" }
        let sentence = t("case.chart_sentence")
            .filling("{before}", before)
            .filling("{after}", after)
            .filling("{change}", changeWords)
        return [
            "metric": result.metric,
            "before": numbers.before,
            "after": numbers.after,
            "unit": result.unit,
            "change": sign + numbers.change + result.unit,
            "changePercent": numbers.percent.map { sign + $0 + "%" } ?? false,
            "changeWords": changeWords,
            "sentence": sentence,
            "text": Self.resultText(result, before: before, after: after),
        ]
    }

    /// A result in one line (`缺陷漏检率 1.8% → 0.15%`), as cards, search and the open data give it.
    func resultText(_ result: Case.Result) -> String {
        let numbers = ResultNumbers(result)
        return Self.resultText(result, before: numbers.before + result.unit, after: numbers.after + result.unit)
    }

    private static func resultText(_ result: Case.Result, before: String, after: String) -> String {
        "\(result.metric) \(before) → \(after)"
    }

    func noticeItem(_ notice: Notice) -> [String: Any] {
        [
            "title": notice.title,
            "href": urls.notice(notice.id),
            "published": notice.published.chinese,
            "publishedISO": notice.published.iso,
            "kind": t("kind.\(notice.kind.rawValue)"),
            "docNo": present(notice.docNo),
            "sample": notice.sample,
        ]
    }
}

/// Number formatting that never goes through locale-dependent Foundation formatters.
enum Format {
    /// `12`, `3.5`, `-0.25`: as few digits as needed, at most `fractionDigits` after the point.
    static func decimal(_ value: Decimal, fractionDigits: Int = 2) -> String {
        if let fast = decimalFast(value, fractionDigits: fractionDigits) { return fast }
        return decimalSlow(value, fractionDigits: fractionDigits)
    }

    /// The general path, through Foundation's rounding and description (slow: about a microsecond a number).
    static func decimalSlow(_ value: Decimal, fractionDigits: Int = 2) -> String {
        var value = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, fractionDigits, .plain)
        var text = rounded.description
        if text.contains("."), text.hasSuffix("0") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// Numbers whose digits fit in 64 bits (all that content holds), formatted with integer arithmetic; nil otherwise.
    ///
    /// Rounds half away from zero like `NSDecimalRound(.plain)`; a test compares it with ``decimalSlow(_:fractionDigits:)``.
    static func decimalFast(_ value: Decimal, fractionDigits: Int) -> String? {
        guard fractionDigits >= 0, fractionDigits <= 18, let parts = value.integerParts else { return nil }
        return fixedPoint(parts.digits, scale: parts.scale, negative: parts.negative, fractionDigits: fractionDigits)
    }

    /// `magnitude / 10^scale` with at most `fractionDigits` after the point (rounded half away from zero), no
    /// trailing zeros and no `-0`.
    static func fixedPoint(_ magnitude: UInt64, scale: Int, negative: Bool, fractionDigits: Int) -> String {
        var digits = magnitude
        var scale = scale
        if scale > fractionDigits {
            let drop = scale - fractionDigits
            // 10^20 is more than any UInt64: everything rounds away.
            guard drop <= 19 else { return "0" }
            var divisor: UInt64 = 1
            for _ in 0..<drop { divisor &*= 10 }
            let remainder = digits % divisor
            digits /= divisor
            if remainder >= divisor - remainder { digits += 1 }
            scale = fractionDigits
        }
        // Trailing zeros after the point say nothing.
        while scale > 0 && digits % 10 == 0 { digits /= 10; scale -= 1 }
        if digits == 0 { return "0" }
        var text = String(digits)
        if scale > 0 {
            if text.count <= scale { text = String(repeating: "0", count: scale - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -scale))
        }
        return negative ? "-" + text : text
    }

    /// `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }

    /// Bytes as a reader would say them: `850 KB`, `1.2 MB`.
    static func fileSize(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1_048_576 { return "\((bytes + 512) / 1024) KB" }
        return decimal(Decimal(bytes) / 1_048_576, fractionDigits: 1) + " MB"
    }
}
