import Foundation
import Testing
@testable import Roster

/// The working-day calendar, loaded the way a build loads it: from the repository's `Content/calendar/*.json`.
@Suite("Working days and periods")
struct WorkingDayCalendarTests {
    static let calendar: WorkingDayCalendar = {
        let site = try! TestSite()
        for name in try! FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/Content/calendar") {
            try! site.write("Content/calendar/" + name, Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Content/calendar/" + name)))
        }
        let loaded = site.load()
        precondition(loaded.findings.isEmpty, "\(loaded.findings)")
        return loaded.site!.calendar
    }()

    var calendar: WorkingDayCalendar { Self.calendar }

    func period(_ start: String, _ days: Int) -> String {
        let (first, last) = calendar.period(start: Day(iso: start)!, workingDays: days)
        return "\(first.iso)..\(last.iso)"
    }

    @Test("the issue's three checks: Spring Festival 2024, National Day 2024, an ordinary week in 2023")
    func issueChecks() {
        // 2024-02-10..17 off, Sunday 2024-02-18 a working day.
        #expect(period("2024-02-07", 5) == "2024-02-07..2024-02-19")
        // Sunday 2024-09-29 a working day, 2024-10-01..07 off.
        #expect(period("2024-09-27", 5) == "2024-09-27..2024-10-09")
        #expect(period("2023-11-03", 5) == "2023-11-03..2023-11-09")
    }

    @Test("a period starting on a holiday begins on the next working day")
    func startsOnHoliday() {
        // 2024-10-01 is National Day; day 1 is Tuesday 2024-10-08 and Saturday 2024-10-12 is a 调休 working day.
        #expect(period("2024-10-01", 5) == "2024-10-08..2024-10-12")
        // 2024-02-10 (Spring Festival) → day 1 is the adjusted Sunday 2024-02-18.
        #expect(period("2024-02-10", 1) == "2024-02-18..2024-02-18")
        // An ordinary Saturday moves to Monday.
        #expect(period("2024-03-02", 1) == "2024-03-04..2024-03-04")
    }

    @Test("a period starting on an adjusted (调休) Sunday counts that Sunday as day 1")
    func startsOnAdjustedSunday() {
        #expect(Day(iso: "2024-02-04")!.weekday == 7)
        #expect(calendar.isWorkingDay(Day(iso: "2024-02-04")!))
        #expect(period("2024-02-04", 1) == "2024-02-04..2024-02-04")
        // 2024-02-09 (除夕) is an ordinary working day in the State Council schedule; then eight days off.
        #expect(period("2024-02-04", 6) == "2024-02-04..2024-02-09")
        #expect(period("2024-02-04", 7) == "2024-02-04..2024-02-18")
    }

    @Test("periods crossing a year boundary use both years' schedules")
    func yearBoundaries() {
        // 2024-01-01 off (元旦).
        #expect(period("2023-12-29", 3) == "2023-12-29..2024-01-03")
        // 2025-01-01 off.
        #expect(period("2024-12-27", 5) == "2024-12-27..2025-01-03")
        // 2025 Spring Festival: Sunday 2025-01-26 works, 2025-01-28..02-04 off.
        #expect(period("2025-01-24", 3) == "2025-01-24..2025-01-27")
        #expect(period("2025-01-24", 4) == "2025-01-24..2025-02-05")
        #expect(calendar.uncoveredYears(from: Day(iso: "2024-12-27")!, through: Day(iso: "2025-01-03")!).isEmpty)
    }

    @Test("a December date published in the next year's file counts (2018-12-29 is in 2019.json)")
    func decemberInNextYearsFile() {
        // Saturday 2018-12-29 was a working day; 2018-12-30 to 2019-01-01 were off.
        #expect(calendar.isWorkingDay(Day(iso: "2018-12-29")!))
        #expect(!calendar.isWorkingDay(Day(iso: "2018-12-31")!))
        #expect(period("2018-12-28", 3) == "2018-12-28..2019-01-02")
        // The rest of 2018 has no schedule, so 2018 still counts as missing.
        #expect(calendar.uncoveredYears(from: Day(iso: "2018-12-28")!, through: Day(iso: "2019-01-02")!) == [2018])
    }

    @Test("a year with no calendar file is counted from weekends alone")
    func missingYear() {
        #expect(!calendar.coveredYears.contains(2027))
        // 2027-01-01 is a Friday: without a schedule it counts as a working day.
        #expect(period("2026-12-30", 5) == "2026-12-30..2027-01-05")
        #expect(period("2027-02-05", 5) == "2027-02-05..2027-02-11")
        #expect(calendar.uncoveredYears(from: Day(iso: "2026-12-30")!, through: Day(iso: "2027-01-05")!) == [2027])
        let empty = WorkingDayCalendar()
        #expect(empty.period(start: Day(iso: "2024-02-07")!, workingDays: 5) == (Day(iso: "2024-02-07")!, Day(iso: "2024-02-13")!))
    }

    @Test("every start day of 2024, for 1 to 15 working days, agrees with an independent count")
    func crossCheck2024() throws {
        // Independent of the loader and of Day: the JSON read with JSONSerialization, weekdays from Foundation's
        // Gregorian calendar, and the period found by indexing a list of all working days.
        var offDays: [String: Bool] = [:]
        for year in 2024...2025 {
            let data = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Content/calendar/\(year).json"))
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            for day in try #require(json["days"] as? [[String: Any]]) {
                offDays[try #require(day["date"] as? String)] = try #require(day["isOffDay"] as? Bool)
            }
        }
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = TimeZone(identifier: "UTC")!
        let formatter = DateFormatter()
        formatter.calendar = gregorian
        formatter.timeZone = gregorian.timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        let startOf2024 = try #require(formatter.date(from: "2024-01-01"))
        var days: [(iso: String, working: Bool)] = []
        for offset in 0..<(366 + 120) {
            let date = gregorian.date(byAdding: .day, value: offset, to: startOf2024)!
            let iso = formatter.string(from: date)
            let weekend = [1, 7].contains(gregorian.component(.weekday, from: date))
            days.append((iso, offDays[iso].map { !$0 } ?? !weekend))
        }
        let workingIndices = days.indices.filter { days[$0].working }
        var mismatches: [String] = []
        for start in 0..<366 {
            let firstWorking = try #require(workingIndices.firstIndex { $0 >= start })
            for count in 1...15 {
                let expected = "\(days[workingIndices[firstWorking]].iso)..\(days[workingIndices[firstWorking + count - 1]].iso)"
                let actual = period(days[start].iso, count)
                if actual != expected { mismatches.append("\(days[start].iso) +\(count): \(actual), expected \(expected)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        // The count itself: 2024 has 251 working days in the State Council schedule.
        #expect(days.prefix(366).filter(\.working).count == 251)
    }
}

@Suite("Timeline states")
struct NoticeTimelineTests {
    /// A notice loaded from front matter, as editors write it.
    func notice(deadlines: [(String, String)], publicity: (String, Int)? = nil, published: String = "2024-01-09") throws -> Notice {
        var front = "title: 通知\nkind: call\npublished: \(published)\n"
        if !deadlines.isEmpty {
            front += "deadlines:\n" + deadlines.map { "  - {label: \($0.0), at: \"\($0.1)\"}\n" }.joined()
        }
        if let publicity { front += "publicity: {start: \(publicity.0), working_days: \(publicity.1)}\n" }
        let site = try TestSite(["Content/notices/n.md": "---\n\(front)---\n正文\n"])
        let loaded = site.load()
        #expect(loaded.findings.isEmpty, "\(loaded.findings)")
        return try #require(loaded.site?.notices.first)
    }

    func states(_ notice: Notice, on day: String) -> [String] {
        NoticeTimeline(notice: notice, calendar: WorkingDayCalendarTests.calendar, today: Day(iso: day)!).items.map { item in
            var text = item.state.rawValue
            if let left = item.workingDaysLeft { text += " \(left)wd" } else if let left = item.daysLeft { text += " \(left)d" }
            return text
        }
    }

    @Test("a 24:00 deadline is open all of its day and closed the next; days left count today")
    func deadline2400() throws {
        let n = try notice(deadlines: [("申报", "2024-01-31 24:00")])
        #expect(states(n, on: "2024-01-08") == ["upcoming"])
        #expect(states(n, on: "2024-01-09") == ["open 23d"])
        #expect(states(n, on: "2024-01-31") == ["open 1d"])
        #expect(states(n, on: "2024-02-01") == ["closed"])
        #expect(n.deadlines[0].at.htmlDateTime == "2024-02-01T00:00+08:00")
        #expect(n.deadlines[0].at.endInstant == "2024-02-01T00:00+08:00")
        #expect(n.deadlines[0].at.chinese == "2024年1月31日 24:00")
    }

    @Test("a deadline at 00:00 has the day before as its last day; a date alone lasts until its end")
    func otherDeadlines() throws {
        let n = try notice(deadlines: [("零点", "2024-02-01 00:00"), ("日期", "2024-02-08"), ("下午", "2024-02-08 17:00")])
        #expect(states(n, on: "2024-01-31") == ["open 1d", "open 9d", "open 9d"])
        #expect(states(n, on: "2024-02-01") == ["closed", "open 8d", "open 8d"])
        #expect(states(n, on: "2024-02-08") == ["closed", "open 1d", "open 1d"])
        #expect(Moment("2024-02-08")!.endInstant == "2024-02-09T00:00+08:00")
    }

    @Test("the publicity period shows working days left, and items come in the order they close")
    func publicity() throws {
        let n = try notice(deadlines: [("报送", "2024-02-20")], publicity: ("2024-02-07", 5), published: "2024-02-06")
        #expect(states(n, on: "2024-02-06") == ["upcoming", "open 15d"])
        #expect(states(n, on: "2024-02-07") == ["open 5wd", "open 14d"])
        // Spring Festival: the 10th is off; the 18th and 19th are left.
        #expect(states(n, on: "2024-02-10") == ["open 2wd", "open 11d"])
        #expect(states(n, on: "2024-02-19") == ["open 1wd", "open 2d"])
        #expect(states(n, on: "2024-02-20") == ["closed", "open 1d"])
        let timeline = NoticeTimeline(notice: n, calendar: WorkingDayCalendarTests.calendar, today: Day(iso: "2024-02-10")!)
        #expect(timeline.items[0].workingDays.map(\.iso) == ["2024-02-07", "2024-02-08", "2024-02-09", "2024-02-18", "2024-02-19"])
        #expect(timeline.publicityPeriod.map { "\($0.first.iso)..\($0.last.iso)" } == "2024-02-07..2024-02-19")
    }
}
