import Foundation

/// Decodes ``ContentValue`` maps into typed fields, reporting every problem with its line.
///
/// One reader serves one file; it never stops at the first problem, so an editor sees all of them.
final class FieldReader {
    let file: String
    private(set) var findings: [Finding] = []
    /// The file's stamps, given to the entries decoded from it (``EntrySource/stamp``, ``EntrySource/frontMatterStamp``).
    var stamp: UInt64 = 0
    var frontMatterStamp: UInt64 = 0

    init(file: String) { self.file = file }

    func location(_ value: ContentValue) -> SourceLocation {
        SourceLocation(file: file, line: value.line, column: value.column)
    }

    func error(_ rule: String, at value: ContentValue, _ message: String, hint: String = "") {
        findings.append(Finding(.error, rule, at: location(value), message, hint: hint))
    }

    func error(_ rule: String, line: Int, column: Int = 1, _ message: String, hint: String = "") {
        findings.append(Finding(.error, rule, at: SourceLocation(file: file, line: line, column: column), message, hint: hint))
    }

    func warning(_ rule: String, at value: ContentValue, _ message: String, hint: String = "") {
        findings.append(Finding(.warning, rule, at: location(value), message, hint: hint))
    }

    /// Opens `value` as an object with the given keys; unknown keys are errors with a did-you-mean.
    func object(_ value: ContentValue, what: String, keys: [String]) -> ContentObject? {
        guard case .map(let entries) = value.kind else {
            error("schema.type", at: value, "\(what)应是键值对象（key: value），这里是\(value.shapeName)")
            return nil
        }
        var fields: [ContentValue.Entry] = []
        fields.reserveCapacity(entries.count)
        // Objects have a few fields: searching them beats hashing; an index by key serves the rare big one.
        var index: [String: Int]? = entries.count > ContentObject.linearSearchLimit ? [:] : nil
        for entry in entries {
            let earlier: ContentValue.Entry?
            if let index {
                earlier = index[entry.key].map { fields[$0] }
            } else {
                // Compared as Strings: keys spelled differently may still be one key (NFC and NFD, for one).
                earlier = fields.first { $0.key == entry.key }
            }
            if let earlier {
                error("schema.duplicate-key", line: entry.keyLine, column: entry.keyColumn,
                      "字段 “\(entry.key)” 重复出现（第一次在第 \(earlier.keyLine) 行）", hint: "删掉其中一个")
                continue
            }
            index?[entry.key] = fields.count
            fields.append(entry)
            if !keys.contains(where: { ContentObject.sameKey($0, entry.key) }) {
                let suggestion = Spelling.closest(to: entry.key, in: keys)
                let hint = suggestion.map { "是不是 “\($0)”？" } ?? "\(what)可用的字段：\(keys.joined(separator: ", "))"
                error("schema.unknown-key", line: entry.keyLine, column: entry.keyColumn,
                      "\(what)没有字段 “\(entry.key)”", hint: hint)
            }
        }
        return ContentObject(value: value, fields: fields, index: index, reader: self, what: what)
    }
}

/// One object being decoded: typed accessors that report wrong shapes and missing required fields.
struct ContentObject {
    let value: ContentValue
    /// The fields in the order written, each key once (the first, where a key is repeated).
    let fields: [ContentValue.Entry]
    /// Positions in `fields` by key, for objects too big to search.
    let index: [String: Int]?
    let reader: FieldReader
    let what: String

    /// Largest object whose fields are searched one by one rather than indexed.
    static let linearSearchLimit = 32

    var location: SourceLocation { reader.location(value) }

    private func entry(_ key: String) -> ContentValue.Entry? {
        if let index { return index[key].map { fields[$0] } }
        return fields.first { ContentObject.sameKey(key, $0.key) }
    }

    /// Whether a field's key is the schema key `schemaKey`, as String equality has it, comparing lengths first
    /// (most keys differ in length, and a comparison of Strings is a call). Schema keys are plain ASCII, and the
    /// only characters canonically equivalent to ASCII ones are U+212A (`K`), U+1FEF (`` ` ``) and U+037E (`;`),
    /// which no key uses: text of another length is never equal to a key (`LoadingFastPathTests` checks the keys).
    static func sameKey(_ schemaKey: String, _ key: String) -> Bool {
        schemaKey.utf8.count == key.utf8.count && schemaKey == key
    }

    /// Where a field is written, or the object itself when the field is absent.
    func location(of key: String) -> SourceLocation {
        guard let entry = entry(key) else { return location }
        return SourceLocation(file: reader.file, line: entry.keyLine, column: entry.keyColumn)
    }

    /// Where the entry and each of its fields are written, for rules that point at a field later.
    var entrySource: EntrySource {
        var source = EntrySource(location: location, fieldPositions: fields.map { ($0.key, $0.keyLine, $0.keyColumn) })
        source.stamp = reader.stamp
        source.frontMatterStamp = reader.frontMatterStamp
        return source
    }

    subscript(key: String) -> ContentValue? {
        guard let entry = entry(key) else { return nil }
        if case .null = entry.value.kind { return nil }
        return entry.value
    }

    func has(_ key: String) -> Bool { self[key] != nil }

    private func missing(_ key: String) {
        reader.error("schema.required", at: value, "\(what)缺少必填字段 “\(key)”", hint: "加上一行 `\(key): …`")
    }

    func text(_ key: String, required: Bool = false) -> String? {
        guard let field = self[key] else {
            if required { missing(key) }
            return nil
        }
        guard case .scalar(let string, _) = field.kind else {
            reader.error("schema.type", at: field, "字段 “\(key)” 应是文字，这里是\(field.shapeName)")
            return nil
        }
        if required && string.isBlank {
            reader.error("schema.required", at: field, "必填字段 “\(key)” 不能为空")
            return nil
        }
        return string
    }

    func bool(_ key: String) -> Bool? {
        guard let field = self[key] else { return nil }
        if case .scalar(let string, false) = field.kind {
            switch string {
            case "true", "True", "TRUE", "yes": return true
            case "false", "False", "FALSE", "no": return false
            default: break
            }
        }
        reader.error("schema.type", at: field, "字段 “\(key)” 应是 true 或 false")
        return nil
    }

    func integer(_ key: String) -> Int? {
        guard let field = self[key] else { return nil }
        if case .scalar(let string, _) = field.kind, let number = Int(string.replacingOccurrences(of: "_", with: "")) {
            return number
        }
        reader.error("schema.type", at: field, "字段 “\(key)” 应是整数")
        return nil
    }

    func number(_ key: String) -> Decimal? {
        guard let field = self[key] else { return nil }
        if case .scalar(let string, _) = field.kind, let number = Decimal.parse(string) { return number }
        reader.error("schema.type", at: field, "字段 “\(key)” 应是数字（如 12 或 3.5）")
        return nil
    }

    func day(_ key: String, required: Bool = false) -> Day? {
        guard let field = self[key] else {
            if required { missing(key) }
            return nil
        }
        if case .scalar(let string, _) = field.kind, let day = Day(iso: string) { return day }
        reader.error("schema.date", at: field, "字段 “\(key)” 不是有效日期", hint: "日期写成 YYYY-MM-DD，如 2024-01-31")
        return nil
    }

    /// A list of scalars; a single scalar is accepted as a one-item list.
    func textList(_ key: String, required: Bool = false) -> [String] {
        guard let field = self[key] else {
            if required { missing(key) }
            return []
        }
        switch field.kind {
        case .scalar(let string, _): return [string]
        case .list(let items):
            var out: [String] = []
            for item in items {
                if case .scalar(let string, _) = item.kind { out.append(string) } else {
                    reader.error("schema.type", at: item, "“\(key)” 的每一项应是文字")
                }
            }
            if required && out.isEmpty { reader.error("schema.required", at: field, "必填字段 “\(key)” 不能为空列表") }
            return out
        default:
            reader.error("schema.type", at: field, "字段 “\(key)” 应是列表")
            return []
        }
    }

    /// Values from a vocabulary; each unknown one is reported at its own position with the allowed list.
    func vocabularyList(_ key: String, allowed: [String], required: Bool = false) -> [String] {
        let values = textList(key, required: required)
        guard let field = self[key] else { return values }
        let positions: [ContentValue]
        if case .list(let items) = field.kind { positions = items.filter { if case .scalar = $0.kind { true } else { false } } } else {
            positions = [field]
        }
        return zip(values, positions).filter { allowedValue($0.0, in: allowed, key: key, at: $0.1) }.map(\.0)
    }

    func vocabulary(_ key: String, allowed: [String], required: Bool = false) -> String? {
        guard let value = text(key, required: required), let field = self[key] else { return nil }
        return allowedValue(value, in: allowed, key: key, at: field) ? value : nil
    }

    private func allowedValue(_ value: String, in allowed: [String], key: String, at position: ContentValue) -> Bool {
        if allowed.contains(value) { return true }
        let near = Spelling.closest(to: value, in: allowed).map { "是不是 “\($0)”？" } ?? ""
        reader.error("schema.vocabulary", at: position, "字段 “\(key)” 的值 “\(value)” 不是可用的值",
                     hint: near + "可用：\(allowed.joined(separator: "、"))")
        return false
    }

    func enumeration<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type, required: Bool = false) -> T?
    where T.RawValue == String {
        vocabulary(key, allowed: T.allCases.map(\.rawValue), required: required).flatMap(T.init(rawValue:))
    }

    func enumerationList<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type, required: Bool = false) -> [T]
    where T.RawValue == String {
        vocabularyList(key, allowed: T.allCases.map(\.rawValue), required: required).compactMap(T.init(rawValue:))
    }

    func object(_ key: String, keys: [String]) -> ContentObject? {
        guard let field = self[key] else { return nil }
        return reader.object(field, what: "“\(key)”", keys: keys)
    }

    /// A list of objects, each opened with `keys`.
    func objects(_ key: String, keys: [String]) -> [ContentObject] {
        guard let field = self[key] else { return [] }
        guard case .list(let items) = field.kind else {
            reader.error("schema.type", at: field, "字段 “\(key)” 应是列表（每项以 “- ” 开头）")
            return []
        }
        return items.compactMap { reader.object($0, what: "“\(key)” 的一项", keys: keys) }
    }
}

/// Finds the closest word, for "did you mean" hints.
enum Spelling {
    static func closest(to word: String, in candidates: [String]) -> String? {
        let lower = word.lowercased()
        var best: (String, Int)?
        let letters = Array(lower)
        for candidate in candidates {
            let limit = max(1, min(3, candidate.count / 3))
            // Lengths further apart than the limit cannot be within it: skip before the quadratic distance.
            if abs(letters.count - candidate.count) > limit { continue }
            let distance = editDistance(letters, Array(candidate.lowercased()))
            if distance <= limit, best == nil || distance < best!.1 { best = (candidate, distance) }
        }
        return best?.0
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

extension String {
    /// Whether the text is empty or only whitespace: `trimmingCharacters(in: .whitespaces).isEmpty`, without
    /// bridging to `NSString` for the usual text that starts with something else.
    var isBlank: Bool {
        // Tab and space are the only ASCII whitespace in the set.
        if let first = utf8.first, first < 0x80, first != 0x20, first != 0x09 { return false }
        return unicodeScalars.allSatisfy { String.whitespace.contains($0) }
    }

    /// `trimmingCharacters(in: .whitespaces)`, returning the text itself when neither end is whitespace.
    func trimmingWhitespace() -> String {
        guard let first = unicodeScalars.first, let last = unicodeScalars.last,
              !String.whitespace.contains(first), !String.whitespace.contains(last) else {
            return trimmingCharacters(in: .whitespaces)
        }
        return self
    }

    /// `CharacterSet.whitespaces`, fetched once: the property makes a new set on every call.
    private static let whitespace = CharacterSet.whitespaces
}

extension Decimal {
    /// The number as `digits / 10^scale`, when its digits fit in 64 bits (all that content holds); nil otherwise.
    ///
    /// Read from the significand and exponent: a tenth of a microsecond, where going through `description` (the
    /// way to the digits that first comes to mind) takes seven, and every case page shows a dozen numbers.
    var integerParts: (digits: UInt64, scale: Int, negative: Bool)? {
        guard isFinite else { return nil }
        if isZero { return (0, 0, false) }
        let significand = self.significand.magnitude
        guard significand < 1_000_000_000_000_000_000 else { return nil }
        var digits = NSDecimalNumber(decimal: significand).uint64Value
        guard Decimal(digits) == significand else { return nil }
        guard exponent < 0 else {
            for _ in 0..<exponent {
                let (next, overflow) = digits.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                digits = next
            }
            return (digits, 0, sign == .minus)
        }
        return (digits, -exponent, sign == .minus)
    }

    /// Parses a plain decimal number (`12`, `-3.5`); no exponent, no grouping.
    static func parse(_ text: String) -> Decimal? {
        let trimmed = text.trimmingWhitespace()
        // Byte by byte: the characters allowed are all ASCII, where a Character is one byte.
        var dots = 0
        for byte in trimmed.utf8 {
            if byte == UInt8(ascii: ".") { dots += 1 } else if byte != UInt8(ascii: "-") && !(0x30...0x39).contains(byte) { return nil }
        }
        guard !trimmed.isEmpty, dots <= 1 else { return nil }
        // Short numbers (all that metrics hold) skip Foundation's general decimal parser.
        if trimmed.utf8.count <= 18, let short = shortDecimal(trimmed) { return short }
        return Decimal(string: trimmed, locale: nil)
    }

    /// `-12` or `3.25`: an optional minus, digits, and at most one point with digits after it; nil for other text.
    private static func shortDecimal(_ text: String) -> Decimal? {
        var digits: UInt64 = 0
        var fraction = 0
        var point = false
        var negative = false
        var count = 0
        for (offset, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "-") where offset == 0: negative = true
            case UInt8(ascii: "."): guard !point, count > 0 else { return nil }; point = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits = digits * 10 + UInt64(byte - UInt8(ascii: "0"))
                count += 1
                if point { fraction += 1 }
            default: return nil
            }
        }
        // Zero written with a point keeps Foundation's own representation: the general parser reads it.
        guard count > 0, !point || fraction > 0 && digits != 0 else { return nil }
        // As Foundation's parser leaves it: trailing zeros of the fraction dropped.
        while fraction > 0 && digits % 10 == 0 && digits != 0 { digits /= 10; fraction -= 1 }
        if fraction == 0 && !point { return negative ? -Decimal(digits) : Decimal(digits) }
        return Decimal(sign: negative ? .minus : .plus, exponent: -fraction, significand: Decimal(digits))
    }
}
