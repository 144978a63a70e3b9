/// A strict, fast reader for the plain YAML that content files are written in; the fast path of ``YAMLReader``.
///
/// Front matter is read for every one of tens of thousands of files, and Yams (libyaml, then its node tree, its
/// duplicate-key grouping and our conversion) took most of the loading time. This reader covers the shapes that
/// editors and `roster new` write — block mappings and sequences (also `- key: value` items and sequences written
/// level with their key), one-line flow collections, one-line plain and quoted scalars, comments — and gives up
/// (returns nil) on anything else, which then goes to Yams: anchors, aliases, tags, block scalars, multi-line
/// scalars, escapes, tabs, unusual line breaks, duplicate keys, and every syntax error. So every error message
/// still comes from Yams, and giving up is always safe; a value it does return must be exactly the one the Yams
/// path returns, positions included. `YAMLSubsetReaderTests` compares the two on every fixture, the fuzz corpus,
/// the real content and thousands of mutations of them.
struct YAMLSubsetReader {
    /// Thrown inside the reader when the text leaves the subset; never escapes ``read(_:lineOffset:)``.
    private struct GiveUp: Error {}

    /// The text, to cut values from, and its UTF-8 bytes, to read.
    private let text: String
    private let bytes: UnsafeBufferPointer<UInt8>
    private let lineOffset: Int
    /// Byte offset where each line starts; lines end at the next `\n` (or the end of the text).
    private var lineStarts: [Int] = []
    /// Values produced so far, against ``YAMLReader/maxNodes``.
    private var nodes = 0
    /// The last column computed (line, byte offset, column), so a long line of flow items is walked once.
    private var columnCache = (line: -1, offset: 0, column: 1)

    private init(text: String, bytes: UnsafeBufferPointer<UInt8>, lineOffset: Int) {
        self.text = text
        self.bytes = bytes
        self.lineOffset = lineOffset
    }

    /// The document as ``YAMLReader/parse(_:lineOffset:)`` would return it, or nil when `text` is outside the subset.
    static func read(_ text: String, lineOffset: Int = 0, hiddenCharactersChecked: Bool = false) -> ContentValue? {
        var bytesOf = text
        return bytesOf.withUTF8 { bytes in
            if !hiddenCharactersChecked && HiddenCharacters.mayOccur(in: bytes) { return nil }
            guard let lines = linesIfSubset(bytes) else { return nil }
            var reader = YAMLSubsetReader(text: text, bytes: bytes, lineOffset: lineOffset)
            reader.lineStarts.reserveCapacity(lines)
            return try? reader.document()
        }
    }

    /// The number of lines, or nil for text with bytes that libyaml treats specially (tabs, CR, NEL, LS, PS, BOM)
    /// or lines it reads as directives or document markers. (Anything ``HiddenCharacters`` might object to, which
    /// the Yams path reports, is ruled out before.)
    private static func linesIfSubset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var lines = 1
        var lineStart = true
        var i = 0
        let count = bytes.count
        while i < count {
            let byte = bytes[i]
            if lineStart {
                if byte == UInt8(ascii: "%") { return nil }
                if i + 2 < count, byte == UInt8(ascii: "-") || byte == UInt8(ascii: "."),
                   bytes[i + 1] == byte, bytes[i + 2] == byte {
                    return nil
                }
            }
            switch byte {
            case 0x09, 0x0D: return nil
            case 0x0A: lines += 1
            case 0xE2:  // U+2028, U+2029: line breaks to libyaml
                if i + 2 < count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 { return nil }
            case 0xEF:  // U+FEFF: skipped by libyaml at the start of a line
                if i + 2 < count, bytes[i + 1] == 0xBB, bytes[i + 2] == 0xBF { return nil }
            default: break
            }
            lineStart = byte == 0x0A
            i += 1
        }
        return lines
    }

    // MARK: - Lines

    private func lineEnd(_ line: Int) -> Int {
        line + 1 < lineStarts.count ? lineStarts[line + 1] - 1 : bytes.count
    }

    /// Leading spaces of a line.
    private func indent(_ line: Int) -> Int {
        var i = lineStarts[line]
        let end = lineEnd(line)
        while i < end && bytes[i] == 0x20 { i += 1 }
        return i - lineStarts[line]
    }

    /// Whether the line holds a node: not blank, not only a comment.
    private func hasContent(_ line: Int) -> Bool {
        let at = lineStarts[line] + indent(line)
        return at < lineEnd(line) && bytes[at] != UInt8(ascii: "#")
    }

    /// The first line at or after `line` that holds a node.
    private func contentLine(from line: Int) -> Int? {
        var line = line
        while line < lineStarts.count {
            if hasContent(line) { return line }
            line += 1
        }
        return nil
    }

    /// Column (1-based, in Unicode scalars) of a byte offset on `line`, as libyaml counts it.
    private mutating func column(_ offset: Int, line: Int) -> Int {
        var column = 1
        var i = lineStarts[line]
        if columnCache.line == line && columnCache.offset <= offset { (i, column) = (columnCache.offset, columnCache.column) }
        while i < offset {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        columnCache = (line, offset, column)
        return column
    }

    /// The text between two byte offsets (scalar boundaries: the reader cuts only at ASCII bytes).
    private func string(_ from: Int, _ to: Int) -> String {
        text.utf8Slice(from, to)
    }

    private func skipSpaces(_ i: Int, end: Int) -> Int {
        var i = i
        while i < end && bytes[i] == 0x20 { i += 1 }
        return i
    }

    private func isSpaceOrEnd(_ i: Int, end: Int) -> Bool { i >= end || bytes[i] == 0x20 }

    // MARK: - Values

    /// A value at `depth` (the root is 0), counted and bounded as the Yams path bounds them.
    private mutating func value(_ kind: ContentValue.Kind, line: Int, at offset: Int, depth: Int) throws(GiveUp) -> ContentValue {
        nodes += 1
        if nodes > YAMLReader.maxNodes || depth > YAMLReader.maxDepth { throw GiveUp() }
        return ContentValue(kind, line: line + 1 + lineOffset, column: column(offset, line: line))
    }

    /// A scalar as the Yams path converts it: plain `~`, `null` and the like are null.
    private mutating func scalar(_ text: String, quoted: Bool, line: Int, at offset: Int,
                                 depth: Int) throws(GiveUp) -> ContentValue {
        if !quoted, text.utf8.count <= 4, ["", "~", "null", "Null", "NULL"].contains(text) {
            return try value(.null, line: line, at: offset, depth: depth)
        }
        return try value(.scalar(text, quoted: quoted), line: line, at: offset, depth: depth)
    }

    // MARK: - Block structure

    private mutating func document() throws(GiveUp) -> ContentValue {
        lineStarts.append(0)
        for i in 0..<bytes.count where bytes[i] == 0x0A { lineStarts.append(i + 1) }
        guard let first = contentLine(from: 0) else {
            return ContentValue(.null, line: 1 + lineOffset, column: 1)
        }
        let (root, next) = try blockNode(line: first, at: lineStarts[first] + indent(first), parentIndent: -1, depth: 0)
        if next != nil { throw GiveUp() }
        return root
    }

    /// The node starting at `offset` on `line` and the next line holding a node after it; every line of the node is
    /// indented more than `parentIndent`.
    private mutating func blockNode(line: Int, at offset: Int, parentIndent: Int,
                                    depth: Int) throws(GiveUp) -> (ContentValue, next: Int?) {
        let end = lineEnd(line)
        let indent = offset - lineStarts[line]  // only spaces precede the node: bytes are columns
        if bytes[offset] == UInt8(ascii: "-") && isSpaceOrEnd(offset + 1, end: end) {
            return try blockSequence(line: line, indent: indent, depth: depth)
        }
        if keyEnd(line: line, at: offset) != nil {
            return try blockMapping(line: line, at: offset, indent: indent, depth: depth)
        }
        let node = try inlineNode(line: line, at: offset, depth: depth)
        let next = contentLine(from: line + 1)
        // A more indented line would continue a plain scalar, or be an error: both are Yams's to handle.
        if let next, self.indent(next) > parentIndent { throw GiveUp() }
        return (node, next)
    }

    /// Where a simple key starting at `offset` ends (its `:` follows), or nil when no `key:` starts there.
    private func keyEnd(line: Int, at offset: Int) -> (key: String, quoted: Bool, colon: Int)? {
        let end = lineEnd(line)
        let first = bytes[offset]
        var colon: Int
        let key: String
        let quoted: Bool
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            guard let (text, close) = quotedScalar(at: offset, end: end) else { return nil }
            colon = close
            key = text
            quoted = true
        } else {
            guard canStartPlain(offset, end: end) else { return nil }
            var i = offset
            while i < end {
                let byte = bytes[i]
                if byte == UInt8(ascii: ":") && isSpaceOrEnd(i + 1, end: end) { break }
                if byte == UInt8(ascii: "#") && bytes[i - 1] == 0x20 { return nil }  // a comment: no key here
                i += 1
            }
            guard i < end else { return nil }
            var last = i
            while last > offset && bytes[last - 1] == 0x20 { last -= 1 }
            colon = i
            key = string(offset, last)
            quoted = false
        }
        // libyaml drops a simple key longer than 1024 characters; such keys are left to it.
        guard colon < end, bytes[colon] == UInt8(ascii: ":"), isSpaceOrEnd(colon + 1, end: end), colon - offset < 1000 else {
            return nil
        }
        return (key, quoted, colon)
    }

    private mutating func blockMapping(line firstLine: Int, at firstOffset: Int, indent: Int,
                                       depth: Int) throws(GiveUp) -> (ContentValue, next: Int?) {
        var entries: [ContentValue.Entry] = []
        entries.reserveCapacity(16)
        var keys = SeenKeys()
        var line = firstLine
        var offset = firstOffset
        let mapping = try value(.null, line: line, at: offset, depth: depth)  // position only; the kind is set below
        while true {
            guard let (key, _, colon) = keyEnd(line: line, at: offset) else { throw GiveUp() }
            // Yams reports duplicate keys; hidden characters in keys were ruled out with the whole text.
            if !keys.insert(key, after: entries) { throw GiveUp() }
            let end = lineEnd(line)
            let rest = skipSpaces(colon + 1, end: end)
            let keyLine = line + 1 + lineOffset
            let keyColumn = column(offset, line: line)
            let entryValue: ContentValue
            var next: Int?
            if rest == end || bytes[rest] == UInt8(ascii: "#") {
                next = contentLine(from: line + 1)
                if let below = next, self.indent(below) > indent {
                    (entryValue, next) = try blockNode(line: below, at: lineStarts[below] + self.indent(below),
                                                       parentIndent: indent, depth: depth + 1)
                } else if let below = next, self.indent(below) == indent, isSequenceEntry(below, indent: indent) {
                    (entryValue, next) = try blockSequence(line: below, indent: indent, depth: depth + 1)
                } else {
                    // libyaml places an empty value just after the `:`.
                    entryValue = try value(.null, line: line, at: colon + 1, depth: depth + 1)
                }
            } else {
                entryValue = try inlineNode(line: line, at: rest, depth: depth + 1)
                next = contentLine(from: line + 1)
            }
            entries.append(.init(key: key, keyLine: keyLine, keyColumn: keyColumn, value: entryValue))
            guard let following = next else { return (withKind(mapping, .map(entries)), nil) }
            let nextIndent = self.indent(following)
            if nextIndent < indent { return (withKind(mapping, .map(entries)), following) }
            if nextIndent > indent || isSequenceEntry(following, indent: indent) { throw GiveUp() }
            line = following
            offset = lineStarts[following] + indent
        }
    }

    private func isSequenceEntry(_ line: Int, indent: Int) -> Bool {
        let at = lineStarts[line] + indent
        return bytes[at] == UInt8(ascii: "-") && isSpaceOrEnd(at + 1, end: lineEnd(line))
    }

    private func withKind(_ value: ContentValue, _ kind: ContentValue.Kind) -> ContentValue {
        var value = value
        value.kind = kind
        return value
    }

    /// A block sequence whose `-` marks stand at `indent` (level with their key, or deeper).
    private mutating func blockSequence(line firstLine: Int, indent: Int,
                                        depth: Int) throws(GiveUp) -> (ContentValue, next: Int?) {
        var items: [ContentValue] = []
        var line = firstLine
        let sequence = try value(.null, line: line, at: lineStarts[line] + indent, depth: depth)
        while true {
            let dash = lineStarts[line] + indent
            let end = lineEnd(line)
            let rest = skipSpaces(dash + 1, end: end)
            let item: ContentValue
            var next: Int?
            if rest == end || bytes[rest] == UInt8(ascii: "#") {
                next = contentLine(from: line + 1)
                if let below = next, self.indent(below) > indent {
                    (item, next) = try blockNode(line: below, at: lineStarts[below] + self.indent(below),
                                                 parentIndent: indent, depth: depth + 1)
                } else {
                    item = try value(.null, line: line, at: dash + 1, depth: depth + 1)  // libyaml: just after the `-`
                }
            } else if bytes[rest] == UInt8(ascii: "-") && isSpaceOrEnd(rest + 1, end: end) {
                throw GiveUp()  // "- - x"
            } else if keyEnd(line: line, at: rest) != nil {
                (item, next) = try blockMapping(line: line, at: rest, indent: rest - lineStarts[line], depth: depth + 1)
            } else {
                item = try inlineNode(line: line, at: rest, depth: depth + 1)
                next = contentLine(from: line + 1)
            }
            items.append(item)
            guard let following = next else { return (withKind(sequence, .list(items)), nil) }
            let nextIndent = self.indent(following)
            if nextIndent > indent { throw GiveUp() }
            if nextIndent < indent || !isSequenceEntry(following, indent: indent) {
                return (withKind(sequence, .list(items)), following)
            }
            line = following
        }
    }

    // MARK: - One-line nodes

    /// A scalar or flow collection that ends on its line, with at most a comment after it.
    private mutating func inlineNode(line: Int, at offset: Int, depth: Int) throws(GiveUp) -> ContentValue {
        let end = lineEnd(line)
        let node: ContentValue
        var after: Int
        switch bytes[offset] {
        case UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "\""), UInt8(ascii: "'"):
            (node, after) = try flowNode(line: line, at: offset, depth: depth)
        default:
            guard canStartPlain(offset, end: end) else { throw GiveUp() }
            var i = offset
            while i < end {
                let byte = bytes[i]
                if byte == UInt8(ascii: ":") && isSpaceOrEnd(i + 1, end: end) { throw GiveUp() }  // "a: b: c"
                if byte == UInt8(ascii: "#") && bytes[i - 1] == 0x20 { break }
                i += 1
            }
            var last = i
            while last > offset && bytes[last - 1] == 0x20 { last -= 1 }
            node = try scalar(string(offset, last), quoted: false, line: line, at: offset, depth: depth)
            after = last
        }
        // Only spaces, then the end of the line or a comment, may follow.
        let rest = skipSpaces(after, end: end)
        if rest < end && !(bytes[rest] == UInt8(ascii: "#") && rest > after) { throw GiveUp() }
        return node
    }

    /// Whether a plain scalar may start at `offset` (libyaml's rule, narrowed: `?` and `:` never start one here).
    private func canStartPlain(_ offset: Int, end: Int) -> Bool {
        switch bytes[offset] {
        case UInt8(ascii: "-"):
            return !isSpaceOrEnd(offset + 1, end: end)
        case 0x20, UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"),
             UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"),
             UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""),
             UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
            return false
        default:
            return true
        }
    }

    /// A quoted scalar closed on its line, without escapes: its text and the offset after the closing quote.
    private func quotedScalar(at offset: Int, end: Int) -> (String, Int)? {
        let quote = bytes[offset]
        var i = offset + 1
        if quote == UInt8(ascii: "\"") {
            while i < end && bytes[i] != quote {
                if bytes[i] == UInt8(ascii: "\\") { return nil }
                i += 1
            }
            guard i < end else { return nil }
            return (string(offset + 1, i), i + 1)
        }
        var text: [UInt8] = []
        var doubled = false
        while i < end {
            if bytes[i] == quote {
                if i + 1 < end && bytes[i + 1] == quote {
                    doubled = true
                    text.append(quote)
                    i += 2
                    continue
                }
                if !doubled { return (string(offset + 1, i), i + 1) }
                return (String(decoding: text, as: UTF8.self), i + 1)
            }
            text.append(bytes[i])
            i += 1
        }
        return nil
    }

    /// A node inside (or opening) a flow collection, and the offset after it; everything stays on `line`.
    private mutating func flowNode(line: Int, at offset: Int, depth: Int) throws(GiveUp) -> (ContentValue, Int) {
        let end = lineEnd(line)
        guard offset < end else { throw GiveUp() }
        switch bytes[offset] {
        case UInt8(ascii: "["):
            var items: [ContentValue] = []
            let list = try value(.null, line: line, at: offset, depth: depth)
            var i = skipSpaces(offset + 1, end: end)
            if i < end && bytes[i] == UInt8(ascii: "]") { return (withKind(list, .list([])), i + 1) }
            while true {
                let (item, after) = try flowNode(line: line, at: i, depth: depth + 1)
                items.append(item)
                i = skipSpaces(after, end: end)
                guard i < end else { throw GiveUp() }
                if bytes[i] == UInt8(ascii: "]") { return (withKind(list, .list(items)), i + 1) }
                guard bytes[i] == UInt8(ascii: ",") else { throw GiveUp() }
                i = skipSpaces(i + 1, end: end)
                if i < end && bytes[i] == UInt8(ascii: "]") { throw GiveUp() }  // trailing comma
            }
        case UInt8(ascii: "{"):
            var entries: [ContentValue.Entry] = []
            var keys = SeenKeys()
            let map = try value(.null, line: line, at: offset, depth: depth)
            var i = skipSpaces(offset + 1, end: end)
            if i < end && bytes[i] == UInt8(ascii: "}") { return (withKind(map, .map([])), i + 1) }
            while true {
                guard i < end else { throw GiveUp() }
                let key: String
                var colon: Int
                if bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") {
                    guard let (text, close) = quotedScalar(at: i, end: end) else { throw GiveUp() }
                    key = text
                    colon = close
                } else {
                    guard canStartPlain(i, end: end) else { throw GiveUp() }
                    var j = i
                    while j < end, !flowPlainStop(bytes[j]) { j += 1 }
                    guard j < end, bytes[j] == UInt8(ascii: ":") else { throw GiveUp() }
                    var last = j
                    while last > i && bytes[last - 1] == 0x20 { last -= 1 }
                    key = string(i, last)
                    colon = j
                }
                guard colon < end, bytes[colon] == UInt8(ascii: ":"), colon + 1 < end, bytes[colon + 1] == 0x20 else {
                    throw GiveUp()
                }
                if !keys.insert(key, after: entries) { throw GiveUp() }
                let keyLine = line + 1 + lineOffset
                let keyColumn = column(i, line: line)
                let valueStart = skipSpaces(colon + 1, end: end)
                guard valueStart < end, bytes[valueStart] != UInt8(ascii: ","), bytes[valueStart] != UInt8(ascii: "}") else {
                    throw GiveUp()  // an empty value
                }
                let (entryValue, after) = try flowNode(line: line, at: valueStart, depth: depth + 1)
                entries.append(.init(key: key, keyLine: keyLine, keyColumn: keyColumn, value: entryValue))
                i = skipSpaces(after, end: end)
                guard i < end else { throw GiveUp() }
                if bytes[i] == UInt8(ascii: "}") { return (withKind(map, .map(entries)), i + 1) }
                guard bytes[i] == UInt8(ascii: ",") else { throw GiveUp() }
                i = skipSpaces(i + 1, end: end)
                if i < end && bytes[i] == UInt8(ascii: "}") { throw GiveUp() }  // trailing comma
            }
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            guard let (text, after) = quotedScalar(at: offset, end: end) else { throw GiveUp() }
            return (try scalar(text, quoted: true, line: line, at: offset, depth: depth), after)
        default:
            guard canStartPlain(offset, end: end) else { throw GiveUp() }
            var i = offset
            while i < end, !flowPlainStop(bytes[i]) { i += 1 }
            // Only `,` `]` `}` end a plain scalar here; `:` `#` `[` `{` or the line's end leave it to Yams.
            guard i < end, bytes[i] == UInt8(ascii: ",") || bytes[i] == UInt8(ascii: "]") || bytes[i] == UInt8(ascii: "}") else {
                throw GiveUp()
            }
            var last = i
            while last > offset && bytes[last - 1] == 0x20 { last -= 1 }
            return (try scalar(string(offset, last), quoted: false, line: line, at: offset, depth: depth), i)
        }
    }

    private func flowPlainStop(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ":"), UInt8(ascii: "#"),
             UInt8(ascii: "["), UInt8(ascii: "{"):
            return true
        default:
            return false
        }
    }
}

/// Duplicate keys of one mapping: the entries so far are searched while few (cheaper than hashing a few keys),
/// a set takes over once there are many.
private struct SeenKeys {
    private var set: Set<String>?

    /// Whether `key` is new after `entries` (the mapping's entries so far, each of which was passed here).
    mutating func insert(_ key: String, after entries: [ContentValue.Entry]) -> Bool {
        if set != nil { return set!.insert(key).inserted }
        if entries.contains(where: { $0.key == key }) { return false }
        if entries.count >= 16 { set = Set(entries.map(\.key) + [key]) }
        return true
    }
}
