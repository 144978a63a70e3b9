/// The fields of each content kind with their Chinese descriptions: one source for the loader's accepted keys
/// and the published JSON Schemas (`Schemas/*.schema.json`), so the two cannot drift apart.
public enum ContentSchema {
    /// A field of a content kind.
    public struct Field: Sendable {
        public var name: String
        public var kind: Kind
        public var description: String
        public var required: Bool

        public init(_ name: String, _ kind: Kind, _ description: String, required: Bool = false) {
            self.name = name
            self.kind = kind
            self.description = description
            self.required = required
        }
    }

    /// What a field holds.
    public indirect enum Kind: Sendable {
        case text
        case pattern(String)
        case date
        case dateTime
        case bool
        case integer(minimum: Int?)
        case number
        case url
        case choice([String])
        case list(Kind)
        case object([Field])
    }

    static let slugPattern = "^[a-z0-9][a-z0-9-]*$"
    static let mediaPattern = "^media/[^\\\\]+$"
    static let id = Field("id", .pattern(slugPattern), "标识（小写英文字母、数字和连字符）；不写时用文件名")
    static let sample = Field("sample", .bool, "示例数据：为 true 时网页上标“示例”")
    static let areas = Kind.list(.choice(Vocabulary.serviceAreas))

    public static let provider: [Field] = [
        id,
        Field("name", .text, "服务商全称（与营业执照一致）", required: true),
        Field("credit_code", .pattern("^[0-9A-HJ-NPQRTUWXY]{18}$"), "统一社会信用代码（18 位，末位为校验位，GB 32100-2015）", required: true),
        Field("types", .list(.choice(ProviderType.allCases.map(\.rawValue))),
              "服务商类型：integrator 综合集成型，product “小快轻准”产品型，chain-leader “链主”企业型；可多选", required: true),
        Field("industries", .list(.pattern(slugPattern)), "服务的细分行业（industries.yaml 里的 id）", required: true),
        Field("district", .choice(Vocabulary.districts), "注册所在区市；未在青岛注册的写“市外”", required: true),
        Field("service_areas", areas, "服务领域"),
        Field("summary", .text, "一两句话的简介（列表和搜索结果里显示）"),
        Field("website", .url, "网站（http:// 或 https:// 开头）"),
        Field("contact", .object([
            Field("person", .text, "联系人"), Field("phone", .text, "电话（建议加引号）"), Field("email", .text, "电子邮箱"),
        ]), "联系方式"),
        Field("products", .list(.object([
            Field("name", .text, "产品名称", required: true), Field("areas", areas, "产品覆盖的环节"), Field("summary", .text, "产品简介"),
        ])), "“小快轻准”产品"),
        Field("chain_leader", .object([
            Field("mode", .choice(ChainLeaderMode.allCases.map(\.rawValue)), "模式：lead “链主”企业主导改造模式，ecosystem “链主”企业生态服务模式"),
            Field("revenue_last_year", .integer(minimum: 0), "上一年度主营业务收入（元，原则上不低于 1000000000）"),
            Field("pilot_enterprises", .integer(minimum: 0), "上下游协作配套的试点企业数（原则上不少于 10）"),
            Field("platforms", .list(.text), "国家级创新平台、称号等"),
        ]), "“链主”企业信息（“链主”企业型服务商必填）"),
        Field("parent_credit_code", .pattern("^[0-9A-HJ-NPQRTUWXY]{18}$"), "母公司的统一社会信用代码（分公司、子公司填写）"),
        Field("status", .choice(ProviderStatus.allCases.map(\.rawValue)),
              "状态：recommended 推荐（默认），publicity 公示中，suspended 暂停，withdrawn 已退出"),
        Field("history", .list(.object([
            Field("date", .date, "日期", required: true),
            Field("status", .choice(ProviderStatus.allCases.map(\.rawValue)), "变为的状态", required: true),
            Field("note", .text, "说明"),
        ])), "状态记录，按时间先后"),
        sample,
    ]

    public static let `case`: [Field] = [
        id,
        Field("title", .text, "案例标题", required: true),
        Field("provider", .pattern(slugPattern), "服务商 id（Content/providers/ 里的文件名）", required: true),
        Field("industry", .pattern(slugPattern), "行业 id，须是该服务商的行业之一", required: true),
        Field("enterprise", .text, "服务的中小企业（试点企业）名称", required: true),
        Field("role", .choice(CaseRole.allCases.map(\.rawValue)), "服务类型：transformation 数字化改造，assessment 数字化能力验收评估", required: true),
        Field("location", .choice(CaseLocation.allCases.map(\.rawValue)), "企业所在地：qingdao 青岛本地，elsewhere 外地"),
        Field("areas", areas, "涉及的环节"),
        Field("showroom", .bool, "是否在案例展厅展示"),
        Field("date", .date, "完成日期（YYYY-MM-DD）"),
        Field("summary", .text, "一句话概括"),
        Field("results", .list(.object([
            Field("metric", .text, "指标名称", required: true), Field("before", .number, "改造前的数值", required: true),
            Field("after", .number, "改造后的数值", required: true), Field("unit", .text, "单位，如 % 或 天"),
        ])), "改造成效，第一项是主要成效"),
        Field("cover", .pattern(mediaPattern), "配图路径，相对于 Content/，如 media/covers/x.png"),
        sample,
    ]

    public static let notice: [Field] = [
        id,
        Field("title", .text, "标题", required: true),
        Field("kind", .choice(NoticeKind.allCases.map(\.rawValue)), "类别：call 申报通知，publicity 公示，result 结果公告，other 其他", required: true),
        Field("index_no", .text, "索引号（请加引号）"),
        Field("category", .text, "主题分类"),
        Field("written", .date, "成文日期"),
        Field("published", .date, "发布日期", required: true),
        Field("doc_no", .text, "发文字号，如 青民发字〔2024〕1号"),
        Field("issuers", .list(.text), "发文单位"),
        Field("validity", .text, "有效性，如 有效"),
        Field("reg_no", .text, "规范性文件登记号（可为空）"),
        Field("addressees", .text, "主送单位"),
        Field("deadlines", .list(.object([
            Field("label", .text, "事项", required: true),
            Field("at", .dateTime, "截止时间：YYYY-MM-DD 或 \"YYYY-MM-DD HH:MM\"（24:00 表示当天结束）", required: true),
        ])), "截止时间"),
        Field("publicity", .object([
            Field("start", .date, "公示开始日期", required: true),
            Field("working_days", .integer(minimum: 1), "公示期工作日天数", required: true),
            Field("candidates", .list(.pattern(slugPattern)), "公示的服务商 id"),
        ]), "公示期和公示名单"),
        Field("contacts", .list(.object([
            Field("unit", .text, "单位", required: true), Field("person", .text, "联系人"), Field("phone", .text, "电话（请加引号）"),
        ])), "联系方式"),
        Field("attachments", .list(.object([
            Field("title", .text, "附件名称", required: true),
            Field("file", .pattern(mediaPattern), "附件文件，相对于 Content/，如 media/attachments/x.doc"),
            Field("url", .url, "附件链接"),
        ])), "附件；没有 file 和 url 的显示为“暂无电子版”"),
        sample,
    ]

    public static let site: [Field] = [
        Field("title", .text, "站点名称", required: true),
        Field("base_url", .url, "发布地址（可带路径，如 https://example.gov.cn/dx/）", required: true),
        Field("language", .text, "界面语言，默认 zh-CN"),
        Field("publisher", .text, "主办单位", required: true),
        Field("description", .text, "站点简介"),
        Field("markdown", .object([Field("unsafe_html", .bool, "是否保留正文里的原始 HTML（默认 false，安全模式）")]), "Markdown 设置"),
    ]

    public static let industry: [Field] = [
        Field("id", .pattern(slugPattern), "行业 id", required: true),
        Field("name", .text, "行业名称", required: true),
        Field("summary", .text, "行业简介"),
        Field("quotas", .object(ProviderType.allCases.map {
            Field($0.rawValue, .list(.integer(minimum: 0)), "名额 [最少, 最多]")
        }), "各类服务商的遴选名额"),
    ]

    /// The keys of a kind's object field (e.g. `contact` of a provider).
    static func keys(_ fields: [Field], _ name: String) -> [String] {
        guard let field = fields.first(where: { $0.name == name }) else { return [] }
        switch field.kind {
        case .object(let sub), .list(.object(let sub)): return sub.map(\.name)
        default: return []
        }
    }

    // MARK: - JSON Schema

    /// The JSON Schema (draft 2020-12) of a kind, for editors' completion and inline errors.
    public static func jsonSchema(_ fields: [Field], id: String, title: String, array: Bool = false) -> String {
        let object = objectSchema(fields)
        var root: [(String, JSONValue)] = [
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("$id", .string(id)),
            ("title", .string(title)),
        ]
        if array {
            root += [("type", .string("array")), ("items", object)]
        } else if case .object(let pairs) = object {
            root += pairs
        }
        return JSONValue.object(root).serialized()
    }

    static func objectSchema(_ fields: [Field]) -> JSONValue {
        .object([
            ("type", .string("object")),
            ("properties", .object(fields.map { ($0.name, schema(of: $0.kind, description: $0.description)) })),
            ("required", .strings(fields.filter(\.required).map(\.name))),
            ("additionalProperties", .bool(false)),
        ])
    }

    static func schema(of kind: Kind, description: String?) -> JSONValue {
        var pairs: [(String, JSONValue)] = description.map { [("description", .string($0))] } ?? []
        switch kind {
        case .text: pairs.append(("type", .string("string")))
        case .pattern(let p): pairs += [("type", .string("string")), ("pattern", .string(p))]
        case .date: pairs += [("type", .string("string")), ("pattern", .string("^\\d{4}-\\d{2}-\\d{2}$"))]
        case .dateTime: pairs += [("type", .string("string")), ("pattern", .string("^\\d{4}-\\d{2}-\\d{2}( \\d{2}:\\d{2})?$"))]
        case .bool: pairs.append(("type", .string("boolean")))
        case .integer(let minimum):
            pairs.append(("type", .string("integer")))
            if let minimum { pairs.append(("minimum", .int(minimum))) }
        case .number: pairs.append(("type", .string("number")))
        case .url: pairs += [("type", .string("string")), ("pattern", .string("^(https?)://"))]
        case .choice(let values): pairs += [("type", .string("string")), ("enum", .strings(values))]
        case .list(let item): pairs += [("type", .string("array")), ("items", schema(of: item, description: nil))]
        case .object(let fields):
            if case .object(let inner) = objectSchema(fields) { pairs += inner }
        }
        return .object(pairs)
    }

    /// Every schema file: name and text.
    public static var schemaFiles: [(String, String)] {
        let base = "https://roster.example/schemas/"
        return [
            ("provider.schema.json", jsonSchema(provider, id: base + "provider.schema.json", title: "服务商（Content/providers/*.md 的头信息或 *.json）")),
            ("case.schema.json", jsonSchema(`case`, id: base + "case.schema.json", title: "案例（Content/cases/*.md 的头信息或 *.json）")),
            ("notice.schema.json", jsonSchema(notice, id: base + "notice.schema.json", title: "通知公告（Content/notices/*.md 的头信息）")),
            ("site.schema.json", jsonSchema(site, id: base + "site.schema.json", title: "站点设置（Content/site.yaml）")),
            ("industries.schema.json", jsonSchema(industry, id: base + "industries.schema.json", title: "细分行业（Content/industries.yaml）", array: true)),
        ]
    }
}
