import Foundation
import Testing

@testable import Roster

/// Bodies are not held from loading to rendering: the loader keeps their links and where they are in their files,
/// and each page reads its body again (issue 8: memory grows with the number of entries, not with their bodies).
@Suite("Bodies read again where their pages are made")
struct BodyReadingTests {
    private let body = "第一段，有[一个链接](/providers/p/)。\n\n| 指标 | 数值 |\n|---|---|\n| 良品率 | 98% |\n"

    @Test("a loaded body is not held; its links are known; read again it is the file's text")
    func notHeld() throws {
        let site = try TestSite(["Content/providers/p.md": providerFile(name: "甲服务商", body: body)])
        let loaded = try #require(site.load().site)
        let provider = try #require(loaded.providerByID["p"])
        #expect(!provider.body.isHeld)
        #expect(provider.body.links == [Markdown.Link(url: "/providers/p/", line: 1, isImage: false)])
        let again = try #require(provider.body.loaded())
        #expect(again.isHeld)
        #expect(again.text == body)
        #expect(again.withinLimits)
    }

    @Test("a body the decoder normalised (CRLF line ends) stays held, as decoded")
    func normalisedStaysHeld() throws {
        let site = try TestSite(["Content/providers/p.md": providerFile(name: "甲服务商", body: body).replacingOccurrences(of: "\n", with: "\r\n")])
        let provider = try #require(site.load().site?.providerByID["p"])
        #expect(provider.body.isHeld)
        #expect(provider.body.text == body)
    }

    @Test("a body changed on disk after it was checked is not published: the build names the file")
    func changedAfterCheck() throws {
        let site = try TestSite([
            "Content/providers/p.md": providerFile(name: "甲服务商", body: "初始正文。"),
            "Content/cases/c.md": caseFile(provider: "p", body: "案例正文，一百字以内。"),
        ])
        #expect(site.build(now: "2024-02-10").published)
        let before = try fileTree(site.root + "/Site")

        // serve keeps decoded files by their stamp (path, size, inode, time). An edit that keeps all four (same
        // length, written in place, the time set back, as a coarse clock or a careful tool may leave it) is
        // taken from that cache: the body read for the page no longer matches what was checked.
        let cache = LoadCache()
        var options = BuildOptions(root: site.root, now: Day(iso: "2024-02-10"))
        options.cache = cache
        #expect(Builder.build(options).published)
        let path = site.root + "/Content/cases/c.md"
        var info = stat()
        #expect(lstat(path, &info) == 0)
        let original = try #require(site.read("Content/cases/c.md"))
        let edited = original.replacingOccurrences(of: "案例正文", with: "改过正文")
        #expect(edited.utf8.count == original.utf8.count)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data(edited.utf8))
        try handle.close()
        var times = [info.st_atim, info.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)

        // The case page would be made again (the theme or date changed): its body must be read.
        options.now = Day(iso: "2024-02-11")
        let report = Builder.build(options)
        #expect(!report.published)
        #expect(report.failure?.contains("cases/c.md") == true, "\(report.failure ?? "no failure")")
        #expect(try fileTree(site.root + "/Site") == before)

        // Without the cache the file is read afresh, checked, and published.
        options.cache = nil
        #expect(Builder.build(options).published)
        #expect(site.read("Site/cases/c/index.html")?.contains("改过正文") == true)
    }
}
