/// Turns a file's bytes into text the way editors expect: UTF-8, BOM dropped, CRLF read as LF.
enum SourceText {
    struct DecodingError: Error {
        var message: String
        var line: Int
        var column: Int
    }

    /// Decodes UTF-8, pointing at the first invalid byte's line if there is one.
    static func decode(_ bytes: [UInt8]) throws(DecodingError) -> String {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        let body = bytes[start...]
        var text: String
        if let valid = String(validating: body, as: UTF8.self) {
            text = valid
        } else {
            throw invalidUTF8(in: Array(body))
        }
        // One pass over the bytes rules out the rare cases below for almost every file.
        let clean = body.withUnsafeBufferPointer { !HiddenCharacters.mayOccur(in: $0) }
        if clean { return text }
        if text.utf8.contains(0x0D) {
            text = text.replacingCRLF()
        }
        if text.utf8.contains(0) {
            let (line, column) = position(of: 0, in: Array(text.utf8))
            throw DecodingError(message: "文件里有 NUL 字符（\\0），不是正常的文本文件", line: line, column: column)
        }
        if let (scalar, line, column) = HiddenCharacters.first(in: text) {
            throw DecodingError(message: HiddenCharacters.message(scalar), line: line, column: column)
        }
        return text
    }

    private static func invalidUTF8(in bytes: [UInt8]) -> DecodingError {
        var line = 1
        var lineStart = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            let valid = length > 0 && i + length <= bytes.count
                && String(validating: bytes[i..<(i + length)], as: UTF8.self) != nil
            if !valid {
                let column = String(decoding: bytes[lineStart..<i], as: UTF8.self).unicodeScalars.count + 1
                return DecodingError(message: "文件不是有效的 UTF-8 文本（可能是 GBK 编码）", line: line, column: column)
            }
            if b == 0x0A { line += 1; lineStart = i + 1 }
            i += length
        }
        return DecodingError(message: "文件不是有效的 UTF-8 文本", line: line, column: 1)
    }

    private static func position(of byte: UInt8, in bytes: [UInt8]) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        for (i, b) in bytes.enumerated() {
            if b == byte {
                return (line, String(decoding: bytes[lineStart..<i], as: UTF8.self).unicodeScalars.count + 1)
            }
            if b == 0x0A { line += 1; lineStart = i + 1 }
        }
        return (line, 1)
    }
}

/// Characters that no content needs and that hide or disguise text.
///
/// C0 and C1 control characters (other than tab and newline) are invalid in XML and make HTML parse errors;
/// Word's manual line break (U+000B) is the usual way one arrives. Bidirectional overrides can make a name
/// read differently from what it is ("Trojan Source"). Noncharacters U+FFFE/U+FFFF are invalid in XML.
/// A combining mark (or a prepended mark) glued to `<`, `>`, `&`, `"` or `'` makes one grapheme cluster that
/// is not that character, and Swift code comparing Characters — swift-mustache's HTML escaping among it —
/// would let it through unescaped.
enum HiddenCharacters {
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true
        case 0xFFFE, 0xFFFF: return true
        default: return false
        }
    }

    static func isEscapable(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "<" || scalar == ">" || scalar == "&" || scalar == "\"" || scalar == "'"
    }

    /// Whether `a` and `b` form one grapheme cluster (no cluster boundary between them).
    static func glued(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Bool {
        var pair = ""
        pair.unicodeScalars.append(a)
        pair.unicodeScalars.append(b)
        return pair.count == 1
    }

    /// The first forbidden or glued character of `text` with its line and column (1-based, columns in Unicode scalars).
    static func first(in text: String) -> (Unicode.Scalar, line: Int, column: Int)? {
        var line = 1
        var column = 1
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            if isForbidden(scalar) { return (scalar, line, column) }
            if let previous, isEscapable(previous) || isEscapable(scalar), glued(previous, scalar) {
                return (isEscapable(scalar) ? previous : scalar, line, isEscapable(scalar) ? column - 1 : column)
            }
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
            previous = scalar
        }
        return nil
    }

    static func contains(_ text: String) -> Bool { first(in: text) != nil }

    /// False when the UTF-8 `bytes` certainly hold nothing that ``first(in:)`` reports; a byte-level pass, so the
    /// Character-by-Character ``first(in:)`` runs only on text that may need it.
    ///
    /// Forbidden scalars have recognisable encodings (C0 bytes, 0x7F, `C2 80…9F`, `E2 80 AA…AE`, `E2 81 A6…A9`,
    /// `EF BF BE…BF`); a glued pair needs one of `< > & " '` beside a non-ASCII byte (ASCII pairs never form one
    /// cluster, CR LF aside), and only such pairs are looked at scalar by scalar.
    static func mayOccur(in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        return leadBytes.withUnsafeBufferPointer { table in
            func suspicious(_ i: Int) -> Bool {
                let byte = bytes[i]
                guard table[Int(byte)] else { return false }
                switch byte {
                case 0x3C, 0x3E, 0x26, 0x22, 0x27:  // < > & " '
                    return gluedAt(i, in: bytes)
                case 0xC2:
                    return i + 1 < count && bytes[i + 1] >= 0x80 && bytes[i + 1] <= 0x9F
                case 0xE2:
                    return i + 2 < count && (bytes[i + 1] == 0x80 && bytes[i + 2] >= 0xAA && bytes[i + 2] <= 0xAE
                                             || bytes[i + 1] == 0x81 && bytes[i + 2] >= 0xA6 && bytes[i + 2] <= 0xA9)
                case 0xEF:
                    return i + 2 < count && bytes[i + 1] == 0xBF && bytes[i + 2] >= 0xBE
                default:
                    return true  // C0 controls but tab and line feed, and DEL
                }
            }
            var i = 0
            while i < count {
                if suspicious(i) { return true }
                i += 1
            }
            return false
        }
    }

    /// The bytes ``mayOccur(in:)`` looks at more closely; a table, so that the rest cost one lookup each.
    private static let leadBytes: [Bool] = (0...255).map { byte in
        (byte < 0x20 && byte != 0x09 && byte != 0x0A) || byte == 0x7F || [0x3C, 0x3E, 0x26, 0x22, 0x27, 0xC2, 0xE2, 0xEF].contains(byte)
    }

    /// Whether the escapable ASCII byte at `i` forms one grapheme cluster with the scalar before or after it.
    private static func gluedAt(_ i: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let escapable = Unicode.Scalar(bytes[i])
        if i + 1 < bytes.count, bytes[i + 1] >= 0x80, let next = scalar(at: i + 1, in: bytes), glued(escapable, next) {
            return true
        }
        if i > 0, bytes[i - 1] >= 0x80 {
            var start = i - 1
            while start > 0 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
            if let previous = scalar(at: start, in: bytes), glued(previous, escapable) { return true }
        }
        return false
    }

    /// The scalar whose UTF-8 encoding starts at `i` (nil if the bytes there are not one).
    private static func scalar(at i: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        let lead = bytes[i]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        guard i + length <= bytes.count else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<(i + length)]), as: UTF8.self).unicodeScalars.first
    }

    /// A Chinese message naming the character and where it usually comes from; `place` says where it was found.
    static func message(_ scalar: Unicode.Scalar, in place: String = "文件里") -> String {
        let code = "U+" + String(repeating: "0", count: max(0, 4 - String(scalar.value, radix: 16).count))
            + String(scalar.value, radix: 16, uppercase: true)
        switch scalar.value {
        case 0x0B: return "\(place)有看不见的控制字符 \(code)（垂直制表符，常见于从 Word 复制来的换行），请删掉或换成普通换行"
        case 0x0C: return "\(place)有看不见的控制字符 \(code)（换页符），请删掉"
        case 0x202A...0x202E, 0x2066...0x2069:
            return "\(place)有看不见的文字方向控制字符 \(code)，它会让文字显示得和实际内容不一样，请删掉"
        default:
            if !isForbidden(scalar) {
                return "\(place)有组合字符 \(code) 紧贴着 < > & \" ' 之一，它会让这个符号逃过网页转义，请删掉这个组合字符"
            }
            return "\(place)有看不见的控制字符 \(code)，网页和数据文件里不能有，请删掉"
        }
    }
}

extension String {
    /// Replaces CRLF (and lone CR) line endings with LF.
    func replacingCRLF() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var previousCR = false
        for byte in utf8 {
            if byte == 0x0D {
                out.append(0x0A)
                previousCR = true
                continue
            }
            if byte == 0x0A && previousCR { previousCR = false; continue }
            previousCR = false
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A Markdown file split into its YAML front matter and its body.
struct FrontMatterDocument {
    var frontMatter: String
    /// Line number (1-based) of the first front-matter line, to offset YAML positions.
    var frontMatterFirstLine: Int
    var body: String
    var bodyFirstLine: Int

    struct SplitError: Error {
        var message: String
        var line: Int
    }

    /// Splits `---` front matter from the body; the closing line is `---` (or `...`).
    static func split(_ text: String) throws(SplitError) -> FrontMatterDocument {
        // Works on UTF-8 bytes: Character-by-character splitting of every file was a measurable cost at scale.
        // The closure finds byte offsets; the parts are then cut from the string itself, which (unlike decoding
        // the bytes again) copies them without validating them a second time.
        var text = text
        let found = text.withUTF8 { (bytes: UnsafeBufferPointer<UInt8>) -> Result<(Int, Int, Int, Int), SplitError> in
            func lineEnd(from start: Int) -> Int {
                var i = start
                while i < bytes.count && bytes[i] != 0x0A { i += 1 }
                return i
            }
            func isMarker(_ start: Int, _ end: Int, _ marker: UInt8) -> Bool {
                var e = end
                while e > start && (bytes[e - 1] == 0x20 || bytes[e - 1] == 0x09) { e -= 1 }
                return e - start == 3 && bytes[start] == marker && bytes[start + 1] == marker && bytes[start + 2] == marker
            }
            let firstEnd = lineEnd(from: 0)
            guard isMarker(0, firstEnd, 0x2D) else {
                return .failure(SplitError(message: "文件开头缺少 YAML 头信息：第一行应是 “---”", line: 1))
            }
            var start = firstEnd + 1
            var lineNumber = 2
            while start <= bytes.count {
                let end = lineEnd(from: start)
                if start < bytes.count && (isMarker(start, end, 0x2D) || isMarker(start, end, 0x2E)) {
                    let frontEnd = start > firstEnd + 1 ? start - 1 : start
                    return .success((firstEnd + 1, frontEnd, min(end + 1, bytes.count), lineNumber + 1))
                }
                if end >= bytes.count { break }
                start = end + 1
                lineNumber += 1
            }
            return .failure(SplitError(message: "YAML 头信息没有结束：缺少第二个 “---” 行", line: 1))
        }
        let (frontStart, frontEnd, bodyStart, bodyFirstLine) = try found.get()
        return FrontMatterDocument(frontMatter: text.utf8Slice(frontStart, frontEnd), frontMatterFirstLine: 2,
                                   body: text.utf8Slice(bodyStart, text.utf8.count), bodyFirstLine: bodyFirstLine)
    }
}

extension String {
    /// The text between two UTF-8 offsets on Unicode scalar boundaries (such as at an ASCII byte), byte for byte.
    func utf8Slice(_ from: Int, _ to: Int) -> String {
        guard from < to else { return "" }
        let start = utf8.index(utf8.startIndex, offsetBy: from)
        return String(self[start..<utf8.index(start, offsetBy: to - from)])
    }
}

extension Substring {
    func trimmingTrailingSpaces() -> Substring {
        var end = endIndex
        while end > startIndex, let last = self[..<end].last, last == " " || last == "\t" {
            end = index(before: end)
        }
        return self[startIndex..<end]
    }
}
