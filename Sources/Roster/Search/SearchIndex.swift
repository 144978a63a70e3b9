import Foundation

// Building the site's index as pages are rendered, each body rendered once and then dropped:
//
//     let search = context.searchIndexBuilder(folder: folder)   // numbers every page's document up front
//     // per item, on any thread, in any order, as soon as its Markdown body is rendered:
//     search.add(context.searchDocument(case: item, bodyHTML: html))          // likewise provider:, notice:
//     for industry in site.industries { search.add(context.searchDocument(industry: industry)) }
//     search.finish()   // once the last add has returned: term shards, manifest
//
// `add` is thread-safe, reads the document's terms and writes its result file at once; the builder keeps compact
// postings, never a body. `Builder.renderPages` feeds it each body as its page is made.

/// The search index: for each term, the documents that contain it and in which fields.
///
/// Written as small files so that a query downloads only what it needs:
/// - `search/index.json`, the manifest: document count, shard boundaries, facet table, synonyms;
/// - `search/t/<name>.bin`, the terms in sorted order cut into shards of about `shardBytes`, so a query fetches
///   only the shards holding its terms; each named by a hash of what it means (see `shardNames`);
/// - `search/<results>/d/<n>.json`, one small file per document with its title, address and snippet text,
///   fetched only for the results on screen, as `…/d/<n>.json?v=<version>`.
/// A shard's name changes whenever its meaning does, so shards can be cached for ever and a rebuild never mixes
/// old and new; one that no edit touched keeps its name and is not written again. `<version>` is a hash of all
/// these files. `<results>` is a hash of the documents' numbering only (which document is number n), so a rebuild
/// after an edit rewrites only the result files whose text changed, not 20,000 of them; the `?v=` query keeps
/// browsers from showing a cached, older snippet. An old manifest can meet a newer result file only for the same
/// document, never another one.
///
/// This type is the index as a reader sees it (`SearchEngine` queries it, tests read written files back into it);
/// `SearchIndexBuilder` writes it.
public struct SearchIndex: Sendable {
    public struct Posting: Equatable, Sendable {
        public var doc: Int
        /// `SearchField` bits of the fields the term occurs in.
        public var fields: UInt8
    }

    /// The documents, when the index was made from them (`init(documents:)`); empty when read from files.
    public var documents: [SearchDocument]
    public var documentCount: Int
    /// Terms in the order the shards hold them (UTF-16 code unit order, the order of JavaScript's `<`).
    public private(set) var sortedTerms: [String] = []
    /// Postings per term of `sortedTerms`, each packed as `doc << 5 | (fields - 1)`.
    private var lists: [[UInt32]] = []
    private var positions: [String: Int] = [:]

    /// Indexes `documents`, numbered in the order given, in memory.
    public init(documents: [SearchDocument]) {
        let builder = SearchIndexBuilder(order: documents.map(\.key), industries: [], output: .memory)
        _ = documents.concurrentMap { document in
            builder.add(document)
            return 0
        }
        let files = builder.finish()
        self.init(manifest: files.manifest, shards: { files.shards[$0] })!
        self.documents = documents
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
                positions[term] = sortedTerms.count
                sortedTerms.append(term)
                lists.append(list.map { UInt32($0.doc) << 5 | (UInt32($0.fields) - 1) })
            }
        }
    }

    /// JavaScript's string order, which the browser uses to find a term's shard.
    static func precedes(_ a: String, _ b: String) -> Bool { a.utf16.lexicographicallyPrecedes(b.utf16) }

    /// Documents containing `term`, or none.
    public func postings(for term: String) -> [Posting] {
        guard let n = positions[term] else { return [] }
        return lists[n].map { Posting(doc: Int($0 >> 5), fields: UInt8($0 & 31) + 1) }
    }

    // MARK: - Files

    /// The written form: paths relative to the site's `search/` folder, and their bytes. From a builder writing
    /// into a folder, `documents` is empty: the result files were written as the documents came.
    public struct Files: Sendable {
        public var version: String
        /// The folder of the result files, named after the documents' numbering (see `resultsFolder(order:)`).
        public var results: String
        public var manifest: [UInt8]
        public var shards: [[UInt8]]
        /// Each shard's file name, from what it means (see `shardNames`).
        public var shardNames: [String]
        public var documents: [[UInt8]]

        /// Every file with its path under `search/`.
        public var all: [(path: String, bytes: [UInt8])] {
            [("index.json", manifest)]
                + zip(shardNames, shards).map { ("t/\($0).bin", $1) }
                + documents.enumerated().map { ("\(results)/d/\($0.offset).json", $0.element) }
        }

        /// Each shard's first term, in order (the manifest's `shards`).
        public var firstTerms: [String]

        /// The files of an index whose shards are cut (`shards`), with the shards' names, the version and the
        /// manifest worked out from them; `documents` are the result files, if kept, and `documentHashes` theirs.
        init(shards: ShardWriter, results: String, documents: [[UInt8]], documentHashes: [UInt64], fieldSets: [UInt8],
             facets: [Facets], industries: [(id: String, name: String)]) {
            self.init(shardNames: SearchIndex.shardNames(shards.shards, documents: documentHashes.count, fieldSets: fieldSets),
                      firstTerms: shards.firstTerms, shards: shards.shards, results: results, documents: documents,
                      documentHashes: documentHashes, fieldSets: fieldSets, facets: facets, industries: industries)
        }

        /// The files of an index whose shards are named `shardNames` and begin with `firstTerms`; `shards` holds the
        /// bytes of every shard, or (from a builder that patched the previous index, see ``SearchIndexPatch``) of
        /// those it made again.
        init(shardNames: [String], firstTerms: [String], shards: [[UInt8]], results: String, documents: [[UInt8]],
             documentHashes: [UInt64], fieldSets: [UInt8], facets: [Facets], industries: [(id: String, name: String)]) {
            self.shardNames = shardNames
            self.firstTerms = firstTerms
            version = SearchIndex.version(shardNames: shardNames, documentHashes: documentHashes)
            self.results = results
            manifest = SearchIndex.manifest(version: version, results: results, documents: documentHashes.count,
                                            firstTerms: firstTerms, shardNames: shardNames, fieldSets: fieldSets, facets: facets,
                                            industries: industries)
            self.shards = shards
            self.documents = documents
        }

        public var indexBytes: Int { manifest.count + shards.reduce(0) { $0 + $1.count } }
        public var documentBytes: Int { documents.reduce(0) { $0 + $1.count } }
    }

    /// Encodes the index; `industries` and the type names label the facet table. Needs `documents`.
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
        var counts = [Int](repeating: 0, count: 32)
        for list in lists { for packed in list { counts[Int(packed & 31) + 1] += 1 } }
        let fieldSets = SearchIndex.commonFieldSets(counts: counts)
        let codes = SearchIndex.codes(fieldSets)
        var shards = ShardWriter(shardBytes: shardBytes)
        var record: [UInt8] = []
        var previous: [UInt32] = []
        for (term, list) in zip(sortedTerms, lists) {
            let scalars = term.unicodeScalars.map(\.value)
            shards.append(term: scalars, after: previous, postings: list, documents: documentCount, codes: codes, scratch: &record)
            previous = scalars
        }
        shards.finish()
        let documentFiles = documents.map(\.resultFile)
        let hashes = documentFiles.map { file in
            var hash = SearchHash()
            hash.add(file)
            return hash.value
        }
        let facets = documents.map {
            Facets(kind: SearchKind.allCases.firstIndex(of: $0.kind)!, industries: Int($0.industries), types: Int($0.types))
        }
        return Files(shards: shards, results: SearchIndex.resultsFolder(order: documents.map(\.key)), documents: documentFiles,
                     documentHashes: hashes, fieldSets: fieldSets, facets: facets, industries: industries)
    }

    /// Cuts terms, in sorted order, into shards of about `shardBytes` on average (see `files`).
    ///
    /// Each term comes as a record, its header written after the term before it in sorted order (`putHeader`) and
    /// its postings (`encodePostings`), so that records can be made in parallel; a term that opens a shard has its
    /// header written again, after nothing.
    ///
    /// Where a shard ends depends on the terms at that place, not on the sizes of the shards before it: once it
    /// holds half of `shardBytes`, a shard closes after a term with a chance of its postings' length in half of
    /// `shardBytes`, drawn from a hash of the term (`closesAfter`); and wherever it has grown to twice
    /// `shardBytes`. An edit that changes the postings of a few terms then changes the shards holding those terms
    /// and no other, so a rebuild writes a few files instead of every shard (with cuts by size alone, one longer
    /// list moved every boundary after it).
    struct ShardWriter {
        let shardBytes: Int
        private(set) var shards: [[UInt8]] = []
        private(set) var firstTerms: [String] = []
        private var count = 0
        private var body: [UInt8] = []
        /// Whether the shard closes after the term last added, if it is long enough.
        private var closes = false

        init(shardBytes: Int) { self.shardBytes = shardBytes }

        /// Whether a shard closes after `term`, whose postings are `recordBytes` long: by a hash of its characters.
        static func closesAfter(_ term: ArraySlice<UInt32>, recordBytes: Int, shardBytes: Int) -> Bool {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for scalar in term { hash = (hash ^ UInt64(scalar)) &* 0x100_0000_01b3 }
            // FNV's low bits mix poorly: fold the high half in before taking the remainder.
            hash ^= hash >> 29
            hash = hash &* 0xbf58_476d_1ce4_e5b9
            hash ^= hash >> 32
            return hash % UInt64(Swift.max(1, shardBytes)) < UInt64(recordBytes)
        }

        /// Adds a term whose postings are `list` (sorted `doc << 5 | fields - 1`), its header written after
        /// `previous`, the term before it; `record` is room to encode it in.
        mutating func append(term: [UInt32], after previous: [UInt32], postings list: [UInt32], documents: Int, codes: [Int],
                             scratch record: inout [UInt8]) {
            record.removeAll(keepingCapacity: true)
            SearchIndex.putHeader(term[...], after: previous[...], into: &record)
            let headerLength = record.count
            SearchIndex.encodePostings(list, documents: documents, codes: codes, into: &record)
            record.withUnsafeBufferPointer { append(term: term[...], record: $0, headerLength: headerLength) }
        }

        /// Adds a term's record, of which the first `headerLength` bytes are the header.
        mutating func append(term: ArraySlice<UInt32>, record: UnsafeBufferPointer<UInt8>, headerLength: Int) {
            if count > 0 && (body.count >= 2 * shardBytes || body.count >= shardBytes / 2 && closes) { finish() }
            // The postings' length, not the header's, which depends on the term before.
            closes = Self.closesAfter(term, recordBytes: record.count - headerLength, shardBytes: shardBytes / 2)
            if count == 0 {
                firstTerms.append(String(unicodeScalars: Array(term))!)
                SearchIndex.putHeader(term, after: [], into: &body)
                body.append(contentsOf: UnsafeBufferPointer(rebasing: record[headerLength...]))
            } else {
                body.append(contentsOf: record)
            }
            count += 1
        }

        /// Whether the shard being written closes before whatever term comes next (or none is open): a shard that
        /// began after it is then cut as a writer starting afresh there would cut it (see ``SearchIndexPatch``).
        var closesBeforeNextTerm: Bool {
            count == 0 || body.count >= 2 * shardBytes || body.count >= shardBytes / 2 && closes
        }

        /// Closes the shard being written.
        mutating func finish() {
            guard count > 0 else { return }
            var shard: [UInt8] = []
            shard.reserveCapacity(body.count + 5)
            SearchIndex.putVarint(count, into: &shard)
            shard.append(contentsOf: body)
            shards.append(shard)
            body.removeAll(keepingCapacity: true)
            count = 0
        }
    }

    /// Writes a term's header: `shared * 32 + length` (characters shared with `previous`, characters that follow; a
    /// length of 31 or more continues in a second number), the first new character as the difference from
    /// `previous`'s character at that place (zigzag), the others as code points.
    static func putHeader(_ term: ArraySlice<UInt32>, after previous: ArraySlice<UInt32>, into out: inout [UInt8]) {
        var shared = 0
        while shared < previous.count && shared < term.count
            && previous[previous.startIndex + shared] == term[term.startIndex + shared] {
            shared += 1
        }
        let length = term.count - shared
        putVarint(shared * 32 + min(length, 31), into: &out)
        if length >= 31 { putVarint(length - 31, into: &out) }
        for (i, scalar) in term.dropFirst(shared).enumerated() {
            if i == 0 {
                let delta = Int(scalar) - Int(shared < previous.count ? previous[previous.startIndex + shared] : 0)
                putVarint(delta >= 0 ? delta * 2 : -delta * 2 - 1, into: &out)
            } else {
                putVarint(Int(scalar), into: &out)
            }
        }
    }

    /// Appends a term's postings (sorted `doc << 5 | fields - 1`): `documents * 2 + dense`, then sparse or dense,
    /// whichever is smaller (see `files`).
    static func encodePostings(_ list: [UInt32], documents documentCount: Int, codes: [Int], into out: inout [UInt8]) {
        let start = out.count
        putVarint(list.count * 2, into: &out)
        guard list.count * 16 > documentCount else {
            _ = encodeSparse(list, codes, into: &out)
            return
        }
        var counts = [Int](repeating: 0, count: 32)
        for packed in list { counts[Int(packed & 31)] += 1 }
        let usual = UInt32(counts.indices.max { (counts[$0], $1) < (counts[$1], $0) }!)
        var dense = [UInt8](repeating: 0, count: 1 + (documentCount + 7) / 8)
        dense[0] = UInt8(usual + 1)
        var others: [UInt32] = []
        dense.withUnsafeMutableBufferPointer { bits in
            for packed in list {
                if packed & 31 == usual { bits[1 + Int(packed >> 8)] |= 1 << UInt8((packed >> 5) & 7) } else { others.append(packed) }
            }
        }
        putVarint(others.count, into: &dense)
        _ = encodeSparse(others, codes, into: &dense)
        // Sparse unless the dense form is smaller: sparse postings take a byte each at least, and the sparse form is
        // abandoned as soon as it is longer.
        if list.count > dense.count || !encodeSparse(list, codes, into: &out, limit: dense.count) {
            out.removeSubrange(start...)
            putVarint(list.count * 2 + 1, into: &out)
            out.append(contentsOf: dense)
        }
    }

    /// Appends sparse postings; stops and returns false once they take more than `limit` bytes.
    private static func encodeSparse(_ list: [UInt32], _ codes: [Int], into out: inout [UInt8], limit: Int = .max) -> Bool {
        let end = limit == .max ? Int.max : out.count + limit
        var last = -1
        for packed in list {
            let doc = Int(packed >> 5), fields = UInt8(packed & 31) + 1
            let code = codes[Int(fields)]
            SearchIndex.putVarint((doc - last - 1) * 8 + code, into: &out)
            if code == 7 { out.append(fields) }
            last = doc
            if out.count > end { return false }
        }
        return true
    }

    /// The seven field sets most postings have (body alone, related alone, …), coded in three bits; `counts` has
    /// the postings per field set.
    static func commonFieldSets(counts: [Int]) -> [UInt8] {
        (1..<32).filter { counts[$0] > 0 }.sorted { (counts[$0], $1) > (counts[$1], $0) }.prefix(7).map { UInt8($0) }
    }

    /// Field set → its three-bit code, 7 for the others.
    static func codes(_ fieldSets: [UInt8]) -> [Int] {
        var codes = [Int](repeating: 7, count: 32)
        for (code, mask) in fieldSets.enumerated() { codes[Int(mask)] = code }
        return codes
    }

    /// The name of the folder the shards and result files are in: a hash of them all.
    static func version(shardNames: [String], documentHashes: [UInt64]) -> String {
        var hash = SearchHash()
        for name in shardNames { hash.add(Array((name + "\n").utf8)) }
        for document in documentHashes { hash.add(document) }
        return String(hash.hex.prefix(12))
    }

    /// Names for the shard files: a hash of each shard's bytes and of what they are read with (the document count
    /// and the field sets of the manifest), so a name always means the same postings and can be cached for ever,
    /// and a shard whose terms no edit touched keeps its name, and its file, from one build to the next.
    static func shardNames(_ shards: [[UInt8]], documents: Int, fieldSets: [UInt8]) -> [String] {
        var context = SearchHash()
        context.add(Array("shard 1\n".utf8))
        context.add(UInt64(documents))
        context.add(UInt64(fieldSets.count))  // so that no field set can pass for the shard's first byte
        context.add(fieldSets)
        return shards.map { shard in
            var hash = context
            hash.add(shard)
            return hash.hex
        }
    }

    /// The fingerprint a shard's file is written with (see ``OutputFolder``): its name, which says all it holds.
    static func shardFingerprint(_ name: String) -> UInt64 {
        var mix = PageFingerprints.Mix()
        mix.add("search shard")
        mix.add(name)
        return mix.value | 1
    }

    /// A character's place in JavaScript's string order (UTF-16 code units): characters above U+FFFF become
    /// surrogates, D800–DFFF, so they sort after U+D7FF and before U+E000.
    @inline(__always) static func javaScriptWeight(_ v: UInt32) -> UInt64 {
        UInt64(v < 0xD800 ? v : v >= 0x10000 ? 0xD800 + (v - 0x10000) : 0x11_0000 + v)
    }

    /// Whether term `a` sorts before `b` in JavaScript's string order.
    static func javaScriptPrecedes(_ a: some Collection<UInt32>, _ b: some Collection<UInt32>) -> Bool {
        a.lexicographicallyPrecedes(b) { javaScriptWeight($0) < javaScriptWeight($1) }
    }

    /// The name of the result files' folder: a hash of which document is number n, and nothing else, so that it
    /// changes when documents are added, removed or reordered, and stays when only their text changes.
    static func resultsFolder(order: [SearchDocument.Key]) -> String {
        var hash = SearchHash()
        hash.add(Array("results 1\n".utf8))
        for key in order { hash.add(Array("\(key.kind.rawValue)/\(key.id)\n".utf8)) }
        return String(hash.hex.prefix(12))
    }

    /// The manifest the browser reads first.
    static func manifest(version: String, results: String, documents: Int, firstTerms: [String], shardNames: [String],
                         fieldSets: [UInt8], facets: [Facets], industries: [(id: String, name: String)]) -> [UInt8] {
        // Facet values per document, run-length encoded: [run length, kind, industry bits, type bits].
        var runs: [[Int]] = []
        for row in facets {
            if let last = runs.last, last[1] == row.kind, last[2] == row.industries, last[3] == row.types {
                runs[runs.count - 1][0] += 1
            } else {
                runs.append([1, row.kind, row.industries, row.types])
            }
        }
        let manifest = JSONValue.object([
            ("version", .string(version)),
            ("results", .string(results)),
            ("documents", .int(documents)),
            ("shards", .strings(firstTerms)),
            ("files", .strings(shardNames)),
            ("fieldSets", .array(fieldSets.map { .int(Int($0)) })),
            ("weights", .array(SearchField.weights.map { .int($0) })),
            ("kinds", .strings(SearchKind.allCases.map(\.rawValue))),
            ("industries", .array(industries.map { .strings([$0.id, $0.name]) })),
            ("types", .strings(ProviderType.allCases.map(\.rawValue))),
            ("facets", .array(runs.map { .array($0.map { .int($0) }) })),
            ("synonyms", .array(SearchSynonyms.groups.map { .strings($0) })),
            ("stop", .string(String(String.UnicodeScalarView(SearchText.stopCharacters.sorted { $0.value < $1.value })))),
        ])
        return Array(manifest.serialized(pretty: false).utf8)
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
        var reader = ByteReader(bytes, from: 0, to: bytes.count)
        func varint() -> Int? { reader.varint() }
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
                guard let usual = reader.take(1)?.first, let bits = reader.take((documents + 7) / 8) else { return nil }
                for doc in 0..<documents where bits[bits.startIndex + doc / 8] & (1 << UInt8(doc % 8)) != 0 {
                    list.append(Posting(doc: doc, fields: usual))
                }
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
                    guard let byte = reader.take(1)?.first else { return nil }
                    fields = byte
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
        return reader.atEnd ? out : nil
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
