import CRosterShims
import Foundation
import Synchronization

/// Swaps a finished build into place so readers see the old site or the new one, never a mix.
enum Publisher {
    /// Numbers staging folders, so that builds running at once in one process never share one.
    private static let builds = Atomic<Int>(0)

    struct Failure: Error { var message: String }

    /// A fresh staging folder beside `output`, on the same file system so the swap is a rename.
    static func makeStaging(for output: String) throws(Failure) -> String {
        let parent = output.parentPath
        let name = output.lastPathComponent
        cleanStale(parent: parent, name: name)
        let staging = parent.appendingPath(".\(name).staging-\(builds.add(1, ordering: .relaxed).newValue)-\(getpid())")
        try? FileManager.default.removeItem(atPath: staging)
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw Failure(message: "无法创建临时输出文件夹 \(staging)：\(error.localizedDescription)")
        }
        return staging
    }

    /// Removes staging and retired folders left by builds that were killed.
    ///
    /// Where the file system cannot exchange two folders, a build killed between its two renames leaves the
    /// previous site retired and none in place: that retired site is put back instead of being deleted.
    static func cleanStale(parent: String, name: String) {
        let output = parent.appendingPath(name)
        for entry in FileSystem.list(parent) where entry.hasPrefix(".\(name).staging-") || entry.hasPrefix(".\(name).old-") {
            let pidText = entry.split(separator: "-").last.map(String.init) ?? ""
            // A live build owns it, and so may another build of this very process (serve, parallel tests).
            if let pid = Int32(pidText), pid == getpid() || kill(pid, 0) == 0 { continue }
            let path = parent.appendingPath(entry)
            if entry.hasPrefix(".\(name).old-"), !FileSystem.exists(output), rename(path, output) == 0 { continue }
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// Puts `staging` at `output` in one step (RENAME_EXCHANGE), then deletes the previous site.
    static func publish(staging: String, to output: String) throws(Failure) {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDir) {
            guard isDir.boolValue else { throw Failure(message: "输出路径 \(output) 是一个文件，不是文件夹") }
            if roster_exchange_paths(staging, output) == 0 {
                try? FileManager.default.removeItem(atPath: staging)  // now holds the previous site
                return
            }
            // The file system cannot exchange: retire the old folder, then move the new one in.
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
    }
}

extension String {
    var parentPath: String {
        let trimmed = hasSuffix("/") && count > 1 ? String(dropLast()) : self
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }
}
