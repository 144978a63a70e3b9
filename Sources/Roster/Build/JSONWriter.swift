/// A small deterministic JSON writer: keys in the order given, no locale, no floating point surprises.
///
/// It writes UTF-8 bytes: the open data files hold every case, and appending to a `String` scalar by scalar was
/// most of their cost.
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
        var out: [UInt8] = []
        write(into: &out, indent: pretty ? 0 : nil)
        if pretty { out.append(0x0A) }
        return out
    }

    /// Writes the value as it appears at nesting level `indent` of a pretty document (nil: compact).
    func write(into out: inout [UInt8], indent: Int?) {
        switch self {
        case .string(let s): JSONValue.quote(s, into: &out)
        case .number(let n): out.append(contentsOf: n.utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .array(let items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if let indent { JSONValue.newline(into: &out, indent: indent + 1) }
                item.write(into: &out, indent: indent.map { $0 + 1 })
            }
            if let indent { JSONValue.newline(into: &out, indent: indent) }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            if pairs.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if let indent { JSONValue.newline(into: &out, indent: indent + 1) }
                JSONValue.quote(key, into: &out)
                out.append(contentsOf: (indent == nil ? ":" : ": ").utf8)
                value.write(into: &out, indent: indent.map { $0 + 1 })
            }
            if let indent { JSONValue.newline(into: &out, indent: indent) }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func newline(into out: inout [UInt8], indent: Int) {
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: 2 * indent))
    }

    /// A pretty array of the values `make` gives for `items`, made and written in parallel: the bytes of
    /// `JSONValue.array(items.map(make)).bytes()`, for the open data files' thousands of entries.
    static func arrayBytes<T: Sendable>(_ items: [T], _ make: @escaping @Sendable (T) -> JSONValue) -> [UInt8] {
        if items.isEmpty { return Array("[]\n".utf8) }
        let parts = items.concurrentMap { item -> [UInt8] in
            var part: [UInt8] = []
            newline(into: &part, indent: 1)
            make(item).write(into: &part, indent: 1)
            return part
        }
        var out: [UInt8] = []
        out.reserveCapacity(parts.reduce(3) { $0 + $1.count + 1 })
        out.append(UInt8(ascii: "["))
        for (i, part) in parts.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: part)
        }
        out.append(contentsOf: "\n]\n".utf8)
        return out
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

/// CSV for spreadsheets (RFC 4180), with a UTF-8 BOM so Excel reads the Chinese correctly.
enum CSVWriter {
    static func document(header: [String], rows: [[String]]) -> [UInt8] {
        let lines = ([header] + rows).concurrentMap { row -> [UInt8] in
            var line: [UInt8] = []
            for (i, value) in row.enumerated() {
                if i > 0 { line.append(UInt8(ascii: ",")) }
                cell(value, into: &line)
            }
            line.append(contentsOf: [0x0D, 0x0A])
            return line
        }
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        out.reserveCapacity(lines.reduce(3) { $0 + $1.count })
        for line in lines { out.append(contentsOf: line) }
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
        let utf8 = value.utf8
        let formula = utf8.first.map { [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D].contains($0) } ?? false
        let needsQuotes = formula || utf8.first == UInt8(ascii: "'")
            || utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        if !needsQuotes {
            out.append(contentsOf: utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        if formula { out.append(UInt8(ascii: "'")) }
        for byte in utf8 {
            if byte == UInt8(ascii: "\"") { out.append(byte) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
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
