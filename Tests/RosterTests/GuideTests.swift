import Foundation
import Testing
@testable import Roster

/// Keeps docs/编辑指南.md true: its example files build, its snippets parse, and it explains every rule the code reports.
@Suite("The editors' guide")
struct GuideTests {
    static let guidePath = repositoryRoot + "/docs/编辑指南.md"

    struct Block {
        var info: String
        var text: String
        var line: Int
        var file: String? {
            info.split(separator: " ").first { $0.hasPrefix("file=") }.map { String($0.dropFirst("file=".count)) }
        }
        var language: String { String(info.split(separator: " ").first ?? "") }
    }

    /// The fenced code blocks of the guide, with their info strings (```markdown file=Content/providers/x.md).
    static func blocks() throws -> [Block] {
        let lines = try String(contentsOfFile: guidePath, encoding: .utf8).components(separatedBy: "\n")
        var blocks: [Block] = []
        var open: Block?
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if var block = open {
                if trimmed == "```" {
                    blocks.append(block)
                    open = nil
                } else {
                    block.text += (block.text.isEmpty ? "" : "\n") + line
                    open = block
                }
            } else if trimmed.hasPrefix("```") {
                open = Block(info: String(trimmed.dropFirst(3)), text: "", line: index + 1)
            }
        }
        #expect(open == nil, "a fenced block is not closed")
        return blocks
    }

    @Test("every example file in the guide, added to the default content, checks without errors and builds")
    func examplesBuild() throws {
        let examples = try Self.blocks().filter { $0.file != nil }
        let files = examples.compactMap(\.file)
        #expect(files.contains { $0.hasPrefix("Content/providers/") })
        #expect(files.contains { $0.hasPrefix("Content/cases/") })
        #expect(files.filter { $0.hasPrefix("Content/notices/") }.count >= 3)
        #expect(Set(files).count == files.count, "two examples write the same file")

        let site = try TestSite(copying: ["Content", "Themes"])
        for example in examples {
            let file = try #require(example.file)
            #expect(!site.exists(file), "the example \(file) would replace a file of the default content")
            try site.write(file, example.text + "\n")
        }
        let findings = Checker.check(root: site.root)
        let errors = findings.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.map(\.compilerStyle).joined(separator: "\n"))")
        let exampleWarnings = findings.filter { finding in
            finding.severity == .warning && files.contains(finding.location.file) && finding.rule != "reference.attachment-offline"
        }
        #expect(exampleWarnings.isEmpty, "\(exampleWarnings.map(\.compilerStyle))")

        let loaded = try #require(site.load().site)
        let kinds = Set(loaded.notices.filter { files.contains($0.source.location.file) }.map(\.kind))
        #expect(kinds.isSuperset(of: [.call, .publicity, .result]), "the guide shows a call, a publicity list and a result")
        let report = site.build(now: "2024-03-10")
        #expect(report.published)
        for file in files {
            let id = file.lastPathComponent.deletingPathExtension
            let folder = file.split(separator: "/")[1]
            #expect(site.exists("Site/\(folder)/\(id)/index.html"), "no page for \(file)")
        }
    }

    @Test("every snippet in the guide is valid YAML, and every YAML, Markdown or JSON block is either an example file or a snippet")
    func snippetsParse() throws {
        for block in try Self.blocks() where ["yaml", "markdown", "json"].contains(block.language) {
            #expect(block.file != nil || block.info.contains("snippet"), "block at line \(block.line) is neither a file nor a snippet")
            guard block.file == nil else { continue }
            #expect(throws: Never.self, "snippet at line \(block.line)") { try YAMLReader.parse(block.text) }
        }
    }

    @Test("the guide explains every rule id the code can report")
    func everyRule() throws {
        let guide = try String(contentsOfFile: Self.guidePath, encoding: .utf8)
        let sources = try FileManager.default.subpathsOfDirectory(atPath: repositoryRoot + "/Sources/Roster").filter { $0.hasSuffix(".swift") }
        var rules = Set<String>()
        let interfaceText = try #require(Theme.load(root: repositoryRoot, name: "default", language: "zh-CN").0).strings
        let pattern = /"((?:schema|content|reference|path|credit-code|provider|case|industry|notice|link|io|theme)\.[a-z-]+)"/
        for file in sources {
            let text = try String(contentsOfFile: repositoryRoot + "/Sources/Roster/" + file, encoding: .utf8)
            // Interface-text keys such as "case.unchanged" look like rule ids: only rule ids count.
            for match in text.matches(of: pattern) where interfaceText[String(match.1)] == nil {
                rules.insert(String(match.1))
            }
        }
        #expect(rules.count > 30)
        for rule in rules.sorted() {
            #expect(guide.contains("`\(rule)`"), "the guide does not explain \(rule)")
        }
    }

    @Test("the guide's sample of check output is what check prints")
    func sampleOutput() throws {
        let guide = try String(contentsOfFile: Self.guidePath, encoding: .utf8)
        let lines = guide.components(separatedBy: "\n")
        let index = try #require(lines.firstIndex { $0.hasPrefix("Content/cases/haichuang-injection-iot.md:") && $0.contains(": error: ") })
        let example = try #require(try Self.blocks().first { $0.file == "Content/cases/haichuang-injection-iot.md" })
        let site = try TestSite(copying: ["Content", "Themes"])
        for block in try Self.blocks() where block.file != nil { try site.write(block.file!, block.text + "\n") }
        try site.write(example.file!, example.text.replacingOccurrences(of: "role: transformation", with: "role: 改造") + "\n")
        let output = Checker.report(Checker.check(root: site.root), format: .text)
        #expect(output.contains(lines[index] + "\n" + lines[index + 1] + "\n"), "check now prints:\n\(output)")
    }

    @Test("the README links to the guide")
    func readmeLinks() throws {
        let readme = try String(contentsOfFile: repositoryRoot + "/README.md", encoding: .utf8)
        #expect(readme.contains("docs/编辑指南.md"))
    }
}
