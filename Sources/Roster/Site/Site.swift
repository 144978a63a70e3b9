/// Everything loaded from `Content/`: the one model that `build`, `check` and `serve` share.
public struct Site: Sendable {
    /// The site root (the folder holding `Content/`).
    public var root: String
    public var config: SiteConfig
    public var industries: [Industry]
    public var providers: [Provider]
    public var cases: [Case]
    public var notices: [Notice]
    public var calendar: WorkingDayCalendar
    /// Files under `Content/media/`, relative to `Content/` (`media/covers/x.svg`), sorted.
    public var mediaFiles: [String]
    /// Byte size of each media file, for attachment listings.
    public var mediaSizes: [String: Int]

    public var providerByID: [String: Provider] = [:]
    public var industryByID: [String: Industry] = [:]
    /// Cases of each provider, in date order (newest first) then id.
    public var casesByProvider: [String: [Case]] = [:]

    init(root: String, config: SiteConfig, industries: [Industry], providers: [Provider], cases: [Case], notices: [Notice],
         calendar: WorkingDayCalendar, mediaFiles: [String], mediaSizes: [String: Int]) {
        self.root = root
        self.config = config
        self.industries = industries
        self.providers = providers.stablySorted { $0.id < $1.id }
        self.cases = cases.stablySorted { $0.id < $1.id }
        self.notices = notices.stablySorted { ($0.published, $0.id) > ($1.published, $1.id) }
        self.calendar = calendar
        self.mediaFiles = mediaFiles
        self.mediaSizes = mediaSizes
        providerByID = Dictionary(self.providers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        industryByID = Dictionary(industries.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        casesByProvider = Dictionary(grouping: self.cases, by: \.provider).mapValues {
            $0.sorted { ($0.date ?? Day(ordinal: 0), $1.id) > ($1.date ?? Day(ordinal: 0), $0.id) }
        }
    }
}

extension Array {
    /// `sorted(by:)` (which is stable), without moving anything when the array is in order already — as entries
    /// read from files listed by name usually are.
    func stablySorted(by areInIncreasingOrder: (Element, Element) -> Bool) -> [Element] {
        for i in indices.dropFirst() where areInIncreasingOrder(self[i], self[i - 1]) {
            return sorted(by: areInIncreasingOrder)
        }
        return self
    }
}
