import Foundation
import Synchronization

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

    /// The name spelled in toneless pinyin, lower-case (`青岛Q-Link` → `qing dao q-link`), for sorting.
    ///
    /// Sorting on this key rather than ICU's Chinese collation puts Latin names among the pinyin ones
    /// (Q-Link beside 青岛), as Chinese directories list them.
    public static func sortKey(_ name: String) -> String {
        // ICU transliteration is slow and the same names recur on many pages: remember each result.
        if let known = cache.withLock({ $0[name] }) { return known }
        let key = transliterate(name)
        cache.withLock { $0[name] = key }
        return key
    }

    private static let cache = Mutex<[String: String]>([:])

    private static func transliterate(_ name: String) -> String {
        let latin = name.applyingTransform(.mandarinToLatin, reverse: false)?
            .applyingTransform(.stripDiacritics, reverse: false) ?? name
        return latin.lowercased()
    }

    /// Sorts items by a name in pinyin order, then by id for a stable result.
    public static func sorted<T>(_ items: [T], name: (T) -> String, id: (T) -> String) -> [T] {
        items.map { (sortKey(name($0)), name($0), id($0), $0) }
            .sorted { a, b in
                if a.0 != b.0 { return a.0 < b.0 }
                if a.1 != b.1 { return precedes(a.1, b.1) }
                return a.2 < b.2
            }
            .map(\.3)
    }

    /// The upper-case Latin initial of a name (`青岛` → Q); `#` when there is none.
    public static func initial(of name: String) -> String {
        guard let first = name.first else { return "#" }
        if first.isASCII {
            return first.isLetter ? first.uppercased() : "#"
        }
        let latin = sortKey(String(first))
        guard let letter = latin.first, letter.isASCII, letter.isLetter else { return "#" }
        return letter.uppercased()
    }
}
