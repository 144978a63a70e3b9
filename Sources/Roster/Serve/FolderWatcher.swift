import Foundation

/// Watches folders by polling file modification times, sizes and inodes.
///
/// Polling is portable and cheap for a site of a few hundred files, and it sees changes that
/// event APIs miss (network drives, editors that save by renaming a temporary file). A burst of
/// changes (a `git checkout`, an editor writing a backup then the file) is coalesced: after a change,
/// the watcher rescans until the folders stay the same for one short interval, then reports once.
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

    /// Starts scanning on a thread of its own; `onChange` gets the changed paths (relative to the folders' parent)
    /// and runs on that thread, so changes made while it runs are reported by a later call. `onIdle` runs after every scan.
    func start(onChange: @escaping @Sendable ([String]) -> Void, onIdle: @escaping @Sendable () -> Void = {}) {
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
