import Foundation

/// The few file operations Roster needs, on plain path strings.
enum FileSystem {
    /// The bytes of a regular file; nil for anything else.
    ///
    /// Plain POSIX: opening with O_NONBLOCK means a FIFO can never block the build, only regular files are read,
    /// and the bytes land in the array directly (Foundation's `contents(atPath:)` also leaked its buffer on
    /// empty files, as LeakSanitizer showed).
    static func read(_ path: String) -> [UInt8]? {
        if case .bytes(let bytes, _) = read(path, limit: Int.max) { return bytes }
        return nil
    }

    /// What ``read(_:limit:)`` found.
    enum ReadResult {
        /// The bytes, and the file's `stat` as it was opened.
        case bytes([UInt8], stat)
        /// A regular file larger than the limit, left unread.
        case tooLarge(size: Int)
        /// Missing, unreadable, or not a regular file.
        case failed
    }

    /// The bytes of a regular file, judging its size (from the open file, in the same call) before reading any.
    ///
    /// `path` is relative to the folder open as `directory` (by default, the working directory): opening many
    /// files of one folder by name spares the kernel walking the whole path to each.
    ///
    /// `head` may ask, from the open file's `stat`, for its first bytes only (see ``BodyFacts``).
    static func read(_ path: String, relativeTo directory: Int32 = AT_FDCWD, limit: Int,
                     head: ((stat) -> Int?)? = nil) -> ReadResult {
        let fd = openat(directory, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .failed }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return .failed }
        var size = Int(info.st_size)
        if size > limit { return .tooLarge(size: size) }
        if let wanted = head?(info), wanted >= 0, wanted <= size { size = wanted }
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var done = 0
            while done < size {
                let count = posixRead(fd, buffer.baseAddress! + done, size - done)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                done += count
            }
            initialized = done
        }
        return .bytes(bytes, info)
    }

    /// The `stat` of `path` (relative to the folder open as `directory`), not following a final symbolic link;
    /// nil when there is nothing there.
    static func status(_ path: String, relativeTo directory: Int32 = AT_FDCWD) -> stat? {
        var info = stat()
        return fstatat(directory, path, &info, AT_SYMLINK_NOFOLLOW) == 0 ? info : nil
    }

    /// A folder opened for ``read(_:relativeTo:limit:)``; -1 if it cannot be.
    static func openDirectory(_ path: String) -> Int32 {
        open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    }

    /// What a path names, not following a final symbolic link.
    enum Kind {
        case regular, directory, symlink, other
    }

    /// The kind of `path` from one `lstat`; nil when it does not exist.
    static func kind(_ path: String) -> Kind? {
        guard let info = status(path) else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    static func isSymlink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// A regular file (following no link): reading a FIFO or a device would block or never end.
    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    static func size(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// Names in a folder, sorted, so every build sees the same order.
    static func list(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    /// Names in a folder with their kinds, sorted by name: ``list(_:)`` and ``kind(_:)`` of each, but the kinds
    /// come from the directory listing itself where the file system gives them (one `lstat` per name otherwise).
    static func listWithKinds(_ path: String) -> [(name: String, kind: Kind?)] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var entries: [(name: String, kind: Kind?)] = []
        while let entry = readdir(directory) {
            // Decoded the way FileManager decodes names (invalid UTF-8 repaired), so both listings agree.
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name == "." || name == ".." { continue }
            let kind: Kind?
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): kind = .regular
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_LNK): kind = .symlink
            case Int32(DT_UNKNOWN): kind = Self.kind(path.appendingPath(name))
            default: kind = .other
            }
            entries.append((name, kind))
        }
        return entries.sorted { $0.name < $1.name }
    }
}

/// The C `read`, which `FileSystem.read` would otherwise shadow.
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }

extension String {
    func appendingPath(_ component: String) -> String {
        if isEmpty { return component }
        return hasSuffix("/") ? self + component : self + "/" + component
    }

    var lastPathComponent: String {
        guard let slash = lastIndex(of: "/") else { return self }
        return String(self[index(after: slash)...])
    }

    var pathExtension: String {
        let name = lastPathComponent
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...])
    }

    var deletingPathExtension: String {
        guard let dot = lastIndex(of: "."), !self[dot...].contains("/") else { return self }
        return String(self[..<dot])
    }
}

extension Array where Element: Sendable {
    /// Maps in parallel over the machine's cores, keeping order.
    ///
    /// The work is cut into many more chunks than cores, handed out as cores come free: items differ in cost (a
    /// provider with many cases, a long body), and with a few large chunks one core can be left working alone on
    /// the last one while the other waits.
    func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        if count < 2 { return map(transform) }
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }  // every element has been moved out below
        let base = UncheckedSendable(results)
        let chunks = Swift.min(count, ProcessInfo.processInfo.activeProcessorCount * 32)
        let size = (count + chunks - 1) / chunks
        self.withUnsafeBufferPointer { input in
            let input = UncheckedSendable(input)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = chunk * size
                let end = Swift.min(start + size, input.value.count)
                guard start < end else { return }
                for i in start..<end { base.value[i] = transform(input.value[i]) }
            }
        }
        // Move the results out: mapping would copy them and leave the buffer's own references alive forever,
        // leaking every result of every build (LeakSanitizer found it; `roster serve` rebuilds many times).
        return (0..<count).map { (results.baseAddress! + $0).move()! }
    }
}

/// Lets disjoint writes to one buffer cross threads; callers guarantee no two threads touch one index.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
