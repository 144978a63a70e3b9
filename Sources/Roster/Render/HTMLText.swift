import Foundation

/// Escaping and link checks for text that goes into pages, feeds and data files.
public enum HTMLText {
    /// Escapes text for HTML content and quoted attribute values.
    public static func escape(_ text: String) -> String {
        // Most text has nothing to escape: hand it back as it is, without building a copy.
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Schemes a link may use; anything else (`javascript:`, `data:`, `vbscript:`) is never linked.
    public static let allowedSchemes = ["http", "https", "mailto", "tel"]

    /// The link's scheme, lower-cased, or nil for a relative link.
    public static func scheme(of url: String) -> String? {
        // The usual link is printable ASCII up to its `:` or `/`: read its bytes. Anything else takes the long way.
        var ascii = true
        for (offset, byte) in url.utf8.enumerated() {
            if byte <= 0x20 || byte >= 0x7F { ascii = false; break }
            if byte == UInt8(ascii: ":") { return String(decoding: url.utf8.prefix(offset), as: UTF8.self).lowercased() }
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { return nil }
        }
        return ascii ? nil : schemeOfAnyText(url)
    }

    /// ``scheme(of:)`` for any text, scalar by scalar: the reference for its byte-level reading.
    static func schemeOfAnyText(_ url: String) -> String? {
        // Browsers ignore control characters and whitespace inside a scheme: strip them before judging.
        let cleaned = url.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }
        var scheme = ""
        for scalar in cleaned {
            if scalar == ":" { return scheme.lowercased() }
            if scalar == "/" || scalar == "?" || scalar == "#" { return nil }
            scheme.unicodeScalars.append(scalar)
        }
        return nil
    }

    /// Whether a URL from content may become an `href`.
    public static func isSafeLink(_ url: String) -> Bool {
        guard let scheme = scheme(of: url) else { return true }
        return allowedSchemes.contains(scheme)
    }

    /// Whether a URL is an absolute http(s) address with a host.
    public static func isWebAddress(_ url: String) -> Bool {
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return false }
        let rest = lower.drop(while: { $0 != "/" }).dropFirst(2)
        return !rest.isEmpty && !url.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "<" || $0 == ">" })
    }
}

extension String {
    /// Replaces every `token` (such as `{n}`) in interface text with `value`.
    ///
    /// A byte-level scan: Foundation's `replacingOccurrences` bridges to NSString and showed up in profiles of
    /// large builds, where it runs several times per page.
    func filling(_ token: String, _ value: String) -> String {
        // Runs between tokens are appended as substrings of the text (already valid UTF-8, so not checked again);
        // tokens are ASCII, so every cut falls between characters.
        var text = self, token = token
        let cuts: [Int] = text.withUTF8 { haystack in
            token.withUTF8 { needle in
                guard let first = needle.first, haystack.count >= needle.count else { return [] }
                var cuts: [Int] = []
                var i = 0
                while i + needle.count <= haystack.count {
                    if haystack[i] == first, memcmp(haystack.baseAddress! + i, needle.baseAddress!, needle.count) == 0 {
                        cuts.append(i)
                        i += needle.count
                    } else {
                        i += 1
                    }
                }
                return cuts
            }
        }
        guard !cuts.isEmpty else { return self }
        let utf8 = self.utf8
        var out = ""
        out.reserveCapacity(utf8.count + cuts.count * value.utf8.count)
        var from = utf8.startIndex
        for cut in cuts {
            let at = utf8.index(utf8.startIndex, offsetBy: cut)
            out += self[from..<at]
            out += value
            from = utf8.index(at, offsetBy: token.utf8.count)
        }
        out += self[from...]
        return out
    }
}
