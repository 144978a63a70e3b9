/// Bounds on a Markdown body that keep rendering linear in time, memory and output size.
///
/// Debian 12's cmark-gfm (0.29.0.gfm.6) predates the fixes for its known quadratic cases (CVE-2023-22484,
/// CVE-2023-22486, CVE-2023-37463 and the table-autocompletion blow-up fixed in 0.29.0.gfm.13): thousands of
/// `<?` or `<![CDATA[` openers or `![[` brackets in one paragraph, and tables whose missing cells are filled in
/// (a 1 KB table can become 400 KB of HTML, a 160 KB one takes 20 s). Content within these limits renders in a
/// fraction of a second; content outside them is refused, with its line, before cmark ever sees it.
///
/// The scan is textual and deliberately over-estimates (a "block" is a run of non-blank lines, a "table" runs
/// to the next blank line), so it can refuse odd content but never lets a costly one through. Real bodies are
/// far inside every limit: the longest document of the pilot is 13 KB with blocks of 2.5 KB.
public enum MarkdownLimits {
    /// Largest body; forty times the selection notice, the longest real document.
    public static let maxBytes = 512 * 1024
    /// Deepest nesting of block quotes and lists.
    public static let maxNesting = 32
    /// Most `<` or `[` in one block: each may start an inline scan to the block's end.
    public static let maxOpenersPerBlock = 1_000
    /// Widest table.
    public static let maxTableColumns = 64
    /// Most table cells in one body, counting the empty cells cmark-gfm fills in.
    public static let maxTableCells = 50_000

    /// Why a body is refused, and the line (1-based, within the body) where the limit was crossed.
    public struct Violation: Sendable, Equatable {
        public var line: Int
        public var message: String
        public var hint: String
    }

    /// The first limit `text` crosses, or nil when it is safe to render.
    public static func check(_ text: String) -> Violation? {
        // On the string's own bytes: `check` runs over every body, in `check` and again when rendering.
        var text = text
        return text.withUTF8 { check(bytes: $0) }
    }

    /// Words of eight line feeds, `<`, `[`, spaces and tabs, to compare eight bytes with at once.
    private enum Repeated {
        static let (lineFeed, lessThan, bracket, space, tab) = (ByteWord.repeating(0x0A), ByteWord.repeating(0x3C),
                                                               ByteWord.repeating(0x5B), ByteWord.repeating(0x20),
                                                               ByteWord.repeating(0x09))
    }

    private static func check(bytes: UnsafeBufferPointer<UInt8>) -> Violation? {
        if bytes.count > maxBytes {
            return Violation(line: 1, message: "正文太长（\(bytes.count / 1024) KB，上限 \(maxBytes / 1024) KB）",
                             hint: "正文应是简短的介绍；长文件请作为附件放在 media/ 下")
        }
        var lineNumber = 1
        var blockStart = 1
        var lessThan = 0
        var brackets = 0
        var tableColumns = 0
        var cells = 0
        var start = 0
        while start <= bytes.count {
            // One pass finds the line's end, whether it is blank, and its openers.
            var end = start
            var blank = true
            var lineLessThan = 0
            var lineBrackets = 0
            while end < bytes.count {
                // Eight bytes without a line end or an opener only tell whether the line is blank.
                if end + 8 <= bytes.count {
                    let word = bytes.word(at: end)
                    if ByteWord.bytes(word, equalTo: Repeated.lineFeed) | ByteWord.bytes(word, equalTo: Repeated.lessThan)
                        | ByteWord.bytes(word, equalTo: Repeated.bracket) == 0 {
                        if blank && ByteWord.bytes(word, equalTo: Repeated.space) | ByteWord.bytes(word, equalTo: Repeated.tab) != ByteWord.highBits {
                            blank = false
                        }
                        end += 8
                        continue
                    }
                }
                let byte = bytes[end]
                if byte == 0x0A { break }
                if byte == UInt8(ascii: "<") {
                    lineLessThan += 1
                } else if byte == UInt8(ascii: "[") {
                    lineBrackets += 1
                }
                if byte != 0x20 && byte != 0x09 { blank = false }
                end += 1
            }
            let line = bytes[start..<end]
            defer { start = end + 1; lineNumber += 1 }
            if blank {
                blockStart = lineNumber + 1
                lessThan = 0
                brackets = 0
                tableColumns = 0
                continue
            }
            lessThan += lineLessThan
            brackets += lineBrackets
            if lessThan > maxOpenersPerBlock || brackets > maxOpenersPerBlock {
                let what = lessThan > maxOpenersPerBlock ? "“<”" : "“[”"
                return Violation(line: lineNumber,
                                 message: "从第 \(blockStart) 行起的这一段里 \(what) 超过 \(maxOpenersPerBlock) 个，排版会极慢，已拒绝",
                                 hint: "用空行把长段落分开；大量链接或尖括号通常是复制错误")
            }
            let (depth, rest) = containerDepth(line)
            if depth > maxNesting {
                return Violation(line: lineNumber, message: "引用（>）或列表嵌套超过 \(maxNesting) 层",
                                 hint: "网页上不需要这么深的嵌套；减少行首的 “>”、“-” 或缩进")
            }
            if tableColumns > 0 {
                cells += tableColumns
            } else if let columns = delimiterRowColumns(rest) {
                if columns > maxTableColumns {
                    return Violation(line: lineNumber, message: "表格有 \(columns) 列，上限 \(maxTableColumns) 列",
                                     hint: "把宽表格拆开，或作为附件（Excel、PDF）提供")
                }
                tableColumns = columns
                cells += 2 * columns  // header and delimiter rows
            }
            if cells > maxTableCells {
                return Violation(line: lineNumber, message: "表格单元格总数超过 \(maxTableCells) 个（含自动补齐的空单元格）",
                                 hint: "把大表格作为附件（Excel、PDF）提供")
            }
        }
        return nil
    }

    /// An upper bound on the container nesting a line opens (`>` markers, list markers, and indentation,
    /// two columns per nested list), and the rest of the line after its markers.
    static func containerDepth(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> (Int, Slice<UnsafeBufferPointer<UInt8>>) {
        var i = line.startIndex
        var indent = 0
        while i < line.endIndex, line[i] == 0x20 || line[i] == 0x09 {
            indent += line[i] == 0x09 ? 4 - indent % 4 : 1
            i += 1
        }
        if isThematicBreak(line[i...]) { return (indent / 2, line[i...]) }
        var markers = 0
        while i < line.endIndex {
            let byte = line[i]
            var next = i
            if byte == UInt8(ascii: ">") {
                next = i + 1
            } else if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "*") {
                next = i + 1
                guard next == line.endIndex || line[next] == 0x20 || line[next] == 0x09 else { break }
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                var j = i
                while j < line.endIndex, j - i < 10, line[j] >= UInt8(ascii: "0") && line[j] <= UInt8(ascii: "9") { j += 1 }
                guard j < line.endIndex, line[j] == UInt8(ascii: ".") || line[j] == UInt8(ascii: ")") else { break }
                next = j + 1
                guard next == line.endIndex || line[next] == 0x20 || line[next] == 0x09 else { break }
            } else {
                break
            }
            markers += 1
            i = next
            while i < line.endIndex, line[i] == 0x20 || line[i] == 0x09 { i += 1 }
        }
        return (markers + indent / 2, line[i...])
    }

    /// `***`, `- - -`, `___`: a rule, not a list of lists.
    private static func isThematicBreak(_ rest: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let first = rest.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "*") || first == UInt8(ascii: "_") else {
            return false
        }
        var count = 0
        for byte in rest {
            if byte == first { count += 1 } else if byte != 0x20 && byte != 0x09 { return false }
        }
        return count >= 3
    }

    /// The column count if the line reads as a GFM table delimiter row (`| --- | :-: |`), else nil.
    static func delimiterRowColumns(_ rest: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        var pipes = 0
        var dashes = 0
        for byte in rest {
            switch byte {
            case UInt8(ascii: "|"): pipes += 1
            case UInt8(ascii: "-"): dashes += 1
            case UInt8(ascii: ":"), 0x20, 0x09: break
            default: return nil
            }
        }
        guard pipes > 0, dashes > 0 else { return nil }
        var columns = 0
        var inCell = false
        for byte in rest {
            if byte == UInt8(ascii: "|") { inCell = false } else if byte == UInt8(ascii: "-") && !inCell { inCell = true; columns += 1 }
        }
        return columns
    }
}
