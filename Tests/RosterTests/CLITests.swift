import Foundation
import Testing

/// Runs the built `roster` executable, as editors and CI do.
enum RosterBinary {
    static let path: String? = {
        // swift test builds the executable beside the test bundle.
        var dir = URL(fileURLWithPath: Bundle.main.bundlePath)
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("roster").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return nil
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], in directory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(path, "roster executable not found beside the tests"))
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain stderr on another thread: a child that fills one pipe while we wait on the other would hang both
        // (it happened under AddressSanitizer, whose report at exit is larger than a pipe's buffer).
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = errData.wait()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// Data handed from a reader thread to the test, once.
final class LockedData: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()
    func set(_ value: Data) { data = value; done.signal() }
    func wait() -> Data { done.wait(); return data }
}

@Suite("The roster command line", .enabled(if: RosterBinary.path != nil))
struct CLITests {
    @Test("check exits 0 on clean content, 1 on errors, 1 on warnings with --strict, 2 on usage errors")
    func checkExitCodes() throws {
        let clean = try TestSite(["Content/providers/p.md": providerFile()])
        #expect(try RosterBinary.run(["check", "--root", clean.root]).status == 0)
        let warned = try TestSite(["Content/providers/p.md": providerFile(), "Content/industries.yaml": """
            - id: auto-parts
              name: 汽车零部件及配件制造
              quotas: {chain-leader: [2, 3]}
            """])
        #expect(try RosterBinary.run(["check", "--root", warned.root]).status == 0)
        #expect(try RosterBinary.run(["check", "--root", warned.root, "--strict"]).status == 1)
        let broken = try TestSite(["Content/providers/p.md": providerFile(extra: "status: gone")])
        let result = try RosterBinary.run(["check", "--root", broken.root])
        #expect(result.status == 1)
        #expect(result.stdout.contains("Content/providers/p.md:7:9: error: "))
        #expect(try RosterBinary.run(["check", "--root", clean.root, "--format", "yaml"]).status == 2)
        #expect(try RosterBinary.run(["check", "--root", clean.root + "/nowhere"]).status == 2)
    }

    @Test("build prints a summary, and errors as path:line:column with exit status 1 leaving Site/ alone")
    func build() throws {
        let site = try TestSite(["Content/providers/p.md": providerFile()])
        let ok = try RosterBinary.run(["build", "--root", site.root, "--now", "2024-02-10"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("服务商页 1"))
        let before = site.read("Site/providers/p/index.html")
        try site.write("Content/cases/c.md", caseFile(provider: "ghost"))
        let failed = try RosterBinary.run(["build", "--root", site.root, "--now", "2024-02-10"])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("Content/cases/c.md:3:1: error: "))
        #expect(site.read("Site/providers/p/index.html") == before)
        #expect(try RosterBinary.run(["build", "--root", site.root, "--now", "2024-13-45"]).status == 2)
    }

    @Test("help explains every option of every command")
    func help() throws {
        let root = try RosterBinary.run(["--help"]).stdout
        for command in ["build", "check"] { #expect(root.contains(command)) }
        let build = try RosterBinary.run(["build", "--help"]).stdout
        for option in ["--root", "--output", "--theme", "--base-url", "--now"] { #expect(build.contains(option), "\(option)") }
        let check = try RosterBinary.run(["check", "--help"]).stdout
        for option in ["--root", "--format", "--strict", "--summary"] { #expect(check.contains(option), "\(option)") }
    }
}
