import Foundation
import Testing
@testable import Roster

/// The broken fixture site breaks every rule of the check issue at least once; each expected finding is marked
/// in the fixture itself with `# expect: rule.id` (or `<!-- expect: rule.id -->` in Markdown bodies) on its line.
@Suite("Check rules on the broken fixture site")
struct CheckRuleTests {
    static let fixture = repositoryRoot + "/Tests/RosterTests/Fixtures/broken-site"

    struct Expectation: Hashable, CustomStringConvertible {
        var file: String
        var line: Int
        var rule: String
        var description: String { "\(file):\(line) \(rule)" }
    }

    static func expectations() throws -> Set<Expectation> {
        var out = Set<Expectation>()
        let content = fixture + "/Content"
        for path in try FileManager.default.subpathsOfDirectory(atPath: content).sorted() {
            guard let text = try? String(contentsOfFile: content + "/" + path, encoding: .utf8) else { continue }
            for (index, line) in text.components(separatedBy: "\n").enumerated() {
                guard let marker = line.range(of: "expect: ") else { continue }
                let rules = line[marker.upperBound...].replacingOccurrences(of: "-->", with: "")
                for rule in rules.split(separator: ",") {
                    out.insert(Expectation(file: "Content/" + path, line: index + 1, rule: rule.trimmingCharacters(in: .whitespaces)))
                }
            }
        }
        return out
    }

    @Test("one run reports every marked finding, with rule id, file and line")
    func everyRule() throws {
        let findings = Checker.check(root: Self.fixture)
        let found = Set(findings.map { Expectation(file: $0.location.file, line: $0.location.line, rule: $0.rule) })
        let expected = try Self.expectations()
        #expect(expected.count > 40)
        let missing = expected.subtracting(found)
        #expect(missing.isEmpty, "expected but not reported: \(missing.sorted { $0.description < $1.description })")
        let unexpected = found.subtracting(expected)
        #expect(unexpected.isEmpty, "reported but not marked in the fixture: \(unexpected.sorted { $0.description < $1.description })")
    }

    @Test("every rule of the check issue is exercised by the fixture")
    func coverage() throws {
        let rules = Set(try Self.expectations().map(\.rule))
        for rule in ["schema.unknown-key", "schema.vocabulary", "schema.date", "schema.type", "schema.required", "schema.id",
                     "schema.duplicate-id", "reference.provider", "reference.industry", "reference.case-industry",
                     "reference.candidate", "reference.file", "reference.attachment-offline", "credit-code.checksum",
                     "credit-code.format", "provider.same-entity", "provider.industry-count", "provider.chain-leader-industries",
                     "provider.case-count", "provider.showroom-count", "provider.chain-leader-info", "provider.chain-leader-pilots",
                     "provider.chain-leader-revenue", "case.transformation-and-assessment", "industry.quota",
                     "notice.published-before-written", "notice.deadlines-order", "notice.calendar-missing", "link.scheme", "link.broken"] {
            #expect(rules.contains(rule), "fixture does not break \(rule)")
        }
    }

    @Test("severities follow the notice's wording: 原则上 rules are warnings")
    func severities() {
        let findings = Checker.check(root: Self.fixture)
        let warnings: Set<String> = ["provider.industry-count", "provider.showroom-count", "provider.chain-leader-pilots",
                                     "provider.chain-leader-revenue", "industry.quota", "notice.calendar-missing",
                                     "reference.attachment-offline"]
        for finding in findings {
            #expect((finding.severity == .warning) == warnings.contains(finding.rule), "\(finding.rule) has severity \(finding.severity)")
        }
    }

    @Test("a wrong check character names the expected one in the hint")
    func checksumHint() throws {
        let finding = try #require(Checker.check(root: Self.fixture).first { $0.rule == "credit-code.checksum" })
        #expect(finding.hint.contains("“4”"))
        #expect(CreditCode.checkCharacter(for: "91370200MA3C0BR01") == "4")
        #expect(CreditCode.validate("91350100M000100Y43") == nil)  // a published real-world example
    }

    @Test("clashes name both files")
    func clashes() throws {
        let findings = Checker.check(root: Self.fixture)
        let sameCode = findings.filter { $0.rule == "provider.same-entity" && $0.location.file.hasSuffix("same-code.md") }
        #expect(sameCode.contains { $0.related.contains { $0.file.hasSuffix("good-integrator.md") } })
        let mixed = try #require(findings.first { $0.rule == "case.transformation-and-assessment" && $0.location.file.hasSuffix("gi-3.md") })
        #expect(mixed.related.map(\.file) == ["Content/cases/gi-1.md"])
    }

    @Test("the default content checks with no errors")
    func defaultContent() {
        let findings = Checker.check(root: repositoryRoot)
        #expect(findings.errorCount == 0, "\(findings.filter { $0.severity == .error }.map(\.compilerStyle))")
    }

    @Test("formats: github annotations escape newlines, json is parseable")
    func formats() throws {
        let findings = Checker.check(root: Self.fixture)
        let github = Checker.report(findings, format: .github)
        for line in github.split(separator: "\n") {
            #expect(line.hasPrefix("::error file=Content/") || line.hasPrefix("::warning file=Content/"), "\(line)")
            #expect(line.contains(",line=") && line.contains(",col=") && line.contains(",title="))
        }
        let json = try JSONSerialization.jsonObject(with: Data(Checker.report(findings, format: .json).utf8)) as? [String: Any]
        #expect((json?["findings"] as? [Any])?.count == findings.count)
        #expect(json?["errors"] as? Int == findings.errorCount)
    }
}
