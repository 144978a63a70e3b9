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
