import Foundation

/// A case result's numbers as the pages say them: before, after, the change, its size and the change in percent.
///
/// Every case page, card, search entry and export shows these, so they are worked out with 64-bit integers on the
/// digits as written (content numbers are short); Foundation's `Decimal` arithmetic and formatting, about a
/// microsecond an operation, is kept for numbers too long for that. A test checks both ways agree.
struct ResultNumbers: Equatable {
    var before: String
    var after: String
    /// `after - before`, with its sign when negative.
    var change: String
    /// The change without its sign.
    var magnitude: String
    /// `change / before × 100`, rounded to a whole number, without `%` (negative when the two signs differ); nil
    /// when `before` is zero.
    var percent: String?
    /// -1, 0 or 1: the sign of the change.
    var direction: Int

    init(_ result: Case.Result) {
        if let fixed = Self.fixed(result) { self = fixed } else { self = Self.decimal(result) }
    }

    /// The reference way, through Foundation's `Decimal`.
    static func decimal(_ result: Case.Result) -> ResultNumbers {
        let change = result.after - result.before
        var percent: String?
        if result.before != 0 {
            let ratio = (change / result.before * 100 as Decimal)
            percent = Format.decimal(ratio, fractionDigits: 0)
        }
        return ResultNumbers(before: Format.decimal(result.before), after: Format.decimal(result.after),
                             change: Format.decimal(change), magnitude: Format.decimal(change < 0 ? -change : change),
                             percent: percent, direction: change > 0 ? 1 : change < 0 ? -1 : 0)
    }

    private init(before: String, after: String, change: String, magnitude: String, percent: String?, direction: Int) {
        self.before = before
        self.after = after
        self.change = change
        self.magnitude = magnitude
        self.percent = percent
        self.direction = direction
    }

    /// The integer way; nil when a number does not fit.
    static func fixed(_ result: Case.Result) -> ResultNumbers? {
        guard let before = Fixed(result.before), let after = Fixed(result.after) else { return nil }
        let scale = max(before.scale, after.scale)
        guard let b = before.units(at: scale), let a = after.units(at: scale) else { return nil }
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        guard !overflow, difference != .min else { return nil }
        let change = Fixed(units: difference, scale: scale)
        var percent: String?
        if b != 0 {
            // |change| / |before| × 100, rounded half away from zero, on integers at the same scale.
            let (numerator, overflow) = difference.magnitude.multipliedReportingOverflow(by: 100)
            guard !overflow else { return nil }
            let denominator = b.magnitude
            var quotient = numerator / denominator
            let remainder = numerator % denominator
            if remainder >= denominator - remainder { quotient += 1 }
            percent = quotient != 0 && (difference < 0) != (b < 0) ? "-" + String(quotient) : String(quotient)
        }
        return ResultNumbers(before: before.text(), after: after.text(), change: change.text(),
                             magnitude: Fixed(units: Int64(difference.magnitude), scale: scale).text(),
                             percent: percent, direction: difference > 0 ? 1 : difference < 0 ? -1 : 0)
    }

    /// `units / 10^scale`.
    struct Fixed {
        var units: Int64
        var scale: Int

        init(units: Int64, scale: Int) {
            self.units = units
            self.scale = scale
        }

        /// From the decimal's digits; nil if they do not fit in 63 bits.
        init?(_ value: Decimal) {
            guard let parts = value.integerParts, parts.digits <= UInt64(Int64.max) else { return nil }
            units = parts.negative ? -Int64(parts.digits) : Int64(parts.digits)
            scale = parts.scale
        }

        func units(at target: Int) -> Int64? {
            var value = units
            for _ in scale..<target {
                let (next, overflow) = value.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                value = next
            }
            return value
        }

        /// As ``Format/decimal(_:fractionDigits:)`` writes it: at most two decimals, rounded half away from zero,
        /// no trailing zeros, no `-0`.
        func text() -> String {
            Format.fixedPoint(units.magnitude, scale: scale, negative: units < 0, fractionDigits: 2)
        }
    }
}
