import Foundation

/// What a change does to the published directory, in plain words for the pull-request reviewer.
public struct ReviewSummary: Sendable {
    public var lines: [String]

    /// Compares the content at `base` (another checkout of the site) with `head`.
    public init(base: Site?, head: Site) {
        var lines: [String] = []
        let baseProviders = Dictionary(uniqueKeysWithValues: (base?.providers ?? []).map { ($0.id, $0) })
        let headProviders = head.providerByID
        let label: [ProviderStatus: String] = [.recommended: "推荐", .publicity: "公示中", .suspended: "暂停", .withdrawn: "已退出"]
        let typeLabel: [ProviderType: String] = [.integrator: "综合集成型", .product: "“小快轻准”产品型", .chainLeader: "“链主”企业型"]
        func describe(_ p: Provider) -> String {
            "\(p.name)（\(p.types.compactMap { typeLabel[$0] }.joined(separator: "、"))；\(p.industries.map { head.industryByID[$0]?.name ?? $0 }.joined(separator: "、"))）"
        }
        let added = head.providers.filter { baseProviders[$0.id] == nil }
        let removed = (base?.providers ?? []).filter { headProviders[$0.id] == nil }
        let changed = head.providers.compactMap { p -> (Provider, Provider)? in
            guard let old = baseProviders[p.id], old.status != p.status else { return nil }
            return (old, p)
        }
        let renamed = head.providers.compactMap { p -> (Provider, Provider)? in
            guard let old = baseProviders[p.id], old.name != p.name || old.types != p.types || old.industries != p.industries else { return nil }
            return (old, p)
        }
        lines.append("## 名录变化")
        if added.isEmpty && removed.isEmpty && changed.isEmpty && renamed.isEmpty { lines.append("- 服务商没有变化。") }
        for p in added { lines.append("- 新增服务商：\(describe(p))，状态：\(label[p.status]!)") }
        for p in removed { lines.append("- 删除服务商：\(describe(p))（注意：已退出的服务商应改为 status: withdrawn 保留存档，而不是删除文件）") }
        for (old, p) in changed { lines.append("- 状态变化：\(p.name) 从“\(label[old.status]!)”变为“\(label[p.status]!)”") }
        for (old, p) in renamed {
            lines.append("- 信息变化：\(old.name == p.name ? p.name : "\(old.name) → \(p.name)")（类型、行业：\(describe(old)) → \(describe(p))）")
        }

        lines.append("")
        lines.append("## 各行业服务商数量（推荐和公示中）")
        lines.append("| 行业 | 类型 | 变更前 | 变更后 | 名额 |")
        lines.append("|---|---|---|---|---|")
        for industry in head.industries {
            for type in ProviderType.allCases {
                func count(_ site: Site?) -> Int {
                    (site?.providers ?? []).filter { $0.status.isActive && $0.has(type) && $0.industries.contains(industry.id) }.count
                }
                let before = count(base), after = count(head)
                let quota = industry.quotas[type].map { "\($0.lowerBound)–\($0.upperBound)" + ($0.contains(after) ? "" : "（不符）") } ?? "—"
                lines.append("| \(industry.name) | \(typeLabel[type]!) | \(before) | \(after)\(after != before ? (after > before ? " ↑" : " ↓") : "") | \(quota) |")
            }
        }

        let baseShowroom = Set((base?.cases ?? []).filter(\.showroom).map(\.id))
        let newShowroom = head.cases.filter { $0.showroom && !baseShowroom.contains($0.id) }
        let headShowroom = Set(head.cases.filter(\.showroom).map(\.id))
        let leftShowroom = (base?.cases ?? []).filter { $0.showroom && !headShowroom.contains($0.id) }
        let baseCases = Set((base?.cases ?? []).map(\.id))
        let addedCases = head.cases.filter { !baseCases.contains($0.id) }
        lines.append("")
        lines.append("## 案例")
        lines.append("- 新增案例 \(addedCases.count) 个，案例总数 \(base?.cases.count ?? 0) → \(head.cases.count)。")
        for c in newShowroom { lines.append("- 新进入案例展厅：\(c.title)（\(head.providerByID[c.provider]?.name ?? c.provider)，\(head.industryByID[c.industry]?.name ?? c.industry)）") }
        for c in leftShowroom { lines.append("- 移出案例展厅：\(c.title)") }
        self.lines = lines
    }

    public var text: String { lines.joined(separator: "\n") + "\n" }

    /// Loads the site as it is at git revision `ref` (only `Content/` is needed) into a temporary folder.
    public static func loadBase(root: String, ref: String) throws -> Site? {
        let temp = NSTemporaryDirectory() + "roster-base-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: temp) }
        let script = "git -C \"$1\" archive --format=tar \"$2\" -- Content | tar -x -C \"$3\""
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, "sh", root, ref, temp]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw SummaryError(message: "无法读取 git 版本 “\(ref)” 的 Content/：\(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return SiteLoader.load(root: temp).site
    }

    public struct SummaryError: Error, Sendable { public var message: String }
}
