import Foundation

/// What the last build learned of each Markdown content file, so the next build can load an unchanged file
/// without reading it.
///
/// Loading read every byte of every file and passed over each body five times (UTF-8, hidden characters,
/// placeholders, limits, links): most of a rebuild's loading, for bodies that had not changed. For each body the
/// last build read again from its file (see ``MarkdownBody``) this keeps the file's stamp (path, size, inode,
/// modification time: what page fingerprints trust too), where the body starts, its length, the hash of its bytes,
/// its first line, its links and its front matter as parsed (``ContentValue/encode(into:)``). A file with the same
/// stamp and status-change time is not read at all: its front matter is decoded from here (reading and parsing
/// 22,200 front matters was most of a rebuild's loading) and its body described from here, to be read when its
/// page is made; anything else is read whole. Facts written by another `roster` program are not used.
/// The file is written after a build that published, when every body had passed every check; one that does not
/// read back whole (sealed, see ``ByteWriter``) is not used.
///
/// Layout: the magic line, the program's stamp, when the content was read; per file its path, stamp, offset, length, hash, first line,
/// status-change time, links (each its URL, line and whether an image) and front matter (length-prefixed), numbers
/// as LEB128 varints, hashes and times as 8 bytes little-endian; then the seal.
struct BodyFacts: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var stamp: UInt64
        var offset: Int
        var length: Int
        var hash: UInt64
        var firstLine: Int
        var links: [Markdown.Link]
        /// The file's status-change time (ns): an edit that set the modification time back still changes it.
        var changed: Int64
        /// The front matter as parsed, encoded; empty when unknown (the file is then read up to its body).
        var frontMatter: [UInt8] = []

        /// Whether the file whose `stat` is `info` and whose ``FileStamp`` is `stamp` is still the one described:
        /// same stamp, same size and the same status-change time.
        func describes(_ info: stat, stamp: UInt64) -> Bool {
            length > 0 && Int(info.st_size) == offset + length && stamp == self.stamp && BodyFacts.changeTime(info) == changed
        }

        /// The body as described, in the file at `path`, to be read when its page is made.
        func body(in path: String, frontMatter: [UInt8]) -> MarkdownBody {
            MarkdownBody(file: BodyFile(path: path, offset: offset, length: length, hash: hash, changed: changed,
                                        frontMatter: frontMatter),
                         firstLine: firstLine, links: links)
        }
    }

    /// Content path (`Content/cases/x.md`) → what its body was.
    var entries: [String: Entry] = [:]
    /// When the build that learned these facts began reading the content (wall clock, ns).
    var readSince: Int64 = 0

    static let magic = Array("roster body facts 5\n".utf8)

    /// A file whose status changed this little before the content was read is "racily clean", as git says: an
    /// edit in the same tick of the file system's clock, after the read, would leave its times as they were. Its
    /// front matter is not kept for the next build, which reads the file again (its body is checked by its hash).
    static let racyMargin: Int64 = 1_000_000_000

    /// The wall clock in nanoseconds, as file times are given.
    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// Facts are only as good as the checks that made them: those of another `roster` program are not used.
    static let program = PageFingerprints.programStamp

    /// `st_ctim` in nanoseconds.
    static func changeTime(_ info: stat) -> Int64 {
        Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
    }

    /// Bounds a checksummed but ill-formed file could break (sums that overflow): a body lies within a content file.
    private static let largestLine = 10_000_000

    /// The facts of every body in `site` that is read again from its file (those were checked whole); the content
    /// was read from `readSince` on.
    init(site: Site, readSince: Int64) {
        self.readSince = readSince
        func add(_ body: MarkdownBody, _ source: EntrySource) {
            guard let file = body.file, let links = body.links, body.withinLimits, source.stamp != 0 else { return }
            let racy = file.changed >= readSince - Self.racyMargin
            entries[source.location.file] = Entry(stamp: source.stamp, offset: file.offset, length: file.length, hash: file.hash,
                                                  firstLine: body.firstLine, links: links, changed: file.changed,
                                                  frontMatter: racy ? [] : file.frontMatter)
        }
        for provider in site.providers { add(provider.body, provider.source) }
        for item in site.cases { add(item.body, item.source) }
        for notice in site.notices { add(notice.body, notice.source) }
    }

    init(entries: [String: Entry] = [:], readSince: Int64 = 0) {
        self.entries = entries
        self.readSince = readSince
    }

    /// The facts in the file at `path`, or nil when there is none or it does not read back whole.
    static func read(_ path: String) -> BodyFacts? {
        FileSystem.read(path).flatMap { parse($0) }
    }

    /// The file's bytes; `program` is the stamp of the `roster` program writing it.
    func serialized(program: UInt64 = BodyFacts.program) -> [UInt8] {
        var out = Self.magic
        out.reserveCapacity(entries.count * 600)
        ByteWriter.fixed(program, into: &out)
        ByteWriter.fixed(UInt64(bitPattern: readSince), into: &out)
        SearchIndex.putVarint(entries.count, into: &out)
        for (path, entry) in entries {
            ByteWriter.lengthPrefixed(path.utf8, into: &out)
            ByteWriter.fixed(entry.stamp, into: &out)
            SearchIndex.putVarint(entry.offset, into: &out)
            SearchIndex.putVarint(entry.length, into: &out)
            ByteWriter.fixed(entry.hash, into: &out)
            SearchIndex.putVarint(entry.firstLine, into: &out)
            ByteWriter.fixed(UInt64(bitPattern: entry.changed), into: &out)
            SearchIndex.putVarint(entry.links.count, into: &out)
            for link in entry.links {
                ByteWriter.lengthPrefixed(link.url.utf8, into: &out)
                SearchIndex.putVarint(link.line, into: &out)
                out.append(link.isImage ? 1 : 0)
            }
            ByteWriter.lengthPrefixed(entry.frontMatter, into: &out)
        }
        ByteWriter.seal(&out)
        return out
    }

    /// The facts in `bytes`, if `program` wrote them and they read back whole.
    static func parse(_ bytes: [UInt8], program: UInt64 = BodyFacts.program) -> BodyFacts? {
        guard let end = ByteReader.sealedEnd(of: bytes), end >= magic.count, bytes.starts(with: magic) else { return nil }
        var reader = ByteReader(bytes, from: magic.count, to: end)
        guard reader.fixed() == program, let readSince = reader.fixed(), let count = reader.varint(), count <= end else { return nil }
        var facts = BodyFacts(readSince: Int64(bitPattern: readSince))
        facts.entries.reserveCapacity(count)
        for _ in 0..<count {
            guard let path = reader.text(), let stamp = reader.fixed(), let offset = reader.varint(), let length = reader.varint(),
                  offset <= ContentLimits.maxFileBytes, length <= ContentLimits.maxFileBytes,
                  let hash = reader.fixed(), let firstLine = reader.varint(), firstLine <= largestLine,
                  let changed = reader.fixed(), let linkCount = reader.varint(), linkCount <= end else { return nil }
            var links: [Markdown.Link] = []
            for _ in 0..<linkCount {
                guard let url = reader.text(), let line = reader.varint(), line <= largestLine, let image = reader.take(1)?.first,
                      image <= 1 else { return nil }
                links.append(Markdown.Link(url: url, line: line, isImage: image == 1))
            }
            guard let frontMatterLength = reader.varint(), let frontMatter = reader.take(frontMatterLength) else { return nil }
            facts.entries[path] = Entry(stamp: stamp, offset: offset, length: length, hash: hash, firstLine: firstLine, links: links,
                                        changed: Int64(bitPattern: changed), frontMatter: Array(frontMatter))
        }
        return reader.atEnd ? facts : nil
    }

}
