import Foundation
import Testing
@testable import Roster

/// The byte-level writers of the open data, the sitemap and the feed give exactly what the scalar-by-scalar
/// writers they replaced gave (kept here as the reference).
@Suite("Export writers agree with the scalar-by-scalar reference")
struct ExportWriterTests {
    // MARK: - The reference, as the writers were

    static func referenceQuote(_ s: String) -> String {
        var out = "\""
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
        return out + "\""
    }

    static func referenceCell(_ value: String) -> String {
        var scalars = Array(value.unicodeScalars)
        if let first = scalars.first, "=+-@\t\r".unicodeScalars.contains(first) { scalars.insert("'", at: 0) }
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

    static func referenceEscape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" && scalar != "\r" { continue }
                if scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: - Inputs

    static let pieces = ["", "a", "中文", "\"", "\\", "\n", "\r", "\r\n", "\t", "<", ">", "&", "'", ",", "=", "+", "-", "@", "\u{0}",
                         "\u{1}", "\u{1F}", "\u{7F}", "\u{85}", "\u{2028}", "\u{2029}", "\u{2027}", "\u{202A}", "\u{FFFD}", "\u{FFFE}",
                         "\u{FFFF}", "\u{FEFF}", "e\u{301}", "\"\u{301}", "😀", "“引号”", "一、", "1.5", " "]

    static func strings() -> [String] {
        var random = YAMLSubsetReaderTests.Random(state: 3)
        var out = pieces + pieces.flatMap { a in pieces.map { a + $0 } }
        for _ in 0..<2_000 {
            out.append((0..<random.next(8)).map { _ in pieces[random.next(pieces.count)] }.joined())
        }
        return out
    }

    @Test("quoting, CSV cells and XML escaping agree with the reference on every string")
    func writers() {
        for text in Self.strings() {
            var quoted = ""
            JSONValue.quote(text, into: &quoted)
            #expect(quoted == Self.referenceQuote(text), "\(text.debugDescription)")
            #expect(CSVWriter.cell(text) == Self.referenceCell(text), "\(text.debugDescription)")
            #expect(XMLText.escape(text) == Self.referenceEscape(text), "\(text.debugDescription)")
        }
    }

    @Test("a CSV document is its cells joined by commas and CR LF after a BOM")
    func csvDocument() {
        let rows = [["a", "=1", "x,y"], ["中文", "", "\"q\""]]
        let expected = "\u{FEFF}" + ([["h1", "h2", "h3"]] + rows).map { $0.map(Self.referenceCell).joined(separator: ",") + "\r\n" }.joined()
        #expect(CSVWriter.document(header: ["h1", "h2", "h3"], rows: rows) == Array(expected.utf8))
    }

    @Test("an array written item by item in parallel is the array written whole, pretty or empty")
    func parallelArray() {
        let items = Array(0..<300)
        let make: @Sendable (Int) -> JSONValue = { n in
            .object([("n", .int(n)), ("s", .string("第\(n)个<\"")), ("list", .strings(n % 3 == 0 ? [] : ["a", "b"])),
                     ("nested", .array(n % 2 == 0 ? [] : [.object([]), .object([("k", .null), ("b", .bool(n % 4 == 1))])]))])
        }
        #expect(JSONValue.arrayBytes(items, make) == JSONValue.array(items.map(make)).bytes())
        #expect(JSONValue.arrayBytes([Int](), make) == JSONValue.array([]).bytes())
        let text = JSONValue.array([make(1)]).serialized()
        #expect(text == """
            [
              {
                "n": 1,
                "s": "第1个\\u003c\\"",
                "list": [
                  "a",
                  "b"
                ],
                "nested": [
                  {},
                  {
                    "k": null,
                    "b": true
                  }
                ]
              }
            ]

            """)
        #expect(JSONValue.object([("a", .int(1)), ("b", .strings(["x"]))]).serialized(pretty: false) == "{\"a\":1,\"b\":[\"x\"]}")
    }
}
