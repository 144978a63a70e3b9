import Foundation

/// What the last build read from each search document, so that the next build can index a document whose inputs
/// did not change without rendering its Markdown body again.
///
/// Rendering every body to read its terms was most of a rebuild after a one-file edit. The cache keeps, per
/// document, the fingerprint of its page's inputs (see ``PageFingerprints``, which covers everything the document
/// is made from), its result file's hash, its facets and its terms with their field bits. A build reuses an entry
/// only when the fingerprint is the same and the result file it describes is still in the output (the folder
/// keeps it by the same fingerprint); anything else, and any cache that does not read back whole, is indexed from
/// the body as before. The file holds no text, only term keys, and is rewritten after each build that made the
/// index.
///
/// The next build numbers the cache's terms as this one did (`TermTable.seed`), so a reused document's terms are
/// copied into the next cache as they are. Terms no document uses any more stay numbered until they are a quarter
/// of all; then no cache is written and the next build starts a fresh one.
///
/// Layout (little-endian, numbers as LEB128 varints unless noted): the magic line, the document count; per
/// document its key (`kind/id`, length and bytes), fingerprint and result hash (8 bytes each), kind, industry and
/// type bits, and its terms (their length in bytes, their count, then per term, by number, the difference from the
/// previous number times 32 plus the field bits less one); then the term count and per term 0 and a Han key
/// (8 bytes), or 1 and a word (length and bytes); then 0, or 1 and the index the build wrote (``IndexState``: the
/// results folder's name, the document count, the postings per field set, the field sets, the live term count and
/// per shard its name and first term); last, a hash of all that (8 bytes), so a damaged file is not used.
public struct SearchTermCache: Sendable {
    /// The index the build that wrote the cache published: what the next build needs to patch it rather than
    /// make it again (see ``SearchIndexPatch``).
    struct IndexState: Equatable, Sendable {
        /// The name of the result files' folder, which names the documents' numbering.
        var results: String
        var documents: Int
        /// Postings per field set (1 to 31), from which the manifest's seven field sets are chosen.
        var fieldCounts: [Int]
        var fieldSets: [UInt8]
        /// Terms in at least one document.
        var liveTerms: Int
        var shardNames: [String]
        var firstTerms: [String]
    }

    /// A term as the cache spells it: Han characters by their key, words by their bytes (see `TermTable`).
    enum Term: Equatable, Sendable {
        case han(UInt64)
        case word([UInt8])
    }

    struct Document: Sendable {
        var fingerprint: UInt64
        var hash: UInt64
        var facets: SearchIndex.Facets
        /// Where the document's encoded terms are in `bytes`.
        var terms: Range<Int>
    }

    /// A document as the next cache file will hold it.
    struct Record: Sendable {
        var key: String
        var fingerprint: UInt64
        var hash: UInt64
        var facets: SearchIndex.Facets
        var terms: EncodedTerms
    }

    /// A document's terms as `encode(_:)` gives them, or where they are in the cache they were reused from.
    enum EncodedTerms: Sendable {
        case encoded([UInt8])
        case cached(Range<Int>)
    }

    static let magic = Array("roster search terms 3\n".utf8)

    /// The file as read.
    let bytes: [UInt8]
    private(set) var documents: [String: Document] = [:]
    private(set) var terms: [Term] = []
    /// The index these documents and terms were published in, if the build wrote one.
    private(set) var index: IndexState?

    /// The cache named `path`, or nil when there is none or it does not read back whole.
    static func read(_ path: String) -> SearchTermCache? {
        FileSystem.read(path).flatMap(SearchTermCache.init(bytes:))
    }

    init?(bytes: [UInt8]) {
        self.bytes = bytes
        guard let end = ByteReader.sealedEnd(of: bytes) else { return nil }

        var reader = ByteReader(bytes, from: 0, to: end)
        guard reader.take(Self.magic.count) == Self.magic[...], let count = reader.varint(), count <= end else { return nil }
        documents.reserveCapacity(count)
        for _ in 0..<count {
            guard let keyLength = reader.varint(), let key = reader.take(keyLength),
                  let fingerprint = reader.fixed(), let hash = reader.fixed(),
                  let kind = reader.varint(), kind < SearchKind.allCases.count,
                  let industries = reader.varint(), let types = reader.varint(),
                  let length = reader.varint(), let start = Optional(reader.position), reader.take(length) != nil
            else { return nil }
            documents[String(decoding: key, as: UTF8.self)] = Document(
                fingerprint: fingerprint, hash: hash,
                facets: SearchIndex.Facets(kind: kind, industries: industries, types: types), terms: start..<(start + length))
        }
        guard let termCount = reader.varint(), termCount <= end else { return nil }
        terms.reserveCapacity(termCount)
        for _ in 0..<termCount {
            guard let tag = reader.take(1) else { return nil }
            switch tag[tag.startIndex] {
            case 0:
                // Han keys are never 0 (an empty slot of `KeyTable`) and never have the top bit (a word's number).
                guard let key = reader.fixed(), key != 0, key >> 63 == 0 else { return nil }
                terms.append(.han(key))
            case 1:
                guard let length = reader.varint(), length > 0, let word = reader.take(length),
                      String(validating: word, as: UTF8.self) != nil else { return nil }
                terms.append(.word(Array(word)))
            default:
                return nil
            }
        }
        guard let hasIndex = reader.take(1) else { return nil }
        if hasIndex[hasIndex.startIndex] == 1 {
            func text() -> String? {
                guard let length = reader.varint(), let bytes = reader.take(length) else { return nil }
                return String(validating: bytes, as: UTF8.self)
            }
            guard let results = text(), let documents = reader.varint(), let setCount = reader.varint(), setCount <= 31,
                  let sets = reader.take(setCount), let liveTerms = reader.varint(), let shardCount = reader.varint(),
                  shardCount <= end else { return nil }
            var fieldCounts = [0]
            for _ in 1..<32 {
                guard let count = reader.varint() else { return nil }
                fieldCounts.append(count)
            }
            var state = IndexState(results: results, documents: documents, fieldCounts: fieldCounts, fieldSets: Array(sets),
                                   liveTerms: liveTerms, shardNames: [], firstTerms: [])
            for _ in 0..<shardCount {
                guard let name = text(), let first = text() else { return nil }
                state.shardNames.append(name)
                state.firstTerms.append(first)
            }
            index = state
        } else if hasIndex[hasIndex.startIndex] != 0 {
            return nil
        }
        guard reader.atEnd else { return nil }
    }

    /// A document's terms, `number << 8 | fields`, or nil if they do not read back (each must name a term here).
    func entries(of document: Document) -> [UInt64]? {
        var reader = ByteReader(bytes, from: document.terms.lowerBound, to: document.terms.upperBound)
        guard let count = reader.varint(), count <= document.terms.count else { return nil }
        var entries: [UInt64] = []
        entries.reserveCapacity(count)
        var number = 0
        for n in 0..<count {
            // Numbers strictly rising (a term once per document), field bits 1 to 31.
            guard let packed = reader.varint(), n == 0 || packed >> 5 > 0, packed & 31 < 31 else { return nil }
            number += packed >> 5
            guard number < terms.count else { return nil }
            entries.append(UInt64(number) << 8 | UInt64((packed & 31) + 1))
        }
        return reader.atEnd ? entries : nil
    }

    /// A document's terms (`number << 8 | fields`, fields 1 to 32) as the file holds them; sorts `entries`, using
    /// `scratch` as room.
    static func encode(_ entries: inout [UInt64], scratch: inout [UInt64]) -> [UInt8] {
        radixSort(&entries, scratch: &scratch)
        // Room for the length in front, filled in once it is known (at most three bytes: under 2 MB of terms).
        var out = [UInt8](repeating: 0, count: 3)
        out.reserveCapacity(entries.count * 2 + 8)
        SearchIndex.putVarint(entries.count, into: &out)
        var previous = 0
        for entry in entries {
            let number = Int(entry >> 8)
            SearchIndex.putVarint(((number - previous) << 5) + (Int(entry & 0xFF) - 1), into: &out)
            previous = number
        }
        var length: [UInt8] = []
        SearchIndex.putVarint(out.count - 3, into: &length)
        guard length.count <= 3 else { return length + out[3...] }
        out.replaceSubrange(0..<3, with: length)
        return out
    }

    /// Sorts by term number a byte at a time (a document's few hundred distinct numbers): the standard library's
    /// merge sort was a twentieth of a full build.
    static func radixSort(_ entries: inout [UInt64], scratch: inout [UInt64]) {
        let largest = entries.max() ?? 0
        guard largest >> 8 != 0 else { return }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: repeatElement(0, count: entries.count))
        // On raw buffers: checked subscripts and copy-on-write checks were most of its time.
        entries.withUnsafeMutableBufferPointer { entries in
            scratch.withUnsafeMutableBufferPointer { scratch in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 257) { counts in
                    var from = entries, to = scratch
                    var shift: UInt64 = 8
                    while shift < 64, largest >> shift != 0 {
                        counts.initialize(repeating: 0)
                        for entry in from { counts[Int(truncatingIfNeeded: (entry >> shift) & 0xFF) &+ 1] &+= 1 }
                        for n in 1..<257 { counts[n] &+= counts[n &- 1] }
                        for entry in from {
                            let digit = Int(truncatingIfNeeded: (entry >> shift) & 0xFF)
                            to[counts[digit]] = entry
                            counts[digit] &+= 1
                        }
                        swap(&from, &to)
                        shift += 8
                    }
                    // After an odd number of passes the sorted entries are in the scratch buffer.
                    if from.baseAddress != entries.baseAddress { _ = entries.update(fromContentsOf: from) }
                }
            }
        }
    }

    /// The file's bytes: each record, its terms numbering into `terms`; `previous` holds the reused records' terms.
    static func serialize(_ records: [Record], terms: [Term], previous: SearchTermCache?, index: IndexState? = nil) -> [UInt8] {
        var out = magic
        SearchIndex.putVarint(records.count, into: &out)
        for record in records {
            ByteWriter.lengthPrefixed(record.key.utf8, into: &out)
            ByteWriter.fixed(record.fingerprint, into: &out)
            ByteWriter.fixed(record.hash, into: &out)
            SearchIndex.putVarint(record.facets.kind, into: &out)
            SearchIndex.putVarint(record.facets.industries, into: &out)
            SearchIndex.putVarint(record.facets.types, into: &out)
            switch record.terms {
            case .encoded(let bytes):
                out += bytes
            case .cached(let range):
                SearchIndex.putVarint(range.count, into: &out)
                out += previous!.bytes[range]
            }
        }
        SearchIndex.putVarint(terms.count, into: &out)
        for term in terms {
            switch term {
            case .han(let key):
                out.append(0)
                ByteWriter.fixed(key, into: &out)
            case .word(let bytes):
                out.append(1)
                ByteWriter.lengthPrefixed(bytes, into: &out)
            }
        }
        if let index {
            out.append(1)
            ByteWriter.lengthPrefixed(index.results.utf8, into: &out)
            SearchIndex.putVarint(index.documents, into: &out)
            SearchIndex.putVarint(index.fieldSets.count, into: &out)
            out += index.fieldSets
            SearchIndex.putVarint(index.liveTerms, into: &out)
            SearchIndex.putVarint(index.shardNames.count, into: &out)
            for count in index.fieldCounts.dropFirst() { SearchIndex.putVarint(count, into: &out) }
            for (name, first) in zip(index.shardNames, index.firstTerms) {
                ByteWriter.lengthPrefixed(name.utf8, into: &out)
                ByteWriter.lengthPrefixed(first.utf8, into: &out)
            }
        } else {
            out.append(0)
        }
        ByteWriter.seal(&out)
        return out
    }

    /// The cache's key for a search document.
    static func key(_ key: SearchDocument.Key) -> String { "\(key.kind.rawValue)/\(key.id)" }
}
