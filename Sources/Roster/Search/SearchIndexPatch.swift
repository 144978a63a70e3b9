import Foundation

/// Makes the search index of a rebuild from the previous build's index and the documents that changed, rather
/// than from every document: the shards that hold no changed term are kept as they are, the others are read back,
/// changed and cut again.
///
/// Making the index whole meant posting the terms of every document again (19 million postings at 20,000 cases,
/// most of them from the search term cache) and encoding every shard: 0.4 s of a rebuild after a one-sentence
/// edit, which changes the postings of a few dozen terms. The patch compares each changed document's terms with
/// those the cache holds for it, finds the shards holding the terms whose postings changed by the first terms the
/// cache recorded, and cuts them again from the start of the first with ``SearchIndex/ShardWriter``, which decides
/// each cut from the terms at that place only: once its cut falls where an old one did, what follows is what a
/// whole build would make, and it stops. The result is byte for byte the index a whole build gives
/// (`SearchIndexPatchTests` checks it after random edits).
///
/// It needs the same numbering of documents (the results folder's name), every document in the cache, and the
/// same seven common field sets (the shards' codes depend on them); otherwise the builder makes the index whole.
/// A shard is read from the generation being reused or the published site, and used only if its bytes still
/// hash to its name.
struct SearchIndexPatch {
    private let index: SearchTermCache.IndexState
    private let terms: TermTable
    private let shardBytes: Int
    /// Per term whose postings changed: the documents, and their new field bits (0: no longer in the document).
    private let changes: [UInt32: [(doc: UInt32, fields: UInt8)]]
    private let fieldCounts: [Int]

    /// A patch for the documents of `changed` (number → terms read now, `number << 8 | fields`, sorted), or nil
    /// when the index must be made whole.
    init?(cache: SearchTermCache, index: SearchTermCache.IndexState, order: [SearchDocument.Key], changed: [Int: [UInt64]],
          records: [SearchTermCache.Record?], terms: TermTable, shardBytes: Int) {
        guard index.fieldCounts.count == 32, !records.contains(where: { $0 == nil }) else { return nil }
        var counts = index.fieldCounts
        var changes: [UInt32: [(doc: UInt32, fields: UInt8)]] = [:]
        for (doc, new) in changed {
            guard let document = cache.documents[SearchTermCache.key(order[doc])], let old = cache.entries(of: document)
            else { return nil }
            var i = 0, j = 0
            while i < old.count || j < new.count {
                let before = i < old.count ? old[i] >> 8 : .max, after = j < new.count ? new[j] >> 8 : .max
                let oldFields = i < old.count ? Int(old[i] & 0xFF) : 0, newFields = j < new.count ? Int(new[j] & 0xFF) : 0
                if before == after {
                    if oldFields != newFields {
                        counts[oldFields] -= 1
                        counts[newFields] += 1
                        changes[UInt32(before), default: []].append((UInt32(doc), UInt8(newFields)))
                    }
                    i += 1
                    j += 1
                } else if before < after {
                    counts[oldFields] -= 1
                    changes[UInt32(before), default: []].append((UInt32(doc), 0))
                    i += 1
                } else {
                    counts[newFields] += 1
                    changes[UInt32(after), default: []].append((UInt32(doc), UInt8(newFields)))
                    j += 1
                }
            }
        }
        guard !counts.contains(where: { $0 < 0 }), SearchIndex.commonFieldSets(counts: counts) == index.fieldSets else { return nil }
        self.index = index
        self.terms = terms
        self.shardBytes = shardBytes
        self.changes = changes
        fieldCounts = counts
    }

    /// Writes the patched index into `folder` (the shards made again and the manifest; the others kept) and
    /// returns its files, whose `shards` are those made again, with the index as the next cache records it; nil,
    /// having written nothing, when a shard cannot be read back whole.
    func apply(to folder: OutputFolder, results: String, documentHashes: [UInt64], facets: [SearchIndex.Facets],
               industries: [(id: String, name: String)]) -> (files: SearchIndex.Files, written: SearchTermCache.IndexState)? {
        let count = index.shardNames.count
        let documents = index.documents
        let codes = SearchIndex.codes(index.fieldSets)
        let firsts = index.firstTerms.map { $0.unicodeScalars.map(\.value) }
        guard count > 0 || changes.isEmpty else { return nil }
        // The changed terms in the shards' order, each with the shard whose range holds it.
        let affected = changes.keys.map { (number: $0, term: terms.scalars(of: Int($0))) }
            .sorted { SearchIndex.javaScriptPrecedes($0.term, $1.term) }
        func shard(of term: [UInt32]) -> Int {
            var low = 0, high = count
            while low < high {
                let middle = (low + high) / 2
                if SearchIndex.javaScriptPrecedes(term, firsts[middle]) { high = middle } else { low = middle + 1 }
            }
            return Swift.max(0, low - 1)
        }
        let shardOf = affected.map { shard(of: $0.term) }

        var names: [String] = [], firstTerms: [String] = [], made: [(name: String, bytes: [UInt8])] = []
        var live = index.liveTerms
        var next = 0  // into `affected`
        var s = 0
        while s < count {
            guard next < affected.count, shardOf[next] == s else {
                names.append(index.shardNames[s])
                firstTerms.append(index.firstTerms[s])
                s += 1
                continue
            }
            // Cut again from the start of shard s, through every shard with a changed term, until a cut falls
            // where an old one did.
            var writer = SearchIndex.ShardWriter(shardBytes: shardBytes)
            var previous: [UInt32] = []
            var record: [UInt8] = []
            func emit(_ term: [UInt32], _ list: [UInt32]) {
                writer.append(term: term, after: previous, postings: list, documents: documents, codes: codes, scratch: &record)
                previous = term
            }
            var k = s
            while true {
                let path = "search/t/\(index.shardNames[k]).bin"
                guard let bytes = folder.readEarlier(path),
                      SearchIndex.shardNames([bytes], documents: documents, fieldSets: index.fieldSets) == [index.shardNames[k]],
                      let decoded = SearchIndex.decodeShard(bytes, fieldSets: index.fieldSets, documents: documents)
                else { return nil }
                var d = 0
                while d < decoded.count || (next < affected.count && shardOf[next] == k) {
                    let old = d < decoded.count ? decoded[d].term.unicodeScalars.map(\.value) : nil
                    let change = next < affected.count && shardOf[next] == k ? affected[next] : nil
                    if let change, old == nil || old! == change.term || SearchIndex.javaScriptPrecedes(change.term, old!) {
                        var list = old.map { old in old == change.term ? decoded[d].postings.map(Self.packed) : [] } ?? []
                        let existed = !list.isEmpty
                        if existed { d += 1 }
                        Self.apply(changes[change.number]!, to: &list)
                        if !list.isEmpty { emit(change.term, list) }
                        live += (list.isEmpty ? 0 : 1) - (existed ? 1 : 0)
                        next += 1
                    } else {
                        emit(old!, decoded[d].postings.map(Self.packed))
                        d += 1
                    }
                }
                k += 1
                if k == count || !(next < affected.count && shardOf[next] == k) && writer.closesBeforeNextTerm { break }
            }
            writer.finish()
            let cut = SearchIndex.shardNames(writer.shards, documents: documents, fieldSets: index.fieldSets)
            names += cut
            firstTerms += writer.firstTerms
            made += zip(cut, writer.shards).map { ($0, $1) }
            s = k
        }

        let madeNames = Set(made.map(\.name))
        for name in names where !madeNames.contains(name) {
            guard folder.keep("search/t/\(name).bin", fingerprint: SearchIndex.shardFingerprint(name), kind: "search") else {
                return nil
            }
        }
        let files = SearchIndex.Files(shardNames: names, firstTerms: firstTerms, shards: made.map(\.bytes), results: results, documents: [],
                                      documentHashes: documentHashes, fieldSets: index.fieldSets, facets: facets,
                                      industries: industries)
        for (name, shard) in made {
            folder.write("search/t/\(name).bin", shard, kind: "search", fingerprint: SearchIndex.shardFingerprint(name))
        }
        folder.write("search/index.json", files.manifest, kind: "search")
        let written = SearchTermCache.IndexState(results: results, documents: documents, fieldCounts: fieldCounts,
                                                 fieldSets: index.fieldSets, liveTerms: live, shardNames: names,
                                                 firstTerms: firstTerms)
        return (files, written)
    }

    /// A posting as the builder packs it: `doc << 5 | fields - 1`.
    private static func packed(_ posting: SearchIndex.Posting) -> UInt32 {
        UInt32(posting.doc) << 5 | (UInt32(posting.fields) - 1)
    }

    /// Sets each document's field bits in `list` (packed, by document), removing those set to 0.
    private static func apply(_ changes: [(doc: UInt32, fields: UInt8)], to list: inout [UInt32]) {
        for change in changes {
            var low = 0, high = list.count
            while low < high {
                let middle = (low + high) / 2
                if list[middle] >> 5 < change.doc { low = middle + 1 } else { high = middle }
            }
            let present = low < list.count && list[low] >> 5 == change.doc
            if change.fields == 0 {
                if present { list.remove(at: low) }
            } else {
                let value = change.doc << 5 | (UInt32(change.fields) - 1)
                if present { list[low] = value } else { list.insert(value, at: low) }
            }
        }
    }
}
