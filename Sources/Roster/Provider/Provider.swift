/// A recommended service provider (推荐服务商) of the directory.
public struct Provider: Sendable, Identifiable {
    public var id: String
    public var name: String
    /// 统一社会信用代码 (GB 32100-2015).
    public var creditCode: String
    public var types: [ProviderType]
    /// Industry ids.
    public var industries: [String]
    public var district: String
    public var serviceAreas: [String]
    public var summary: String?
    public var website: String?
    public var contact: Contact?
    /// The “小快轻准” products.
    public var products: [Product]
    public var chainLeader: ChainLeader?
    /// Parent's credit code for branches and subsidiaries.
    public var parentCreditCode: String?
    public var status: ProviderStatus
    public var history: [StatusChange]
    public var sample: Bool
    public var body: MarkdownBody
    public var source: EntrySource

    public struct Contact: Sendable {
        public var person: String?
        public var phone: String?
        public var email: String?
    }

    public struct Product: Sendable {
        public var name: String
        public var areas: [String]
        public var summary: String?
    }

    public struct ChainLeader: Sendable {
        public var mode: ChainLeaderMode?
        /// Revenue of the last year in yuan (CNY).
        public var revenueLastYear: Int?
        public var pilotEnterprises: Int?
        public var platforms: [String]
    }

    public struct StatusChange: Sendable {
        public var date: Day?
        public var status: ProviderStatus?
        public var note: String?
    }

    public func has(_ type: ProviderType) -> Bool { types.contains(type) }
}
