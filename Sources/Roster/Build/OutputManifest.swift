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

    /// One line per entry: `f` or `d`, hash, size, inode, time (ns), fingerprint and path, separated by tabs.
    func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((files.count + folders.count) * 80)
        out += Array("roster-output-manifest 2\n".utf8)
        func line(_ kind: String, _ path: String, _ entry: File) {
            out += Array("\(kind)\t\(entry.hash)\t\(entry.size)\t\(entry.inode)\t\(entry.modified)\t\(entry.fingerprint)\t".utf8)
            out += Array(path.utf8)
            out.append(0x0A)
        }
        for (path, entry) in folders.sorted(by: { $0.key < $1.key }) { line("d", path, entry) }
        for (path, entry) in files.sorted(by: { $0.key < $1.key }) { line("f", path, entry) }
        return out
    }

    /// Reads a manifest written by ``serialized()``; nil if it is not one.
    static func parse(_ bytes: [UInt8]) -> OutputManifest? {
        let header = Array("roster-output-manifest 2\n".utf8)
        guard bytes.starts(with: header) else { return nil }
        var manifest = OutputManifest()
        for line in bytes[header.count...].split(separator: 0x0A) {
            let fields = line.split(separator: 0x09, maxSplits: 6, omittingEmptySubsequences: false)
            guard fields.count == 7, let hash = UInt64(ascii: fields[1]), let size = UInt64(ascii: fields[2]),
                  let inode = UInt64(ascii: fields[3]), let modified = UInt64(ascii: fields[4]),
                  let fingerprint = UInt64(ascii: fields[5]) else { return nil }
            let entry = File(hash: hash, size: Int(size), inode: inode, modified: Int64(modified), fingerprint: fingerprint)
            let path = String(decoding: fields[6], as: UTF8.self)
            switch fields[0].first {
            case UInt8(ascii: "f"): manifest.files[path] = entry
            case UInt8(ascii: "d"): manifest.folders[path] = entry
            default: return nil
            }
        }
        return manifest
    }

    /// Whether `folder` still holds exactly what the manifest says: every folder and file unchanged since.
    ///
    /// A folder's modification time changes when an entry is added to it or removed from it, so an extra file
    /// (a hand-made `.gz`, say) is noticed without listing every folder.
    func matches(folder root: String) -> Bool {
        let folderEntries = Array(folders)
        let fileEntries = Array(files)
        guard !folderEntries.isEmpty else { return false }
        let folderChecks = folderEntries.concurrentMap { path, entry in
            Self.stat(path.isEmpty ? root : root.appendingPath(path), directory: true).map { $0.inode == entry.inode && $0.modified == entry.modified } ?? false
        }
        guard !folderChecks.contains(false) else { return false }
        let chunk = 2048
        let fileChecks = stride(from: 0, to: fileEntries.count, by: chunk).map { $0 }.concurrentMap { start in
            for (path, entry) in fileEntries[start..<min(start + chunk, fileEntries.count)] {
                guard let found = Self.stat(root.appendingPath(path), directory: false),
                      found.inode == entry.inode, found.modified == entry.modified, found.size == entry.size else { return false }
            }
            return true
        }
        return !fileChecks.contains(false)
    }

    /// Size, inode and modification time of a regular file or folder (not followed if it is a symbolic link).
    static func stat(_ path: String, directory: Bool) -> File? {
        var info = Glibc.stat()
        guard lstat(path, &info) == 0 else { return nil }
        let type = info.st_mode & S_IFMT
        guard type == (directory ? S_IFDIR : S_IFREG) else { return nil }
        return File(info)
    }
}

extension UInt64 {
    /// Parses decimal ASCII digits; nil for anything else.
    init?(ascii digits: ArraySlice<UInt8>) {
        guard !digits.isEmpty, digits.count <= 20 else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - 0x30))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        self = value
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
