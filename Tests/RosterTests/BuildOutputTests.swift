import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Roster

@Suite("Building the default site")
struct DefaultSiteTests {
    /// One build of the repository's own Content/ and theme, shared by the tests below.
    static let site: TestSite = {
        let site = try! TestSite(copying: ["Content", "Themes"])
        let report = site.build(now: "2024-02-10")
        precondition(report.published, "default site failed to build: \(report.findings.filter { $0.severity == .error })")
        return site.sharedForTheRun()
    }()

    var site: TestSite { Self.site }

    @Test("every kind of page and file is written")
    func everyOutput() throws {
        for path in ["index.html", "industries/index.html", "industries/auto-parts/index.html", "industries/general-parts/index.html",
                     "showroom/index.html", "notices/index.html", "notices/qingdao-2024-1/index.html",
                     "notices/publicity-2024-first-batch/index.html", "data/index.html", "404.html", "sitemap.xml", "robots.txt",
                     "notices/feed.xml", "data/providers.json", "data/providers.csv", "data/cases.json", "data/cases.csv",
                     "providers/qlink-iot/index.html", "providers/yunqi-zhizao/index.html", "media/covers/warehouse.svg"] {
            #expect(site.exists("Site/" + path), "missing \(path)")
        }
        let loaded = try #require(site.load().site)
        for provider in loaded.providers { #expect(site.exists("Site/providers/\(provider.id)/index.html")) }
        for item in loaded.cases { #expect(site.exists("Site/cases/\(item.id)/index.html")) }
    }

    @Test("every page has lang, a title, a canonical URL under base_url, and hashed assets")
    func pageBasics() throws {
        let pages = try FileManager.default.subpathsOfDirectory(atPath: site.root + "/Site").filter { $0.hasSuffix(".html") }
        #expect(pages.count > 80)
        for page in pages {
            let html = try #require(site.read("Site/" + page))
            #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"zh-CN\">"), "\(page)")
            #expect(html.contains("<title>") && !html.contains("<title></title>"), "\(page)")
            #expect(html.contains("<link rel=\"canonical\" href=\"https://szzx.qingdao.example.gov.cn/dx/"), "\(page)")
            #expect(html.range(of: #"/dx/assets/site\.[0-9a-f]{16}\.css"#, options: .regularExpression) != nil, "\(page)")
            #expect(html.components(separatedBy: "<h1").count == 2, "\(page) must have exactly one h1")
            // The site runs under a strict CSP: no inline script, no style attribute, no event handler.
            #expect(html.range(of: #"<script(?![^>]*\bsrc=)"#, options: .regularExpression) == nil, "\(page)")
            #expect(html.range(of: #"\sstyle=|\son[a-z]+="#, options: .regularExpression) == nil, "\(page)")
        }
    }

    @Test("the home page shows the pilot at a glance")
    func home() throws {
        let html = try #require(site.read("Site/index.html"))
        for text in ["汽车零部件及配件制造", "轨道交通设备制造", "家用电器及配件制造", "通用零部件及配件制造",
                     "综合集成型", "“小快轻准”产品型", "“链主”企业型", "3–6", "10–20", "1–3", "案例展厅精选", "最新通知公告",
                     "示例", "/dx/notices/qingdao-2024-1/"] {
            #expect(html.contains(text), "home page lacks \(text)")
        }
    }

    @Test("an industry directory groups active providers by type in pinyin order and leaves out withdrawn ones")
    func industryDirectory() throws {
        let html = try #require(site.read("Site/industries/home-appliances/index.html"))
        #expect(html.contains("澜庭电器"))
        #expect(!html.contains("/dx/providers/yunqi-zhizao/"), "withdrawn provider must leave the directory")
        #expect(site.read("Site/industries/general-parts/index.html")?.contains("/dx/providers/yunqi-zhizao/") == false)
        let loaded = try #require(site.load().site)
        let product = loaded.providers.filter { $0.has(.product) && $0.industries.contains("home-appliances") && $0.status != .withdrawn }
        let expected = DirectoryOrder.sorted(product).map { "/dx/providers/\($0.id)/" }
        let section = try #require(html.components(separatedBy: "id=\"type-product\"").last?.components(separatedBy: "</section>").first)
        let found = expected.compactMap { section.range(of: $0)?.lowerBound }
        #expect(found.count == expected.count)
        #expect(found == found.sorted(), "providers are not in pinyin order")
    }

    @Test("a provider page shows profile, products, cases and history; a withdrawn one keeps its page, marked")
    func providerPages() throws {
        let qlink = try #require(site.read("Site/providers/qlink-iot/index.html"))
        for text in ["统一社会信用代码", "服务案例", "状态记录", "“小快轻准”产品", "/dx/cases/"] { #expect(qlink.contains(text), "\(text)") }
        let withdrawn = try #require(site.read("Site/providers/yunqi-zhizao/index.html"))
        #expect(withdrawn.contains("status-notice status-withdrawn"))
        #expect(withdrawn.contains("已退出"))
    }

    @Test("a case page shows its results table and links its provider and industry")
    func casePage() throws {
        let loaded = try #require(site.load().site)
        let item = try #require(loaded.cases.first { !$0.results.isEmpty && $0.showroom })
        let html = try #require(site.read("Site/cases/\(item.id)/index.html"))
        #expect(html.contains(HTMLText.escape(item.results[0].metric)))
        #expect(html.contains("/dx/providers/\(item.provider)/"))
        #expect(html.contains("/dx/industries/\(item.industry)/"))
        #expect(html.contains("<th scope=\"col\">改造前</th>"))
    }

    @Test("the real notice page carries its metadata, deadlines, 15 contact rows and 6 attachments")
    func noticePage() throws {
        let html = try #require(site.read("Site/notices/qingdao-2024-1/index.html"))
        for text in ["索引号", "2528144605955803409", "青民发字〔2024〕1号", "成文日期", "2024-01-09", "规范性文件登记号",
                     "2024年1月31日 24:00", "datetime=\"2024-02-01T00:00+08:00\"", "2024年2月8日", "周绍华", "51917601",
                     "85017188", "暂无电子版", "<meta name=\"ArticleTitle\""] {
            #expect(html.contains(text), "notice page lacks \(text)")
        }
        let contacts = try #require(html.components(separatedBy: "id=\"contacts-title\"").last?.components(separatedBy: "</table>").first)
        #expect(contacts.components(separatedBy: "<tr><th scope=\"row\">").count - 1 == 15)
        let attachments = try #require(html.components(separatedBy: "attachment-list").last?.components(separatedBy: "</ol>").first)
        #expect(attachments.components(separatedBy: "<li>").count - 1 == 6)
    }

    @Test("open data lists every provider and case, withdrawn ones included, and the CSV opens in Excel")
    func openData() throws {
        let loaded = try #require(site.load().site)
        let csv = try #require(FileManager.default.contents(atPath: site.root + "/Site/data/providers.csv"))
        #expect(Array(csv.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: csv, as: UTF8.self)
        #expect(text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == loaded.providers.count + 1)
        #expect(text.contains("已退出"))
        let json = try JSONSerialization.jsonObject(with: try #require(FileManager.default.contents(atPath: site.root + "/Site/data/cases.json")))
        #expect((json as? [Any])?.count == loaded.cases.count)
        let providers = try JSONSerialization.jsonObject(with: try #require(FileManager.default.contents(atPath: site.root + "/Site/data/providers.json"))) as? [[String: Any]]
        #expect(providers?.contains { $0["status"] as? String == "withdrawn" } == true)
    }

    @Test("sitemap, robots and feed are well-formed and absolute")
    func feeds() throws {
        let sitemap = try #require(site.read("Site/sitemap.xml"))
        #expect(sitemap.contains("<loc>https://szzx.qingdao.example.gov.cn/dx/providers/qlink-iot/</loc>"))
        #expect(!sitemap.contains("404"))
        #expect(site.read("Site/robots.txt")?.contains("Sitemap: https://szzx.qingdao.example.gov.cn/dx/sitemap.xml") == true)
        for file in ["Site/sitemap.xml", "Site/notices/feed.xml"] {
            let parser = XMLParser(data: Data(try #require(site.read(file)).utf8))
            #expect(parser.parse(), "\(file) is not well-formed XML")
        }
    }
}

@Suite("Escaping and safety of pages")
struct EscapingTests {
    @Test("a provider named <b>x</b>&co shows as text everywhere")
    func escapedName() throws {
        let site = try TestSite(["Content/providers/p.json": #"{"name": "\"<b>x</b>&co'", "credit_code": "\#(creditCode("91370200MA3C00001"))", "types": ["chain-leader"], "industries": ["auto-parts"], "district": "市南区", "summary": "<img src=x onerror=alert(1)>", "chain_leader": {"mode": "lead", "revenue_last_year": 2000000000, "pilot_enterprises": 12}}"#])
        let report = site.build()
        #expect(report.published, "\(report.findings)")
        let page = try #require(site.read("Site/providers/p/index.html"))
        #expect(page.contains("&quot;&lt;b&gt;x&lt;/b&gt;&amp;co&#39;"))
        #expect(!page.contains("<b>x</b>"))
        #expect(!page.contains("<img src=x"))
        let directory = try #require(site.read("Site/industries/auto-parts/index.html"))
        #expect(directory.contains("&lt;b&gt;x&lt;/b&gt;&amp;co") && !directory.contains("<b>x</b>"))
        let json = try #require(site.read("Site/data/providers.json"))
        #expect(json.contains("\\u003cb\\u003ex\\u003c/b\\u003e\\u0026co"))
    }

    @Test("a <script> or raw HTML in a Markdown body never reaches the page in safe mode")
    func safeMarkdown() throws {
        let body = "正文<script>alert(1)</script>\n\n<div onclick=\"x()\">块</div>\n\n<img src=x onerror=alert(1)>"
        let site = try TestSite(["Content/providers/p.md": providerFile(body: body)])
        #expect(site.build().published)
        let page = try #require(site.read("Site/providers/p/index.html"))
        #expect(!page.contains("<script>alert"))
        #expect(!page.contains("onclick"))
        #expect(!page.contains("onerror"))
        #expect(page.contains("正文"))
    }

    @Test("the renderer never links javascript:, vbscript: or data: targets, even if check is bypassed")
    func dangerousLinks() {
        let html = Markdown().render("[a](javascript:alert(1)) [b](VBScript:x) [c](data:text/html;base64,xx) ![d](javascript:y) [ok](https://example.com/)").html
        #expect(!html.lowercased().contains("javascript:"))
        #expect(!html.lowercased().contains("vbscript:"))
        #expect(!html.contains("data:text/html"))
        #expect(html.contains("href=\"https://example.com/\""))
    }

    @Test("links written from the site root follow the site's base path")
    func rebasedLinks() {
        let html = Markdown(basePath: "/dx/").render("[a](/providers/x/) [b](https://example.com/y) [c](../z/)").html
        #expect(html.contains("href=\"/dx/providers/x/\""))
        #expect(html.contains("href=\"https://example.com/y\""))
        #expect(html.contains("href=\"../z/\""))
    }

    @Test("raw HTML is kept only when site.yaml opts in")
    func unsafeOptIn() throws {
        let site = try TestSite([
            "Content/site.yaml": TestSite.siteYAML + "\nmarkdown: {unsafe_html: true}",
            "Content/providers/p.md": providerFile(body: "<details><summary>更多</summary>内容</details>"),
        ])
        #expect(site.build().published)
        #expect(site.read("Site/providers/p/index.html")?.contains("<details><summary>更多</summary>") == true)
    }

    @Test("a website with a javascript: URL is never linked")
    func unsafeWebsite() throws {
        let site = try TestSite(["Content/providers/p.md": providerFile(extra: "website: javascript:alert(1)")])
        site.build()
        if let page = site.read("Site/providers/p/index.html") { #expect(!page.contains("javascript:")) }
    }

    @Test("CSV cells that look like formulas are neutralised")
    func csvFormulas() {
        #expect(CSVWriter.cell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(CSVWriter.cell("+1") == "\"'+1\"")
        #expect(CSVWriter.cell("普通,文字") == "\"普通,文字\"")
        #expect(CSVWriter.cell("普通") == "普通")
    }
}

@Suite("Build guarantees")
struct BuildGuaranteeTests {
    @Test("a build with a broken file leaves the previous Site/ byte for byte")
    func atomic() throws {
        let site = try TestSite(["Content/providers/p.md": providerFile()])
        #expect(site.build().published)
        let before = try fileTree(site.root + "/Site")
        try site.write("Content/providers/q.md", "---\nname: [broken\n---\n")
        let report = site.build()
        #expect(!report.published)
        #expect(report.findings.contains { $0.location.file == "Content/providers/q.md" && $0.location.line >= 2 })
        #expect(try fileTree(site.root + "/Site") == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: site.root)
            .filter { $0.hasPrefix(".Site.") && ![".Site.manifest", ".Site.search-terms", ".Site.bodies"].contains($0) }
        #expect(leftovers.isEmpty, "staging folders left behind: \(leftovers)")
    }

    @Test("two builds of the same input and --now give identical trees")
    func deterministic() throws {
        let site = try TestSite(copying: ["Content", "Themes"])
        #expect(site.build(now: "2024-02-10", output: site.root + "/A").published)
        #expect(site.build(now: "2024-02-10", output: site.root + "/B").published)
        let a = try fileTree(site.root + "/A"), b = try fileTree(site.root + "/B")
        #expect(a.count > 100)
        #expect(a == b)
    }

    @Test("the site works under the path of base_url, and --base-url overrides it")
    func basePath() throws {
        let site = try TestSite(["Content/providers/p.md": providerFile()])
        #expect(site.build(baseURL: "http://127.0.0.1:8080").published)
        let page = try #require(site.read("Site/providers/p/index.html"))
        #expect(page.contains("href=\"/industries/auto-parts/\""))
        #expect(page.contains("<link rel=\"canonical\" href=\"http://127.0.0.1:8080/providers/p/\">"))
        #expect(!page.contains("/dx/"))
    }

    @Test("the build refuses to write over its own sources")
    func protectedOutput() throws {
        let site = try TestSite(["Content/providers/p.md": providerFile()])
        for output in [site.root, site.root + "/Content", site.root + "/Themes"] {
            let report = site.build(output: output)
            #expect(report.failure != nil && !report.published, "\(output)")
        }
        #expect(site.exists("Content/providers/p.md"))
    }

    @Test("errors are reported as path:line:column with all of them, not just the first")
    func errorReport() throws {
        let site = try TestSite([
            "Content/providers/a.md": providerFile(extra: "distric: 市南区"),
            "Content/cases/c.md": caseFile(provider: "nobody"),
        ])
        let report = site.build()
        #expect(!report.published)
        let lines = report.findings.map(\.compilerStyle)
        #expect(lines.contains { $0.hasPrefix("Content/providers/a.md:7:1: error: ") })
        #expect(lines.contains { $0.hasPrefix("Content/cases/c.md:3:1: error: ") && $0.contains("nobody") })
    }
}

@Suite("Pinyin order")
struct PinyinTests {
    @Test("Chinese names sort by pinyin, Latin names by letter")
    func order() {
        let names = ["青岛海创", "安准视觉", "Q-Link物联", "博睿数字", "中车", "澜庭电器", "德拓"]
        let sorted = Pinyin.sorted(names, name: { $0 }, id: { $0 })
        #expect(sorted == ["安准视觉", "博睿数字", "德拓", "澜庭电器", "Q-Link物联", "青岛海创", "中车"])
    }

    @Test("the sort key spells each character, spaced between syllables, letters and digits only")
    func sortKey() {
        #expect(Pinyin.sortKey("青岛Q-Link智能（烟台）有限公司") == "qing dao q-link zhi neng（yan tai）you xian gong si")
        #expect(Pinyin.sortKey("3D打印·重庆") == "3d da yin·chong qing")
        #expect(Pinyin.sortKey("ABC") == "abc")
        // ICU's readings in context, as its whole-name transliteration gives them.
        for word in ["重庆银行", "沈阳机床", "藏文", "藏 语", "秘鲁", "重要"] {
            #expect(Pinyin.sortKey(word).filter { $0 != " " } == Pinyin.transliterate(word).filter { $0 != " " }, "\(word)")
        }
        // Outside the table (an Extension B character): asked of ICU.
        #expect(Pinyin.sortKey("𠀀") == Pinyin.transliterate("𠀀"))
    }

    @Test("the generated table spells every character as ICU does")
    func table() {
        var checked = 0
        for value in Pinyin.tableStart...0x9FFF {
            let scalar = Unicode.Scalar(value)!
            let icu = Pinyin.transliterate(String(scalar))
            let (text, isSyllable) = Pinyin.spelling(of: scalar)
            let icuIsSyllable = icu != String(scalar) && !icu.isEmpty
                && icu.unicodeScalars.allSatisfy { $0.isASCII && $0.properties.isAlphabetic }
            #expect(text == icu, "U+\(String(value, radix: 16, uppercase: true))")
            #expect(isSyllable == icuIsSyllable, "U+\(String(value, radix: 16, uppercase: true))")
            if text != icu { break }
            checked += 1
        }
        #expect(checked == 0x9FFF - 0x4E00 + 1)
    }

    @Test("characters other than Han are spelled as ICU spells them, without asking it")
    func notHan() {
        var checked = 0
        for block in Pinyin.plainRanges {
            for value in block {
                guard let scalar = Unicode.Scalar(value), !scalar.properties.isIdeographic, !scalar.properties.isRadical else { continue }
                #expect(Pinyin.latin(of: scalar) == Pinyin.transliterate(String(scalar)), "U+\(String(value, radix: 16, uppercase: true))")
                checked += 1
            }
        }
        #expect(checked > 4_500)
    }

    @Test("initials come from the first character's pinyin")
    func initials() {
        #expect(Pinyin.initial(of: "青岛") == "Q")
        #expect(Pinyin.initial(of: "澜庭") == "L")
        #expect(Pinyin.initial(of: "q-link") == "Q")
        #expect(Pinyin.initial(of: "3D打印") == "#")
        // Listed under the letter the name sorts by, as ICU reads the word.
        #expect(Pinyin.initial(of: "重庆机电") == "C")
        #expect(Pinyin.initial(of: "沈阳机床") == "S")
        #expect(Pinyin.initial(of: "重型机械") == "Z")
    }
}
