/// A strict JSON (RFC 8259) reader that keeps line and column of every value.
///
/// Foundation's JSONSerialization loses positions and turns big integers into doubles; editors need
/// `file:line` in every error and exact numbers, so content JSON is read here instead.
struct JSONReader {
    struct SyntaxError: Error, Equatable {
        var message: String
        var line: Int
        var column: Int
    }

    /// Deepest nesting accepted; deeper input is refused rather than risking the stack.
    static let maxDepth = 64

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses one JSON document.
    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> ContentValue {
        var reader = JSONReader(bytes)
        reader.skipWhitespace()
        guard reader.index < reader.bytes.count else { throw reader.error("文件是空的，没有 JSON 内容") }
        let value = try reader.parseValue(depth: 0)
        reader.skipWhitespace()
        if reader.index < reader.bytes.count { throw reader.error("JSON 值结束后还有多余内容") }
        return value
    }

    /// Where the last column count stopped, so counting goes on from there: counting from the start of the line
    /// for every value made a minified (one-line) export quadratic — 100,000 providers took minutes.
    private final class ColumnCount {
        var lineStart = 0
        var index = 0
        var column = 1
    }
    private let counted = ColumnCount()

    private var column: Int {
        // Columns count Unicode scalars: skip UTF-8 continuation bytes.
        if counted.lineStart != lineStart || counted.index > index {
            counted.lineStart = lineStart
            counted.index = lineStart
            counted.column = 1
        }
        while counted.index < index && counted.index < bytes.count {
            if bytes[counted.index] & 0xC0 != 0x80 { counted.column += 1 }
            counted.index += 1
        }
        return counted.column
    }

    private func error(_ message: String) -> SyntaxError {
        SyntaxError(message: message, line: line, column: column)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D: index += 1
            case 0x0A: index += 1; line += 1; lineStart = index
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(SyntaxError) -> ContentValue {
        guard depth < Self.maxDepth else { throw error("JSON 嵌套超过 \(Self.maxDepth) 层") }
        guard index < bytes.count else { throw error("JSON 意外结束") }
        let (startLine, startColumn) = (line, column)
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var entries: [ContentValue.Entry] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return ContentValue(.map(entries), line: startLine, column: startColumn)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw error("这里应是用双引号括起的键名")
                }
                let (keyLine, keyColumn) = (line, column)
                let key = try parseString()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("键名后缺少冒号 “:”") }
                index += 1
                skipWhitespace()
                let value = try parseValue(depth: depth + 1)
                entries.append(.init(key: key, keyLine: keyLine, keyColumn: keyColumn, value: value))
                skipWhitespace()
                guard index < bytes.count else { throw error("对象没有结束，缺少 “}”") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; break }
                throw error("这里应是逗号 “,” 或 “}”")
            }
            return ContentValue(.map(entries), line: startLine, column: startColumn)
        case UInt8(ascii: "["):
            index += 1
            var items: [ContentValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return ContentValue(.list(items), line: startLine, column: startColumn)
            }
            while true {
                skipWhitespace()
                items.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw error("数组没有结束，缺少 “]”") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; break }
                throw error("这里应是逗号 “,” 或 “]”")
            }
            return ContentValue(.list(items), line: startLine, column: startColumn)
        case UInt8(ascii: "\""):
            return ContentValue(.scalar(try parseString(), quoted: true), line: startLine, column: startColumn)
        case UInt8(ascii: "t"):
            try expectWord("true")
            return ContentValue(.scalar("true", quoted: false), line: startLine, column: startColumn)
        case UInt8(ascii: "f"):
            try expectWord("false")
            return ContentValue(.scalar("false", quoted: false), line: startLine, column: startColumn)
        case UInt8(ascii: "n"):
            try expectWord("null")
            return ContentValue(.null, line: startLine, column: startColumn)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return ContentValue(.scalar(try parseNumber(), quoted: false), line: startLine, column: startColumn)
        default:
            throw error("这里不是合法的 JSON 值（字符串要用双引号，不能有注释或末尾逗号）")
        }
    }

    private mutating func expectWord(_ word: String) throws(SyntaxError) {
        for byte in word.utf8 {
            guard index < bytes.count, bytes[index] == byte else { throw error("这里不是合法的 JSON 值") }
            index += 1
        }
    }

    private mutating func parseNumber() throws(SyntaxError) -> String {
        let start = index
        func digits(_ reader: inout JSONReader) -> Int {
            let from = reader.index
            while reader.index < reader.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(reader.bytes[reader.index]) {
                reader.index += 1
            }
            return reader.index - from
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let intStart = index
        let intDigits = digits(&self)
        if intDigits == 0 { throw error("数字格式不对") }
        if intDigits > 1 && bytes[intStart] == UInt8(ascii: "0") { throw error("数字不能以 0 开头") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            if digits(&self) == 0 { throw error("小数点后缺少数字") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            if digits(&self) == 0 { throw error("指数部分缺少数字") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func parseString() throws(SyntaxError) -> String {
        let (startLine, startColumn) = (line, column)
        let text = try parseStringBody()
        // Escapes such as \u0001 or \b would smuggle in characters that the raw text may not hold.
        if let (scalar, _, _) = HiddenCharacters.first(in: text) {
            throw SyntaxError(message: HiddenCharacters.message(scalar, in: "字符串里"),
                              line: startLine, column: startColumn)
        }
        return text
    }

    private mutating func parseStringBody() throws(SyntaxError) -> String {
        index += 1  // opening quote
        var out: [UInt8] = []
        while true {
            guard index < bytes.count else { throw error("字符串没有结束，缺少右双引号") }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw error("字符串没有结束") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("\\u 转义缺少低位代理")
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("\\u 转义的代理对不正确") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("\\u 转义的代理对不正确")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error("\\u 转义不是合法字符") }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw error("字符串里有不认识的转义 “\\\(Character(Unicode.Scalar(escape)))”")
                }
            case 0x00..<0x20:
                throw error("字符串里不能直接换行或含控制字符")
            default:
                out.append(byte)
                index += 1
            }
        }
    }

    private mutating func parseHex4() throws(SyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("\\u 后应有 4 位十六进制数") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("\\u 后应有 4 位十六进制数")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }
}
