import Foundation
import Synchronization

/// Chinese names in pinyin order, as Chinese directories list them.
public enum Pinyin {
    private static let locale = Locale(identifier: "zh_CN@collation=pinyin")

    /// Whether `a` sorts before `b` in pinyin order (ICU's Chinese collation); ties fall back to code points.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        switch a.compare(b, options: [], range: nil, locale: locale) {
        case .orderedAscending: return true
        case .orderedDescending: return false
        case .orderedSame: return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
        }
    }

    /// The name spelled in toneless pinyin, lower-case (`青岛Q-Link` → `qing dao q-link`), for sorting.
    ///
    /// Sorting on this key rather than ICU's Chinese collation puts Latin names among the pinyin ones
    /// (Q-Link beside 青岛), as Chinese directories list them.
    ///
    /// Spelled one character at a time: ICU's Han-Latin transliteration reads each Han character the same
    /// wherever it stands (checked on every provider name of a 2,000-provider corpus and 120,000 random
    /// characters in context), but it costs about 150 µs a name, which was a tenth of a rebuild. The common
    /// characters come from a table made from ICU (with ICU's few readings in context), other characters have their
    /// accents removed or, outside the ranges the table's script checked, are asked of ICU. Syllables are separated by a
    /// space from each other and from letters and digits beside them; punctuation is kept as it is, with no space
    /// around it (ICU's own spacing around brackets depends on more than the neighbours, so it is not copied).
    public static func sortKey(_ name: String) -> String {
        var key = ""
        key.reserveCapacity(name.utf8.count * 2)
        var previous = Kind.other
        let scalars = Array(name.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            var spelled: Spelling
            if scalar.isASCII {
                let value = UInt8(scalar.value)
                let isLetter = (value | 0x20) >= 0x61 && (value | 0x20) <= 0x7A
                let isDigit = value >= 0x30 && value <= 0x39
                spelled = Spelling(text: String(UnicodeScalar(isLetter ? value | 0x20 : value)), kind: isLetter || isDigit ? .word : .other)
            } else {
                spelled = Self.spelled(scalar)
                if let reading = contextReading(scalars, at: index) { spelled.text = reading }
            }
            if (previous == .syllable && spelled.kind != .other) || (previous == .word && spelled.kind == .syllable) {
                key += " "
            }
            key += spelled.text
            previous = spelled.kind
        }
        return key
    }

    /// ICU's reading of the character at `index` when the next one (after one optional space) changes it: 重庆 is
    /// chóng qìng although 重 alone is zhòng (see ``contextReadings``).
    private static func contextReading(_ scalars: [Unicode.Scalar], at index: Int) -> String? {
        for rule in contextReadings where rule.character == scalars[index] {
            var next = index + 1
            if next < scalars.count, scalars[next] == " " { next += 1 }
            if next < scalars.count, rule.before.unicodeScalars.contains(scalars[next]) { return rule.reading }
        }
        return nil
    }

    private enum Kind { case syllable, word, other }

    private struct Spelling: Sendable {
        var text: String
        var kind: Kind
    }

    private static let spellings = Mutex<[UInt32: Spelling]>([:])

    /// Syllables of the common Han characters, from the generated ``tableText``.
    private static let table: [Spelling?] = tableText.split(whereSeparator: { $0 == " " || $0 == "\n" }).map {
        $0 == "-" ? nil : Spelling(text: String($0), kind: .syllable)
    }

    /// One character as ICU spells it in Latin letters without tone marks, lower-case.
    ///
    /// The common Han characters come from a table made from ICU (``tableText``): starting ICU's transliterator
    /// compiles its rules, about 130 ms a process, more than all the rest of the directory's sorting.
    static func spelling(of scalar: Unicode.Scalar) -> (text: String, isSyllable: Bool) {
        let spelled = spelled(scalar)
        return (spelled.text, spelled.kind == .syllable)
    }

    private static func spelled(_ scalar: Unicode.Scalar) -> Spelling {
        if scalar.value >= tableStart, Int(scalar.value - tableStart) < table.count, let known = table[Int(scalar.value - tableStart)] {
            return known
        }
        if let known = spellings.withLock({ $0[scalar.value] }) { return known }
        let character = String(scalar)
        let latin = latin(of: scalar)
        let kind: Kind
        if latin != character.lowercased(), scalar.properties.isIdeographic,
           !latin.isEmpty, latin.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.isAlphabetic }) {
            kind = .syllable
        } else {
            kind = latin.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil } ? .word : .other
        }
        let spelled = Spelling(text: latin, kind: kind)
        spellings.withLock { $0[scalar.value] = spelled }
        return spelled
    }

    /// What ICU's Han-Latin, tone-mark removal and lower case make of a character outside the table.
    ///
    /// Han-Latin changes little but Han: in the ranges the table's script checked, a character needs only its
    /// accents removed, except for the few it lists (CJK punctuation such as 【 and 、, voiced kana, circled
    /// ideographs). That spares starting ICU's transliterator, whose rules take about 60 ms to compile, for a
    /// （ or a ·. Anything else is asked of ICU.
    static func latin(of scalar: Unicode.Scalar) -> String {
        if let exception = plainExceptions[scalar.value] { return exception }
        let character = String(scalar)
        if !scalar.properties.isIdeographic, !scalar.properties.isRadical, plainRanges.contains(where: { $0.contains(scalar.value) }) {
            return plain(character)
        }
        return transliterate(character)
    }

    /// `text` without its combining marks, lower-case: what ICU's Han-Latin and tone-mark removal make of
    /// anything but Han (`É` → `e`).
    static func plain(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars where scalar.properties.generalCategory != .nonspacingMark {
            scalars.append(scalar)
        }
        return String(scalars).precomposedStringWithCanonicalMapping.lowercased()
    }

    /// ICU's spelling (Han-Latin, tone marks removed, lower-case), for characters the table does not hold.
    static func transliterate(_ text: String) -> String {
        let latin = text.applyingTransform(.mandarinToLatin, reverse: false)?
            .applyingTransform(.stripDiacritics, reverse: false) ?? text
        return latin.lowercased()
    }

    /// Sorts items by a name in pinyin order, then by id for a stable result.
    public static func sorted<T>(_ items: [T], name: (T) -> String, id: (T) -> String) -> [T] {
        items.map { (sortKey(name($0)), name($0), id($0), $0) }
            .sorted { a, b in
                if a.0 != b.0 { return a.0 < b.0 }
                if a.1 != b.1 { return precedes(a.1, b.1) }
                return a.2 < b.2
            }
            .map(\.3)
    }

    /// The upper-case Latin initial of a name (`青岛` → Q); `#` when there is none.
    ///
    /// Taken from the whole name's sort key, so a name is listed under the letter it sorts by: 重庆… reads chóng
    /// there (and sorts under C), though 重 alone reads zhòng.
    public static func initial(of name: String) -> String {
        guard let letter = sortKey(name).first, letter.isASCII, letter.isLetter else { return "#" }
        return letter.uppercased()
    }
}
