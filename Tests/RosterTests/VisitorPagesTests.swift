import Foundation
import Testing
@testable import Roster

/// Compares `text` with `Fixtures/<path>`; `ROSTER_RECORD=1` rewrites the file, so a change of output is a diff.
func expectGolden(_ text: String, _ path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let file = repositoryRoot + "/Tests/RosterTests/Fixtures/" + path
    if ProcessInfo.processInfo.environment["ROSTER_RECORD"] == "1" {
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
    }
    let expected = try? String(contentsOfFile: file, encoding: .utf8)
    #expect(expected == text, "\(path) differs: run ROSTER_RECORD=1 swift test and review the diff", sourceLocation: sourceLocation)
}

@Suite("Charts drawn at build time")
struct ChartTests {
    func beforeAfter(_ before: Decimal, _ after: Decimal, unit: String = "分钟/台", id: String = "c") -> String {
        String(decoding: Charts.beforeAfter(.init(id: id, metric: "编制用时", before: before, after: after, unit: unit,
                                                  beforeLabel: "改造前", afterLabel: "改造后", title: "编制用时：改造前后对比",
                                                  description: "改造前\(before)\(unit)，改造后\(after)\(unit)。")), as: UTF8.self)
    }

    func rects(_ svg: String) -> [(x: Double, width: Double)] {
        let regex = try! NSRegularExpression(pattern: #"<rect class="bar-[a-z]+" x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)""#)
        return regex.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).map { match in
            (Double(svg[Range(match.range(at: 1), in: svg)!])!, Double(svg[Range(match.range(at: 2), in: svg)!])!)
        }
    }

    @Test("a before/after chart is an image named by its title and description, with every number as text")
    func beforeAfterChart() throws {
        let svg = beforeAfter(45, 5)
        #expect(svg.hasPrefix(#"<svg class="chart chart-before-after" id="c" viewBox="0 0 320 64" role="img" aria-labelledby="c-title c-desc">"#))
        #expect(svg.contains(#"<title id="c-title">编制用时：改造前后对比</title><desc id="c-desc">改造前45分钟/台，改造后5分钟/台。</desc>"#))
        #expect(svg.contains(">45分钟/台</text>") && svg.contains(">5分钟/台</text>"))
        try expectGolden(svg, "charts/before-after.svg")
    }

    @Test("bars start at zero on one scale, whichever way the metric improves")
    func scale() throws {
        for (before, after) in [(Decimal(45), Decimal(5)), (Decimal(61), Decimal(77)), (Decimal(string: "1.8")!, Decimal(string: "0.15")!)] {
            let bars = rects(beforeAfter(before, after))
            #expect(bars.count == 2)
            #expect(bars[0].x == bars[1].x)
            let ratio = NSDecimalNumber(decimal: before / after).doubleValue
            #expect(abs(bars[0].width / bars[1].width - ratio) / ratio < 0.05)
        }
        // A zero still shows as a sliver, and an all-zero result draws without dividing by zero.
        #expect(rects(beforeAfter(5, 0))[1].width > 0)
        #expect(!beforeAfter(0, 0).contains("nan"))
    }

    @Test("negative values grow left from a zero line that moves right")
    func negative() throws {
        let svg = beforeAfter(-20, 30, unit: "万元")
        let bars = rects(svg)
        #expect(bars[0].x < bars[1].x)
        #expect(abs(bars[0].x + bars[0].width - bars[1].x) < 0.2)
        try expectGolden(svg, "charts/before-after-negative.svg")
    }

    @Test("text is escaped in labels, title and description")
    func escaping() {
        let svg = String(decoding: Charts.beforeAfter(.init(id: "e", metric: "<b>", before: 1, after: 2, unit: "&", beforeLabel: "前",
                                                            afterLabel: "后", title: "<script>", description: "\"x\"")), as: UTF8.self)
        #expect(!svg.contains("<script>") && !svg.contains("<b>"))
        #expect(svg.contains("&lt;script&gt;") && svg.contains("&quot;x&quot;") && svg.contains(">1&amp;</text>"))
    }

    @Test("the quota chart draws each type's band and count, and says both in words")
    func quota() throws {
        let svg = Charts.quota(id: "q", title: "汽车零部件：现有家数与名额", description: "综合集成型：现有2家，名额3–6家，未达下限。", rows: [
            .init(label: "综合集成型", count: 2, quota: 3...6, valueText: "现有2家 · 名额3–6家"),
            .init(label: "“小快轻准”产品型", count: 25, quota: 10...20, valueText: "现有25家 · 名额10–20家"),
            .init(label: "“链主”企业型", count: 0, quota: nil, valueText: "现有0家"),
        ])
        #expect(svg.components(separatedBy: "class=\"quota-band\"").count == 3)
        #expect(svg.components(separatedBy: "class=\"quota-count\"").count == 3, "a zero count draws no bar")
        #expect(svg.contains("现有25家 · 名额10–20家"))
        try expectGolden(svg, "charts/quota.svg")
    }

    @Test("text width estimates count ideographs as a full em")
    func widths() {
        #expect(Charts.textWidth("改造前", 10) == 30)
        #expect(Charts.textWidth("45%", 10) == 18)
        #expect(Charts.n(12.0) == "12" && Charts.n(3.14159) == "3.1" && Charts.n(-0.04) == "0")
    }
}

@Suite("Directory order and facets")
struct DirectoryOrderTests {
    @Test("the index ignores a leading 青岛 or 青岛市, and only a leading one")
    func indexName() {
        #expect(DirectoryOrder.indexName("青岛能衡能源科技有限公司") == "能衡能源科技有限公司")
        #expect(DirectoryOrder.indexName("青岛市海创科技有限公司") == "海创科技有限公司")
        #expect(DirectoryOrder.indexName("瀚海智联工业互联网（青岛）有限公司") == "瀚海智联工业互联网（青岛）有限公司")
        #expect(DirectoryOrder.indexName("青岛") == "青岛")
        #expect(DirectoryOrder.initial("青岛能衡能源科技有限公司") == "N")
        #expect(DirectoryOrder.initial("Q-Link物联科技（青岛）有限公司") == "Q")
        #expect(DirectoryOrder.initial("3D打印") == "#")
    }

    @Test("a facet offers only values some item has, in vocabulary order, with counts")
    func facet() {
        let items = [["质量管理", "生产制造"], ["生产制造"], ["仓储物流"]]
        let facet = Facet(name: "area", legend: "服务领域", items: items, values: Vocabulary.serviceAreas.map { ($0, $0) }, of: { $0 })
        #expect(facet.options.map(\.value) == ["生产制造", "质量管理", "仓储物流"])
        #expect(facet.options.map(\.count) == [2, 1, 1])
        let view = facet.view["options"] as? [[String: Any]] ?? []
        #expect(view.map { $0["id"] as? String } == ["f-area-1", "f-area-2", "f-area-3"])
    }
}

@Suite("Visitor pages of the default site")
struct VisitorPagesTests {
    var site: TestSite { DefaultSiteTests.site }

    @Test("CSS plus JS for a page stays under 60 KB before compression")
    func bundleBudget() throws {
        let (theme, findings) = Theme.load(root: repositoryRoot, name: "default", language: "zh-CN")
        #expect(findings.isEmpty)
        let theme_ = try #require(theme)
        let css = try #require(theme_.assets["site.css"]).bytes.count
        let js = try #require(theme_.assets["site.js"]).bytes.count
        #expect(css + js < 60 * 1024, "site.css \(css) B + site.js \(js) B")
        // The search engine's script is loaded by the /search/ page only; that page stays within the budget too.
        let search = try #require(theme_.assets["search.js"]).bytes.count
        #expect(css + js + search < 60 * 1024, "site.css \(css) B + site.js \(js) B + search.js \(search) B")
        let built = try FileManager.default.contentsOfDirectory(atPath: site.root + "/Site/assets")
        #expect(built.filter { $0.hasSuffix(".css") || $0.hasSuffix(".js") }.count == 3)
        let home = try #require(site.read("Site/index.html"))
        let linked = home.matches(of: /<(?:link rel="stylesheet"|script) [^>]*\/assets\/[^>]*>/).count
        #expect(linked == 2, "an ordinary page loads only site.css and site.js")
    }

    @Test("the directory carries its facets and each provider's facet values for the script")
    func directoryFacets() throws {
        let html = try #require(site.read("Site/industries/home-appliances/index.html"))
        let loaded = try #require(site.load().site)
        let listed = loaded.providers.filter { $0.industries.contains("home-appliances") && $0.status != .withdrawn }
        for provider in listed {
            let card = #"data-f-type="\#(provider.types.map(\.rawValue).joined(separator: " "))" data-f-area="\#(provider.serviceAreas.joined(separator: " "))" data-f-district="\#(provider.district)" data-f-status="\#(provider.status.rawValue)""#
            #expect(html.contains(card), "\(provider.id)")
        }
        for legend in ["服务商类型", "服务领域", "所在区市", "状态"] { #expect(html.contains("<legend>\(legend)</legend>")) }
        let suspended = listed.filter { $0.status == .suspended }.count
        #expect(html.contains(#"value="suspended"><span class="chip-label">暂停推荐</span> <span class="chip-count" data-count>\#(suspended)</span>"#))
        // The form and the filtered list wait for the script; the grouped list is there without it.
        #expect(html.contains("<form class=\"facets\" data-facets hidden"))
        #expect(html.contains("<section class=\"results\" data-results hidden"))
        #expect(html.contains("<div class=\"by-type\" data-nojs>"))
        #expect(html.contains("role=\"status\""))
    }

    @Test("the A–Z index follows the directory order and names letters without a leading 青岛")
    func azIndex() throws {
        let html = try #require(site.read("Site/industries/general-parts/index.html"))
        let loaded = try #require(site.load().site)
        let listed = DirectoryOrder.sorted(loaded.providers.filter { $0.industries.contains("general-parts") && $0.status != .withdrawn })
        let letters = listed.map { DirectoryOrder.initial($0.name) }.reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
        let index = try #require(html.components(separatedBy: "data-az>\n<ul>").dropFirst().first?.components(separatedBy: "</ul>").first)
        #expect(index.components(separatedBy: "<a href=\"#letter-").dropFirst().map { String($0.prefix(while: { $0 != "\"" })) } == letters)
        #expect(letters == letters.sorted())
        #expect(html.contains("id=\"letter-N\""), "青岛能衡 is listed under N")
    }

    @Test("a case page draws one chart per result, with the numbers also in a captioned table")
    func caseCharts() throws {
        let html = try #require(site.read("Site/cases/hanhai-valve-traceability/index.html"))
        #expect(html.components(separatedBy: "<svg class=\"chart chart-before-after\"").count == 3)
        #expect(html.contains("<desc id=\"result-chart-1-desc\">改造前45分钟/台，改造后5分钟/台，减少40分钟/台（-89%）。</desc>"))
        #expect(html.contains("<caption>改造成效数据</caption>"))
        #expect(html.contains("class=\"case-cover\" src=\"/dx/media/covers/quality-inspection.svg\" alt=\"\""))
    }

    @Test("the home page draws providers against quota for each industry, with the table one click away")
    func homeCharts() throws {
        let html = try #require(site.read("Site/index.html"))
        #expect(html.components(separatedBy: "<svg class=\"chart chart-quota\"").count == 5)
        #expect(html.components(separatedBy: "<details class=\"chart-data\">").count == 5)
        #expect(html.contains("综合集成型：现有2家，名额3–6家，未达下限"))
        #expect(html.contains("公示期（5个工作日）"), "the open publicity shows on the home page with its period")
    }

    @Test("a provider page puts status, facts and contact in its header")
    func providerHeader() throws {
        let html = try #require(site.read("Site/providers/wansu-xinxi/index.html"))
        let header = try #require(html.components(separatedBy: "<header class=\"profile-header\">").last?.components(separatedBy: "</header>").first)
        for text in ["status-notice status-suspended", "暂停推荐", "（自2024年7月15日起）", "所在区市", "服务领域", "联系方式", "tel:0532"] {
            #expect(header.contains(text), "\(text)")
        }
    }

    @Test("providers registered outside Qingdao are offered as 市外, after the districts")
    func outsideQingdao() throws {
        func provider(_ name: String, _ code: String, _ district: String) -> String {
            providerFile(name: name, code: creditCode(code)).replacingOccurrences(of: "district: 市南区", with: "district: \(district)")
        }
        let site = try TestSite([
            "Content/providers/a.md": provider("外地服务商", "91370200MA3C00011", "市外"),
            "Content/providers/b.md": provider("本地服务商", "91370200MA3C00012", "崂山区"),
        ])
        let report = site.build()
        #expect(report.published, "\(report.findings)")
        let html = try #require(site.read("Site/industries/auto-parts/index.html"))
        let laoshan = try #require(html.range(of: #"value="崂山区""#)), outside = try #require(html.range(of: #"value="市外""#))
        #expect(laoshan.lowerBound < outside.lowerBound)
        #expect(html.contains(#"data-f-district="市外""#))
    }
}

@Suite("Asset compaction")
struct AssetCompactionTests {
    @Test("CSS loses comments and indentation but keeps strings as written")
    func css() {
        let input = "/* theme */\n  .a::before { content: \"/* not a comment */  x\"; }\n\n  .b { color: red; } /* tail */\n"
        let output = String(decoding: CSSText.compact(Array(input.utf8)), as: UTF8.self)
        #expect(output == ".a::before { content: \"/* not a comment */  x\"; }\n.b { color: red; } \n")
    }

    @Test("scripts lose whole-line comments and indentation; scripts with template literals are left alone")
    func js() {
        let input = "// top\n(function () {\n  // why\n  var url = \"http://x\"; // keep\n})();\n"
        #expect(String(decoding: JSText.compact(Array(input.utf8)), as: UTF8.self) == "(function () {\nvar url = \"http://x\"; // keep\n})();\n")
        let literal = "var t = `a\n  // b`;\n"
        #expect(JSText.compact(Array(literal.utf8)) == Array(literal.utf8))
    }
}
