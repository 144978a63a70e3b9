/// A small deterministic JSON writer: keys in the order given, no locale, no floating point surprises.
///
/// A value is built as a tree here and written by ``JSONStream``; the open data files, which hold every entry,
/// are written straight to a stream instead.
enum JSONValue {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
    static func int(_ value: Int?) -> JSONValue { value.map { .number(String($0)) } ?? .null }
    static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }

    func serialized(pretty: Bool = true) -> String {
        String(decoding: bytes(pretty: pretty), as: UTF8.self)
    }

    /// The serialized UTF-8 bytes; pretty output is indented by two spaces a level and ends with a line break.
    func bytes(pretty: Bool = true) -> [UInt8] {
        var stream = JSONStream(pretty: pretty)
        stream.value(self)
        if pretty { stream.bytes.append(0x0A) }
        return stream.bytes
    }

    /// Quotes a string; `<`, `>`, `&` and U+2028/9 are escaped too so the JSON is safe inside HTML.
    static func quote(_ s: String, into out: inout String) {
        var bytes: [UInt8] = []
        quote(s, into: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// ``quote(_:into:)`` onto bytes: runs that need no escape are copied whole.
    static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            // Most text has nothing to escape: one look at its bytes, then one copy.
            if !bytes.contains(where: mayNeedEscape) {
                out.append(contentsOf: bytes)
                return
            }
            var plain = 0  // start of the run not yet copied
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                let escape: String?
                switch byte {
                case UInt8(ascii: "\""): escape = "\\\""
                case UInt8(ascii: "\\"): escape = "\\\\"
                case 0x0A: escape = "\\n"
                case 0x0D: escape = "\\r"
                case 0x09: escape = "\\t"
                case UInt8(ascii: "<"): escape = "\\u003c"
                case UInt8(ascii: ">"): escape = "\\u003e"
                case UInt8(ascii: "&"): escape = "\\u0026"
                case 0x00..<0x20:
                    let hex = String(byte, radix: 16)
                    escape = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                    escape = bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                default:
                    escape = nil
                }
                guard let escape else { i += 1; continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plain..<i]))
                out.append(contentsOf: escape.utf8)
                i += byte == 0xE2 ? 3 : 1
                plain = i
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plain..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// Bytes that may start something ``quote(_:into:)`` escapes: controls, `"`, `\\`, `<`, `>`, `&`, and the first
    /// byte of U+2028 and U+2029.
    @inline(__always)
    static func mayNeedEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "<")
            || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&") || byte == 0xE2
    }
}

/// JSON written as it is made, as UTF-8 bytes: pretty (two spaces a level) or compact, in the layout of
/// ``JSONValue``. Containers are opened and closed around their items; a value after ``key(_:)`` is that key's.
struct JSONStream {
    var bytes: [UInt8] = []
    let pretty: Bool
    /// Nesting level of the values written at the top (the items of an array written in parts are at level 1).
    private let level: Int
    /// For each open container, whether nothing has been written into it yet.
    private var empty: [Bool] = []
    /// Whether a key was just written, so the next value is its value rather than a new item.
    private var afterKey = false

    init(pretty: Bool = true, level: Int = 0) {
        self.pretty = pretty
        self.level = level
    }

    /// Starts an item of the open array, or the field after a key: the comma and line break before it.
    private mutating func startValue() {
        if afterKey { afterKey = false; return }
        guard let isEmpty = empty.last else { return }
        if isEmpty { empty[empty.count - 1] = false } else { bytes.append(UInt8(ascii: ",")) }
        newline(level + empty.count)
    }

    private mutating func newline(_ indent: Int) {
        guard pretty else { return }
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(0x20, count: 2 * indent))
    }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ bracket: UInt8) {
        startValue()
        bytes.append(bracket)
        empty.append(true)
    }

    private mutating func close(_ bracket: UInt8) {
        if !empty.removeLast() { newline(level + empty.count) }
        bytes.append(bracket)
    }

    /// The key of the next value, inside an object.
    mutating func key(_ key: String) {
        startValue()
        JSONValue.quote(key, into: &bytes)
        bytes.append(contentsOf: (pretty ? ": " : ":").utf8)
        afterKey = true
    }

    mutating func string(_ text: String) {
        startValue()
        JSONValue.quote(text, into: &bytes)
    }

    /// A number already written out (`12`, `3.5`).
    mutating func number(_ text: String) {
        startValue()
        bytes.append(contentsOf: text.utf8)
    }

    mutating func bool(_ value: Bool) {
        startValue()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func null() {
        startValue()
        bytes.append(contentsOf: "null".utf8)
    }

    /// The text, or null.
    mutating func text(_ text: String?) {
        if let text { string(text) } else { null() }
    }

    mutating func strings(_ texts: [String]) {
        beginArray()
        for text in texts { string(text) }
        endArray()
    }

    /// A field of the open object.
    mutating func field(_ name: String, _ text: String) { key(name); string(text) }
    mutating func field(_ name: String, _ text: String?) { key(name); self.text(text) }
    mutating func field(_ name: String, _ value: Bool) { key(name); bool(value) }
    mutating func field(_ name: String, _ value: Int) { key(name); number(String(value)) }
    mutating func field(_ name: String, _ texts: [String]) { key(name); strings(texts) }

    mutating func value(_ value: JSONValue) {
        switch value {
        case .string(let s): string(s)
        case .number(let n): number(n)
        case .bool(let b): bool(b)
        case .null: null()
        case .array(let items):
            beginArray()
            for item in items { self.value(item) }
            endArray()
        case .object(let pairs):
            beginObject()
            for (name, item) in pairs {
                key(name)
                self.value(item)
            }
            endObject()
        }
    }

    /// A pretty array with an item for each of `items`, written by `write` in parallel: the bytes of writing
    /// the items one after the other, for the open data files' thousands of entries.
    static func arrayBytes<T: Sendable>(_ items: [T], _ write: @escaping @Sendable (T, inout JSONStream) -> Void) -> [UInt8] {
        if items.isEmpty { return Array("[]\n".utf8) }
        let parts = items.indices.chunks(of: 256).concurrentMap { range -> [UInt8] in
            var part = JSONStream(level: 1)
            part.bytes.reserveCapacity(range.count * 1_024)
            for i in range {
                if i > 0 { part.bytes.append(UInt8(ascii: ",")) }
                part.newline(1)
                write(items[i], &part)
            }
            return part.bytes
        }
        var out: [UInt8] = []
        out.reserveCapacity(parts.reduce(4) { $0 + $1.count })
        out.append(UInt8(ascii: "["))
        for part in parts { out.append(contentsOf: part) }
        out.append(contentsOf: "\n]\n".utf8)
        return out
    }
}

extension Range where Bound == Int {
    /// The range cut into consecutive ranges of `size` (the last one shorter), for work shared out in chunks.
    func chunks(of size: Int) -> [Range<Int>] {
        stride(from: lowerBound, to: upperBound, by: size).map { $0..<Swift.min($0 + size, upperBound) }
    }
}

/// CSV for spreadsheets (RFC 4180), with a UTF-8 BOM so Excel reads the Chinese correctly.
enum CSVWriter {
    /// Lines of cells being written: cells, then the end of the line.
    struct Row {
        fileprivate(set) var bytes: [UInt8] = []
        private var cells = 0

        mutating func cell(_ value: String) {
            if cells > 0 { bytes.append(UInt8(ascii: ",")) }
            CSVWriter.cell(value, into: &bytes)
            cells += 1
        }

        fileprivate mutating func endLine() {
            bytes.append(contentsOf: [0x0D, 0x0A])
            cells = 0
        }
    }

    static func document(header: [String], rows: [[String]]) -> [UInt8] {
        document(header: header, rows: rows) { values, row in
            for value in values { row.cell(value) }
        }
    }

    /// The header, then a row for each of `items`, written by `write` in parallel, each line ending in CR LF.
    static func document<T: Sendable>(header: [String], rows items: [T], _ write: @escaping @Sendable (T, inout Row) -> Void) -> [UInt8] {
        var head = Row()
        for name in header { head.cell(name) }
        head.endLine()
        // Lines are written in chunks of items, each chunk into one buffer.
        let parts = items.indices.chunks(of: 256).concurrentMap { range -> [UInt8] in
            var lines = Row()
            lines.bytes.reserveCapacity(range.count * 512)
            for i in range {
                write(items[i], &lines)
                lines.endLine()
            }
            return lines.bytes
        }
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        out.reserveCapacity(parts.reduce(head.bytes.count + 3) { $0 + $1.count })
        out.append(contentsOf: head.bytes)
        for part in parts { out.append(contentsOf: part) }
        return out
    }

    /// Quotes a cell; one starting with `=`, `+`, `-`, `@` (or tab/CR) gets a leading `'`
    /// so that spreadsheets show it as text instead of running it as a formula.
    static func cell(_ value: String) -> String {
        var out: [UInt8] = []
        cell(value, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// ``cell(_:)`` onto bytes.
    ///
    /// Judged per byte, that is per Unicode scalar for everything it looks for (all ASCII), not per Character: `"`
    /// followed by a combining mark is one Character but still a quote to every CSV reader, and CR LF is one
    /// Character that is neither CR nor LF.
    static func cell(_ value: String, into out: inout [UInt8]) {
        var value = value
        value.withUTF8 { bytes in
            let formula: Bool
            switch bytes.first {
            case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: formula = true
            default: formula = false
            }
            let needsQuotes = formula || bytes.first == UInt8(ascii: "'")
                || bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
            if !needsQuotes {
                out.append(contentsOf: bytes)
                return
            }
            out.append(UInt8(ascii: "\""))
            if formula { out.append(UInt8(ascii: "'")) }
            for byte in bytes {
                if byte == UInt8(ascii: "\"") { out.append(byte) }
                out.append(byte)
            }
            out.append(UInt8(ascii: "\""))
        }
    }
}

/// Escaping for XML text and attribute values (sitemap, Atom).
enum XMLText {
    static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        escape(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// ``escape(_:)`` onto bytes: runs that need nothing are copied whole.
    static func escape(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            // Most text (every address of the sitemap) has nothing to escape or drop.
            if !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
                || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") || $0 == 0xEF }) {
                out.append(contentsOf: bytes)
                return
            }
            var plain = 0
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                var skip = 1
                let replacement: String?
                switch byte {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\""): replacement = "&quot;"
                case UInt8(ascii: "'"): replacement = "&apos;"
                // XML 1.0 forbids most control characters even escaped, and U+FFFE and U+FFFF: they are dropped.
                case 0x00..<0x20 where byte != 0x0A && byte != 0x09 && byte != 0x0D: replacement = ""
                case 0xEF where i + 2 < bytes.count && bytes[i + 1] == 0xBF && bytes[i + 2] >= 0xBE:
                    replacement = ""
                    skip = 3
                default: replacement = nil
                }
                guard let replacement else { i += 1; continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plain..<i]))
                out.append(contentsOf: replacement.utf8)
                i += skip
                plain = i
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plain..<bytes.count]))
        }
    }
}
