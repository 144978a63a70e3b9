/// A notice (通知公告): a call for applications, a publicity list (公示), a result, or other news.
///
/// Immutable and shared by reference, as providers and cases are.
public final class Notice: Sendable, Identifiable {
    public let id: String
    public let title: String
    public let kind: NoticeKind
    /// 索引号.
    public let indexNo: String?
    /// 主题分类.
    public let category: String?
    /// 成文日期.
    public let written: Day?
    /// 发布日期.
    public let published: Day
    /// 发文字号.
    public let docNo: String?
    /// 发文单位.
    public let issuers: [String]
    /// 有效性.
    public let validity: String?
    /// 规范性文件登记号.
    public let regNo: String?
    /// 主送单位.
    public let addressees: String?
    public let deadlines: [Deadline]
    public let publicity: Publicity?
    public let contacts: [Contact]
    public let attachments: [Attachment]
    public let sample: Bool
    public let body: MarkdownBody
    public let source: EntrySource

    /// An entry as decoded (the loader makes them; a site's entries are shared, never copied field by field).
    init(id: String, title: String, kind: NoticeKind, indexNo: String?, category: String?, written: Day?,
         published: Day, docNo: String?, issuers: [String], validity: String?, regNo: String?, addressees: String?,
         deadlines: [Deadline], publicity: Publicity?, contacts: [Contact], attachments: [Attachment], sample: Bool,
         body: MarkdownBody, source: EntrySource) {
        self.id = id
        self.title = title
        self.kind = kind
        self.indexNo = indexNo
        self.category = category
        self.written = written
        self.published = published
        self.docNo = docNo
        self.issuers = issuers
        self.validity = validity
        self.regNo = regNo
        self.addressees = addressees
        self.deadlines = deadlines
        self.publicity = publicity
        self.contacts = contacts
        self.attachments = attachments
        self.sample = sample
        self.body = body
        self.source = source
    }

    public struct Deadline: Sendable {
        public var label: String
        public var at: Moment
        public var location: SourceLocation
    }

    /// A publicity period (公示期) of some working days, and the providers under publicity.
    public struct Publicity: Sendable {
        /// Longest publicity period accepted; real ones are 5 to 7 working days.
        public static let maxWorkingDays = 365
        public var start: Day
        public var workingDays: Int
        /// Provider ids.
        public var candidates: [String]
        public var location: SourceLocation
        public var candidatesLocation: SourceLocation
    }

    public struct Contact: Sendable {
        public var unit: String
        public var person: String?
        public var phone: String?
    }

    public struct Attachment: Sendable {
        public var title: String
        /// Path relative to `Content/`.
        public var file: String?
        public var url: String?
        public var location: SourceLocation
    }
}

/// A date with an optional time of day, where `24:00` means the end of the day as notices write it.
public struct Moment: Sendable, Comparable, Hashable {
    public var day: Day
    /// Minutes after midnight, 0...1440; nil for a date alone.
    public var minutes: Int?

    public init(day: Day, minutes: Int? = nil) {
        self.day = day
        self.minutes = minutes
    }

    /// Parses `YYYY-MM-DD` or `YYYY-MM-DD HH:MM` (24:00 allowed).
    public init?(_ text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 1 || parts.count == 2, let day = Day(iso: parts[0]) else { return nil }
        self.day = day
        if parts.count == 2 {
            let time = parts[1].split(separator: ":")
            guard time.count == 2, time[0].count == 2, time[1].count == 2,
                  let hour = Int(time[0]), let minute = Int(time[1]),
                  (0...24).contains(hour), (0...59).contains(minute), hour < 24 || minute == 0 else { return nil }
            self.minutes = hour * 60 + minute
        } else {
            self.minutes = nil
        }
    }

    /// The last instant the moment covers: a date alone lasts until the end of that day.
    public var endMinuteOrdinal: Int { day.ordinal * 1440 + (minutes ?? 1440) }

    /// `2024年1月31日 24:00`, as notices write it.
    public var chinese: String {
        guard let minutes else { return day.chinese }
        return "\(day.chinese) \(Moment.clock(minutes))"
    }

    /// `2024-01-31 24:00`, as metadata tables write it.
    public var iso: String {
        guard let minutes else { return day.iso }
        return "\(day.iso) \(Moment.clock(minutes))"
    }

    /// The HTML `datetime` value; HTML has no hour 24, so 24:00 becomes 00:00 of the next day.
    public var htmlDateTime: String {
        guard let minutes else { return day.iso }
        if minutes == 1440 { return "\(day.adding(days: 1).iso)T00:00+08:00" }
        return "\(day.iso)T\(Moment.clock(minutes))+08:00"
    }

    /// The instant the moment ends, as `2024-02-01T00:00+08:00` (a date alone ends at 24:00 of that day), for scripts.
    public var endInstant: String { Moment.instant(minuteOrdinal: endMinuteOrdinal) }

    /// A minute counted from 1970-01-01 00:00 China Standard Time, written with its +08:00 offset.
    static func instant(minuteOrdinal: Int) -> String {
        let day = Day(ordinal: NoticeTimeline.floorDiv(minuteOrdinal, 1440))
        return "\(day.iso)T\(clock(minuteOrdinal - day.ordinal * 1440))+08:00"
    }

    static func clock(_ minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return "\(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m)"
    }

    public static func < (a: Moment, b: Moment) -> Bool { a.endMinuteOrdinal < b.endMinuteOrdinal }
}
