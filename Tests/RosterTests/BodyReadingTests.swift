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

    /// A site of one provider and one case, built once.
    private func builtSite() throws -> TestSite {
        let site = try TestSite([
            "Content/providers/p.md": providerFile(name: "甲服务商", body: "初始正文。"),
            "Content/cases/c.md": caseFile(provider: "p", body: "案例正文，一百字以内。"),
        ])
        #expect(site.build(now: "2024-02-10").published)
        return site
    }

    /// Rewrites the case's body in place with text of the same length and sets its time back: size, inode and
    /// modification time (its stamp) stay, as a coarse clock or a careful tool may leave them.
    private func editKeepingStamp(_ site: TestSite) throws {
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
    }

    @Test("a body changed on disk after it was checked is not published: the build names the file")
    func changedAfterCheck() throws {
        let site = try builtSite()
        let before = try fileTree(site.root + "/Site")

        // serve keeps decoded files by their stamp: an edit that keeps it is taken from that cache, and the body
        // read for the page no longer matches what was checked.
        let cache = LoadCache()
        var options = BuildOptions(root: site.root, now: Day(iso: "2024-02-10"))
        options.cache = cache
        #expect(Builder.build(options).published)
        try editKeepingStamp(site)

        // The case page would be made again (the theme or date changed): its body must be read.
        options.now = Day(iso: "2024-02-11")
        let report = Builder.build(options)
        #expect(!report.published)
        #expect(report.failure?.contains("cases/c.md") == true, "\(report.failure ?? "no failure")")
        #expect(try fileTree(site.root + "/Site") == before)

        // Building again reads the file afresh (the failed build dropped it from the cache), checks it and
        // publishes it.
        #expect(Builder.build(options).published)
        #expect(site.read("Site/cases/c/index.html")?.contains("改过正文") == true)
    }

    @Test("what a build learned of the bodies reads back whole; a damaged or truncated file is refused")
    func factsRoundTrip() throws {
        let site = try TestSite(["Content/providers/p.md": providerFile(name: "甲服务商", body: body)])
        // Loaded as a build loads (`roster check` keeps no front matter: it writes no facts).
        let loaded = try #require(SiteLoader.load(root: site.root, cache: nil, bodies: nil).site)
        #expect(site.load().site?.providers.first?.body.file?.frontMatter.isEmpty == true)
        let facts = BodyFacts(site: loaded, readSince: BodyFacts.now() + 2 * BodyFacts.racyMargin)
        let entry = try #require(facts.entries["Content/providers/p.md"])
        #expect(entry.length == body.utf8.count && !entry.frontMatter.isEmpty)
        // Read less than a second after it changed, the file is "racily clean": an edit in the same tick of the
        // file system's clock would not show in its times, so its front matter is not kept for the next build.
        #expect(BodyFacts(site: loaded, readSince: BodyFacts.now()).entries["Content/providers/p.md"]?.frontMatter.isEmpty == true)
        #expect(entry.links == [Markdown.Link(url: "/providers/p/", line: 1, isImage: false)])
        let bytes = facts.serialized()
        #expect(BodyFacts.parse(bytes) == facts)
        for cut in [0, BodyFacts.magic.count, bytes.count / 2, bytes.count - 1] {
            #expect(BodyFacts.parse(Array(bytes[..<cut])) == nil, "cut at \(cut)")
        }
        var damaged = bytes
        damaged[BodyFacts.magic.count + 3] ^= 0x40
        #expect(BodyFacts.parse(damaged) == nil)
        // Another roster program's facts are not used: it may check bodies differently.
        #expect(BodyFacts.parse(facts.serialized(program: 1), program: 2) == nil)
        #expect(BodyFacts.parse(facts.serialized(program: 2), program: 2) == facts)
        // A checksummed file whose numbers could overflow a sum is refused, not trusted.
        var huge = facts
        huge.entries["Content/providers/p.md"]?.offset = Int.max - 10
        #expect(BodyFacts.parse(huge.serialized()) == nil)
    }

    @Test("a front matter kept in the facts decodes to the value parsed, positions and quotes included; other bytes do not")
    func frontMatterRoundTrip() throws {
        let yaml = """
        name: "青岛海岸智造科技有限公司"
        types: [integrator, product]
        empty:
        chain_leader: {mode: lead, revenue_last_year: 2000000000}
        history:
          - {date: 2024-02-10, event: 入选, note: '单引号'}
          - date: 2024-03-01
            event: 公示
        """
        let value = try YAMLReader.parse(yaml, lineOffset: 1)
        var bytes: [UInt8] = []
        value.encode(into: &bytes)
        let decoded = try #require(ContentValue(encoded: bytes))
        #expect(describe(decoded) == describe(value))
        #expect(describe(decoded).contains("\"青岛海岸智造科技有限公司\"@2:7") && describe(decoded).contains("null@4"))
        for cut in [0, 1, bytes.count / 2, bytes.count - 1] { #expect(ContentValue(encoded: Array(bytes[..<cut])) == nil) }
        #expect(ContentValue(encoded: bytes + [0]) == nil)
        #expect(ContentValue(encoded: [9, 1, 1]) == nil)
        // Deeper than any front matter the YAML reader accepts: refused, not followed down the stack.
        #expect(ContentValue(encoded: Array(repeating: [3, 1, 1, 1], count: 100).flatMap { $0 }) == nil)
    }

    /// Every kind, text, quote and position of a value, as one string.
    private func describe(_ value: ContentValue) -> String {
        let place = "@\(value.line):\(value.column)"
        switch value.kind {
        case .scalar(let text, let quoted): return (quoted ? "\"\(text)\"" : text) + place
        case .null: return "null" + place
        case .list(let items): return "[" + items.map(describe).joined(separator: ",") + "]" + place
        case .map(let entries):
            return "{" + entries.map { "\($0.key)@\($0.keyLine):\($0.keyColumn)=" + describe($0.value) }.joined(separator: ",") + "}" + place
        }
    }

    @Test("a rebuild reads no unchanged file and gives the site a build from nothing gives")
    func rebuildFromFacts() throws {
        let site = try TestSite(copying: ["Content", "Themes"])
        #expect(site.build(now: "2024-02-10").published)
        // Files copied less than a second before the first build are racily clean there (see BodyFacts.racyMargin):
        // the facts keep their front matter from a build that reads them over a second after they were written.
        #expect(BodyFacts.read(site.root + "/.Site.bodies")?.entries.values.allSatisfy { $0.frontMatter.isEmpty } == true)
        Thread.sleep(forTimeInterval: 1.1)
        #expect(site.build(now: "2024-02-10").published)
        let facts = try #require(BodyFacts.read(site.root + "/.Site.bodies"))
        let cases = try FileManager.default.contentsOfDirectory(atPath: site.root + "/Content/cases").filter { $0.hasSuffix(".md") }
        #expect(facts.entries.count >= cases.count && !cases.isEmpty)

        // Loading with the facts: no Markdown file is read, yet the entries, their fields' places (which findings
        // point to) and their bodies are those of a load that reads every file.
        let plainLoad = site.load()
        let knownLoad = SiteLoader.load(root: site.root, cache: nil, bodies: facts)
        let plain = try #require(plainLoad.site)
        let known = try #require(knownLoad.site)
        let markdownFiles = plain.providers.count { $0.body.file != nil } + plain.cases.count { $0.body.file != nil }
            + plain.notices.count { $0.body.file != nil }
        #expect(plainLoad.unread == 0 && knownLoad.unread == markdownFiles && markdownFiles > 50)
        #expect(knownLoad.findings == plainLoad.findings)
        #expect(Rules.check(known) == Rules.check(plain))
        for (a, b) in zip(plain.providers, known.providers) {
            #expect(a.name == b.name && a.source.location == b.source.location && a.source.stamp == b.source.stamp)
            #expect(a.source.fields == b.source.fields, "\(a.id)")
        }
        #expect(known.cases.map(\.id) == plain.cases.map(\.id))
        for (a, b) in zip(plain.cases, known.cases) where a.body.file != nil {  // JSON cases have no body
            #expect(b.body.file != nil && b.body.links == a.body.links && b.body.firstLine == a.body.firstLine)
            #expect(b.body.loaded()?.text == a.body.loaded()?.text)
        }

        // One body edited (another length) and one provider renamed (its front matter): both read whole again,
        // every other file decoded from the facts; the name shows on every page that names the provider, and the
        // site is byte for byte the one a build from nothing makes.
        let name = try #require(cases.sorted().first)
        let path = "Content/cases/\(name)"
        try site.write(path, try #require(site.read(path)) + "\n新加的一段。\n")
        let provider = try #require(plain.providers.first { $0.body.file != nil })
        let providerPath = provider.source.location.file
        try site.write(providerPath, try #require(site.read(providerPath))
            .replacingOccurrences(of: "name: \(provider.name)", with: "name: \(provider.name)（更名）"))
        let rebuild = site.build(now: "2024-02-10")
        #expect(rebuild.published && rebuild.unreadFiles == markdownFiles - 2, "\(rebuild.unreadFiles) of \(markdownFiles)")
        #expect(BodyFacts.read(site.root + "/.Site.bodies")?.entries[path]?.length != facts.entries[path]?.length)
        let output = site.root + "/Fresh"
        #expect(site.build(now: "2024-02-10", output: output).published)
        #expect(try fileTree(site.root + "/Site") == fileTree(output))
        #expect(site.read("Site/cases/\((name as NSString).deletingPathExtension)/index.html")?.contains("新加的一段") == true)
        let renamed = provider.name + "（更名）"
        #expect(site.read("Site/providers/\(provider.id)/index.html")?.contains(renamed) == true)
        for item in plain.cases where item.provider == provider.id {
            #expect(site.read("Site/cases/\(item.id)/index.html")?.contains(renamed) == true, "\(item.id)")
        }
    }

    @Test("a body edited in place with its stamp kept is not taken from the facts: its status-change time moved")
    func factsAndStampKept() throws {
        let site = try builtSite()
        try editKeepingStamp(site)
        let report = site.build(now: "2024-02-11")
        #expect(report.published, "\(report.failure ?? "")")
        #expect(site.read("Site/cases/c/index.html")?.contains("改过正文") == true)
    }

    @Test("a body found changed when its page is made drops the facts, so building again reads every file whole")
    func mismatchDropsFacts() throws {
        let site = try builtSite()
        #expect(site.exists(".Site.bodies"))
        // Facts that no longer match the file (as a swap between loading and rendering would leave it): the hash
        // recorded for the case's body is another one.
        var facts = try #require(BodyFacts.read(site.root + "/.Site.bodies"))
        facts.entries["Content/cases/c.md"]?.hash ^= 1
        #expect(Publisher.writeAtomically(facts.serialized(), to: site.root + "/.Site.bodies"))
        let before = try fileTree(site.root + "/Site")

        let report = site.build(now: "2024-02-11")
        #expect(!report.published)
        #expect(report.failure?.contains("cases/c.md") == true, "\(report.failure ?? "no failure")")
        #expect(try fileTree(site.root + "/Site") == before)
        #expect(!site.exists(".Site.bodies"))
        #expect(site.build(now: "2024-02-11").published)
    }
}
