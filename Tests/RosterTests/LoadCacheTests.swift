import Foundation
import Testing

@testable import Roster

@Suite("Decoded files kept between builds (serve)")
struct LoadCacheTests {
    /// Providers p (甲服务商) and q (乙服务商).
    private func twoProviders() throws -> TestSite {
        try TestSite([
            "Content/providers/p.md": providerFile(name: "甲服务商"),
            "Content/providers/q.md": providerFile(name: "乙服务商", code: creditCode("91370200MA3C00002")),
        ])
    }

    @Test("unchanged files come from the cache, changed and removed ones do not")
    func keptAndRefreshed() throws {
        let site = try twoProviders()
        let cache = LoadCache()
        let first = try #require(SiteLoader.load(root: site.root, cache: cache).site)
        #expect(Set(first.providers.map(\.name)) == ["甲服务商", "乙服务商"])
        #expect(cache.heldFiles()["Content/providers/p.md"]?.stamp == first.providerByID["p"]!.source.stamp)

        try site.write("Content/providers/p.md", providerFile(name: "甲服务商（改名）"))
        try site.remove("Content/providers/q.md")
        let second = try #require(SiteLoader.load(root: site.root, cache: cache).site)
        #expect(second.providers.map(\.name) == ["甲服务商（改名）"])
        #expect(cache.heldFiles()["Content/providers/q.md"]?.stamp != first.providerByID["q"]!.source.stamp)
    }

    @Test("a bookkeeping file is parsed again only when it was replaced; a missing one gives nil")
    func bookkeepingParsedOnce() throws {
        let site = try TestSite()
        let path = site.root + "/.Site.manifest"
        let cache = LoadCache()
        let parses = Counter()
        func parse(_ path: String) -> String? {
            parses.add()
            return FileSystem.read(path).map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(cache.parsed(path, parse) == nil)
        try site.write(".Site.manifest", "one")
        #expect(cache.parsed(path, parse) == "one")
        #expect(cache.parsed(path, parse) == "one")
        #expect(parses.value == 2)
        // Rewritten as the builds write their bookkeeping: whole, under a new name, then renamed into place.
        try site.write(".Site.manifest.tmp", "two")
        #expect(rename(path + ".tmp", path) == 0)
        #expect(cache.parsed(path, parse) == "two")
        #expect(parses.value == 3)
    }

    @Test("builds that keep decoded files (serve) neither read nor write the body facts; their site is the same")
    func serveBuildsKeepNoFacts() throws {
        let site = try TestSite(copying: ["Content", "Themes"])
        var options = BuildOptions(root: site.root, now: Day(iso: "2024-02-10"))
        options.cache = LoadCache()
        options.trustsOutput = true
        for _ in 0..<3 { #expect(Builder.build(options).published) }
        #expect(!site.exists(".Site.bodies"))
        let path = "Content/cases/anzhun-brake-disc-vision.md"
        try site.write(path, try #require(site.read(path)).replacingOccurrences(of: "| 指标 |", with: "补充一段。\n\n| 指标 |"))
        let report = Builder.build(options)
        #expect(report.published && report.searchPatched)
        #expect(report.made == ["case": 1, "feed": 1], "made: \(report.made)")
        #expect(!site.exists(".Site.bodies"))
        let fresh = site.root + "/Fresh"
        #expect(site.build(now: "2024-02-10", output: fresh).published)
        #expect(try fileTree(site.root + "/Site") == fileTree(fresh))
    }
}

extension LoadCacheTests {
    @Test("given the watcher's changed files, the others come from the cache unasked; a folder named is checked whole")
    func changedFilesTrusted() throws {
        let site = try twoProviders()
        let cache = LoadCache()
        func names(_ changes: Set<String>?) throws -> [String] {
            let loaded = SiteLoader.load(root: site.root, cache: cache, facts: nil, changes: changes)
            return try #require(loaded.site).providers.map(\.name)
        }
        #expect(try names(nil) == ["甲服务商", "乙服务商"])
        try site.write("Content/providers/p.md", providerFile(name: "甲服务商（一改）"))
        try site.write("Content/providers/q.md", providerFile(name: "乙服务商（一改）", code: creditCode("91370200MA3C00002")))
        // Only p reported: q is taken as the cache has it, without asking the file system.
        #expect(try names(["Content/providers/p.md"]) == ["甲服务商（一改）", "乙服务商"])
        // A file added and one removed, reported: the folder is listed again.
        try site.write("Content/providers/r.md", providerFile(name: "丙服务商", code: creditCode("91370200MA3C00003")))
        try site.remove("Content/providers/p.md")
        #expect(try names(["Content/providers/r.md", "Content/providers/p.md"]) == ["乙服务商", "丙服务商"])
        // Events lost (the watcher names the folder): every file is checked, q's edit found.
        #expect(try names(["Content"]) == ["乙服务商（一改）", "丙服务商"])
        try site.write("Content/providers/r.md", providerFile(name: "丙服务商（一改）", code: creditCode("91370200MA3C00003")))
        #expect(try names(["Content/providers"]) == ["乙服务商（一改）", "丙服务商（一改）"])
        // A content file under a name the watcher ignores (an editor's `#…`) is always asked, never trusted.
        let draft = "Content/providers/#draft.md"
        try site.write(draft, providerFile(name: "丁服务商", code: creditCode("91370200MA3C00004"), extra: "id: draft"))
        #expect(try names([]) == ["丁服务商", "乙服务商（一改）", "丙服务商（一改）"])
        try site.write(draft, providerFile(name: "丁服务商（一改）", code: creditCode("91370200MA3C00004"), extra: "id: draft"))
        #expect(try names([]) == ["丁服务商（一改）", "乙服务商（一改）", "丙服务商（一改）"])
    }

    @Test("changes reported to a load that stopped early are handled by the next")
    func changesKeptUntilHandled() throws {
        let site = try twoProviders()
        let cache = LoadCache()
        #expect(SiteLoader.load(root: site.root, cache: cache, facts: nil, changes: nil).site != nil)
        try site.write("Content/providers/q.md", providerFile(name: "乙服务商（一改）", code: creditCode("91370200MA3C00002")))
        // Content/ gone for a moment (a checkout in progress): the load stops before reading any file.
        #expect(rename(site.root + "/Content", site.root + "/Away") == 0)
        #expect(SiteLoader.load(root: site.root, cache: cache, facts: nil, changes: ["Content/providers/q.md"]).site == nil)
        #expect(rename(site.root + "/Away", site.root + "/Content") == 0)
        let loaded = SiteLoader.load(root: site.root, cache: cache, facts: nil, changes: ["Content/providers/p.md"])
        #expect(try #require(loaded.site).providers.map(\.name) == ["甲服务商", "乙服务商（一改）"])
    }
}

extension LoadCacheTests {
    @Test("serve keeps its theme loaded while the theme's files are unchanged, whatever the watcher reported")
    func themeKeptWhileUnchanged() throws {
        var serve = try ServeLikeSite()
        #expect(Builder.build(serve.options).published)
        let template = "Themes/default/templates/404.mustache"
        func notFoundPage(_ changes: Set<String>) throws -> String {
            serve.options.changedFiles = changes
            #expect(Builder.build(serve.options).published)
            return try #require(serve.site.read("Site/404.html"))
        }
        #expect(try !notFoundPage([]).contains("id=\"lost\""))
        // Edited, and not reported (a build that failed took the report, or the watcher missed it): seen all the same.
        try serve.site.write(template, try #require(serve.site.read(template)).replacingOccurrences(of: "<h1>", with: "<h1 id=\"lost\">"))
        #expect(try notFoundPage(["Content/cases/anzhun-brake-disc-vision.md"]).contains("id=\"lost\""))
    }
}

/// The default site built as `roster serve` builds it: with a cache kept between builds, into an output no one else writes.
private struct ServeLikeSite {
    let site: TestSite
    let cache = LoadCache()
    var options: BuildOptions

    init() throws {
        site = try TestSite(copying: ["Content", "Themes"])
        options = BuildOptions(root: site.root, now: Day(iso: "2024-02-10"))
        options.cache = cache
        options.trustsOutput = true
    }

    /// Adds a paragraph to one case's body and builds; each round's paragraph is new.
    func editAndBuild(round: Int) throws -> BuildReport {
        let path = "Content/cases/anzhun-brake-disc-vision.md"
        try site.write(path, try #require(site.read(path)).replacingOccurrences(of: "| 指标 |", with: "补充第\(round)段。\n\n| 指标 |"))
        return Builder.build(options)
    }

    /// The output tree of a build from nothing of the same content.
    func fresh() throws -> [String: Data] {
        let output = site.root + "/Fresh-\(UUID().uuidString)"
        #expect(site.build(now: "2024-02-10", output: output).published)
        return try fileTree(output)
    }
}

extension LoadCacheTests {
    @Test("serve's builds write the manifest and search term cache once reported; the next build does it first if need be")
    func bookkeepingAfterTheBuild() throws {
        let serve = try ServeLikeSite()
        #expect(Builder.build(serve.options).published)
        #expect(!serve.site.exists(".Site.manifest") && !serve.site.exists(".Site.search-terms"), "left for after the build")
        serve.cache.runDeferred()
        #expect(serve.site.exists(".Site.manifest") && serve.site.exists(".Site.search-terms"))
        // From here no one runs what the builds leave: each build must do its predecessor's first, or it would take
        // the bookkeeping of the build before that for the site now published.
        for round in 0..<3 {
            let report = try serve.editAndBuild(round: round)
            #expect(report.published && report.searchPatched)
            #expect(report.made == ["case": 1, "feed": 1], "round \(round), made: \(report.made)")
        }
        #expect(try fileTree(serve.site.root + "/Site") == serve.fresh())
    }

    @Test("after serve's first build, the generation its next build claims is made while idle: the first save reuses it")
    func firstSaveReusesAGeneration() throws {
        let serve = try ServeLikeSite()
        #expect(Builder.build(serve.options).published)
        #expect(!serve.site.exists(".Site.previous"))
        serve.cache.runDeferred()
        #expect(serve.site.exists(".Site.previous.manifest") && serve.site.exists(".Site.previous/index.html"))
        for round in 0..<3 {
            let report = try serve.editAndBuild(round: round)
            let reused = report.reusedGeneration
            #expect(report.published && reused, "round \(round)")
            #expect(report.made == ["case": 1, "feed": 1], "round \(round), made: \(report.made)")
            serve.cache.runDeferred()
        }
        let fresh = try serve.fresh()
        #expect(try fileTree(serve.site.root + "/Site") == fresh)
        #expect(try fileTree(serve.site.root + "/.Site.previous") == fresh, "the mirror holds the published site")
    }
}

/// Counts calls, from any thread.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
