import Foundation
import Testing
@testable import Roster

/// The link scanner must find exactly the links cmark-gfm finds (target, line, image or not) in every body it
/// reads; it may decline any body. It must read the bodies editors write, or `check` would not get faster.
@Suite("Link scanner agrees with cmark-gfm")
struct LinkScannerTests {
    /// A body in the shape of the benchmark corpus and of real cases: paragraphs, a list, a table, site links
    /// (outside the table: links in tables go to cmark).
    static let typical = """
        过去生产计划靠人工排产，车间之间靠电话和纸质单据传递信息。

        ## 主要做法

        - **仓储物流**：扫码出入库、库位管理和先进先出提示。
        - **能源管理**：重点设备分项计量，见[能源页](/cases/x/)。

        | 指标 | 改造前 | 改造后 | 变化 |
        |---|---:|---:|---:|
        | 订单准时交付率 | 84% | 99% | +15% |
        | 在制品数量 | 86件 | 86件 | +0件 |

        详见[在制品](/cases/y/)。
        > 引用：[通知](/notices/z/)
        1. 第一步 ![图](/media/a.png)

        相关页面：[服务商介绍](/providers/p00001/)，[行业目录](/industries/general-parts/)；政策原文见[工业和信息化部网站](https://www.miit.gov.cn/)。

        """

    static let handWritten = [
        "", "text", "[a](/b/)", "x [a](/b/) y [c](d)", "![a](/b.png)", "!![a](b)", "[a](b)[c](d)", "![^1a](b)", "[](b)", "[a]()",
        "[a]", "[a]: /b", "[a][b]\n\n[b]: /c", "[^1]\n\n[^1]: x", "- [ ] task", "- [x] done [a](/b/)", "[a](b \"t\")",
        "[a]( b)", "[a](<b>)", "[a](b(c))", "[a](b)c)", "[a|b](c)", "[a](b|c)", "| [a](b) | c |\n|---|---|\n| [d](e) | f |",
        "| a | b |\n|---|---|\n| c | d |\nplain [x](/y) line", "a\n:--\nb [x](/y)", "    [a](b)", "\t[a](b)", "-     [a](b)",
        ">     [a](b)", "1. [a](b)\n   2. [c](d)", "# [a](b) #", "title\n=====\n[a](b)", "```\n[a](b)\n```", "~~~\n[a](b)\n~~~",
        "`[a](b)`", "<a href=x>[a](b)</a>", "&amp; [a](b)", "\\[a](b)", "x@y.com [a](b)", "www.x.com [a](b)",
        "http://x [a](b)", "[www.x](b)", "[a](https://www.x.com/)", "**[a](b)**", "*[a*](b)", "[a\nb](c)", "[a](b\nc)",
        "[[a](b)](c)", "[a](b]c)", "[a] (b)", "]", "[", "a ] b", "[a](中文/路径)", "[中](/b/)\n\n\n[c](/d/)",
        "<!-- c -->\n[a](b)", "[a](javascript:alert(1))", "[a](javascript:x)", "[a](mailto:x)", "~~x~~ [a](b)",
        "a  \n[b](c)", "a\\\n[b](c)", "* * *\n[a](b)", "- a\n\n      [b](c)", "> - [a](b)\n>   [c](d)",
        "[a](b)\n===", "x\n[a](b)\n===\n[c](d)", "+ [a](b)\n1) [c](d)", "a\n    [b](c)", "[x](/y/) a\nb\n| a | c |\n|---|---|\n", "> [x](/y/)\n> | a | c |\n> |---|---|\n", "| [a](b) | c |\n|---|\n---|",
        "| a | c |\n|---|\n| [d](/e/) | f |\n[g](/h/)\n", "[a](b)\n\n| a | c |\n|---|---|\n| [d](/e/) | f |\n",
    ]

    /// Markdown bodies found in the repository and the fuzz corpus.
    static func seeds() throws -> [(name: String, text: String)] {
        var seeds: [(String, String)] = [("typical", typical)]
        let fileManager = FileManager.default
        for folder in ["Content", "Tests/RosterTests/Fixtures"] {
            let base = repositoryRoot + "/" + folder
            for path in (fileManager.subpaths(atPath: base) ?? []).sorted() where path.hasSuffix(".md") {
                guard let bytes = fileManager.contents(atPath: base + "/" + path),
                      let text = try? SourceText.decode([UInt8](bytes)),
                      let document = try? FrontMatterDocument.split(text) else { continue }
                seeds.append((folder + "/" + path, document.body))
            }
        }
        let fuzz = repositoryRoot + "/Tests/RosterTests/Fixtures/fuzz-corpus/markdown-page"
        for name in ((try? fileManager.contentsOfDirectory(atPath: fuzz)) ?? []).sorted() {
            if let bytes = fileManager.contents(atPath: fuzz + "/" + name) {
                seeds.append(("fuzz/\(name)", String(decoding: bytes, as: UTF8.self)))
            }
        }
        for block in try GuideTests.blocks() where block.language == "markdown" {
            seeds.append(("guide:\(block.line)", (try? FrontMatterDocument.split(block.text))?.body ?? block.text))
        }
        return seeds + handWritten.enumerated().map { ("case \($0.offset)", $0.element) }
    }

    static let tokens = ["[", "]", "(", ")", "](", "[a](/b/)", "![a](/b/)", "[中](x)", "|", "| a | b |\n|---|---|\n", "\n",
                         "\n\n", "    ", "  ", "\t", "> ", "- ", "1. ", "# ", "---", "===", ":--", "*", "**", "_", "!", "`",
                         "~~", "<", "&amp;", "\\", "@", "www.", "http://", ":", "[^1]", "[x]: /y", "- [ ] ", "\"", "'",
                         "中", "]: ", " \"t\"", "<b>", "\u{3000}"]

    static func mutate(_ text: String, _ random: inout YAMLSubsetReaderTests.Random) -> String {
        var scalars = Array(text.unicodeScalars)
        for _ in 0...random.next(3) {
            let at = scalars.isEmpty ? 0 : random.next(scalars.count + 1)
            if random.next(3) < 2 || scalars.isEmpty {
                scalars.insert(contentsOf: tokens[random.next(tokens.count)].unicodeScalars, at: at)
            } else {
                let start = min(at, scalars.count - 1)
                scalars.removeSubrange(start..<min(scalars.count, start + 1 + random.next(8)))
            }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    @Test("finds what cmark finds in every seed and in thousands of edits of them")
    func agreesWithCmark() throws {
        let markdown = Markdown()
        var random = YAMLSubsetReaderTests.Random(state: 12)
        var accepted = 0
        var checked = 0
        for (name, text) in try Self.seeds() {
            for round in 0..<(name.hasPrefix("fuzz/") ? 10 : 150) {
                let input = round == 0 ? text : Self.mutate(text, &random)
                checked += 1
                guard let scanned = LinkScanner.links(in: input) else { continue }
                accepted += 1
                let parsed = markdown.parsedLinks(in: input)
                if scanned != parsed {
                    Issue.record("\(name), round \(round): scanner \(scanned), cmark \(parsed)\n--- input ---\n\(input)")
                }
            }
        }
        #expect(accepted > checked / 5, "only \(accepted) of \(checked) bodies were scanned")
    }

    @Test("reads the typical body and nearly all of the repository's bodies without cmark")
    func coversRealContent() throws {
        let bodies = try Self.seeds().filter { $0.name.hasPrefix("Content/") }
        let declined = bodies.filter { LinkScanner.links(in: $0.text) == nil }.map(\.name)
        // The selection notice quotes web addresses as <https://…> and breaks lines with `\`: cmark reads it.
        #expect(declined.count * 10 < bodies.count, "bodies left to cmark: \(declined)")
        #expect(LinkScanner.links(in: Self.typical)?.count == 7)
    }

    @Test("bodies beyond the Markdown limits still yield no links")
    func limitsFirst() {
        let body = String(repeating: "[a](/b/) ", count: 2_000)
        #expect(Markdown().links(in: body).isEmpty)
    }

    @Test("a loaded body is measured against the limits once; changing its text measures it again")
    func measuredOnce() throws {
        let site = try TestSite(copying: ["Content", "Themes"])
        let loaded = try #require(site.load().site)
        let markdown = Markdown()
        for item in loaded.cases where item.source.location.file.hasSuffix(".md") {
            #expect(item.body.withinLimits)
            #expect(markdown.links(in: item.body) == markdown.links(in: item.body.text))
            #expect(markdown.render(item.body).html == markdown.render(item.body.text).html)
        }
        var body = loaded.cases[0].body
        body.text = String(repeating: "[a](/b/) ", count: 2_000)
        #expect(!body.withinLimits)
        #expect(markdown.links(in: body).isEmpty)
        #expect(markdown.render(body).html.isEmpty)
    }
}
