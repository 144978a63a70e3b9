import Foundation

/// The machine-readable outputs: sitemap, robots.txt, the Atom feed and the open data files.
///
/// They list every page and entry, so they are written as bytes, and the big ones entry by entry in parallel.
extension RenderContext {
    func sitemap(pages: [String]) -> [UInt8] {
        var out = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n".utf8)
        out.reserveCapacity(pages.count * 80)
        for page in pages.sorted() {
            out.append(contentsOf: "  <url><loc>".utf8)
            XMLText.escape(urls.absolute(page), into: &out)
            out.append(contentsOf: "</loc></url>\n".utf8)
        }
        out.append(contentsOf: "</urlset>\n".utf8)
        return out
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

    func providersJSON() -> [UInt8] {
        JSONStream.arrayBytes(site.providers) { provider, json in
            json.beginObject()
            json.field("id", provider.id)
            json.field("name", provider.name)
            json.field("credit_code", provider.creditCode)
            json.field("types", provider.types.map(\.rawValue))
            json.field("industries", provider.industries)
            json.field("district", provider.district)
            json.field("service_areas", provider.serviceAreas)
            json.field("status", provider.status.rawValue)
            json.field("summary", provider.summary)
            json.field("website", provider.website)
            json.field("contact_person", provider.contact?.person)
            json.field("contact_phone", provider.contact?.phone)
            json.field("contact_email", provider.contact?.email)
            json.field("products", provider.products.map(\.name))
            json.field("case_count", site.casesByProvider[provider.id]?.count ?? 0)
            json.field("parent_credit_code", provider.parentCreditCode)
            json.field("sample", provider.sample)
            json.field("url", urls.absolute(urls.provider(provider.id)))
            json.endObject()
        }
    }

    func providersCSV() -> [UInt8] {
        CSVWriter.document(
            header: ["id", "名称", "统一社会信用代码", "类型", "行业", "所在区市", "服务领域", "状态", "网站", "联系人", "电话", "邮箱", "案例数", "示例数据", "网址"],
            rows: site.providers.concurrentMap { p in
                [p.id, p.name, p.creditCode, p.types.map(typeLabel).joined(separator: "；"),
                 p.industries.map(industryName).joined(separator: "；"), p.district, p.serviceAreas.joined(separator: "；"),
                 statusLabel(p.status), p.website ?? "", p.contact?.person ?? "", p.contact?.phone ?? "", p.contact?.email ?? "",
                 String(site.casesByProvider[p.id]?.count ?? 0), p.sample ? "是" : "否", urls.absolute(urls.provider(p.id))]
            })
    }

    /// What the case exports say of each provider, looked up once rather than copying the provider for every case.
    private var providerFacts: [String: (name: String, status: ProviderStatus, statusLabel: String)] {
        site.providerByID.mapValues { ($0.name, $0.status, statusLabel($0.status)) }
    }

    func casesJSON() -> [UInt8] {
        let providers = providerFacts
        // Results repeat the same few numbers: each is formatted once.
        var numbers: [Decimal: String] = [:]
        for i in site.cases.indices {
            for result in site.cases[i].results {
                for value in [result.before, result.after] where numbers[value] == nil {
                    numbers[value] = Format.decimal(value, fractionDigits: 6)
                }
            }
        }
        let formatted = numbers
        return JSONStream.arrayBytes(site.cases) { item, json in
            json.beginObject()
            json.field("id", item.id)
            json.field("title", item.title)
            json.field("provider", item.provider)
            json.field("provider_name", providers[item.provider]?.name)
            json.field("provider_status", providers[item.provider]?.status.rawValue)
            json.field("industry", item.industry)
            json.field("enterprise", item.enterprise)
            json.field("role", item.role.rawValue)
            json.field("location", item.location?.rawValue)
            json.field("areas", item.areas)
            json.field("showroom", item.showroom)
            json.field("date", item.date?.iso)
            json.field("summary", item.summary)
            json.key("results")
            json.beginArray()
            for result in item.results {
                json.beginObject()
                json.field("metric", result.metric)
                json.key("before")
                json.number(formatted[result.before] ?? Format.decimal(result.before, fractionDigits: 6))
                json.key("after")
                json.number(formatted[result.after] ?? Format.decimal(result.after, fractionDigits: 6))
                json.field("unit", result.unit)
                json.endObject()
            }
            json.endArray()
            json.field("sample", item.sample)
            json.field("url", urls.absolute(urls.case(item.id)))
            json.endObject()
        }
    }

    func casesCSV() -> [UInt8] {
        let providers = providerFacts
        // The labels of the few roles and locations, looked up once.
        let roles = Dictionary(uniqueKeysWithValues: CaseRole.allCases.map { ($0, t("role.\($0.rawValue)")) })
        let locations = Dictionary(uniqueKeysWithValues: CaseLocation.allCases.map { ($0, t("location.\($0.rawValue)")) })
        return CSVWriter.document(
            header: ["id", "标题", "服务商id", "服务商", "服务商状态", "行业", "试点企业", "服务类型", "地点", "服务领域", "展厅展示", "完成日期", "主要成效", "示例数据", "网址"],
            rows: site.cases) { c, row in
                let provider = providers[c.provider]
                row.cell(c.id)
                row.cell(c.title)
                row.cell(c.provider)
                row.cell(provider?.name ?? "")
                row.cell(provider?.statusLabel ?? "")
                row.cell(industryName(c.industry))
                row.cell(c.enterprise)
                row.cell(roles[c.role] ?? "")
                row.cell(c.location.flatMap { locations[$0] } ?? "")
                row.cell(c.areas.joined(separator: "；"))
                row.cell(c.showroom ? "是" : "否")
                row.cell(c.date?.iso ?? "")
                row.cell(c.results.first.map(resultText) ?? "")
                row.cell(c.sample ? "是" : "否")
                row.cell(urls.absolute(urls.case(c.id)))
            }
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
