/// Which days are working days in China: weekends off, official holidays off, 调休 weekend days on.
///
/// Years without an official schedule fall back to the weekend rule alone; `roster check` warns about
/// periods that touch such a year (`notice.calendar-missing`), since their end may then be wrong.
public struct WorkingDayCalendar: Sendable {
    /// Days that differ from the weekend rule: true = off (holiday), false = working (调休).
    public private(set) var exceptions: [Day: Bool] = [:]
    /// Years with an official schedule loaded.
    public private(set) var coveredYears: Set<Int> = []

    public init() {}

    /// Adds one year's schedule. Its days may lie in a neighbouring year (a 调休 Sunday in late December can be
    /// published with the next year's holidays), so days are keyed by date, not by the file's year.
    public mutating func add(year: Int, days: [(Day, isOff: Bool)]) {
        coveredYears.insert(year)
        for (day, off) in days { exceptions[day] = off }
    }

    public func isWorkingDay(_ day: Day) -> Bool {
        if let off = exceptions[day] { return !off }
        return !day.isWeekend
    }

    /// The first and last day of a period of `count` working days starting on `start`
    /// (day 1 is `start` if it is a working day, else the next working day; the last day is the `count`th).
    public func period(start: Day, workingDays count: Int) -> (first: Day, last: Day) {
        var day = start
        while !isWorkingDay(day) { day = day.adding(days: 1) }
        let first = day
        var remaining = max(count, 1) - 1
        while remaining > 0 {
            day = day.adding(days: 1)
            if isWorkingDay(day) { remaining -= 1 }
        }
        return (first, day)
    }

    /// The working days from `first` through `last`, in order.
    public func workingDays(from first: Day, through last: Day) -> [Day] {
        guard first <= last else { return [] }
        return (first.ordinal...last.ordinal).map(Day.init(ordinal:)).filter(isWorkingDay)
    }

    /// Years between two days that have no official schedule loaded.
    public func uncoveredYears(from: Day, through: Day) -> [Int] {
        (from.year...max(from.year, through.year)).filter { !coveredYears.contains($0) }
    }
}
