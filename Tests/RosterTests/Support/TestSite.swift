import Foundation
import Synchronization
@testable import Roster

/// The repository root, found from this file's path, so tests can use the real theme and content.
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
    }
    fatalError("Package.swift not found above \(#filePath)")
}()

/// Folders of the fixtures shared for the whole run, removed at exit (see `TestSite.sharedForTheRun`).
private let sharedRoots = Mutex<[String]>([])

/// A small site written into a temporary folder, with the default theme, for one test.
///
/// Files are given inline (`"Content/providers/a.md": "..."`); `site.yaml` and `industries.yaml`
/// get minimal valid defaults unless the test writes its own.
final class TestSite: Sendable {
    let root: String

    static let siteYAML = """
    title: 测试站点
    base_url: https://example.gov.cn/dx/
    publisher: 测试单位
    """

    static let industriesYAML = """
    - id: auto-parts
      name: 汽车零部件及配件制造
      quotas: {integrator: [3, 6], product: [10, 20], chain-leader: [1, 3]}
    - id: rail-transit
      name: 轨道交通设备制造
      quotas: {integrator: [3, 6], product: [10, 20], chain-leader: [1, 3]}
    """

    init(_ files: [String: String] = [:], theme: Bool = true) throws {
        root = NSTemporaryDirectory() + "roster-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/Content", withIntermediateDirectories: true)
        if theme {
            try FileManager.default.copyItem(atPath: repositoryRoot + "/Themes", toPath: root + "/Themes")
        }
        var all = ["Content/site.yaml": Self.siteYAML, "Content/industries.yaml": Self.industriesYAML]
        for (path, text) in files { all[path] = text }
        for (path, text) in all { try write(path, text) }
    }

    /// Copies a whole folder of the repository (e.g. `Content`) into the site.
    init(copying folders: [String]) throws {
        root = NSTemporaryDirectory() + "roster-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for folder in folders {
            try FileManager.default.copyItem(atPath: repositoryRoot + "/" + folder, toPath: root + "/" + folder)
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Marks a fixture shared by a suite (`static let`) for the whole run: statics are never deinitialised, so its
    /// folder is removed when the test process exits instead, or every run would leave one behind.
    func sharedForTheRun() -> TestSite {
        sharedRoots.withLock { roots in
            if roots.isEmpty {
                atexit { sharedRoots.withLock { for root in $0 { try? FileManager.default.removeItem(atPath: root) } } }
            }
            roots.append(root)
        }
        return self
    }

    func write(_ path: String, _ text: String) throws {
        try write(path, Data(text.utf8))
    }

    func write(_ path: String, _ data: Data) throws {
        let full = root + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: full))
    }

    func remove(_ path: String) throws { try FileManager.default.removeItem(atPath: root + "/" + path) }

    func load() -> SiteLoader.Result { SiteLoader.load(root: root) }

    @discardableResult
    func build(now: String = "2024-06-01", output: String? = nil, baseURL: String? = nil) -> BuildReport {
        Builder.build(BuildOptions(root: root, output: output, baseURL: baseURL, now: Day(iso: now)!))
    }

    func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: root + "/" + path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: root + "/" + path) }
}

/// A checksum-valid credit code (GB 32100-2015) for `body` (17 characters).
func creditCode(_ body: String) -> String { body + String(CreditCode.checkCharacter(for: body)!) }

/// A minimal valid provider file: a chain leader by default, since the notice asks no cases of those.
func providerFile(name: String = "测试服务商", code: String = creditCode("91370200MA3C00001"), types: String = "[chain-leader]",
                  industries: String = "[auto-parts]", extra: String = "", body: String = "简介。") -> String {
    let chain = types.contains("chain-leader") ? "chain_leader: {mode: lead, revenue_last_year: 2000000000, pilot_enterprises: 12}" : ""
    return """
    ---
    name: \(name)
    credit_code: \(code)
    types: \(types)
    industries: \(industries)
    district: 市南区
    \(extra)
    \(chain)
    ---
    \(body)
    """
}

/// A minimal valid case file.
func caseFile(provider: String, industry: String = "auto-parts", enterprise: String = "青岛某某机械有限公司",
              role: String = "transformation", extra: String = "", body: String = "案例正文。") -> String {
    """
    ---
    title: 测试案例
    provider: \(provider)
    industry: \(industry)
    enterprise: \(enterprise)
    role: \(role)
    \(extra)
    ---
    \(body)
    """
}

/// Every file under `path` (relative path → bytes), for comparing whole output trees.
func fileTree(_ path: String) throws -> [String: Data] {
    var out: [String: Data] = [:]
    for file in try FileManager.default.subpathsOfDirectory(atPath: path) {
        var isDir: ObjCBool = false
        FileManager.default.fileExists(atPath: path + "/" + file, isDirectory: &isDir)
        if !isDir.boolValue { out[file] = FileManager.default.contents(atPath: path + "/" + file) }
    }
    return out
}
