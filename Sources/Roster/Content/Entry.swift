/// Where an entry came from: its file, its first line, and where each of its fields is written.
public struct EntrySource: Sendable {
    public var location: SourceLocation
    /// Where each field is written, in the file of `location`: a list, as an entry has a few dozen fields at most
    /// and building a dictionary for each of tens of thousands of entries was a measurable part of loading.
    private var fieldPositions: [(key: String, line: Int, column: Int)]
    /// Identifies the file as it was read (path, size, inode, modification time): pages made from this entry are
    /// made again only when a stamp they depend on changes (see ``PageFingerprints``). 0 when unknown.
    public var stamp: UInt64 = 0

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
public struct MarkdownBody: Sendable {
    public var text: String { didSet { withinLimits = false } }
    public var firstLine: Int
    /// Whether `text` was measured against ``MarkdownLimits`` and found within them: the loader measures every
    /// body, so finding its links and rendering it need not measure it again. Changing `text` clears it.
    var withinLimits = false

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
