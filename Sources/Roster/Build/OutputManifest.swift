import Foundation

/// What one generation of the output folder holds: every file with its content hash, size, inode and time.
///
/// A build writes into the generation before the published one and then swaps it in (see ``Publisher``). With a
/// manifest of that older generation, files whose bytes did not change are left alone: no new inode, no write, and
/// their modification times stay, so `rsync`-style deploys copy only what changed. Creating tens of thousands of
/// new files and folders on every build (and deleting as many) was the largest cost of a build on ext4. The
/// manifest is trusted only after every file and folder in it is found unchanged on disk (same size, inode and
/// modification time); anything else in the folder, or anything touched, and the generation is not reused.
struct OutputManifest: Sendable, Equatable {
    struct File: Sendable, Equatable {
        var hash: UInt64
        var size: Int
        var inode: UInt64
        var modified: Int64
        /// What the file was made from (see ``PageFingerprints``); 0 when not recorded.
        var fingerprint: UInt64 = 0

        init(hash: UInt64, size: Int, inode: UInt64, modified: Int64, fingerprint: UInt64 = 0) {
            self.hash = hash
            self.size = size
            self.inode = inode
            self.modified = modified
            self.fingerprint = fingerprint
        }

        /// Size, inode and modification time as `stat` gives them; no hash yet.
        init(_ info: Glibc.stat) {
            self.init(hash: 0, size: Int(info.st_size), inode: UInt64(info.st_ino),
                      modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
        }
    }

    /// Relative path (`cases/x/index.html`) → file.
    var files: [String: File] = [:]
    /// Relative folder path (`cases/x`) → its inode and modification time; "" is the folder itself.
    var folders: [String: File] = [:]

    // MARK: - On disk

    static let header = Array("roster-output-manifest 2\n".utf8)

    /// One line per entry: `f` or `d`, hash, size, inode, time (ns), fingerprint and path, separated by tabs.
    ///
    /// Written byte by byte: at 45,000 entries, formatting each line through string interpolation was a tenth of a
    /// rebuild after a one-file edit.
    func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((files.count + folders.count) * 96)
        out += Self.header
        func line(_ kind: UInt8, _ path: String, _ entry: File) {
            out.append(kind)
            for number in [entry.hash, UInt64(entry.size), entry.inode, UInt64(bitPattern: entry.modified), entry.fingerprint] {
                out.append(0x09)
                Self.appendDecimal(number, to: &out)
            }
            out.append(0x09)
            out += path.utf8
            out.append(0x0A)
        }
        // In no particular order: sorting 45,000 paths cost more than writing them, and nothing reads the file in order.
        for (path, entry) in folders { line(UInt8(ascii: "d"), path, entry) }
        for (path, entry) in files { line(UInt8(ascii: "f"), path, entry) }
        return out
    }

    private static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for the 20 digits of UInt64.max
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(truncatingIfNeeded: rest % 10) + 0x30
                rest /= 10
                count += 1
            } while rest > 0
            out.append(contentsOf: buffer[(24 - count)...])
        }
    }

    /// Reads a manifest written by ``serialized()``; nil if it is not one.
    static func parse(_ bytes: [UInt8]) -> OutputManifest? {
        guard bytes.starts(with: header) else { return nil }
        var manifest = OutputManifest()
        manifest.files.reserveCapacity(bytes.count / 100)
        let parsed = bytes.withUnsafeBufferPointer { buffer -> Bool in
            var i = header.count
            let end = buffer.count
            while i < end {
                guard let lineEnd = buffer[i...].firstIndex(of: 0x0A) else { return false }
                // Kind, five numbers, the path: seven fields, the path last and free to hold anything but a newline.
                let kind = buffer[i]
                guard kind == UInt8(ascii: "f") || kind == UInt8(ascii: "d"), i + 1 < lineEnd, buffer[i + 1] == 0x09 else { return false }
                var j = i + 2
                // The next field: decimal digits, then a tab; nil for anything else.
                func number() -> UInt64? {
                    let start = j
                    var value: UInt64 = 0
                    while j < lineEnd, buffer[j] != 0x09 {
                        let digit = buffer[j] &- 0x30
                        guard digit < 10, j - start < 20 else { return nil }
                        let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
                        let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
                        guard !overflow1, !overflow2 else { return nil }
                        value = sum
                        j += 1
                    }
                    guard j > start, j < lineEnd else { return nil }
                    j += 1
                    return value
                }
                guard let hash = number(), let size = number(), let inode = number(), let modified = number(),
                      let fingerprint = number() else { return false }
                let entry = File(hash: hash, size: Int(truncatingIfNeeded: size), inode: inode,
                                 modified: Int64(truncatingIfNeeded: modified), fingerprint: fingerprint)
                let path = String(decoding: UnsafeBufferPointer(rebasing: buffer[j..<lineEnd]), as: UTF8.self)
                if kind == UInt8(ascii: "f") { manifest.files[path] = entry } else { manifest.folders[path] = entry }
                i = lineEnd + 1
            }
            return true
        }
        return parsed ? manifest : nil
    }

    /// Whether `folder` still holds exactly what the manifest says: every folder and file unchanged since.
    ///
    /// A folder's modification time changes when an entry is added to it or removed from it, so an extra file
    /// (a hand-made `.gz`, say) is noticed without listing every folder.
    func matches(folder root: String) -> Bool {
        // Paths are looked up from the folder's own descriptor: shorter walks, and no full path made per entry.
        let descriptor = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return matches(descriptor: descriptor)
    }

    /// ``matches(folder:)`` for the folder open as `descriptor`; `parallel` spreads the checks over the cores,
    /// which a check made beside other work (see ``Publisher/inspectPrevious(of:)``) leaves to that work.
    func matches(descriptor: Int32, parallel: Bool = true) -> Bool {
        let folderEntries = Array(folders)
        let fileEntries = Array(files)
        guard !folderEntries.isEmpty else { return false }
        let chunk = 2048
        func each(_ starts: [Int], _ check: @Sendable (Int) -> Bool) -> [Bool] {
            parallel ? starts.concurrentMap(check) : starts.map(check)
        }
        let folderChecks = each(stride(from: 0, to: folderEntries.count, by: chunk).map { $0 }) { start in
            for (path, entry) in folderEntries[start..<min(start + chunk, folderEntries.count)] {
                guard let found = Self.stat(path.isEmpty ? "." : path, in: descriptor, directory: true),
                      found.inode == entry.inode, found.modified == entry.modified else { return false }
            }
            return true
        }
        guard !folderChecks.contains(false) else { return false }
        let fileChecks = each(stride(from: 0, to: fileEntries.count, by: chunk).map { $0 }) { start in
            for (path, entry) in fileEntries[start..<min(start + chunk, fileEntries.count)] {
                guard let found = Self.stat(path, in: descriptor, directory: false),
                      found.inode == entry.inode, found.modified == entry.modified, found.size == entry.size else { return false }
            }
            return true
        }
        return !fileChecks.contains(false)
    }

    /// ``stat(_:directory:)`` of `relative` below the open folder `descriptor`.
    static func stat(_ relative: String, in descriptor: Int32, directory: Bool) -> File? {
        guard let info = FileSystem.status(relative, relativeTo: descriptor),
              info.st_mode & S_IFMT == (directory ? S_IFDIR : S_IFREG) else { return nil }
        return File(info)
    }

    /// Size, inode and modification time of a regular file or folder (not followed if it is a symbolic link).
    static func stat(_ path: String, directory: Bool) -> File? {
        stat(path, in: AT_FDCWD, directory: directory)
    }
}

extension ContentHash {
    /// A fast 64-bit hash of `bytes`, eight bytes at a time, for telling whether an output file changed.
    ///
    /// Not cryptographic: it is compared together with the size, against files Roster itself wrote.
    static func fast(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var hash: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(bytes.count)
        var i = 0
        while i + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            hash = (hash ^ word) &* multiplier
            hash ^= hash >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        hash = (hash ^ tail) &* multiplier
        hash ^= hash >> 32
        return hash
    }
}
