import Foundation
import Testing

@testable import Roster

/// The search term cache lets a build index unchanged documents without their bodies; whatever it reuses, the
/// index must be the one a build from the documents themselves gives.
@Suite("Search: the term cache")
struct SearchTermCacheTests {
    /// Site and synthetic documents: terms in most documents (stored a byte per document) and in few.
    static let documents: [SearchDocument] = SearchBuilderTests.siteDocuments + SearchBuilderTests.syntheticDocuments().map {
        var document = $0
        document.kind = .industry
        return document
    }

    /// Two new folder paths: one to build into again and again, one for builds from nothing.
    private static func folders() -> (root: String, fresh: String) {
        let root = NSTemporaryDirectory() + "roster-term-cache-" + UUID().uuidString
        return (root, root + "-fresh")
    }

    private static func remove(_ paths: String...) {
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Every file under `root`, by path.
    private func files(_ root: String) throws -> [String: Data] { try fileTree(root) }

    /// Builds `documents` into a folder at `root` that holds the generation `previous` describes, reusing what
    /// `cache` has for the documents `reuse` says, with fingerprints from `print`.
    private func build(_ documents: [SearchDocument], root: String, previous: OutputManifest?, cache: SearchTermCache?,
                       published: (path: String, manifest: OutputManifest)? = nil,
                       print: @Sendable (SearchDocument) -> UInt64, reuse: @Sendable (SearchDocument) -> Bool = { _ in true })
        -> (files: SearchIndex.Files, cache: [UInt8]?, reused: Int, manifest: OutputManifest, patched: Bool) {
        let folder = OutputFolder(path: root, previous: previous, published: published)
        let builder = SearchIndexBuilder(order: documents.map(\.key), industries: [("a", "甲")], output: .folder(folder),
                                         cache: cache)
        _ = documents.concurrentMap { document in
            if !(reuse(document) && builder.reuse(document.key, fingerprint: print(document))) {
                builder.add(document, fingerprint: print(document))
            }
            return 0
        }
        let files = builder.finish()
        return (files, builder.cacheFile(), builder.reusedCount, folder.finish(), builder.patched)
    }

    @Sendable private static func fingerprint(_ document: SearchDocument) -> UInt64 {
        var hash = SearchHash()
        hash.add(document.resultFile)
        for field in SearchField.allCases { for text in document.fields[field] ?? [] { hash.add(Array(text.utf8)) } }
        return hash.value | 1
    }

    @Test("a document's terms are sorted by number, keeping the order of equal numbers, whatever their size")
    func radixSortSorts() {
        var generator = SeededGenerator(state: 7)
        for bits in [0, 8, 12, 16, 20, 24, 40, 56] {
            for count in [0, 1, 2, 300, 5_000] {
                let entries = (0..<count).map { _ in
                    UInt64.random(in: 0...(bits == 0 ? 0 : (1 << UInt64(bits)) - 1), using: &generator) << 8 | UInt64.random(in: 1...7, using: &generator)
                }
                var sorted = entries, scratch: [UInt64] = []
                SearchTermCache.radixSort(&sorted, scratch: &scratch)
                let expected = entries.enumerated().sorted { ($0.element >> 8, $0.offset) < ($1.element >> 8, $1.offset) }.map { $0.element }
                #expect(sorted == expected, "\(bits) bits, \(count) entries")
            }
        }
    }

    @Test("documents reused from the cache, some edited, some gone: the same files as a build from the documents")
    func reuseGivesTheSameIndex() throws {
        let (root, fresh) = Self.folders()
        defer { Self.remove(root, fresh) }
        let first = build(Self.documents, root: root, previous: nil, cache: nil, print: Self.fingerprint)
        let cache = try #require(first.cache.flatMap(SearchTermCache.init(bytes:)))
        #expect(first.reused == 0 && cache.documents.count == Self.documents.count)

        // Every seventh document's text edited: those are indexed from their text, the others from the cache.
        var edited = Self.documents
        for n in stride(from: 0, to: edited.count, by: 7) { edited[n].fields[.summary, default: []].append("第\(n)次修订 revised\(n)") }
        let second = build(edited, root: root, previous: first.manifest, cache: cache, print: Self.fingerprint)
        #expect(second.reused == Self.documents.count - (Self.documents.count + 6) / 7)
        let reference = build(edited, root: fresh, previous: nil, cache: nil, print: Self.fingerprint)
        #expect(second.files.manifest == reference.files.manifest)
        #expect(try files(root) == files(fresh))

        // A document removed renumbers the ones after it: their result files are elsewhere, so they are read again.
        var fewer = edited
        fewer.remove(at: 3)
        let third = build(fewer, root: root, previous: second.manifest,
                          cache: try #require(second.cache.flatMap(SearchTermCache.init(bytes:))), print: Self.fingerprint)
        try FileManager.default.removeItem(atPath: fresh)
        let reference3 = build(fewer, root: fresh, previous: nil, cache: nil, print: Self.fingerprint)
        #expect(third.files.manifest == reference3.files.manifest && third.files.shards == reference3.files.shards)
        #expect(try files(root) == files(fresh))
    }

    @Test("random edits, one build after another: the index patched from the last one is the index made whole")
    func patchGivesTheSameIndex() throws {
        let (root, fresh) = Self.folders()
        defer { Self.remove(root, fresh) }
        var documents = Self.documents
        var last = build(documents, root: root, previous: nil, cache: nil, print: Self.fingerprint)
        #expect(!last.patched)
        var generator = SeededGenerator(state: 11)
        var patched = 0
        for round in 0..<14 {
            // One to three documents edited: a sentence added (new terms among them), text cut (terms gone from the
            // index), a title given a word, a document emptied, the same text moved to another field.
            for _ in 0...(round % 3) {
                let n = Int(generator.next() % UInt64(documents.count))
                switch (round + n) % 5 {
                case 0: documents[n].fields[.body, default: []].append(randomText(&generator, pieces: 6) + "补\(round)")
                case 1: documents[n].fields[.body] = documents[n].fields[.body].map { $0.map { String($0.prefix($0.count / 3)) } }
                case 2: documents[n].fields[.title, default: []].append("标题\(round) word\(round)")
                case 3: documents[n].fields = [.title: [documents[n].title]]
                default: documents[n].fields[.related, default: []] += documents[n].fields[.summary] ?? ["相关\(round)"]
                }
            }
            let cache = try #require(last.cache.flatMap(SearchTermCache.init(bytes:)), "round \(round)")
            let next = build(documents, root: root, previous: last.manifest, cache: cache, print: Self.fingerprint)
            try? FileManager.default.removeItem(atPath: fresh)
            let reference = build(documents, root: fresh, previous: nil, cache: nil, print: Self.fingerprint)
            let sameManifest = next.files.manifest == reference.files.manifest
            #expect(sameManifest, "round \(round)")
            #expect(try files(root) == files(fresh), "round \(round)")
            if next.patched {
                patched += 1
                // Only the shards holding changed terms (and those cut again after them) were made.
                #expect(next.files.shards.count < reference.files.shards.count, "round \(round)")
            }
            last = next
        }
        // Most rounds keep the seven common field sets, and so are patched.
        #expect(patched >= 10, "patched \(patched) of 14")
    }

    @Test("an edit that changes the common field sets, or a shard that no longer matches its name: made whole")
    func patchRefused() throws {
        let (root, fresh) = Self.folders()
        defer { Self.remove(root, fresh) }
        var documents = Self.documents
        let first = build(documents, root: root, previous: nil, cache: nil, print: Self.fingerprint)
        let cache = try #require(first.cache.flatMap(SearchTermCache.init(bytes:)))
        let index = try #require(cache.index)
        // The published site's first shard damaged, then a document edited whose terms it holds: building into a
        // new folder, the shard is read from the published site, found not to match its name, and the index is made
        // whole.
        let shardPath = root + "/search/t/\(index.shardNames[0]).bin"
        var bytes = try #require(FileSystem.read(shardPath))
        bytes[bytes.count - 1] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: shardPath))
        documents[0].fields[.body, default: []].append(index.firstTerms[0] + "新增")
        let next = root + "-next"
        defer { try? FileManager.default.removeItem(atPath: next) }
        let damaged = build(documents, root: next, previous: nil, cache: cache, published: (root, first.manifest),
                            print: Self.fingerprint)
        #expect(!damaged.patched && damaged.reused > 0)
        let reference = build(documents, root: fresh, previous: nil, cache: nil, print: Self.fingerprint)
        #expect(damaged.files.manifest == reference.files.manifest)
        #expect(try files(next) == files(fresh))
        // The same with the shard whole again: patched.
        bytes[bytes.count - 1] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: shardPath))
        try FileManager.default.removeItem(atPath: next)
        let whole = build(documents, root: next, previous: nil, cache: cache, published: (root, first.manifest),
                          print: Self.fingerprint)
        #expect(whole.patched)
        #expect(whole.files.manifest == reference.files.manifest)

        // Every document given a field set no posting had: the seven common field sets change.
        let cache2 = try #require(damaged.cache.flatMap(SearchTermCache.init(bytes:)))
        for n in documents.indices { documents[n].fields[.keywords, default: []].append(documents[n].fields[.body]?.first ?? "词") }
        let moved = build(documents, root: next, previous: whole.manifest, cache: cache2, print: Self.fingerprint)
        #expect(!moved.patched)
        try FileManager.default.removeItem(atPath: fresh)
        let reference2 = build(documents, root: fresh, previous: nil, cache: nil, print: Self.fingerprint)
        #expect(moved.files.manifest == reference2.files.manifest)
        #expect(try files(next) == files(fresh))
    }

    @Test("terms sort by number a byte at a time as the standard sort does")
    func radixSort() {
        var generator = SystemRandomNumberGenerator()
        var scratch: [UInt64] = []
        for size in [0, 1, 2, 7, 600, 5000] {
            for width in [1, 9, 17, 30] {
                // Distinct numbers, as a document's terms are, each with field bits below.
                let numbers = Set((0..<size).map { _ in UInt64.random(in: 0..<(1 << UInt64(width)), using: &generator) })
                var entries = numbers.map { $0 << 8 | UInt64.random(in: 1...31, using: &generator) }
                let expected = entries.sorted()
                SearchTermCache.radixSort(&entries, scratch: &scratch)
                #expect(entries == expected, "\(size) numbers of \(width) bits")
            }
        }
    }

    @Test("a cache is used only whole: a changed byte, a cut or a term listed twice and nothing is reused")
    func damagedCache() throws {
        let root = NSTemporaryDirectory() + "roster-term-cache-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let documents = Array(Self.documents.prefix(40))
        let first = build(documents, root: root, previous: nil, cache: nil, print: Self.fingerprint)
        let bytes = try #require(first.cache)
        #expect(SearchTermCache(bytes: bytes) != nil)
        for position in [0, 30, bytes.count / 2, bytes.count - 9, bytes.count - 1] {
            var damaged = bytes
            damaged[position] ^= 0x40
            #expect(SearchTermCache(bytes: damaged) == nil, "byte \(position)")
        }
        #expect(SearchTermCache(bytes: Array(bytes.dropLast(100))) == nil)
        #expect(SearchTermCache(bytes: []) == nil)

        // Whole, but holding what no build writes: a Han key of 0 or with the word bit, a word empty or not UTF-8.
        for terms: [SearchTermCache.Term] in [[.han(0)], [.han(1 << 63 | 5)], [.word([])], [.word([0xFF, 0xFE])]] {
            #expect(SearchTermCache(bytes: SearchTermCache.serialize([], terms: terms, previous: nil)) == nil, "\(terms)")
        }
        // A document's terms with one number twice, or field bits past the five fields, are not read back.
        var scratch: [UInt64] = []
        for var entries: [UInt64] in [[1 << 8 | 1, 1 << 8 | 2], [1 << 8 | 32], [0 << 8 | 3, 1 << 8 | 1]] {
            let record = SearchTermCache.Record(key: "case/x", fingerprint: 1, hash: 1,
                                                facets: SearchIndex.Facets(kind: 0, industries: 0, types: 0),
                                                terms: .encoded(SearchTermCache.encode(&entries, scratch: &scratch)))
            let cache = try #require(SearchTermCache(bytes: SearchTermCache.serialize([record], terms: [.han(0x4E2D), .han(0x6587)],
                                                                                      previous: nil)))
            let document = try #require(cache.documents["case/x"])
            #expect((cache.entries(of: document) != nil) == (entries == [0 << 8 | 3, 1 << 8 | 1]), "\(entries)")
        }

        // Well formed, but a term twice: the numbering would not hold, so the builder does not use it.
        let twice = SearchTermCache.serialize([], terms: [.han(0x4E2D), .word(Array("mes".utf8)), .han(0x4E2D)], previous: nil)
        let cache = try #require(SearchTermCache(bytes: twice))
        let second = build(documents, root: root, previous: first.manifest, cache: cache, print: Self.fingerprint)
        #expect(second.reused == 0)
    }

    @Test("when a quarter of the cached terms are in no document any more, no cache is written")
    func staleTerms() throws {
        let root = NSTemporaryDirectory() + "roster-term-cache-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let synthetic = SearchBuilderTests.syntheticDocuments()
        let first = build(synthetic, root: root, previous: nil, cache: nil, print: Self.fingerprint)
        let cache = try #require(first.cache.flatMap(SearchTermCache.init(bytes:)))
        // The long documents hold most terms; cut short, most cached terms are in no document.
        let short = synthetic.map { document in
            var document = document
            if document.kind == .notice { document.fields = [.body: ["短"]] }
            return document
        }
        let second = build(short, root: root, previous: first.manifest, cache: cache, print: Self.fingerprint)
        #expect(second.reused > 0)
        #expect(second.cache == nil)
    }
}
