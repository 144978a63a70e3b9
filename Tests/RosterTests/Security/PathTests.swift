import Foundation
import Testing
@testable import Roster

/// A file outside the site whose content must never reach the output.
private func secretOutside() throws -> (dir: String, marker: String) {
    let dir = NSTemporaryDirectory() + "roster-secret-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let marker = "SECRET-" + UUID().uuidString
    try Data(marker.utf8).write(to: URL(fileURLWithPath: dir + "/secret.svg"))
    try Data(providerFile(name: marker).utf8).write(to: URL(fileURLWithPath: dir + "/p.md"))
    try Data("title: \(marker)\nbase_url: https://x.gov.cn/\npublisher: \(marker)\n".utf8).write(to: URL(fileURLWithPath: dir + "/site.yaml"))
    return (dir, marker)
}

/// Whether any file under the site's output holds `marker`.
private func outputLeaks(_ site: TestSite, _ marker: String) -> Bool {
    snapshotTree(site.root + "/Site").values.contains { String(decoding: $0, as: UTF8.self).contains(marker) }
        || FileManager.default.subpaths(atPath: site.root)?.contains { $0.contains(".staging-") } == true
}

@Suite("Security: paths stay inside Content/ and the output folder")
struct PathTests {
    @Test("ids that try to leave their folder are refused", arguments: [
        "../../etc", "..", "a/b", "a\\\\b", "/abs", "C:\\\\x", "%2e%2e", "ａｂｃ", "аbc", "A", "con", "lpt1", "-x", "x_y", "",
    ])
    func hostileIDs(_ id: String) throws {
        let site = try TestSite([
            "Content/providers/p.md": providerFile(extra: "id: \"\(id)\""),
            "Content/industries.yaml": TestSite.industriesYAML + "\n- {id: \"\(id)\", name: 行业}",
            "Content/notices/n.json": #"[{"id": "\#(id)", "title": "通知", "kind": "call", "published": "2024-01-09"}]"#,
        ])
        let findings = site.load().findings.filter { $0.rule == "schema.id" || $0.rule == "schema.required" }
        #expect(findings.count == 3, "\(id): \(findings.map(\.compilerStyle))")
        #expect(site.load().site?.industries.contains { $0.id == id } == false, "an industry with a refused id is dropped")
        let report = site.build()
        #expect(!report.published)
        #expect(!FileManager.default.fileExists(atPath: site.root + "/etc"))
    }

    @Test("Slug accepts only lower-case ASCII letters, digits and hyphens: no lookalike, no separator, no reserved name")
    func slugs() {
        for good in ["qingdao-2024-1", "a", "0x", "q-link-iot"] { #expect(Slug.isValid(good), "\(good)") }
        for bad in ["qingdao\u{2010}2024", "qіngdao", "ｑ", "q\u{0}", "q\u{200B}", "q.", "q/", "q\\x", "nul", "com3", String(repeating: "a", count: 101)] {
            #expect(!Slug.isValid(bad), "\(bad.debugDescription)")
        }
    }

    @Test("cover and attachment paths must name a file under media/", arguments: [
        "../secret.svg", "/etc/passwd", "media/../../x.svg", "media/../site.yaml", "media\\..\\x.svg", "media/./covers/c.svg",
        "media//covers/c.svg", "./media/covers/c.svg", "https://evil.example/x.svg", "MEDIA/covers/c.svg", "media/covers/C.svg",
        "media/covers/c.svg/", "media/covers/c.svg%00.png", "media/covers/c.svg\u{2215}x", "",
    ])
    func mediaPaths(_ path: String) throws {
        let site = try TestSite([
            "Content/providers/p.md": providerFile(),
            "Content/cases/c.json": #"{"title": "案例", "provider": "p", "industry": "auto-parts", "enterprise": "某企业", "role": "transformation", "cover": \#(jsonString(path))}"#,
            "Content/notices/n.json": #"{"title": "通知", "kind": "call", "published": "2024-01-09", "attachments": [{"title": "附件", "file": \#(jsonString(path))}]}"#,
            "Content/media/covers/c.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        ])
        let loaded = try #require(site.load().site)
        let findings = Rules.check(loaded).filter { $0.rule == "path.outside-media" || $0.rule == "reference.file" }
        #expect(findings.count == 2, "\(path.debugDescription): \(findings.map(\.compilerStyle))")
        #expect(!site.build().published)
    }

    @Test("NUL in a path cannot even be written: the loader refuses the control character")
    func nulInPath() throws {
        let site = try TestSite(["Content/cases/c.json": #"{"title": "案例", "provider": "p", "industry": "auto-parts", "enterprise": "某企业", "role": "transformation", "cover": "media/x.svg\u0000.png"}"#])
        let finding = try #require(site.load().findings.first { $0.location.file == "Content/cases/c.json" })
        #expect(finding.rule == "content.json")
        #expect(ReferenceRulesProbe.outside("media/x\0.svg"))
    }

    @Test("a symbolic link anywhere in Content/ is refused and nothing it points to reaches the output", arguments: [
        "Content/media/covers/c.svg", "Content/media/covers", "Content/media", "Content/providers/p.md", "Content/providers",
        "Content/site.yaml", "Content/calendar/2024.json", "Content/calendar",
    ])
    func symlinks(_ link: String) throws {
        let (secret, marker) = try secretOutside()
        defer { try? FileManager.default.removeItem(atPath: secret) }
        let site = try TestSite([
            "Content/providers/q.md": providerFile(code: creditCode("91370200MA3C00002")),
            "Content/media/covers/real.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            "Content/calendar/2023.json": #"{"year": 2023, "days": []}"#,
        ])
        let target: String
        switch link {
        case "Content/providers/p.md": target = secret + "/p.md"
        case "Content/site.yaml": target = secret + "/site.yaml"
        case "Content/calendar/2024.json": target = secret + "/secret.svg"
        case let path where path.hasSuffix(".svg"): target = secret + "/secret.svg"
        default: target = secret
        }
        try? FileManager.default.removeItem(atPath: site.root + "/" + link)
        try FileManager.default.createDirectory(atPath: (site.root + "/" + link as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: site.root + "/" + link, withDestinationPath: target)
        let findings = site.load().findings
        #expect(findings.contains { $0.rule == "path.symlink" && $0.location.file == link }, "\(link): \(findings.map(\.compilerStyle))")
        site.build()
        #expect(!outputLeaks(site, marker), "\(link) leaked its target into Site/")
    }

    @Test("the Content folder itself may not be a symbolic link")
    func contentSymlink() throws {
        let (secret, _) = try secretOutside()
        defer { try? FileManager.default.removeItem(atPath: secret) }
        let site = try TestSite()
        try FileManager.default.removeItem(atPath: site.root + "/Content")
        try FileManager.default.createSymbolicLink(atPath: site.root + "/Content", withDestinationPath: secret)
        let result = site.load()
        #expect(result.site == nil)
        #expect(result.findings.map(\.rule) == ["path.symlink"])
    }

    @Test("names that differ only in case or Unicode form clash, in content and in media", arguments: [
        ("Content/providers/A.md", "Content/providers/a.md"),
        ("Content/media/covers/X.svg", "Content/media/covers/x.svg"),
        ("Content/media/covers/caf\u{E9}.svg", "Content/media/covers/cafe\u{301}.svg"),
        ("Content/media/covers/\u{212A}.svg", "Content/media/covers/k.svg"),
    ])
    func caseClashes(_ pair: (String, String)) throws {
        // Written one by one: as dictionary keys the two NFC/NFD spellings would be one.
        let site = try TestSite()
        try site.write(pair.0, providerFile())
        try site.write(pair.1, providerFile(code: creditCode("91370200MA3C00002")))
        #expect(FileManager.default.subpaths(atPath: site.root + "/Content")!.filter { $0.hasSuffix(".svg") || $0.hasSuffix(".md") }.count == 2)
        let clashes = site.load().findings.filter { $0.rule == "path.case-clash" }
        #expect(clashes.count == 1, "\(pair): \(site.load().findings.map(\.compilerStyle))")
        #expect(!site.build().published)
    }

    @Test("media names with control characters or a backslash are refused; a FIFO is refused, not read forever")
    func mediaNames() throws {
        let site = try TestSite([
            "Content/media/covers/a\\b.svg": "<svg/>",
            "Content/media/covers/tab\tname.svg": "<svg/>",
            "Content/media/covers/ok.svg": "<svg/>",
        ])
        #expect(mkfifo(site.root + "/Content/media/covers/pipe.svg", 0o644) == 0)
        try FileManager.default.createDirectory(atPath: site.root + "/Content/providers", withIntermediateDirectories: true)
        #expect(mkfifo(site.root + "/Content/providers/fifo.md", 0o644) == 0)
        let (result, seconds) = timed { site.load() }
        let rules = result.findings.map { "\($0.rule) \($0.location.file)" }.sorted()
        #expect(rules == ["path.name Content/media/covers/a\\b.svg", "path.name Content/media/covers/tab\tname.svg",
                          "path.special-file Content/media/covers/pipe.svg", "path.special-file Content/providers/fifo.md"])
        #expect(seconds < 5)
        #expect(result.site?.mediaFiles == ["media/covers/ok.svg"])
    }

    @Test("the output folder may not be, contain or sit inside the sources, even through a symbolic link")
    func outputFolder() throws {
        let site = try TestSite(["Content/providers/p.md": providerFile()])
        try FileManager.default.createSymbolicLink(atPath: site.root + "/Link", withDestinationPath: site.root + "/Content")
        try FileManager.default.createSymbolicLink(atPath: site.root + "/RootLink", withDestinationPath: site.root)
        for output in [site.root + "/Link", site.root + "/Link/Site", site.root + "/Content/../Content", site.root + "/RootLink",
                       site.root + "/Themes/default", site.root + "/.", "/", site.root + "/.."] {
            let report = site.build(output: output)
            #expect(report.failure != nil && !report.published, "\(output)")
        }
        #expect(site.exists("Content/providers/p.md") && site.exists("Themes/default/templates/layout.mustache"))
        #expect(!site.exists("Content/Site") && !site.exists("Content/index.html"))
    }

    @Test("parallel writes into fresh folders never fail (a thread once wrote before another had made the folder)")
    func parallelWrites() throws {
        for round in 0..<20 {
            let dir = NSTemporaryDirectory() + "roster-out-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let folder = OutputFolder(path: dir)
            _ = Array(0..<400).concurrentMap { i in
                folder.write("search/\(i % 7)/d/\(i).json", "{}", kind: "search")
                return 0
            }
            #expect(folder.writeErrors.isEmpty, "round \(round): \(folder.writeErrors.prefix(3))")
        }
    }

    @Test("every file a build writes lies inside the output folder")
    func writesStayInside() throws {
        let site = try TestSite(copying: ["Content", "Themes"])
        let before = Set(FileManager.default.subpaths(atPath: site.root) ?? [])
        #expect(site.build(now: "2024-02-10").published)
        let after = Set(FileManager.default.subpaths(atPath: site.root) ?? [])
        let added = after.subtracting(before)
        // Beside Site/ only the build's own bookkeeping: the manifest of what Site/ holds (see OutputManifest) and
        // the search term cache (see SearchTermCache) and what it learned of the bodies (see BodyFacts).
        #expect(!added.isEmpty && added.allSatisfy { $0 == "Site" || $0.hasPrefix("Site/") || $0 == ".Site.manifest"
                                                     || $0 == ".Site.search-terms" || $0 == ".Site.bodies" },
                "\(added.filter { !$0.hasPrefix("Site") })")
    }
}

private func jsonString(_ text: String) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: [text]), as: UTF8.self).dropFirst().dropLast().description
}

/// `checkMediaPath` on its own, without a site around it.
enum ReferenceRulesProbe {
    static func outside(_ path: String) -> Bool {
        var findings = FindingList()
        let site = Site(root: "/nonexistent", config: SiteConfig(title: "t", baseURL: "https://x/", language: "zh-CN", publisher: "p",
                                                                description: nil, unsafeHTML: false),
                        industries: [], providers: [], cases: [], notices: [], calendar: WorkingDayCalendar(),
                        mediaFiles: ["media/x\0.svg"], mediaSizes: ["media/x\0.svg": 1])
        ReferenceRules.checkMediaPath(path, field: "cover", at: SourceLocation(file: "x"), site: site, into: &findings)
        return findings.all.contains { $0.rule == "path.outside-media" }
    }
}
