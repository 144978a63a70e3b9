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
        var numbers = ["0", "-0", "00", "007", "1", "-1", "77", "100", "-100", "1000000", "123456789012345678", "999999999999999999",
                       "1234567890123456789", "12.5", "12.50", "-", "--", "-5-", "1-", ".", "0.0", "3.14159", "-0.0", "0.000", "-0.50",
                       "1.", ".5", "-.5", "10.0", "100.00", "0.001", "1.000001", "12345678901234567.8", "99999999999999999.9"]
        for whole in [0, 1, 9, 10, 99, 100, 120, 1005] {
            for fraction in ["", ".0", ".5", ".05", ".50", ".25", ".125", ".999", ".010"] {
                numbers += ["\(whole)\(fraction)", "-\(whole)\(fraction)"]
            }
        }
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
                    "/a?x", "/a#x", "/案例/", "/a/\u{301}b", "/a/\u{301}", "/a/.\u{301}/", "/a/#\u{301}", "/\u{301}a", "/?x", "/#y", "a/b", "./a", "../a", "", "#x"]
        for url in urls {
            for page in ["/", "/cases/x/", "/providers/y/"] {
                #expect(LinkRules.resolve(url, from: page) == LinkRules.resolveAny(url, from: page), "\(url.debugDescription) from \(page)")
                // The rule passes "/" for links from the root: they resolve the same from any page.
                if url.hasPrefix("/") { #expect(LinkRules.resolveAny(url, from: page) == LinkRules.resolveAny(url, from: "/")) }
            }
        }
    }

    @Test("media paths judged on their bytes are judged as Character by Character")
    func mediaPaths() {
        let paths = ["media/a.png", "media/x/y.svg", "/media/a", "media", "media/", "media//a", "media/./a", "media/../a", "media/..",
                     "media/.", "./media/a", "../media/a", "medias/a", "Media/a", "media\\a", "media/a\0", "", "/", "a/media",
                     "media/.a", "media/a..", "media/...", "media/a b.png"]
        for path in paths { #expect(ReferenceRules.isOutsideMedia(path) == ReferenceRules.isOutsideMediaAnyText(path), "\(path.debugDescription)") }
    }

    @Test("a placeholder mark is found wherever it starts, and a partial one is not")
    func placeholderSearch() {
        for fill in ["a", "中", "、", "【"] {
            for offset in 0..<40 {
                let before = String(repeating: fill, count: offset), after = String(repeating: fill, count: offset % 7)
                #expect(PlaceholderRules.scan(Array((before + "【待填写：名称】" + after).utf8), file: "f").count == 1, "\(fill) \(offset)")
                #expect(PlaceholderRules.scan(Array((before + "【待填" + after + "【待").utf8), file: "f").isEmpty, "\(fill) \(offset)")
            }
        }
    }

    @Test("schema keys can be compared by length first: no other text is canonically equivalent to one")
    func schemaKeys() {
        func names(_ fields: [ContentSchema.Field]) -> [String] {
            fields.flatMap { field -> [String] in
                switch field.kind {
                case .object(let sub), .list(.object(let sub)): return [field.name] + names(sub)
                default: return [field.name]
                }
            }
        }
        let keys = names(ContentSchema.provider + ContentSchema.case + ContentSchema.notice + ContentSchema.site + ContentSchema.industry)
            + ProviderType.allCases.map(\.rawValue) + ["$schema", "$id", "year", "papers", "days", "name", "date", "isOffDay"]
        for key in keys {
            #expect(key.unicodeScalars.allSatisfy { $0.isASCII && $0 != "K" && $0 != "`" && $0 != ";" }, "\(key)")
        }
        #expect(!ContentObject.sameKey("kelvin", "\u{212A}elvin") && "Kelvin" == "\u{212A}elvin", "the one trap, for a key with K")
    }

    @Test("an entry's stamp taken from the file as read is the stamp of its path")
    func stampsFromReading() throws {
        let site = try TestSite(copying: ["Content", "Themes"])
        let loaded = try #require(site.load().site)
        let sources = loaded.providers.map(\.source) + loaded.cases.map(\.source) + loaded.notices.map(\.source)
        #expect(sources.count > 20)
        for source in sources {
            let file = source.location.file
            #expect(source.stamp == FileStamp.of(site.root + "/" + file, named: file), "\(file)")
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
