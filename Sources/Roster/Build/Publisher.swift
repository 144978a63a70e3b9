import CRosterShims
import Foundation
import Synchronization

/// Swaps a finished build into place so readers see the old site or the new one, never a mix.
enum Publisher {
    /// Numbers staging folders, so that builds running at once in one process never share one.
    private static let builds = Atomic<Int>(0)

    struct Failure: Error { var message: String }

    /// The previous generation as found before the build claims it: its manifest, whether the folder matched it
    /// file for file, and which folder that was (device and inode), so the claim need not check it again.
    struct Inspected: Sendable {
        var manifest: OutputManifest
        var matched: Bool
        var device: UInt64
        var inode: UInt64

        /// Whether `path` is the folder that was inspected.
        func isFolder(at path: String) -> Bool {
            guard let info = FileSystem.status(path), info.st_mode & S_IFMT == S_IFDIR else { return false }
            return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
        }
    }

    /// Reads the previous generation's manifest and checks the folder against it, touching nothing: done while
    /// the content loads (see `Builder`), it spares the claim its longest part (67,000 `fstatat` at 20,000 cases).
    ///
    /// With `trusted`, the folder is taken to match its manifest without being checked: for an output folder no one
    /// else writes (`roster serve`'s own temporary folder, see ``BuildOptions/trustsOutput``).
    static func inspectPrevious(of output: String, trusted: Bool = false, cache: LoadCache? = nil) -> Inspected? {
        let previous = previousGeneration(of: output)
        let descriptor = open(previous, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0,
              let manifest = readManifest(previous + ".manifest", cache: cache) else { return nil }
        return Inspected(manifest: manifest, matched: trusted || manifest.matches(descriptor: descriptor, parallel: false),
                         device: UInt64(info.st_dev),
                         inode: UInt64(info.st_ino))
    }

    /// A staging folder beside `output`, on the same file system so the swap is a rename, with what it holds.
    ///
    /// The previous generation (the site the last build replaced) is reused when its manifest still describes it
    /// exactly; otherwise it is deleted and the build starts from an empty folder. `inspected` is what
    /// ``inspectPrevious(of:)`` found earlier in this build: used when the folder claimed is the one it checked.
    static func makeStaging(for output: String, inspected: Inspected? = nil) throws(Failure) -> (path: String, holds: OutputManifest?) {
        let parent = output.parentPath
        let name = output.lastPathComponent
        cleanStale(parent: parent, name: name)
        let staging = parent.appendingPath(".\(name).staging-\(builds.add(1, ordering: .relaxed).newValue)-\(getpid())")
        try? FileManager.default.removeItem(atPath: staging)
        let previous = previousGeneration(of: output)
        let manifestPath = previous + ".manifest"
        if FileSystem.isDirectory(previous), !FileSystem.isSymlink(previous) {
            let manifest = inspected?.manifest ?? FileSystem.read(manifestPath).flatMap(OutputManifest.parse)
            // Claim it first (a rename), then drop its manifest: a build killed from here on leaves an orphan
            // staging folder, which the next build deletes, never a manifest that no longer tells the truth.
            if let manifest, rename(previous, staging) == 0 {
                unlink(manifestPath)
                if let inspected, inspected.isFolder(at: staging) {
                    if inspected.matched { return (staging, manifest) }
                } else if manifest.matches(folder: staging) {
                    return (staging, manifest)
                }
                try? FileManager.default.removeItem(atPath: staging)
            } else {
                unlink(manifestPath)
                try? FileManager.default.removeItem(atPath: previous)
            }
        }
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw Failure(message: "无法创建临时输出文件夹 \(staging)：\(error.localizedDescription)")
        }
        return (staging, nil)
    }

    /// The published folder and its manifest, if there is one to read.
    static func published(_ output: String, cache: LoadCache? = nil) -> (path: String, manifest: OutputManifest)? {
        guard FileSystem.isDirectory(output), !FileSystem.isSymlink(output),
              let manifest = readManifest(manifestPath(of: output), cache: cache) else { return nil }
        return (output, manifest)
    }

    /// The manifest at `path`, parsed; kept parsed in `cache` between builds of one process.
    private static func readManifest(_ path: String, cache: LoadCache?) -> OutputManifest? {
        func read(_ path: String) -> OutputManifest? { FileSystem.read(path).flatMap(OutputManifest.parse) }
        return cache.map { $0.parsed(path, read) } ?? read(path)
    }

    /// `.Site.previous` beside `Site`: the generation the last build replaced, kept for the next build to reuse.
    static func previousGeneration(of output: String) -> String {
        output.parentPath.appendingPath(".\(output.lastPathComponent).previous")
    }

    /// `.Site.manifest` beside `Site`: what the published folder holds, written after each publish.
    static func manifestPath(of output: String) -> String {
        output.parentPath.appendingPath(".\(output.lastPathComponent).manifest")
    }

    /// `.Site.search-terms` beside `Site`: what the last build read from each search document (``SearchTermCache``).
    static func searchCachePath(of output: String) -> String {
        output.parentPath.appendingPath(".\(output.lastPathComponent).search-terms")
    }

    /// `.Site.bodies` beside `Site/`: what the last build learned of each Markdown body (``BodyFacts``).
    static func bodyFactsPath(of output: String) -> String {
        output.parentPath.appendingPath(".\(output.lastPathComponent).bodies")
    }

    /// Removes staging and retired folders left by builds that were killed.
    ///
    /// Where the file system cannot exchange two folders, a build killed between its two renames leaves the
    /// previous site retired and none in place: that retired site is put back instead of being deleted.
    static func cleanStale(parent: String, name: String) {
        let output = parent.appendingPath(name)
        for entry in FileSystem.list(parent) where entry.hasPrefix(".\(name).staging-") || entry.hasPrefix(".\(name).old-")
            || (entry.hasPrefix(".\(name).") && entry.contains(".tmp-")) {
            let pidText = entry.split(separator: "-").last.map(String.init) ?? ""
            // A live build owns it, and so may another build of this very process (serve, parallel tests).
            if let pid = Int32(pidText), pid == getpid() || kill(pid, 0) == 0 { continue }
            let path = parent.appendingPath(entry)
            if entry.hasPrefix(".\(name).old-"), !FileSystem.exists(output), rename(path, output) == 0 { continue }
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// Puts `staging` at `output` in one step (RENAME_EXCHANGE), keeps the previous site for the next build to reuse,
    /// and records what the published folder now holds. Returns whether the replaced site was kept, its manifest
    /// (the one that described `output` before) moved beside it.
    ///
    /// With `later`, the manifest is written once the build has been reported (``LoadCache/afterBuild(_:)``) and
    /// kept parsed there: a process that builds again (serve) needs it only for its next build.
    @discardableResult
    static func publish(staging: String, to output: String, manifest: OutputManifest, later: LoadCache? = nil) throws(Failure) -> Bool {
        let published = manifestPath(of: output)
        func record() {
            guard let later else { _ = writeAtomically(manifest.serialized(), to: published); return }
            later.afterBuild {
                if writeAtomically(manifest.serialized(), to: published) { later.remember(manifest, parsedFrom: published) }
            }
        }
        let previous = previousGeneration(of: output)
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDir) {
            guard isDir.boolValue else { throw Failure(message: "输出路径 \(output) 是一个文件，不是文件夹") }
            // Set aside before the swap (renamed, not copied: it is megabytes): it describes the site about to be
            // replaced, which becomes the previous generation.
            let outgoing = published + ".tmp-outgoing-\(getpid())"
            let hasOutgoing = rename(published, outgoing) == 0
            if roster_exchange_paths(staging, output) == 0 {
                // `staging` now holds the previous site.
                try? FileManager.default.removeItem(atPath: previous)
                var kept = false
                if hasOutgoing, rename(staging, previous) == 0 {
                    kept = rename(outgoing, previous + ".manifest") == 0
                } else {
                    unlink(outgoing)
                    try? FileManager.default.removeItem(atPath: staging)
                }
                record()
                return kept
            }
            // The file system cannot exchange: retire the old folder, then move the new one in.
            unlink(outgoing)
            let retired = output.parentPath.appendingPath(".\(output.lastPathComponent).old-\(builds.add(1, ordering: .relaxed).newValue)-\(getpid())")
            guard rename(output, retired) == 0 else { throw Failure(message: "无法替换 \(output)：\(String(cString: strerror(errno)))") }
            guard rename(staging, output) == 0 else {
                _ = rename(retired, output)
                throw Failure(message: "无法写入 \(output)：\(String(cString: strerror(errno)))")
            }
            try? FileManager.default.removeItem(atPath: retired)
        } else {
            try? FileManager.default.createDirectory(atPath: output.parentPath, withIntermediateDirectories: true)
            guard rename(staging, output) == 0 else {
                throw Failure(message: "无法写入 \(output)：\(String(cString: strerror(errno)))")
            }
        }
        record()
        return false
    }

    /// Brings the generation kept beside `output` up to the published one, by hard links, for a process that builds
    /// again and whose output no one else writes (serve): its next build then finds every page it keeps already in
    /// the folder it claims, instead of linking each one from the published site itself (after serve's first
    /// build, every one of 45,000 files at 20,000 cases). Done after a build is reported (``LoadCache/afterBuild(_:)``),
    /// while the editor looks at the page. `previous` is what the kept generation holds (its manifest, as the build
    /// that published it made it), nil when there is none; the result is kept in `cache`.
    static func mirror(_ output: String, published: OutputManifest, previous: OutputManifest?, cache: LoadCache) {
        let folder = previousGeneration(of: output)
        let manifestPath = folder + ".manifest"
        // While it changes, no manifest claims to describe it.
        unlink(manifestPath)
        if previous == nil {
            try? FileManager.default.removeItem(atPath: folder)
            guard mkdir(folder, 0o755) == 0 else { return }
        }
        let mirror = OutputFolder(path: folder, previous: previous, published: (output, published),
                                  expectedFiles: published.files.count)
        guard mirror.mirrorPublished() else {
            // Half made: not kept. The next build claims an empty folder, as it would have without this.
            try? FileManager.default.removeItem(atPath: folder)
            return
        }
        let manifest = mirror.finish()
        if writeAtomically(manifest.serialized(), to: manifestPath) { cache.remember(manifest, parsedFrom: manifestPath) }
    }

    /// Writes a bookkeeping file through a temporary name, so it is whole or absent.
    static func writeAtomically(_ bytes: [UInt8], to path: String) -> Bool {
        let temporary = path + ".tmp-\(getpid())"
        guard bytes.withUnsafeBytes({ OutputFolder.writeFile(temporary, $0) }) != nil else { return false }
        return rename(temporary, path) == 0
    }
}

extension String {
    var parentPath: String {
        let trimmed = hasSuffix("/") && count > 1 ? String(dropLast()) : self
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }
}
