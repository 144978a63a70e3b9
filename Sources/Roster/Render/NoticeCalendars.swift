/// The iCalendar files: one per notice with deadlines or a publicity period, and one of every open deadline.
///
/// Times are written with `TZID=Asia/Shanghai` (a VTIMEZONE is included, so the file is valid even with no
/// events); `DTSTAMP` is the notice's publication, never the build clock, so the same content gives the same bytes.
/// A timed deadline is an event from 00:00 of its last day to the deadline (`2024-01-31 24:00` → 2024-01-31T00:00 to
/// 2024-02-01T00:00), a date alone or a period is an all-day event, and each carries a reminder at 09:00 the day
/// before the last day (deadlines) or on the last day (periods).
extension RenderContext {
    /// Whether a notice gets a calendar file (and a link to it).
    func hasCalendar(_ notice: Notice) -> Bool { !notice.deadlines.isEmpty || notice.publicity != nil }

    func noticeCalendar(_ notice: Notice) -> [UInt8] {
        var ics = calendarHeader(name: notice.title, url: urls.notice(notice.id), source: urls.noticeCalendar(notice.id))
        for item in NoticeTimeline(notice: notice, calendar: site.calendar, today: now).items {
            event(item, of: notice, into: &ics)
        }
        ics.end("VCALENDAR")
        return ics.bytes
    }

    /// Every deadline and period not yet over as of the build, soonest first.
    func deadlinesCalendar() -> [UInt8] {
        var ics = calendarHeader(name: site.config.title + " · " + t("ics.deadlines_name"), url: urls.notices,
                                 source: urls.deadlinesCalendar)
        for (notice, item) in openCalendarItems() { event(item, of: notice, into: &ics) }
        ics.end("VCALENDAR")
        return ics.bytes
    }

    /// Deadlines and periods not over as of the build, soonest first.
    func openCalendarItems() -> [(Notice, NoticeTimeline.Item)] {
        site.notices.flatMap { notice in
            NoticeTimeline(notice: notice, calendar: site.calendar, today: now).items
                .filter { $0.state != .closed }.map { (notice, $0) }
        }.sorted { ($0.1.closes.endMinuteOrdinal, $0.0.id) < ($1.1.closes.endMinuteOrdinal, $1.0.id) }
    }

    private func calendarHeader(name: String, url: String, source: String) -> ICalendarWriter {
        var ics = ICalendarWriter()
        ics.begin("VCALENDAR")
        ics.property("VERSION", "2.0")
        ics.property("PRODID", "-//Roster//Roster notices//ZH")
        ics.property("CALSCALE", "GREGORIAN")
        ics.property("METHOD", "PUBLISH")
        ics.text("NAME", name)
        ics.text("X-WR-CALNAME", name)
        ics.property("URL", urls.absolute(url))
        ics.property("SOURCE", "VALUE=URI", urls.absolute(source))
        // Subscribers' apps poll at this interval; states and open deadlines change daily at most.
        ics.property("REFRESH-INTERVAL", "VALUE=DURATION", "P1D")
        ics.property("X-PUBLISHED-TTL", "P1D")
        ics.timeZone()
        return ics
    }

    private func event(_ item: NoticeTimeline.Item, of notice: Notice, into ics: inout ICalendarWriter) {
        let page = urls.absolute(urls.notice(notice.id))
        let tz = "TZID=" + ICalendarWriter.shanghai
        ics.begin("VEVENT")
        switch item.kind {
        case .deadline:
            ics.property("UID", "\(notice.id).deadline-\((item.deadlineIndex ?? 0) + 1)@\(uidDomain)")
        case .period:
            ics.property("UID", "\(notice.id).publicity@\(uidDomain)")
        }
        ics.property("DTSTAMP", ICalendarWriter.utc(minuteOrdinal: notice.published.ordinal * 1440))
        let alarm: (parameters: String, trigger: String, text: String)
        switch item.kind {
        case .deadline where item.closes.minutes != nil:
            ics.property("DTSTART", tz, ICalendarWriter.local(minuteOrdinal: item.lastDay.ordinal * 1440))
            ics.property("DTEND", tz, ICalendarWriter.local(minuteOrdinal: item.closes.endMinuteOrdinal))
            ics.text("SUMMARY", deadlineSummary(item, notice))
            ics.text("DESCRIPTION", [t("ics.deadline_at") + item.closes.chinese + t("ics.beijing_time"),
                                     notice.title, page].joined(separator: "\n"))
            alarm = ("", "-PT15H", t("ics.alarm_deadline") + item.label)
        case .deadline:
            ics.property("DTSTART", "VALUE=DATE", ICalendarWriter.date(item.lastDay))
            ics.property("DTEND", "VALUE=DATE", ICalendarWriter.date(item.lastDay.adding(days: 1)))
            ics.text("SUMMARY", deadlineSummary(item, notice))
            ics.text("DESCRIPTION", [t("ics.deadline_at") + item.closes.chinese, notice.title, page].joined(separator: "\n"))
            alarm = ("", "-PT15H", t("ics.alarm_deadline") + item.label)
        case .period:
            let days = notice.publicity?.workingDays ?? item.workingDays.count
            let label = t("timeline.publicity").filling("{n}", String(days))
            ics.property("DTSTART", "VALUE=DATE", ICalendarWriter.date(item.opens.day))
            ics.property("DTEND", "VALUE=DATE", ICalendarWriter.date(item.lastDay.adding(days: 1)))
            ics.text("SUMMARY", label + t("ics.colon") + notice.title)
            var lines = [label + t("ics.colon") + item.opens.day.chinese + t("publicity.to") + item.lastDay.chinese,
                         t("ics.objections")]
            lines += notice.contacts.map { [$0.unit, $0.person ?? "", $0.phone ?? ""].filter { !$0.isEmpty }.joined(separator: " ") }
            lines.append(page)
            ics.text("DESCRIPTION", lines.joined(separator: "\n"))
            alarm = ("RELATED=END", "-PT15H", t("ics.alarm_period") + notice.title)
        }
        ics.property("URL", page)
        ics.property("TRANSP", "TRANSPARENT")
        ics.property("STATUS", "CONFIRMED")
        ics.begin("VALARM")
        ics.property("ACTION", "DISPLAY")
        ics.text("DESCRIPTION", alarm.text)
        ics.property("TRIGGER", alarm.parameters, alarm.trigger)
        ics.end("VALARM")
        ics.end("VEVENT")
    }

    /// The label, with the document number so the event makes sense on its own in a calendar.
    private func deadlineSummary(_ item: NoticeTimeline.Item, _ notice: Notice) -> String {
        guard let docNo = notice.docNo, !docNo.isEmpty else { return item.label }
        return "\(item.label)（\(docNo)）"
    }

    /// The host of `base_url`, so UIDs are unique across sites and stable across builds.
    private var uidDomain: String {
        let url = site.config.baseURL
        let afterScheme = url.range(of: "://").map { url[$0.upperBound...] } ?? url[...]
        return String(afterScheme.prefix { $0 != "/" && $0 != ":" })
    }
}
