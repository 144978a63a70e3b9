import Foundation

/// A case (服务案例): what a provider did for one enterprise, and what it achieved.
public struct Case: Sendable, Identifiable {
    public var id: String
    public var title: String
    /// Provider id.
    public var provider: String
    /// Industry id.
    public var industry: String
    /// The SME served (试点企业).
    public var enterprise: String
    public var role: CaseRole
    public var location: CaseLocation?
    public var areas: [String]
    /// Shown in the 案例展厅.
    public var showroom: Bool
    public var date: Day?
    public var summary: String?
    public var results: [Result]
    /// Image path relative to `Content/`.
    public var cover: String?
    public var sample: Bool
    public var body: MarkdownBody
    public var source: EntrySource

    /// One measured result: a metric before and after the work.
    public struct Result: Sendable {
        public var metric: String
        public var before: Decimal
        public var after: Decimal
        public var unit: String
    }
}
