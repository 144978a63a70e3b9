import Foundation

/// A case (服务案例): what a provider did for one enterprise, and what it achieved.
///
/// Immutable and shared by reference: tens of thousands pass through the rules, the fingerprints and the pages, and
/// copying a struct of them retained every field (an eighth of a rebuild's time at 20,000 cases).
public final class Case: Sendable, Identifiable {
    public let id: String
    public let title: String
    /// Provider id.
    public let provider: String
    /// Industry id.
    public let industry: String
    /// The SME served (试点企业).
    public let enterprise: String
    public let role: CaseRole
    public let location: CaseLocation?
    public let areas: [String]
    /// Shown in the 案例展厅.
    public let showroom: Bool
    public let date: Day?
    public let summary: String?
    public let results: [Result]
    /// Image path relative to `Content/`.
    public let cover: String?
    public let sample: Bool
    public let body: MarkdownBody
    public let source: EntrySource

    /// An entry as decoded (the loader makes them; a site's entries are shared, never copied field by field).
    init(id: String, title: String, provider: String, industry: String, enterprise: String, role: CaseRole,
         location: CaseLocation?, areas: [String], showroom: Bool, date: Day?, summary: String?, results: [Result],
         cover: String?, sample: Bool, body: MarkdownBody, source: EntrySource) {
        self.id = id
        self.title = title
        self.provider = provider
        self.industry = industry
        self.enterprise = enterprise
        self.role = role
        self.location = location
        self.areas = areas
        self.showroom = showroom
        self.date = date
        self.summary = summary
        self.results = results
        self.cover = cover
        self.sample = sample
        self.body = body
        self.source = source
    }

    /// One measured result: a metric before and after the work.
    public struct Result: Sendable {
        public var metric: String
        public var before: Decimal
        public var after: Decimal
        public var unit: String
    }
}
