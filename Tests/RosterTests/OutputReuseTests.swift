import Foundation
import Testing

@testable import Roster

/// A build reuses the generation before the published one and writes only files whose bytes changed; whatever
/// happened in between, the published tree must equal the tree a build from nothing gives.
@Suite("Output reuse between builds")
struct OutputReuseTests {
    /// The default site's content, built three times: the third build reuses the first one's folder.
    private func siteBuiltThrice() throws -> TestSite {
        let site = try TestSite(copying: ["Content", "Themes"])
        // One case more than the default site has, for a test to delete.
        try site.write("Content/cases/extra-case.md", caseFile(provider: "anzhun-shijue", extra: "showroom: false"))
        for _ in 0..<3 { #expect(site.build(now: "2024-02-10").published) }
        return site
    }

    /// What a build from nothing gives for the same content, into a folder of its own.
    private func fresh(_ site: TestSite) throws -> [String: Data] {
        let output = site.root + "/Fresh-\(UUID().uuidString)"
        #expect(site.build(now: "2024-02-10", output: output).published)
        defer { try? FileManager.default.removeItem(atPath: output) }
        return try fileTree(output)
    }

    @Test("an unchanged site is rebuilt without writing a single file, and the tree is the one a fresh build gives")
    func unchanged() throws {
        let site = try siteBuiltThrice()
        let report = site.build(now: "2024-02-10")
        #expect(report.published)
        let total = report.written.values.reduce(0, +)
        #expect(total > 100)
        #expect(report.unchanged == total)
        #expect(try fileTree(site.root + "/Site") == fresh(site))
    }

    @Test("a provider renamed and a case deleted: every page shows the new name, the case's page is gone")
    func changed() throws {
        let site = try siteBuiltThrice()
        let provider = try #require(FileManager.default.contentsOfDirectory(atPath: site.root + "/Content/providers").sorted().first)
        let path = "Content/providers/\(provider)"
        let text = try #require(site.read(path))
        let oldName = try #require(text.split(separator: "\n").first { $0.hasPrefix("name:") }).dropFirst(5)
            .trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
        try site.write(path, text.replacingOccurrences(of: "name: \(oldName)", with: "name: 改名后的测试服务商有限公司"))
        #expect(site.exists("Site/cases/extra-case/index.html"))
        try site.remove("Content/cases/extra-case.md")

        let report = site.build(now: "2024-02-10")
        #expect(report.published)
        #expect(report.unchanged > 0 && report.unchanged < report.written.values.reduce(0, +))
        let published = try fileTree(site.root + "/Site")
        #expect(published == (try fresh(site)))
        #expect(!site.exists("Site/cases/extra-case"))
        let stale = published.filter { String(decoding: $0.value, as: UTF8.self).contains(oldName) }.keys.sorted()
        #expect(stale.isEmpty, "old name still on \(stale.prefix(5))")
    }

    /// Replaces the first occurrence of `old` in `path`, failing the test if it is not there.
    private func edit(_ site: TestSite, _ path: String, _ old: String, _ new: String) throws {
        let text = try #require(site.read(path), "\(path) missing")
        #expect(text.contains(old), "\(path) has no \(old)")
        try site.write(path, text.replacingOccurrences(of: old, with: new))
    }

    @Test("edits of every kind, one after another: each build, which skips pages by fingerprint, equals one from nothing")
    func editsOfEveryKind() throws {
        let site = try siteBuiltThrice()
        let firstCase = "Content/cases/anzhun-brake-disc-vision.md"
        let edits: [(String, () throws -> Void)] = [
            ("a case's title", { try self.edit(site, firstCase, "title: ", "title: 改过的") }),
            ("a case's body", { try self.edit(site, firstCase, "| 指标 |", "回访后补充的一段。\n\n| 指标 |") }),
            ("a provider's body", { try self.edit(site, "Content/providers/anzhun-shijue.md", "\n---\n", "\n---\n\n补充介绍一段。\n") }),
            ("a notice's body", {
                try self.edit(site, "Content/notices/publicity-2024-first-batch.md", "\n---\n", "\n---\n\n补充说明一段。\n")
            }),
            ("a case's provider's name", { try self.edit(site, "Content/providers/anzhun-shijue.md", "name: ", "name: 新") }),
            ("a notice's title", { try self.edit(site, "Content/notices/publicity-2024-first-batch.md", "title: ", "title: 新") }),
            ("an industry's name", { try self.edit(site, "Content/industries.yaml", "name: 汽车零部件及配件制造", "name: 汽车零部件制造") }),
            ("a theme string", { try self.edit(site, "Themes/default/strings/zh-CN.yaml", "  badge: 示例", "  badge: 演示") }),
            ("a template", { try self.edit(site, "Themes/default/templates/partials/case-card.mustache", "<", "<!-- x -->\n<") }),
            ("a case removed", { try site.remove("Content/cases/extra-case.md") }),
            ("a case added", { try site.write("Content/cases/added-case.md", caseFile(provider: "anzhun-shijue", extra: "showroom: false")) }),
            ("a file touched, not changed", {
                let text = try #require(site.read(firstCase))
                try site.write(firstCase, text)
            }),
        ]
        for (what, apply) in edits {
            try apply()
            let report = site.build(now: "2024-02-10")
            #expect(report.published, "after \(what)")
            let expected = try fresh(site)
            #expect(try fileTree(site.root + "/Site") == expected, "after \(what)")
            // The next build writes into the generation before: what changed is copied from the published site.
            let again = site.build(now: "2024-02-10")
            #expect(again.published && !again.steps.contains { $0.name == "Write search index and page" }, "after \(what)")
            #expect(try fileTree(site.root + "/Site") == expected, "after \(what), built again")
        }
        // Another day: every state may read differently.
        #expect(site.build(now: "2024-03-01").published)
        let output = site.root + "/Fresh-day"
        #expect(site.build(now: "2024-03-01", output: output).published)
        #expect(try fileTree(site.root + "/Site") == (try fileTree(output)))
    }

    @Test("edits that keep every path: each build describes the generation it leaves so that the next one reuses it")
    func samePathsKeepReusing() throws {
        let site = try siteBuiltThrice()
        for round in 0..<4 {
            // Emphasis on and off: the case's page is made anew (its folder changes), while the search index, which
            // reads only the words, keeps every file it had; no path comes or goes.
            let (plain, emphasised) = ("企业质量成本", "**企业质量成本**")
            try edit(site, "Content/cases/anzhun-brake-disc-vision.md", round % 2 == 0 ? plain : emphasised,
                     round % 2 == 0 ? emphasised : plain)
            let report = site.build(now: "2024-02-10")
            #expect(report.published)
            // Had the folders been described wrongly, the generation would not match and be started afresh.
            let reused = report.reusedGeneration
            #expect(reused, "round \(round)")
        }
        #expect(try fileTree(site.root + "/Site") == fresh(site))
    }

    @Test("a case removed, then another added: each generation is described as left (emptied folders gone), and reused")
    func removedAndAddedKeepReusing() throws {
        let site = try siteBuiltThrice()
        func buildTwice(_ what: String) throws {
            // The first build works on the generation before the change, the second on the one it published.
            for round in 0..<2 {
                let report = site.build(now: "2024-02-10")
                let reused = report.reusedGeneration
                #expect(report.published && reused, "\(what), build \(round)")
            }
            #expect(try fileTree(site.root + "/Site") == fresh(site), "\(what)")
        }
        try site.remove("Content/cases/extra-case.md")
        try buildTwice("removed")
        #expect(!site.exists("Site/cases/extra-case") && !site.exists(".Site.previous/cases/extra-case"))
        try site.write("Content/cases/another-case.md", caseFile(provider: "anzhun-shijue", extra: "showroom: false"))
        try buildTwice("added")
        #expect(site.exists("Site/cases/another-case/index.html") && site.exists(".Site.previous/cases/another-case/index.html"))
        try buildTwice("unchanged")
    }

    @Test("nothing changed: no page is made again")
    func nothingChanged() throws {
        let site = try siteBuiltThrice()
        let report = site.build(now: "2024-02-10")
        #expect(report.published)
        // The search index and every page were kept by fingerprint, so no Markdown body was rendered for them.
        #expect(!report.steps.contains { $0.name == "Write search index and page" })
        #expect(report.unchanged == report.written.values.reduce(0, +))
    }


    @Test("one case's text edited: its search result file is rewritten in place, the others are left as they were")
    func searchResultFilesStay() throws {
        let site = try siteBuiltThrice()
        func results() throws -> String {
            let manifest = try #require(site.read("Site/search/index.json"))
            return String(try #require(manifest.components(separatedBy: "\"results\":\"").dropFirst().first).prefix(12))
        }
        let before = try results()
        let folder = site.root + "/Site/search/\(before)/d"
        let total = try FileManager.default.contentsOfDirectory(atPath: folder).count
        let start = Date()
        Thread.sleep(forTimeInterval: 0.05)
        try edit(site, "Content/cases/anzhun-brake-disc-vision.md", "| 指标 |", "本段为回访后补充的说明。\n\n| 指标 |")
        let report = site.build(now: "2024-02-10")
        #expect(report.published)
        // Only the case's own page shows its body (its provider and the provider's other cases show its front
        // matter): every other provider and case was indexed from the search term cache, without rendering its body.
        let content = try #require(SiteLoader.load(root: site.root).site)
        #expect(report.searchReused == content.providers.count + content.cases.count - 1)
        #expect(try results() == before, "the numbering did not change, so neither does the folder")
        let rewritten = try FileManager.default.contentsOfDirectory(atPath: folder).filter { name in
            let modified = try FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.modificationDate] as? Date
            return (modified ?? .distantFuture) > start
        }
        #expect(rewritten.count == 1, "rewritten: \(rewritten) of \(total)")
        let name = try #require(rewritten.first)
        let text = try #require(site.read("Site/search/\(before)/d/\(name)"))
        #expect(text.contains("本段为回访后补充的说明"))
        #expect(try fileTree(site.root + "/Site") == fresh(site))
    }
    @Test("one case's body edited: its page and the search index are made again, not the pages that list it")
    func bodyEditKeepsListings() throws {
        let site = try siteBuiltThrice()
        let path = "Content/cases/anzhun-brake-disc-vision.md"
        try edit(site, path, "| 指标 |", "本段为回访后补充的说明。\n\n| 指标 |")
        let report = site.build(now: "2024-02-10")
        #expect(report.published)
        // The case's page only: its provider's page and the provider's other cases show its front matter, as do
        // the directories, lists, calendars and data. The feed holds notices' bodies alone, but is made from
        // every body's stamp: it is made again (and found unchanged).
        #expect(report.made == ["case": 1, "feed": 1], "made: \(report.made)")
        #expect(report.steps.contains { $0.name == "Write search index and page" })
        #expect(try fileTree(site.root + "/Site") == fresh(site))

        // Its title edited: now the pages that show it are made again too.
        try edit(site, path, "title: ", "title: 改过的")
        let retitled = site.build(now: "2024-02-10")
        #expect(retitled.published)
        let content = try #require(SiteLoader.load(root: site.root).site)
        let item = try #require(content.cases.first { $0.id == "anzhun-brake-disc-vision" })
        let sameProvider = content.cases.filter { $0.provider == item.provider }.count
        #expect(retitled.made["case"] == sameProvider)
        #expect(retitled.made["provider"] == 1)
        #expect(retitled.made["industry"] == 1)
        #expect(retitled.made["list"] == 5)
        #expect((retitled.made["data"] ?? 0) == 4)
        #expect(try fileTree(site.root + "/Site") == fresh(site))
    }

    @Test("a file edited or added by hand in Site/ does not survive into later builds")
    func tampered() throws {
        let site = try siteBuiltThrice()
        try site.write("Site/index.html", "<p>edited by hand</p>")
        try site.write("Site/index.html.gz", "stale precompressed copy")
        for _ in 0..<2 { #expect(site.build(now: "2024-02-10").published) }
        #expect(!site.exists("Site/index.html.gz"))
        #expect(try fileTree(site.root + "/Site") == fresh(site))
    }

    @Test("a manifest that no longer describes the previous folder is not trusted")
    func manifestMismatch() throws {
        let site = try siteBuiltThrice()
        let previous = site.root + "/.Site.previous"
        #expect(FileManager.default.fileExists(atPath: previous + ".manifest"))
        // Same size, new bytes: only the inode and time tell.
        let page = previous + "/index.html"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: page))
        try Data(repeating: UInt8(ascii: "x"), count: bytes.count).write(to: URL(fileURLWithPath: page))
        let report = site.build(now: "2024-02-10")
        #expect(report.published)
        // Built into a new folder: every file was taken from the published site, none from the damaged folder.
        #expect(try fileTree(site.root + "/Site") == fresh(site))
    }

    @Test("only an output folder no one else writes (serve's) is trusted without checking its files")
    func trustedOutput() throws {
        let site = try siteBuiltThrice()
        let page = site.root + "/.Site.previous/index.html"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: page))
        // Replaced, so the published page it was linked to keeps its bytes.
        try FileManager.default.removeItem(atPath: page)
        try Data(repeating: UInt8(ascii: "x"), count: bytes.count).write(to: URL(fileURLWithPath: page))
        #expect(Publisher.inspectPrevious(of: site.root + "/Site")?.matched == false)
        #expect(Publisher.inspectPrevious(of: site.root + "/Site", trusted: true)?.matched == true)
    }

    @Test("files the two generations share are replaced when written, never written into: the other keeps its bytes")
    func sharedFilesReplaced() throws {
        // The second build took every file from the first as a hard link; the third reused the first's folder.
        let site = try siteBuiltThrice()
        let page = "cases/anzhun-brake-disc-vision/index.html"
        func inode(_ path: String) throws -> UInt64 {
            try #require(FileManager.default.attributesOfItem(atPath: site.root + "/" + path)[.systemFileNumber] as? UInt64)
        }
        #expect(try inode("Site/" + page) == inode(".Site.previous/" + page), "the generations share the page")
        let before = try #require(site.read("Site/" + page))

        try edit(site, "Content/cases/anzhun-brake-disc-vision.md", "title: ", "title: 改过的")
        #expect(site.build(now: "2024-02-10").published)
        #expect(try #require(site.read("Site/" + page)).contains("改过的"))
        // The generation set aside still holds what its manifest says, so the next build reuses it.
        #expect(try #require(site.read(".Site.previous/" + page)) == before)
        #expect(try inode("Site/" + page) != inode(".Site.previous/" + page))
        #expect(Publisher.inspectPrevious(of: site.root + "/Site")?.matched == true)
        let again = site.build(now: "2024-02-10")
        #expect(again.published && again.made.isEmpty, "made: \(again.made)")
        #expect(try fileTree(site.root + "/Site") == fresh(site))
    }

    @Test("manifests read back as written")
    func manifestRoundTrip() {
        var manifest = OutputManifest()
        manifest.files["cases/a/index.html"] = .init(hash: .max, size: 12, inode: 99, modified: 1_700_000_000_123_456_789)
        manifest.files["名字/带\t制表符.html"] = .init(hash: 1, size: 0, inode: 1, modified: 0)
        manifest.folders[""] = .init(hash: 0, size: 4096, inode: 7, modified: 5)
        #expect(OutputManifest.parse(manifest.serialized()) == manifest)
        #expect(OutputManifest.parse(Array("not a manifest".utf8)) == nil)
        #expect(OutputManifest.parse(Array("roster-output-manifest 2\nf\t1\t2\n".utf8)) == nil)
    }
}
