import Foundation

/// Chinese names in pinyin order, as Chinese directories list them.
public enum Pinyin {
    private static let locale = Locale(identifier: "zh_CN@collation=pinyin")

    /// Whether `a` sorts before `b` in pinyin order (ICU's Chinese collation); ties fall back to code points.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        switch a.compare(b, options: [], range: nil, locale: locale) {
        case .orderedAscending: return true
        case .orderedDescending: return false
        case .orderedSame: return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
        }
    }

    /// Sorts items by a name in pinyin order, then by id for a stable result.
    public static func sorted<T>(_ items: [T], name: (T) -> String, id: (T) -> String) -> [T] {
        items.map { (name($0), id($0), $0) }
            .sorted { $0.0 == $1.0 ? $0.1 < $1.1 : precedes($0.0, $1.0) }
            .map(\.2)
    }

    /// The upper-case Latin initial of a name (`青岛` → Q); `#` when there is none.
    public static func initial(of name: String) -> String {
        guard let first = name.first else { return "#" }
        if first.isASCII {
            return first.isLetter ? first.uppercased() : "#"
        }
        let latin = String(first).applyingTransform(.mandarinToLatin, reverse: false)?
            .applyingTransform(.stripDiacritics, reverse: false) ?? ""
        guard let letter = latin.first, letter.isASCII, letter.isLetter else { return "#" }
        return letter.uppercased()
    }
}
