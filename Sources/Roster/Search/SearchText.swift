import Foundation

/// How search reads text, at build time and (in `assets/search.js`) in the browser: both must agree exactly.
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

    /// The index terms of a text, in the order they occur: every Han character (but the stop characters), every Han
    /// bigram, every word. The index builder reads the same terms without making a string of each (`scan`).
    public static func terms(_ text: String) -> [String] {
        struct Collect: SearchTermSink {
            var out: [String] = []
            mutating func han(_ key: UInt64) { out.append(SearchText.text(ofHanKey: key)) }
            mutating func word(_ bytes: UnsafeBufferPointer<UInt8>) { out.append(String(decoding: bytes, as: UTF8.self)) }
        }
        var sink = Collect()
        scan(text, into: &sink)
        return sink.out
    }

    /// A Han term as a number: a character is its code point, a pair is `1 << 42 | first << 21 | second`.
    static func hanKey(_ a: UInt32) -> UInt64 { UInt64(a) }
    static func pairKey(_ a: UInt32, _ b: UInt32) -> UInt64 { 1 << 42 | UInt64(a) << 21 | UInt64(b) }

    static func text(ofHanKey key: UInt64) -> String {
        let last = String(Unicode.Scalar(UInt32(key & 0x1FFFFF))!)
        return key >> 42 == 1 ? String(Unicode.Scalar(UInt32((key >> 21) & 0x1FFFFF))!) + last : last
    }

    /// Reads the terms of `text` straight from its UTF-8 bytes: Han terms as keys (`hanKey`, `pairKey`), words as
    /// their folded UTF-8 bytes. The index builder's inner loop, so it makes no string and asks Unicode's tables
    /// only through `ScalarClass`.
    ///
    /// A word written in camel case also gives the parts from each capital on (iMES → imes, mes; OptiFlow →
    /// optiflow, flow), two letters or more, so MES finds a product called iMES.
    static func scan<Sink: SearchTermSink>(_ text: String, into sink: inout Sink) {
        var text = text
        text.withUTF8 { bytes in
            guard let input = bytes.baseAddress, !bytes.isEmpty else { return }
            let end = bytes.count
            // A folded word is never longer in UTF-8 than the text it comes from.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: end) { word in
                let word = word.baseAddress!
                let classes = ScalarClass.table
                var i = 0
                var previous: UInt32 = 0  // the Han character before, or 0
                var length = 0, scalars = 0  // the word so far, in bytes and in characters
                var parts: [(byte: Int, scalar: Int)] = []
                var lastWasLower = false
                func flush() {
                    guard length > 0 else { return }
                    sink.word(UnsafeBufferPointer(start: word, count: length))
                    for part in parts where scalars - part.scalar >= 2 {
                        sink.word(UnsafeBufferPointer(start: word + part.byte, count: length - part.byte))
                    }
                    length = 0
                    scalars = 0
                    parts.removeAll(keepingCapacity: true)
                }
                while i < end {
                    let value = UTF8Reader.scalar(input, at: &i)
                    let kind = value < 0x10000 ? classes[Int(value)] : ScalarClass(of: value)
                    if kind.contains(.han) {
                        flush()
                        if previous != 0 { sink.han(SearchText.pairKey(previous, value)) }
                        if !kind.contains(.stop) { sink.han(SearchText.hanKey(value)) }
                        previous = value
                        lastWasLower = false
                    } else {
                        previous = 0
                        if kind.contains(.word) {
                            if lastWasLower && kind.contains(.upper) { parts.append((length, scalars)) }
                            lastWasLower = kind.contains(.lower)
                            length += UTF8Reader.write(SearchText.fold(value), to: word + length)
                            scalars += 1
                        } else {
                            flush()
                            lastWasLower = false
                        }
                    }
                }
                flush()
            }
        }
    }

    /// `fold(_:)` on a code point.
    @inline(__always)
    static func fold(_ value: UInt32) -> UInt32 {
        var value = value
        if value >= 0xFF01 && value <= 0xFF5E { value -= 0xFEE0 }  // then lower-cased, as ＥＲＰ → ERP → erp
        if value == 0x3000 { return 0x20 }
        if value >= 0x41 && value <= 0x5A { value += 0x20 }
        return value
    }

    /// The visible text of rendered Markdown: tags removed (block ends become line breaks), entities decoded,
    /// blank lines and the spaces around lines dropped.
    ///
    /// Works on UTF-8 bytes: tags and entities are ASCII, so everything else is copied through as it is.
    public static func plainText(fromHTML html: String) -> String {
        var html = html
        return html.withUTF8 { plainText(fromHTML: $0) }
    }

    /// The same, from HTML as UTF-8 bytes (a rendered body, which is never made a string).
    static func plainText(fromHTML html: [UInt8]) -> String {
        html.withUnsafeBufferPointer { plainText(fromHTML: $0) }
    }

    private static func plainText(fromHTML input: UnsafeBufferPointer<UInt8>) -> String {
        let end = input.count
        var out: [UInt8] = []
        out.reserveCapacity(end)
        func newline() { if let last = out.last, last != 0x0A { out.append(0x0A) } }
        var i = 0
        while i < end {
            let byte = input[i]
            if byte == 0x3C {  // <
                var j = i + 1
                while j < end && input[j] != 0x3E { j += 1 }
                guard j < end else { break }  // an unclosed tag hides the rest
                // The tag's name: its first run of characters other than spaces, without one leading slash.
                var start = i + 1
                while start < j && input[start] == 0x20 { start += 1 }
                var stop = start
                while stop < j && input[stop] != 0x20 { stop += 1 }
                if start < stop && input[start] == 0x2F { start += 1 }
                if isBlockTag(UnsafeBufferPointer(rebasing: input[start..<stop])) { newline() }
                i = j + 1
            } else if byte == 0x26 {  // &
                var j = i + 1
                while j < end && j - i - 1 < 10 && isEntityByte(input[j]) { j += 1 }
                if j == end {
                    out.append(contentsOf: input[i..<end])
                    i = end
                } else if input[j] == 0x3B {  // ;
                    let name = String(decoding: UnsafeBufferPointer(rebasing: input[(i + 1)..<j]), as: UTF8.self)
                    out.append(contentsOf: decodeEntity(name).utf8)
                    i = j + 1
                } else {
                    // Not an entity: kept as written, with the character that ended it (even a `<`).
                    let next = j + UTF8Reader.length(input[j])
                    out.append(contentsOf: input[i..<next])
                    i = next
                }
            } else {
                var j = i + 1
                while j < end && input[j] != 0x3C && input[j] != 0x26 { j += 1 }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: input[i..<j]))
                i = j
            }
        }
        return out.withUnsafeBufferPointer { trimmedLines($0) }
    }

    /// Lines trimmed of Unicode white space at both ends, blank ones dropped, joined by line breaks.
    private static func trimmedLines(_ text: UnsafeBufferPointer<UInt8>) -> String {
        let classes = ScalarClass.table
        func isSpace(_ value: UInt32) -> Bool {
            (value < 0x10000 ? classes[Int(value)] : ScalarClass(of: value)).contains(.space)
        }
        guard let base = text.baseAddress else { return "" }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var lineStart = 0
        while lineStart <= text.count {
            var lineEnd = lineStart
            while lineEnd < text.count && text[lineEnd] != 0x0A { lineEnd += 1 }
            var start = lineStart, end = lineEnd
            while start < end {
                var next = start
                guard isSpace(UTF8Reader.scalar(base, at: &next)) else { break }
                start = next
            }
            while end > start {
                var first = end - 1
                while text[first] & 0xC0 == 0x80 { first -= 1 }
                var next = first
                guard isSpace(UTF8Reader.scalar(base, at: &next)) else { break }
                end = first
            }
            if start < end {
                if !out.isEmpty { out.append(0x0A) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<end]))
            }
            lineStart = lineEnd + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isEntityByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x23
    }

    /// Tags that end a block of text: the text on either side is on separate lines.
    private static let blockTags = ["p", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
                                    "blockquote", "pre", "hr", "ul", "ol", "table", "div", "dd", "dt"]

    /// `blockTags` with each name's bytes packed into a number, compared without making a string of every tag.
    private static let packedBlockTags: [UInt64] = blockTags.compactMap { packed(Array($0.utf8)[...]) }

    private static func packed(_ name: some Collection<UInt8>) -> UInt64? {
        guard (1...8).contains(name.count) else { return nil }
        return name.reduce(0) { $0 << 8 | UInt64($1) }
    }

    private static func isBlockTag(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        if name.count == 10 { return name.elementsEqual("blockquote".utf8) }
        guard let packed = packed(name) else { return false }
        return packedBlockTags.contains(packed)
    }

    static func decodeEntity(_ name: String) -> String {
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

/// Receives the terms `SearchText.scan` reads.
protocol SearchTermSink {
    /// A Han character or pair, as `SearchText.hanKey` or `SearchText.pairKey`.
    mutating func han(_ key: UInt64)
    /// A word, folded, as UTF-8; the bytes are valid only during the call.
    mutating func word(_ bytes: UnsafeBufferPointer<UInt8>)
}

/// What search needs to know about a code point, worked out once for the Basic Multilingual Plane so the scanner
/// never asks Unicode's property tables in its loop.
struct ScalarClass: OptionSet, Sendable {
    let rawValue: UInt8

    /// Han after folding (`SearchText.isHan`).
    static let han = ScalarClass(rawValue: 1)
    /// A letter or digit other than Han after folding (`SearchText.isWordCharacter`).
    static let word = ScalarClass(rawValue: 2)
    /// Upper or lower case as written (camel case splits words).
    static let upper = ScalarClass(rawValue: 4)
    static let lower = ScalarClass(rawValue: 8)
    /// A stop character (`SearchText.stopCharacters`), which is Han.
    static let stop = ScalarClass(rawValue: 16)
    /// White space as written (trimmed from the ends of lines).
    static let space = ScalarClass(rawValue: 32)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(of value: UInt32) {
        guard let original = Unicode.Scalar(value) else { self = []; return }
        let folded = SearchText.fold(original)
        var kind: ScalarClass = []
        if SearchText.isHan(folded) {
            kind.insert(.han)
            if SearchText.stopCharacters.contains(folded) { kind.insert(.stop) }
        } else if SearchText.isWordCharacter(folded) {
            kind.insert(.word)
        }
        if original.properties.isUppercase { kind.insert(.upper) }
        if original.properties.isLowercase { kind.insert(.lower) }
        if original.properties.isWhitespace { kind.insert(.space) }
        self = kind
    }

    /// Classes of U+0000…U+FFFF (surrogates have none); above, `init(of:)` answers.
    static let table: [ScalarClass] = (0..<0x10000).map { ScalarClass(of: UInt32($0)) }
}

/// Reads and writes code points in valid UTF-8 (what a Swift string holds), without checks.
enum UTF8Reader {
    /// The code point starting at `i`, moving `i` past it.
    @inline(__always)
    static func scalar(_ bytes: UnsafePointer<UInt8>, at i: inout Int) -> UInt32 {
        let b0 = UInt32(bytes[i])
        if b0 < 0x80 { i += 1; return b0 }
        if b0 < 0xE0 {
            defer { i += 2 }
            return (b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
        }
        if b0 < 0xF0 {
            defer { i += 3 }
            return (b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
        }
        defer { i += 4 }
        return (b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
    }

    /// How many bytes the character starting with `lead` takes.
    @inline(__always)
    static func length(_ lead: UInt8) -> Int { lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4 }

    /// Writes `value` as UTF-8 at `out`, returning the bytes written.
    @inline(__always)
    static func write(_ value: UInt32, to out: UnsafeMutablePointer<UInt8>) -> Int {
        if value < 0x80 { out[0] = UInt8(value); return 1 }
        if value < 0x800 {
            out[0] = UInt8(0xC0 | value >> 6); out[1] = UInt8(0x80 | value & 0x3F)
            return 2
        }
        if value < 0x10000 {
            out[0] = UInt8(0xE0 | value >> 12); out[1] = UInt8(0x80 | (value >> 6) & 0x3F); out[2] = UInt8(0x80 | value & 0x3F)
            return 3
        }
        out[0] = UInt8(0xF0 | value >> 18); out[1] = UInt8(0x80 | (value >> 12) & 0x3F)
        out[2] = UInt8(0x80 | (value >> 6) & 0x3F); out[3] = UInt8(0x80 | value & 0x3F)
        return 4
    }
}
