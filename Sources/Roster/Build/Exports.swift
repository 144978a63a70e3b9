import Foundation

/// The machine-readable outputs: sitemap, robots.txt, the Atom feed and the open data files.
extension RenderContext {
    func sitemap(pages: [String]) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for page in pages.sorted() {
            out += "  <url><loc>\(XMLText.escape(urls.absolute(page)))</loc></url>\n"
        }
        return out + "</urlset>\n"
    }

    func robots() -> String {
        "User-agent: *\nAllow: /\nSitemap: \(urls.absolute(urls.basePath + "sitemap.xml"))\n"
    }

    /// The Atom feed (RFC 4287) of notices, newest first; `updated` comes from the content, not the clock.
    func atomFeed(bodies: [String: String]) -> String {
        let notices = site.notices
        let updated = notices.map(\.published).max().map { "\($0.iso)T00:00:00+08:00" } ?? "\(now.iso)T00:00:00+08:00"
        var out = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="\(XMLText.escape(site.config.language))" xml:base="\(XMLText.escape(site.config.baseURL))">
          <title>\(XMLText.escape(site.config.title + " · " + t("notices.title")))</title>
          <id>\(XMLText.escape(urls.absolute(urls.notices)))</id>
          <link rel="self" type="application/atom+xml" href="\(XMLText.escape(urls.absolute(urls.feed)))"/>
          <link rel="alternate" type="text/html" href="\(XMLText.escape(urls.absolute(urls.notices)))"/>
          <updated>\(updated)</updated>
          <author><name>\(XMLText.escape(site.config.publisher))</name></author>

        """
        for notice in notices {
            let link = urls.absolute(urls.notice(notice.id))
            let summary = feedSummary(notice)
            out += """
              <entry>
                <title>\(XMLText.escape(notice.title))</title>
                <id>\(XMLText.escape(link))</id>
                <link rel="alternate" type="text/html" href="\(XMLText.escape(link))"/>
                <published>\(notice.published.iso)T00:00:00+08:00</published>
                <updated>\(notice.published.iso)T00:00:00+08:00</updated>
                <author><name>\(XMLText.escape(notice.issuers.isEmpty ? site.config.publisher : notice.issuers.joined(separator: " ")))</name></author>
                <category term="\(notice.kind.rawValue)" label="\(XMLText.escape(t("kind.\(notice.kind.rawValue)")))"/>
                <summary>\(XMLText.escape(summary))</summary>
                <content type="html">\(XMLText.escape(bodies[notice.id] ?? ""))</content>
              </entry>

            """
        }
        return out + "</feed>\n"
    }

    /// What a feed reader shows under the title: kind, document number, and the dates that matter.
    func feedSummary(_ notice: Notice) -> String {
        var parts = [t("kind.\(notice.kind.rawValue)")]
        if let docNo = notice.docNo, !docNo.isEmpty { parts.append(docNo) }
        for item in NoticeTimeline(notice: notice, calendar: site.calendar, today: now).items {
            switch item.kind {
            case .deadline:
                parts.append(item.label + t("ics.colon") + item.closes.chinese)
            case .period:
                parts.append(t("timeline.publicity").replacingOccurrences(of: "{n}", with: String(notice.publicity?.workingDays ?? 0))
                             + t("ics.colon") + item.opens.day.chinese + t("publicity.to") + item.lastDay.chinese)
            }
        }
        return parts.joined(separator: "；")
    }

    // MARK: - Open data

    func providersJSON() -> String {
        JSONValue.array(site.providers.map { provider in
            .object([
                ("id", .string(provider.id)),
                ("name", .string(provider.name)),
                ("credit_code", .string(provider.creditCode)),
                ("types", .strings(provider.types.map(\.rawValue))),
                ("industries", .strings(provider.industries)),
                ("district", .string(provider.district)),
                ("service_areas", .strings(provider.serviceAreas)),
                ("status", .string(provider.status.rawValue)),
                ("summary", .text(provider.summary)),
                ("website", .text(provider.website)),
                ("contact_person", .text(provider.contact?.person)),
                ("contact_phone", .text(provider.contact?.phone)),
                ("contact_email", .text(provider.contact?.email)),
                ("products", .strings(provider.products.map(\.name))),
                ("case_count", .int(site.casesByProvider[provider.id]?.count ?? 0)),
                ("parent_credit_code", .text(provider.parentCreditCode)),
                ("sample", .bool(provider.sample)),
                ("url", .string(urls.absolute(urls.provider(provider.id)))),
            ])
        }).serialized()
    }

    func providersCSV() -> [UInt8] {
        CSVWriter.document(
            header: ["id", "名称", "统一社会信用代码", "类型", "行业", "所在区市", "服务领域", "状态", "网站", "联系人", "电话", "邮箱", "案例数", "示例数据", "网址"],
            rows: site.providers.map { p in
                [p.id, p.name, p.creditCode, p.types.map(typeLabel).joined(separator: "；"),
                 p.industries.map(industryName).joined(separator: "；"), p.district, p.serviceAreas.joined(separator: "；"),
                 statusLabel(p.status), p.website ?? "", p.contact?.person ?? "", p.contact?.phone ?? "", p.contact?.email ?? "",
                 String(site.casesByProvider[p.id]?.count ?? 0), p.sample ? "是" : "否", urls.absolute(urls.provider(p.id))]
            })
    }

    func casesJSON() -> String {
        JSONValue.array(site.cases.map { item in
            .object([
                ("id", .string(item.id)),
                ("title", .string(item.title)),
                ("provider", .string(item.provider)),
                ("provider_name", .text(site.providerByID[item.provider]?.name)),
                ("provider_status", .text(site.providerByID[item.provider]?.status.rawValue)),
                ("industry", .string(item.industry)),
                ("enterprise", .string(item.enterprise)),
                ("role", .string(item.role.rawValue)),
                ("location", .text(item.location?.rawValue)),
                ("areas", .strings(item.areas)),
                ("showroom", .bool(item.showroom)),
                ("date", .text(item.date?.iso)),
                ("summary", .text(item.summary)),
                ("results", .array(item.results.map { r in
                    .object([("metric", .string(r.metric)), ("before", .number(Format.decimal(r.before, fractionDigits: 6))),
                             ("after", .number(Format.decimal(r.after, fractionDigits: 6))), ("unit", .string(r.unit))])
                })),
                ("sample", .bool(item.sample)),
                ("url", .string(urls.absolute(urls.case(item.id)))),
            ])
        }).serialized()
    }

    func casesCSV() -> [UInt8] {
        CSVWriter.document(
            header: ["id", "标题", "服务商id", "服务商", "服务商状态", "行业", "试点企业", "服务类型", "地点", "服务领域", "展厅展示", "完成日期", "主要成效", "示例数据", "网址"],
            rows: site.cases.map { c in
                let provider = site.providerByID[c.provider]
                return [c.id, c.title, c.provider, provider?.name ?? "", provider.map { statusLabel($0.status) } ?? "",
                        industryName(c.industry), c.enterprise, t("role.\(c.role.rawValue)"),
                        c.location.map { t("location.\($0.rawValue)") } ?? "", c.areas.joined(separator: "；"),
                        c.showroom ? "是" : "否", c.date?.iso ?? "",
                        c.results.first.map { resultView($0)["text"] as? String ?? "" } ?? "",
                        c.sample ? "是" : "否", urls.absolute(urls.case(c.id))]
            })
    }

    func dataPage() -> [UInt8] {
        let frame = page(title: t("data.title"), path: urls.data, section: .data, breadcrumbs: [(t("data.title"), urls.data)])
        let files: [[String: Any]] = [
            ["title": t("data.providers_json"), "href": urls.data + "providers.json", "format": "JSON", "count": site.providers.count],
            ["title": t("data.providers_csv"), "href": urls.data + "providers.csv", "format": "CSV", "count": site.providers.count],
            ["title": t("data.cases_json"), "href": urls.data + "cases.json", "format": "JSON", "count": site.cases.count],
            ["title": t("data.cases_csv"), "href": urls.data + "cases.csv", "format": "CSV", "count": site.cases.count],
            ["title": t("data.feed"), "href": urls.feed, "format": "Atom", "count": site.notices.count],
            ["title": t("data.deadlines"), "href": urls.deadlinesCalendar, "format": "iCalendar", "count": openCalendarItems().count],
        ]
        return render("data", frame: frame, ["files": files])
    }

    func notFoundPage() -> [UInt8] {
        var frame = page(title: t("not_found.title"), path: urls.basePath + "404.html", section: .none)
        frame["noindex"] = true
        return render("404", frame: frame, [:])
    }
}
