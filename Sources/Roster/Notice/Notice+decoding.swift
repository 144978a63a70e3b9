extension Notice {
    static let keys = ContentSchema.notice.map(\.name)
    private static func keys(_ field: String) -> [String] { ContentSchema.keys(ContentSchema.notice, field) }

    static func decode(_ object: ContentObject, id: String, body: MarkdownBody) -> Notice? {
        let title = object.text("title", required: true)
        let kind = object.enumeration("kind", NoticeKind.self, required: true)
        let written = object.day("written")
        let published = object.day("published", required: true)
        let deadlines = object.objects("deadlines", keys: keys("deadlines")).compactMap { item -> Deadline? in
            let label = item.text("label", required: true)
            guard let text = item.text("at", required: true) else { return nil }
            guard let at = Moment(text) else {
                item.reader.error("schema.date", at: item["at"]!, "截止时间 “\(text)” 格式不对",
                                  hint: "写成 2024-01-31 或 \"2024-01-31 24:00\"（带时间时要加引号）")
                return nil
            }
            guard let label else { return nil }
            return Deadline(label: label, at: at, location: item.location)
        }
        let publicity = object.object("publicity", keys: keys("publicity")).flatMap { item -> Publicity? in
            let start = item.day("start", required: true)
            let days = item.integer("working_days")
            if item["working_days"] == nil {
                item.reader.error("schema.required", at: item.value, "公示期缺少 “working_days”（工作日天数）")
            }
            // Bounded, because the period's end is found by walking the calendar day by day.
            if let days, !(1...Publicity.maxWorkingDays).contains(days) {
                item.reader.error("schema.type", at: item["working_days"]!, "公示期工作日天数应在 1 到 \(Publicity.maxWorkingDays) 之间")
            }
            let candidates = item.textList("candidates")
            guard let start, let days, (1...Publicity.maxWorkingDays).contains(days) else { return nil }
            return Publicity(start: start, workingDays: days, candidates: candidates, location: item.location,
                            candidatesLocation: item.location(of: "candidates"))
        }
        let contacts = object.objects("contacts", keys: keys("contacts")).compactMap { item -> Contact? in
            guard let unit = item.text("unit", required: true) else { return nil }
            return Contact(unit: unit, person: item.text("person").flatMap { $0.isEmpty ? nil : $0 }, phone: item.text("phone"))
        }
        let attachments = object.objects("attachments", keys: keys("attachments")).compactMap { item -> Attachment? in
            guard let title = item.text("title", required: true) else { return nil }
            return Attachment(title: title, file: item.text("file"), url: item.text("url"), location: item.location)
        }
        let fields = (indexNo: object.text("index_no"), category: object.text("category"), docNo: object.text("doc_no"),
                      issuers: object.textList("issuers"), validity: object.text("validity"), regNo: object.text("reg_no"),
                      addressees: object.text("addressees"), sample: object.bool("sample") ?? false)
        guard let title, let kind, let published else { return nil }
        return Notice(id: id, title: title, kind: kind, indexNo: fields.indexNo, category: fields.category, written: written,
                      published: published, docNo: fields.docNo, issuers: fields.issuers, validity: fields.validity,
                      regNo: fields.regNo, addressees: fields.addressees, deadlines: deadlines, publicity: publicity,
                      contacts: contacts, attachments: attachments, sample: fields.sample, body: body,
                      source: object.entrySource)
    }
}
