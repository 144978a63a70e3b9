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
        for piece in pieces(text) {
            switch piece {
            case .word(let word):
                out.append(word)
            case .han(let run):
                for (i, scalar) in run.enumerated() {
                    if !stopCharacters.contains(scalar) { out.append(String(scalar)) }
                    if i + 1 < run.count { out.append(String(scalar) + String(run[i + 1])) }
                }
            }
        }
        return out
    }

    /// The visible text of rendered Markdown: tags removed (block ends become line breaks), entities decoded.
    public static func plainText(fromHTML html: String) -> String {
        var out = ""
        var tag = ""
        var inTag = false
        var entity: String?
        let blockTags: Set<String> = ["p", "/p", "br", "br /", "li", "/li", "tr", "/tr", "td", "/td", "th", "/th",
                                      "h1", "h2", "h3", "h4", "h5", "h6", "/h1", "/h2", "/h3", "/h4", "/h5", "/h6",
                                      "blockquote", "/blockquote", "pre", "/pre", "hr /", "ul", "/ul", "ol", "/ol"]
        for ch in html {
            if inTag {
                if ch == ">" {
                    inTag = false
                    let name = tag.split(separator: " ").first.map(String.init) ?? ""
                    if blockTags.contains(tag) || blockTags.contains(name) { if !out.hasSuffix("\n") && !out.isEmpty { out += "\n" } }
                    tag = ""
                } else {
                    tag.append(ch)
                }
                continue
            }
            if var pending = entity {
                if ch == ";" {
                    out += decodeEntity(pending)
                    entity = nil
                } else if pending.count < 10 && (ch.isLetter || ch.isNumber || ch == "#") {
                    pending.append(ch)
                    entity = pending
                } else {
                    out += "&" + pending
                    entity = nil
                    out.append(ch)
                }
                continue
            }
            switch ch {
            case "<": inTag = true
            case "&": entity = ""
            default: out.append(ch)
            }
        }
        if let pending = entity { out += "&" + pending }
        return out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .joined(separator: "\n")
    }

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
