import Foundation

/// What the last build learned of each content file's Markdown body, so the next build can load an unchanged file
/// by reading its front matter alone.
///
/// Loading read every byte of every file and passed over each body five times (UTF-8, hidden characters,
/// placeholders, limits, links): most of a rebuild's loading, for bodies that had not changed. For each body the
/// last build read again from its file (see ``MarkdownBody``) this keeps the file's stamp (path, size, inode,
/// modification time: what page fingerprints trust too), where the body starts, its length, the hash of its bytes,
/// its first line and its links. A file with the same stamp is read up to the body and the body is taken from
/// here; anything else is read whole. The file is written after a build that published, when every body had
/// passed every check; one that does not read back whole (checksummed) is not used.
///
/// Layout: the magic line; per file its path, stamp, offset, length, hash, first line and links (each its URL,
/// line and whether an image), numbers as LEB128 varints and 8-byte hashes little-endian; then a hash of all that.
struct BodyFacts: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var stamp: UInt64
        var offset: Int
        var length: Int
        var hash: UInt64
        var firstLine: Int
        var links: [Markdown.Link]
    }

    /// Content path (`Content/cases/x.md`) → what its body was.
    var entries: [String: Entry] = [:]

    static let magic = Array("roster body facts 1\n".utf8)

    /// The facts of every body in `site` that is read again from its file (those were checked whole).
    init(site: Site) {
        func add(_ body: MarkdownBody, _ source: EntrySource) {
            guard let file = body.file, let links = body.links, body.withinLimits, source.stamp != 0 else { return }
            entries[source.location.file] = Entry(stamp: source.stamp, offset: file.offset, length: file.length, hash: file.hash,
                                                  firstLine: body.firstLine, links: links)
        }
        for provider in site.providers { add(provider.body, provider.source) }
        for item in site.cases { add(item.body, item.source) }
        for notice in site.notices { add(notice.body, notice.source) }
    }

    init(entries: [String: Entry] = [:]) { self.entries = entries }

    /// The facts in the file at `path`, or nil when there is none or it does not read back whole.
    static func read(_ path: String) -> BodyFacts? {
        FileSystem.read(path).flatMap(parse)
    }

    func serialized() -> [UInt8] {
        var out = Self.magic
        out.reserveCapacity(entries.count * 80)
        SearchIndex.putVarint(entries.count, into: &out)
        for (path, entry) in entries {
            Self.put(path, into: &out)
            Self.put64(entry.stamp, into: &out)
            SearchIndex.putVarint(entry.offset, into: &out)
            SearchIndex.putVarint(entry.length, into: &out)
            Self.put64(entry.hash, into: &out)
            SearchIndex.putVarint(entry.firstLine, into: &out)
            SearchIndex.putVarint(entry.links.count, into: &out)
            for link in entry.links {
                Self.put(link.url, into: &out)
                SearchIndex.putVarint(link.line, into: &out)
                out.append(link.isImage ? 1 : 0)
            }
        }
        let checksum = out.withUnsafeBytes { ContentHash.fast($0) }
        Self.put64(checksum, into: &out)
        return out
    }

    static func parse(_ bytes: [UInt8]) -> BodyFacts? {
        guard bytes.count >= magic.count + 8, bytes.starts(with: magic) else { return nil }
        let end = bytes.count - 8
        var reader = ByteReader(bytes, from: end, to: bytes.count)
        guard let stored = reader.fixed(),
              bytes.withUnsafeBytes({ ContentHash.fast(UnsafeRawBufferPointer(rebasing: $0[..<end])) }) == stored else { return nil }
        reader = ByteReader(bytes, from: magic.count, to: end)
        func text() -> String? {
            guard let count = reader.varint(), let slice = reader.take(count) else { return nil }
            return String(validating: slice, as: UTF8.self)
        }
        guard let count = reader.varint(), count <= end else { return nil }
        var facts = BodyFacts()
        facts.entries.reserveCapacity(count)
        for _ in 0..<count {
            guard let path = text(), let stamp = reader.fixed(), let offset = reader.varint(), let length = reader.varint(),
                  let hash = reader.fixed(), let firstLine = reader.varint(), let linkCount = reader.varint(),
                  linkCount <= end else { return nil }
            var links: [Markdown.Link] = []
            for _ in 0..<linkCount {
                guard let url = text(), let line = reader.varint(), let image = reader.take(1)?.first, image <= 1 else { return nil }
                links.append(Markdown.Link(url: url, line: line, isImage: image == 1))
            }
            facts.entries[path] = Entry(stamp: stamp, offset: offset, length: length, hash: hash, firstLine: firstLine, links: links)
        }
        return reader.atEnd ? facts : nil
    }

    private static func put(_ text: String, into out: inout [UInt8]) {
        SearchIndex.putVarint(text.utf8.count, into: &out)
        out += text.utf8
    }

    private static func put64(_ value: UInt64, into out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }
}
