/// A place in a source file, 1-based, as editors' tools count it (column in Unicode scalars).
public struct SourceLocation: Hashable, Sendable, Comparable {
    /// Path relative to the site root, e.g. `Content/providers/x.md`.
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int = 1, column: Int = 1) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// How bad a finding is: errors stop a build, warnings do not.
public enum Severity: String, Sendable, Comparable, Codable {
    case error, warning

    public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
}

/// One problem found in the content, with where it is and how to fix it.
public struct Finding: Hashable, Sendable {
    public var location: SourceLocation
    public var severity: Severity
    /// Stable English rule id, e.g. `schema.unknown-key` or `provider.case-count`.
    public var rule: String
    /// What is wrong, in Chinese.
    public var message: String
    /// How to fix it, in Chinese.
    public var hint: String
    /// Other places involved (the second file of a clash).
    public var related: [SourceLocation]

    public init(_ severity: Severity, _ rule: String, at location: SourceLocation, _ message: String,
                hint: String = "", related: [SourceLocation] = []) {
        self.location = location
        self.severity = severity
        self.rule = rule
        self.message = message
        self.hint = hint
        self.related = related
    }

    /// The compiler-style one-line form: `path:line:column: error: message [rule]`.
    public var compilerStyle: String {
        var text = "\(location.file):\(location.line):\(location.column): \(severity.rawValue): \(message) [\(rule)]"
        if !hint.isEmpty { text += "\n    提示: \(hint)" }
        for other in related { text += "\n    另见: \(other.file):\(other.line):\(other.column)" }
        return text
    }
}

extension Array where Element == Finding {
    /// Findings in a stable order: by file, line, column, then rule.
    public func sortedForReport() -> [Finding] {
        sorted { ($0.location, $0.rule, $0.message) < ($1.location, $1.rule, $1.message) }
    }

    public var errorCount: Int { lazy.filter { $0.severity == .error }.count }
    public var warningCount: Int { lazy.filter { $0.severity == .warning }.count }
}

/// Collects findings while content is loaded and checked.
public struct FindingList: Sendable {
    public private(set) var all: [Finding] = []
    public init() {}

    public mutating func add(_ finding: Finding) { all.append(finding) }
    public mutating func append(contentsOf findings: [Finding]) { all.append(contentsOf: findings) }

    public mutating func error(_ rule: String, at location: SourceLocation, _ message: String, hint: String = "",
                               related: [SourceLocation] = []) {
        all.append(Finding(.error, rule, at: location, message, hint: hint, related: related))
    }

    public mutating func warning(_ rule: String, at location: SourceLocation, _ message: String, hint: String = "",
                                 related: [SourceLocation] = []) {
        all.append(Finding(.warning, rule, at: location, message, hint: hint, related: related))
    }
}
