import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Roster

/// Text that tries every way out of the context it lands in: HTML text and attributes, Mustache, JSON in a
/// script, XML, CSV. It begins with a Chinese character so it sorts and groups like an ordinary name.
private let hostile = #"甲"'><script>alert(1)</script><img src=x onerror=alert(1)>{{t.footer.sponsor}}{{{bodyHTML}}}&amp;&#x3c;]]><!--"#
    + "\u{2028}\u{2029}\\;,\nEND:VEVENT\nBEGIN:VALARM\n"
/// Harmless text in the same places: a page built from it is what a page built from `hostile` must look like.
private let harmless = "甲安全的普通文字"

/// A site with `text` in every free-text field of every kind of content, written as JSON so any text goes.
private func siteFiles(_ text: String, body: String) -> [String: String] {
    func json(_ object: Any) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
    let code = creditCode("91370200MA3C00001")
    let provider: [String: Any] = [
        "name": text + "公司", "credit_code": code, "types": ["chain-leader"], "industries": ["auto-parts"],
        "district": "市南区", "summary": text, "website": "https://example.com/?q=1&r=2",
        "contact": ["person": text, "phone": "0532-" + text, "email": "a@example.com"],
        "products": [["name": text, "summary": text]],
        "chain_leader": ["mode": "lead", "revenue_last_year": 2_000_000_000, "pilot_enterprises": 12, "platforms": [text]],
        "history": [["date": "2024-02-07", "status": "recommended", "note": text]],
    ]
    let item: [String: Any] = [
        "title": text, "provider": "p", "industry": "auto-parts", "enterprise": text, "role": "transformation",
        "summary": text, "showroom": true, "date": "2024-03-01", "cover": "media/covers/c.svg",
        "results": [["metric": text, "before": 1, "after": 2, "unit": text]],
    ]
    let notice: [String: Any] = [
        "title": text, "kind": "call", "published": "2024-01-09", "written": "2024-01-08", "index_no": text, "category": text,
        "doc_no": text, "issuers": [text], "validity": text, "reg_no": text, "addressees": text,
        "deadlines": [["label": text, "at": "2024-01-31"]],
        "contacts": [["unit": text, "person": text, "phone": text]],
        "attachments": [["title": text, "file": "media/attachments/a.pdf"], ["title": text, "url": "https://example.com/a.pdf"],
                        ["title": text]],
    ]
    return [
        "Content/site.yaml": json(["title": text, "base_url": "https://example.gov.cn/dx/", "publisher": text, "description": text]),
        "Content/industries.yaml": json([["id": "auto-parts", "name": text, "summary": text,
                                          "quotas": ["integrator": [0, 6], "product": [0, 20], "chain-leader": [0, 3]]]]),
        "Content/providers/p.json": json(provider),
        "Content/cases/c.json": json(item),
        "Content/notices/n.json": json(notice),
        "Content/providers/q.md": providerFile(name: "乙公司", code: creditCode("91370200MA3C00002"), body: body),
        "Content/media/covers/c.svg": #"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"/>"#,
        "Content/media/attachments/a.pdf": "%PDF-1.4",
    ]
}

@Suite("Security: injection into every output context")
struct InjectionTests {
    /// The hostile site and its harmless twin, built once.
    static let sites: (hostile: TestSite, harmless: TestSite) = {
        let a = try! TestSite(siteFiles(hostile, body: "正文" + hostile + "\n\n<div onclick=\"x()\">块</div>"))
        let b = try! TestSite(siteFiles(harmless, body: "正文" + harmless + "\n\n<div>块</div>"))
        for site in [a, b] {
            let report = site.build()
            precondition(report.published, "fixture failed to build: \(report.findings.filter { $0.severity == .error })")
        }
        return (a.sharedForTheRun(), b.sharedForTheRun())
    }()

    @Test("hostile text adds no tag and no attribute to any page: each page has the tags of its harmless twin")
    func pagesKeepTheirShape() throws {
        let (a, b) = Self.sites
        let pages = try FileManager.default.subpathsOfDirectory(atPath: a.root + "/Site").filter { $0.hasSuffix(".html") }.sorted()
        #expect(pages.count >= 11)
        for page in pages {
            let hostileTags = HTMLTag.parse(try #require(a.read("Site/" + page)))
            let harmlessTags = HTMLTag.parse(try #require(b.read("Site/" + page), "\(page) missing from the harmless build"))
            #expect(hostileTags == harmlessTags, "\(page): \(zip(hostileTags, harmlessTags).first { $0 != $1 }.map { "\($0) vs \($1)" } ?? "count \(hostileTags.count) vs \(harmlessTags.count)")")
            for tag in hostileTags {
                #expect(!tag.attributes.contains { $0.name.hasPrefix("on") || $0.name == "style" || $0.name == "srcdoc" }, "\(page): \(tag)")
            }
        }
    }

    @Test("the hostile text is shown, escaped, not dropped")
    func textIsShown() throws {
        let page = try #require(Self.sites.hostile.read("Site/providers/p/index.html"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(page.contains("{{t.footer.sponsor}}{{{bodyHTML}}}&amp;amp;&amp;#x3c;"), "Mustache in content must stay literal text")
        let notice = try #require(Self.sites.hostile.read("Site/notices/n/index.html"))
        #expect(notice.contains("<meta name=\"ArticleTitle\" content=\"甲&quot;&#39;&gt;&lt;script&gt;"))
    }

    @Test("JSON open data holds the exact text and no character that could end a <script> or a JS string")
    func jsonData() throws {
        for file in ["Site/data/providers.json", "Site/data/cases.json"] {
            let raw = try #require(Self.sites.hostile.read(file))
            #expect(!raw.contains("<") && !raw.contains(">") && !raw.contains("&"), "\(file)")
            #expect(!raw.contains("\u{2028}") && !raw.contains("\u{2029}"), "\(file)")
            let parsed = try JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [[String: Any]]
            let texts = parsed?.flatMap { $0.values.compactMap { $0 as? String } } ?? []
            #expect(texts.contains { $0.hasPrefix(hostile) }, "\(file) lost the text")
        }
    }

    @Test("sitemap and feed are well-formed XML and the feed carries the exact title")
    func xmlOutputs() throws {
        for file in ["Site/sitemap.xml", "Site/notices/feed.xml"] {
            let data = Data(try #require(Self.sites.hostile.read(file)).utf8)
            let delegate = TitleCollector()
            let parser = XMLParser(data: data)
            parser.delegate = delegate
            #expect(parser.parse(), "\(file): \(String(describing: parser.parserError))")
            if file.hasSuffix("feed.xml") { #expect(delegate.titles.contains(hostile)) }
        }
    }

    @Test("CSV open data keeps every row's columns and the exact text")
    func csvData() throws {
        for file in ["Site/data/providers.csv", "Site/data/cases.csv"] {
            let rows = parseCSV(try #require(Self.sites.hostile.read(file)))
            let width = try #require(rows.first?.count)
            #expect(rows.count >= 2)
            for row in rows { #expect(row.count == width, "\(file): \(row)") }
            #expect(rows.joined().contains { $0.hasPrefix(hostile) }, "\(file)")
        }
    }

    @Test("calendar files: text stays inside its property, folded and escaped, and reads back exactly")
    func icsFiles() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.sites.hostile.root + "/Site").filter { $0.hasSuffix(".ics") }
        #expect(!files.isEmpty)
        var survived = 0
        for file in files {
            let raw = try #require(Self.sites.hostile.read("Site/" + file))
            #expect(raw.hasSuffix("\r\n") && !raw.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "\(file): bare line feeds")
            // Unfold (RFC 5545 §3.1), then every line must be NAME[;PARAMS]:VALUE and components must nest.
            let lines = raw.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n").dropLast()
            var stack: [String] = []
            var summaries: [String] = []
            for line in lines {
                #expect(line.range(of: #"^[A-Z][A-Z0-9-]*[;:]"#, options: .regularExpression) != nil, "\(file): \(line)")
                if line.hasPrefix("BEGIN:") { stack.append(String(line.dropFirst(6))) }
                if line.hasPrefix("END:") { #expect(stack.popLast() == String(line.dropFirst(4)), "\(file): \(line)") }
                if line.hasPrefix("SUMMARY:") { summaries.append(String(line.dropFirst(8))) }
            }
            #expect(stack.isEmpty)
            for physical in raw.components(separatedBy: "\r\n") { #expect(physical.utf8.count <= 75, "\(file): a line over 75 octets") }
            let unescaped = summaries.map { value -> String in
                var out = ""
                var escaped = false
                for scalar in value.unicodeScalars {
                    if escaped {
                        out.unicodeScalars.append(scalar == "n" || scalar == "N" ? "\n" : scalar)
                        escaped = false
                    } else if scalar == "\\" {
                        escaped = true
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
                return out
            }
            if unescaped.contains(where: { $0.contains(hostile) }) { survived += 1 }
        }
        #expect(survived >= 1, "no calendar carried the deadline's label intact")
    }

    @Test("raw HTML opt-in: editors are trusted with HTML, yet GFM's tag filter still disarms <script>, <iframe>, <style>")
    func unsafeOptIn() throws {
        let html = Markdown(unsafeHTML: true).render("<script>alert(1)</script>\n\n<iframe src=x></iframe><style>*{}</style><details>ok</details>").html
        let tags = HTMLTag.parse(html).map(\.name)
        #expect(!tags.contains("script") && !tags.contains("iframe") && !tags.contains("style"))
        #expect(tags.contains("details"))
    }
}

private final class TitleCollector: NSObject, XMLParserDelegate {
    var titles: [String] = []
    private var inTitle = false
    private var text = ""
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "title" { inTitle = true; text = "" }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { if inTitle { text += string } }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "title" { titles.append(text); inTitle = false }
    }
}

@Suite("Security: escaping of single characters in every context")
struct ContextEscapingTests {
    @Test("a combining mark or a prepended character cannot glue itself to a quote and slip past HTML escaping")
    func graphemeClusters() throws {
        // Swift compares Characters (grapheme clusters): `"` + U+0338 is one Character that is not `"`, so an
        // escaper working per Character lets the quote through and the attribute ends early.
        let breakouts = ["x\"\u{0338} onload=alert(1) y=\"", "x\u{0600}\" onload=alert(1) y=\"", "\u{0338}<\u{0338}img src=x onerror=alert(1)>"]
        let theme = try #require(Theme.load(root: repositoryRoot, name: "default", language: "zh-CN").0)
        for text in breakouts {
            let html = theme.render("404", ["pageTitle": text, "description": text, "lang": "zh-CN", "title": text])
            let tags = HTMLTag.parse(html)
            #expect(!tags.contains { $0.attributes.contains { $0.name.hasPrefix("on") } }, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(!tags.contains { $0.name == "img" })
        }
    }

    @Test("content with such glued characters is refused at load, with its line")
    func gluedCharactersRefused() throws {
        let site = try TestSite(["Content/providers/p.md": providerFile(name: "甲\"\u{0338}公司")])
        let finding = try #require(site.load().findings.first { $0.rule == "content.encoding" })
        #expect(finding.location.line == 2)
    }

    @Test("CSV cells: formulas neutralised, quotes doubled and line breaks quoted, judged per Unicode scalar")
    func csvCells() {
        for formula in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "=HYPERLINK(\"http://x\",\"y\")", "=cmd|' /C calc'!A0"] {
            let parsed = parseCSV(CSVWriter.cell(formula) + "\r\n")
            #expect(parsed == [["'" + formula]], "\(formula)")
        }
        for text in ["a,b", "a\"b", "a\nb", "a\r\nb", ",\u{0338}", "\"\u{0338},=1", "普通文字"] {
            let row = CSVWriter.cell(text) + "," + CSVWriter.cell("next") + "\r\n"
            let parsed = parseCSV(row)
            #expect(parsed.count == 1 && parsed[0].count == 2, "\(text.debugDescription) → \(row.debugDescription)")
            #expect(parsed.first?.first?.replacingOccurrences(of: "'", with: "") == text.replacingOccurrences(of: "'", with: ""))
        }
    }

    @Test("XML text drops what XML 1.0 forbids and escapes the rest")
    func xmlText() throws {
        let text = "a\u{1}b\u{8}c\u{B}d\u{C}e\u{1F}f\u{FFFE}g\u{FFFF}h<i>&j\"k'l]]>m\u{7F}\u{85}"
        let escaped = XMLText.escape(text)
        let parser = XMLParser(data: Data("<r a=\"\(escaped)\">\(escaped)</r>".utf8))
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
        #expect(!escaped.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0xFFFE || $0.value == 0xFFFF })
    }

    @Test("JSON strings round-trip exactly and never contain <, >, &, U+2028 or U+2029 raw")
    func jsonStrings() throws {
        let text = "</script><!--\u{2028}\u{2029}\u{0}\u{1F}\"\\&'\u{10FFFF}中"
        var out = ""
        JSONValue.quote(text, into: &out)
        #expect(!out.contains("<") && !out.contains(">") && !out.contains("&") && !out.contains("\u{2028}") && !out.contains("\u{2029}"))
        let back = try JSONSerialization.jsonObject(with: Data("[\(out)]".utf8)) as? [String]
        #expect(back == [text])
    }
}

@Suite("Security: dangerous URLs")
struct URLTests {
    /// Targets a browser would run or that could carry a page: every spelling must end up unlinked.
    static let dangerous = [
        "javascript:alert(1)", "JaVaScRiPt:alert(1)", "javascript&#58;alert(1)", "&#106;avascript:alert(1)",
        "jav&#x61;script:alert(1)", "javascript&colon;alert(1)", "java&Tab;script:alert(1)", "&#x20;javascript:alert(1)",
        "vbscript:msgbox(1)", "VBScript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "DATA:text/html,<script>alert(1)</script>", "data:image/svg+xml;base64,PHN2Zy8+", "file:///etc/passwd",
        // Operating-system protocol handlers, which cmark-gfm's safe mode alone lets through.
        "ms-msdt:/id%20PCWDiagnostic", "search-ms:query=x", "intent://x#Intent;end", "httpq://example.com/",
    ]

    @Test("Markdown links, images, autolinks and reference links never carry a dangerous scheme", arguments: dangerous)
    func markdownTargets(_ url: String) {
        let forms = ["[a](\(url))", "![a](\(url))", "<\(url)>", "[a][r]\n\n[r]: \(url)", "[a](<\(url)>)", "<a href=\"\(url)\">a</a>",
                     "<img src=\"\(url)\">"]
        for form in forms {
            for unsafe in [false, true] where !(unsafe && form.hasPrefix("<a") || unsafe && form.hasPrefix("<img")) {
                let html = Markdown(unsafeHTML: unsafe).render(form).html
                for tag in HTMLTag.parse(html) {
                    for attribute in tag.attributes where ["href", "src"].contains(attribute.name) {
                        let scheme = HTMLTag.browserScheme(attribute.value)
                        let allowed = scheme == nil || ["http", "https", "mailto", "tel"].contains(scheme!)
                            || (tag.name == "img" && scheme == "data" && attribute.value.lowercased().range(
                                of: #"^data:image/(png|gif|jpeg|webp);"#, options: .regularExpression) != nil)
                        #expect(allowed, "\(form) (unsafe: \(unsafe)) → \(html)")
                    }
                }
            }
        }
    }

    @Test("roster check flags every dangerous link target in a body, with its line", arguments: dangerous)
    func checkFlagsLinks(_ url: String) throws {
        let site = try TestSite(["Content/providers/p.md": providerFile(body: "第一行\n\n[资料](\(url))")])
        let loaded = try #require(site.load().site)
        let findings = Rules.check(loaded).filter { $0.rule == "link.scheme" }
        // A target that cmark reads as no link at all (entities it does not decode inside a scheme) is text, not a link.
        if Markdown().render("[资料](\(url))", collectLinks: true).links.isEmpty { return }
        #expect(findings.count == 1, "\(url)")
        #expect(findings.first?.location.line == 12)
    }

    static let badWebsites = dangerous + ["//evil.example/x", "http://", "https:evil.example", "ftp://example.com/",
                                          "https://example.com/\" onmouseover=\"alert(1)", "https://exa mple.com/", "example.com"]

    @Test("a provider website is linked only when it is an http(s) address; check says why otherwise", arguments: badWebsites)
    func websites(_ url: String) throws {
        let object: [String: Any] = ["name": "甲公司", "credit_code": creditCode("91370200MA3C00001"), "types": ["chain-leader"],
                                     "industries": ["auto-parts"], "district": "市南区", "website": url,
                                     "chain_leader": ["mode": "lead", "revenue_last_year": 2_000_000_000, "pilot_enterprises": 12]]
        let site = try TestSite(["Content/providers/p.json": String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)])
        let loaded = try #require(site.load().site)
        #expect(Rules.check(loaded).contains { $0.rule == "link.scheme" && $0.location.file == "Content/providers/p.json" }, "\(url)")
        // Even if the rules were skipped, the page never links it.
        let theme = try #require(Theme.load(root: site.root, name: "default", language: "zh-CN").0)
        let page = String(decoding: RenderContext(site: loaded, theme: theme, now: Day(iso: "2024-06-01")!).providerPage(loaded.providers[0], bodyHTML: []), as: UTF8.self)
        for tag in HTMLTag.parse(page) where tag.name == "a" {
            let href = tag.attributes.first { $0.name == "href" }?.value ?? ""
            #expect(!href.contains("example.com") && !href.contains("evil"), "\(url) → \(href)")
            #expect(HTMLTag.browserScheme(href).map { ["http", "https", "mailto", "tel"].contains($0) } ?? true)
        }
    }

    @Test("an attachment url that is not an http(s) address is an error, and is never linked")
    func attachmentURL() throws {
        let site = try TestSite(["Content/notices/n.md": "---\ntitle: 通知\nkind: call\npublished: 2024-01-09\nattachments:\n  - {title: 附件, url: \"javascript:alert(1)\"}\n---\n正文"])
        let loaded = try #require(site.load().site)
        let finding = try #require(Rules.check(loaded).first { $0.rule == "link.scheme" })
        #expect(finding.location.line == 6)
        let theme = try #require(Theme.load(root: site.root, name: "default", language: "zh-CN").0)
        let page = String(decoding: RenderContext(site: loaded, theme: theme, now: Day(iso: "2024-06-01")!).noticePage(loaded.notices[0], bodyHTML: []), as: UTF8.self)
        #expect(!page.contains("javascript:"))
    }

    @Test("media addresses are percent-encoded: #, ?, % and spaces in a file name cannot break or redirect the link")
    func mediaAddresses() {
        let urls = SiteURLs(config: SiteConfig(title: "t", baseURL: "https://x.gov.cn/dx/", language: "zh-CN", publisher: "p",
                                               description: nil, unsafeHTML: false))
        #expect(urls.media("media/attachments/附件 1#?%.pdf") == "/dx/media/attachments/%E9%99%84%E4%BB%B6%201%23%3F%25.pdf")
        #expect(urls.media("media/covers/a-b_c.1.svg") == "/dx/media/covers/a-b_c.1.svg")
    }
}
