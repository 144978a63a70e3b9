import Foundation
import Testing
@testable import Roster

@Suite("Search: tokeniser")
struct SearchTokeniserTests {
    func han(_ text: String) -> SearchText.Piece { .han(Array(text.unicodeScalars)) }

    @Test("a Han run gives its characters and bigrams, so 注塑 is found inside 注塑车间")
    func bigrams() {
        #expect(SearchText.terms("注塑车间") == ["注", "注塑", "塑", "塑车", "车", "车间", "间"])
        let terms = Set(SearchText.terms("产品质量追溯系统"))
        for term in ["质量", "量追", "追溯", "质", "统"] { #expect(terms.contains(term)) }
    }

    @Test("letters and digits are words, lower-cased, full-width folded; Han and Latin split where they meet")
    func words() {
        #expect(SearchText.pieces("MES系统") == [.word("mes"), han("系统")])
        #expect(SearchText.pieces("5G专网、ＥＲＰ集成") == [.word("5g"), han("专网"), .word("erp"), han("集成")])
        #expect(SearchText.terms("IATF 16949") == ["iatf", "16949"])
        #expect(SearchText.terms("OEE提升") == SearchText.terms("oee提升"))
        // Camel case also gives its parts, so MES finds iMES.
        #expect(SearchText.terms("iMES套件").filter { $0.allSatisfy(\.isASCII) } == ["imes", "mes"])
        #expect(SearchText.terms("SaaS").filter { $0.allSatisfy(\.isASCII) } == ["saas"])
    }

    @Test("text splits at punctuation and spaces; a query joins Han across spaces only")
    func spaces() {
        #expect(SearchText.pieces("质量 追溯") == [han("质量"), han("追溯")])
        #expect(SearchText.pieces("质量 追溯", joinAcrossSpaces: true) == [han("质量追溯")])
        #expect(SearchText.pieces("质量　追溯", joinAcrossSpaces: true) == [han("质量追溯")])
        #expect(SearchText.pieces("质量，追溯", joinAcrossSpaces: true) == [han("质量"), han("追溯")])
        #expect(SearchText.pieces("ERP 集成", joinAcrossSpaces: true) == SearchText.pieces("ERP集成", joinAcrossSpaces: true))
    }

    @Test("function characters are not indexed alone but stay inside bigrams")
    func stopCharacters() {
        let terms = SearchText.terms("设备的联网")
        #expect(!terms.contains("的"))
        #expect(terms.contains("备的") && terms.contains("的联"))
    }

    @Test("plain text of rendered Markdown: tags gone, entities decoded, blocks on their own lines")
    func plainText() {
        let html = "<p>MES &amp; ERP&#x3001;&lt;集成&gt;</p>\n<ul>\n<li><strong>设备</strong>联网</li>\n<li>质量&#36861;溯</li>\n</ul>"
        #expect(SearchText.plainText(fromHTML: html) == "MES & ERP、<集成>\n设备联网\n质量追溯")
    }
}

@Suite("Search: queries and ranking")
struct SearchRankingTests {
    static func document(_ id: String, title: String, keywords: [String] = [], summary: String = "", body: String = "",
                         kind: SearchKind = .case) -> SearchDocument {
        SearchDocument(kind: kind, id: id, url: "/\(id)/", title: title, meta: "",
                       fields: [.title: [title], .keywords: keywords, .summary: [summary], .body: [body]],
                       industries: 0, types: 0, order: [id])
    }

    static let index = SearchIndex(documents: [
        document("phrase-body", title: "某企业改造", body: "上线产品质量追溯系统，一物一码。"),
        document("apart", title: "某企业改造二", body: "提高产品质量，实现原料追溯。"),
        document("title", title: "质量追溯与ERP集成", body: "阀门企业。"),
        document("scattered", title: "其他", body: "追加投资，质检量具，溯源。"),
        document("keywords", title: "仓库改造", keywords: ["质量追溯"], body: "条码。"),
        document("erp-only", title: "ERP上线", body: "财务业务一体化。"),
        document("erp-integration", title: "系统打通", body: "MES与ERP系统集成，数据自动流转。"),
        document("appliance", title: "家用电器配件", body: "冰箱压缩机配件。"),
        document("erpx", title: "ERPX平台", body: "云平台。"),
        document("quality-only", title: "质量第一", body: "全员质量管理。"),
        document("schedule", title: "APS排产", body: "排产到机台。"),
        document("schedule-apart", title: "钣金", body: "排样优化，产品交付。"),
    ])

    func ids(_ query: String) -> [String] {
        SearchEngine(index: Self.index).search(query).map { Self.index.documents[$0.doc].id }
    }

    func full(_ query: String) -> [String] {
        SearchEngine(index: Self.index).search(query).filter { !$0.partial }.map { Self.index.documents[$0.doc].id }
    }

    @Test("title matches first, then heavier fields, then the phrase over the words apart")
    func order() {
        #expect(full("质量追溯") == ["title", "keywords", "phrase-body", "apart"])
    }

    @Test("pages with only some of the words, or a two-character term's characters apart, come last as partial")
    func partial() {
        let results = SearchEngine(index: Self.index).search("质量追溯")
        #expect(ids("质量追溯") == ["title", "keywords", "phrase-body", "apart", "quality-only"])
        #expect(results.map(\.partial) == [false, false, false, false, true])
        // 排产 split by a segmenter into 排 and 产 finds 排样 … 产品: kept, last. A longer term's characters are not.
        #expect(ids("排产") == ["schedule", "schedule-apart"])
        #expect(SearchEngine(index: Self.index).search("排产").map(\.partial) == [false, true])
        #expect(!ids("质量追溯").contains("scattered"))
        // A page with one of two terms is partial too, after the pages with both.
        #expect(Array(ids("ERP 集成").prefix(2)) == ["title", "erp-integration"])
        #expect(ids("ERP 集成").dropFirst(2).contains("erp-only"))
    }

    @Test("with or without spaces, full-width or not, upper or lower case: the same results")
    func spellings() {
        #expect(ids("质量 追溯") == ids("质量追溯"))
        #expect(ids("ERP 集成") == ids("ERP集成"))
        #expect(ids("erp 集成") == ids("ＥＲＰ 集成"))
        #expect(!ids("ERP").isEmpty)
    }

    @Test("a full result has every term: ERP 集成 needs both")
    func allTerms() {
        #expect(full("ERP 集成") == ["title", "erp-integration"])
    }

    @Test("a word also finds longer words it starts, ranked below the exact word")
    func prefix() {
        #expect(ids("erp") == ["title", "erp-only", "erpx", "erp-integration"])
        #expect(full("erp") == ids("erp"))
        #expect(ids("er").contains("erpx"))
        let scores = SearchEngine(index: Self.index).search("erp")
        #expect(scores[1].score > scores[2].score)
    }

    @Test("synonyms: 家电 finds 家用电器")
    func synonyms() {
        #expect(full("家电") == ["appliance"])
        #expect(SearchQuery("家电").terms == [[.han(Array("家电".unicodeScalars)), .han(Array("家用电器".unicodeScalars))]])
    }

    @Test("repeated words count once; function characters alone are ignored")
    func queryParsing() {
        #expect(SearchQuery("ERP erp Erp").terms.count == 1)
        #expect(SearchQuery("的").terms.isEmpty)
        #expect(SearchQuery("质量 追溯") == SearchQuery("质量追溯"))
        #expect(ids("").isEmpty)
    }

    @Test("cover: a run cut into words of two or more characters, or function characters alone")
    func cover() {
        let run = Array("汽车的零部件".unicodeScalars)
        // Bigrams: 汽车 车的 的零 零部 部件; the page has all but 车的 and 的零.
        #expect(SearchEngine.covers(run, [true, false, false, true, true]))
        #expect(!SearchEngine.covers(Array("质量追溯".unicodeScalars), [true, false, false]))
        #expect(SearchEngine.covers(Array("质量追溯".unicodeScalars), [true, false, true]))
    }
}

@Suite("Search: the index files")
struct SearchIndexFileTests {
    @Test("shards decode back to exactly the postings, in order, with small shards")
    func roundTrip() throws {
        let files = SearchRankingTests.index.files(shardBytes: 64, industries: [])
        #expect(files.shards.count > 3)
        let decoded = try #require(SearchIndex(manifest: files.manifest, shards: { files.shards[$0] }))
        #expect(decoded.sortedTerms == SearchRankingTests.index.sortedTerms)
        for term in decoded.sortedTerms { #expect(decoded.postings(for: term) == SearchRankingTests.index.postings(for: term)) }
    }

    @Test("an edit rewrites only the shards holding the terms it changed; the others keep their bytes and names")
    func stableShards() throws {
        let phrases = ["设备联网", "质量追溯", "能源管理", "仓储物流", "排产计划", "供应链协同", "经营分析", "模具管理"]
        func documents(edited: Bool) -> [SearchDocument] {
            (0..<120).map { n in
                var body = "第\(n)号企业：" + (0..<4).map { phrases[(n * 3 + $0 * 5) % phrases.count] }.joined(separator: "，") + "。型号GX\(n * 37)。"
                if edited && n == 60 { body += "新增蒸汽冷凝水回收。" }
                return SearchRankingTests.document("d\(n)", title: "企业\(n)改造", body: body)
            }
        }
        let before = SearchIndex(documents: documents(edited: false)).files(shardBytes: 48, industries: [])
        let after = SearchIndex(documents: documents(edited: true)).files(shardBytes: 48, industries: [])
        #expect(before.shards.count > 40)
        let kept = Set(before.shardNames)
        let new = after.shardNames.indices.filter { !kept.contains(after.shardNames[$0]) }
        // Only shards holding a term of the added sentence (or a term whose postings it changed) are new.
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(after.manifest)) as? [String: Any])
        let fieldSets = try #require(manifest["fieldSets"] as? [Int]).map { UInt8($0) }
        let touched = Set(["蒸", "汽", "冷", "凝", "水", "回", "收", "新", "增", "蒸汽", "汽冷", "冷凝", "凝水", "水回", "回收", "新增", "增蒸"])
        let holding = try new.filter { n in
            let decoded = try #require(SearchIndex.decodeShard(after.shards[n], fieldSets: fieldSets, documents: 120))
            return decoded.contains { touched.contains($0.term) }
        }
        // A shard can also change when a new term closes it early, or an old one no longer does: then the shard
        // after one that holds a changed term changes too, and nothing further.
        for n in new { #expect(holding.contains(n) || holding.contains(n - 1), "shard \(n) changed without a changed term") }
        #expect(!holding.isEmpty && new.count < after.shards.count / 4, "\(new.count) of \(after.shards.count) shards rewritten")
        // Same bytes read with another document count or other field sets are another shard: another name.
        let shard = [before.shards[0]]
        #expect(SearchIndex.shardNames(shard, documents: 120, fieldSets: [1, 2]) != SearchIndex.shardNames(shard, documents: 121, fieldSets: [1, 2]))
        #expect(SearchIndex.shardNames(shard, documents: 120, fieldSets: [1, 2]) != SearchIndex.shardNames(shard, documents: 120, fieldSets: [2, 1]))
    }

    @Test("a term in most documents is written as a bitset plus exceptions, and reads back the same")
    func denseTerms() throws {
        let documents = (0..<200).map { n in
            SearchRankingTests.document("d\(n)", title: n % 50 == 0 ? "设备联网" : "改造\(n)",
                                        body: n % 3 == 0 ? "其他内容" : "设备联网与数据采集")
        }
        let index = SearchIndex(documents: documents)
        let files = index.files(industries: [])
        let decoded = try #require(SearchIndex(manifest: files.manifest, shards: { files.shards[$0] }))
        #expect(decoded.postings(for: "联网") == index.postings(for: "联网"))
        #expect(index.postings(for: "联网").count == 135)
        for term in decoded.sortedTerms { #expect(decoded.postings(for: term) == index.postings(for: term)) }
        // Sparse, every posting takes at least a byte; a bitset of 200 documents takes 25.
        let postings = index.sortedTerms.reduce(0) { $0 + index.postings(for: $1).count }
        #expect(files.shards.reduce(0) { $0 + $1.count } < postings)
    }

    @Test("files written in parallel into one new folder all arrive (the index writes its shards so)")
    func parallelWrites() throws {
        for round in 0..<20 {
            let root = NSTemporaryDirectory() + "roster-output-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: root) }
            let folder = OutputFolder(path: root)
            _ = Array(0..<64).concurrentMap { n in
                folder.write("search/v\(round)/d/\(n).json", Array("{}".utf8), kind: "search")
                return 0
            }
            #expect(folder.writeErrors.isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/search/v\(round)/d").count == 64)
        }
    }

    @Test("terms sort in JavaScript's order (UTF-16 code units), so the browser finds their shard")
    func order() {
        #expect(SearchIndex.precedes("5g", "erp"))
        #expect(SearchIndex.precedes("erp", "追溯"))
        #expect(SearchIndex.precedes("\u{FF5E}", "\u{20000}") == false)
    }

    @Test("a document and its snippet file carry only text; the manifest names its two folders")
    func documentFile() throws {
        let files = SearchRankingTests.index.files(industries: [("auto-parts", "汽车零部件及配件制造")])
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(files.manifest)) as? [String: Any])
        #expect(manifest["version"] as? String == files.version)
        #expect(manifest["documents"] as? Int == SearchRankingTests.index.documents.count)
        #expect(manifest["results"] as? String == files.results)
        #expect(files.all.allSatisfy { $0.path == "index.json" || $0.path.hasPrefix("t/")
                                       || $0.path.hasPrefix(files.results + "/d/") })
        let first = try #require(try JSONSerialization.jsonObject(with: Data(files.documents[0])) as? [String: String])
        #expect(first["t"] == "某企业改造" && first["u"] == "/phrase-body/")
    }
}

@Suite("Search: the default site")
struct DefaultSiteSearchTests {
    var site: TestSite { DefaultSiteTests.site }

    func index() throws -> SearchIndex {
        let manifest = try #require(site.read("Site/search/index.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(manifest.utf8)) as? [String: Any])
        let names = try #require(object["files"] as? [String])
        return try #require(SearchIndex(manifest: Array(manifest.utf8), shards: { n in
            FileManager.default.contents(atPath: self.site.root + "/Site/search/t/\(names[n]).bin").map { Array($0) }
        }))
    }

    func urls(_ query: String, _ index: SearchIndex) throws -> [String] {
        let results = try #require(site.read("Site/search/index.json")).components(separatedBy: "\"results\":\"")[1].prefix(12)
        return try SearchEngine(index: index).search(query).map { result in
            let text = try #require(site.read("Site/search/\(results)/d/\(result.doc).json"))
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String])
            return try #require(doc["u"])
        }
    }

    /// The queries an SME owner types, and the page that must come first.
    static let expectedFirst: [(query: String, first: String)] = [
        ("注塑", "cases/qlink-auto-injection-iot"),
        ("质量追溯", "cases/borui-bogie-welding-data"),
        ("设备联网", "cases/hanhai-stamping-welding-mes"),
        ("仓储", "cases/lanting-packaging-ecosystem"),
        ("视觉检测", "cases/anzhun-brake-disc-vision"),
        ("能耗", "cases/qlink-home-injection-iot"),
        ("排产", "cases/zhixu-radiator-aps"),
        ("轨道交通", "cases/kunyu-zhuzhou-process-data"),
        ("家电", "cases/detuo-ningbo-digital-plan"),
        ("链主", "cases/taichi-tier2-supply-collab"),
        ("公示", "notices/publicity-2024-first-batch"),
        ("瀚海智联", "providers/hanhai-zhilian"),
        ("MES", "cases/hanhai-brake-plan"),
        ("5G", "cases/haijia-5g-agv-welding"),
        ("IATF 16949", "providers/hanhai-zhilian"),
        ("ERP 集成", "cases/hanhai-brake-plan"),
        ("扫码报工", "cases/yigongyun-rail-dalian-scan"),
        ("青民发字〔2024〕1号", "notices/qingdao-2024-1"),
    ]

    @Test("a dozen Chinese, Latin and mixed queries put the expected page first")
    func expectedPagesFirst() throws {
        let index = try index()
        for (query, first) in Self.expectedFirst {
            #expect(try urls(query, index).first == "/dx/\(first)/", "\(query)")
        }
    }

    @Test("rankings match the recorded ones the browser tests check the script against (ROSTER_RECORD=1 rewrites them)")
    func recordedRankings() throws {
        let index = try index()
        let queries = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.queriesPath))) as? [String])
        var entries: [(String, JSONValue)] = []
        for query in queries {
            let results = SearchEngine(index: index).search(query)
            let all = try urls(query, index)
            entries.append((query, .object([
                ("count", .int(results.count)),
                ("partial", .int(results.filter(\.partial).count)),
                ("first", .strings(Array(all.prefix(10)))),
            ])))
        }
        let text = JSONValue.object(entries).serialized()
        if ProcessInfo.processInfo.environment["ROSTER_RECORD"] == "1" {
            try text.write(toFile: Self.rankingsPath, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOfFile: Self.rankingsPath, encoding: .utf8)
        #expect(committed == text, "rankings changed: review, then run ROSTER_RECORD=1 swift test --filter DefaultSiteSearchTests")
    }

    static let fixtures = repositoryRoot + "/Tests/RosterTests/Fixtures/search"
    static let queriesPath = fixtures + "/queries.json"
    static let rankingsPath = fixtures + "/rankings.json"

    @Test("the index of the default site is small: under 200 KB with the snippet files")
    func size() throws {
        let folder = site.root + "/Site/search"
        var total = 0
        for file in try FileManager.default.subpathsOfDirectory(atPath: folder) where !file.hasSuffix(".html") {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + file, isDirectory: &isDirectory), !isDirectory.boolValue {
                total += (try FileManager.default.attributesOfItem(atPath: folder + "/" + file)[.size] as? Int) ?? 0
            }
        }
        #expect(total < 200_000, "search files total \(total) bytes")
    }

    @Test("the search script is shipped without comments or indentation, and the search page stays within 60 KB")
    func scriptSize() throws {
        let source = try String(contentsOfFile: repositoryRoot + "/Themes/default/assets/search.js", encoding: .utf8)
        #expect(!source.contains("`"), "template literals stop the build from compacting search.js")
        let (theme, _) = Theme.load(root: repositoryRoot, name: "default", language: "zh-CN")
        let assets = try #require(theme?.assets)
        let script = try #require(assets["search.js"]).bytes
        let text = String(decoding: script, as: UTF8.self)
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix("//") || $0.hasPrefix(" ") })
        let total = script.count + (assets["site.js"]?.bytes.count ?? 0) + (assets["site.css"]?.bytes.count ?? 0)
        #expect(total < 60 * 1024, "the /search/ page loads \(total) bytes of CSS and JS")
    }

    @Test("two builds write identical index files")
    func deterministic() throws {
        let other = try TestSite(copying: ["Content", "Themes"])
        #expect(other.build(now: "2024-02-10").published)
        let a = try FileManager.default.subpathsOfDirectory(atPath: site.root + "/Site/search").sorted()
        let b = try FileManager.default.subpathsOfDirectory(atPath: other.root + "/Site/search").sorted()
        #expect(a == b)
        #expect(a.count > 80)
        for path in a {
            #expect(FileManager.default.contents(atPath: site.root + "/Site/search/" + path)
                    == FileManager.default.contents(atPath: other.root + "/Site/search/" + path), "\(path)")
        }
    }

    @Test("every page but the search page has the header search form, labelled, going to /search/")
    func headerBox() throws {
        let pages = try FileManager.default.subpathsOfDirectory(atPath: site.root + "/Site").filter { $0.hasSuffix(".html") }
        for page in pages where page != "search/index.html" {
            let html = try #require(site.read("Site/" + page))
            #expect(html.contains("<form class=\"header-search\" role=\"search\" action=\"/dx/search/\" method=\"get\""), "\(page)")
            #expect(html.contains("<label class=\"visually-hidden\" for=\"header-search-q\">搜索本站</label>"), "\(page)")
        }
    }

    @Test("the search page works as a link, says what to do without JavaScript, and stays out of the sitemap")
    func searchPage() throws {
        let html = try #require(site.read("Site/search/index.html"))
        #expect(html.contains("<form class=\"search-form\" role=\"search\" action=\"/dx/search/\" method=\"get\""))
        #expect(html.contains("<label for=\"search-q\">搜索本站</label>"))
        #expect(html.contains("搜索需要浏览器启用 JavaScript"))
        for href in ["/dx/industries/", "/dx/showroom/", "/dx/notices/"] { #expect(html.contains("href=\"\(href)\"")) }
        #expect(html.contains("<meta name=\"robots\" content=\"noindex\">"))
        #expect(html.contains("role=\"status\""))
        #expect(!html.contains("header-search-q"))
        #expect(!(site.read("Site/sitemap.xml") ?? "").contains("/search/"))
    }
}
