import Foundation

/// The search index: for each term, the documents that contain it and in which fields.
///
/// Written as small files so that a query downloads only what it needs:
/// - `search/index.json`, the manifest: document count, shard boundaries, facet table, synonyms;
/// - `search/<version>/t/<n>.bin`, the terms in sorted order cut into shards of about `shardBytes`,
///   so a query fetches only the shards holding its terms;
/// - `search/<version>/d/<n>.json`, one small file per document with its title, address and snippet text,
///   fetched only for the results on screen.
/// `<version>` is a hash of those files, so they can be cached for ever and a rebuild never mixes old and new.
public struct SearchIndex: Sendable {
    public struct Posting: Equatable, Sendable {
        public var doc: Int
        /// `SearchField` bits of the fields the term occurs in.
        public var fields: UInt8
    }

    public var documents: [SearchDocument]
    public var documentCount: Int
    /// Terms in the order the shards hold them (UTF-16 code unit order, the order of JavaScript's `<`).
    public private(set) var sortedTerms: [String] = []
    /// The keys of `sortedTerms`, in the same order.
    private var sortedKeys: [UInt64] = []
    /// Term key → postings, each packed as `doc << 5 | (fields - 1)`: four bytes a posting, so that 20,000 cases
    /// (some 30 million postings) fit in memory comfortably.
    private var lists: [UInt64: [UInt32]] = [:]
    /// Words (MES, 5g) get keys in the order they are first met; Han characters and pairs are their own keys.
    private var words: [String] = []
    private var wordKeys: [String: UInt64] = [:]

    public init(documents: [SearchDocument]) {
        self.documents = documents
        documentCount = documents.count
        // Tokenise in parallel, a slice of documents at a time (bounded memory), then append in document order.
        let slice = 1024
        for start in stride(from: 0, to: documents.count, by: slice) {
            let range = start..<min(start + slice, documents.count)
            let terms = Array(documents[range]).concurrentMap(SearchIndex.termsOfDocument)
            for (offset, found) in terms.enumerated() {
                let doc = UInt32(start + offset) << 5
                for entry in found.han { lists[entry >> 8, default: []].append(doc | (UInt32(entry & 0xFF) - 1)) }
                for (word, fields) in found.words { lists[intern(word), default: []].append(doc | (UInt32(fields) - 1)) }
            }
        }
        sortTerms()
    }

    /// Reads a written index back (the manifest and its shards), as the browser sees it; documents stay empty.
    public init?(manifest: [UInt8], shards: (Int) -> [UInt8]?) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(manifest)) as? [String: Any],
              let count = object["documents"] as? Int, let firstTerms = object["shards"] as? [String],
              let sets = object["fieldSets"] as? [Int] else { return nil }
        documents = []
        documentCount = count
        for n in firstTerms.indices {
            guard let bytes = shards(n), let decoded = SearchIndex.decodeShard(bytes, fieldSets: sets.map { UInt8($0) }, documents: count) else { return nil }
            for (term, list) in decoded {
                let key = intern(term)
                lists[key] = list.map { UInt32($0.doc) << 5 | (UInt32($0.fields) - 1) }
                sortedTerms.append(term)
                sortedKeys.append(key)
            }
        }
    }

    /// JavaScript's string order, which the browser uses to find a term's shard.
    static func precedes(_ a: String, _ b: String) -> Bool { a.utf16.lexicographicallyPrecedes(b.utf16) }

    /// Documents containing `term`, or none.
    public func postings(for term: String) -> [Posting] {
        guard let key = key(of: term), let list = lists[key] else { return [] }
        return list.map { Posting(doc: Int($0 >> 5), fields: UInt8($0 & 31) + 1) }
    }

    // MARK: - Term keys

    private static func hanKey(_ a: UInt32) -> UInt64 { UInt64(a) }
    private static func pairKey(_ a: UInt32, _ b: UInt32) -> UInt64 { 1 << 42 | UInt64(a) << 21 | UInt64(b) }

    private func key(of term: String) -> UInt64? {
        let scalars = Array(term.unicodeScalars)
        if scalars.count == 1, SearchText.isHan(scalars[0]) { return SearchIndex.hanKey(scalars[0].value) }
        if scalars.count == 2, SearchText.isHan(scalars[0]), SearchText.isHan(scalars[1]) {
            return SearchIndex.pairKey(scalars[0].value, scalars[1].value)
        }
        return wordKeys[term]
    }

    private mutating func intern(_ term: String) -> UInt64 {
        if let key = key(of: term) { return key }
        let key = (2 << 42) | UInt64(words.count)
        words.append(term)
        wordKeys[term] = key
        return key
    }

    private func text(of key: UInt64) -> String {
        switch key >> 42 {
        case 0: return String(Unicode.Scalar(UInt32(key))!)
        case 1: return String(Unicode.Scalar(UInt32((key >> 21) & 0x1FFFFF))!) + String(Unicode.Scalar(UInt32(key & 0x1FFFFF))!)
        default: return words[Int(key & 0xFFFFFFFF)]
        }
    }

    private mutating func sortTerms() {
        let keyed = lists.keys.map { (text(of: $0), $0) }.sorted { SearchIndex.precedes($0.0, $1.0) }
        sortedTerms = keyed.map(\.0)
        sortedKeys = keyed.map(\.1)
    }

    /// One document's terms: Han keys shifted left 8 with their field bits, sorted; words with their field bits.
    private static func termsOfDocument(_ document: SearchDocument) -> (han: [UInt64], words: [(String, UInt8)]) {
        var entries: [UInt64] = []
        var words: [String: UInt8] = [:]
        for field in SearchField.allCases {
            let bit = UInt64(field.bit)
            for text in document.fields[field] ?? [] {
                SearchText.scan(text, han: { entries.append($0 << 8 | bit) }, word: { words[$0, default: 0] |= field.bit })
            }
        }
        entries.sort()
        var merged: [UInt64] = []
        merged.reserveCapacity(entries.count)
        for entry in entries {
            if let last = merged.last, last >> 8 == entry >> 8 { merged[merged.count - 1] = last | (entry & 0xFF) } else { merged.append(entry) }
        }
        return (merged, words.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    // MARK: - Files

    /// The written form: paths relative to the site's `search/` folder, and their bytes.
    public struct Files: Sendable {
        public var version: String
        public var manifest: [UInt8]
        public var shards: [[UInt8]]
        public var documents: [[UInt8]]

        /// Every file with its path under `search/`.
        public var all: [(path: String, bytes: [UInt8])] {
            [("index.json", manifest)]
                + shards.enumerated().map { ("\(version)/t/\($0.offset).bin", $0.element) }
                + documents.enumerated().map { ("\(version)/d/\($0.offset).json", $0.element) }
        }

        public var indexBytes: Int { manifest.count + shards.reduce(0) { $0 + $1.count } }
        public var documentBytes: Int { documents.reduce(0) { $0 + $1.count } }
    }

    /// Encodes the index; `industries` and the type names label the facet table.
    ///
    /// A shard is a count of terms, then per term: a header `shared * 32 + length` (characters shared with the
    /// previous term, characters that follow; a length of 31 or more continues in a second number), the first new
    /// character as the difference from the previous term's character at that place (zigzag), the others as code
    /// points, then `documents * 2 + dense` and the postings. Sparse postings are, per document, `gap * 8 + fields code`:
    /// the code points into the manifest's seven most common field sets, or is 7 and is followed by the field bits.
    /// A dense term (one in a large share of the documents, where this is smaller) has instead a field set F, a bitset
    /// of the documents where its fields are F (one bit per document), the number of the other documents and their
    /// sparse postings. All numbers are LEB128.
    public func files(shardBytes: Int = 8192, industries: [(id: String, name: String)]) -> Files {
        let masks = commonFieldSets
        var codes = [Int](repeating: 7, count: 32)
        for (code, mask) in masks.enumerated() { codes[Int(mask)] = code }
        var shards: [[UInt8]] = []
        var firstTerms: [String] = []
        var count = 0
        var previous: [UInt32] = []
        var body: [UInt8] = []
        func finish() {
            guard count > 0 else { return }
            var shard: [UInt8] = []
            SearchIndex.putVarint(count, into: &shard)
            shards.append(shard + body)
            body = []
            count = 0
            previous = []
        }
        for (term, key) in zip(sortedTerms, sortedKeys) {
            if count > 0 && body.count >= shardBytes { finish() }
            if count == 0 { firstTerms.append(term) }
            let scalars = term.unicodeScalars.map(\.value)
            let shared = zip(previous, scalars).prefix { $0 == $1 }.count
            let length = scalars.count - shared
            SearchIndex.putVarint(shared * 32 + min(length, 31), into: &body)
            if length >= 31 { SearchIndex.putVarint(length - 31, into: &body) }
            for (i, scalar) in scalars[shared...].enumerated() {
                if i == 0 {
                    let delta = Int(scalar) - Int(shared < previous.count ? previous[shared] : 0)
                    SearchIndex.putVarint(delta >= 0 ? delta * 2 : -delta * 2 - 1, into: &body)
                } else {
                    SearchIndex.putVarint(Int(scalar), into: &body)
                }
            }
            let list = lists[key]!
            let sparse = encodeSparse(list, codes)
            var dense: [UInt8]?
            if list.count * 16 > documentCount {
                var counts = [Int](repeating: 0, count: 32)
                for packed in list { counts[Int(packed & 31)] += 1 }
                let usual = UInt32(counts.indices.max { (counts[$0], $1) < (counts[$1], $0) }!)
                var bits = [UInt8](repeating: 0, count: (documentCount + 7) / 8)
                for packed in list where packed & 31 == usual { bits[Int(packed >> 8)] |= 1 << UInt8((packed >> 5) & 7) }
                let others = list.filter { $0 & 31 != usual }
                var bytes = [UInt8(usual + 1)] + bits
                SearchIndex.putVarint(others.count, into: &bytes)
                bytes += encodeSparse(others, codes)
                if bytes.count < sparse.count { dense = bytes }
            }
            SearchIndex.putVarint(list.count * 2 + (dense == nil ? 0 : 1), into: &body)
            body += dense ?? sparse
            previous = scalars
            count += 1
        }
        finish()

        let documentFiles = documents.concurrentMap { doc -> [UInt8] in
            let value = JSONValue.object([
                ("u", .string(doc.url)), ("t", .string(doc.title)), ("m", .string(doc.meta)), ("s", .string(doc.snippetText)),
            ])
            return Array(value.serialized(pretty: false).utf8)
        }
        var hashed: [UInt8] = []
        for file in shards + documentFiles { hashed += file; hashed.append(0) }
        let version = String(ContentHash.hex(hashed).prefix(12))

        // Facet values per document, run-length encoded: [run length, kind, industry bits, type bits].
        var runs: [[Int]] = []
        for doc in documents {
            let row = [SearchKind.allCases.firstIndex(of: doc.kind)!, Int(doc.industries), Int(doc.types)]
            if let last = runs.last, Array(last.dropFirst()) == row { runs[runs.count - 1][0] += 1 } else { runs.append([1] + row) }
        }
        let manifest = JSONValue.object([
            ("version", .string(version)),
            ("documents", .int(documents.count)),
            ("shards", .strings(firstTerms)),
            ("fieldSets", .array(masks.map { .int(Int($0)) })),
            ("weights", .array(SearchField.weights.map { .int($0) })),
            ("kinds", .strings(SearchKind.allCases.map(\.rawValue))),
            ("industries", .array(industries.map { .strings([$0.id, $0.name]) })),
            ("types", .strings(ProviderType.allCases.map(\.rawValue))),
            ("facets", .array(runs.map { .array($0.map { .int($0) }) })),
            ("synonyms", .array(SearchSynonyms.groups.map { .strings($0) })),
            ("stop", .string(String(String.UnicodeScalarView(SearchText.stopCharacters.sorted { $0.value < $1.value })))),
        ])
        return Files(version: version, manifest: Array(manifest.serialized(pretty: false).utf8), shards: shards,
                     documents: documentFiles)
    }

    private func encodeSparse(_ list: [UInt32], _ codes: [Int]) -> [UInt8] {
        var out: [UInt8] = []
        var last = -1
        for packed in list {
            let doc = Int(packed >> 5), fields = UInt8(packed & 31) + 1
            let code = codes[Int(fields)]
            SearchIndex.putVarint((doc - last - 1) * 8 + code, into: &out)
            if code == 7 { out.append(fields) }
            last = doc
        }
        return out
    }

    /// The seven field sets most postings have (body alone, related alone, …), coded in three bits.
    var commonFieldSets: [UInt8] {
        var counts = [Int](repeating: 0, count: 32)
        for list in lists.values { for packed in list { counts[Int(packed & 31) + 1] += 1 } }
        return (1..<32).filter { counts[$0] > 0 }.sorted { (counts[$0], $1) > (counts[$1], $0) }.prefix(7).map { UInt8($0) }
    }

    static func putVarint(_ value: Int, into out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// Reads one shard back: term → postings, given the manifest's field sets. The browser's reader does the same.
    public static func decodeShard(_ bytes: [UInt8], fieldSets: [UInt8], documents: Int) -> [(term: String, postings: [Posting])]? {
        var i = 0
        func varint() -> Int? {
            var value = 0, shift = 0
            while i < bytes.count, shift < 63 {
                let b = bytes[i]
                i += 1
                value |= Int(b & 0x7F) << shift
                if b < 0x80 { return value }
                shift += 7
            }
            return nil
        }
        guard let count = varint() else { return nil }
        var out: [(String, [Posting])] = []
        var previous: [UInt32] = []
        for _ in 0..<count {
            guard let header = varint() else { return nil }
            let shared = header / 32
            var length = header % 32
            if length == 31 { guard let more = varint() else { return nil }; length += more }
            guard shared <= previous.count else { return nil }
            var term = Array(previous[..<shared])
            for k in 0..<length {
                guard let v = varint() else { return nil }
                if k == 0 {
                    let base = Int(shared < previous.count ? previous[shared] : 0)
                    term.append(UInt32(base + (v % 2 == 0 ? v / 2 : -(v + 1) / 2)))
                } else {
                    term.append(UInt32(v))
                }
            }
            guard let header2 = varint() else { return nil }
            var list: [Posting] = []
            var sparseCount = header2 / 2
            if header2 % 2 == 1 {
                let size = (documents + 7) / 8
                guard i + 1 + size <= bytes.count else { return nil }
                let usual = bytes[i]
                for doc in 0..<documents where bytes[i + 1 + doc / 8] & (1 << UInt8(doc % 8)) != 0 {
                    list.append(Posting(doc: doc, fields: usual))
                }
                i += 1 + size
                guard let others = varint() else { return nil }
                sparseCount = others
            }
            var doc = -1
            var sparse: [Posting] = []
            for _ in 0..<sparseCount {
                guard let v = varint() else { return nil }
                doc += v / 8 + 1
                let code = v % 8
                let fields: UInt8
                if code == 7 {
                    guard i < bytes.count else { return nil }
                    fields = bytes[i]
                    i += 1
                } else {
                    guard code < fieldSets.count else { return nil }
                    fields = fieldSets[code]
                }
                sparse.append(Posting(doc: doc, fields: fields))
            }
            list = list.isEmpty ? sparse : (list + sparse).sorted { $0.doc < $1.doc }
            guard list.count == header2 / 2 else { return nil }
            guard let text = String(unicodeScalars: term) else { return nil }
            out.append((text, list))
            previous = term
        }
        return i == bytes.count ? out : nil
    }
}

extension String {
    init?(unicodeScalars values: [UInt32]) {
        var view = String.UnicodeScalarView()
        for value in values {
            guard let scalar = Unicode.Scalar(value) else { return nil }
            view.append(scalar)
        }
        self = String(view)
    }
}

/// Words that mean the same to a visitor: an abbreviation and its full name, a system and its acronym.
///
/// A query equal to one member also finds pages that use another (家电 finds 家用电器, MES finds 制造执行系统).
public enum SearchSynonyms {
    public static let groups: [[String]] = [
        ["家电", "家用电器"],
        ["汽配", "汽车零部件"],
        ["轨交", "轨道交通"],
        ["mes", "制造执行系统"],
        ["erp", "企业资源计划"],
        ["wms", "仓储管理系统", "仓库管理系统"],
        ["aps", "高级计划排程", "排产"],
        ["plm", "产品生命周期管理"],
        ["agv", "自动导引车"],
        ["oee", "设备综合效率"],
        ["scada", "数据采集与监视控制"],
        ["质检", "质量检验"],
        ["数字化评估", "数字化能力评估", "数字化水平评测"],
    ]
}
