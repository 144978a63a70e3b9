/// What a browser would see in an HTML file: its tags and their attributes, values entity-decoded.
///
/// Deliberately small but faithful where it matters for injection: a tag starts at `<` + ASCII letter, quoted
/// values end at the same quote, unquoted ones at whitespace or `>`; comments are skipped. The fuzz targets
/// check their invariants with it, and the tests compare what it finds in a page built from hostile content
/// with the same page built from harmless content.
struct HTMLTag: Equatable, CustomStringConvertible {
    var name: String
    var attributes: [(name: String, value: String)]

    static func == (a: HTMLTag, b: HTMLTag) -> Bool {
        a.name == b.name && a.attributes.map(\.name) == b.attributes.map(\.name)
    }

    var description: String { "<\(name) \(attributes.map { "\($0.name)=\($0.value)" }.joined(separator: " "))>" }

    /// The tags of `html`, in order; end tags are left out.
    static func parse(_ html: String) -> [HTMLTag] {
        let s = Array(html.unicodeScalars)
        var tags: [HTMLTag] = []
        var i = 0
        func isLetter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
        func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\n" || c == "\t" || c == "\r" || c == "\u{0C}" }
        while i < s.count {
            guard s[i] == "<", i + 1 < s.count else { i += 1; continue }
            if s[i + 1] == "!" {
                // Comment or doctype: skip to the closing `-->` or `>`.
                if i + 3 < s.count, s[i + 2] == "-", s[i + 3] == "-" {
                    var j = i + 4
                    while j + 2 < s.count, !(s[j] == "-" && s[j + 1] == "-" && s[j + 2] == ">") { j += 1 }
                    i = j + 3
                } else {
                    while i < s.count, s[i] != ">" { i += 1 }
                }
                continue
            }
            guard isLetter(s[i + 1]) else { i += 1; continue }
            var j = i + 1
            var name = ""
            while j < s.count, !isSpace(s[j]), s[j] != ">", s[j] != "/" { name.unicodeScalars.append(s[j]); j += 1 }
            var attributes: [(String, String)] = []
            while j < s.count, s[j] != ">" {
                while j < s.count, isSpace(s[j]) || s[j] == "/" { j += 1 }
                guard j < s.count, s[j] != ">" else { break }
                var attr = ""
                while j < s.count, !isSpace(s[j]), s[j] != ">", s[j] != "=", !(s[j] == "/" && attr.isEmpty == false && j + 1 < s.count && s[j + 1] == ">") {
                    attr.unicodeScalars.append(s[j]); j += 1
                }
                while j < s.count, isSpace(s[j]) { j += 1 }
                var value = ""
                if j < s.count, s[j] == "=" {
                    j += 1
                    while j < s.count, isSpace(s[j]) { j += 1 }
                    if j < s.count, s[j] == "\"" || s[j] == "'" {
                        let quote = s[j]
                        j += 1
                        while j < s.count, s[j] != quote { value.unicodeScalars.append(s[j]); j += 1 }
                        j += 1
                    } else {
                        while j < s.count, !isSpace(s[j]), s[j] != ">" { value.unicodeScalars.append(s[j]); j += 1 }
                    }
                }
                if !attr.isEmpty { attributes.append((attr.lowercased(), decodeEntities(value))) }
            }
            tags.append(HTMLTag(name: name.lowercased(), attributes: attributes))
            i = j + 1
        }
        return tags
    }

    /// Decodes the character references a browser would in an attribute value.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "colon": ":", "tab": "\t", "newline": "\n"]
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.firstIndex(of: ";"), after.distance(from: after.startIndex, to: semi) <= 10 {
                let name = String(after[..<semi])
                var replacement: String?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    replacement = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
                } else if name.hasPrefix("#") {
                    replacement = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
                } else {
                    replacement = named[name.lowercased()]
                }
                if let replacement {
                    out += replacement
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = after
        }
        return out + rest
    }

    /// The scheme a browser would use for this attribute value as a URL (WHATWG URL parsing: leading and
    /// trailing C0 controls and spaces trimmed, tabs and newlines removed), or nil for a relative URL.
    static func browserScheme(_ url: String) -> String? {
        var scalars = Array(url.unicodeScalars)
        while let first = scalars.first, first.value <= 0x20 { scalars.removeFirst() }
        scalars.removeAll { $0 == "\t" || $0 == "\n" || $0 == "\r" }
        var scheme = ""
        for (index, c) in scalars.enumerated() {
            if c == ":" { return index > 0 ? scheme.lowercased() : nil }
            let ok = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (index > 0 && ((c >= "0" && c <= "9") || c == "+" || c == "-" || c == "."))
            if !ok { return nil }
            scheme.unicodeScalars.append(c)
        }
        return nil
    }
}
