/// A parsed YAML or JSON value that remembers where it was written.
///
/// Scalars keep their text exactly as written: the schema, not YAML's guesses, decides the type,
/// so `phone: 51917601` stays the string `51917601` and a 19-digit `index_no` is never rounded.
public struct ContentValue: Sendable {
    public enum Kind: Sendable {
        /// `quoted` is true for quoted YAML scalars and JSON strings.
        case scalar(String, quoted: Bool)
        case null
        case list([ContentValue])
        case map([Entry])
    }

    public struct Entry: Sendable {
        public var key: String
        public var keyLine: Int
        public var keyColumn: Int
        public var value: ContentValue
    }

    public var kind: Kind
    public var line: Int
    public var column: Int

    public init(_ kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    /// A short Chinese name of the value's shape, for error messages.
    public var shapeName: String {
        switch kind {
        case .scalar: return "单个值"
        case .null: return "空值"
        case .list: return "列表"
        case .map: return "键值对象"
        }
    }
}
