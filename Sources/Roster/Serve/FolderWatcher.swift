import Foundation

/// Watches folders for changed, added and removed files.
///
/// On Linux the kernel tells it of each change as it happens (inotify), with every folder below watched; elsewhere,
/// or when the kernel will not watch so many folders, it polls file modification times, sizes and inodes. Polling
/// is portable and cheap for a site of a few hundred files, but at 20,000 cases each scan took 40 ms: five scans a
/// second took a fifth of a core while the server sat idle, and a third of the CPU of a rebuild, which it
/// slowed. Either way a burst of changes (a `git checkout`, an editor writing a backup then the file) is coalesced:
/// after a change the watcher waits until the folders stay the same for one short interval, then reports once.
final class FolderWatcher: @unchecked Sendable {
    struct Stamp: Equatable {
        var seconds: Int
        var nanoseconds: Int
        var size: Int
        var inode: UInt64
    }

    typealias Snapshot = [String: Stamp]

    let folders: [String]
    let interval: Double
    let settle: Double
    private let stopSignal = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - interval: seconds between scans.
    ///   - settle: seconds the folders must stay unchanged before a change is reported.
    init(folders: [String], interval: Double = 0.2, settle: Double = 0.05) {
        self.folders = folders
        self.interval = interval
        self.settle = settle
    }

    /// How the folders are watched: told by the kernel, or by scanning them.
    enum Method: Sendable { case events, polling }

    /// The method `start` chose; `.polling` until it ran.
    private(set) var method = Method.polling

    /// Starts watching on a thread of its own; `onChange` gets the changed paths (relative to the folders' parent)
    /// and runs on that thread, so changes made while it runs are reported by a later call. `onIdle` runs about
    /// every `interval` seconds. `polling` forces scans even where the kernel could tell.
    func start(polling: Bool = false, onChange: @escaping @Sendable ([String]) -> Void,
               onIdle: @escaping @Sendable () -> Void = {}) {
        #if os(Linux)
        // Events only when every folder is there to watch: one made later would go unseen.
        if !polling, folders.allSatisfy(FileSystem.isDirectory), let queue = ChangeQueue(),
           folders.allSatisfy({ queue.watch($0, name: $0.lastPathComponent) }) {
            method = .events
            let thread = Thread { [self] in
                while !self.sleep(0) {
                    var (changed, created, overflow) = queue.wait(seconds: self.interval)
                    if !changed.isEmpty || overflow {
                        // Coalesce a burst: wait until the folders stay quiet for `settle` (at most a second).
                        let end = Date().addingTimeInterval(1)
                        while Date() < end {
                            let more = queue.wait(seconds: self.settle)
                            if more.paths.isEmpty && !more.overflow { break }
                            created.formUnion(more.created.subtracting(changed))
                            changed.formUnion(more.paths)
                            overflow = overflow || more.overflow
                        }
                        // A file made and removed within the burst (an editor's or `sed -i`'s temporary file) was
                        // never there as far as the site is concerned.
                        changed = changed.filter { !created.contains($0) || FileSystem.exists(self.path(of: $0)) }
                        if overflow {
                            // Events were lost: watch every folder again (new ones may have been missed), and report
                            // the watched folders themselves.
                            for folder in self.folders { _ = queue.watch(folder, name: folder.lastPathComponent) }
                            changed.formUnion(self.folders.map(\.lastPathComponent))
                        }
                        if !changed.isEmpty { onChange(changed.sorted()) }
                    }
                    onIdle()
                }
            }
            thread.name = "roster-watch"
            thread.start()
            return
        }
        #endif
        method = .polling
        let initial = snapshot()
        let thread = Thread { [self] in
            var last = initial
            while !self.sleep(self.interval) {
                var current = self.snapshot()
                if current != last {
                    // Coalesce a burst: wait until one scan matches the previous one (at most about a second).
                    var rounds = 0
                    while rounds < 20, !self.sleep(self.settle) {
                        let again = self.snapshot()
                        if again == current { break }
                        current = again
                        rounds += 1
                    }
                    let changed = Self.changes(from: last, to: current)
                    last = current
                    if !changed.isEmpty { onChange(changed) }
                }
                onIdle()
            }
        }
        thread.name = "roster-watch"
        thread.start()
    }

    /// The absolute path of a path as changes are reported (`Content/cases/x.md`).
    private func path(of reported: String) -> String {
        let top = reported.split(separator: "/", maxSplits: 1).first.map(String.init) ?? reported
        let folder = folders.first { $0.lastPathComponent == top } ?? folders[0]
        return folder.parentPath.appendingPath(reported)
    }

    /// Stops the scanning thread (returns at once; a build in progress finishes first).
    func stop() {
        stopSignal.signal()
    }

    /// Sleeps, returning true when asked to stop instead.
    private func sleep(_ seconds: Double) -> Bool {
        if stopSignal.wait(timeout: .now() + seconds) == .success {
            stopSignal.signal()  // stay stopped for every later check
            return true
        }
        return false
    }

    /// Every watched file's stamp. Hidden files and editors' backup and swap files are left out.
    func snapshot() -> Snapshot {
        var result: Snapshot = [:]
        for folder in folders { walk(folder, name: folder.lastPathComponent, into: &result) }
        return result
    }

    private func walk(_ path: String, name: String, into result: inout Snapshot) {
        for entry in FileSystem.list(path) where !Self.isIgnored(entry) {
            let child = path.appendingPath(entry)
            var info = stat()
            guard lstat(child, &info) == 0 else { continue }
            let relative = name + "/" + entry
            if (info.st_mode & S_IFMT) == S_IFDIR {
                walk(child, name: relative, into: &result)
            } else {
                result[relative] = Stamp(seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec),
                                         size: Int(info.st_size), inode: UInt64(info.st_ino))
            }
        }
    }

    static func isIgnored(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix("~") || name.hasSuffix(".swp") || name.hasSuffix(".swx")
            || name.hasPrefix("#") || name == "4913"
    }

    static func changes(from old: Snapshot, to new: Snapshot) -> [String] {
        var changed = Set<String>()
        for (path, stamp) in new where old[path] != stamp { changed.insert(path) }
        for path in old.keys where new[path] == nil { changed.insert(path) }
        return changed.sorted()
    }
}

#if os(Linux)
/// The kernel's change events for a tree of folders (inotify): each folder is watched on its own, so folders made
/// later are added as they appear.
private final class ChangeQueue: @unchecked Sendable {
    private let descriptor: Int32
    /// Watch → the folder's path, and its name as changes are reported (`Content/cases`).
    private var folders: [Int32: (path: String, name: String)] = [:]
    private static let events = UInt32(IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM
                                       | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)

    init?() {
        descriptor = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard descriptor >= 0 else { return nil }
    }

    deinit { close(descriptor) }

    /// Watches the folder at `path`, reported as `name`, and every folder below it (not following links, as the
    /// scan does not); false when the kernel refuses one (`max_user_watches` reached).
    func watch(_ path: String, name: String) -> Bool {
        let handle = inotify_add_watch(descriptor, path, ChangeQueue.events)
        guard handle >= 0 else { return errno == ENOENT }
        folders[handle] = (path, name)
        for entry in FileSystem.list(path) where !FolderWatcher.isIgnored(entry) {
            let child = path.appendingPath(entry)
            var info = stat()
            if lstat(child, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, !watch(child, name: name + "/" + entry) { return false }
        }
        return true
    }

    /// Waits up to `seconds` for changes and returns the paths changed (a new folder's files among them), those of
    /// them made or moved in, and whether the kernel dropped events.
    func wait(seconds: Double) -> (paths: Set<String>, created: Set<String>, overflow: Bool) {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            let ready = poll(&poller, 1, Int32(now >= end ? 0 : (end - now + 999_999) / 1_000_000))
            if ready > 0 { break }
            // Interrupted by a signal: wait out the rest of the time.
            guard ready < 0, errno == EINTR else { return ([], [], false) }
        }
        var paths = Set<String>(), created = Set<String>()
        var overflow = false
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            var offset = 0
            // struct inotify_event: wd, mask, cookie, len (4 bytes each), then `len` bytes of NUL-padded name.
            while offset + 16 <= count {
                let (handle, mask, length) = buffer.withUnsafeBytes { raw in
                    (raw.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                     raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                     Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
                }
                let nameBytes = buffer[(offset + 16)..<min(count, offset + 16 + length)].prefix { $0 != 0 }
                offset += 16 + length
                if mask & UInt32(IN_Q_OVERFLOW) != 0 { overflow = true; continue }
                if mask & UInt32(IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF) != 0 {
                    // A watched top folder removed or moved away (replaced, say): reported as events lost, so the
                    // watcher watches the folders again and reports them changed.
                    if let folder = folders[handle], !folder.name.contains("/") { overflow = true }
                    if mask & UInt32(IN_IGNORED) != 0 { folders[handle] = nil }
                    continue
                }
                guard let folder = folders[handle], !nameBytes.isEmpty else { continue }
                let name = String(decoding: nameBytes, as: UTF8.self)
                guard !FolderWatcher.isIgnored(name) else { continue }
                let relative = folder.name + "/" + name
                if paths.insert(relative).inserted, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { created.insert(relative) }
                if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                    // A folder made or moved in: watched from now on, and what it already holds counts as changed.
                    let path = folder.path.appendingPath(name)
                    if !watch(path, name: relative) { overflow = true }
                    for file in FileSystem.walk(path) { paths.insert(relative + "/" + file) }
                }
            }
        }
        return (paths, created, overflow)
    }
}
#endif
