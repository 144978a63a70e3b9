import Foundation

/// Where an entry came from: its file, its first line, and where each of its fields is written.
public struct EntrySource: Sendable {
    public var location: SourceLocation
    /// Where each field is written, in the file of `location`: a list, as an entry has a few dozen fields at most
    /// and building a dictionary for each of tens of thousands of entries was a measurable part of loading.
    private var fieldPositions: [(key: String, line: Int, column: Int)]
    /// Identifies the file as it was read (path, size, inode, modification time): pages made from this entry are
    /// made again only when a stamp they depend on changes (see ``PageFingerprints``). 0 when unknown.
    public var stamp: UInt64 = 0
    /// Identifies what the file says outside its body (its path and its front matter as parsed), when known; 0
    /// otherwise. Only the entry's own page and the search index show a body: the pages that list or cite the entry
    /// depend on this instead (``listedStamp``), so an edit to a body alone does not make them again.
    var frontMatterStamp: UInt64 = 0

    /// What pages that show the entry but not its body depend on: ``frontMatterStamp`` when known, else ``stamp``.
    var listedStamp: UInt64 { frontMatterStamp != 0 ? frontMatterStamp : stamp }

    /// The front matter stamp of the Markdown file at `path` (relative) whose front matter, as parsed and encoded
    /// (``ContentValue/encode(into:)``), is `frontMatter`; 0 when it is unknown (empty).
    static func frontMatterStamp(path: String, frontMatter: [UInt8]) -> UInt64 {
        guard !frontMatter.isEmpty else { return 0 }
        var mix = PageFingerprints.Mix()
        mix.add(path)
        mix.add(frontMatter.withUnsafeBytes { ContentHash.fast($0) })
        return mix.value | 1
    }

    public init(location: SourceLocation, fields: [String: SourceLocation] = [:]) {
        self.location = location
        fieldPositions = fields.map { ($0.key, $0.value.line, $0.value.column) }
    }

    /// `fields` given as positions in the entry's own file.
    init(location: SourceLocation, fieldPositions: [(key: String, line: Int, column: Int)]) {
        self.location = location
        self.fieldPositions = fieldPositions
    }

    /// Where each field is written.
    public var fields: [String: SourceLocation] {
        Dictionary(fieldPositions.map { ($0.key, SourceLocation(file: location.file, line: $0.line, column: $0.column)) },
                   uniquingKeysWith: { first, _ in first })
    }

    /// Where `key` is written, or the entry's start when it is absent.
    public func location(of key: String) -> SourceLocation {
        guard let field = fieldPositions.first(where: { ContentObject.sameKey(key, $0.key) }) else { return location }
        return SourceLocation(file: location.file, line: field.line, column: field.column)
    }
}

/// A Markdown body and the line it starts on, so rules can point into it.
///
/// A body loaded from a file is not held in memory: the loader finds its links (what the rules need of it),
/// then keeps only where it is in its file and a hash of its bytes, and the page that shows it reads it again
/// (``loaded()``). Memory then grows with the number of entries, not with the length of their bodies: at
/// 200,000 cases the bodies were 589 MB held from loading to rendering. A body that changed on disk in between
/// is refused rather than shown unchecked.
public struct MarkdownBody: Sendable {
    enum Storage: Sendable {
        case held(String)
        case file(BodyFile)
    }

    private var storage: Storage
    public var firstLine: Int
    /// Whether the text was measured against ``MarkdownLimits`` and found within them: the loader measures every
    /// body, so finding its links and rendering it need not measure it again. Changing `text` clears it.
    var withinLimits = false
    /// The link and image targets, found when the body was loaded (see ``Markdown/links(in:)-(MarkdownBody)``).
    var links: [Markdown.Link]?

    public init(text: String, firstLine: Int) {
        storage = .held(text)
        self.firstLine = firstLine
    }

    public static let empty = MarkdownBody(text: "", firstLine: 1)

    /// The Markdown; read again from its file when it is not held ("" if the file no longer holds it).
    public var text: String {
        get {
            switch storage {
            case .held(let text): return text
            case .file(let file): return file.read() ?? ""
            }
        }
        set {
            storage = .held(newValue)
            withinLimits = false
            links = nil
        }
    }

    /// A body known from the last build (see ``BodyFacts``): read from `file` when its page is made.
    init(file: BodyFile, firstLine: Int, links: [Markdown.Link]) {
        storage = .file(file)
        self.firstLine = firstLine
        self.links = links
        withinLimits = true
    }

    /// Where the body is in its file, when it is not held.
    var file: BodyFile? {
        if case .file(let file) = storage { return file }
        return nil
    }

    /// Whether the text is held in memory rather than read again from its file.
    var isHeld: Bool {
        if case .held = storage { return true }
        return false
    }

    /// The body with its text in memory, read again from its file if need be; nil when the file no longer holds
    /// the bytes that were loaded and checked.
    func loaded() -> MarkdownBody? {
        guard case .file(let file) = storage else { return self }
        guard let text = file.read() else { return nil }
        var body = self
        body.storage = .held(text)
        return body
    }

    /// Calls `body` with the text's UTF-8 bytes, read again from its file when it is not held (without making a
    /// string of them); nil when the file no longer holds the bytes that were loaded and checked.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        switch storage {
        case .held(var text): return text.withUTF8(body)
        case .file(let file): return file.readBytes()?.withUnsafeBufferPointer(body)
        }
    }

    /// Lets the text go, to be read again from `path` at `offset` when needed: only when `bytes` (the whole file
    /// as loaded) end with exactly the body's bytes, which is the case unless the body was normalised when decoded
    /// (CRLF line ends), and then the text stays held. `changed` is the file's status-change time as read.
    mutating func release(path: String, fileBytes bytes: [UInt8], changed: Int64, frontMatter: [UInt8] = []) {
        guard case .held(var text) = storage, !text.isEmpty else { return }
        let file: BodyFile? = text.withUTF8 { body in
            guard body.count <= bytes.count else { return nil }
            let offset = bytes.count - body.count
            let matches = bytes.withUnsafeBytes { whole in
                memcmp(whole.baseAddress! + offset, body.baseAddress!, body.count) == 0
            }
            guard matches else { return nil }
            return BodyFile(path: path, offset: offset, length: body.count, hash: ContentHash.fast(UnsafeRawBufferPointer(body)),
                            changed: changed, frontMatter: frontMatter)
        }
        if let file { storage = .file(file) }
    }
}

/// Where a body is in its content file, and a hash of its bytes to tell they are still the ones loaded.
///
/// The hash tells an accident (a file saved again mid-build, a tool that kept its time) from the bytes checked; it
/// is not meant to stop someone who can write files on the build machine, who could as well write `Site/`.
struct BodyFile: Sendable {
    var path: String
    var offset: Int
    var length: Int
    var hash: UInt64
    /// The file's status-change time (ns) when it was read: unlike the modification time, no one can set it back.
    var changed: Int64
    /// The file's front matter as the loader parsed it (``ContentValue/encode(into:)``), kept for the body facts,
    /// so the next build need not read an unchanged file at all; empty when unknown.
    var frontMatter: [UInt8] = []

    /// The body's text, or nil if the file cannot be read or no longer holds the same bytes there.
    func read() -> String? {
        readBytes().map { String(decoding: $0, as: UTF8.self) }
    }

    /// The body's bytes, or nil if the file cannot be read or no longer holds the same bytes there.
    func readBytes() -> [UInt8]? {
        guard length > 0 else { return [] }
        // Content files are never symbolic links (the loader refuses them); one put in their place since is not
        // followed (a folder on the path swapped for a link would be: the hash then refuses what it leads to).
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            var done = 0
            while done < length {
                let read = pread(fd, buffer.baseAddress! + done, length - done, off_t(offset + done))
                if read < 0 && errno == EINTR { continue }
                guard read > 0 else { break }
                done += read
            }
            count = done
            failed = done != length || ContentHash.fast(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[..<done]))) != hash
        }
        return failed ? nil : bytes
    }
}

/// An entry read from a content file, which carries where it came from.
protocol SourcedEntry: AnyObject, Sendable {
    var id: String { get }
    var source: EntrySource { get }
    var body: MarkdownBody { get }
}

extension Provider: SourcedEntry {}
extension Case: SourcedEntry {}
extension Notice: SourcedEntry {}
