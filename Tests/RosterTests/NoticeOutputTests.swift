import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Roster

/// A small fixture site with a call for applications and a publicity notice, built once as of 2024-02-07
/// (the first deadline has closed, the second is open, the publicity period starts that day).
enum NoticeFixture {
    static let site: TestSite = {
        var files: [String: String] = [
            "Content/providers/haian.md": providerFile(name: "青岛海岸智造科技有限公司", code: creditCode("91370200MA3C00011"),
                                                       types: "[integrator]", industries: "[auto-parts]"),
            "Content/providers/beiling.md": providerFile(name: "北岭软件（青岛）有限公司", code: creditCode("91370200MA3C00022"),
                                                         types: "[product]", industries: "[auto-parts]"),
            "Content/providers/lanbo.md": providerFile(name: "蓝波轨道装备股份有限公司", code: creditCode("91370200MA3C00033"),
                                                       types: "[chain-leader]", industries: "[rail-transit]"),
            "Content/notices/call-2024.md": """
                ---
                title: 关于开展测试服务商申报工作的通知
                kind: call
                index_no: "000111222"
                category: 其他
                written: 2024-01-08
                published: 2024-01-09
                doc_no: 测发〔2024〕1号
                issuers: [测试市民营经济发展局, 测试市财政局]
                validity: 有效
                reg_no: ""
                addressees: 各区、市主管部门
                deadlines:
                  - {label: 线上申报截止, at: "2024-01-31 24:00"}
                  - {label: "材料报送截止（纸质版一式两份, 加盖公章; 逾期不收）", at: "2024-02-08"}
                contacts:
                  - {unit: 测试市民营经济发展局政策规划处, person: 王工, phone: "0532-55550001"}
                  - {unit: 技术支持热线, person: "", phone: "55550002"}
                attachments:
                  - {title: 申报书.doc, file: media/attachments/form.doc}
                  - {title: 政策原文, url: "https://www.example.gov.cn/policy.html"}
                ---

                为推进测试工作，现将有关事项通知如下：

                ## 一、申报时间

                2024年1月31日24:00前完成线上申报。
                """,
            "Content/notices/publicity-2024.md": """
                ---
                title: 关于测试推荐服务商名单的公示
                kind: publicity
                written: 2024-02-06
                published: 2024-02-06
                issuers: [测试市民营经济发展局]
                publicity:
                  start: 2024-02-07
                  working_days: 5
                  candidates: [lanbo, haian, beiling]
                contacts:
                  - {unit: 测试市民营经济发展局政策规划处, person: 李明, phone: "0532-55559001"}
                ---

                现将拟推荐服务商名单予以公示，公示期为2024年2月7日至2024年2月19日。
                """,
        ]
        let cases = [("haian", 2), ("beiling", 3)]
        for (provider, count) in cases {
            for i in 1...count {
                files["Content/cases/\(provider)-\(i).md"] = caseFile(provider: provider, enterprise: "青岛某某机械有限公司\(provider)\(i)")
            }
        }
        let site = try! TestSite(files)
        try! site.write("Content/calendar/2024.json", Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Content/calendar/2024.json")))
        try! site.write("Content/media/attachments/form.doc", Data(repeating: 0x41, count: 2048))
        let report = site.build(now: "2024-02-07")
        precondition(report.published, "notice fixture failed to build: \(report.findings.filter { $0.severity == .error })")
        return site.sharedForTheRun()
    }()

    /// Asset names carry a content hash that any CSS or JS change alters; expected pages do not depend on it.
    static func normalized(_ html: String) -> String {
        html.replacingOccurrences(of: #"/assets/([a-z-]+)\.[0-9a-f]{16}\.(css|js)"#, with: "/assets/$1.HASH.$2", options: .regularExpression)
    }
}

@Suite("Notice pages, feed and calendars: expected output")
struct NoticeGoldenTests {
    var site: TestSite { NoticeFixture.site }

    @Test("a notice page", arguments: [("notices/call-2024/index.html", "notice-page.html"),
                                       ("notices/publicity-2024/index.html", "publicity-page.html")])
    func page(path: String, golden: String) throws {
        let html = try #require(site.read("Site/" + path))
        GoldenFile.check(NoticeFixture.normalized(html), concern: "notices", name: golden)
    }

    @Test("the feed and the calendars")
    func machineReadable() throws {
        GoldenFile.check(try #require(site.read("Site/notices/feed.xml")), concern: "notices", name: "feed.xml")
        for (path, golden) in [("notices/call-2024/calendar.ics", "call-2024.ics"), ("notices/deadlines.ics", "deadlines.ics")] {
            let bytes = try #require(FileManager.default.contents(atPath: site.root + "/Site/" + path))
            GoldenFile.check([UInt8](bytes), concern: "notices", name: golden)
        }
    }
}

@Suite("Notice pages")
struct NoticePageTests {
    var site: TestSite { NoticeFixture.site }

    @Test("the timeline shows each row's state as of the build, machine-readable dates, and the script's words")
    func timeline() throws {
        let html = try #require(site.read("Site/notices/call-2024/index.html"))
        #expect(html.contains(#"<time datetime="2024-02-01T00:00+08:00">2024年1月31日 24:00</time>"#))
        #expect(html.contains(#"data-opens="2024-01-09T00:00+08:00" data-closes="2024-02-01T00:00+08:00""#))
        #expect(html.contains(#"data-closes="2024-02-09T00:00+08:00""#))
        #expect(html.contains("已截止"))
        #expect(html.contains("进行中，还剩2天"))
        #expect(html.contains(#"data-days-left="，还剩{n}天""#))
        #expect(html.contains(#"data-live="以上状态已按您设备上的时间自动计算（北京时间{y}年{m}月{d}日）。""#))
        #expect(html.contains("以上状态按页面生成日期（<time datetime=\"2024-02-07\">2024年2月7日</time>）计算"))
        #expect(html.contains(#"<a href="/dx/notices/call-2024/calendar.ics" type="text/calendar">加入日历</a>"#))
    }

    @Test("a notice carries the government article meta tags")
    func metaTags() throws {
        let html = try #require(site.read("Site/notices/call-2024/index.html"))
        for tag in [#"<meta name="ArticleTitle" content="关于开展测试服务商申报工作的通知">"#,
                    #"<meta name="PubDate" content="2024-01-09">"#,
                    #"<meta name="ContentSource" content="测试市民营经济发展局 测试市财政局">"#,
                    #"<meta name="Keywords" content="申报通知,其他,测发〔2024〕1号">"#,
                    #"<meta name="description" content="测发〔2024〕1号，关于开展测试服务商申报工作的通知，发文单位：测试市民营经济发展局 测试市财政局，发布日期：2024年1月9日">"#] {
            #expect(html.contains(tag), "missing \(tag)")
        }
    }

    @Test("the publicity page groups candidates by industry and type, links them, and says whom to tell")
    func publicity() throws {
        let html = try #require(site.read("Site/notices/publicity-2024/index.html"))
        let section = try #require(html.components(separatedBy: #"<section class="publicity""#).last?.components(separatedBy: "</section>").first)
        #expect(section.contains("公示期：</strong><time datetime=\"2024-02-07\">2024年2月7日</time>至<time datetime=\"2024-02-19\">2024年2月19日</time>（5个工作日）"))
        // Industries in industries.yaml order, types in the notice's order, each candidate linked.
        let order = ["汽车零部件及配件制造", "综合集成型", "/dx/providers/haian/", "“小快轻准”产品型", "/dx/providers/beiling/",
                     "轨道交通设备制造", "“链主”企业型", "/dx/providers/lanbo/", "异议反映", "2024年2月19日", "李明",
                     #"<a href="tel:053255559001">0532-55559001</a>"#]
        var rest = Substring(section)
        for text in order {
            let range = try #require(rest.range(of: text), "publicity section lacks \(text) after the previous item")
            rest = rest[range.upperBound...]
        }
        #expect(!html.contains(#"id="contacts-title""#), "a publicity notice shows its contacts once, under 异议反映")
    }

    @Test("the home page and the notices list show what is running now, with dates and state")
    func runningNow() throws {
        for path in ["Site/index.html", "Site/notices/index.html"] {
            let html = try #require(site.read(path))
            let open = try #require(html.components(separatedBy: #"class="open-notices""#).last?.components(separatedBy: "</section>").first)
            #expect(open.contains("材料报送截止"), "\(path)")
            #expect(open.contains("进行中，还剩2天"), "\(path)")
            #expect(open.contains("公示期（5个工作日）"), "\(path)")
            #expect(open.contains("2024年2月7日</time>至<time datetime=\"2024-02-19\">2024年2月19日"), "\(path)")
            #expect(open.contains("进行中，还剩5个工作日"), "\(path)")
            #expect(!open.contains("线上申报截止"), "\(path): a closed deadline is not running")
        }
        let list = try #require(site.read("Site/notices/index.html"))
        #expect(list.contains(#"<a href="/dx/notices/deadlines.ics" type="text/calendar">订阅日历（iCalendar）</a>"#))
        #expect(list.contains("https://example.gov.cn/dx/notices/deadlines.ics"))
    }

    @Test("attachments show type and size, and calendars are counted as ics, not pages")
    func attachmentsAndSummary() throws {
        let html = try #require(site.read("Site/notices/call-2024/index.html"))
        #expect(html.contains(#"<a href="/dx/media/attachments/form.doc">申报书.doc</a> <span class="file-type">DOC</span> <span class="file-size">2 KB</span>"#))
        // A second build into a folder of its own, so the shared fixture is never swapped under other tests.
        let report = NoticeFixture.site.build(now: "2024-02-07", output: site.root + "/Summary")
        #expect(report.written["ics"] == 3)
        #expect(site.read("Site/sitemap.xml")?.contains(".ics") == false)
    }

    @Test("roster build counts the calendar files in its summary", .enabled(if: RosterBinary.path != nil))
    func cliSummary() throws {
        let copy = try TestSite(copying: [])
        for folder in ["Content", "Themes"] {
            try FileManager.default.copyItem(atPath: site.root + "/" + folder, toPath: copy.root + "/" + folder)
        }
        let result = try RosterBinary.run(["build", "--root", copy.root, "--now", "2024-02-07"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("通知页 2") && result.stdout.contains("日历文件 3"), "\(result.stdout)")
    }
}

@Suite("The Atom feed")
struct AtomFeedTests {
    /// A parsed XML element: enough of a DOM to check RFC 4287's rules.
    final class Element {
        let name: String
        let attributes: [String: String]
        var children: [Element] = []
        var text = ""
        init(name: String, attributes: [String: String]) { self.name = name; self.attributes = attributes }
        func all(_ name: String) -> [Element] { children.filter { $0.name == name } }
    }

    final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [Element] = []
        var root: Element?
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let element = Element(name: (namespaceURI == "http://www.w3.org/2005/Atom" ? "atom:" : "") + name, attributes: attributes)
            stack.last?.children.append(element)
            if root == nil { root = element }
            stack.append(element)
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { stack.removeLast() }
        func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }
    }

    static func parse(_ text: String) throws -> Element {
        let parser = XMLParser(data: Data(text.utf8))
        parser.shouldProcessNamespaces = true
        let builder = TreeBuilder()
        parser.delegate = builder
        #expect(parser.parse(), "not well-formed: \(String(describing: parser.parserError))")
        return try #require(builder.root)
    }

    /// RFC 3339 date-time, as atom:updated and atom:published require.
    static func isDateTime(_ text: String) -> Bool {
        text.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#, options: .regularExpression) != nil
    }

    static func checkRFC4287(_ feed: Element, selfURL: String) {
        #expect(feed.name == "atom:feed")
        for required in ["atom:id", "atom:title", "atom:updated"] {
            #expect(feed.all(required).count == 1, "feed must have exactly one \(required)")
        }
        #expect(feed.all("atom:updated").allSatisfy { isDateTime($0.text) })
        #expect(feed.all("atom:link").contains { $0.attributes["rel"] == "self" && $0.attributes["href"] == selfURL })
        let alternates = feed.all("atom:link").filter { ($0.attributes["rel"] ?? "alternate") == "alternate" }
        #expect(Set(alternates.map { $0.attributes["type"] ?? "" }).count == alternates.count, "one alternate link per type")
        let entries = feed.all("atom:entry")
        #expect(!feed.all("atom:author").isEmpty || entries.allSatisfy { !$0.all("atom:author").isEmpty })
        #expect(feed.all("atom:author").allSatisfy { $0.all("atom:name").count == 1 })
        var ids = Set<String>()
        for entry in entries {
            for required in ["atom:id", "atom:title", "atom:updated"] {
                #expect(entry.all(required).count == 1, "entry must have exactly one \(required)")
            }
            let id = entry.all("atom:id").first?.text ?? ""
            #expect(URL(string: id)?.scheme != nil, "an atom:id is an IRI: \(id)")
            #expect(ids.insert(id).inserted, "duplicate entry id \(id)")
            #expect((entry.all("atom:updated") + entry.all("atom:published")).allSatisfy { isDateTime($0.text) })
            let content = entry.all("atom:content")
            #expect(content.count <= 1)
            #expect(!content.isEmpty || entry.all("atom:link").contains { ($0.attributes["rel"] ?? "alternate") == "alternate" })
            #expect(content.allSatisfy { ["text", "html", "xhtml", nil].contains($0.attributes["type"]) })
            #expect(entry.all("atom:category").allSatisfy { $0.attributes["term"] != nil })
        }
    }

    @Test("the fixture feed follows RFC 4287 and its entries carry the dates that matter")
    func fixtureFeed() throws {
        let feed = try Self.parse(try #require(NoticeFixture.site.read("Site/notices/feed.xml")))
        Self.checkRFC4287(feed, selfURL: "https://example.gov.cn/dx/notices/feed.xml")
        let entries = feed.all("atom:entry")
        #expect(entries.map { $0.all("atom:title").first?.text } == ["关于测试推荐服务商名单的公示", "关于开展测试服务商申报工作的通知"])
        let summary = try #require(entries.last?.all("atom:summary").first?.text)
        #expect(summary == "申报通知；测发〔2024〕1号；线上申报截止：2024年1月31日 24:00；材料报送截止（纸质版一式两份, 加盖公章; 逾期不收）：2024年2月8日")
        #expect(entries.first?.all("atom:summary").first?.text.contains("公示期（5个工作日）：2024年2月7日至2024年2月19日") == true)
        #expect(entries.last?.all("atom:content").first?.text.contains("<h2>一、申报时间</h2>") == true)
        #expect(feed.all("atom:updated").first?.text == "2024-02-06T00:00:00+08:00")
    }

    @Test("the default site's feed follows RFC 4287")
    func defaultFeed() throws {
        let feed = try Self.parse(try #require(DefaultSiteTests.site.read("Site/notices/feed.xml")))
        Self.checkRFC4287(feed, selfURL: "https://szzx.qingdao.example.gov.cn/dx/notices/feed.xml")
        #expect(feed.all("atom:entry").count == 3)
    }
}
