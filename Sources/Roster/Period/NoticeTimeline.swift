/// Where a deadline or a period stands on a given day.
public enum PeriodState: String, Sendable {
    /// 未开始.
    case upcoming
    /// 进行中.
    case open
    /// 已截止 / 已结束.
    case closed
}

/// The deadlines and periods of a notice, each with its state as of a day.
public struct NoticeTimeline: Sendable {
    public struct Item: Sendable {
        public enum Kind: Sendable { case deadline, period }
        public var kind: Kind
        public var label: String
        /// When it starts being open (the notice's publication for a deadline, day 1 for a period).
        public var opens: Moment
        /// When it closes (the deadline; the end of the last day for a period).
        public var closes: Moment
        public var state: PeriodState
        /// Calendar days left until it closes, counting today, when open.
        public var daysLeft: Int?
        /// Working days left (periods only), counting today when it is a working day.
        public var workingDaysLeft: Int?
    }

    public var items: [Item]

    /// The timeline of `notice` as of `today`, with periods counted in `calendar`'s working days.
    public init(notice: Notice, calendar: WorkingDayCalendar, today: Day) {
        var items: [Item] = []
        let published = Moment(day: notice.published, minutes: 0)
        let nowMinute = today.ordinal * 1440
        for deadline in notice.deadlines {
            let state: PeriodState
            if nowMinute < published.day.ordinal * 1440 {
                state = .upcoming
            } else if nowMinute < deadline.at.endMinuteOrdinal {
                state = .open
            } else {
                state = .closed
            }
            items.append(Item(kind: .deadline, label: deadline.label, opens: published, closes: deadline.at, state: state,
                              daysLeft: state == .open ? deadline.at.day.ordinal - today.ordinal + 1 : nil, workingDaysLeft: nil))
        }
        if let publicity = notice.publicity {
            let (first, last) = calendar.period(start: publicity.start, workingDays: publicity.workingDays)
            let state: PeriodState = today < first ? .upcoming : (today <= last ? .open : .closed)
            var workingLeft: Int?
            if state == .open {
                var count = 0
                var day = today
                while day <= last {
                    if calendar.isWorkingDay(day) { count += 1 }
                    day = day.adding(days: 1)
                }
                workingLeft = count
            }
            items.append(Item(kind: .period, label: "", opens: Moment(day: first, minutes: 0),
                              closes: Moment(day: last, minutes: 1440), state: state,
                              daysLeft: state == .open ? last.ordinal - today.ordinal + 1 : nil, workingDaysLeft: workingLeft))
        }
        self.items = items
    }

    /// The publicity period's first and last day, if the notice has one.
    public var publicityPeriod: (first: Day, last: Day)? {
        guard let item = items.first(where: { $0.kind == .period }) else { return nil }
        return (item.opens.day, item.closes.day)
    }

    public var hasOpenItem: Bool { items.contains { $0.state == .open } }
}
