/// The fixed word lists of the notice, shared by the loader, the rules and the JSON Schemas.
public enum Vocabulary {
    /// Districts of Qingdao, and 市外 for providers not registered in Qingdao.
    public static let districts = [
        "市南区", "市北区", "李沧区", "崂山区", "西海岸新区", "城阳区", "即墨区", "胶州市", "平度市", "莱西市",
        "青岛高新区", "青岛自贸区", "市外",
    ]

    /// Service areas named in the notice (二、(一)5 and (三)1).
    public static let serviceAreas = [
        "研发设计", "生产制造", "质量管理", "仓储物流", "运营管理", "经营管理", "市场服务", "数字化能力评估",
    ]
}

/// The three kinds of recommended provider the notice selects.
public enum ProviderType: String, CaseIterable, Sendable, Comparable {
    /// 综合集成型服务商.
    case integrator
    /// “小快轻准”产品型服务商.
    case product
    /// “链主”企业型服务商.
    case chainLeader = "chain-leader"

    public static func < (a: ProviderType, b: ProviderType) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Where a provider stands in the directory.
public enum ProviderStatus: String, CaseIterable, Sendable {
    case recommended, publicity, suspended, withdrawn

    /// Whether the provider counts in the active directory and the quotas.
    public var isActive: Bool { self == .recommended || self == .publicity }
}

/// The two modes of a chain-leader provider (三、(三)).
public enum ChainLeaderMode: String, CaseIterable, Sendable {
    /// “链主”企业主导改造模式.
    case lead
    /// “链主”企业生态服务模式.
    case ecosystem
}

/// What a provider did for the enterprise in a case.
public enum CaseRole: String, CaseIterable, Sendable {
    /// 数字化改造.
    case transformation
    /// 数字化能力验收评估.
    case assessment
}

/// Where the enterprise of a case is.
public enum CaseLocation: String, CaseIterable, Sendable {
    case qingdao, elsewhere
}

/// What a notice is for.
public enum NoticeKind: String, CaseIterable, Sendable {
    case call, publicity, result, other
}
