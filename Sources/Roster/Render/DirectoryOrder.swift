/// The order and the A–Z index of the provider directory.
///
/// Most providers are registered as 青岛…有限公司: indexed on the full name nearly all would sit under Q and the
/// index would help nobody. Readers know a firm by its distinctive name, so the directory sorts and indexes on
/// the name without a leading 青岛市 or 青岛 (青岛能衡能源科技有限公司 is found under N, as 能衡). The full name is
/// still what every page shows.
enum DirectoryOrder {
    static let droppedPrefixes = ["青岛市", "青岛"]

    /// The part of a name the directory sorts and indexes on.
    static func indexName(_ name: String) -> String {
        for prefix in droppedPrefixes where name.hasPrefix(prefix) && name.count > prefix.count {
            return String(name.dropFirst(prefix.count))
        }
        return name
    }

    /// The A–Z letter a provider is listed under (`#` for names that start with a digit or a symbol).
    static func initial(_ name: String) -> String { Pinyin.initial(of: indexName(name)) }

    /// Providers in directory order: pinyin of the index name, then id.
    static func sorted(_ providers: [Provider]) -> [Provider] {
        Pinyin.sorted(providers, name: { indexName($0.name) }, id: \.id)
    }
}
