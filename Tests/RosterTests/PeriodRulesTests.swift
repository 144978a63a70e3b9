import Foundation
import Testing
@testable import Roster

@Suite("Notice date rules")
struct PeriodRulesTests {
    func findings(_ notice: String, calendars: [Int] = [2024]) throws -> [Finding] {
        let site = try TestSite(["Content/notices/n.md": notice])
        for year in calendars {
            try site.write("Content/calendar/\(year).json",
                           Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Content/calendar/\(year).json")))
        }
        let loaded = site.load()
        #expect(loaded.findings.isEmpty, "\(loaded.findings)")
        return Rules.check(try #require(loaded.site)).filter { $0.rule.hasPrefix("notice.") }
    }

    @Test("published before written is an error at the published line")
    func publishedBeforeWritten() throws {
        let found = try findings("---\ntitle: 通知\nkind: call\nwritten: 2024-03-01\npublished: 2024-02-01\n---\n正文\n")
        #expect(found.map(\.rule) == ["notice.published-before-written"])
        #expect(found.first?.severity == .error)
        #expect(found.first?.location == SourceLocation(file: "Content/notices/n.md", line: 5, column: 1))
        #expect(found.first?.related == [SourceLocation(file: "Content/notices/n.md", line: 4, column: 1)])
        #expect(try self.findings("---\ntitle: 通知\nkind: call\nwritten: 2024-03-01\npublished: 2024-03-01\n---\n正文\n").isEmpty)
    }

    @Test("a deadline earlier than the one before it is an error at that deadline")
    func deadlinesOrder() throws {
        let found = try findings("""
            ---
            title: 通知
            kind: call
            published: 2024-01-09
            deadlines:
              - {label: 申报截止, at: "2024-01-31 24:00"}
              - {label: 报送截止, at: "2024-01-31"}
              - {label: 初审截止, at: "2024-01-30"}
              - {label: 评审, at: "2024-02-20 09:00"}
            ---
            正文
            """)
        // 2024-01-31 and 2024-01-31 24:00 are the same moment, so only the third one is out of order.
        #expect(found.map(\.rule) == ["notice.deadlines-order"])
        #expect(found.first?.location.line == 8)
        #expect(found.first?.severity == .error)
        #expect(found.first?.message.contains("报送截止") == true)
    }

    @Test("a publicity period touching a year without a calendar file warns at `publicity`, naming the year")
    func calendarMissing() throws {
        let notice = { (start: String) in
            "---\ntitle: 公示\nkind: publicity\npublished: 2024-02-06\npublicity:\n  start: \(start)\n  working_days: 5\n---\n正文\n"
        }
        #expect(try findings(notice("2024-02-07")).isEmpty)
        let found = try findings(notice("2024-12-27"))
        #expect(found.map(\.rule) == ["notice.calendar-missing"])
        #expect(found.first?.severity == .warning)
        #expect(found.first?.location == SourceLocation(file: "Content/notices/n.md", line: 5, column: 1))
        #expect(found.first?.message.contains("2025") == true)
        #expect(found.first?.hint.contains("Content/calendar/2025.json") == true)
        #expect(try findings(notice("2024-12-27"), calendars: [2024, 2025]).isEmpty)
    }

    @Test("the default content passes every notice rule")
    func defaultContent() throws {
        let site = try TestSite(copying: ["Content"])
        let loaded = try #require(site.load().site)
        #expect(Rules.check(loaded).filter { $0.rule.hasPrefix("notice.") }.isEmpty)
    }
}
