import Foundation

/// A query as search reads it: terms that must all match, each with the words that may stand in for it.
public struct SearchQuery: Sendable, Equatable {
    public enum Term: Hashable, Sendable {
        case han([Unicode.Scalar])
        case word(String)

        var text: String {
            switch self {
            case .han(let run): String(String.UnicodeScalarView(run))
            case .word(let word): word
            }
        }
    }

    /// Each element is one term of the query with its synonyms; the first alternative is what was typed.
    public var terms: [[Term]]

    public init(_ text: String) {
        var seen: Set<SearchText.Piece> = []
        var terms: [[Term]] = []
        for piece in SearchText.pieces(text, joinAcrossSpaces: true) where seen.insert(piece).inserted {
            let term: Term
            switch piece {
            case .han(let run):
                // A run of function characters alone (的, 与) says nothing to search for.
                if run.allSatisfy({ SearchText.stopCharacters.contains($0) }) { continue }
                term = .han(run)
            case .word(let word):
                term = .word(word)
            }
            var alternatives = [term]
            if let group = SearchSynonyms.groups.first(where: { $0.contains(term.text) }) {
                for member in group where member != term.text {
                    let pieces = SearchText.pieces(member)
                    guard pieces.count == 1 else { continue }
                    switch pieces[0] {
                    case .han(let run): alternatives.append(.han(run))
                    case .word(let word): alternatives.append(.word(word))
                    }
                }
            }
            terms.append(alternatives)
        }
        self.terms = terms
    }
}


/// Answers queries from an index the way `40-search.js` does in the browser; tests hold the two to the same rankings.
///
/// How a term matches a page:
/// - a Han term matches as a phrase when the page has all its bigrams (注塑 in 注塑车间), as words when it can be
///   cut into pieces of two or more characters that each occur (质量追溯 → 质量 … 追溯), and only partly when the
///   page has some of its bigrams, or (a two-character term) both its characters apart; a single character matches
///   itself;
/// - a word (MES, 5g) matches itself or, with half the weight, longer words it begins.
///
/// A page where every term matches as a phrase or as words is a full result; a page where some term matches only
/// partly, or not at all, is a partial result, so that nothing a word-segmenting engine would return is lost
/// (Pagefind returns every page with the first word of 数字化能力评估). The order:
/// 1. full results before partial ones;
/// 2. more terms matched first (this only separates partial results);
/// 3. more terms in the title or name first;
/// 4. a higher score: per term, the field weights of its bigrams, weighted by their rarity, so a phrase (whose
///    joining bigrams are rare) scores above the same words apart;
/// 5. document order.
public struct SearchEngine: Sendable {
    public let index: SearchIndex

    public init(index: SearchIndex) { self.index = index }

    public struct Result: Equatable, Sendable {
        public var doc: Int
        /// Some term matched only partly, or not at all.
        public var partial: Bool
        /// How many of the query's terms matched at all.
        public var terms: Int
        public var titleTerms: Int
        public var score: Double
    }

    struct TermMatch {
        /// 0 phrase, 1 words, 2 partly.
        var tier: Int
        var score: Double
        var title: Bool
    }

    public func search(_ text: String) -> [Result] {
        let query = SearchQuery(text)
        guard !query.terms.isEmpty else { return [] }
        var combined: [Int: Result] = [:]
        for alternatives in query.terms {
            var best: [Int: TermMatch] = [:]
            for (k, term) in alternatives.enumerated() {
                // A synonym counts only where it is found whole: part of 企业资源计划 says nothing about ERP.
                for (doc, match) in matches(term) where k == 0 || match.tier < 2 {
                    if let current = best[doc], (current.tier, -current.score) <= (match.tier, -match.score) { continue }
                    best[doc] = match
                }
            }
            for (doc, match) in best {
                var result = combined[doc] ?? Result(doc: doc, partial: false, terms: 0, titleTerms: 0, score: 0)
                result.partial = result.partial || match.tier == 2
                result.terms += 1
                result.titleTerms += match.title ? 1 : 0
                result.score += match.score
                combined[doc] = result
            }
        }
        for (doc, result) in combined where result.terms < query.terms.count { combined[doc]?.partial = true }
        return combined.values.sorted(by: SearchEngine.ranks)
    }

    static func ranks(_ a: Result, _ b: Result) -> Bool {
        if a.partial != b.partial { return !a.partial }
        if a.terms != b.terms { return a.terms > b.terms }
        if a.titleTerms != b.titleTerms { return a.titleTerms > b.titleTerms }
        if a.score != b.score { return a.score > b.score }
        return a.doc < b.doc
    }

    func idf(_ postings: [SearchIndex.Posting]) -> Double {
        log(1 + Double(index.documentCount) / Double(max(postings.count, 1)))
    }

    static func weight(_ fields: UInt8) -> Double {
        var sum = 0
        for field in SearchField.allCases where fields & field.bit != 0 { sum += SearchField.weights[field.rawValue] }
        return Double(sum)
    }

    func matches(_ term: SearchQuery.Term) -> [Int: TermMatch] {
        switch term {
        case .word(let word): return wordMatches(word)
        case .han(let run): return hanMatches(run)
        }
    }

    /// The word itself, or words it begins (erp → erp, erp系统 is two terms anyway; 169 → 16949 less well).
    func wordMatches(_ word: String) -> [Int: TermMatch] {
        var out: [Int: TermMatch] = [:]
        var low = 0, high = index.sortedTerms.count
        while low < high {
            let mid = (low + high) / 2
            if SearchIndex.precedes(index.sortedTerms[mid], word) { low = mid + 1 } else { high = mid }
        }
        var i = low
        while i < index.sortedTerms.count, index.sortedTerms[i].hasPrefix(word) {
            let token = index.sortedTerms[i]
            let factor = token == word ? 1.0 : 0.5
            for posting in index.postings(for: token) {
                let match = TermMatch(tier: 0, score: SearchEngine.weight(posting.fields) * factor,
                                      title: posting.fields & SearchField.title.bit != 0)
                if let current = out[posting.doc], current.score >= match.score { continue }
                out[posting.doc] = match
            }
            i += 1
        }
        return out
    }

    func hanMatches(_ run: [Unicode.Scalar]) -> [Int: TermMatch] {
        var out: [Int: TermMatch] = [:]
        if run.count == 1 {
            for posting in index.postings(for: String(run[0])) {
                out[posting.doc] = TermMatch(tier: 0, score: SearchEngine.weight(posting.fields),
                                             title: posting.fields & SearchField.title.bit != 0)
            }
            return out
        }
        // A two-character term a segmenter does not know is split into its characters (排产 → 排 产), and the pages
        // with both but not together (排样 … 产品) are what it returns: they are kept as partial matches. A longer term
        // always keeps a piece of two characters, found through its bigrams; its characters are not looked up, which
        // spares a query the long lists of common characters.
        let characters = run.count == 2 ? run.filter { !SearchText.stopCharacters.contains($0) } : []
        let bigrams = (0..<run.count - 1).map { index.postings(for: String(run[$0]) + String(run[$0 + 1])) }
        let unigrams = characters.map { index.postings(for: String($0)) }
        let bigramIDF = bigrams.map(idf)
        let unigramIDF = unigrams.map(idf)
        let bigramFields = bigrams.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.doc, $0.fields) }) }
        let unigramFields = unigrams.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.doc, $0.fields) }) }
        var candidates = Set(bigrams.flatMap { $0.map(\.doc) })
        if let rarest = unigrams.min(by: { $0.count < $1.count }) { candidates.formUnion(rarest.map(\.doc)) }
        for doc in candidates {
            let present = bigramFields.map { $0[doc] }
            let some = present.contains { $0 != nil }
            let tier: Int
            if !present.contains(where: { $0 == nil }) {
                tier = 0
            } else if SearchEngine.covers(run, present.map { $0 != nil }) {
                tier = 1
            } else if some || (!characters.isEmpty && unigramFields.allSatisfy { $0[doc] != nil }) {
                tier = 2
            } else {
                continue
            }
            var score = 0.0
            var total = 0.0
            if some {
                for (i, fields) in present.enumerated() {
                    total += bigramIDF[i]
                    if let fields { score += bigramIDF[i] * SearchEngine.weight(fields) }
                }
            } else {
                // The characters alone: worth a tenth of the same fields holding the words.
                for (i, fields) in unigramFields.enumerated() {
                    total += unigramIDF[i] * 10
                    if let f = fields[doc] { score += unigramIDF[i] * SearchEngine.weight(f) }
                }
            }
            let title = tier == 0 && present.allSatisfy { ($0 ?? 0) & SearchField.title.bit != 0 }
            out[doc] = TermMatch(tier: tier, score: score / total, title: title)
        }
        return out
    }

    /// Whether the run can be cut into pieces of two or more characters whose bigrams are all present,
    /// function characters standing alone allowed: 汽车的零部件 → 汽车 的 零部件.
    static func covers(_ run: [Unicode.Scalar], _ present: [Bool]) -> Bool {
        var reachable = [Bool](repeating: false, count: run.count + 1)
        reachable[0] = true
        for i in 0..<run.count where reachable[i] {
            if SearchText.stopCharacters.contains(run[i]) { reachable[i + 1] = true }
            var j = i + 1
            while j < run.count && present[j - 1] {
                reachable[j + 1] = true
                j += 1
            }
        }
        return reachable[run.count]
    }
}
