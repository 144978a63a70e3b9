import Foundation
import Testing
@testable import Roster

/// Loads a site holding one hostile file and returns the findings for that file, and how long loading took.
private func findings(for path: String, _ bytes: Data, extra: [String: String] = [:]) throws -> ([Finding], Double) {
    let site = try TestSite(extra)
    try site.write(path, bytes)
    let (result, seconds) = timed { site.load() }
    return (result.findings.filter { $0.location.file == path }, seconds)
}

private func findings(for path: String, _ text: String) throws -> ([Finding], Double) {
    try findings(for: path, Data(text.utf8))
}

@Suite("Security: broken input is built or refused with one clear error, in bounded time")
struct BrokenInputTests {
    @Test("invalid UTF-8 of every kind: one encoding error at the right line", arguments: [
        ([0xC0, 0x80], "overlong NUL"), ([0xE0, 0x80, 0x80], "overlong"), ([0xED, 0xA0, 0x80], "UTF-16 surrogate"),
        ([0xF8, 0x88, 0x80, 0x80, 0x80], "5-byte form"), ([0xFF], "0xFF"), ([0xE4, 0xB8], "truncated"),
        ([0xF4, 0x90, 0x80, 0x80], "beyond U+10FFFF"), ([0x80], "lone continuation"),
    ] as [([UInt8], String)])
    func invalidUTF8(_ bad: [UInt8], _ name: String) throws {
        let bytes = Array("---\nname: 甲\n".utf8) + bad + Array("\n---\n正文\n".utf8)
        let (list, _) = try findings(for: "Content/providers/p.md", Data(bytes))
        #expect(list.count == 1, "\(name): \(list.map(\.compilerStyle))")
        #expect(list.first?.rule == "content.encoding" && list.first?.location.line == 3, "\(name)")
        let (atEnd, _) = try findings(for: "Content/providers/q.json", Data(Array("{\"name\": \"甲".utf8) + bad))
        #expect(atEnd.map(\.rule) == ["content.encoding"], "\(name) at the end of a file")
    }

    @Test("control characters, bidirectional overrides and noncharacters: one error at their line and column", arguments: [
        "\u{1}", "\u{B}", "\u{C}", "\u{1B}", "\u{7F}", "\u{85}", "\u{9F}", "\u{202E}", "\u{2066}", "\u{FFFE}", "\u{FFFF}",
    ])
    func hiddenCharacters(_ scalar: String) throws {
        let (raw, _) = try findings(for: "Content/providers/p.md", "---\nname: 甲\(scalar)公司\n---\n")
        #expect(raw.count == 1 && raw.first?.rule == "content.encoding", "\(raw.map(\.compilerStyle))")
        #expect(raw.first?.location.line == 2 && raw.first?.location.column == 8)
        let escape = String(format: "\\u%04x", scalar.unicodeScalars.first!.value)
        let (json, _) = try findings(for: "Content/providers/p.json", "{\n\"name\": \"甲\(escape)\"}")
        #expect(json.count == 1 && json.first?.rule == "content.json" && json.first?.location.line == 2, "\(json.map(\.compilerStyle))")
        let (yaml, _) = try findings(for: "Content/providers/q.md", "---\nname: \"甲\(escape)\"\n---\n")
        #expect(yaml.count == 1 && yaml.first?.rule == "content.yaml" && yaml.first?.location.line == 2, "\(yaml.map(\.compilerStyle))")
    }

    @Test("a BOM, CRLF and lone CR line endings are all read, with the right line numbers")
    func lineEndings() throws {
        for ending in ["\r\n", "\r"] {
            let text = "\u{FEFF}" + providerFile(extra: "status: bogus").replacingOccurrences(of: "\n", with: ending)
            let (list, _) = try findings(for: "Content/providers/p.md", text)
            #expect(list.map(\.rule) == ["schema.vocabulary"], "\(ending.debugDescription)")
            #expect(list.first?.location.line == 7)
        }
    }

    @Test("empty and blank files: one error each", arguments: ["", " \n\t\n", "\u{FEFF}", "---", "---\n---"])
    func emptyFiles(_ text: String) throws {
        for path in ["Content/providers/p.md", "Content/providers/p.json", "Content/notices/n.md"] {
            let (list, _) = try findings(for: path, text)
            #expect(list.count >= 1, "\(path) \(text.debugDescription)")
            #expect(Set(list.map(\.rule)).count == 1 || list.allSatisfy { $0.rule == "schema.required" }, "\(path) \(text.debugDescription): \(list.map(\.compilerStyle))")
        }
    }

    @Test("front matter that never closes: one error naming line 1, even when the file is long")
    func unclosedFrontMatter() throws {
        for text in ["---\nname: 甲\n", "---\nname: 甲\n" + String(repeating: "正文很长的一行\n", count: 100_000), "--- \nname: x\n--\n"] {
            let (list, seconds) = try findings(for: "Content/providers/p.md", text)
            #expect(list.map(\.rule) == ["content.front-matter"] && list.first?.location.line == 1)
            #expect(seconds < 5)
        }
    }

    @Test("duplicate keys, in YAML and JSON, nested too: an error at the second one's line")
    func duplicateKeys() throws {
        let (yaml, _) = try findings(for: "Content/providers/p.md", "---\nname: 甲\nname: 乙\n---\n")
        #expect(yaml.map(\.rule) == ["content.yaml"] && yaml.first?.location.line == 2, "\(yaml.map(\.compilerStyle))")
        let (nested, _) = try findings(for: "Content/providers/q.md", "---\nname: 甲\ncontact:\n  phone: 1\n  phone: 2\n---\n")
        #expect(nested.map(\.rule) == ["content.yaml"] && [4, 5].contains(nested.first?.location.line ?? 0), "\(nested.map(\.compilerStyle))")
        let code = creditCode("91370200MA3C00001")
        let (json, _) = try findings(for: "Content/providers/p.json", """
            {"name": "甲", "credit_code": "\(code)", "types": ["chain-leader"], "industries": ["auto-parts"], "district": "市南区",
             "chain_leader": {"mode": "lead", "revenue_last_year": 2000000000, "pilot_enterprises": 12},
             "name": "乙"}
            """)
        #expect(json.map(\.rule) == ["schema.duplicate-key"] && json.first?.location.line == 3, "\(json.map(\.compilerStyle))")
        let (unicode, _) = try findings(for: "Content/providers/r.json", #"{"name": "甲", "nam\u00e9": 1, "name\u0301": 2}"#)
        #expect(unicode.contains { $0.rule == "schema.duplicate-key" }, "NFC and NFD spellings of one key are one key")
    }

    @Test("a file over the size limit is refused from its size alone, without being read", arguments: [50, 9])
    func hugeFile(_ megabytes: Int) throws {
        let site = try TestSite(["Content/providers/.keep": "", "Content/calendar/.keep": ""])
        for path in ["Content/providers/big.md", "Content/providers/big.json", "Content/site.yaml", "Content/calendar/2024.json"] {
            // Sparse: the size is real but no byte is written, and reading it would take the whole size in memory.
            FileManager.default.createFile(atPath: site.root + "/" + path, contents: Data("---\n".utf8))
            let handle = try #require(FileHandle(forWritingAtPath: site.root + "/" + path))
            try handle.truncate(atOffset: UInt64(megabytes * 1_048_576))
            try handle.close()
        }
        let (result, seconds) = timed { site.load() }
        for path in ["Content/providers/big.md", "Content/providers/big.json", "Content/site.yaml", "Content/calendar/2024.json"] {
            let list = result.findings.filter { $0.location.file == path }
            #expect(list.map(\.rule) == ["content.too-large"], "\(path): \(list.map(\.compilerStyle))")
            #expect(list.first?.message.contains("\(megabytes) MB") == true)
        }
        #expect(seconds < 2, "\(seconds) s: the file was read")
    }

    @Test("YAML alias bombs stop at the node budget; deep YAML nesting stops at the depth limit, not the stack", arguments: [
        "laughs", "flow-nesting", "block-nesting", "merge-keys",
    ])
    func yamlBombs(_ kind: String) throws {
        var yaml = "---\nname: x\n"
        switch kind {
        case "laughs":
            yaml += "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
            for i in 1...9 { yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        case "flow-nesting":
            yaml += "deep: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
        case "block-nesting":
            for depth in 0..<2_000 { yaml += String(repeating: " ", count: depth) + "k:\n" }
        default:
            // A thousand merges of a thousand keys: a million values from 60 KB.
            yaml += "b: &b {" + (0..<1000).map { "k\($0): v" }.joined(separator: ", ") + "}\n"
            yaml += (0..<1000).map { "m\($0): {<<: *b}" }.joined(separator: "\n") + "\n"
        }
        yaml += "---\n"
        let (list, seconds) = try findings(for: "Content/providers/bomb.md", yaml)
        #expect(list.count == 1 && list.first?.rule == "content.yaml", "\(kind): \(list.map(\.compilerStyle).prefix(3))")
        #expect(seconds < 10, "\(kind): \(seconds) s")
    }

    @Test("JSON: deep nesting and huge numbers give one error; a long array is read in linear time")
    func jsonEdges() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let (nesting, _) = try findings(for: "Content/providers/deep.json", deep)
        #expect(nesting.map(\.rule) == ["content.json"])
        let code = creditCode("91370200MA3C00001")
        let (numbers, _) = try findings(for: "Content/providers/n.json", """
            {"name": "甲", "credit_code": "\(code)", "types": ["chain-leader"], "industries": ["auto-parts"], "district": "市南区",
             "chain_leader": {"mode": "lead", "revenue_last_year": 1e999999999, "pilot_enterprises": 99999999999999999999999999}}
            """)
        #expect(numbers.count == 2 && numbers.allSatisfy { $0.rule == "schema.type" }, "\(numbers.map(\.compilerStyle))")
        let items = (0..<20_000).map { #"{"id": "p\#($0)", "name": "甲\#($0)"}"# }
        for separator in [",\n", ","] {  // one item a line, and minified on one line (columns once cost quadratic time)
            let (array, seconds) = try findings(for: "Content/providers/many.json", "[" + items.joined(separator: separator) + "]")
            #expect(array.count == 20_000 * 4, "four required fields missing in each item: \(array.count)")
            #expect(seconds < 20, "\(separator.debugDescription): \(seconds) s")
        }
        let (position, _) = try findings(for: "Content/providers/pos.json", #"[{"id": "a", "名字": 1}, {"id": "b", "nam": 2}]"#)
        #expect(position.contains { $0.rule == "schema.unknown-key" && $0.location.column == 36 } && position.contains { $0.location.column == 14 }, "\(position.map(\.compilerStyle))")
    }

    @Test("numbers and dates at the edges of their types are errors, never a crash or an endless loop", arguments: [
        "results: [{metric: m, before: 1\(String(repeating: "0", count: 300)), after: 0.\(String(repeating: "0", count: 300))1, unit: x}]",
        "results: [{metric: m, before: -0, after: 99999999999999999999999999999999999999999, unit: x}]",
        "date: 9999-12-31", "date: 0000-00-00", "date: 2024-02-30", "date: 2023-02-29",
    ])
    func caseNumbersAndDates(_ field: String) throws {
        let site = try TestSite(["Content/providers/p.md": providerFile(), "Content/cases/c.md": caseFile(provider: "p", extra: field)])
        let (report, seconds) = timed { site.build() }
        #expect(seconds < 10)
        if !report.published { #expect(report.findings.contains { $0.location.file == "Content/cases/c.md" }, "\(field)") }
    }

    @Test("a publicity period of a billion working days is refused, not counted day by day")
    func hugePublicityPeriod() throws {
        let site = try TestSite(["Content/notices/n.md": "---\ntitle: 公示\nkind: publicity\npublished: 2024-02-01\npublicity: {start: 2024-02-01, working_days: 1000000000}\n---\n"])
        let (result, seconds) = timed { site.load() }
        #expect(result.findings.map(\.rule) == ["schema.type"] && result.findings.first?.location.line == 5)
        #expect(seconds < 2)
    }
}

@Suite("Security: Markdown bodies are bounded before cmark-gfm sees them")
struct MarkdownLimitTests {
    /// Known inputs that make Debian 12's cmark-gfm (0.29.0.gfm.6) quadratic, at a size that hurts.
    static let pathological: [(String, String)] = [
        ("images (CVE-2023-22486)", String(repeating: "![[]()", count: 40_000)),
        ("processing instructions", "a" + String(repeating: "<?", count: 40_000)),
        ("CDATA (CVE-2023-22484 family)", "a" + String(repeating: "<![CDATA[", count: 40_000)),
        ("wide table", String(repeating: "x|", count: 20_000) + "\n" + String(repeating: "-|", count: 20_000) + "\n" + String(repeating: "x\n", count: 10)),
        ("table cell amplification", "x" + String(repeating: "|x", count: 60) + "\n-" + String(repeating: "|-", count: 60) + "\n" + String(repeating: "x\n", count: 60_000)),
        ("nested block quotes", String(repeating: "> ", count: 10_000) + "a"),
        // Nesting by indentation needs n² bytes: 700 levels is what fits under the size limit.
        ("nested lists", (0..<700).map { String(repeating: "  ", count: $0) + "- a" }.joined(separator: "\n")),
        ("nested list markers", String(repeating: "- ", count: 10_000) + "a"),
        ("nested ordered markers", String(repeating: "1. ", count: 10_000) + "a"),
        ("quotes in lists", String(repeating: "> - ", count: 10_000) + "a"),
        ("brackets", String(repeating: "[", count: 50_000) + "a" + String(repeating: "]", count: 50_000)),
        ("too long", String(repeating: "正文。", count: 200_000)),
    ]

    @Test("each pathological body is refused with one error at its line, in well under a second",
          arguments: pathological.map(\.0))
    func refused(_ name: String) throws {
        let body = try #require(Self.pathological.first { $0.0 == name }?.1)
        let (list, seconds) = try findings(for: "Content/providers/p.md", providerFile(body: "第一段。\n\n" + body))
        #expect(list.map(\.rule) == ["markdown.limits"], "\(name): \(list.map(\.compilerStyle))")
        #expect((list.first?.location.line ?? 0) >= 10, "\(name): the error points into the body")
        #expect(seconds < 2, "\(name): \(seconds) s")
        #expect(Markdown().render(body).html.isEmpty, "render refuses it too")
    }

    @Test("what the limits keep out: cmark-gfm itself copes with 10,000 levels of nesting (no stack overflow)")
    func cmarkNesting() {
        for name in ["nested block quotes", "nested lists", "quotes in lists"] {
            let body = Self.pathological.first { $0.0 == name }!.1
            let (html, seconds) = timed { Markdown().renderUnchecked(body).html }
            #expect(html.contains("<blockquote>") || html.contains("<ul>"), "\(name)")
            #expect(seconds < 5, "\(name): \(seconds) s")
        }
    }

    @Test("the largest bodies inside the limits render fast", arguments: [
        String(repeating: "![[]()", count: MarkdownLimits.maxOpenersPerBlock / 3) + "\n\n",
        String(repeating: "a<?" + String(repeating: "字", count: 100) + "\n", count: MarkdownLimits.maxOpenersPerBlock),
        "|" + String(repeating: "x|", count: MarkdownLimits.maxTableColumns) + "\n|" + String(repeating: "-|", count: MarkdownLimits.maxTableColumns) + "\n" + String(repeating: "x\n", count: MarkdownLimits.maxTableCells / MarkdownLimits.maxTableColumns - 3),
        String(repeating: "> ", count: MarkdownLimits.maxNesting) + "a",
        String(repeating: "普通的一段文字，有**强调**和[链接](https://example.com/)。\n\n", count: 6_000),
    ])
    func withinLimits(_ body: String) throws {
        #expect(MarkdownLimits.check(body) == nil)
        // Repeat the block up to the size limit: every block may be as costly as the limits allow.
        let blocks = String(repeating: body + "\n\n", count: max(1, MarkdownLimits.maxBytes / max(1, body.utf8.count + 2)))
        let document = MarkdownLimits.check(blocks) == nil ? blocks : body
        let (html, seconds) = timed { Markdown().render(document).html }
        #expect(!html.isEmpty)
        // Generous for sanitizer builds on a busy 2-core machine; outside the limits this takes minutes.
        #expect(seconds < 10, "\(seconds) s")
    }

    @Test("real content is far inside the limits: tables, thematic breaks, lists and quotes are not mistaken")
    func ordinaryContent() throws {
        let body = """
        ## 标题

        - 一
          - 二
            - 三
        > 引用
        > > 二级引用

        * * *
        - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -

        | 指标 | 改造前 | 改造后 |
        | :--- | ---: | :---: |
        | OEE | 62% | 78% |

        1. 第一
        2. 第二
        """
        #expect(MarkdownLimits.check(body) == nil)
        let site = try TestSite(copying: ["Content"])
        for entry in try #require(site.load().site).notices { #expect(MarkdownLimits.check(entry.body.text) == nil) }
    }
}
