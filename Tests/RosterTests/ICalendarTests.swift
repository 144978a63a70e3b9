import Foundation
import Testing
@testable import Roster

/// A strict reading of RFC 5545's syntax, independent of the writer: CRLF lines of at most 75 octets, each valid
/// UTF-8 on its own (so no character was split by folding), unfolded into properties and nested components.
struct ICalendarDocument {
    struct Property {
        var name: String
        var parameters: [String: String]
        var value: String
    }

    final class Component {
        let name: String
        var properties: [Property] = []
        var components: [Component] = []
        init(name: String) { self.name = name }
        func values(_ name: String) -> [String] { properties.filter { $0.name == name }.map(\.value) }
        func value(_ name: String) -> String? { values(name).first }
        func property(_ name: String) -> Property? { properties.first { $0.name == name } }
        func all(_ name: String) -> [Component] { components.filter { $0.name == name } }
    }

    var calendar: Component
    var problems: [String] = []

    init(bytes: [UInt8]) {
        var problems: [String] = []
        var physical: [[UInt8]] = []
        var current: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A {
                physical.append(current)
                current = []
                i += 2
                continue
            }
            if bytes[i] == 0x0A || bytes[i] == 0x0D { problems.append("bare CR or LF after line \(physical.count)") }
            current.append(bytes[i])
            i += 1
        }
        if !current.isEmpty { problems.append("the last line does not end with CRLF") }
        var logical: [String] = []
        for (n, line) in physical.enumerated() {
            if line.count > 75 { problems.append("line \(n + 1) is \(line.count) octets") }
            guard let text = String(validating: line, as: UTF8.self) else {
                problems.append("line \(n + 1) is not valid UTF-8 on its own (a character was split)")
                continue
            }
            if text.hasPrefix(" ") || text.hasPrefix("\t") {
                if logical.isEmpty { problems.append("continuation without a line") } else { logical[logical.count - 1] += text.dropFirst() }
            } else {
                logical.append(text)
            }
        }
        let root = Component(name: "")
        var stack = [root]
        for line in logical {
            guard let property = Self.parseLine(line) else {
                problems.append("not a content line: \(line)")
                continue
            }
            if property.name == "BEGIN" {
                let component = Component(name: property.value)
                stack.last!.components.append(component)
                stack.append(component)
            } else if property.name == "END" {
                if stack.count < 2 || stack.last!.name != property.value {
                    problems.append("END:\(property.value) does not close \(stack.last!.name)")
                } else {
                    stack.removeLast()
                }
            } else {
                stack.last!.properties.append(property)
            }
        }
        if stack.count != 1 { problems.append("unclosed \(stack.last!.name)") }
        if root.components.count != 1 || root.components.first?.name != "VCALENDAR" { problems.append("not one VCALENDAR") }
        calendar = root.components.first ?? root
        self.problems = problems
    }

    /// `NAME;PARAM=value;PARAM="quoted":value`.
    static func parseLine(_ line: String) -> Property? {
        var name = "", parameters: [String: String] = [:]
        var index = line.startIndex
        while index < line.endIndex, line[index] != ";" && line[index] != ":" { name.append(line[index]); index = line.index(after: index) }
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return nil }
        while index < line.endIndex, line[index] == ";" {
            index = line.index(after: index)
            var key = "", value = ""
            while index < line.endIndex, line[index] != "=" { key.append(line[index]); index = line.index(after: index) }
            guard index < line.endIndex else { return nil }
            index = line.index(after: index)
            var quoted = false
            while index < line.endIndex {
                let ch = line[index]
                if ch == "\"" { quoted.toggle() } else if !quoted && (ch == ";" || ch == ":") { break } else { value.append(ch) }
                index = line.index(after: index)
            }
            parameters[key] = value
        }
        guard index < line.endIndex, line[index] == ":" else { return nil }
        return Property(name: name, parameters: parameters, value: String(line[line.index(after: index)...]))
    }

    /// Undoes TEXT escaping; nil if a backslash escapes anything RFC 5545 does not allow.
    static func unescape(_ text: String) -> String? {
        var out = "", escaped = false
        for ch in text {
            if escaped {
                switch ch {
                case "\\", ";", ",": out.append(ch)
                case "n", "N": out.append("\n")
                default: return nil
                }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else {
                if ch == ";" || ch == "," { return nil }
                out.append(ch)
            }
        }
        return escaped ? nil : out
    }
}

@Suite("iCalendar writing")
struct ICalendarWriterTests {
    @Test("TEXT escaping: backslash, semicolon, comma and every kind of line break; control characters dropped")
    func escaping() {
        #expect(ICalendarWriter.escape(#"a\b;c,d"#) == #"a\\b\;c\,d"#)
        #expect(ICalendarWriter.escape("一\r\n二\n三\r四") == #"一\n二\n三\n四"#)
        #expect(ICalendarWriter.escape("x\u{0007}y\tz") == "xy\tz")
        #expect(ICalendarDocument.unescape(ICalendarWriter.escape("路径 C:\\a; 甲,乙\n丙")) == "路径 C:\\a; 甲,乙\n丙")
    }

    @Test("folding keeps lines at 75 octets, CRLF-ended, and never splits a character", arguments: [
        String(repeating: "公", count: 80), String(repeating: "a", count: 200), "ab" + String(repeating: "示😀", count: 40),
        String(repeating: "x", count: 74) + "公示", String(repeating: "x", count: 75),
    ])
    func folding(text: String) throws {
        var writer = ICalendarWriter()
        writer.begin("VCALENDAR")
        writer.text("SUMMARY", text)
        writer.end("VCALENDAR")
        let document = ICalendarDocument(bytes: writer.bytes)
        #expect(document.problems.isEmpty, "\(document.problems)")
        #expect(document.calendar.value("SUMMARY") == text)
        let lines = String(decoding: writer.bytes, as: UTF8.self).components(separatedBy: "\r\n").dropLast()
        // Folding fills each line: only the last physical line of a property may be shorter than 72 octets.
        let summary = lines.dropFirst().dropLast()
        #expect(summary.dropLast().allSatisfy { $0.utf8.count > 71 })
    }

    @Test("times are written in China Standard Time with TZID, and DTSTAMP in UTC")
    func times() {
        let midnight = Day(iso: "2024-02-01")!.ordinal * 1440
        #expect(ICalendarWriter.local(minuteOrdinal: midnight) == "20240201T000000")
        #expect(ICalendarWriter.utc(minuteOrdinal: midnight) == "20240131T160000Z")
        #expect(ICalendarWriter.local(minuteOrdinal: midnight + 17 * 60 + 30) == "20240201T173000")
        #expect(ICalendarWriter.date(Day(iso: "2024-02-07")!) == "20240207")
    }
}

@Suite("Notice calendars")
struct NoticeCalendarTests {
    var site: TestSite { NoticeFixture.site }

    func document(_ path: String) throws -> ICalendarDocument {
        let bytes = try #require(FileManager.default.contents(atPath: site.root + "/Site/" + path))
        let document = ICalendarDocument(bytes: [UInt8](bytes))
        #expect(document.problems.isEmpty, "\(path): \(document.problems)")
        return document
    }

    @Test("every calendar is structurally valid RFC 5545 with unique, stable UIDs and content-derived DTSTAMPs")
    func structure() throws {
        for path in ["notices/call-2024/calendar.ics", "notices/publicity-2024/calendar.ics", "notices/deadlines.ics"] {
            let calendar = try document(path).calendar
            #expect(calendar.value("VERSION") == "2.0")
            #expect(calendar.value("PRODID") != nil)
            #expect(calendar.all("VTIMEZONE").first?.value("TZID") == "Asia/Shanghai")
            let events = calendar.all("VEVENT")
            #expect(!events.isEmpty)
            #expect(Set(events.compactMap { $0.value("UID") }).count == events.count, "\(path): UIDs must be unique")
            for event in events {
                for required in ["UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"] {
                    #expect(event.values(required).count == 1, "\(path): \(required)")
                }
                #expect(event.value("DTSTAMP")?.hasSuffix("Z") == true)
                for name in ["SUMMARY", "DESCRIPTION"] {
                    #expect(event.value(name).map { ICalendarDocument.unescape($0) != nil } ?? true, "\(path): \(name) badly escaped")
                }
                let alarm = try #require(event.all("VALARM").first)
                #expect(alarm.value("ACTION") == "DISPLAY" && alarm.value("TRIGGER") != nil && alarm.value("DESCRIPTION") != nil)
            }
        }
    }

    @Test("a 24:00 deadline ends at 00:00 the next day in Asia/Shanghai; a date alone is an all-day event")
    func deadlines() throws {
        let events = try document("notices/call-2024/calendar.ics").calendar.all("VEVENT")
        #expect(events.count == 2)
        let first = events[0], second = events[1]
        #expect(first.value("UID") == "call-2024.deadline-1@example.gov.cn")
        #expect(first.property("DTSTART")?.parameters["TZID"] == "Asia/Shanghai")
        #expect(first.value("DTSTART") == "20240131T000000")
        #expect(first.value("DTEND") == "20240201T000000")
        #expect(first.value("DTSTAMP") == "20240108T160000Z")
        #expect(ICalendarDocument.unescape(first.value("SUMMARY") ?? "") == "线上申报截止（测发〔2024〕1号）")
        #expect(second.property("DTSTART")?.parameters["VALUE"] == "DATE")
        #expect(second.value("DTSTART") == "20240208" && second.value("DTEND") == "20240209")
        #expect(second.value("SUMMARY") == #"材料报送截止（纸质版一式两份\, 加盖公章\; 逾期不收）（测发〔2024〕1号）"#)
        #expect(ICalendarDocument.unescape(second.value("DESCRIPTION") ?? "")?.contains("\nhttps://example.gov.cn/dx/notices/call-2024/") == true)
    }

    @Test("the open-deadlines calendar holds what is not over as of the build, soonest first")
    func openDeadlines() throws {
        let events = try document("notices/deadlines.ics").calendar.all("VEVENT")
        #expect(events.compactMap { $0.value("UID") } == ["call-2024.deadline-2@example.gov.cn", "publicity-2024.publicity@example.gov.cn"])
        let period = events[1]
        #expect(period.value("DTSTART") == "20240207" && period.value("DTEND") == "20240220")
        #expect(period.all("VALARM").first?.property("TRIGGER")?.parameters["RELATED"] == "END")
        let description = try #require(ICalendarDocument.unescape(period.value("DESCRIPTION") ?? ""))
        #expect(description.contains("李明 0532-55559001"))
    }

    @Test("the same content and date give the same bytes")
    func deterministic() throws {
        let again = try TestSite(copying: [])
        for folder in ["Content", "Themes"] {
            try FileManager.default.copyItem(atPath: site.root + "/" + folder, toPath: again.root + "/" + folder)
        }
        #expect(again.build(now: "2024-02-07").published)
        for path in ["notices/call-2024/calendar.ics", "notices/deadlines.ics", "notices/feed.xml"] {
            #expect(again.read("Site/" + path) == site.read("Site/" + path), "\(path)")
        }
    }

    /// Python's `icalendar` package, if installed (scripts/install.sh installs it).
    static let python: String? = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import icalendar"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? "python3" : nil
    }()

    @Test("Python's icalendar parser reads every calendar and finds the same events",
          .enabled(if: python != nil, "skipped: python3 with the icalendar package is not installed (pip install icalendar, or run scripts/install.sh)"))
    func pythonParser() throws {
        let script = """
            import json, sys, icalendar
            out = []
            for path in sys.argv[1:]:
                with open(path, 'rb') as f:
                    cal = icalendar.Calendar.from_ical(f.read())
                for ev in cal.walk('VEVENT'):
                    out.append({'file': path.split('/Site/')[1], 'uid': str(ev['UID']), 'summary': str(ev['SUMMARY']),
                                'start': ev.decoded('DTSTART').isoformat(), 'end': ev.decoded('DTEND').isoformat(),
                                'alarms': len(ev.walk('VALARM'))})
            print(json.dumps(out, ensure_ascii=False))
            """
        let paths = ["notices/call-2024/calendar.ics", "notices/publicity-2024/calendar.ics", "notices/deadlines.ics"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + paths.map { site.root + "/Site/" + $0 }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "icalendar failed: \(errorText)")
        let events = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(events.count == 5)
        let deadline = try #require(events.first { $0["uid"] as? String == "call-2024.deadline-1@example.gov.cn" })
        #expect(deadline["start"] as? String == "2024-01-31T00:00:00+08:00")
        #expect(deadline["end"] as? String == "2024-02-01T00:00:00+08:00")
        let dated = try #require(events.first { $0["uid"] as? String == "call-2024.deadline-2@example.gov.cn" })
        #expect(dated["summary"] as? String == "材料报送截止（纸质版一式两份, 加盖公章; 逾期不收）（测发〔2024〕1号）")
        #expect(dated["start"] as? String == "2024-02-08" && dated["end"] as? String == "2024-02-09")
        let period = try #require(events.first { $0["uid"] as? String == "publicity-2024.publicity@example.gov.cn" })
        #expect(period["start"] as? String == "2024-02-07" && period["end"] as? String == "2024-02-20")
        #expect(events.allSatisfy { $0["alarms"] as? Int == 1 })
    }
}
