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
        if text.utf8.contains(0x0D) {
            text = text.replacingCRLF()
        }
        if text.utf8.contains(0) {
            let (line, column) = position(of: 0, in: Array(text.utf8))
            throw DecodingError(message: "文件里有 NUL 字符（\\0），不是正常的文本文件", line: line, column: column)
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
        var text = text
        let result = text.withUTF8 { (bytes: UnsafeBufferPointer<UInt8>) -> Result<FrontMatterDocument, SplitError> in
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
            func string(_ from: Int, _ to: Int) -> String {
                from >= to ? "" : String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
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
                    return .success(FrontMatterDocument(frontMatter: string(firstEnd + 1, frontEnd), frontMatterFirstLine: 2,
                                               body: string(min(end + 1, bytes.count), bytes.count), bodyFirstLine: lineNumber + 1))
                }
                if end >= bytes.count { break }
                start = end + 1
                lineNumber += 1
            }
            return .failure(SplitError(message: "YAML 头信息没有结束：缺少第二个 “---” 行", line: 1))
        }
        return try result.get()
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
