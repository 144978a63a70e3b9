/// One of the pilot's manufacturing industries (细分行业), with its quota per provider type.
public struct Industry: Sendable, Identifiable {
    public var id: String
    public var name: String
    public var summary: String?
    /// Allowed number of active providers per type, e.g. integrators 3...6.
    public var quotas: [ProviderType: ClosedRange<Int>]
    public var source: EntrySource

    static let keys = ContentSchema.industry.map(\.name)

    static func decode(_ object: ContentObject) -> Industry? {
        let id = object.text("id", required: true)
        let name = object.text("name", required: true)
        var quotas: [ProviderType: ClosedRange<Int>] = [:]
        if let quotaObject = object.object("quotas", keys: ProviderType.allCases.map(\.rawValue)) {
            for type in ProviderType.allCases {
                guard let field = quotaObject[type.rawValue] else { continue }
                let bounds = quotaObject.textList(type.rawValue).compactMap { Int($0) }
                if bounds.count == 2, bounds[0] >= 0, bounds[0] <= bounds[1] {
                    quotas[type] = bounds[0]...bounds[1]
                } else {
                    object.reader.error("schema.type", at: field, "名额应写成 [最少, 最多]，如 [3, 6]")
                }
            }
        }
        guard let id, let name else { return nil }
        if !Slug.isValid(id) {
            // Refused, not kept: the id becomes a folder name of the output.
            object.reader.error("schema.id", at: object["id"]!, "行业 id “\(id)” 不是合法的 id", hint: Slug.hint)
            return nil
        }
        return Industry(id: id, name: name, summary: object.text("summary"), quotas: quotas,
                        source: object.entrySource)
    }
}

/// Ids are lower-case slugs, so they make safe, readable URLs and file names.
public enum Slug {
    public static func isValid(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard let first = bytes.first, bytes.count <= 100 else { return false }
        func ok(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
        return ok(first) && bytes.allSatisfy { ok($0) || $0 == UInt8(ascii: "-") } && !windowsReserved.contains(id)
    }

    /// Names Windows cannot use for a folder (ids become folders; the site may be served from IIS).
    static let windowsReserved: Set<String> = Set(["con", "prn", "aux", "nul"] + (1...9).flatMap { ["com\($0)", "lpt\($0)"] })

    static let hint = "id 只能用小写英文字母、数字和连字符，且以字母或数字开头，如 qingdao-haichuang"
}
