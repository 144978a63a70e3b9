/// Where an entry came from: its file, its first line, and where each of its fields is written.
public struct EntrySource: Sendable {
    public var location: SourceLocation
    public var fields: [String: SourceLocation]
    /// Identifies the file as it was read (path, size, inode, modification time): pages made from this entry are
    /// made again only when a stamp they depend on changes (see ``PageFingerprints``). 0 when unknown.
    public var stamp: UInt64 = 0

    public init(location: SourceLocation, fields: [String: SourceLocation] = [:]) {
        self.location = location
        self.fields = fields
    }

    /// Where `key` is written, or the entry's start when it is absent.
    public func location(of key: String) -> SourceLocation { fields[key] ?? location }
}

/// A Markdown body and the line it starts on, so rules can point into it.
public struct MarkdownBody: Sendable {
    public var text: String
    public var firstLine: Int

    public init(text: String, firstLine: Int) {
        self.text = text
        self.firstLine = firstLine
    }

    public static let empty = MarkdownBody(text: "", firstLine: 1)
}

/// An entry read from a content file, which carries where it came from.
protocol SourcedEntry: Sendable {
    var source: EntrySource { get set }
}

extension Provider: SourcedEntry {}
extension Case: SourcedEntry {}
extension Notice: SourcedEntry {}
