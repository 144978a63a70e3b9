/// The notices list and one page per notice, with its metadata, timeline, contacts and attachments.
extension RenderContext {
    func timelineView(_ notice: Notice) -> [[String: Any]] {
        NoticeTimeline(notice: notice, calendar: site.calendar, today: now).items.map { item in
            let isPeriod = item.kind == .period
            var view: [String: Any] = [
                "label": isPeriod ? t("timeline.publicity").replacingOccurrences(of: "{n}", with: String(notice.publicity?.workingDays ?? 0)) : item.label,
                "isPeriod": isPeriod,
                "closes": isPeriod ? item.closes.day.chinese : item.closes.chinese,
                "closesISO": item.closes.iso,
                "closesDateTime": item.closes.htmlDateTime,
                "opens": item.opens.day.chinese,
                "opensDateTime": item.opens.day.iso,
                "state": item.state.rawValue,
                "daysLeft": false,
                "stateLabel": t("state.\(item.state.rawValue)\(isPeriod && item.state == .closed ? "_period" : "")"),
            ]
            if let left = item.daysLeft { view["daysLeft"] = t("state.days_left").replacingOccurrences(of: "{n}", with: String(left)) }
            return view
        }
    }

    func noticesPage() -> String {
        let frame = page(title: t("notices.title"), path: urls.notices, section: .notices,
                         breadcrumbs: [(t("notices.title"), urls.notices)])
        let open = site.notices.compactMap { notice -> [String: Any]? in
            let timeline = timelineView(notice).filter { ($0["state"] as? String) == PeriodState.open.rawValue }
            guard !timeline.isEmpty else { return nil }
            var item = noticeItem(notice)
            item["timeline"] = timeline
            return item
        }
        return render("notices", frame: frame, [
            "notices": site.notices.map(noticeItem), "open": open, "hasOpen": !open.isEmpty,
        ])
    }

    func noticePage(_ notice: Notice, bodyHTML: String) -> String {
        let path = urls.notice(notice.id)
        let summary = notice.docNo.map { "\($0) \(notice.title)" } ?? notice.title
        let meta: [[String: Any]] = [
            ["name": "ArticleTitle", "content": notice.title],
            ["name": "PubDate", "content": notice.published.iso],
            ["name": "ContentSource", "content": notice.issuers.isEmpty ? site.config.publisher : notice.issuers.joined(separator: " ")],
            ["name": "Keywords", "content": [t("kind.\(notice.kind.rawValue)"), notice.category ?? "", notice.docNo ?? ""].filter { !$0.isEmpty }.joined(separator: ",")],
        ]
        let frame = page(title: notice.title, path: path, section: .notices, description: summary,
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
        view["hasTimeline"] = !notice.deadlines.isEmpty || notice.publicity != nil
        view["contacts"] = notice.contacts.map { ["unit": $0.unit, "person": $0.person ?? "", "phone": $0.phone ?? ""] }
        view["hasContacts"] = !notice.contacts.isEmpty
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
        if let publicity = notice.publicity {
            let timeline = NoticeTimeline(notice: notice, calendar: site.calendar, today: now)
            let candidates = publicity.candidates.compactMap { site.providerByID[$0] }
            let groups = site.industries.compactMap { industry -> [String: Any]? in
                let inIndustry = candidates.filter { $0.industries.contains(industry.id) }
                guard !inIndustry.isEmpty else { return nil }
                let types = ProviderType.allCases.compactMap { type -> [String: Any]? in
                    let members = Pinyin.sorted(inIndustry.filter { $0.has(type) }, name: \.name, id: \.id)
                    guard !members.isEmpty else { return nil }
                    return ["label": typeLabel(type), "providers": members.map(providerCard), "count": members.count]
                }
                return ["name": industry.name, "types": types]
            }
            var p: [String: Any] = ["groups": groups, "count": candidates.count, "workingDays": publicity.workingDays]
            if let period = timeline.publicityPeriod {
                p["first"] = period.first.chinese
                p["firstISO"] = period.first.iso
                p["last"] = period.last.chinese
                p["lastISO"] = period.last.iso
            }
            view["publicity"] = p
        }
        return render("notice", frame: frame, ["notice": view])
    }
}
