/// Rule 11: a notice's dates make sense — published not before written, deadlines in order — and its publicity
/// period can be counted in official working days.
enum PeriodRules {
    static func check(_ site: Site, into findings: inout FindingList) {
        for notice in site.notices {
            if let written = notice.written, notice.published < written {
                findings.error("notice.published-before-written", at: notice.source.location(of: "published"),
                               "发布日期 \(notice.published.iso) 早于成文日期 \(written.iso)",
                               hint: "通知不能在成文之前发布；核对 written 和 published 是否写反或写错",
                               related: [notice.source.location(of: "written")])
            }
            for (previous, deadline) in zip(notice.deadlines, notice.deadlines.dropFirst()) where deadline.at < previous.at {
                findings.error("notice.deadlines-order", at: deadline.location,
                               "截止时间 “\(deadline.label)”（\(deadline.at.iso)）早于上一项 “\(previous.label)”（\(previous.at.iso)）",
                               hint: "deadlines 按时间先后排列；调整顺序，或核对日期是否写错", related: [previous.location])
            }
            if let publicity = notice.publicity {
                let (_, last) = site.calendar.period(start: publicity.start, workingDays: publicity.workingDays)
                let missing = site.calendar.uncoveredYears(from: publicity.start, through: last)
                if !missing.isEmpty {
                    let years = missing.map(String.init).joined(separator: "、")
                    findings.warning("notice.calendar-missing", at: notice.source.location(of: "publicity"),
                                     "公示期涉及 \(years) 年，但没有该年的节假日安排，只按周末计算了工作日（算得结束于 \(last.iso)），可能不准",
                                     hint: missing.map { "Content/calendar/\($0).json" }.joined(separator: "、")
                                        + "：国务院办公厅公布当年节假日安排后，按其他年份文件的格式添加")
                }
            }
        }
    }
}
