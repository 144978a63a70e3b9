import Foundation
import Testing
@testable import Roster

/// The editor's commands as editors run them: the built `roster` executable.
@Suite("roster serve and roster new on the command line", .enabled(if: RosterBinary.path != nil))
struct EditorCLITests {
    /// Reads a running process's output as it comes.
    final class OutputReader: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()

        init(_ pipe: Pipe) {
            pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let chunk = handle.availableData
                guard let self, !chunk.isEmpty else { return }
                self.lock.withLock { self.data.append(chunk) }
            }
        }

        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }

    @Test("serve says where it listens and that only this computer can reach it, serves, and stops cleanly on Ctrl-C")
    func serveAndStop() async throws {
        let site = try TestSite(["Content/providers/p.md": providerFile(),
                                 "Content/cases/a.md": caseFile(provider: "p"),
                                 "Content/cases/b.md": caseFile(provider: "p", enterprise: "青岛乙机械有限公司")])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(RosterBinary.path))
        process.arguments = ["serve", "--root", site.root, "--port", "0", "--now", "2024-06-01"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdout = OutputReader(out), stderr = OutputReader(err)
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        #expect(await eventually { stdout.text.contains("按 Ctrl-C 停止") }, "\(stdout.text)\n\(stderr.text)")
        let match = try #require(stdout.text.firstMatch(of: /预览地址：http:\/\/127\.0\.0\.1:(\d+)\//))
        let port = try #require(UInt16(match.1))
        #expect(stdout.text.contains("只在本机可访问"))
        let page = try await RawHTTP.get(port, "/providers/p/")
        #expect(page.status == 200)
        #expect(page.text.contains("测试服务商"))
        let work = FileManager.default.temporaryDirectory.path
        let prefix = "roster-serve-\(process.processIdentifier)-"
        #expect(try FileManager.default.contentsOfDirectory(atPath: work).contains { $0.hasPrefix(prefix) })

        process.interrupt()  // SIGINT, as Ctrl-C sends
        #expect(await eventually(within: 5) { !process.isRunning })
        #expect(process.terminationStatus == 0)
        // The pipe is read on another thread, which may not have reached the last line when the process is seen gone.
        #expect(await eventually { stdout.text.contains("已停止预览服务器") }, "\(stdout.text)")
        #expect(try !FileManager.default.contentsOfDirectory(atPath: work).contains { $0.hasPrefix(prefix) },
                "the temporary folder must be removed")
        await #expect(throws: (any Error).self) { try await RawHTTP.get(port, "/") }
    }

    @Test("serve warns when it listens beyond this computer")
    func serveOnAllInterfaces() async throws {
        let site = try TestSite(["Content/providers/p.md": providerFile(),
                                 "Content/cases/a.md": caseFile(provider: "p"),
                                 "Content/cases/b.md": caseFile(provider: "p", enterprise: "青岛乙机械有限公司")])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(RosterBinary.path))
        process.arguments = ["serve", "--root", site.root, "--port", "0", "--host", "0.0.0.0"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdout = OutputReader(out), stderr = OutputReader(err)
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        #expect(await eventually { stdout.text.contains("按 Ctrl-C 停止") })
        #expect(stderr.text.contains("注意：正在监听 0.0.0.0"))
        process.terminate()  // SIGTERM stops it cleanly too
        #expect(await eventually(within: 5) { !process.isRunning })
        #expect(process.terminationStatus == 0)
    }

    @Test("serve refuses a host name and a taken port with a plain message")
    func serveRefusals() throws {
        let site = try TestSite([:])
        let badHost = try RosterBinary.run(["serve", "--root", site.root, "--host", "example.com"])
        #expect(badHost.status == 2)
        #expect(badHost.stderr.contains("--host"))

        // Hold a port, then ask for it.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        try #require(bound)
        let port = UInt16(bigEndian: address.sin_port)
        let taken = try RosterBinary.run(["serve", "--root", site.root, "--port", String(port)])
        #expect(taken.status == 2)
        #expect(taken.stderr.contains("端口 \(port) 已被占用"), "\(taken.stderr)")
    }

    @Test("new writes a file that check reports blank by blank, refuses to overwrite, and help lists the options")
    func new() throws {
        let site = try TestSite([:])
        let created = try RosterBinary.run(["new", "provider", "xinjian", "--industry", "auto-parts", "--root", site.root])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("已创建 Content/providers/xinjian.md"))
        let check = try RosterBinary.run(["check", "--root", site.root])
        #expect(check.status == 1)
        #expect(check.stdout.contains("Content/providers/xinjian.md:") && check.stdout.contains("[content.placeholder]"))
        let again = try RosterBinary.run(["new", "provider", "xinjian", "--root", site.root])
        #expect(again.status == 1)
        #expect(again.stderr.contains("已经存在"))
        #expect(try RosterBinary.run(["new", "supplier", "x", "--root", site.root]).status == 2)

        let help = try RosterBinary.run(["--help"]).stdout
        for command in ["serve", "new"] { #expect(help.contains(command)) }
        let serve = try RosterBinary.run(["serve", "--help"]).stdout
        for option in ["--root", "--port", "--host", "--theme", "--now"] { #expect(serve.contains(option), "\(option)") }
        let newHelp = try RosterBinary.run(["new", "--help"]).stdout
        for option in ["--root", "--provider", "--industry", "provider", "case", "notice"] { #expect(newHelp.contains(option), "\(option)") }
    }
}
