import Foundation
import Testing

@testable import Roster

@Suite("Number formatting")
struct FormatTests {
    @Test("the integer fast path formats exactly like Foundation's rounding, for every kind of number content holds")
    func fastMatchesFoundation() {
        var generator = SystemRandomNumberGenerator()
        var samples: [Decimal] = ["0", "-0", "12", "3.5", "-0.25", "0.005", "-0.005", "0.015", "2.675", "1e3", "-1.5e-7",
                                  "99.995", "123456789012345678", "0.1", "1000000", "-45.4500"].map { Decimal(string: $0)! }
        for _ in 0..<5000 {
            let mantissa = Int64.random(in: -10_000_000...10_000_000, using: &generator)
            let exponent = Int.random(in: -9...4, using: &generator)
            samples.append(Decimal(sign: mantissa < 0 ? .minus : .plus, exponent: exponent, significand: Decimal(mantissa.magnitude)))
        }
        // Ratios, as the change in percent is computed.
        samples += (1...300).map { Decimal($0) / 7 * 100 }
        for value in samples {
            for digits in [0, 1, 2] {
                let slow = Format.decimalSlow(value, fractionDigits: digits)
                #expect(Format.decimal(value, fractionDigits: digits) == slow, "\(value) to \(digits) digits")
            }
        }
    }
}

@Suite("Interface text")
struct FillingTests {
    @Test("a token is replaced everywhere in interface text, as Foundation's replacement does it")
    func fillingMatchesFoundation() {
        let texts = ["", "{n}", "共{n}家", "{n}{n}", "{n}家，名额{n}", "无占位", "{", "{n", "n}", "改造前 {before}，改造后 {after}", "{{n}}",
                     "é{n}é", "🙂{n}🙂"]
        for text in texts {
            for (token, value) in [("{n}", "3"), ("{n}", ""), ("{n}", "{n}"), ("{before}", "45分钟/台"), ("{after}", "&<>")] {
                #expect(text.filling(token, value) == text.replacingOccurrences(of: token, with: value), "\(text) \(token)")
            }
        }
    }
}

@Suite("Chart coordinates")
struct ChartNumberTests {
    @Test("coordinates written straight into bytes read as the string formatter writes them")
    func bytesMatchStrings() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 0.04, -0.04, 0.05, -0.05, 0.25, -0.25, 12.25, -12.35, 319.99, 320, 1.5, 1e14, -1e14, 1e17]
        values += (0..<20_000).map { _ in Double.random(in: -400...400, using: &generator) }
        for value in values {
            var svg = SVGBytes()
            svg.number(value)
            #expect(String(decoding: svg.bytes, as: UTF8.self) == Charts.n(value), "\(value)")
        }
    }
}

@Suite("Result numbers")
struct ResultNumbersTests {
    @Test("the integer way gives what Decimal arithmetic gives, for numbers as content writes them")
    func integerMatchesDecimal() throws {
        var generator = SystemRandomNumberGenerator()
        var pairs: [(String, String)] = [("0", "5"), ("5", "0"), ("3", "3"), ("100", "87.5"), ("12.345", "12.344"),
                                         ("0.005", "0.015"), ("-4", "6"), ("1000000", "1"), ("3", "1"), ("7", "8"),
                                         ("2.5", "3.75"), ("99999999", "0.01"), ("1e3", "2e2"), ("-4", "-6"), ("-4", "-2"), ("-10", "5")]
        for _ in 0..<3000 {
            func number() -> String {
                let whole = Int.random(in: -500...100_000, using: &generator)
                let digits = Int.random(in: 0...4, using: &generator)
                if digits == 0 { return String(whole) }
                let fraction = (0..<digits).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
                return "\(whole).\(fraction)"
            }
            pairs.append((number(), number()))
        }
        for (before, after) in pairs {
            let result = Case.Result(metric: "m", before: try #require(Decimal(string: before)),
                                     after: try #require(Decimal(string: after)), unit: "")
            let fixed = try #require(ResultNumbers.fixed(result), "\(before) → \(after)")
            #expect(fixed == ResultNumbers.decimal(result), "\(before) → \(after)")
        }
    }
}
