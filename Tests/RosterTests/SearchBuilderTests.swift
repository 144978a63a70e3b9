import Foundation
import Testing
@testable import Roster

/// The repository's own site with its rendered bodies, loaded once for the builder tests.
private let defaultSite: (context: RenderContext, bodies: Builder.Bodies) = {
    let site = SiteLoader.load(root: repositoryRoot).site!
    let theme = Theme.load(root: repositoryRoot, name: "default", language: "zh-CN").0!
    let context = RenderContext(site: site, theme: theme, now: Day(iso: "2024-02-10")!)
    var bodies = Builder.Bodies()
    for provider in site.providers { bodies.providers[provider.id] = context.markdown.render(provider.body.text).html }
    for item in site.cases { bodies.cases[item.id] = context.markdown.render(item.body.text).html }
    for notice in site.notices { bodies.notices[notice.id] = context.markdown.render(notice.body.text).html }
    return (context, bodies)
}()

/// A fixed sequence of pseudo-random numbers (SplitMix64), so a failing case fails again.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Pieces of text that exercise every rule: Han and stop characters, words in every case and width, camel case,
/// characters above U+FFFF, white space of all kinds, entities good and bad, tags whole and broken, JSON escapes.
private let fragments = [
    "注塑", "车间", "质量追溯", "的", "和", "与", "MES", "iMES", "OptiFlow", "SaaS", "ＥＲＰ", "５Ｇ", "IATF16949", " ", "　",
    "，", "。", "、", "\n", "\t", "\r\n", "𠀀", "𠀁𠀂", "ｱｲ", "ﬀ", "ǅ", "ß", "İ", "١٢٣", "①", "Ⅻ", "々", "〇", "é", "e\u{301}",
    "&amp;", "&#x4E2D;", "&#20013;", "&nbsp;", "&bogus;", "&", "&abcdefghijk", "&#xD800;", "&#;", "&;", "<p>", "</p>",
    "<br/>", "<br />", "< p >", "<li class=\"x\">", "<", ">", "\u{2028}", "\u{2029}", "\u{A0}", "\u{85}", "😀", "\"", "\\",
    "\u{1}", "\u{1F}", "x", "数字化", "设备联网", "‧", "⁰",
]

func randomText(_ generator: inout SeededGenerator, pieces: Int) -> String {
    (0..<pieces).map { _ in fragments[Int(generator.next() % UInt64(fragments.count))] }.joined()
}

/// The scalar-by-scalar reader the byte reader replaced, kept as the reference it must agree with.
private enum ReferenceText {
    static func terms(_ text: String) -> [String] {
        var out: [String] = []
        var previous: Unicode.Scalar?
        var current = String.UnicodeScalarView()
        var parts: [Int] = []
        var lastWasLower = false
        func flush() {
            guard !current.isEmpty else { return }
            out.append(String(current))
            for start in parts where current.count - start >= 2 {
                out.append(String(current[current.index(current.startIndex, offsetBy: start)...]))
            }
            current = String.UnicodeScalarView()
            parts.removeAll()
        }
        for original in text.unicodeScalars {
            let scalar = SearchText.fold(original)
            if SearchText.isHan(scalar) {
                flush()
                if let previous { out.append(String(previous) + String(scalar)) }
                if !SearchText.stopCharacters.contains(scalar) { out.append(String(scalar)) }
                previous = scalar
                lastWasLower = false
            } else {
                previous = nil
                if SearchText.isWordCharacter(scalar) {
                    if lastWasLower && original.properties.isUppercase { parts.append(current.count) }
                    lastWasLower = original.properties.isLowercase
                    current.append(scalar)
                } else {
                    flush()
                    lastWasLower = false
                }
            }
        }
        flush()
        return out
    }

    static func plainText(fromHTML html: String) -> String {
        let blockTags: Set<String> = ["p", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
                                      "blockquote", "pre", "hr", "ul", "ol", "table", "div", "dd", "dt"]
        var out = String.UnicodeScalarView()
        var tag = String.UnicodeScalarView()
        var entity: String.UnicodeScalarView?
        var inTag = false
        func newline() { if let last = out.last, last != "\n" { out.append("\n") } }
        for scalar in html.unicodeScalars {
            if inTag {
                if scalar == ">" {
                    inTag = false
                    let name = String(tag).split(separator: " ").first.map { $0.hasPrefix("/") ? String($0.dropFirst()) : String($0) } ?? ""
                    if blockTags.contains(name) { newline() }
                    tag = String.UnicodeScalarView()
                } else {
                    tag.append(scalar)
                }
            } else if var pending = entity {
                let v = scalar.value
                if scalar == ";" {
                    out.append(contentsOf: SearchText.decodeEntity(String(pending)).unicodeScalars)
                    entity = nil
                } else if pending.count < 10, (0x30...0x39).contains(v) || (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) || v == 0x23 {
                    pending.append(scalar)
                    entity = pending
                } else {
                    out.append("&")
                    out.append(contentsOf: pending)
                    out.append(scalar)
                    entity = nil
                }
            } else if scalar == "<" {
                inTag = true
            } else if scalar == "&" {
                entity = String.UnicodeScalarView()
            } else {
                out.append(scalar)
            }
        }
        if let pending = entity { out.append("&"); out.append(contentsOf: pending) }
        var text = String.UnicodeScalarView()
        var line: [Unicode.Scalar] = []
        func flush() {
            let start = line.firstIndex { !$0.properties.isWhitespace } ?? line.endIndex
            let end = (line.lastIndex { !$0.properties.isWhitespace } ?? -1) + 1
            if start < end {
                if !text.isEmpty { text.append("\n") }
                text.append(contentsOf: line[start..<end])
            }
            line.removeAll(keepingCapacity: true)
        }
        for scalar in out {
            if scalar == "\n" { flush() } else { line.append(scalar) }
        }
        flush()
        return String(text)
    }
}

@Suite("Search: the index builder")
struct SearchBuilderTests {
    static let siteDocuments = defaultSite.context.searchDocuments(bodies: defaultSite.bodies)

    /// Every text of every document of the default site, and a thousand random ones.
    static let texts: [String] = {
        var texts = siteDocuments.flatMap { $0.fields.values.flatMap { $0 } }
        var generator = SeededGenerator(state: 1)
        texts += (0..<1000).map { _ in randomText(&generator, pieces: 12) }
        return texts
    }()

    @Test("text is read into the same terms as by the scalar-by-scalar reader the byte reader replaced")
    func termsMatchReference() {
        for text in Self.texts { #expect(SearchText.terms(text) == ReferenceText.terms(text), "\(text.debugDescription)") }
    }

    @Test("plain text of HTML is the same as by the scalar-by-scalar version the byte version replaced")
    func plainTextMatchesReference() {
        var generator = SeededGenerator(state: 2)
        var pages = Array(defaultSite.bodies.providers.values) + Array(defaultSite.bodies.cases.values) + Array(defaultSite.bodies.notices.values)
        pages += (0..<2000).map { _ in randomText(&generator, pieces: 10) }
        pages += ["<p>未闭合的标签 <a href", "&abcdefghij;", "&abcdefghijk;", "行尾　\u{A0} \n\n  行首", "<br/>甲<br />乙", "<P>丙</P>"]
        for html in pages {
            #expect(SearchText.plainText(fromHTML: html) == ReferenceText.plainText(fromHTML: html), "\(html.debugDescription)")
        }
    }

    @Test("result files are escaped exactly as JSONValue escapes")
    func resultFileJSON() throws {
        var generator = SeededGenerator(state: 3)
        for _ in 0..<500 {
            let texts = (0..<4).map { _ in randomText(&generator, pieces: 6) }
            let document = SearchDocument(kind: .case, id: "x", url: texts[0], title: texts[1], meta: texts[2],
                                          fields: [.summary: [texts[3]], .body: ["", texts[0]]], industries: 0, types: 0, order: [])
            let expected = JSONValue.object([("u", .string(texts[0])), ("t", .string(texts[1])), ("m", .string(texts[2])),
                                             ("s", .string(texts[3] + "\n" + texts[0]))]).serialized(pretty: false)
            #expect(String(decoding: document.resultFile, as: UTF8.self) == expected)
        }
    }

    /// Term → document → field bits, worked out the obvious way.
    static func naiveIndex(_ documents: [SearchDocument]) -> [String: [Int: UInt8]] {
        var index: [String: [Int: UInt8]] = [:]
        for (n, document) in documents.enumerated() {
            for (field, texts) in document.fields {
                for text in texts {
                    for term in ReferenceText.terms(text) { index[term, default: [:]][n, default: 0] |= field.bit }
                }
            }
        }
        return index
    }

    static func syntheticDocuments() -> [SearchDocument] {
        var generator = SeededGenerator(state: 4)
        var documents = (0..<300).map { n in
            SearchDocument(kind: .case, id: "c\(n)", url: "/c\(n)/", title: randomText(&generator, pieces: 3), meta: "",
                           fields: [.title: [randomText(&generator, pieces: 3)], .body: [randomText(&generator, pieces: 40)],
                                    .related: n % 3 == 0 ? [randomText(&generator, pieces: 5)] : []],
                           industries: 0, types: 0, order: [])
        }
        // Long documents with more different pairs and words than a thread remembers (`DocumentTerms.cacheLimit`),
        // so every table grows and the caches are emptied, then documents using the same terms again.
        let characters = String((0..<90_000).map { _ in Character(Unicode.Scalar(0x4E00 + UInt32(generator.next() % 6000))!) })
        let numbers = (0..<70_000).map { "n\($0)" }.joined(separator: " ")
        let others = String((0..<2000).map { _ in Character(Unicode.Scalar(0x8000 + UInt32(generator.next() % 3000))!) })
        let long = [characters, numbers, String(characters.prefix(5000)) + others, "n1 n69999 n35000", String(characters.prefix(3000))]
        for (n, text) in long.enumerated() {
            documents.append(SearchDocument(kind: .notice, id: "long\(n)", url: "/long\(n)/", title: "长", meta: "",
                                            fields: [.body: [text]], industries: 0, types: 0, order: []))
        }
        return documents
    }

    @Test("the index holds exactly each document's terms with their fields, as an obvious inversion gives",
          arguments: ["site", "synthetic"])
    func matchesNaiveIndex(_ corpus: String) throws {
        let documents = corpus == "site" ? Self.siteDocuments : Self.syntheticDocuments()
        let index = SearchIndex(documents: documents)
        let naive = Self.naiveIndex(documents)
        #expect(index.sortedTerms == naive.keys.sorted(by: SearchIndex.precedes))
        for (term, documents) in naive {
            let expected = documents.sorted { $0.key < $1.key }.map { SearchIndex.Posting(doc: $0.key, fields: $0.value) }
            #expect(index.postings(for: term) == expected, "\(term)")
        }
        if corpus == "synthetic" {
            // Terms in every document and in a few: both kinds of storage and both encodings were used.
            let counts = index.sortedTerms.map { index.postings(for: $0).count }
            #expect(counts.contains { $0 * 4 >= documents.count } && counts.contains { $0 * 16 < documents.count })
            #expect(index.sortedTerms.count > 2 * DocumentTerms.cacheLimit)
        }
    }

    @Test("documents added in any order, from several threads, give byte-identical files")
    func orderAndThreads() throws {
        let documents = Self.siteDocuments + Self.syntheticDocuments().map {
            var document = $0
            document.kind = .industry
            return document
        }
        let order = documents.map(\.key)
        func build(_ feed: [SearchDocument], concurrently: Bool) -> SearchIndex.Files {
            let builder = SearchIndexBuilder(order: order, industries: [("a", "甲")], output: .memory)
            if concurrently { _ = feed.concurrentMap { builder.add($0) } } else { feed.forEach { builder.add($0) } }
            return builder.finish()
        }
        let reference = build(documents, concurrently: false)
        var generator = SeededGenerator(state: 5)
        for round in 0..<4 {
            let files = build(documents.shuffled(using: &generator), concurrently: round % 2 == 0)
            #expect(files.manifest == reference.manifest)
            #expect(files.shards == reference.shards)
            #expect(files.documents == reference.documents)
        }
        // The same as the index made in one go, and as the files it reads back into.
        let index = SearchIndex(documents: documents)
        let again = index.files(industries: [("a", "甲")])
        #expect(again.manifest == reference.manifest && again.shards == reference.shards && again.documents == reference.documents)
    }

    @Test("written into a folder: shards named after what they hold, result files in the numbering's folder")
    func folderOutput() throws {
        let documents = Self.siteDocuments
        var written: [[String: [UInt8]]] = []
        for round in 0..<2 {
            let root = NSTemporaryDirectory() + "roster-search-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: root) }
            let folder = OutputFolder(path: root)
            let builder = SearchIndexBuilder(order: documents.map(\.key), industries: [], output: .folder(folder))
            _ = (round == 0 ? documents : documents.reversed()).concurrentMap { builder.add($0) }
            let files = builder.finish()
            #expect(folder.writeErrors.isEmpty)
            let paths = try FileManager.default.subpathsOfDirectory(atPath: root + "/search").filter {
                !FileSystem.isDirectory(root + "/search/" + $0)
            }
            #expect(Set(paths) == Set(["index.json"] + files.shardNames.map { "t/\($0).bin" }
                                       + documents.indices.map { "\(files.results)/d/\($0).json" }))
            #expect(FileSystem.read(root + "/search/index.json") == files.manifest)
            #expect(FileSystem.read(root + "/search/\(files.results)/d/0.json") == documents[0].resultFile)
            written.append(Dictionary(uniqueKeysWithValues: paths.map { ($0, FileSystem.read(root + "/search/" + $0) ?? []) }))
        }
        #expect(written[0] == written[1])
    }

    @Test("the order by integer ranks equals the order by joined strings, on the default site and a mixed one")
    func orderByRanksEqualsText() throws {
        #expect(defaultSite.context.searchOrder() == defaultSite.context.searchOrderByText())
        // Ids that sort differently as strings and as numbers (p1, p10, p1-a, p2), every combination of types and
        // industries, cases of providers that exist and of one that does not.
        var files: [String: String] = [:]
        let types = ["[integrator]", "[product]", "[chain-leader]", "[integrator, product]", "[product, chain-leader]"]
        let industries = ["[auto-parts]", "[rail-transit]", "[auto-parts, home-appliances]", "[general-parts]"]
        let ids = ["p1", "p10", "p1-a", "p2", "p20", "p3", "a9", "z0", "p100", "p11"]
        for (i, id) in ids.enumerated() {
            let code = creditCode("91370200MA3C0" + String(format: "%04d", i + 10))
            files["Content/providers/\(id).md"] = providerFile(name: "服务商\(i)", code: code, types: types[i % types.count],
                                                               industries: industries[i % industries.count])
        }
        let industryIDs = ["auto-parts", "rail-transit", "home-appliances", "general-parts"]
        for i in 0..<60 {
            let provider = i % 13 == 0 ? "missing" : ids[(i * 7) % ids.count]
            files["Content/cases/c\(i).md"] = caseFile(provider: provider, industry: industryIDs[(i * 3) % industryIDs.count])
        }
        let site = try TestSite(files)
        let loaded = try #require(SiteLoader.load(root: site.root).site)
        #expect(loaded.providers.count == ids.count && loaded.cases.count == 60)
        let (theme, _) = Theme.load(root: repositoryRoot, name: "default", language: "zh-CN")
        let context = RenderContext(site: loaded, theme: try #require(theme), now: try #require(Day(iso: "2024-02-10")))
        #expect(context.searchOrder() == context.searchOrderByText())
    }

    @Test("the order is worked out from the site alone, and sorts documents by kind and their sort keys")
    func order() {
        let documents = Self.siteDocuments
        #expect(documents.map(\.key) == defaultSite.context.searchOrder())
        let kinds = SearchKind.allCases
        for (a, b) in zip(documents, documents.dropFirst()) {
            let ka = kinds.firstIndex(of: a.kind)!, kb = kinds.firstIndex(of: b.kind)!
            #expect(ka < kb || (ka == kb && a.order.lexicographicallyPrecedes(b.order)), "\(a.key) before \(b.key)")
        }
        #expect(Set(documents.map(\.kind)) == Set(kinds))
    }

    @Test("terms are in JavaScript's order, also around characters above U+FFFF and from U+E000 on")
    func javaScriptOrder() {
        let words = ["𠀀", "ｱｲ", "ﬀ", "𠀁𠀂", "注塑", "a", "ab", "abc", "abcd", "abcde", "abd", "9", "中", "中𠀀", "中ｱ", "〇"]
        let documents = words.enumerated().map { n, word in
            SearchDocument(kind: .case, id: "w\(n)", url: "", title: word, meta: "", fields: [.title: [word]],
                           industries: 0, types: 0, order: [])
        }
        let terms = SearchIndex(documents: documents).sortedTerms
        #expect(terms == terms.sorted(by: SearchIndex.precedes))
        #expect(terms.contains("𠀀") && terms.contains("ｱｲ") && terms.contains("中𠀀"))
        #expect(terms.firstIndex(of: "𠀀")! < terms.firstIndex(of: "ﬀ")!)
    }
}
