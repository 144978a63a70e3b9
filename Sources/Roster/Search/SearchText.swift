import Foundation

/// How search reads text, at build time and (in `40-search.js`) in the browser: both must agree exactly.
///
/// Chinese has no spaces, so a run of Han characters is indexed as its single characters and its
/// neighbouring pairs (bigrams): 注塑车间 gives 注 塑 车 间 注塑 塑车 车间, and the query 注塑 matches it
/// with no dictionary. Letters and digits form words (MES, 5g, iatf16949), folded to lower case.
public enum SearchText {
    /// A stretch of text as search sees it.
    public enum Piece: Hashable, Sendable {
        /// Consecutive Han characters.
        case han([Unicode.Scalar])
        /// Consecutive letters and digits other than Han, lower-cased.
        case word(String)
    }

    /// Folds one character: full-width ASCII to ASCII, ASCII and full-width letters to lower case.
    ///
    /// One character in, one out, so positions in folded text are positions in the original (snippets rely on it).
    public static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        var value = scalar.value
        if value >= 0xFF01 && value <= 0xFF5E { value -= 0xFEE0 }
        if value == 0x3000 { value = 0x20 }
        if value >= 0x41 && value <= 0x5A { value += 0x20 }
        return Unicode.Scalar(value) ?? scalar
    }

    /// CJK Unified Ideographs (with Extension A, B–G) and the compatibility ideographs.
    public static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x3134F).contains(v)
            || (0xF900...0xFAFF).contains(v) || v == 0x3007
    }

    /// Letters and digits that are not Han; everything else (spaces, punctuation, symbols) separates.
    public static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let v = scalar.value
            return (0x30...0x39).contains(v) || (0x61...0x7A).contains(v) || (0x41...0x5A).contains(v)
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return !isHan(scalar)
        default:
            return false
        }
    }

    /// Splits text into Han runs and words; `joinAcrossSpaces` (for queries) lets whitespace between
    /// two Han characters vanish, so 质量 追溯 and 质量追溯 are the same query.
    public static func pieces(_ text: String, joinAcrossSpaces: Bool = false) -> [Piece] {
        var pieces: [Piece] = []
        var han: [Unicode.Scalar] = []
        var word = String.UnicodeScalarView()
        var pendingSpace = false
        func flushHan() { if !han.isEmpty { pieces.append(.han(han)); han = [] } }
        func flushWord() { if !word.isEmpty { pieces.append(.word(String(word))); word = String.UnicodeScalarView() } }
        for original in text.unicodeScalars {
            let scalar = fold(original)
            if isHan(scalar) {
                flushWord()
                if pendingSpace && !(joinAcrossSpaces && !han.isEmpty) { flushHan() }
                pendingSpace = false
                han.append(scalar)
            } else if isWordCharacter(scalar) {
                flushHan()
                pendingSpace = false
                word.append(scalar)
            } else {
                flushWord()
                if scalar.properties.isWhitespace {
                    pendingSpace = true
                } else {
                    flushHan()
                    pendingSpace = false
                }
            }
        }
        flushHan()
        flushWord()
        return pieces
    }

    /// Function characters a query may put between words (汽车的零部件); they are not indexed alone.
    public static let stopCharacters: Set<Unicode.Scalar> = Set("的了和与及或等之其而并也在是为对把被从向将".unicodeScalars)

    /// The index terms of a text: every Han character (but the stop characters), every Han bigram, every word.
    public static func terms(_ text: String) -> [String] {
        var out: [String] = []
        scan(text, han: { key in
            let a = Unicode.Scalar(UInt32(key & 0x1FFFFF))!
            out.append(key >> 42 == 1 ? String(Unicode.Scalar(UInt32((key >> 21) & 0x1FFFFF))!) + String(a) : String(a))
        }, word: { out.append($0) })
        return out
    }

    /// The terms of `terms(_:)` without making a string of each Han term: a character as its code point,
    /// a pair as `1 << 42 | first << 21 | second`; words as strings. The index builder's inner loop.
    static func scan(_ text: String, han: (UInt64) -> Void, word: (String) -> Void) {
        var previous: UInt32?
        var current = String.UnicodeScalarView()
        for original in text.unicodeScalars {
            let scalar = fold(original)
            if isHan(scalar) {
                if !current.isEmpty { word(String(current)); current = String.UnicodeScalarView() }
                let value = scalar.value
                if let previous { han(1 << 42 | UInt64(previous) << 21 | UInt64(value)) }
                if !stopCharacters.contains(scalar) { han(UInt64(value)) }
                previous = value
            } else {
                previous = nil
                if isWordCharacter(scalar) {
                    current.append(scalar)
                } else if !current.isEmpty {
                    word(String(current))
                    current = String.UnicodeScalarView()
                }
            }
        }
        if !current.isEmpty { word(String(current)) }
    }

    /// The visible text of rendered Markdown: tags removed (block ends become line breaks), entities decoded,
    /// blank lines and the spaces around lines dropped.
    public static func plainText(fromHTML html: String) -> String {
        var out = String.UnicodeScalarView()
        var tag = String.UnicodeScalarView()
        var entity: String.UnicodeScalarView?
        var inTag = false
        func newline() { if let last = out.last, last != "\n" { out.append("\n") } }
        for scalar in html.unicodeScalars {
            if inTag {
                if scalar == ">" {
                    inTag = false
                    let name = String(tag).split(separator: " ").first.map { $0.hasPrefix("/") ? String($0.dropFirst()) : String($0) } ?? ""
                    if blockTags.contains(name) { newline() }
                    tag = String.UnicodeScalarView()
                } else {
                    tag.append(scalar)
                }
            } else if var pending = entity {
                let v = scalar.value
                if scalar == ";" {
                    out.append(contentsOf: decodeEntity(String(pending)).unicodeScalars)
                    entity = nil
                } else if pending.count < 10, (0x30...0x39).contains(v) || (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) || v == 0x23 {
                    pending.append(scalar)
                    entity = pending
                } else {
                    out.append("&")
                    out.append(contentsOf: pending)
                    out.append(scalar)
                    entity = nil
                }
            } else if scalar == "<" {
                inTag = true
            } else if scalar == "&" {
                entity = String.UnicodeScalarView()
            } else {
                out.append(scalar)
            }
        }
        if let pending = entity { out.append("&"); out.append(contentsOf: pending) }
        // Lines trimmed, blank ones dropped; on scalars, since splitting Characters is slow on 20,000 bodies.
        var text = String.UnicodeScalarView()
        var line: [Unicode.Scalar] = []
        func flush() {
            let start = line.firstIndex { !$0.properties.isWhitespace } ?? line.endIndex
            let end = (line.lastIndex { !$0.properties.isWhitespace } ?? -1) + 1
            if start < end {
                if !text.isEmpty { text.append("\n") }
                text.append(contentsOf: line[start..<end])
            }
            line.removeAll(keepingCapacity: true)
        }
        for scalar in out {
            if scalar == "\n" { flush() } else { line.append(scalar) }
        }
        flush()
        return String(text)
    }

    private static let blockTags: Set<String> = ["p", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
                                                 "blockquote", "pre", "hr", "ul", "ol", "table", "div", "dd", "dt"]

    private static func decodeEntity(_ name: String) -> String {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "#39", "apos": return "'"
        case "nbsp": return " "
        default:
            if name.hasPrefix("#x") || name.hasPrefix("#X"), let v = UInt32(name.dropFirst(2), radix: 16), let s = Unicode.Scalar(v) {
                return String(s)
            }
            if name.hasPrefix("#"), let v = UInt32(name.dropFirst()), let s = Unicode.Scalar(v) { return String(s) }
            return "&\(name);"
        }
    }
}
