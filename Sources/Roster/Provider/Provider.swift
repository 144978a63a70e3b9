/// A recommended service provider (推荐服务商) of the directory.
///
/// Immutable and shared by reference: tens of thousands pass through the rules, the fingerprints and the pages, and
/// copying a struct of them retained every field (an eighth of a rebuild's time at 20,000 cases).
public final class Provider: Sendable, Identifiable {
    public let id: String
    public let name: String
    /// 统一社会信用代码 (GB 32100-2015).
    public let creditCode: String
    public let types: [ProviderType]
    /// Industry ids.
    public let industries: [String]
    public let district: String
    public let serviceAreas: [String]
    public let summary: String?
    public let website: String?
    public let contact: Contact?
    /// The “小快轻准” products.
    public let products: [Product]
    public let chainLeader: ChainLeader?
    /// Parent's credit code for branches and subsidiaries.
    public let parentCreditCode: String?
    public let status: ProviderStatus
    public let history: [StatusChange]
    public let sample: Bool
    public let body: MarkdownBody
    public let source: EntrySource

    /// An entry as decoded (the loader makes them; a site's entries are shared, never copied field by field).
    init(id: String, name: String, creditCode: String, types: [ProviderType], industries: [String], district: String,
         serviceAreas: [String], summary: String?, website: String?, contact: Contact?, products: [Product],
         chainLeader: ChainLeader?, parentCreditCode: String?, status: ProviderStatus, history: [StatusChange],
         sample: Bool, body: MarkdownBody, source: EntrySource) {
        self.id = id
        self.name = name
        self.creditCode = creditCode
        self.types = types
        self.industries = industries
        self.district = district
        self.serviceAreas = serviceAreas
        self.summary = summary
        self.website = website
        self.contact = contact
        self.products = products
        self.chainLeader = chainLeader
        self.parentCreditCode = parentCreditCode
        self.status = status
        self.history = history
        self.sample = sample
        self.body = body
        self.source = source
    }

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
