/// Writes iCalendar (RFC 5545) text: CRLF content lines folded at 75 octets, TEXT values escaped.
///
/// Only what notices need: one VCALENDAR, the Asia/Shanghai VTIMEZONE, VEVENTs and VALARMs.
struct ICalendarWriter {
    private(set) var bytes: [UInt8] = []

    /// The one time zone notices use. China has had no daylight saving time since 1991, so one STANDARD rule
    /// covers every date a notice can carry.
    static let shanghai = "Asia/Shanghai"

    mutating func begin(_ component: String) { line("BEGIN:" + component) }
    mutating func end(_ component: String) { line("END:" + component) }

    /// A property whose value is written as given (dates, URIs, enumerations): `NAME;PARAM=x:value`.
    mutating func property(_ name: String, _ parameters: String, _ value: String) {
        line(name + (parameters.isEmpty ? "" : ";" + parameters) + ":" + value)
    }

    mutating func property(_ name: String, _ value: String) { property(name, "", value) }

    /// A TEXT property, escaped.
    mutating func text(_ name: String, _ value: String) {
        property(name, ICalendarWriter.escape(value))
    }

    mutating func timeZone() {
        begin("VTIMEZONE")
        property("TZID", Self.shanghai)
        begin("STANDARD")
        property("DTSTART", "19700101T000000")
        property("TZOFFSETFROM", "+0800")
        property("TZOFFSETTO", "+0800")
        property("TZNAME", "CST")
        end("STANDARD")
        end("VTIMEZONE")
    }

    /// Appends one content line, folded so that no physical line exceeds 75 octets, never inside a UTF-8 sequence.
    mutating func line(_ content: String) {
        var width = 0
        for scalar in content.unicodeScalars {
            let encoded = Array(String(scalar).utf8)
            if width + encoded.count > 75 {
                bytes += [0x0D, 0x0A, 0x20]
                width = 1
            }
            bytes += encoded
            width += encoded.count
        }
        bytes += [0x0D, 0x0A]
    }

    /// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks; other control characters,
    /// which TEXT may not carry, are dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\r": out += "\\n"
            case "\n": if !previousWasCR { out += "\\n" }
            case "\t": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `20240131`.
    static func date(_ day: Day) -> String { day.iso.replacingOccurrences(of: "-", with: "") }

    /// A minute in China Standard Time as local time for `TZID=Asia/Shanghai`: `20240201T000000`.
    static func local(minuteOrdinal: Int) -> String {
        let day = Day(ordinal: NoticeTimeline.floorDiv(minuteOrdinal, 1440))
        return date(day) + "T" + Moment.clock(minuteOrdinal - day.ordinal * 1440).replacingOccurrences(of: ":", with: "") + "00"
    }

    /// A minute in China Standard Time as UTC, as DTSTAMP requires: `20240108T160000Z`.
    static func utc(minuteOrdinal: Int) -> String { local(minuteOrdinal: minuteOrdinal - 8 * 60) + "Z" }
}
