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
    /// Term → postings in document order.
    public var postings: [String: [Posting]]
    /// Terms in the order the shards hold them (UTF-16 code unit order, the order of JavaScript's `<`).
    public var sortedTerms: [String]

    public init(documents: [SearchDocument]) {
        self.documents = documents
        documentCount = documents.count
        let termsOfDocuments = documents.concurrentMap { document -> [String: UInt8] in
            var fieldsOfTerm: [String: UInt8] = [:]
            for field in SearchField.allCases {
                for text in document.fields[field] ?? [] {
                    for term in SearchText.terms(text) { fieldsOfTerm[term, default: 0] |= field.bit }
                }
            }
            return fieldsOfTerm
        }
        var postings: [String: [Posting]] = [:]
        for (doc, fieldsOfTerm) in termsOfDocuments.enumerated() {
            for (term, fields) in fieldsOfTerm { postings[term, default: []].append(Posting(doc: doc, fields: fields)) }
        }
        self.postings = postings
        sortedTerms = postings.keys.sorted(by: SearchIndex.precedes)
    }

    /// Reads a written index back (the manifest and its shards), as the browser sees it; documents stay empty.
    public init?(manifest: [UInt8], shards: (Int) -> [UInt8]?) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(manifest)) as? [String: Any],
              let count = object["documents"] as? Int, let firstTerms = object["shards"] as? [String],
              let sets = object["fieldSets"] as? [Int] else { return nil }
        var postings: [String: [Posting]] = [:]
        var order: [String] = []
        for n in firstTerms.indices {
            guard let bytes = shards(n), let decoded = SearchIndex.decodeShard(bytes, fieldSets: sets.map { UInt8($0) }) else { return nil }
            for (term, list) in decoded {
                postings[term] = list
                order.append(term)
            }
        }
        documents = []
        documentCount = count
        self.postings = postings
        sortedTerms = order
    }

    /// JavaScript's string order, which the browser uses to find a term's shard.
    static func precedes(_ a: String, _ b: String) -> Bool { a.utf16.lexicographicallyPrecedes(b.utf16) }

    /// Documents containing `term`, or none.
    public func postings(for term: String) -> [Posting] { postings[term] ?? [] }

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
    /// points, then the number of documents and per document `gap * 8 + fields code`. The fields code points into the
    /// manifest's seven most common field sets, or is 7 and is followed by the field bits. All numbers are LEB128.
    public func files(shardBytes: Int = 8192, industries: [(id: String, name: String)]) -> Files {
        let masks = commonFieldSets
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
        for term in sortedTerms {
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
            let list = postings[term]!
            SearchIndex.putVarint(list.count, into: &body)
            var last = -1
            for posting in list {
                let code = masks.firstIndex(of: posting.fields) ?? 7
                SearchIndex.putVarint((posting.doc - last - 1) * 8 + code, into: &body)
                if code == 7 { body.append(posting.fields) }
                last = posting.doc
            }
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

    /// The seven field sets most postings have (body alone, related alone, …), coded in three bits.
    var commonFieldSets: [UInt8] {
        var counts: [UInt8: Int] = [:]
        for list in postings.values { for posting in list { counts[posting.fields, default: 0] += 1 } }
        return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(7).map(\.key)
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
    public static func decodeShard(_ bytes: [UInt8], fieldSets: [UInt8]) -> [(term: String, postings: [Posting])]? {
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
            guard let n = varint() else { return nil }
            var list: [Posting] = []
            var doc = -1
            for _ in 0..<n {
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
                list.append(Posting(doc: doc, fields: fields))
            }
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
