import Foundation
import Testing
@testable import Roster

/// The fast YAML reader must agree with the Yams path on every document it accepts: same values, same quoting,
/// same lines and columns. It may decline any document (Yams then reads it); it must not decline the content
/// editors actually write, or it would not be the fast path.
@Suite("YAML subset reader agrees with Yams")
struct YAMLSubsetReaderTests {
    /// Front matter, site.yaml, industries.yaml, interface strings and guide snippets found in the repository.
    static func seeds() throws -> [(name: String, text: String)] {
        var seeds: [(String, String)] = []
        let fileManager = FileManager.default
        for folder in ["Content", "Tests/RosterTests/Fixtures", "Themes/default/strings"] {
            let base = repositoryRoot + "/" + folder
            for path in (fileManager.subpaths(atPath: base) ?? []).sorted()
            where path.hasSuffix(".md") || path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
                guard let bytes = fileManager.contents(atPath: base + "/" + path),
                      let text = try? SourceText.decode([UInt8](bytes)) else { continue }
                let yaml = path.hasSuffix(".md") ? (try? FrontMatterDocument.split(text))?.frontMatter : text
                if let yaml { seeds.append((folder + "/" + path, yaml)) }
            }
        }
        for fuzz in ["front-matter", "content-decoder"] {
            let base = repositoryRoot + "/Tests/RosterTests/Fixtures/fuzz-corpus/" + fuzz
            for name in ((try? fileManager.contentsOfDirectory(atPath: base)) ?? []).sorted() {
                guard var bytes = fileManager.contents(atPath: base + "/" + name).map({ [UInt8]($0) }) else { continue }
                if fuzz == "content-decoder" { bytes = Array(bytes.dropFirst()) }
                // Undecodable inputs still make useful YAML: decode leniently.
                let text = String(decoding: bytes, as: UTF8.self)
                seeds.append(("fuzz/\(fuzz)/\(name)", (try? FrontMatterDocument.split(text))?.frontMatter ?? text))
            }
        }
        for block in try GuideTests.blocks() where block.language == "yaml" {
            seeds.append(("guide:\(block.line)", block.text))
        }
        for kind in Scaffold.Kind.allCases {
            let text = Scaffold.template(Scaffold.Request(kind: kind, id: "x", industries: []), site: nil)
            seeds.append(("scaffold:\(kind)", try FrontMatterDocument.split(text).frontMatter))
        }
        return seeds + handWritten.enumerated().map { ("case \($0.offset)", $0.element) }
    }

    /// Each shape of the subset, and shapes next to its edges.
    static let handWritten = [
        "", "# only a comment\n", "\n\n", "a: 1", "a: 1\n", "a:\n", "a:\nb:\n", "a: ~\nb: null\nc: Null\nd: NULL\ne: nulls",
        "title: 标题\nprovider: p1\n", "  a: 1\n  b: 2\n", "a: 1 # comment\nb: x#y\nc: 'q' # c\nd: \"d\"  # c\n",
        "a: \"\"\nb: ''\nc: 'it''s'\nd: ''''\ne: \"a 'b' c\"\nf: 'a \"b\" c'\n", "a: \" spaced \"\nb: ' x '\n",
        "a: https://example.com/x?y=1#z\nb: a:b\nc: 10:30\n", "a: [x, y, z]\nb: []\nc: {}\nd: [ x , y ]\n",
        "a: [\"x\", 'y', [z, w], {k: v}]\n", "results:\n  - {metric: 合格率, before: 77, after: 90, unit: \"%\"}\n",
        "a:\n- x\n- y\nb: 1\n", "a:\n  - x\n  - y\nb: 1\n", "a:\n  - k: 1\n    l: 2\n  - k: 3\n", "- a\n- b\n",
        "-\n- b\n-\n", "a:\n  -\n  - x\n", "-\n  a: 1\n", "- - a\n", "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n",
        "a:\n  # comment\n  b: 1\n", "a: 1\n  b: 2\n", "a: 1\n  more\n", "a:\n  x\nb: 1\n", "a: x\n\n  y\n",
        "a: 1\na: 2\n", "{a: 1}: 2\n", "a: b: c\n", "a: [x, y\n  z]\n", "a: [x,]\n", "a: {k: }\n", "a: {k}\n",
        "a: {k:v}\n", "a: [k: v]\n", "a: [x #c]\n", "a: -1\nb: -x\nc: [-1, -]\n", "a: -\n", "a: ?x\n", "a: :x\n",
        "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: |\n  text\n", "a: >\n  text\n", "a: \"x\\ny\"\n", "a: \"x\ny\"\n",
        "a: 'x\n  y'\n", "? a\n: b\n", "a:\tb\n", "a: x\r\nb: y\r\n", "%YAML 1.1\n---\na: 1\n", "--- \na: 1\n", "...\n",
        "\"a b\": 1\n'c''d': 2\n", "\"a\":1\n", "a : 1\n", "a:  1\n", "a:   \n", "a: 1   \n", "- a: 1\n  b: 2\n- c\n",
        "- a: 1\n    b: 2\n", "-   a: 1\n    b: 2\n", "a: 中文 文字\nb: 中文，标点：“引号”\n", "a: 😀 emoji\nb: [😀, 中]\n",
        "a: x\u{2028}y\n", "a: x\u{85}y\n", "a: \u{FEFF}x\n", "<<: 1\n", "a: [[[[x]]]]\n", "a: {b: {c: {d: [1, 2]}}}\n",
        "a: x,y\nb: [x y, z]\n", "a: @x\n", "a: `x\n", "a: %x\n", "a: ,x\n", "a: ]\n", "a: }\n", "a: x]\n",
        "a: 'x' y\n", "a: [x] y\n", "a: \"x\"#y\n", "key with spaces: v\n", "a:b\n", "a\n", "[a, b]\n", "{a: b}\n",
        "\"only\"\n", "a: 1\n- b\n", "a:\n- b\n  c: 1\n", "a:\n  - b\n  c: 1\n", "a: [x, y]\n  z\n",
        String(repeating: "k", count: 1_100) + ": v\n", "a: " + String(repeating: "[", count: 70) + String(repeating: "]", count: 70),
        "a:\n" + (1...70).map { String(repeating: "  ", count: $0) + "k:\n" }.joined(),
    ]

    /// Deterministic pseudo-random numbers (SplitMix64), so a failure always reproduces.
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    static let tokens = [":", ": ", " ", "  ", "\n", "\n  ", "- ", "-", "#", " #", "'", "\"", "''", "[", "]", "{", "}", ",",
                         ", ", "~", "null", "a", "中", "k: v", "\t", "&a ", "*a", "!!str ", "|", ">", "? ", "\\", "e\u{301}",
                         "\"\u{301}", "---", "...", "%", "@", "`", "😀", "\u{2028}", "\u{3000}", "-1", "0"]

    /// A few edits of `text`: inserted tokens, deleted ranges, duplicated or re-indented lines.
    static func mutate(_ text: String, _ random: inout Random) -> String {
        var scalars = Array(text.unicodeScalars)
        for _ in 0...random.next(3) {
            let at = scalars.isEmpty ? 0 : random.next(scalars.count + 1)
            switch random.next(4) {
            case 0, 1:
                scalars.insert(contentsOf: tokens[random.next(tokens.count)].unicodeScalars, at: at)
            case 2 where !scalars.isEmpty:
                let end = min(scalars.count, at + 1 + random.next(6))
                scalars.removeSubrange(min(at, scalars.count - 1)..<end)
            default:
                var lines = String(String.UnicodeScalarView(scalars)).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                guard !lines.isEmpty else { continue }
                let line = random.next(lines.count)
                switch random.next(3) {
                case 0: lines.insert(lines[line], at: line)
                case 1: lines[line] = "  " + lines[line]
                default: if lines[line].hasPrefix(" ") { lines[line].removeFirst() }
                }
                scalars = Array(lines.joined(separator: "\n").unicodeScalars)
            }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Compares the fast reader with Yams on one document; returns what differs, or nil when they agree.
    static func disagreement(_ text: String, lineOffset: Int = 1) -> String? {
        // Text the loader has checked for hidden characters skips that scan: with nothing hidden, the same answer.
        let checked = HiddenCharacters.first(in: text) == nil
        guard let fast = YAMLSubsetReader.read(text, lineOffset: lineOffset, hiddenCharactersChecked: checked) else { return nil }
        do {
            let reference = try YAMLReader.parseWithYams(text, lineOffset: lineOffset)
            return difference(fast, reference, path: "$")
        } catch {
            return "accepted, but Yams says \(error.message) at \(error.line):\(error.column)"
        }
    }

    static func difference(_ a: ContentValue, _ b: ContentValue, path: String) -> String? {
        if a.line != b.line || a.column != b.column {
            return "\(path): at \(a.line):\(a.column), Yams \(b.line):\(b.column)"
        }
        switch (a.kind, b.kind) {
        case (.null, .null):
            return nil
        case let (.scalar(x, xq), .scalar(y, yq)):
            return x == y && xq == yq ? nil : "\(path): \(x.debugDescription) quoted \(xq), Yams \(y.debugDescription) quoted \(yq)"
        case let (.list(x), .list(y)):
            guard x.count == y.count else { return "\(path): \(x.count) items, Yams \(y.count)" }
            for (i, (p, q)) in zip(x, y).enumerated() {
                if let d = difference(p, q, path: "\(path)[\(i)]") { return d }
            }
            return nil
        case let (.map(x), .map(y)):
            guard x.count == y.count else { return "\(path): \(x.count) keys, Yams \(y.count)" }
            for (p, q) in zip(x, y) {
                guard p.key == q.key, p.keyLine == q.keyLine, p.keyColumn == q.keyColumn else {
                    return "\(path): key \(p.key) at \(p.keyLine):\(p.keyColumn), Yams \(q.key) at \(q.keyLine):\(q.keyColumn)"
                }
                if let d = difference(p.value, q.value, path: "\(path).\(p.key)") { return d }
            }
            return nil
        default:
            return "\(path): \(a.shapeName), Yams \(b.shapeName)"
        }
    }

    @Test("agrees with Yams on every seed and on thousands of mutations of them")
    func agreesWithYams() throws {
        let seeds = try Self.seeds()
        #expect(seeds.count > 300)
        var random = Random(state: 2024)
        var accepted = 0
        var checked = 0
        for (name, text) in seeds {
            // The fuzz corpus is mostly broken already; the well-formed seeds get more edits.
            for round in 0..<(name.hasPrefix("fuzz/") ? 10 : 150) {
                let input = round == 0 ? text : Self.mutate(text, &random)
                checked += 1
                if YAMLSubsetReader.read(input) != nil { accepted += 1 }
                if let problem = Self.disagreement(input) {
                    Issue.record("\(name), round \(round): \(problem)\n--- input ---\n\(input)")
                }
            }
        }
        // Not vacuous: a good share of the (mostly broken) mutations is still read by the fast path.
        #expect(accepted > checked / 5, "only \(accepted) of \(checked) documents took the fast path")
    }

    @Test("reads all the repository's content, the scaffold and the interface strings itself")
    func coversRealContent() throws {
        for (name, text) in try Self.seeds()
        where name.hasPrefix("Content/") || name.hasPrefix("scaffold:") || name.hasPrefix("Themes/") {
            #expect(YAMLSubsetReader.read(text) != nil, "\(name) falls back to Yams")
        }
    }

    @Test("the byte-level hidden-character check never misses what the exact one finds")
    func hiddenCharacterPrefilter() throws {
        var random = Random(state: 7)
        var found = 0
        for (_, text) in try Self.seeds() {
            for round in 0..<10 {
                var input = round == 0 ? text : Self.mutate(text, &random)
                if round > 5 {
                    let hostile = ["\u{0B}", "\u{7F}", "\u{85}", "\u{9F}", "\u{202E}", "\u{2067}", "\u{FFFE}", "<\u{301}",
                                   "\u{600}<", "&\u{200D}", "\"\u{20E3}", "'\u{FE0F}", ">\u{E0100}", "\r", "\0"]
                    input.insert(contentsOf: hostile[random.next(hostile.count)], at: input.index(input.startIndex, offsetBy: random.next(input.count + 1)))
                }
                var copy = input
                let may = copy.withUTF8 { HiddenCharacters.mayOccur(in: $0) }
                if HiddenCharacters.first(in: input) != nil {
                    found += 1
                    #expect(may, "missed a hidden character in \(input.debugDescription)")
                }
            }
        }
        #expect(found > 100)
    }
}

