/// Which days are working days in China: weekends off, official holidays off, 调休 weekend days on.
public struct WorkingDayCalendar: Sendable {
    /// Days that differ from the weekend rule: true = off (holiday), false = working (调休).
    public private(set) var exceptions: [Day: Bool] = [:]
    /// Years with an official schedule loaded.
    public private(set) var coveredYears: Set<Int> = []

    public init() {}

    public mutating func add(year: Int, days: [(Day, isOff: Bool)]) {
        coveredYears.insert(year)
        for (day, off) in days { exceptions[day] = off }
    }

    public func isWorkingDay(_ day: Day) -> Bool {
        if let off = exceptions[day] { return !off }
        return !day.isWeekend
    }

    /// The working days of a period of `count` working days starting on `start`
    /// (day 1 is `start` if it is a working day, else the next working day).
    public func period(start: Day, workingDays count: Int) -> (first: Day, last: Day) {
        var day = start
        while !isWorkingDay(day) { day = day.adding(days: 1) }
        let first = day
        var remaining = count - 1
        while remaining > 0 {
            day = day.adding(days: 1)
            if isWorkingDay(day) { remaining -= 1 }
        }
        return (first, day)
    }

    /// Years between two days that have no official schedule loaded.
    public func uncoveredYears(from: Day, through: Day) -> [Int] {
        (from.year...max(from.year, through.year)).filter { !coveredYears.contains($0) }
    }
}
