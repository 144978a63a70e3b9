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
        prepare(dir, kind: kind)
        if !Self.writeFile(full, bytes) {
            lock.lock()
            writeErrors.append(relative)
            lock.unlock()
        }
    }

    /// Counts a file and makes sure its folder exists before any thread writes into it. The folder is created under
    /// the lock: a thread that found it already claimed must not write before the claiming thread has created it
    /// (the search index's parallel writes into fresh folders failed now and then that way).
    private func prepare(_ dir: String, kind: String) {
        lock.lock()
        defer { lock.unlock() }
        counts[kind, default: 0] += 1
        guard createdDirectories.insert(dir).inserted else { return }
        if mkdir(dir, 0o755) != 0, errno != EEXIST {
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
    }

    /// Writes a whole file with plain POSIX calls: no per-file fsync or temporary copy, since the build is made
    /// atomic by swapping the whole staging folder in, not file by file.
    static func writeFile(_ path: String, _ bytes: some Collection<UInt8>) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let written: Bool? = bytes.withContiguousStorageIfAvailable { buffer in
            writeAll(fd, UnsafeRawBufferPointer(buffer))
        }
        if let written { return written }
        return Array(bytes).withUnsafeBytes { writeAll(fd, $0) }
    }

    private static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 { if errno == EINTR { continue }; return false }
            offset += n
        }
        return true
    }

    /// Copies the file at `source` to `relative` without holding it in memory (media may be large).
    func copy(from source: String, to relative: String, kind: String) {
        precondition(!relative.hasPrefix("/") && !relative.split(separator: "/").contains(".."), "unsafe output path")
        let full = path.appendingPath(relative)
        let dir = String(full[..<(full.lastIndex(of: "/") ?? full.endIndex)])
        prepare(dir, kind: kind)
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

    /// Renames the folder `relative` to `destination`, for files whose folder is named after all of them: the search
    /// index writes its result files as documents come in and names their folder by their hash at the end.
    func moveFolder(_ relative: String, to destination: String) {
        for name in [relative, destination] {
            precondition(!name.hasPrefix("/") && !name.split(separator: "/").contains(".."), "unsafe output path")
        }
        let from = path.appendingPath(relative), to = path.appendingPath(destination)
        lock.lock()
        defer { lock.unlock() }
        guard rename(from, to) == 0 else {
            writeErrors.append(destination)
            return
        }
        createdDirectories = Set(createdDirectories.map { dir in
            dir == from || dir.hasPrefix(from + "/") ? to + dir.dropFirst(from.count) : dir
        })
    }

    func write(_ relative: String, _ text: String, kind: String) {
        write(relative, text.utf8, kind: kind)
    }

    /// Files written per kind, for the build summary.
    public var writtenByKind: [String: Int] {
        lock.lock()
        defer { lock.unlock() }
        return counts
    }
}
