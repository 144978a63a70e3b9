import Foundation

/// The folder a build writes into: a fresh staging folder beside the output, swapped in at the end.
///
/// Writes go only to paths made from validated slugs and theme or media names, always below `path`.
public final class OutputFolder: @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    private var createdDirectories: Set<String> = []
    private(set) var writeErrors: [String] = []

    init(path: String) { self.path = path }

    /// Writes `bytes` to `relative` (e.g. `providers/x/index.html`), counting it under `kind`.
    func write(_ relative: String, _ bytes: some Collection<UInt8>, kind: String) {
        precondition(!relative.hasPrefix("/") && !relative.split(separator: "/").contains(".."), "unsafe output path")
        let full = path.appendingPath(relative)
        let dir = String(full[..<(full.lastIndex(of: "/") ?? full.endIndex)])
        lock.lock()
        let needsDir = createdDirectories.insert(dir).inserted
        counts[kind, default: 0] += 1
        lock.unlock()
        if needsDir { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let ok = Array(bytes).withUnsafeBytes { buffer in
            FileManager.default.createFile(atPath: full, contents: Data(buffer))
        }
        if !ok {
            lock.lock()
            writeErrors.append(relative)
            lock.unlock()
        }
    }

    /// Copies the file at `source` to `relative` without holding it in memory (media may be large).
    func copy(from source: String, to relative: String, kind: String) {
        precondition(!relative.hasPrefix("/") && !relative.split(separator: "/").contains(".."), "unsafe output path")
        let full = path.appendingPath(relative)
        let dir = String(full[..<(full.lastIndex(of: "/") ?? full.endIndex)])
        lock.lock()
        let needsDir = createdDirectories.insert(dir).inserted
        counts[kind, default: 0] += 1
        lock.unlock()
        if needsDir { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        do {
            try FileManager.default.copyItem(atPath: source, toPath: full)
            // copyItem keeps the source's mode; the web server must be able to read every file.
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: full)
        } catch {
            lock.lock()
            writeErrors.append(relative)
            lock.unlock()
        }
    }

    func write(_ relative: String, _ text: String, kind: String) {
        write(relative, Array(text.utf8), kind: kind)
    }

    /// Files written per kind, for the build summary.
    public var writtenByKind: [String: Int] {
        lock.lock()
        defer { lock.unlock() }
        return counts
    }
}
