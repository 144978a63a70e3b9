/// The links of a Markdown body written in a plain subset, found in one pass over its bytes; the fast path of
/// ``Markdown/links(in:)``, which `check` runs over every body.
///
/// cmark-gfm parses a whole document (blocks, inlines, tables) only for `check` to keep the link targets, and that
/// was most of `check`'s time. Where cmark would find links is easy to tell when a body keeps to the Markdown that
/// editors write here — paragraphs, headings, lists, quotes and tables of text with `[text](target)` links — so
/// this scanner reads such bodies and declines (returns nil) the moment anything else appears, leaving the body to
/// cmark. It declines on:
/// - anything that can make `[` mean something else or make text become a link without one: code (`` ` ``, `~~~`,
///   and a tab or four spaces before a link on its line, which may be an indented code block), HTML and `<…>`
///   autolinks (`<`), entities (`&`), escapes (`\`), the autolink extension's `www.`, `://` and `@`, and
///   strikethrough's `~`;
/// - any bracket that is not part of a one-line `[text](target)` or `![alt](target)` with plain text (no brackets,
///   no `|`, which a table would split on) and a plain target (no spaces, parentheses, `|` or `<`, no title) —
///   so reference links, definitions, footnotes and task-list boxes all go to cmark;
/// - any link in a run of non-blank lines that also holds something like a table's delimiter row (`|---|:--:|`):
///   cmark-gfm drops the cells of a row beyond the header's count, and reports the links of a paragraph that it
///   split a header row from at line 0.
///
/// A link's line is the line of its `[`, as cmark reports it for paragraphs, list items, quotes and headings.
/// `LinkScannerTests` compares the scanner with cmark on real content, the fuzz corpus and many edits of them.
enum LinkScanner {
    /// The body's links in order, or nil when the body is outside the subset.
    static func links(in text: String) -> [Markdown.Link]? {
        var text = text
        return text.withUTF8 { scan($0) }
    }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> [Markdown.Link]? {
        var links: [Markdown.Link] = []
        let count = bytes.count
        var line = 1
        var spaces = 0  // spaces in a row just before `i`
        var wideIndent = false  // a tab or four spaces in a row seen on this line
        var lineIsBlank = true
        var lineHasLink = false
        var lineMayBeDelimiterRow = true
        var lineHasDash = false
        var linkInRun = false  // a link in this run of non-blank lines
        var delimiterRowInRun = false  // a line that may be a table's delimiter row in this run
        var i = 0
        while i <= count {
            if i == count || bytes[i] == 0x0A {
                // Links in or next to a table go to cmark: see the type's documentation.
                if lineIsBlank {
                    (linkInRun, delimiterRowInRun) = (false, false)
                } else {
                    linkInRun = linkInRun || lineHasLink
                    delimiterRowInRun = delimiterRowInRun || (lineMayBeDelimiterRow && lineHasDash)
                    if linkInRun && delimiterRowInRun { return nil }
                }
                line += 1
                (spaces, wideIndent, lineIsBlank, lineHasLink, lineMayBeDelimiterRow, lineHasDash) = (0, false, true, false, true, false)
                i += 1
                continue
            }
            // Most of a Chinese body is letters and punctuation beyond ASCII: nothing to look at, 8 bytes at a time.
            if i + 8 <= count, bytes.word(at: i) & ByteWord.highBits == ByteWord.highBits {
                (lineIsBlank, lineMayBeDelimiterRow, spaces) = (false, false, 0)
                i += 8
                continue
            }
            let byte = bytes[i]
            if byte >= 0x80 {
                (lineIsBlank, lineMayBeDelimiterRow, spaces) = (false, false, 0)
                i += 1
                continue
            }
            if isForbidden(byte) || startsAutolink(bytes, i) { return nil }
            if byte != 0x20 { lineIsBlank = false }
            if byte == UInt8(ascii: "-") { lineHasDash = true } else if !mayBeInDelimiterRow(byte) { lineMayBeDelimiterRow = false }
            switch byte {
            case 0x20:
                spaces += 1
                if spaces >= 4 { wideIndent = true }
            case UInt8(ascii: "]"):
                return nil  // a bracket that closes no link read here
            case UInt8(ascii: "["):
                guard !wideIndent, let (link, end) = inlineLink(bytes, at: i, line: line) else { return nil }
                links.append(link)
                lineHasLink = true
                lineMayBeDelimiterRow = false
                i = end
                spaces = 0
                continue
            default:
                spaces = 0
            }
            i += 1
        }
        return links
    }

    /// Bytes of a table delimiter row (`| :-- | --: |`) and of the quote and list markers that may precede it.
    private static func mayBeInDelimiterRow(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "|"), UInt8(ascii: ":"), 0x20, UInt8(ascii: ">"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: ")"):
            return true
        default:
            return false
        }
    }

    /// Bytes that may start code, HTML, entities, escapes, strikethrough or an e-mail autolink.
    private static func isForbidden(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "`"), UInt8(ascii: "~"), UInt8(ascii: "<"), UInt8(ascii: "&"), UInt8(ascii: "\\"),
             UInt8(ascii: "@"), 0x00...0x09, 0x0B...0x1F, 0x7F:
            return true
        default:
            return false
        }
    }

    /// `www.` (any case) or `://` at `i`: text the autolink extension would turn into a link.
    private static func startsAutolink(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        let byte = bytes[i]
        if byte == UInt8(ascii: ":") {
            return i + 2 < bytes.count && bytes[i + 1] == UInt8(ascii: "/") && bytes[i + 2] == UInt8(ascii: "/")
        }
        guard byte | 0x20 == UInt8(ascii: "w"), i + 3 < bytes.count else { return false }
        return bytes[i + 1] | 0x20 == UInt8(ascii: "w") && bytes[i + 2] | 0x20 == UInt8(ascii: "w")
            && bytes[i + 3] == UInt8(ascii: ".")
    }

    /// The `[text](target)` starting at `open`, and the offset after its `)`; nil for any other use of `[`.
    private static func inlineLink(_ bytes: UnsafeBufferPointer<UInt8>, at open: Int,
                                   line: Int) -> (Markdown.Link, Int)? {
        let count = bytes.count
        var i = open + 1
        if i < count && bytes[i] == UInt8(ascii: "^") { return nil }  // footnote syntax, even after `!`
        while i < count && bytes[i] != UInt8(ascii: "]") {
            let byte = bytes[i]
            if byte == UInt8(ascii: "[") || byte == 0x0A || byte == UInt8(ascii: "|") || isForbidden(byte)
                || startsAutolink(bytes, i) {
                return nil
            }
            i += 1
        }
        guard i < count, i > open + 1, i + 1 < count, bytes[i + 1] == UInt8(ascii: "(") else { return nil }
        let start = i + 2
        var end = start
        while end < count && bytes[end] != UInt8(ascii: ")") {
            switch bytes[end] {
            case 0x00...0x20, 0x7F, UInt8(ascii: "("), UInt8(ascii: "<"), UInt8(ascii: "|"), UInt8(ascii: "&"),
                 UInt8(ascii: "\\"), UInt8(ascii: "`"):
                return nil
            default:
                end += 1
            }
        }
        guard end < count, end > start else { return nil }
        let url = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        let isImage = open > 0 && bytes[open - 1] == UInt8(ascii: "!")
        return (Markdown.Link(url: url, line: line, isImage: isImage), end + 1)
    }
}
