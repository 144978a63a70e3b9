import Foundation

extension Case {
    static let keys = ContentSchema.case.map(\.name)

    static func decode(_ object: ContentObject, id: String, body: MarkdownBody) -> Case? {
        let title = object.text("title", required: true)
        let provider = object.text("provider", required: true)
        let industry = object.text("industry", required: true)
        let enterprise = object.text("enterprise", required: true)
        let role = object.enumeration("role", CaseRole.self, required: true)
        let location = object.enumeration("location", CaseLocation.self)
        let areas = object.vocabularyList("areas", allowed: Vocabulary.serviceAreas)
        let showroom = object.bool("showroom") ?? false
        let date = object.day("date")
        let results = object.objects("results", keys: ContentSchema.keys(ContentSchema.case, "results")).compactMap { item -> Result? in
            let metric = item.text("metric", required: true)
            let before = item.number("before")
            let after = item.number("after")
            if item["before"] == nil || item["after"] == nil {
                item.reader.error("schema.required", at: item.value, "成效需要同时写 before（改造前）和 after（改造后）")
            }
            guard let metric, let before, let after else { return nil }
            return Result(metric: metric, before: before, after: after, unit: item.text("unit") ?? "")
        }
        let summary = object.text("summary")
        let cover = object.text("cover")
        let sample = object.bool("sample") ?? false
        guard let title, let provider, let industry, let enterprise, let role else { return nil }
        return Case(id: id, title: title, provider: provider, industry: industry, enterprise: enterprise, role: role,
                    location: location, areas: areas, showroom: showroom, date: date, summary: summary, results: results,
                    cover: cover, sample: sample, body: body,
                    source: object.entrySource)
    }
}
