/// A small deterministic JSON writer: keys in the order given, no locale, no floating point surprises.
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
        var out = ""
        write(into: &out, indent: pretty ? 0 : nil)
        return out + (pretty ? "\n" : "")
    }

    private func write(into out: inout String, indent: Int?) {
        switch self {
        case .string(let s): JSONValue.quote(s, into: &out)
        case .number(let n): out += n
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: "  ", count: indent + 1) }
                item.write(into: &out, indent: indent.map { $0 + 1 })
            }
            if let indent { out += "\n" + String(repeating: "  ", count: indent) }
            out += "]"
        case .object(let pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: "  ", count: indent + 1) }
                JSONValue.quote(key, into: &out)
                out += indent == nil ? ":" : ": "
                value.write(into: &out, indent: indent.map { $0 + 1 })
            }
            if let indent { out += "\n" + String(repeating: "  ", count: indent) }
            out += "}"
        }
    }

    /// Quotes a string; `<`, `>`, `&` and U+2028/9 are escaped too so the JSON is safe inside HTML.
    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

/// CSV for spreadsheets (RFC 4180), with a UTF-8 BOM so Excel reads the Chinese correctly.
enum CSVWriter {
    static func document(header: [String], rows: [[String]]) -> [UInt8] {
        var out = "\u{FEFF}"
        for row in [header] + rows {
            out += row.map(cell).joined(separator: ",") + "\r\n"
        }
        return Array(out.utf8)
    }

    /// Quotes a cell; one starting with `=`, `+`, `-`, `@` (or tab/CR) gets a leading `'`
    /// so that spreadsheets show it as text instead of running it as a formula.
    ///
    /// Judged per Unicode scalar, not per Character: `"` followed by a combining mark is one Character but
    /// still a quote to every CSV reader, and CR LF is one Character that is neither CR nor LF.
    static func cell(_ value: String) -> String {
        var scalars = Array(value.unicodeScalars)
        if let first = scalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            scalars.insert("'", at: 0)
        }
        let needsQuotes = scalars.first == "'" || scalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        var out = String.UnicodeScalarView()
        if needsQuotes { out.append("\"") }
        for scalar in scalars {
            if scalar == "\"" { out.append("\"") }
            out.append(scalar)
        }
        if needsQuotes { out.append("\"") }
        return String(out)
    }
}

/// Escaping for XML text and attribute values (sitemap, Atom).
enum XMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most control characters even escaped: drop them.
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" && scalar != "\r" { continue }
                if scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
