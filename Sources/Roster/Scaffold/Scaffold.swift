import Foundation

/// `roster new`: writes a new provider, case or notice file with every field of its kind, each explained in Chinese.
///
/// The fields, their descriptions and their allowed values come from ``ContentSchema`` (and through it from
/// ``Vocabulary``, ``ProviderType`` and the other vocabularies), and the industry ids from the site's own
/// `industries.yaml`, so a new file always matches what the loader accepts. What the editor must supply is marked
/// `【待填写…】`; ``PlaceholderRules`` reports any marker left behind, so a half-filled file never gets published.
public enum Scaffold {
    /// The content kinds `roster new` can create.
    public enum Kind: String, CaseIterable, Sendable {
        case provider, `case`, notice

        /// The folder under `Content/`.
        public var folder: String { rawValue + "s" }

        var label: String {
            switch self {
            case .provider: "服务商"
            case .case: "案例"
            case .notice: "通知"
            }
        }

        var fields: [ContentSchema.Field] {
            switch self {
            case .provider: ContentSchema.provider
            case .case: ContentSchema.case
            case .notice: ContentSchema.notice
            }
        }
    }

    /// What to create.
    public struct Request: Sendable {
        public var kind: Kind
        public var id: String
        /// The case's provider id.
        public var provider: String?
        /// The provider's industries, or the case's industry.
        public var industries: [String]

        public init(kind: Kind, id: String, provider: String? = nil, industries: [String] = []) {
            self.kind = kind
            self.id = id
            self.provider = provider
            self.industries = industries
        }
    }

    /// Why nothing was written.
    public struct Failure: Error, Sendable {
        public var message: String
    }

    /// What was written, and anything the editor should know.
    public struct Created: Sendable {
        /// Path relative to the root, e.g. `Content/cases/x.md`.
        public var path: String
        public var notes: [String]
    }

    /// The start of every mark for something the editor must fill in.
    public static let placeholderMark = "【待填写"

    /// Checks the request against the site at `root`, then writes the file; never overwrites.
    public static func create(_ request: Request, root: String) throws(Failure) -> Created {
        let content = root.appendingPath("Content")
        guard FileSystem.isDirectory(content) else {
            throw Failure(message: "找不到 Content/ 文件夹（在 \(root) 下）；在站点根目录运行，或用 --root 指定站点根目录")
        }
        let site = SiteLoader.load(root: root).site
        var request = request
        let notes = try validate(&request, site: site)
        let relative = "Content/\(request.kind.folder)/\(request.id).md"
        let path = root.appendingPath(relative)
        try FileSystemAccess.createDirectory(content.appendingPath(request.kind.folder))
        // O_EXCL: even a file created a moment ago by someone else is never overwritten.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            if errno == EEXIST { throw Failure(message: "\(relative) 已经存在，没有改动它；换一个 id，或直接编辑这个文件") }
            throw Failure(message: "无法创建 \(relative)：\(String(cString: strerror(errno)))")
        }
        let bytes = Array(template(request, site: site).utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else {
            try? FileManager.default.removeItem(atPath: path)
            throw Failure(message: "无法写入 \(relative)")
        }
        return Created(path: relative, notes: notes)
    }

    /// Refuses what would not check clean; fills in what can be inferred (a case's industry from its provider).
    static func validate(_ request: inout Request, site: Site?) throws(Failure) -> [String] {
        var notes: [String] = []
        let kind = request.kind
        guard Slug.isValid(request.id) else {
            throw Failure(message: "“\(request.id)” 不能作为 id：\(Slug.hint)")
        }
        if kind != .case, request.provider != nil {
            throw Failure(message: "--provider 只用于 roster new case（写明案例是哪家服务商做的）")
        }
        if kind == .notice, !request.industries.isEmpty {
            throw Failure(message: "--industry 只用于 roster new provider 和 roster new case")
        }
        if kind == .case, request.industries.count > 1 {
            throw Failure(message: "一个案例只属于一个行业：--industry 只能写一次")
        }
        if let provider = request.provider, !Slug.isValid(provider) {
            throw Failure(message: "--provider “\(provider)” 不是合法的服务商 id：\(Slug.hint)")
        }
        for name in ["\(request.id).md", "\(request.id).json"] where site.map({ FileSystem.exists($0.root.appendingPath("Content/\(kind.folder)/\(name)")) }) ?? false {
            throw Failure(message: "Content/\(kind.folder)/\(name) 已经存在，没有改动它；换一个 id，或直接编辑这个文件")
        }
        guard let site else { return notes }
        if let existing = existingLocation(of: request.id, kind: kind, in: site) {
            throw Failure(message: "\(kind.label) id “\(request.id)” 已经在 \(existing.file) 第 \(existing.line) 行定义过了；换一个 id")
        }
        let industryIDs = site.industries.map(\.id)
        for industry in request.industries where site.industryByID[industry] == nil {
            let near = Spelling.closest(to: industry, in: industryIDs).map { "是不是 “\($0)”？" } ?? ""
            throw Failure(message: "没有 id 为 “\(industry)” 的行业。\(near)可用的行业：\(industryIDs.joined(separator: "、"))")
        }
        if kind == .case, let providerID = request.provider {
            if let provider = site.providerByID[providerID] {
                if let industry = request.industries.first, !provider.industries.contains(industry) {
                    throw Failure(message: "服务商 “\(provider.name)” 的行业是 \(provider.industries.joined(separator: "、"))，没有 “\(industry)”；"
                                  + "案例的行业须是服务商的行业之一")
                }
                if request.industries.isEmpty, provider.industries.count == 1 {
                    request.industries = provider.industries
                }
            } else if let file = ["md", "json"].map({ "Content/providers/\(providerID).\($0)" }).first(where: { FileSystem.exists(site.root.appendingPath($0)) }) {
                notes.append("\(file) 还没填好或有错误，读不出它的行业：industry 请自己填写")
            } else {
                let near = Spelling.closest(to: providerID, in: site.providers.map(\.id)).map { "（是不是 “\($0)”？）" } ?? ""
                notes.append("还没有 id 为 “\(providerID)” 的服务商\(near)：记得也建好它（roster new provider \(providerID)），否则检查会报错")
            }
        }
        return notes
    }

    private static func existingLocation(of id: String, kind: Kind, in site: Site) -> SourceLocation? {
        switch kind {
        case .provider: site.providerByID[id]?.source.location
        case .case: site.cases.first { $0.id == id }?.source.location
        case .notice: site.notices.first { $0.id == id }?.source.location
        }
    }

    // MARK: - The file

    /// The text of the new file.
    public static func template(_ request: Request, site: Site?) -> String {
        let kind = request.kind
        var lines = ["---", "# yaml-language-server: $schema=../../Schemas/\(kind.rawValue).schema.json"]
        lines += [
            "# 新\(kind.label)，由 roster new \(kind.rawValue) \(request.id) 生成。怎么填：",
            "#   1. 把每个【待填写……】整个换成真实内容（连同两边的【】）；",
            "#   2. 标着“选填”的字段用不上就删掉那一行（它下面缩进的行一起删）；",
            "#   3. 保存后运行 roster check，或开着 roster serve 看页面：没填好的地方会列出来，带行号。",
            "# 以 # 开头的行是说明，可以留着也可以删掉。每个字段的详细说明见 docs/编辑指南.md。",
        ]
        let context = Context(request: request, site: site)
        for field in kind.fields {
            lines += emit(field, indent: "", path: field.name, context: context)
        }
        lines.append("---")
        lines.append("")
        lines.append(body(kind))
        return lines.joined(separator: "\n") + "\n"
    }

    private struct Context {
        var request: Request
        var site: Site?

        var industryChoices: String {
            guard let site, !site.industries.isEmpty else { return "见 Content/industries.yaml" }
            return site.industries.map { "\($0.id)（\($0.name)）" }.joined(separator: "、")
        }
    }

    private static func body(_ kind: Kind) -> String {
        switch kind {
        case .provider:
            "【待填写：服务商简介。用几段话介绍公司、团队、服务过的行业和典型做法，可以用 Markdown 的小标题（## 开头）和列表（- 开头）】"
        case .case:
            "【待填写：案例正文。写清楚企业原来遇到的问题、做了什么改造、用了多久、效果如何】"
        case .notice:
            "【待填写：通知正文。照原文录入，章节标题用 ## 开头】"
        }
    }

    /// The comment and value lines of one field (and its sub-fields), indented by `indent`.
    private static func emit(_ field: ContentSchema.Field, indent: String, path: String, context: Context,
                             firstPrefix: String? = nil) -> [String] {
        let lead = firstPrefix ?? indent
        // The comment of a list item's first field sits at the dash, not at the field.
        let commentIndent = firstPrefix.map { String($0.dropLast(2)) } ?? indent
        var lines = comment(field, path: path, context: context).map { commentIndent + "# " + $0 }
        switch field.kind {
        case .object(let subfields):
            lines.append(lead + field.name + ":")
            for sub in subfields {
                lines += emit(sub, indent: indent + "  ", path: path + "." + sub.name, context: context)
            }
        case .list(.object(let subfields)):
            lines.append(lead + field.name + ":")
            for (i, sub) in subfields.enumerated() {
                lines += emit(sub, indent: indent + "    ", path: path + "." + sub.name, context: context,
                              firstPrefix: i == 0 ? indent + "  - " : nil)
            }
        default:
            lines.append(lead + field.name + ": " + value(field, path: path, context: context))
        }
        return lines
    }

    private static func comment(_ field: ContentSchema.Field, path: String, context: Context) -> [String] {
        var text = field.description
        if !text.hasSuffix("。") { text += "。" }
        text += requirement[path] ?? (field.required ? "必填。" : "选填。")
        var lines = [text]
        switch (path, field.kind) {
        case ("credit_code", _):
            lines += creditCodeComment
        case ("parent_credit_code", _):
            lines.append("校验位的算法和 credit_code 一样。")
        case ("industries", _), ("industry", _):
            lines.append("可选的行业：\(context.industryChoices)")
        case ("results.unit", _):
            lines.append("百分号要加英文引号：unit: \"%\"")
        case (_, .choice(let values)), (_, .list(.choice(let values))):
            if !values.allSatisfy({ field.description.contains($0) }) {
                lines.append("可选：" + values.joined(separator: "、"))
            }
        default:
            break
        }
        return lines
    }

    /// Where “required” depends on the kind of provider or notice, say so instead of 必填/选填.
    private static let requirement: [String: String] = [
        "id": "与文件名相同，一般不用改。",
        "products": "“小快轻准”产品型服务商填写，其他类型删掉这一段（products 和它下面缩进的行）。",
        "chain_leader": "只有“链主”企业型服务商填写，而且必须填；其他类型删掉这一段（chain_leader 和它下面缩进的行）。",
        "chain_leader.mode": "“链主”企业型必填。",
        "chain_leader.revenue_last_year": "“链主”企业型应填。",
        "chain_leader.pilot_enterprises": "“链主”企业型应填。",
        "status": "选填，默认 recommended；列入公示名单时写 publicity，公示期满无异议后改为 recommended。",
        "history": "选填；每次状态变化加一项，旧的在前。",
        "publicity": "只有公示（kind: publicity）填写，其他通知删掉这一段（publicity 和它下面缩进的行）。",
        "attachments": "选填；每个附件一项，file 和 url 二选一，用不上的那一行删掉。",
        "attachments.file": "有电子版文件时填写：先把文件放进 Content/media/attachments/。",
        "attachments.url": "附件在别的网站上时填写。",
    ]

    /// How the check character works, so an editor can see why a mistyped code is refused.
    static let creditCodeComment: [String] = {
        var weight = 1
        var weights: [Int] = []
        for _ in 0..<17 {
            weights.append(weight)
            weight = weight * 3 % 31
        }
        return [
            "照营业执照抄写，加英文双引号。代码只用数字和大写字母，没有 I、O、Z、S、V。",
            "第 18 位是校验位，由前 17 位算出（GB 32100-2015）：把每一位换成数值（0–9 就是本身，A=10、B=11……依次往后，跳过 I、O、Z、S、V），",
            "依次乘以 \(weights.map(String.init).joined(separator: "、"))，",
            "乘积相加后除以 31 取余数，31 减去余数就是校验位的数值（得 31 时为 0）。",
            "所以抄错任何一位，校验位都对不上：roster check 会报错，并说出按前 17 位算出的校验位应该是什么。",
        ]
    }()

    private static func value(_ field: ContentSchema.Field, path: String, context: Context) -> String {
        let request = context.request
        switch path {
        case "id": return request.id
        case "industries" where !request.industries.isEmpty: return "[" + request.industries.joined(separator: ", ") + "]"
        case "industry" where !request.industries.isEmpty: return request.industries[0]
        case "provider" where request.provider != nil: return request.provider!
        case "credit_code": return "\"【待填写：18 位统一社会信用代码】\""
        case "parent_credit_code": return "\"【待填写：母公司的 18 位统一社会信用代码；不是分公司、子公司就删掉这一行】\""
        case "status": return ProviderStatus.recommended.rawValue
        default: break
        }
        return placeholder(for: field.kind)
    }

    private static func placeholder(for kind: ContentSchema.Kind) -> String {
        switch kind {
        case .text, .pattern: "【待填写】"
        case .date: "【待填写：日期，如 2024-03-15】"
        case .dateTime: "\"【待填写：如 2024-01-31 或 2024-01-31 17:00】\""
        case .bool: "false"
        case .integer: "【待填写：整数】"
        case .number: "【待填写：数字】"
        case .url: "【待填写：https://……】"
        case .choice(let values) where values.count <= 4: "【待填写：\(values.joined(separator: " 或 "))】"
        case .choice: "【待填写：从上面的可选值里选一个】"
        case .list(.choice(let values)) where values.count <= 3:
            "[【待填写：从 \(values.joined(separator: "、")) 中选，可选多个，用英文逗号隔开】]"
        case .list(.choice): "[【待填写：从上面的可选值里选，可选多个，用英文逗号隔开】]"
        case .list: "[【待填写】]"
        case .object: "【待填写】"
        }
    }
}

private enum FileSystemAccess {
    static func createDirectory(_ path: String) throws(Scaffold.Failure) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw Scaffold.Failure(message: "无法创建文件夹 \(path)：\(error.localizedDescription)")
        }
    }
}
