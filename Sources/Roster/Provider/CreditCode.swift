/// 统一社会信用代码 (GB 32100-2015): 18 characters with a check character at the end.
public enum CreditCode {
    /// The 31 characters a code may use (no I, O, Z, S, V).
    public static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")

    private static let values: [Character: Int] = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, $0) })

    /// Weights 3^(i−1) mod 31 for positions 1...17.
    private static let weights: [Int] = (0..<17).map { i in (0..<i).reduce(1) { acc, _ in acc * 3 % 31 } }

    /// The check character for the first 17 characters, or nil if they are not 17 valid characters.
    public static func checkCharacter(for body: some StringProtocol) -> Character? {
        let chars = Array(body)
        guard chars.count == 17 else { return nil }
        var sum = 0
        for (i, ch) in chars.enumerated() {
            guard let value = values[ch] else { return nil }
            sum += value * weights[i]
        }
        let check = (31 - sum % 31) % 31
        return alphabet[check]
    }

    /// What is wrong with a code, or nil when it is valid.
    public enum Problem: Equatable, Sendable {
        case length(Int)
        case invalidCharacter(Character, position: Int)
        case checkCharacter(expected: Character, found: Character)
    }

    public static func validate(_ code: String) -> Problem? {
        let chars = Array(code)
        guard chars.count == 18 else { return .length(chars.count) }
        for (i, ch) in chars.enumerated() where values[ch] == nil {
            return .invalidCharacter(ch, position: i + 1)
        }
        let expected = checkCharacter(for: String(chars[0..<17]))!
        return expected == chars[17] ? nil : .checkCharacter(expected: expected, found: chars[17])
    }
}
