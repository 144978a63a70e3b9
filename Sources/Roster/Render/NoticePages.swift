/// The notices list and one page per notice, with its metadata, timeline, contacts and attachments.
extension RenderContext {
    /// The timeline rows of a notice as of the build; `onlyOpen` keeps those running now (for the home page and list).
    ///
    /// Each row carries its instants (`data-opens`, `data-closes`, +08:00) and a period's working days, so the page
    /// script can recompute the state from the visitor's clock without knowing the holiday calendar.
    func timelineView(_ notice: Notice, onlyOpen: Bool = false) -> [[String: Any]] {
        let workingDays = notice.publicity?.workingDays ?? 0
        return NoticeTimeline(notice: notice, calendar: site.calendar, today: now).items
            .filter { !onlyOpen || $0.state == .open }
            .map { item in
                let isPeriod = item.kind == .period
                var detail: Any = false
                if let left = item.workingDaysLeft {
                    detail = t("state.working_days_left").filling("{n}", String(left))
                } else if let left = item.daysLeft {
                    detail = t("state.days_left").filling("{n}", String(left))
                }
                return [
                    "label": isPeriod ? t("timeline.publicity").filling("{n}", String(workingDays)) : item.label,
                    "isPeriod": isPeriod,
                    "kind": isPeriod ? "period" : "deadline",
                    "opens": item.opens.day.chinese,
                    "opensDateTime": item.opens.day.iso,
                    // A period is shown by its days; a deadline as written, with its time (2024年1月31日 24:00).
                    "closes": isPeriod ? item.lastDay.chinese : item.closes.chinese,
                    "closesDateTime": isPeriod ? item.lastDay.iso : item.closes.htmlDateTime,
                    "opensInstant": item.opens.endInstant,
                    "closesInstant": item.closes.endInstant,
                    "workingDays": item.workingDays.map(\.iso).joined(separator: " "),
                    "state": item.state.rawValue,
                    "stateLabel": t("state.\(item.state.rawValue)\(isPeriod && item.state == .closed ? "_period" : "")"),
                    "detail": detail,
                ]
            }
    }

    /// Notices with something running now, each with only its running rows.
    func openNoticesView() -> [[String: Any]] {
        site.notices.compactMap { notice in
            let timeline = timelineView(notice, onlyOpen: true)
            guard !timeline.isEmpty else { return nil }
            var item = noticeItem(notice)
            item["timeline"] = timeline
            item["compact"] = true
            return item
        }
    }

    func noticesPage() -> [UInt8] {
        let frame = page(title: t("notices.title"), path: urls.notices, section: .notices,
                         breadcrumbs: [(t("notices.title"), urls.notices)])
        let open = openNoticesView()
        return render("notices", frame: frame, [
            "notices": site.notices.map(noticeItem), "open": open, "hasOpen": !open.isEmpty,
            "deadlinesCalendar": urls.deadlinesCalendar, "deadlinesCalendarURL": urls.absolute(urls.deadlinesCalendar),
        ])
    }

    func noticePage(_ notice: Notice, bodyHTML: [UInt8]) -> [UInt8] {
        let path = urls.notice(notice.id)
        let source = notice.issuers.isEmpty ? site.config.publisher : notice.issuers.joined(separator: " ")
        let description = [notice.docNo, notice.title, t("notice_meta.issuers") + "：" + source,
                           t("notice_meta.published") + "：" + notice.published.chinese]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "，")
        // The article tags Chinese government sites carry (ArticleTitle, PubDate, ContentSource, Keywords);
        // Description is the page's own `<meta name="description">`, which HTML matches without regard to case.
        let meta: [[String: Any]] = [
            ["name": "ArticleTitle", "content": notice.title],
            ["name": "PubDate", "content": notice.published.iso],
            ["name": "ContentSource", "content": source],
            ["name": "Keywords", "content": [t("kind.\(notice.kind.rawValue)"), notice.category ?? "", notice.docNo ?? ""].filter { !$0.isEmpty }.joined(separator: ",")],
        ]
        let frame = page(title: notice.title, path: path, section: .notices, description: description,
                         breadcrumbs: [(t("notices.title"), urls.notices), (notice.title, path)], extraMeta: meta)
        var view = noticeItem(notice)
        let metadata: [(String, String?)] = [
            ("index_no", notice.indexNo), ("category", notice.category), ("written", notice.written?.iso),
            ("published", notice.published.iso), ("doc_no", notice.docNo),
            ("issuers", notice.issuers.isEmpty ? nil : notice.issuers.joined(separator: " ")),
            ("validity", notice.validity), ("reg_no", notice.regNo), ("addressees", notice.addressees),
        ]
        view["metadata"] = metadata.compactMap { key, value -> [String: Any]? in
            // Government sites show every metadata row, empty ones included (规范性文件登记号 is often blank).
            guard value != nil || key == "reg_no" else { return nil }
            return ["label": t("notice_meta.\(key)"), "value": value ?? ""]
        }
        view["bodyHTML"] = bodyHTML
        view["timeline"] = timelineView(notice)
        view["compact"] = false
        view["hasTimeline"] = hasCalendar(notice)
        view["calendar"] = hasCalendar(notice) ? urls.noticeCalendar(notice.id) : false
        let contacts = notice.contacts.map { contact -> [String: Any] in
            let phone = contact.phone ?? ""
            let dial = phone.filter { $0.isNumber || $0 == "+" }
            return ["unit": contact.unit, "person": contact.person ?? "", "phone": phone,
                    "tel": dial.count >= 7 ? "tel:" + dial : false]
        }
        view["contacts"] = contacts
        // A publicity notice shows its contacts in the publicity section, as the place to send objections.
        view["hasContacts"] = !notice.contacts.isEmpty && notice.publicity == nil
        view["attachments"] = notice.attachments.map { attachment -> [String: Any] in
            var a: [String: Any] = ["title": attachment.title, "href": false, "type": false, "size": false,
                                    "unavailable": false, "external": false]
            if let file = attachment.file, site.mediaSizes[file] != nil {
                a["href"] = urls.media(file)
                a["type"] = file.pathExtension.uppercased()
                a["size"] = Format.fileSize(site.mediaSizes[file] ?? 0)
            } else if let url = attachment.url, HTMLText.isWebAddress(url) {
                a["href"] = url
                a["external"] = true
            } else {
                a["unavailable"] = true
                let ext = attachment.title.pathExtension
                if !ext.isEmpty, ext.count <= 4 { a["type"] = ext.uppercased() }
            }
            return a
        }
        view["hasAttachments"] = !notice.attachments.isEmpty
        view["publicity"] = notice.publicity.map { publicityView($0, of: notice, contacts: contacts) } ?? false
        return render("notice", frame: frame, ["notice": view])
    }

    /// The 公示 part of a publicity notice: the period, the candidates by industry and provider type, and whom to
    /// send objections to.
    private func publicityView(_ publicity: Notice.Publicity, of notice: Notice, contacts: [[String: Any]]) -> [String: Any] {
        let (first, last) = site.calendar.period(start: publicity.start, workingDays: publicity.workingDays)
        let candidates = publicity.candidates.compactMap { site.providerByID[$0] }
        let groups = site.industries.compactMap { industry -> [String: Any]? in
            let inIndustry = candidates.filter { $0.industries.contains(industry.id) }
            guard !inIndustry.isEmpty else { return nil }
            let types = ProviderType.allCases.compactMap { type -> [String: Any]? in
                let members = Pinyin.sorted(inIndustry.filter { $0.has(type) }, name: \.name, id: \.id)
                guard !members.isEmpty else { return nil }
                return ["label": typeLabel(type), "providers": members.map(providerCard), "count": members.count]
            }
            return ["id": industry.id, "name": industry.name, "types": types, "count": inIndustry.count]
        }
        let fill = { (text: String) in
            text.filling("{first}", first.chinese).filling("{last}", last.chinese)
        }
        return [
            "groups": groups, "hasGroups": !groups.isEmpty, "hasToc": groups.count > 1,
            "count": candidates.count, "workingDays": publicity.workingDays,
            "first": first.chinese, "firstISO": first.iso, "last": last.chinese, "lastISO": last.iso,
            "contacts": contacts, "hasContacts": !contacts.isEmpty,
            "objections": fill(t(contacts.isEmpty ? "publicity.objections_body" : "publicity.objections_contacts")),
        ]
    }
}
