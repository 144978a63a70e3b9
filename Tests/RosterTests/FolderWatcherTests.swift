import Foundation
import Testing

@testable import Roster

/// `roster serve`'s watcher: told by the kernel on Linux, scanning elsewhere; both must report the same changes.
@Suite("Folder watcher")
struct FolderWatcherTests {
    /// The changes reported, gathered from the watcher's thread.
    final class Reports: @unchecked Sendable {
        private let lock = NSLock()
        private var paths: [[String]] = []
        func add(_ changed: [String]) { lock.withLock { paths.append(changed) } }
        var all: Set<String> { lock.withLock { Set(paths.flatMap { $0 }) } }
        var count: Int { lock.withLock { paths.count } }
        var each: [[String]] { lock.withLock { paths } }

        /// Waits until `path` has been reported, at most `seconds`.
        func wait(for path: String, seconds: Double = 5) -> Bool {
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                if all.contains(path) { return true }
                Thread.sleep(forTimeInterval: 0.01)
            }
            return false
        }
    }

    @Test("files written, added in a new folder, renamed over and removed are reported, by either method",
          arguments: [false, true])
    func reportsChanges(polling: Bool) throws {
        let site = try TestSite(["Content/cases/a.md": "a", "Themes/default/x.css": "x"])
        let watcher = FolderWatcher(folders: [site.root + "/Content", site.root + "/Themes"], interval: 0.05, settle: 0.03)
        let reports = Reports()
        watcher.start(polling: polling, onChange: { reports.add($0) })
        defer { watcher.stop() }
        #if os(Linux)
        #expect(watcher.method == (polling ? .polling : .events))
        #endif
        Thread.sleep(forTimeInterval: 0.1)

        try site.write("Content/cases/a.md", "changed")
        #expect(reports.wait(for: "Content/cases/a.md"))
        try site.write("Content/notices/new/b.md", "in a folder made after the watch began")
        #expect(reports.wait(for: "Content/notices/new/b.md"))
        // A file in the new folder changed later is seen too: the folder is watched now.
        Thread.sleep(forTimeInterval: 0.1)
        try site.write("Content/notices/new/b.md", "changed again")
        let before = reports.count
        let end = Date().addingTimeInterval(5)
        while reports.count == before && Date() < end { Thread.sleep(forTimeInterval: 0.01) }
        #expect(reports.count > before)
        // Saved as editors do: a temporary file renamed over the old one.
        try site.write("Themes/default/.x.css.tmp", "y")
        #expect(rename(site.root + "/Themes/default/.x.css.tmp", site.root + "/Themes/default/x.css") == 0)
        #expect(reports.wait(for: "Themes/default/x.css"))
        try site.remove("Content/cases/a.md")
        let removed = Date().addingTimeInterval(5)
        var seen = false
        while !seen && Date() < removed {
            seen = reports.count > 0 && reports.all.contains("Content/cases/a.md") && !FileManager.default.fileExists(atPath: site.root + "/Content/cases/a.md")
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(seen)
        // Hidden and backup files are not reported, nor one made and removed at once (`sed -i`'s temporary file).
        try site.write("Content/cases/sedX1y2z3", "temporary")
        #expect(rename(site.root + "/Content/cases/sedX1y2z3", site.root + "/Content/cases/b.md") == 0)
        #expect(reports.wait(for: "Content/cases/b.md"))
        #expect(!reports.all.contains { $0.hasSuffix(".tmp") }, "\(reports.all.sorted())")
        // (A scan between the write and the rename would see the temporary file, so only events promise this.)
        if watcher.method == .events { #expect(!reports.all.contains { $0.contains("sedX1y2z3") }, "\(reports.all.sorted())") }
    }

    @Test("a burst of changes is reported once, after the folders stayed quiet")
    func coalesces() throws {
        let site = try TestSite(["Content/cases/a.md": "a"])
        let watcher = FolderWatcher(folders: [site.root + "/Content"], interval: 0.05, settle: 0.2)
        let reports = Reports()
        watcher.start(onChange: { reports.add($0) })
        defer { watcher.stop() }
        Thread.sleep(forTimeInterval: 0.1)
        for n in 0..<10 { try site.write("Content/cases/c\(n).md", "x") }
        #expect(reports.wait(for: "Content/cases/c9.md"))
        Thread.sleep(forTimeInterval: 0.3)
        #expect(reports.count == 1, "\(reports.each)")
        #expect(reports.all.isSuperset(of: (0..<10).map { "Content/cases/c\($0).md" }))
    }
}
