import Foundation
import Testing
@testable import Roster

/// The default site (the repository's Content/ and theme) built as of three days: before the application deadline,
/// during the Spring Festival publicity period, and after everything has closed.
@Suite("The default site's deadlines and periods on three days")
struct NoticeDatesTests {
    struct Row: Equatable, CustomStringConvertible {
        var label: String
        var dates: String
        var state: String
        var description: String { "\(label) | \(dates) | \(state)" }
    }

    /// The timeline rows of a page region, as text: label, dates and state.
    static func rows(_ html: some StringProtocol) -> [Row] {
        func text(_ s: Substring) -> String {
            s.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
        }
        return html.components(separatedBy: "<li class=\"timeline-item").dropFirst().map { item in
            func part(_ cls: String) -> String {
                guard let start = item.range(of: "<span class=\"\(cls)\"") else { return "" }
                let rest = item[start.upperBound...].drop { $0 != ">" }.dropFirst()
                return text(rest[..<(rest.range(of: "</span>")?.lowerBound ?? rest.endIndex)])
            }
            return Row(label: part("timeline-label"), dates: part("timeline-date"), state: {
                guard let start = item.range(of: "data-state>") else { return "" }
                let rest = item[start.upperBound...]
                return String(rest[..<(rest.range(of: "</span>")?.lowerBound ?? rest.endIndex)])
            }())
        }
    }

    /// The "running now" section of a page, or nil when the page has none.
    static func openSection(_ html: String) -> String? {
        guard html.contains("class=\"open-notices\"") else { return nil }
        return html.components(separatedBy: "class=\"open-notices\"").last?.components(separatedBy: "</section>").first
    }

    struct Expected: Sendable, CustomTestStringConvertible {
        var now: String
        var real: [String]
        var publicity: String
        /// Labels of the rows shown as running on the home page and the notices list.
        var running: [String]
        var calendarEvents: [String]
        var testDescription: String { "--now \(now)" }
    }

    static let apply = "服务商在“青岛政策通平台”线上申报截止", report = "区市初审推荐材料报送截止", period = "公示期（5个工作日）"

    @Test("real notice deadlines, sample publicity period, running lists and the open-deadlines calendar", arguments: [
        Expected(now: "2024-01-20", real: ["进行中，还剩12天", "进行中，还剩20天"], publicity: "未开始",
                 running: [apply, report],
                 calendarEvents: ["qingdao-2024-1.deadline-1", "qingdao-2024-1.deadline-2", "publicity-2024-first-batch.publicity"]),
        // 2024-02-10 is a Spring Festival holiday: of the five working days, 2024-02-18 (an adjusted Sunday) and -19 remain.
        Expected(now: "2024-02-10", real: ["已截止", "已截止"], publicity: "进行中，还剩2个工作日",
                 running: [period], calendarEvents: ["publicity-2024-first-batch.publicity"]),
        Expected(now: "2024-06-01", real: ["已截止", "已截止"], publicity: "已结束", running: [], calendarEvents: []),
    ])
    func onDay(_ expected: Expected) throws {
        let site = try TestSite(copying: ["Content", "Themes"])
        let report = site.build(now: expected.now)
        #expect(report.published, "\(report.findings.filter { $0.severity == .error })")

        let real = try #require(site.read("Site/notices/qingdao-2024-1/index.html"))
        #expect(Self.rows(real) == [Row(label: Self.apply, dates: "2024年1月31日 24:00", state: expected.real[0]),
                                    Row(label: Self.report, dates: "2024年2月8日", state: expected.real[1])])
        #expect(real.contains(#"<time datetime="2024-02-01T00:00+08:00">2024年1月31日 24:00</time>"#))
        #expect(real.contains(#"<time datetime="2024-02-08">2024年2月8日</time>"#))

        let publicity = try #require(site.read("Site/notices/publicity-2024-first-batch/index.html"))
        #expect(Self.rows(publicity) == [Row(label: Self.period, dates: "2024年2月7日至2024年2月19日", state: expected.publicity)])
        #expect(publicity.contains(#"公示期：</strong><time datetime="2024-02-07">2024年2月7日</time>至<time datetime="2024-02-19">2024年2月19日</time>（5个工作日）"#))
        #expect(publicity.contains("共17家服务商"))

        for page in ["Site/index.html", "Site/notices/index.html"] {
            let html = try #require(site.read(page))
            let open = Self.openSection(html)
            #expect((open.map { Self.rows($0).map(\.label) } ?? []) == expected.running, "\(page)")
            for row in open.map(Self.rows) ?? [] {
                #expect(row.state.hasPrefix("进行中"), "\(page): \(row)")
                #expect(row.dates.contains("2024年"), "\(page): \(row)")
            }
        }

        let calendar = try #require(FileManager.default.contents(atPath: site.root + "/Site/notices/deadlines.ics"))
        let events = ICalendarDocument(bytes: [UInt8](calendar)).calendar.all("VEVENT")
        #expect(events.compactMap { $0.value("UID")?.components(separatedBy: "@").first } == expected.calendarEvents)
    }
}
