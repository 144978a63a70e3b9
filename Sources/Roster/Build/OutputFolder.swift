import Foundation

/// The folder a build writes into: a staging folder beside the output, swapped in at the end.
///
/// The staging folder is either new or the generation before the published one, reused: then only the files
/// whose bytes changed are written, and files the new build does not make are removed (see ``OutputManifest``).
///
/// Writes go only to paths made from validated slugs and theme or media names, always below `path`.
public final class OutputFolder: @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    private var createdDirectories: Set<String> = []
    /// Folders of the previous generation that gained or lost an entry (so their modification time changed).
    private var touchedFolders: Set<String> = []
    private(set) var writeErrors: [String] = []
    /// What the folder held when the build began (a previous generation), if it is being reused.
    private let previous: OutputManifest?
    /// What it holds now: every file this build wrote or found already written.
    private var current = OutputManifest()
    /// Files whose bytes were already there, so were not written again.
    private(set) var unchanged = 0
    /// Files made (rendered) because no earlier build had made them from the same fingerprint, per kind.
    private var made: [String: Int] = [:]

    /// The published site and what its manifest says it holds: a file made from the same fingerprint there is
    /// copied from it (after checking it is untouched) instead of being made again.
    private let published: (path: String, manifest: OutputManifest)?

    /// A folder to fill; `previous` describes what is in it already (see ``OutputManifest``), nil when it is empty.
    ///
    /// `expectedFiles` sizes the bookkeeping up front: growing a table of hundreds of thousands of paths while
    /// holding the lock every write takes made the other thread wait through each rehash.
    init(path: String, previous: OutputManifest? = nil, published: (path: String, manifest: OutputManifest)? = nil,
         expectedFiles: Int = 0) {
        self.path = path
        self.previous = previous
        self.published = published
        let expected = max(expectedFiles, previous?.files.count ?? 0)
        current.files.reserveCapacity(expected)
        createdDirectories.reserveCapacity(expected / 2)
    }

    /// Whether `relative` already holds what would be made from `fingerprint` (see ``PageFingerprints``); if so the
    /// file is kept and counted under `kind`, and need not be made.
    func keep(_ relative: String, fingerprint: UInt64, kind: String) -> Bool {
        guard fingerprint != 0 else { return false }
        if let old = previousFile(relative, fingerprint: fingerprint) {
            record(relative, old, kind: kind, unchanged: true, inPrevious: true)
            return true
        }
        return copyFromPublished(relative, fingerprint: fingerprint, kind: kind)
    }

    /// The reused generation's file at `relative`, if it was made from `fingerprint`.
    private func previousFile(_ relative: String, fingerprint: UInt64) -> OutputManifest.File? {
        guard let old = previous?.files[relative], old.fingerprint == fingerprint else { return nil }
        return old
    }

    /// ``keep(_:fingerprint:kind:)`` for many files at once; returns whether each was kept. Those the generation being
    /// reused holds are looked up without the lock and recorded under it once: file by file, two threads took turns
    /// on it for each of 45,000 pages a rebuild keeps.
    func keep(_ files: [(path: String, fingerprint: UInt64)], kind: String) -> [Bool] {
        var kept = [Bool](repeating: false, count: files.count)
        var found: [(path: String, file: OutputManifest.File)] = []
        found.reserveCapacity(files.count)
        for (i, item) in files.enumerated() where item.fingerprint != 0 {
            if let old = previousFile(item.path, fingerprint: item.fingerprint) {
                found.append((item.path, old))
                kept[i] = true
            } else {
                kept[i] = copyFromPublished(item.path, fingerprint: item.fingerprint, kind: kind)
            }
        }
        lock.lock()
        for item in found { recordLocked(item.path, item.file, kind: kind, unchanged: true, inPrevious: true) }
        lock.unlock()
        return kept
    }

    /// Writes what `make` gives to `relative`, unless the file already holds what `fingerprint` says (see
    /// ``keep(_:fingerprint:kind:)``), in which case `make` is not called.
    func write<Bytes: Collection<UInt8>>(_ relative: String, kind: String, fingerprint: UInt64, unlessKept make: () -> Bytes) {
        if !keep(relative, fingerprint: fingerprint, kind: kind) {
            countMade(kind)
            write(relative, make(), kind: kind, fingerprint: fingerprint)
        }
    }

    /// Counts a file of `kind` made because it could not be kept (see ``keep(_:fingerprint:kind:)``).
    func countMade(_ kind: String) {
        lock.lock()
        made[kind, default: 0] += 1
        lock.unlock()
    }

    /// Files made per kind, rather than kept by fingerprint (whether or not their bytes then changed).
    var madeByKind: [String: Int] {
        lock.lock()
        defer { lock.unlock() }
        return made
    }

    /// The folder being written is the generation before the published one (or a new one): what changed in between
    /// is taken from the published site when the fingerprints say it is what this build would make.
    ///
    /// Taken as a hard link to the published file, not a copy: the second build of a site (and of every
    /// `roster serve`) would otherwise copy every file once, 45,000 files and 480 MB at 20,000 cases, which took
    /// 12 s. The two generations then share those files until one of them is written, which always replaces the
    /// file rather than writing into it (see ``writeFile(_:_:replacingShared:)``). Copied where linking fails.
    private func copyFromPublished(_ relative: String, fingerprint: UInt64, kind: String) -> Bool {
        guard let published, let entry = published.manifest.files[relative], entry.fingerprint == fingerprint else { return false }
        let source = published.path.appendingPath(relative)
        guard let now = OutputManifest.stat(source, directory: false), now.inode == entry.inode, now.size == entry.size,
              now.modified == entry.modified else { return false }
        prepare(relative)
        touch(folder(of: relative))
        let target = path.appendingPath(relative)
        // Linked under a temporary name and renamed over the target: where linking fails (a file system without
        // hard links) the target is left as it was, so the copy below may still find it already holds the bytes.
        let temporary = path.appendingPath(relative + ".link-\(getpid())")
        unlink(temporary)
        let linked = link(source, temporary) == 0 && rename(temporary, target) == 0
        // Renaming a link over another link to the same file does nothing, leaving the temporary name behind.
        unlink(temporary)
        if linked {
            var file = now
            file.hash = entry.hash
            file.fingerprint = fingerprint
            // Counted as kept: its bytes are the published file's, not written.
            record(relative, file, kind: kind, unchanged: true)
            sharesPublished(relative)
            return true
        }
        guard let bytes = FileSystem.read(source), bytes.count == entry.size else { return false }
        write(relative, bytes, kind: kind, fingerprint: fingerprint)
        return true
    }

    /// Makes the folder hold every file of the published site: a file it holds already (the same file, by inode, size
    /// and time) is kept, any other linked from the published site (see ``copyFromPublished(_:fingerprint:kind:)``).
    /// Returns whether every file was; ``finish()`` then removes what the published site does not have.
    func mirrorPublished() -> Bool {
        guard let published else { return false }
        let files = Array(published.manifest.files)
        let mirrored = files.concurrentMap { relative, entry -> Bool in
            if let old = previous?.files[relative], old.inode == entry.inode, old.size == entry.size, old.modified == entry.modified {
                record(relative, entry, kind: "mirror", unchanged: true, inPrevious: true)
                return true
            }
            return copyFromPublished(relative, fingerprint: entry.fingerprint, kind: "mirror")
        }
        return !mirrored.contains(false)
    }

    /// The bytes of `relative` in the generation being reused or, failing that, in the published site; nil when
    /// neither lists it. Whoever reads checks what it got (a search shard's name is a hash of its bytes).
    func readEarlier(_ relative: String) -> [UInt8]? {
        if previous?.files[relative] != nil, let bytes = FileSystem.read(path.appendingPath(relative)) { return bytes }
        guard let published, published.manifest.files[relative] != nil else { return nil }
        return FileSystem.read(published.path.appendingPath(relative))
    }

    /// Paths linked to the published site's file in this build (see ``copyFromPublished(_:fingerprint:kind:)``).
    private var linked: Set<String> = []

    private func sharesPublished(_ relative: String) {
        lock.lock()
        linked.insert(relative)
        lock.unlock()
    }

    /// Whether the file at `relative` may be a link to a published file: linked in this build, or in an earlier
    /// one that wrote the generation being reused. Writing it must then replace it, not write into it.
    private func mayShare(_ relative: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return linked.contains(relative) || previous?.files[relative] != nil
    }

    /// Keeps every file under `folder` (`search/`) when `marker` there was made from `fingerprint`: for steps that
    /// write many files from one input, such as the search index. Returns whether they were kept.
    func keepAll(under folder: String, marker: String, fingerprint: UInt64, kind: String) -> Bool {
        guard fingerprint != 0 else { return false }
        if let previous, previous.files[marker]?.fingerprint == fingerprint {
            for (relative, file) in previous.files where relative.hasPrefix(folder) {
                record(relative, file, kind: kind, unchanged: true, inPrevious: true)
            }
            return true
        }
        guard let published, published.manifest.files[marker]?.fingerprint == fingerprint else { return false }
        let files = published.manifest.files.filter { $0.key.hasPrefix(folder) }.map { ($0.key, $0.value.fingerprint) }
        let copied = files.concurrentMap { relative, print in copyFromPublished(relative, fingerprint: print, kind: kind) }
        // A file that could not be copied (touched by hand) leaves the folder incomplete: it is made again.
        return !copied.contains(false)
    }

    /// Writes `bytes` to `relative` (e.g. `providers/x/index.html`), counting it under `kind`; `fingerprint` says
    /// what it was made from, for the next build.
    func write(_ relative: String, _ bytes: some Collection<UInt8>, kind: String, fingerprint: UInt64 = 0) {
        if let written = bytes.withContiguousStorageIfAvailable({
            write(relative, UnsafeRawBufferPointer($0), kind: kind, fingerprint: fingerprint)
        }) {
            return written
        }
        Array(bytes).withUnsafeBytes { write(relative, $0, kind: kind, fingerprint: fingerprint) }
    }

    private func write(_ relative: String, _ bytes: UnsafeRawBufferPointer, kind: String, fingerprint: UInt64) {
        precondition(!relative.hasPrefix("/") && !relative.split(separator: "/").contains(".."), "unsafe output path")
        let hash = ContentHash.fast(bytes)
        let earlier = previous?.files[relative]
        if var old = earlier, old.hash == hash, old.size == bytes.count {
            old.fingerprint = fingerprint
            record(relative, old, kind: kind, unchanged: true, inPrevious: true)
            return
        }
        prepare(relative)
        // The folder gains an entry: a new file, or one made anew in place of a file that may be shared.
        touch(folder(of: relative))
        if var file = Self.writeFile(path.appendingPath(relative), bytes, replacingShared: mayShare(relative)) {
            file.hash = hash
            file.fingerprint = fingerprint
            record(relative, file, kind: kind, unchanged: false, inPrevious: earlier != nil)
        } else {
            lock.lock()
            writeErrors.append(relative)
            lock.unlock()
        }
    }

    /// Records `file` at `relative`; `inPrevious` says whether the previous generation has a file there, nil when
    /// the caller did not look.
    private func record(_ relative: String, _ file: OutputManifest.File, kind: String, unchanged: Bool, inPrevious: Bool? = nil) {
        let inPrevious = inPrevious ?? (previous?.files[relative] != nil)
        lock.lock()
        recordLocked(relative, file, kind: kind, unchanged: unchanged, inPrevious: inPrevious)
        lock.unlock()
    }

    /// ``record(_:_:kind:unchanged:inPrevious:)`` with the lock held.
    private func recordLocked(_ relative: String, _ file: OutputManifest.File, kind: String, unchanged: Bool, inPrevious: Bool) {
        // A file recorded twice (copied, then made after all) counts once.
        if current.files.updateValue(file, forKey: relative) == nil {
            counts[kind, default: 0] += 1
            if inPrevious { recordedFromPrevious += 1 }
        }
        if unchanged { self.unchanged += 1 }
    }

    /// Paths recorded that the previous generation has too: when they are all of its files, finishing has none of
    /// them to remove and need not look for one path by path.
    private var recordedFromPrevious = 0

    /// Makes sure the file's folder exists before the file is written.
    ///
    /// The folder is created outside the lock (on ext4 a `mkdir` is slow, and holding the lock through it made the
    /// other thread wait for every page) and counted as made only once it exists: a thread that does not find it
    /// counted creates it too, and takes "already exists" as done. Counting it before creating it let another
    /// thread write into a folder not made yet (the search index's parallel writes failed now and then that way).
    private func prepare(_ relative: String) {
        let folder = folder(of: relative)
        guard !folder.isEmpty else { return }
        lock.lock()
        let exists = createdDirectories.contains(folder) || previous?.folders[folder] != nil
        lock.unlock()
        guard !exists else { return }
        let dir = path.appendingPath(folder)
        if mkdir(dir, 0o755) != 0, errno != EEXIST {
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        lock.lock()
        createdDirectories.insert(folder)
        // The new folder's parents each gained an entry (or are new themselves, and stat'ed anyway).
        var parent = folder[...]
        while true {
            let up = parent.lastIndex(of: "/").map { parent[..<$0] } ?? ""
            touchedFolders.insert(String(up))
            if up.isEmpty { break }
            parent = up
        }
        lock.unlock()
    }

    /// `cases/x` for `cases/x/index.html`; "" for a file at the top.
    private func folder(of relative: String) -> String {
        relative.lastIndex(of: "/").map { String(relative[..<$0]) } ?? ""
    }

    private func touch(_ folder: String) {
        lock.lock()
        touchedFolders.insert(folder)
        lock.unlock()
    }

    /// Writes a whole file with plain POSIX calls: no per-file fsync or temporary copy, since the build is made
    /// atomic by swapping the whole staging folder in, not file by file. Returns the file's size, inode and time.
    ///
    /// With `replacingShared`, a file already there that may have another name (a hard link to the published site's
    /// file, see ``copyFromPublished(_:fingerprint:kind:)``) is unlinked and made anew, so the published file keeps
    /// its bytes.
    static func writeFile(_ path: String, _ bytes: UnsafeRawBufferPointer, replacingShared: Bool = false) -> OutputManifest.File? {
        // Always replaced, not judged by its link count: some file systems report 1 for a linked file.
        if replacingShared { unlink(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 { if errno == EINTR { continue }; return nil }
            offset += n
        }
        var info = Glibc.stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return OutputManifest.File(info)
    }

    /// Removes what the previous generation had and this build did not write, and describes the folder as it is now.
    func finish() -> OutputManifest {
        lock.lock()
        var manifest = current
        var touched = touchedFolders
        let allKept = previous.map { recordedFromPrevious == $0.files.count } ?? false
        lock.unlock()
        if let previous {
            // Worked out from the previous generation's folders and what changed, not from every path again (45,000
            // paths and their folders, most of publishing a rebuild): the few files it had and this build did not
            // make are removed, and a folder they leave empty with them.
            var emptied: Set<String> = []
            if !allKept {
                for file in previous.files.keys where manifest.files[file] == nil {
                    unlink(path.appendingPath(file))
                    emptied.insert(folder(of: file))
                }
            }
            manifest.folders = previous.folders
            // Deepest first, so a folder is empty by the time it is tried; one that is not empty stays.
            var candidates = emptied.sorted { $0.count > $1.count }
            while let folder = candidates.first {
                candidates.removeFirst()
                touched.insert(folder)
                // Removed from the manifest with the others whose time is asked for below, which it no longer has.
                guard !folder.isEmpty, rmdir(path.appendingPath(folder)) == 0 else { continue }
                let parent = self.folder(of: folder)
                if !candidates.contains(parent) { candidates.append(parent); candidates.sort { $0.count > $1.count } }
            }
            // A folder that gained or lost an entry (a file made anew or removed, a folder made) changed its time; the
            // others kept theirs (rewriting a file in place does not change it), carried over. Every folder made in
            // this build is among them (see `prepare`): so is every folder of a file new to this generation.
            let list = Array(touched)
            let stats = list.concurrentMap { folder in
                OutputManifest.stat(folder.isEmpty ? path : path.appendingPath(folder), directory: true)
            }
            for (folder, info) in zip(list, stats) { manifest.folders[folder] = info }
            return manifest
        }
        var folders: Set<String> = [""]
        for file in manifest.files.keys {
            var folder = file[...]
            while let slash = folder.lastIndex(of: "/") {
                folder = folder[..<slash]
                guard folders.insert(String(folder)).inserted else { break }
            }
        }
        // A folder made from nothing: every folder holding a file, each asked for its time.
        let list = Array(folders)
        let stats = list.concurrentMap { folder in OutputManifest.stat(folder.isEmpty ? path : path.appendingPath(folder), directory: true) }
        for (folder, info) in zip(list, stats) {
            if let info { manifest.folders[folder] = info }
        }
        return manifest
    }

    /// Copies the file at `source` to `relative` without holding it in memory (media may be large).
    ///
    /// A copy already made from the same source (same size and modification time) is kept as it is.
    func copy(from source: String, to relative: String, kind: String) {
        precondition(!relative.hasPrefix("/") && !relative.split(separator: "/").contains(".."), "unsafe output path")
        let full = path.appendingPath(relative)
        guard let origin = OutputManifest.stat(source, directory: false) else {
            lock.lock(); writeErrors.append(relative); lock.unlock()
            return
        }
        var identity = [UInt64(origin.size), UInt64(bitPattern: origin.modified), origin.inode]
        let hash = identity.withUnsafeMutableBytes { ContentHash.fast(UnsafeRawBufferPointer($0)) }
        let earlier = previous?.files[relative]
        if let old = earlier, old.hash == hash, old.size == origin.size {
            record(relative, old, kind: kind, unchanged: true, inPrevious: true)
            return
        }
        prepare(relative)
        touch(folder(of: relative))
        do {
            if FileSystem.exists(full) { try FileManager.default.removeItem(atPath: full) }
            try FileManager.default.copyItem(atPath: source, toPath: full)
            // copyItem keeps the source's mode; the web server must be able to read every file.
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: full)
            guard var file = OutputManifest.stat(full, directory: false) else { throw CocoaError(.fileReadUnknown) }
            file.hash = hash
            record(relative, file, kind: kind, unchanged: false, inPrevious: earlier != nil)
        } catch {
            lock.lock()
            writeErrors.append(relative)
            lock.unlock()
        }
    }

    func write(_ relative: String, _ text: String, kind: String, fingerprint: UInt64 = 0) {
        write(relative, text.utf8, kind: kind, fingerprint: fingerprint)
    }

    /// Files written per kind, for the build summary.
    public var writtenByKind: [String: Int] {
        lock.lock()
        defer { lock.unlock() }
        return counts
    }
}
