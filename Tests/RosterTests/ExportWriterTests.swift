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

    /// The tree writer as it was, before values were streamed.
    static func referenceWrite(_ value: JSONValue, into out: inout String, indent: Int?) {
        func newline(_ level: Int) { out += "\n" + String(repeating: "  ", count: level) }
        switch value {
        case .string(let s): out += referenceQuote(s)
        case .number(let n): out += n
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                if let indent { newline(indent + 1) }
                referenceWrite(item, into: &out, indent: indent.map { $0 + 1 })
            }
            if let indent { newline(indent) }
            out += "]"
        case .object(let pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, item)) in pairs.enumerated() {
                if i > 0 { out += "," }
                if let indent { newline(indent + 1) }
                out += referenceQuote(key) + (indent == nil ? ":" : ": ")
                referenceWrite(item, into: &out, indent: indent.map { $0 + 1 })
            }
            if let indent { newline(indent) }
            out += "}"
        }
    }

    static func reference(_ value: JSONValue, pretty: Bool = true) -> String {
        var out = ""
        referenceWrite(value, into: &out, indent: pretty ? 0 : nil)
        return out + (pretty ? "\n" : "")
    }

    /// Random trees of every shape, empty containers and nesting included.
    static func tree(_ random: inout YAMLSubsetReaderTests.Random, depth: Int = 0) -> JSONValue {
        switch random.next(depth > 3 ? 4 : 6) {
        case 0: return .string(pieces[random.next(pieces.count)])
        case 1: return .number(String(random.next(1000)))
        case 2: return .bool(random.next(2) == 0)
        case 3: return .null
        case 4: return .array((0..<random.next(4)).map { _ in tree(&random, depth: depth + 1) })
        default: return .object((0..<random.next(4)).map { i in (pieces[random.next(pieces.count)] + "\(i)", tree(&random, depth: depth + 1)) })
        }
    }

    @Test("streamed JSON is laid out as the tree writer laid it out, pretty and compact, whole or in parallel parts")
    func streamedJSON() {
        var random = YAMLSubsetReaderTests.Random(state: 9)
        for _ in 0..<2_000 {
            let value = Self.tree(&random)
            #expect(value.serialized() == Self.reference(value), "\(value)")
            #expect(value.serialized(pretty: false) == Self.reference(value, pretty: false), "\(value)")
        }
        for count in [0, 1, 2, 300] {
            let items = (0..<count).map { _ in Self.tree(&random) }
            let parallel = JSONStream.arrayBytes(Array(items.indices)) { i, json in json.value(items[i]) }
            #expect(parallel == Array(Self.reference(.array(items)).utf8))
        }
    }

    @Test("the open data of the sample site is what the tree of each entry gave")
    func openData() throws {
        let site = try TestSite(copying: ["Content", "Themes"])
        #expect(site.build(now: "2024-02-10").published)
        let loaded = try #require(site.load().site)
        let urls = SiteURLs(config: loaded.config)
        let cases = JSONValue.array(loaded.cases.map { item in
            .object([
                ("id", .string(item.id)), ("title", .string(item.title)), ("provider", .string(item.provider)),
                ("provider_name", .text(loaded.providerByID[item.provider]?.name)),
                ("provider_status", .text(loaded.providerByID[item.provider]?.status.rawValue)),
                ("industry", .string(item.industry)), ("enterprise", .string(item.enterprise)), ("role", .string(item.role.rawValue)),
                ("location", .text(item.location?.rawValue)), ("areas", .strings(item.areas)), ("showroom", .bool(item.showroom)),
                ("date", .text(item.date?.iso)), ("summary", .text(item.summary)),
                ("results", .array(item.results.map { r in
                    .object([("metric", .string(r.metric)), ("before", .number(Format.decimal(r.before, fractionDigits: 6))),
                             ("after", .number(Format.decimal(r.after, fractionDigits: 6))), ("unit", .string(r.unit))])
                })),
                ("sample", .bool(item.sample)), ("url", .string(urls.absolute(urls.case(item.id)))),
            ])
        })
        let providers = JSONValue.array(loaded.providers.map { provider in
            .object([
                ("id", .string(provider.id)), ("name", .string(provider.name)), ("credit_code", .string(provider.creditCode)),
                ("types", .strings(provider.types.map(\.rawValue))), ("industries", .strings(provider.industries)),
                ("district", .string(provider.district)), ("service_areas", .strings(provider.serviceAreas)),
                ("status", .string(provider.status.rawValue)), ("summary", .text(provider.summary)), ("website", .text(provider.website)),
                ("contact_person", .text(provider.contact?.person)), ("contact_phone", .text(provider.contact?.phone)),
                ("contact_email", .text(provider.contact?.email)), ("products", .strings(provider.products.map(\.name))),
                ("case_count", .int(loaded.casesByProvider[provider.id]?.count ?? 0)), ("parent_credit_code", .text(provider.parentCreditCode)),
                ("sample", .bool(provider.sample)), ("url", .string(urls.absolute(urls.provider(provider.id)))),
            ])
        })
        #expect(site.read("Site/data/cases.json") == Self.reference(cases))
        #expect(site.read("Site/data/providers.json") == Self.reference(providers))

        let theme = try #require(Theme.load(root: site.root, name: "default", language: loaded.config.language).0)
        let context = RenderContext(site: loaded, theme: theme, now: try #require(Day(iso: "2024-02-10")))
        let rows = loaded.cases.map { c in
            let provider = loaded.providerByID[c.provider]
            return [c.id, c.title, c.provider, provider?.name ?? "", provider.map { context.statusLabel($0.status) } ?? "",
                    context.industryName(c.industry), c.enterprise, context.t("role.\(c.role.rawValue)"),
                    c.location.map { context.t("location.\($0.rawValue)") } ?? "", c.areas.joined(separator: "；"),
                    c.showroom ? "是" : "否", c.date?.iso ?? "",
                    c.results.first.map { context.resultView($0)["text"] as? String ?? "" } ?? "",
                    c.sample ? "是" : "否", urls.absolute(urls.case(c.id))]
        }
        let header = ["id", "标题", "服务商id", "服务商", "服务商状态", "行业", "试点企业", "服务类型", "地点", "服务领域", "展厅展示", "完成日期",
                      "主要成效", "示例数据", "网址"]
        let csv = "\u{FEFF}" + ([header] + rows).map { $0.map(Self.referenceCell).joined(separator: ",") + "\r\n" }.joined()
        #expect(site.read("Site/data/cases.csv") == csv)
        #expect(rows.contains { !$0[12].isEmpty }, "results are exported")
    }
}
