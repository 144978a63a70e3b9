import Foundation

/// Builds the search index one document at a time, from any number of threads, in any order; see `SearchIndex`.
///
/// Each `add` reads the document's terms into a per-thread table, gives each term a number, appends the document
/// to each term's postings, and writes (or, in memory, keeps) the document's result file. What stays is at most
/// four bytes per posting (a term in many documents switches to a byte per document) and the result file's hash:
/// never the document's text. `finish` sorts the terms, encodes the shards and writes the manifest.
///
/// Documents are numbered by `order`, given up front, so that their result files can be written as they come, and
/// the files are the same whatever the order and the threads they came in. Every document of `order` must be added
/// exactly once, and `finish` called after the last `add` has returned; anything else is a programming error and
/// stops the build.
public final class SearchIndexBuilder: @unchecked Sendable {
    /// Where result files go.
    public enum Output {
        /// Kept in memory and returned by `finish` (tests, small indexes).
        case memory
        /// Written into `search/` of the folder as documents are added, then the term shards and the manifest.
        case folder(OutputFolder)
    }

    public let order: [SearchDocument.Key]
    private let numbers: [SearchDocument.Key: Int]
    private let industries: [(id: String, name: String)]
    private let output: Output

    private let terms = TermTable()
    private static let stripeBits = 4
    /// Postings by term number modulo 16, each with its own lock, so two threads rarely wait for each other.
    private let stripes = (0..<(1 << SearchIndexBuilder.stripeBits)).map { _ in PostingStripe() }

    private let lock = NSLock()
    private var scratches: [DocumentTerms] = []
    private var added: [Bool]
    private var hashes: [UInt64]
    private var facets: [SearchIndex.Facets]
    private var files: [[UInt8]]
    private var finished = false

    /// The previous build's terms per document (see `SearchTermCache`); its terms keep their numbers.
    private let cache: SearchTermCache?
    /// What the next build's cache holds, by document: those given a fingerprint.
    private var records: [SearchTermCache.Record?]
    /// Documents added from the cache by `reuse`.
    public private(set) var reusedCount = 0
    /// The index written, once `finish` has run, for the next build's cache (see `SearchTermCache.IndexState`).
    private var written: SearchTermCache.IndexState?

    /// Whether the index may still be patched from the previous build's (see ``SearchIndexPatch``): documents are
    /// then not posted as they come. The terms of those added are kept (`stored`) to patch with, those reused are
    /// only noted; past `patchBudget` stored terms, or if the patch cannot be made, every document is posted
    /// after all and the index made whole.
    private var patching: Bool
    private var stored: [Int: [UInt64]] = [:]
    private var storedCount = 0
    private static let patchBudget = 1 << 20
    /// Documents already in the postings.
    private var posted: [Bool]
    /// Set when a document reused from the cache could not be read back when it had to be posted: the index then
    /// lacks its terms, and the build must not publish it (see `Builder`).
    public private(set) var damagedCache = false
    /// Whether `finish` patched the previous index rather than making it whole.
    public private(set) var patched = false

    /// The folder under `search/` of the result files, known up front (see `SearchIndex.resultsFolder(order:)`).
    public let results: String

    /// A builder for the documents `order` names, numbered in that order; `cache` is what the previous build read
    /// from each document, for `reuse(_:fingerprint:)`.
    public init(order: [SearchDocument.Key], industries: [(id: String, name: String)], output: Output,
                cache: SearchTermCache? = nil) {
        self.order = order
        var numbers: [SearchDocument.Key: Int] = [:]
        for (n, key) in order.enumerated() {
            precondition(numbers.updateValue(n, forKey: key) == nil, "search document \(key) listed twice")
        }
        self.numbers = numbers
        results = SearchIndex.resultsFolder(order: order)
        self.industries = industries
        self.output = output
        added = [Bool](repeating: false, count: order.count)
        hashes = [UInt64](repeating: 0, count: order.count)
        facets = [SearchIndex.Facets](repeating: SearchIndex.Facets(kind: 0, industries: 0, types: 0), count: order.count)
        if case .memory = output { files = [[UInt8]](repeating: [], count: order.count) } else { files = [] }
        // A cache whose terms do not number as they did (a term twice) is not used; seeded terms are harmless.
        if let cache, terms.seed(cache.terms) { self.cache = cache } else { self.cache = nil }
        records = [SearchTermCache.Record?](repeating: nil, count: order.count)
        posted = [Bool](repeating: false, count: order.count)
        var patchable = false
        if case .folder = output, let index = self.cache?.index, index.results == results, index.documents == order.count {
            patchable = true
        }
        patching = patchable
    }

    /// The path under the output folder of document `doc`'s result file.
    private func resultPath(_ doc: Int) -> String { "search/\(results)/d/\(doc).json" }

    /// Adds one document: thread-safe; its text is not kept. A document given the fingerprint of its inputs goes
    /// into the next build's search term cache, and its result file is written with that fingerprint.
    public func add(_ document: SearchDocument, fingerprint: UInt64 = 0) {
        guard let doc = numbers[document.key] else { preconditionFailure("search document \(document.key) is not in the order") }
        let file = document.resultFile
        if case .folder(let folder) = output { folder.write(resultPath(doc), file, kind: "search", fingerprint: fingerprint) }

        var scratch = takeScratch()
        for field in SearchField.allCases {
            scratch.bit = UInt32(field.bit)
            for text in document.fields[field] ?? [] { SearchText.scan(text, into: &scratch) }
        }
        scratch.collect()
        let terms = fingerprint == 0 ? [] : scratch.encodePostedEntries()
        lock.lock()
        let keeps = patching && storedCount + scratch.collected.count <= SearchIndexBuilder.patchBudget
        if keeps {
            stored[doc] = scratch.collected
            storedCount += scratch.collected.count
        } else {
            patching = false
        }
        lock.unlock()
        if !keeps { scratch.post(doc: UInt32(doc), into: stripes, stripeBits: SearchIndexBuilder.stripeBits, documents: order.count) }

        var hash = SearchHash()
        hash.add(file)
        let facets = SearchIndex.Facets(kind: SearchKind.allCases.firstIndex(of: document.kind)!,
                                        industries: Int(document.industries), types: Int(document.types))
        let record = fingerprint == 0 ? nil : SearchTermCache.Record(
            key: SearchTermCache.key(document.key), fingerprint: fingerprint, hash: hash.value, facets: facets,
            terms: .encoded(terms))
        finishAdding(doc, document.key, scratch: scratch, hash: hash.value, facets: facets, record: record,
                     file: file, posted: !keeps)
    }

    /// Adds the document `key` as the previous build read it, if the search term cache has it with the same
    /// `fingerprint` and its result file is still in the output folder; returns whether it did. Thread-safe.
    public func reuse(_ key: SearchDocument.Key, fingerprint: UInt64) -> Bool {
        guard fingerprint != 0, let cache, let doc = numbers[key], case .folder(let folder) = output else { return false }
        let cacheKey = SearchTermCache.key(key)
        lock.lock()
        let posts = !patching
        lock.unlock()
        // While patching, the terms are read only if the patch cannot be made (see `finish`).
        guard let cached = cache.documents[cacheKey], cached.fingerprint == fingerprint,
              let entries = posts ? cache.entries(of: cached) : [],
              folder.keep(resultPath(doc), fingerprint: fingerprint, kind: "search") else { return false }
        // A scratch table only to post the terms: while patching (a rebuild) none is taken, and the lock is taken once.
        var scratch: DocumentTerms?
        if posts {
            scratch = takeScratch()
            scratch?.post(entries, doc: UInt32(doc), into: stripes, stripeBits: SearchIndexBuilder.stripeBits, documents: order.count)
        }
        let record = SearchTermCache.Record(key: cacheKey, fingerprint: fingerprint, hash: cached.hash, facets: cached.facets,
                                            terms: .cached(cached.terms))
        finishAdding(doc, key, scratch: scratch, hash: cached.hash, facets: cached.facets, record: record, file: nil,
                     posted: posts, reused: true)
        return true
    }

    private func finishAdding(_ doc: Int, _ key: SearchDocument.Key, scratch: DocumentTerms?, hash: UInt64,
                              facets: SearchIndex.Facets, record: SearchTermCache.Record?, file: [UInt8]?, posted: Bool,
                              reused: Bool = false) {
        lock.lock()
        defer { lock.unlock() }
        if let scratch { scratches.append(scratch) }
        if reused { reusedCount += 1 }
        precondition(!finished, "search document added after finish")
        precondition(!added[doc], "search document \(key) added twice")
        added[doc] = true
        self.posted[doc] = posted
        hashes[doc] = hash
        self.facets[doc] = facets
        records[doc] = record
        if case .memory = output, let file { files[doc] = file }
    }

    /// The search term cache for the next build, once `finish` has run: every document added with a fingerprint.
    /// Nil when a quarter of the numbered terms are in no document any more: the next build then starts afresh.
    public func cacheFile() -> [UInt8]? {
        lock.lock()
        let kept = records.compactMap { $0 }
        let written = self.written
        // The index can be patched next time only if every document is in the cache.
        let whole = kept.count == records.count
        lock.unlock()
        guard let written else { return nil }
        let all = terms.cachedTerms()
        guard all.count - written.liveTerms <= all.count / 4 else { return nil }
        return SearchTermCache.serialize(kept, terms: all, previous: cache, index: whole ? written : nil)
    }

    deinit {
        for scratch in scratches { scratch.deallocate() }
    }

    private func takeScratch() -> DocumentTerms {
        lock.lock()
        defer { lock.unlock() }
        return scratches.popLast() ?? DocumentTerms(table: terms)
    }

    /// Encodes the index once every document is in. Writing into a folder, also writes the term shards and the
    /// manifest and gives the result files' folder its version; the returned `documents` are then empty.
    @discardableResult
    public func finish(shardBytes: Int = 8192) -> SearchIndex.Files {
        lock.lock()
        precondition(!finished, "search index finished twice")
        finished = true
        if let missing = added.firstIndex(of: false) { preconditionFailure("search document \(order[missing]) never added") }
        let patching = self.patching
        lock.unlock()

        if patching, case .folder(let folder) = output, let cache, let index = cache.index,
           let patch = SearchIndexPatch(cache: cache, index: index, order: order, changed: stored, records: records,
                                        terms: terms, shardBytes: shardBytes) {
            if let (files, patchedIndex) = patch.apply(to: folder, results: results, documentHashes: hashes, facets: facets,
                                                       industries: industries) {
                lock.lock()
                written = patchedIndex
                self.patched = true
                for scratch in scratches { scratch.deallocate() }
                scratches = []
                lock.unlock()
                return files
            }
        }
        postRemaining()
        lock.lock()
        for scratch in scratches { scratch.deallocate() }
        scratches = []
        lock.unlock()

        // Every term's postings, by term number; freed term by term as they are encoded.
        let termCount = terms.count
        var postings = [TermPostings](repeating: TermPostings(), count: termCount)
        var fieldCounts = [Int](repeating: 0, count: 32)
        for (s, stripe) in stripes.enumerated() {
            for (i, term) in stripe.takeTerms().enumerated() { postings[i << SearchIndexBuilder.stripeBits | s] = term }
            for (f, count) in stripe.fieldCounts.enumerated() { fieldCounts[f] += count }
        }
        let spelled = terms.spellings()
        // Terms seeded from the search term cache that no document has now are left out, as a fresh build would.
        let sorted = spelled.sortedInJavaScriptOrder().filter { !postings[Int($0)].isEmpty }
        let fieldSets = SearchIndex.commonFieldSets(counts: fieldCounts)
        let codes = SearchIndex.codes(fieldSets)
        let documentCount = order.count

        // Records made in parallel, a run of sorted terms per task, a few runs at a time (so the encoded postings
        // held at once stay a small part of the index); each wave then cut into shards in order.
        let runLength = 4096
        let runCount = (sorted.count + runLength - 1) / runLength
        let wave = 4 * ProcessInfo.processInfo.activeProcessorCount
        var shards = SearchIndex.ShardWriter(shardBytes: shardBytes)
        postings.withUnsafeMutableBufferPointer { buffer in
            let all = UncheckedSendable(buffer)
            for first in stride(from: 0, to: runCount, by: wave) {
                let records = Array(first..<Swift.min(first + wave, runCount)).concurrentMap { run in
                    var bytes: [UInt8] = []
                    var ends: [(header: Int, record: Int)] = []
                    var list: [UInt32] = []
                    for position in (run * runLength)..<Swift.min((run + 1) * runLength, sorted.count) {
                        let id = Int(sorted[position])
                        let start = bytes.count
                        SearchIndex.putHeader(spelled.scalars(id), after: position == 0 ? [] : spelled.scalars(Int(sorted[position - 1])),
                                              into: &bytes)
                        let header = bytes.count - start
                        all.value[id].sortedList(documents: documentCount, into: &list)
                        all.value[id].deallocate()
                        all.value[id] = TermPostings()
                        SearchIndex.encodePostings(list, documents: documentCount, codes: codes, into: &bytes)
                        ends.append((header, bytes.count))
                    }
                    return (bytes, ends)
                }
                for (n, run) in records.enumerated() {
                    var start = 0
                    run.0.withUnsafeBufferPointer { bytes in
                        for (k, end) in run.1.enumerated() {
                            let id = Int(sorted[(first + n) * runLength + k])
                            shards.append(term: spelled.scalars(id), record: UnsafeBufferPointer(rebasing: bytes[start..<end.record]),
                                          headerLength: end.header)
                            start = end.record
                        }
                    }
                }
            }
        }
        postings = []
        shards.finish()

        let index = SearchIndex.Files(shards: shards, results: results, documents: files, documentHashes: hashes,
                                      fieldSets: fieldSets, facets: facets, industries: industries)
        if case .folder(let folder) = output {
            _ = Array(zip(index.shardNames, index.shards)).concurrentMap { name, shard in
                folder.write("search/t/\(name).bin", shard, kind: "search", fingerprint: SearchIndex.shardFingerprint(name))
                return 0
            }
            folder.write("search/index.json", index.manifest, kind: "search")
        }
        lock.lock()
        written = SearchTermCache.IndexState(results: results, documents: documentCount, fieldCounts: fieldCounts,
                                             fieldSets: fieldSets, liveTerms: sorted.count, shardNames: index.shardNames,
                                             firstTerms: index.firstTerms)
        lock.unlock()
        return index
    }

    /// Posts every document not posted yet, when the index is made whole after all: those added while patching
    /// from the terms kept, those reused from the cache.
    private func postRemaining() {
        lock.lock()
        let waiting = posted.indices.filter { !posted[$0] }
        let kept = stored
        stored = [:]
        storedCount = 0
        lock.unlock()
        let chunks = stride(from: 0, to: waiting.count, by: 512).map { waiting[$0..<Swift.min($0 + 512, waiting.count)] }
        let damaged = chunks.concurrentMap { chunk -> Bool in
            var scratch = takeScratch()
            var damaged = false
            for doc in chunk {
                let entries = kept[doc] ?? cache?.documents[SearchTermCache.key(order[doc])].flatMap { cache?.entries(of: $0) }
                guard let entries else { damaged = true; continue }
                scratch.post(entries, doc: UInt32(doc), into: stripes, stripeBits: SearchIndexBuilder.stripeBits,
                             documents: order.count)
            }
            lock.lock()
            scratches.append(scratch)
            lock.unlock()
            return damaged
        }
        lock.lock()
        for doc in waiting { posted[doc] = true }
        if damaged.contains(true) { damagedCache = true }
        lock.unlock()
    }
}

extension SearchIndex {
    /// A document's facet values, as the manifest's facet table lists them.
    struct Facets: Equatable {
        var kind: Int
        var industries: Int
        var types: Int
    }
}

/// Every term met so far, numbered in the order first met: Han characters and pairs by their keys, words by their
/// bytes. Shared by all threads; each keeps its own cache (`DocumentTerms`) and comes here only for new terms.
final class TermTable: @unchecked Sendable {
    private let lock = NSLock()
    private var han = KeyTable(capacity: 4096)
    private var words = WordTable()
    /// Per term number: its Han key, or `1 << 63 | n` for the n-th word.
    private var keys: [UInt64] = []

    deinit { han.deallocate() }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return keys.count
    }

    /// The numbers of Han terms, adding those not seen before.
    func numbers(ofHan newKeys: [UInt64]) -> [UInt32] {
        lock.lock()
        defer { lock.unlock() }
        return newKeys.map { key in
            let slot = han.add(key)
            if han.values[slot] == 0 {
                keys.append(key)
                han.values[slot] = UInt32(keys.count)  // one more than the number, so 0 means new
            }
            return han.values[slot] - 1
        }
    }

    /// The number of a word, adding it if it is new.
    func number(ofWord word: UnsafeBufferPointer<UInt8>) -> UInt32 {
        lock.lock()
        defer { lock.unlock() }
        let next = UInt64(words.count)
        return words.value(word) {
            keys.append(1 << 63 | next)
            return UInt32(keys.count - 1)
        }
    }

    /// Every term by number, as the search term cache stores them: Han terms by key, words by their bytes.
    func cachedTerms() -> [SearchTermCache.Term] {
        lock.lock()
        defer { lock.unlock() }
        return keys.map { key in key >> 63 == 1 ? .word(Array(words.word(Int(key & 0xFFFF_FFFF)))) : .han(key) }
    }

    /// Numbers `cached` 0, 1, 2… as the build that wrote the search term cache did, before any document is read,
    /// so that the cache's term numbers are this table's. Returns false if they do not (a term listed twice).
    func seed(_ cached: [SearchTermCache.Term]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        precondition(keys.isEmpty, "a term table is seeded before any term is added")
        for term in cached {
            switch term {
            case .han(let key):
                let slot = han.add(key)
                guard han.values[slot] == 0 else { return false }
                keys.append(key)
                han.values[slot] = UInt32(keys.count)
            case .word(let bytes):
                let next = UInt64(words.count), before = keys.count
                _ = bytes.withUnsafeBufferPointer { word in
                    words.value(word) {
                        keys.append(1 << 63 | next)
                        return UInt32(keys.count - 1)
                    }
                }
                guard keys.count == before + 1 else { return false }
            }
        }
        return true
    }

    /// Every term's characters, by number; called once all documents are in.
    func spellings() -> TermSpellings {
        lock.lock()
        defer { lock.unlock() }
        var spellings = TermSpellings()
        spellings.starts.reserveCapacity(keys.count + 1)
        for key in keys {
            appendScalars(of: key, into: &spellings.scalars)
            spellings.starts.append(spellings.scalars.count)
        }
        return spellings
    }

    /// The characters of term `number`.
    func scalars(of number: Int) -> [UInt32] {
        lock.lock()
        defer { lock.unlock() }
        var scalars: [UInt32] = []
        appendScalars(of: keys[number], into: &scalars)
        return scalars
    }

    /// Appends the characters of the term with key `key`; the caller holds the lock.
    private func appendScalars(of key: UInt64, into scalars: inout [UInt32]) {
        if key >> 63 == 1 {
            let word = words.word(Int(key & 0xFFFF_FFFF))
            word.withUnsafeBufferPointer { bytes in
                var i = 0
                while i < bytes.count { scalars.append(UTF8Reader.scalar(bytes.baseAddress!, at: &i)) }
            }
        } else {
            if key >> 42 == 1 { scalars.append(UInt32((key >> 21) & 0x1FFFFF)) }
            scalars.append(UInt32(key & 0x1FFFFF))
        }
    }
}

/// The characters of every term, one after the other.
struct TermSpellings {
    var scalars: [UInt32] = []
    /// Where each term's characters end; term n's start where term n - 1's end.
    var starts: [Int] = [0]

    func scalars(_ n: Int) -> ArraySlice<UInt32> { scalars[starts[n]..<starts[n + 1]] }

    /// Term numbers in JavaScript's string order (UTF-16 code units), the order the browser looks terms up in.
    func sortedInJavaScriptOrder() -> [UInt32] {
        @inline(__always) func weight(_ v: UInt32) -> UInt64 { SearchIndex.javaScriptWeight(v) }
        // The first three characters, 21 bits each, decide most comparisons; ties compare the rest.
        var keyed: [(prefix: UInt64, id: UInt32)] = (0..<(starts.count - 1)).map { n in
            var prefix: UInt64 = 0
            var i = starts[n]
            for _ in 0..<3 {
                prefix = prefix << 21 | (i < starts[n + 1] ? weight(scalars[i]) : 0)
                i += 1
            }
            return (prefix, UInt32(n))
        }
        keyed.sort { a, b in
            if a.prefix != b.prefix { return a.prefix < b.prefix }
            return scalars(Int(a.id)).dropFirst(3).lexicographicallyPrecedes(scalars(Int(b.id)).dropFirst(3)) {
                weight($0) < weight($1)
            }
        }
        return keyed.map(\.id)
    }
}

/// One thread's working tables: the current document's terms with their field bits, and the numbers of terms it
/// has met before, so that most documents need the shared `TermTable` for no term at all.
struct DocumentTerms: SearchTermSink {
    private let table: TermTable
    /// Pairs, characters above U+FFFF and words of the current document → their field bits; Han terms by key,
    /// words by `1 << 63 | number`.
    private var current = KeyTable(capacity: 2048)
    /// Field bits of the current document's characters up to U+FFFF by code point (most of its terms), and which
    /// characters those are.
    private var characterFields = UnsafeMutablePointer<UInt8>.allocate(capacity: 0x10000)
    private var characters: [UInt16] = []
    /// Numbers of the characters up to U+FFFF met before, plus one.
    private var characterNumbers = UnsafeMutablePointer<UInt32>.allocate(capacity: 0x10000)
    private var hanNumbers = KeyTable(capacity: 4096)
    private var wordNumbers = WordTable()
    /// The current document's postings, `number << 8 | fields`, and the same sorted by stripe.
    private var entries: [UInt64] = []
    private var sorted: [UInt64] = []
    private var newKeys: [UInt64] = []
    private var newFields: [UInt32] = []
    /// The bit of the field being read.
    var bit: UInt32 = 0
    /// How many pairs, and how many words, a thread remembers the numbers of.
    static let cacheLimit = 1 << 16

    init(table: TermTable) {
        self.table = table
        characterFields.initialize(repeating: 0, count: 0x10000)
        characterNumbers.initialize(repeating: 0, count: 0x10000)
    }

    /// Frees the tables; the value must not be used after.
    func deallocate() {
        current.deallocate()
        hanNumbers.deallocate()
        characterFields.deallocate()
        characterNumbers.deallocate()
    }

    @inline(__always)
    mutating func han(_ key: UInt64) {
        if key < 0x10000 {
            if characterFields[Int(key)] == 0 { characters.append(UInt16(key)) }
            characterFields[Int(key)] |= UInt8(bit)
        } else {
            let slot = current.add(key)
            current.values[slot] |= bit
        }
    }

    mutating func word(_ bytes: UnsafeBufferPointer<UInt8>) {
        if wordNumbers.count > DocumentTerms.cacheLimit { wordNumbers = WordTable() }
        let table = self.table
        let number = wordNumbers.value(bytes) { table.number(ofWord: bytes) }
        let slot = current.add(1 << 63 | UInt64(number))
        current.values[slot] |= bit
    }

    /// Adds document `doc` to the postings of each term read, then empties the tables for the next document.
    mutating func flush(doc: UInt32, into stripes: [PostingStripe], stripeBits: Int, documents: Int) {
        collect()
        post(doc: doc, into: stripes, stripeBits: stripeBits, documents: documents)
    }

    /// The terms read, `number << 8 | fields`, as ``collect()`` left them (sorted once ``encodePostedEntries()`` ran).
    var collected: [UInt64] { entries }

    /// Numbers the terms read (`collected`) and empties the tables for the next document, posting nothing.
    mutating func collect() {
        entries.removeAll(keepingCapacity: true)
        newKeys.removeAll(keepingCapacity: true)
        newFields.removeAll(keepingCapacity: true)
        for character in characters {
            let fields = UInt64(characterFields[Int(character)])
            characterFields[Int(character)] = 0
            let number = characterNumbers[Int(character)]
            if number > 0 {
                entries.append(UInt64(number - 1) << 8 | fields)
            } else {
                newKeys.append(UInt64(character))
                newFields.append(UInt32(fields))
            }
        }
        characters.removeAll(keepingCapacity: true)
        for slot in current.slots {
            let key = current.key(at: slot)
            let fields = UInt64(current.values[Int(slot)])
            if key >> 63 == 1 {
                entries.append(UInt64(truncatingIfNeeded: key & 0xFFFF_FFFF) << 8 | fields)
            } else if let number = hanNumbers.value(key) {
                entries.append(UInt64(number) << 8 | fields)
            } else {
                newKeys.append(key)
                newFields.append(UInt32(fields))
            }
        }
        current.removeAll()
        if !newKeys.isEmpty {
            // The caches hold the terms met most recently, not all: a real corpus has a million terms or so.
            if hanNumbers.count > DocumentTerms.cacheLimit { hanNumbers.removeAll() }
            for (n, number) in table.numbers(ofHan: newKeys).enumerated() {
                let key = newKeys[n]
                if key < 0x10000 {
                    characterNumbers[Int(key)] = number + 1
                } else {
                    let slot = hanNumbers.add(key)
                    hanNumbers.values[slot] = number
                }
                entries.append(UInt64(number) << 8 | UInt64(newFields[n]))
            }
        }
    }

    /// The terms of the document last flushed or posted, as the search term cache holds them.
    mutating func encodePostedEntries() -> [UInt8] { SearchTermCache.encode(&entries, scratch: &sorted) }

    /// Adds document `doc` to the postings of each of `terms` (`number << 8 | fields`): a document read before,
    /// from the search term cache.
    mutating func post(_ terms: [UInt64], doc: UInt32, into stripes: [PostingStripe], stripeBits: Int, documents: Int) {
        entries.removeAll(keepingCapacity: true)
        entries.append(contentsOf: terms)
        post(doc: doc, into: stripes, stripeBits: stripeBits, documents: documents)
    }

    /// Adds document `doc` to the postings of each term last collected (see ``collect()``).
    mutating func post(doc: UInt32, into stripes: [PostingStripe], stripeBits: Int, documents: Int) {
        // Sorted by stripe (counting sort), each stripe's run appended under that stripe's lock.
        let stripeCount = stripes.count
        let mask = UInt64(stripeCount - 1)
        sorted.removeAll(keepingCapacity: true)
        sorted.append(contentsOf: repeatElement(0, count: entries.count))
        var ends = [Int](repeating: 0, count: stripeCount + 1)
        for entry in entries { ends[Int((entry >> 8) & mask) + 1] += 1 }
        for n in 0..<stripeCount { ends[n + 1] += ends[n] }
        var next = ends
        entries.withUnsafeBufferPointer { entries in
            sorted.withUnsafeMutableBufferPointer { sorted in
                for entry in entries {
                    let stripe = Int((entry >> 8) & mask)
                    // The stripe keeps the term number without its low bits.
                    sorted[next[stripe]] = ((entry >> 8) >> UInt64(stripeBits)) << 8 | (entry & 0xFF)
                    next[stripe] += 1
                }
            }
            sorted.withUnsafeBufferPointer { sorted in
                for n in 0..<stripeCount where ends[n] < ends[n + 1] {
                    stripes[n].append(UnsafeBufferPointer(rebasing: sorted[ends[n]..<ends[n + 1]]), doc: doc, documents: documents)
                }
            }
        }
    }
}

/// The postings of the terms whose number has the same low bits.
final class PostingStripe: @unchecked Sendable {
    private let lock = NSLock()
    private var terms: [TermPostings] = []
    /// Postings per field set, to pick the seven the manifest codes in three bits.
    private(set) var fieldCounts = [Int](repeating: 0, count: 32)

    /// Adds document `doc` to each term in `entries` (`number >> stripeBits << 8 | fields`).
    func append(_ entries: UnsafeBufferPointer<UInt64>, doc: UInt32, documents: Int) {
        lock.lock()
        defer { lock.unlock() }
        PostingStripe.append(entries, doc: doc, documents: documents, to: &terms, counts: &fieldCounts)
    }

    private static func append(_ entries: UnsafeBufferPointer<UInt64>, doc: UInt32, documents: Int, to terms: inout [TermPostings],
                               counts: inout [Int]) {
        var last = 0
        for entry in entries { last = Swift.max(last, Int(entry >> 8)) }
        while terms.count <= last { terms.append(TermPostings()) }
        terms.withUnsafeMutableBufferPointer { terms in
            counts.withUnsafeMutableBufferPointer { counts in
                for entry in entries {
                    let fields = UInt8(truncatingIfNeeded: entry)
                    terms[Int(entry >> 8)].add(doc: doc, fields: fields, documents: documents)
                    counts[Int(fields)] += 1
                }
            }
        }
    }

    deinit {
        for term in terms { term.deallocate() }
    }

    /// Hands the postings over (once all documents are in); whoever takes them frees them.
    func takeTerms() -> [TermPostings] {
        lock.lock()
        defer { lock.unlock() }
        defer { terms = [] }
        return terms
    }
}

/// One term's documents, in the order they were added, in sixteen bytes.
///
/// Nineteen million postings on 20,000 cases, and on real text about a million terms, most of them in one or two
/// documents: so a term's first two postings are kept in place, longer lists in memory allocated here (the checks
/// of arrays on every append were a fifth of the builder's time), and a term in many documents as a byte per
/// document. `PostingStripe` frees them, or `finish` as it encodes them.
struct TermPostings {
    /// Up to two postings in place while `capacity` is 0; else the address of the list, or of the bytes per document.
    private var storage: UInt64 = 0
    private var count: UInt32 = 0
    /// 0 while the postings are in place; `UInt32.max` once they are a byte per document.
    private var capacity: UInt32 = 0

    private static let byDocument = UInt32.max

    private var list: UnsafeMutablePointer<UInt32> { UnsafeMutablePointer(bitPattern: UInt(storage))! }
    private var fieldsByDoc: UnsafeMutablePointer<UInt8> { UnsafeMutablePointer(bitPattern: UInt(storage))! }

    /// Adds a document, as `doc << 5 | fields - 1`; `documents` is how many there are in all.
    @inline(__always)
    mutating func add(doc: UInt32, fields: UInt8, documents: Int) {
        if capacity == TermPostings.byDocument {
            fieldsByDoc[Int(doc)] = fields
            return
        }
        let packed = doc << 5 | UInt32(fields - 1)
        if capacity == 0 && count < 2 {
            storage |= UInt64(packed) << (32 * UInt64(count))
            count += 1
            return
        }
        if capacity == 0 || count == capacity {
            grow(documents: documents)
            if capacity == TermPostings.byDocument {
                fieldsByDoc[Int(doc)] = fields
                return
            }
        }
        list[Int(count)] = packed
        count += 1
    }

    /// Whether no document has the term (stored by document, `count` stays 0).
    var isEmpty: Bool { count == 0 && capacity != TermPostings.byDocument }

    /// Makes room for one more posting: a list half as long again or, when that would take more than a byte per
    /// document, a byte per document.
    private mutating func grow(documents: Int) {
        let bigger = Swift.max(8, Int(capacity) + Int(capacity) / 2)
        var old: [UInt32] = []
        appendList(to: &old)
        deallocate()
        if bigger * 4 >= documents && documents >= 64 {
            let map = UnsafeMutablePointer<UInt8>.allocate(capacity: documents)
            map.initialize(repeating: 0, count: documents)
            for packed in old { map[Int(packed >> 5)] = UInt8(packed & 31) + 1 }
            storage = UInt64(UInt(bitPattern: map))
            count = 0
            capacity = TermPostings.byDocument
        } else {
            let grown = UnsafeMutablePointer<UInt32>.allocate(capacity: bigger)
            grown.initialize(from: old, count: old.count)
            storage = UInt64(UInt(bitPattern: grown))
            capacity = UInt32(bigger)
        }
    }

    /// Appends the postings of a term not stored by document, in the order added.
    private func appendList(to out: inout [UInt32]) {
        if capacity == 0 {
            for n in 0..<Int(count) { out.append(UInt32(truncatingIfNeeded: storage >> (32 * UInt64(n)))) }
        } else {
            out.append(contentsOf: UnsafeBufferPointer(start: list, count: Int(count)))
        }
    }

    /// The postings in document order, as `doc << 5 | fields - 1`.
    func sortedList(documents: Int, into out: inout [UInt32]) {
        out.removeAll(keepingCapacity: true)
        if capacity == TermPostings.byDocument {
            // Without a branch per document: every document is written, and kept only if the term is in it.
            let fieldsByDoc = self.fieldsByDoc
            out.append(contentsOf: repeatElement(0, count: documents))
            let kept = out.withUnsafeMutableBufferPointer { out in
                var kept = 0
                for doc in 0..<documents {
                    let fields = UInt32(fieldsByDoc[doc])
                    out[kept] = UInt32(doc) << 5 | (fields &- 1) & 31
                    kept += fields == 0 ? 0 : 1
                }
                return kept
            }
            out.removeSubrange(kept...)
        } else {
            appendList(to: &out)
            out.sort()
        }
    }

    /// Frees the postings; the value must not be used after.
    func deallocate() {
        if capacity == TermPostings.byDocument { fieldsByDoc.deallocate() } else if capacity > 0 { list.deallocate() }
    }
}

extension SearchDocument {
    /// Identifies a document: its kind and its item's id.
    public struct Key: Hashable, Sendable, CustomStringConvertible {
        public var kind: SearchKind
        public var id: String

        public init(kind: SearchKind, id: String) {
            self.kind = kind
            self.id = id
        }

        public var description: String { "\(kind.rawValue)/\(id)" }
    }

    public var key: Key { Key(kind: kind, id: id) }

    /// The result file the browser fetches for a result on screen: address, title, meta line, and the text its
    /// snippet is cut from (`snippetText`), as compact JSON escaped like `JSONValue`.
    var resultFile: [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: #"{"u":"#.utf8)
        JSONBytes.quote([url], into: &out)
        out.append(contentsOf: #","t":"#.utf8)
        JSONBytes.quote([title], into: &out)
        out.append(contentsOf: #","m":"#.utf8)
        JSONBytes.quote([meta], into: &out)
        out.append(contentsOf: #","s":"#.utf8)
        JSONBytes.quote(((fields[.summary] ?? []) + (fields[.body] ?? [])).filter { !$0.isEmpty }, into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }
}

/// `JSONValue.quote` on UTF-8 bytes, for the twenty thousand result files.
enum JSONBytes {
    /// Bytes written as they are: not a control character, quote, backslash, `<`, `>`, `&`, nor the first byte of
    /// U+2028 or U+2029.
    static let plain: [Bool] = (0..<256).map { byte in
        byte >= 0x20 && ![0x22, 0x5C, 0x3C, 0x3E, 0x26, 0xE2].contains(byte)
    }

    /// Quotes `parts` joined by line breaks as one JSON string.
    static func quote(_ parts: [String], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for (n, part) in parts.enumerated() {
            if n > 0 { out.append(contentsOf: #"\n"#.utf8) }
            var part = part
            part.withUTF8 { bytes in
                out.reserveCapacity(out.count + bytes.count + 16)
                let plain = JSONBytes.plain
                var i = 0
                while i < bytes.count {
                    // Copy the run of bytes that need no escape at once.
                    var j = i
                    while j < bytes.count && plain[Int(bytes[j])] { j += 1 }
                    if j > i {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<j]))
                        i = j
                        if i == bytes.count { break }
                    }
                    let byte = bytes[i]
                    switch byte {
                    case 0x22: out.append(contentsOf: #"\""#.utf8)
                    case 0x5C: out.append(contentsOf: #"\\"#.utf8)
                    case 0x0A: out.append(contentsOf: #"\n"#.utf8)
                    case 0x0D: out.append(contentsOf: #"\r"#.utf8)
                    case 0x09: out.append(contentsOf: #"\t"#.utf8)
                    case 0x3C: out.append(contentsOf: #"\u003c"#.utf8)
                    case 0x3E: out.append(contentsOf: #"\u003e"#.utf8)
                    case 0x26: out.append(contentsOf: #"\u0026"#.utf8)
                    case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                        out.append(contentsOf: (bytes[i + 2] == 0xA8 ? #"\u2028"# : #"\u2029"#).utf8)
                        i += 2
                    case ..<0x20:
                        let hex = Array("0123456789abcdef".utf8)
                        out.append(contentsOf: #"\u00"#.utf8)
                        out.append(hex[Int(byte >> 4)])
                        out.append(hex[Int(byte & 15)])
                    default:
                        out.append(byte)
                    }
                    i += 1
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
