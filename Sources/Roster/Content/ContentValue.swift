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

extension ContentValue {
    /// The value as bytes, so a later build can take a file's front matter from the body facts (``BodyFacts``)
    /// instead of reading and parsing the file again: kinds, texts and positions, nothing else.
    ///
    /// Per value: a tag (0 scalar, 1 quoted scalar, 2 null, 3 list, 4 map), its line and column; a scalar's text;
    /// a list's count and values; a map's count and per entry its key, the key's line and column, and its value.
    /// Numbers are LEB128 varints, texts length-prefixed (see ``ByteWriter``).
    func encode(into out: inout [UInt8]) {
        switch kind {
        case .scalar(_, let quoted): out.append(quoted ? 1 : 0)
        case .null: out.append(2)
        case .list: out.append(3)
        case .map: out.append(4)
        }
        SearchIndex.putVarint(line, into: &out)
        SearchIndex.putVarint(column, into: &out)
        switch kind {
        case .scalar(let text, _):
            ByteWriter.lengthPrefixed(text.utf8, into: &out)
        case .null:
            break
        case .list(let items):
            SearchIndex.putVarint(items.count, into: &out)
            for item in items { item.encode(into: &out) }
        case .map(let entries):
            SearchIndex.putVarint(entries.count, into: &out)
            for entry in entries {
                ByteWriter.lengthPrefixed(entry.key.utf8, into: &out)
                SearchIndex.putVarint(entry.keyLine, into: &out)
                SearchIndex.putVarint(entry.keyColumn, into: &out)
                entry.value.encode(into: &out)
            }
        }
    }

    /// The value `encode(into:)` wrote in `bytes`, or nil if they hold anything else (a value nested deeper than
    /// any front matter the loader accepts, a count larger than the bytes, bytes left over).
    init?(encoded bytes: [UInt8]) {
        var reader = ByteReader(bytes, from: 0, to: bytes.count)
        guard let value = Self.decode(&reader, depth: 0), reader.atEnd else { return nil }
        self = value
    }

    private static func decode(_ reader: inout ByteReader, depth: Int) -> ContentValue? {
        guard depth <= YAMLReader.maxDepth, let tag = reader.take(1)?.first, let line = reader.varint(),
              let column = reader.varint() else { return nil }
        switch tag {
        case 0, 1:
            guard let text = reader.text() else { return nil }
            return ContentValue(.scalar(text, quoted: tag == 1), line: line, column: column)
        case 2:
            return ContentValue(.null, line: line, column: column)
        case 3:
            guard let count = reader.varint(), count <= reader.end - reader.position else { return nil }
            var items: [ContentValue] = []
            items.reserveCapacity(count)
            for _ in 0..<count {
                guard let item = decode(&reader, depth: depth + 1) else { return nil }
                items.append(item)
            }
            return ContentValue(.list(items), line: line, column: column)
        case 4:
            guard let count = reader.varint(), count <= reader.end - reader.position else { return nil }
            var entries: [Entry] = []
            entries.reserveCapacity(count)
            for _ in 0..<count {
                guard let key = reader.text(), let keyLine = reader.varint(), let keyColumn = reader.varint(),
                      let value = decode(&reader, depth: depth + 1) else { return nil }
                entries.append(Entry(key: key, keyLine: keyLine, keyColumn: keyColumn, value: value))
            }
            return ContentValue(.map(entries), line: line, column: column)
        default:
            return nil
        }
    }
}
