import Foundation

/// Entry points for the libFuzzer targets in `Fuzz/` and for the replay of their corpus in the tests.
///
/// Each takes arbitrary bytes, runs one path of Roster over them as a build would, and returns the invariants
/// that broke (none when all is well). A crash, a hang or a broken invariant is a finding; `scripts/fuzz.sh`
/// runs them, and `Tests/RosterTests/Fixtures/fuzz-corpus/` keeps the inputs worth replaying forever.
@_spi(Fuzzing) public enum FuzzTargets {
    /// The folder holding `Themes/default`, for the targets that render pages.
    nonisolated(unsafe) public static var themeRoot = FileManager.default.currentDirectoryPath

    /// Bytes → text → front matter and body → YAML.
    public static func frontMatter(_ bytes: [UInt8]) -> [String] {
        var broken: [String] = []
        let text: String
        do {
            text = try SourceText.decode(bytes)
        } catch {
            if error.line < 1 || error.column < 1 { broken.append("decoding error at \(error.line):\(error.column)") }
            return broken
        }
        let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
        let document: FrontMatterDocument
        do {
            document = try FrontMatterDocument.split(text)
        } catch {
            if error.line != 1 { broken.append("split error at line \(error.line)") }
            return broken
        }
        // A file that ends right after its closing line has an empty body "starting" one line past the end.
        let bodyLines = document.body.isEmpty ? max(0, lineCount - (document.bodyFirstLine - 1))
            : document.body.split(separator: "\n", omittingEmptySubsequences: false).count
        if document.bodyFirstLine - 1 + bodyLines != lineCount {
            broken.append("lines lost or invented: body starts at \(document.bodyFirstLine), \(bodyLines) body lines, \(lineCount) in all")
        }
        let frontLines = document.frontMatter.split(separator: "\n", omittingEmptySubsequences: false)
        if frontLines.contains(where: { ["---", "..."].contains($0.trimmingTrailingSpaces()) }) {
            broken.append("a delimiter line was left inside the front matter")
        }
        do {
            _ = try YAMLReader.parse(document.frontMatter, lineOffset: document.frontMatterFirstLine - 1)
        } catch {
            if error.line < 1 || error.line > document.bodyFirstLine || error.column < 1 {
                broken.append("YAML error at \(error.line):\(error.column), outside the front matter (lines 2–\(document.bodyFirstLine - 1))")
            }
        }
        return broken
    }

    /// Bytes → one content file (the first byte picks provider, case or notice, Markdown or JSON) → entries and
    /// findings → a site → the rules → the entry's page. Every finding must point into the file; every page must
    /// stay free of injected markup.
    public static func contentDecoder(_ bytes: [UInt8]) -> [String] {
        guard let selector = bytes.first else { return [] }
        let body = Array(bytes.dropFirst())
        let kind = Int(selector % 3)
        let ext = selector / 3 % 2 == 0 ? "md" : "json"
        let path = "Content/\(["providers", "cases", "notices"][kind])/fuzz.\(ext)"
        var broken: [String] = []
        var findings: [Finding] = []
        var site = Fixture.shared.site
        switch kind {
        case 0:
            let decoded = SiteLoader.decodeBytes(body, relativePath: path, what: "服务商", keys: Provider.keys, decode: Provider.decode)
            findings = decoded.findings
            site = Fixture.shared.site(adding: decoded.entries)
        case 1:
            let decoded = SiteLoader.decodeBytes(body, relativePath: path, what: "案例", keys: Case.keys, decode: Case.decode)
            findings = decoded.findings
            site = Fixture.shared.site(adding: decoded.entries)
        default:
            let decoded = SiteLoader.decodeBytes(body, relativePath: path, what: "通知", keys: Notice.keys, decode: Notice.decode)
            findings = decoded.findings
            site = Fixture.shared.site(adding: decoded.entries)
        }
        // Lines as an editor counts them: CR LF and a lone CR end a line too.
        let lineCount = String(decoding: body, as: UTF8.self).replacingCRLF().split(separator: "\n", omittingEmptySubsequences: false).count
        for finding in findings + Rules.check(site).filter({ $0.location.file == path }) {
            if finding.location.file != path || finding.location.line < 1 || finding.location.line > max(lineCount, 1)
                || finding.location.column < 1 || finding.message.isEmpty {
                broken.append("finding out of the file: \(finding.compilerStyle)")
            }
        }
        for id in site.providers.map(\.id) + site.cases.map(\.id) + site.notices.map(\.id) where !Slug.isValid(id) {
            broken.append("entry with an invalid id \(id.debugDescription)")
        }
        let context = Fixture.shared.context(site)
        for provider in site.providers where provider.id != "fixture" {
            broken += pageProblems(String(decoding: context.providerPage(provider, bodyHTML: context.markdown.render(provider.body.text).htmlBytes), as: UTF8.self), "provider")
        }
        for item in site.cases where item.id != "fixture-case" {
            broken += pageProblems(String(decoding: context.casePage(item, bodyHTML: context.markdown.render(item.body.text).htmlBytes), as: UTF8.self), "case")
        }
        for notice in site.notices {
            broken += pageProblems(String(decoding: context.noticePage(notice, bodyHTML: context.markdown.render(notice.body.text).htmlBytes), as: UTF8.self), "notice")
        }
        return broken
    }

    /// Bytes → a Markdown body → HTML (safe mode) → a provider page.
    public static func markdownPage(_ bytes: [UInt8]) -> [String] {
        let text = String(decoding: bytes, as: UTF8.self)
        var broken: [String] = []
        let markdown = Markdown(unsafeHTML: false, basePath: "/dx/")
        let rendered = markdown.render(text, collectLinks: true)
        if MarkdownLimits.check(text) != nil {
            if !rendered.html.isEmpty { broken.append("a body beyond the limits was rendered") }
            return broken
        }
        broken += bodyProblems(rendered.html)
        // Unsafe mode is not fuzzed for URLs: it passes the editors' raw HTML through as written (SECURITY.md), so a
        // raw `<x src=vbscript:…>` is by design, and the fuzzer finds such tags at once. That Markdown links and
        // images keep only allowed schemes in unsafe mode too is asserted by the injection tests.
        // The page takes the body as rendered; the provider's own body is not shown.
        let provider = Fixture.shared.site.providers[0]
        let context = Fixture.shared.context(Fixture.shared.site)
        let page = String(decoding: context.providerPage(provider, bodyHTML: rendered.htmlBytes), as: UTF8.self)
        broken += pageProblems(page, "page")
        if !rendered.html.isEmpty && !page.contains(rendered.html) { broken.append("the body did not reach the page as rendered") }
        return broken
    }

    // MARK: - Invariants

    /// Markup cmark-gfm makes in safe mode; anything else came from the input.
    static let bodyTags: Set<String> = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "em", "strong", "del", "code", "pre",
                                        "blockquote", "ul", "ol", "li", "hr", "br", "table", "thead", "tbody", "tr", "th", "td",
                                        "input", "section", "sup"]
    static let bodyAttributes: Set<String> = ["href", "src", "alt", "title", "class", "id", "align", "type", "checked", "disabled",
                                              "start", "data-footnotes", "data-footnote-ref", "data-footnote-backref",
                                              "data-footnote-backref-idx", "aria-label"]

    static func bodyProblems(_ html: String) -> [String] {
        var broken: [String] = []
        for tag in HTMLTag.parse(html) {
            if !bodyTags.contains(tag.name) { broken.append("body has a <\(tag.name)> tag") }
            for attribute in tag.attributes where !bodyAttributes.contains(attribute.name) {
                broken.append("body has a \(attribute.name)= attribute on <\(tag.name)>")
            }
            broken += urlProblems(tag, "body")
        }
        return broken
    }

    static func urlProblems(_ tag: HTMLTag, _ place: String) -> [String] {
        var broken: [String] = []
        for attribute in tag.attributes where attribute.name == "href" || attribute.name == "src" {
            guard let scheme = HTMLTag.browserScheme(attribute.value) else { continue }
            if ["http", "https", "mailto", "tel"].contains(scheme) { continue }
            // The theme's empty favicon (it stops browsers asking for /favicon.ico).
            if tag.name == "link", attribute.value == "data:," { continue }
            if tag.name == "img", scheme == "data",
               ["data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"].contains(where: {
                   attribute.value.lowercased().trimmingCharacters(in: .whitespaces).hasPrefix($0) }) { continue }
            broken.append("\(place) links a \(scheme): URL in <\(tag.name) \(attribute.name)>")
        }
        return broken
    }

    static func pageProblems(_ page: String, _ place: String) -> [String] {
        var broken: [String] = []
        let tags = HTMLTag.parse(page)
        let scripts = tags.filter { $0.name == "script" }
        if scripts.count != 1 || !(scripts.first?.attributes.contains { $0.name == "src" && $0.value.hasPrefix("/dx/assets/") } ?? false) {
            broken.append("\(place) has \(scripts.count) script tags")
        }
        for tag in tags {
            for attribute in tag.attributes where attribute.name.hasPrefix("on") || attribute.name == "style" || attribute.name == "srcdoc" {
                broken.append("\(place) has \(attribute.name)= on <\(tag.name)>")
            }
            // The theme's own search form (role=search, to the site's /search/ page) is the one form a page may have.
            let isThemeSearch = tag.name == "form" && tag.attributes.contains { $0.name == "role" && $0.value == "search" }
                && tag.attributes.contains { $0.name == "action" && $0.value == "/dx/search/" }
            if ["iframe", "object", "embed", "frame", "base", "form", "style"].contains(tag.name) && !isThemeSearch {
                broken.append("\(place) has a <\(tag.name)> tag")
            }
            broken += urlProblems(tag, place)
        }
        return broken
    }

    // MARK: - A small site to render into

    final class Fixture: @unchecked Sendable {
        static let shared = Fixture()
        let site: Site
        let theme: Theme

        private init() {
            let config = SiteConfig(title: "测试", baseURL: "https://example.gov.cn/dx/", language: "zh-CN", publisher: "测试单位",
                                    description: nil, unsafeHTML: false)
            let industry = Industry(id: "auto-parts", name: "汽车零部件", summary: nil, quotas: [:],
                                    source: EntrySource(location: SourceLocation(file: "Content/industries.yaml", line: 1)))
            let providerJSON = #"{"id": "fixture", "name": "甲公司", "credit_code": "91370200MA3C000010", "types": ["product"], "industries": ["auto-parts"], "district": "市南区"}"#
            let providers = SiteLoader.decodeBytes(Array(providerJSON.utf8), relativePath: "Content/providers/fixture.json", what: "服务商",
                                                   keys: Provider.keys, decode: Provider.decode).entries
            let caseJSON = #"{"id": "fixture-case", "title": "案例", "provider": "fixture", "industry": "auto-parts", "enterprise": "乙", "role": "transformation"}"#
            let cases = SiteLoader.decodeBytes(Array(caseJSON.utf8), relativePath: "Content/cases/fixture.json", what: "案例",
                                               keys: Case.keys, decode: Case.decode).entries
            site = Site(root: FuzzTargets.themeRoot, config: config, industries: [industry], providers: providers, cases: cases,
                        notices: [], calendar: WorkingDayCalendar(), mediaFiles: ["media/x.svg"], mediaSizes: ["media/x.svg": 10])
            guard let theme = Theme.load(root: FuzzTargets.themeRoot, name: "default", language: "zh-CN").0 else {
                fatalError("FuzzTargets.themeRoot (\(FuzzTargets.themeRoot)) has no loadable Themes/default")
            }
            self.theme = theme
        }

        func site(adding providers: [Provider]) -> Site { rebuilt(providers: site.providers + providers) }
        func site(adding cases: [Case]) -> Site { rebuilt(cases: site.cases + cases) }
        func site(adding notices: [Notice]) -> Site { rebuilt(notices: notices) }

        private func rebuilt(providers: [Provider]? = nil, cases: [Case]? = nil, notices: [Notice] = []) -> Site {
            Site(root: site.root, config: site.config, industries: site.industries, providers: providers ?? site.providers,
                 cases: cases ?? site.cases, notices: notices, calendar: site.calendar, mediaFiles: site.mediaFiles,
                 mediaSizes: site.mediaSizes)
        }

        func context(_ site: Site) -> RenderContext { RenderContext(site: site, theme: theme, now: Day(iso: "2024-06-01")!) }
    }
}
