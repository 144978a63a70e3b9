/// Where a deadline or a period stands on a given day.
public enum PeriodState: String, Sendable {
    /// 未开始.
    case upcoming
    /// 进行中.
    case open
    /// 已截止 / 已结束.
    case closed
}

/// The deadlines and periods of a notice, in the order they close, each with its state as of a day.
///
/// States are worked out at day granularity in China Standard Time: `today` starts at 00:00, so a deadline
/// later that day is still open. The page script refines them from the visitor's clock.
public struct NoticeTimeline: Sendable {
    public struct Item: Sendable {
        public enum Kind: Sendable { case deadline, period }
        public var kind: Kind
        /// The deadline's label; empty for the publicity period.
        public var label: String
        /// When it starts being open: the notice's publication for a deadline, 00:00 of day 1 for a period.
        public var opens: Moment
        /// When it closes: the deadline as written, or 24:00 of a period's last day.
        public var closes: Moment
        /// The last day on which it is open (the day before for a deadline at 00:00).
        public var lastDay: Day
        public var state: PeriodState
        /// Calendar days left when open, counting today (1 on the last day).
        public var daysLeft: Int?
        /// Working days left when open (periods only), counting today when it is a working day.
        public var workingDaysLeft: Int?
        /// A period's working days, in order (empty for a deadline).
        public var workingDays: [Day]
        /// A deadline's position in the notice's `deadlines` (0-based), which names it stably in calendars.
        public var deadlineIndex: Int?
    }

    public var items: [Item]

    /// The timeline of `notice` as of `today`, with periods counted in `calendar`'s working days.
    public init(notice: Notice, calendar: WorkingDayCalendar, today: Day) {
        var items: [Item] = []
        let published = Moment(day: notice.published, minutes: 0)
        let now = today.ordinal * 1440
        func state(opens: Moment, closes: Moment) -> PeriodState {
            now < opens.endMinuteOrdinal ? .upcoming : (now < closes.endMinuteOrdinal ? .open : .closed)
        }
        for (index, deadline) in notice.deadlines.enumerated() {
            let lastDay = Day(ordinal: Self.floorDiv(deadline.at.endMinuteOrdinal - 1, 1440))
            let state = state(opens: published, closes: deadline.at)
            items.append(Item(kind: .deadline, label: deadline.label, opens: published, closes: deadline.at, lastDay: lastDay,
                              state: state, daysLeft: state == .open ? lastDay.ordinal - today.ordinal + 1 : nil,
                              workingDaysLeft: nil, workingDays: [], deadlineIndex: index))
        }
        if let publicity = notice.publicity {
            let (first, last) = calendar.period(start: publicity.start, workingDays: publicity.workingDays)
            let opens = Moment(day: first, minutes: 0), closes = Moment(day: last, minutes: 1440)
            let days = calendar.workingDays(from: first, through: last)
            let state = state(opens: opens, closes: closes)
            items.append(Item(kind: .period, label: "", opens: opens, closes: closes, lastDay: last, state: state,
                              daysLeft: state == .open ? last.ordinal - today.ordinal + 1 : nil,
                              workingDaysLeft: state == .open ? days.filter { $0 >= today }.count : nil, workingDays: days, deadlineIndex: nil))
        }
        // Stable: deadlines closing at the same moment keep the order the notice gives them.
        self.items = items.enumerated().sorted {
            ($0.element.closes.endMinuteOrdinal, $0.offset) < ($1.element.closes.endMinuteOrdinal, $1.offset)
        }.map(\.element)
    }

    /// The publicity period's first and last day, if the notice has one.
    public var publicityPeriod: (first: Day, last: Day)? {
        guard let item = items.first(where: { $0.kind == .period }) else { return nil }
        return (item.opens.day, item.lastDay)
    }

    public var hasOpenItem: Bool { items.contains { $0.state == .open } }

    static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
}
