import Foundation

/// The notice's rules about providers: credit codes, one entity once, industries per type, cases, showroom, chain leaders.
enum ProviderRules {
    static func check(_ site: Site, into findings: inout FindingList) {
        creditCodes(site, into: &findings)
        sameEntity(site, into: &findings)
        for provider in site.providers where provider.status != .withdrawn {
            industries(provider, into: &findings)
            caseCounts(provider, site: site, into: &findings)
            showroom(provider, site: site, into: &findings)
            chainLeader(provider, into: &findings)
            transformationAndAssessment(provider, site: site, into: &findings)
        }
    }

    /// Rule 3: 统一社会信用代码 per GB 32100-2015, with the expected check character in the hint.
    static func creditCodes(_ site: Site, into findings: inout FindingList) {
        for provider in site.providers {
            check(provider.creditCode, field: "credit_code", provider: provider, into: &findings)
            if let parent = provider.parentCreditCode {
                check(parent, field: "parent_credit_code", provider: provider, into: &findings)
            }
        }
    }

    private static func check(_ code: String, field: String, provider: Provider, into findings: inout FindingList) {
        guard let problem = CreditCode.validate(code) else { return }
        let at = provider.source.location(of: field)
        switch problem {
        case .length(let count):
            findings.error("credit-code.format", at: at, "统一社会信用代码 “\(code)” 应是 18 位，这里是 \(count) 位",
                           hint: "核对营业执照上的代码，不要带空格")
        case .invalidCharacter(let ch, let position):
            let hint = "O、I、Z、S、V 不会出现在代码里" + ("oiszv".contains(ch.lowercased()) || ch.isLowercase ? "；字母应大写，O 可能是数字 0" : "")
            findings.error("credit-code.format", at: at, "统一社会信用代码第 \(position) 位 “\(ch)” 不是允许的字符", hint: hint)
        case .checkCharacter(let expected, let found):
            findings.error("credit-code.checksum", at: at, "统一社会信用代码 “\(code)” 的校验位不对（第 18 位是 “\(found)”）",
                           hint: "按 GB 32100-2015 计算，前 17 位对应的校验位应是 “\(expected)”；请核对营业执照，常见原因是抄错了一位")
        }
    }

    /// Rule 4: 同一主体的不同分公司或子公司不得重复参与遴选.
    static func sameEntity(_ site: Site, into findings: inout FindingList) {
        let providers = site.providers
        func clash(_ a: Provider, _ b: Provider, _ message: String, field: String, otherField: String) {
            findings.error("provider.same-entity", at: a.source.location(of: field), message,
                           hint: "同一主体的不同分公司或子公司不得重复参与遴选：只保留其中一家",
                           related: [b.source.location(of: otherField)])
        }
        let byCode = Dictionary(grouping: providers, by: \.creditCode)
        for (code, group) in byCode where group.count > 1 {
            for a in group {
                for b in group where b.id != a.id {
                    clash(a, b, "服务商 “\(a.name)” 与 “\(b.name)” 的统一社会信用代码相同（\(code)）", field: "credit_code", otherField: "credit_code")
                }
            }
        }
        for a in providers {
            guard let parent = a.parentCreditCode else { continue }
            for b in byCode[parent] ?? [] where b.id != a.id {
                clash(a, b, "服务商 “\(a.name)” 是 “\(b.name)” 的分公司或子公司（parent_credit_code 是它的代码）",
                      field: "parent_credit_code", otherField: "credit_code")
                clash(b, a, "服务商 “\(b.name)” 的分公司或子公司 “\(a.name)” 也在名录中", field: "credit_code", otherField: "parent_credit_code")
            }
        }
        let byParent = Dictionary(grouping: providers.filter { $0.parentCreditCode != nil }, by: { $0.parentCreditCode! })
        for (parent, group) in byParent where group.count > 1 {
            for a in group {
                for b in group where b.id != a.id {
                    clash(a, b, "服务商 “\(a.name)” 与 “\(b.name)” 属于同一母公司（\(parent)）", field: "parent_credit_code",
                          otherField: "parent_credit_code")
                }
            }
        }
    }

    /// Rule 5: integrators and product providers 原则上 at most 2 industries; chain leaders exactly one.
    static func industries(_ provider: Provider, into findings: inout FindingList) {
        let at = provider.source.location(of: "industries")
        if provider.has(.chainLeader), provider.industries.count != 1 {
            findings.error("provider.chain-leader-industries", at: at,
                           "“链主”企业型服务商只能申报本行业方向，这里有 \(provider.industries.count) 个行业",
                           hint: "industries 只保留一个行业")
        }
        if provider.has(.integrator) || provider.has(.product), provider.industries.count > 2 {
            findings.warning("provider.industry-count", at: at,
                             "综合集成型、“小快轻准”产品型服务商原则上最多推荐 2 个细分行业方向，这里有 \(provider.industries.count) 个",
                             hint: "确认是否有特批；否则只保留 2 个行业")
        }
    }

    /// How many cases count for rule 6: transformation cases (数字化改造) of the provider in one industry.
    static func serviceCaseCount(_ provider: Provider, industry: String, site: Site) -> Int {
        (site.casesByProvider[provider.id] ?? []).reduce(0) { $0 + ($1.industry == industry && $1.role == .transformation ? 1 : 0) }
    }

    /// Rule 6: integrators at least 2 cases per industry, product providers at least 3.
    static func caseCounts(_ provider: Provider, site: Site, into findings: inout FindingList) {
        var required = 0
        var who = ""
        if provider.has(.integrator) { required = 2; who = "综合集成型服务商" }
        if provider.has(.product) { required = 3; who = provider.has(.integrator) ? "同时申报“小快轻准”产品型的服务商" : "“小快轻准”产品型服务商" }
        guard required > 0 else { return }
        for industry in provider.industries where site.industryByID[industry] != nil {
            let count = serviceCaseCount(provider, industry: industry, site: site)
            if count < required {
                findings.error("provider.case-count", at: provider.source.location(of: "industries"),
                               "\(who)在每个行业至少要有 \(required) 个本行业服务案例；“\(provider.name)” 在 \(site.industryByID[industry]!.name) 只有 \(count) 个",
                               hint: "在 Content/cases/ 里补充该行业的数字化改造案例（provider: \(provider.id)，industry: \(industry)）")
            }
        }
    }

    /// Rule 7: showroom cases per industry — integrators 2, product providers 3 (warning).
    static func showroom(_ provider: Provider, site: Site, into findings: inout FindingList) {
        let limit = provider.has(.integrator) ? 2 : (provider.has(.product) ? 3 : Int.max)
        guard limit < Int.max else { return }
        let cases = (site.casesByProvider[provider.id] ?? []).filter(\.showroom)
        for (industry, group) in Dictionary(grouping: cases, by: \.industry) where group.count > limit {
            findings.warning("provider.showroom-count", at: provider.source.location,
                             "“\(provider.name)” 在 \(site.industryByID[industry]?.name ?? industry) 有 \(group.count) 个展厅案例，超过可部署的 \(limit) 个",
                             hint: "只给其中 \(limit) 个案例设 showroom: true", related: group.map(\.source.location).sorted())
        }
    }

    /// Rule 8: chain leaders describe their mode, pilots (原则上 ≥ 10) and revenue (原则上 ≥ 10 亿元).
    static func chainLeader(_ provider: Provider, into findings: inout FindingList) {
        guard provider.has(.chainLeader) else { return }
        guard let chain = provider.chainLeader else {
            findings.error("provider.chain-leader-info", at: provider.source.location,
                           "“链主”企业型服务商缺少 chain_leader 信息",
                           hint: "加上 chain_leader: {mode: lead 或 ecosystem, revenue_last_year: 上一年度主营业务收入（元）, pilot_enterprises: 试点企业数}")
            return
        }
        let at = provider.source.location(of: "chain_leader")
        if chain.mode == nil {
            findings.error("provider.chain-leader-info", at: at, "chain_leader 缺少 mode（服务模式）",
                           hint: "mode: lead（“链主”企业主导改造模式）或 ecosystem（“链主”企业生态服务模式）")
        }
        if (chain.pilotEnterprises ?? 0) < 10 {
            findings.warning("provider.chain-leader-pilots", at: at,
                             "上下游协作配套的试点企业原则上不少于 10 家，这里是 \(chain.pilotEnterprises.map(String.init) ?? "未填写")",
                             hint: "填写 pilot_enterprises；不足 10 家需说明理由")
        }
        if (chain.revenueLastYear ?? 0) < 1_000_000_000 {
            let revenue = chain.revenueLastYear.map { "\(Format.grouped($0)) 元" } ?? "未填写"
            findings.warning("provider.chain-leader-revenue", at: at,
                             "上一年度主营业务收入原则上不低于 10 亿元，这里是 \(revenue)",
                             hint: "revenue_last_year 以元为单位，如 10 亿元写 1000000000")
        }
    }

    /// Rule 9: 服务商不可为同一家试点企业同时开展数字化改造和数字化能力验收评估.
    static func transformationAndAssessment(_ provider: Provider, site: Site, into findings: inout FindingList) {
        let cases = site.casesByProvider[provider.id] ?? []
        // Only a provider with cases of both roles can break the rule: most are done before grouping anything.
        guard cases.contains(where: { $0.role == .assessment }), cases.contains(where: { $0.role == .transformation }) else { return }
        // Grouped by position: grouping the cases themselves copied every case of the site.
        let byEnterprise = Dictionary(grouping: cases.indices, by: { cases[$0].enterprise.trimmingWhitespace() })
        for (enterprise, positions) in byEnterprise {
            let transformations = positions.filter { cases[$0].role == .transformation }.map { cases[$0] }
            let assessments = positions.filter { cases[$0].role == .assessment }.map { cases[$0] }
            guard !transformations.isEmpty, !assessments.isEmpty else { continue }
            for item in transformations + assessments {
                let others = (transformations + assessments).filter { $0.id != item.id }
                findings.error("case.transformation-and-assessment", at: item.source.location(of: "role"),
                               "服务商 “\(provider.name)” 不能为同一家企业 “\(enterprise)” 同时开展数字化改造和数字化能力验收评估（见案例 \(others.map(\.id).joined(separator: "、"))）",
                               hint: "验收评估应由另一家服务商承担；删除或改正其中一个案例", related: others.map(\.source.location).sorted())
            }
        }
    }
}

/// Rule 10: per-industry quotas of active providers, from industries.yaml (warning).
enum QuotaRules {
    static func check(_ site: Site, into findings: inout FindingList) {
        for industry in site.industries {
            for type in ProviderType.allCases {
                guard let quota = industry.quotas[type] else { continue }
                let count = site.providers.filter { $0.status.isActive && $0.has(type) && $0.industries.contains(industry.id) }.count
                guard !quota.contains(count) else { continue }
                let label = ["integrator": "综合集成型", "product": "“小快轻准”产品型", "chain-leader": "“链主”企业型"][type.rawValue]!
                findings.warning("industry.quota", at: industry.source.location(of: "quotas"),
                                 "\(industry.name)的\(label)服务商有 \(count) 家，名额是 \(quota.lowerBound)–\(quota.upperBound) 家（\(count < quota.lowerBound ? "不足" : "超出")）",
                                 hint: "只统计推荐和公示中的服务商；名额见遴选通知“一、遴选范围”")
            }
        }
    }
}
