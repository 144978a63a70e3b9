import Foundation
import Testing
@testable import Roster

/// Small fast paths of loading and checking agree with the general code they shortcut.
@Suite("Loading and checking fast paths agree with the general code")
struct LoadingFastPathTests {
    static let texts = ["", " ", "\t", "  a", "a  ", " a ", "\u{3000}", "\u{3000}a\u{3000}", "\u{A0}", "\u{200B}", "\u{2003}x",
                        "x\u{2003}", "中文", " 中文 ", "\n", "a\n", "12", " 12 ", "-3.5", "3.", ".5", "1.2.3", "1e3", "1_000",
                        "١٢", "1\u{301}", "\r\n", "--1", "0x10", "+1", "12\u{3000}", "😀", "e\u{301}"]

    @Test("isBlank and trimmingWhitespace are Foundation's whitespace trimming")
    func whitespace() {
        for text in Self.texts {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            #expect(text.isBlank == trimmed.isEmpty, "\(text.debugDescription)")
            #expect(text.trimmingWhitespace() == trimmed, "\(text.debugDescription)")
        }
    }

    @Test("Decimal.parse accepts and reads exactly what the Character-based check did")
    func decimals() {
        func reference(_ text: String) -> Decimal? {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }),
                  trimmed.filter({ $0 == "." }).count <= 1 else { return nil }
            return Decimal(string: trimmed, locale: nil)
        }
        let numbers = ["0", "-0", "00", "007", "1", "-1", "77", "100", "-100", "1000000", "123456789012345678", "999999999999999999",
                       "1234567890123456789", "12.5", "12.50", "-", "--", "-5-", "1-", ".", "0.0", "3.14159"]
        for text in Self.texts + numbers {
            let (fast, slow) = (Decimal.parse(text), reference(text))
            #expect(fast == slow, "\(text.debugDescription)")
            if let fast, let slow {
                #expect(fast.description == slow.description && fast.exponent == slow.exponent
                        && fast.significand == slow.significand && fast.sign == slow.sign, "\(text.debugDescription)")
                #expect(Format.decimal(fast, fractionDigits: 6) == Format.decimal(slow, fractionDigits: 6), "\(text.debugDescription)")
            }
        }
    }

    @Test("a link's scheme read from bytes is the one read scalar by scalar")
    func schemes() {
        let urls = ["https://x", "HTTP://X", "mailto:a@b", "tel:1", "/a/b", "a/b:c", "?x:y", "#x:y", "java\nscript:x", " javascript:x",
                    "java\u{0}script:x", "jav\u{7F}ascript:x", "数据:x", "data:,x", "x", "", ":", "a:", "ÄBC:x", "a b:c", "a\tb:c"]
        for url in urls { #expect(HTMLText.scheme(of: url) == HTMLText.schemeOfAnyText(url), "\(url.debugDescription)") }
    }

    @Test("plain site paths resolve to themselves, as the general resolution has them")
    func paths() {
        let urls = ["/", "/a", "/a/", "/a/b/", "//a", "/a//b", "/a/./b", "/a/../b", "/a/.", "/a/..", "/.a/", "/a./", "/.../", "/..a",
                    "/a?x", "/a#x", "/案例/", "/a/\u{301}b", "/a/\u{301}", "/a/.\u{301}/", "/a/#\u{301}", "a/b", "./a", "../a", "", "#x"]
        for url in urls {
            for page in ["/", "/cases/x/", "/providers/y/"] {
                #expect(LinkRules.resolve(url, from: page) == LinkRules.resolveAny(url, from: page), "\(url.debugDescription) from \(page)")
            }
        }
    }

    @Test("the byte-level pre-check lets no CR, NUL or hidden character skip the exact checks")
    func sourceTextShortcut() throws {
        for text in ["a\r\nb", "a\rb", "a\0b", "a\u{0B}b", "x\u{202E}y", "\"\u{301}", "ok 中文 “引号” <b> & 'x'"] {
            var copy = text
            let may = copy.withUTF8 { HiddenCharacters.mayOccur(in: $0) }
            let exact = text.utf8.contains(0x0D) || text.utf8.contains(0) || HiddenCharacters.first(in: text) != nil
            #expect(may == exact, "\(text.debugDescription)")
        }
        #expect(try SourceText.decode(Array("a\r\nb".utf8)) == "a\nb")
        #expect(throws: SourceText.DecodingError.self) { try SourceText.decode(Array("a\u{202E}b".utf8)) }
    }
}
