import Foundation
import Testing
@testable import Roster

/// `roster serve`, started in-process on a free loopback port and driven over real sockets.
@Suite("roster serve")
struct ServeTests {
    /// The server's terminal output.
    final class Terminal: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [String] = []
        func append(_ line: String) { lock.withLock { stored.append(line) } }
        var lines: [String] { lock.withLock { stored } }
        var text: String { lines.joined(separator: "\n") }
    }

    /// An integrator with the two cases the rules ask for, a cover image and a few media files.
    static func fixture() throws -> TestSite {
        let site = try TestSite([
            "Content/providers/haichuang.md": providerFile(name: "青岛海创智控科技有限公司"),
            "Content/cases/c1.md": caseFile(provider: "haichuang", body: "案例一正文。")
                .replacingOccurrences(of: "title: 测试案例", with: "title: 注塑车间设备联网"),
            "Content/cases/c2.md": caseFile(provider: "haichuang", enterprise: "青岛另一家机械有限公司", body: "案例二正文。"),
        ])
        try site.write("Content/media/covers/x.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        try site.write("Content/media/attachments/a.pdf", "%PDF-1.4\n")
        try site.write("Content/media/attachments/a.doc", "doc")
        try site.write("Content/media/attachments/dates.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        try site.write("Content/media/covers/p.png", Data([0x89, 0x50, 0x4E, 0x47]))
        try site.write("Content/media/covers/j.jpg", Data([0xFF, 0xD8, 0xFF]))
        try site.write("Content/media/covers/w.webp", "RIFF")
        return site
    }

    static func start(_ site: TestSite, pollInterval: Double = 0.05) async throws -> (DevServer, Terminal) {
        let terminal = Terminal()
        let server = try DevServer(options: .init(root: site.root, port: 0, now: Day(iso: "2024-06-01"), pollInterval: pollInterval),
                                   output: { line, _ in terminal.append(line) })
        try await server.start()
        return (server, terminal)
    }

    /// Runs `body` with a started server and always stops it (which removes its temporary folder) afterwards.
    static func withServer(_ site: TestSite, _ body: (DevServer, Terminal) async throws -> Void) async throws {
        let (server, terminal) = try await start(site)
        do {
            try await body(server, terminal)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    static func status(_ port: UInt16) async throws -> [String: Any] {
        let response = try await RawHTTP.get(port, "/__roster/status.json")
        return try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
    }

    @Test("serves the site at / whatever base_url's path, with the live-reload script only in served pages")
    func servesAtRoot() async throws {
        let site = try Self.fixture()
        try await Self.withServer(site) { server, _ in
            let port = server.port
            #expect(port > 0)
            #expect(server.isLoopback)
            #expect(server.localURL == "http://127.0.0.1:\(port)/")

            let home = try await RawHTTP.get(port, "/")
            #expect(home.status == 200)
            #expect(home.headers["content-type"] == "text/html; charset=utf-8")
            #expect(home.headers["cache-control"] == "no-store")
            #expect(home.headers["content-security-policy"] == "default-src 'self'; img-src 'self' data:")
            #expect(home.text.contains("<script src=\"/__roster/live.js\" data-site=\""))
            #expect(home.text.contains("href=\"/providers/haichuang/\"") || home.text.contains("href=\"/industries/"))
            #expect(!home.text.contains("/dx/"), "links must work at / (base_url's path is /dx/)")
            #expect(home.text.contains("http://127.0.0.1:\(port)/"), "absolute URLs use the dev server's address")

            let provider = try await RawHTTP.get(port, "/providers/haichuang/")
            #expect(provider.status == 200)
            #expect(provider.text.contains("青岛海创智控科技有限公司"))

            let noSlash = try await RawHTTP.get(port, "/providers/haichuang?x=1")
            #expect(noSlash.status == 302)
            #expect(noSlash.headers["location"] == "/providers/haichuang/?x=1")

            // The build output itself never carries the dev server's script, and Site/ is never touched.
            let built = try String(contentsOfFile: server.siteFolder + "/index.html", encoding: .utf8)
            #expect(!built.contains("__roster"))
            #expect(!site.exists("Site"))
            #expect(server.siteFolder.hasPrefix(FileManager.default.temporaryDirectory.path))

            let script = try await RawHTTP.get(port, "/__roster/live.js")
            #expect(script.status == 200)
            #expect(script.headers["content-type"] == "text/javascript; charset=utf-8")
            #expect(script.text.contains("new EventSource(\"/__roster/events\")"))
            #expect(!script.text.contains("innerHTML"), "findings must be rendered as text, never as HTML")
            #expect(try await RawHTTP.get(port, "/__roster/live.css").headers["content-type"] == "text/css; charset=utf-8")
        }
    }

    @Test("content types, HEAD, other methods and the site's own 404 page")
    func contentTypes() async throws {
        let site = try Self.fixture()
        try await Self.withServer(site) { server, _ in
            let port = server.port
            let home = try await RawHTTP.get(port, "/").text
            let css = try #require(home.firstMatch(of: /href="(\/assets\/site\.[0-9a-f]+\.css)"/)?.1)
            let js = try #require(home.firstMatch(of: /src="(\/assets\/site\.[0-9a-f]+\.js)"/)?.1)
            let expected: [(String, String)] = [
                (String(css), "text/css; charset=utf-8"), (String(js), "text/javascript; charset=utf-8"),
                ("/data/providers.json", "application/json; charset=utf-8"), ("/data/providers.csv", "text/csv; charset=utf-8"),
                ("/notices/feed.xml", "application/xml; charset=utf-8"), ("/sitemap.xml", "application/xml; charset=utf-8"),
                ("/robots.txt", "text/plain; charset=utf-8"), ("/media/covers/x.svg", "image/svg+xml"),
                ("/media/covers/p.png", "image/png"), ("/media/covers/j.jpg", "image/jpeg"), ("/media/covers/w.webp", "image/webp"),
                ("/media/attachments/a.pdf", "application/pdf"), ("/media/attachments/a.doc", "application/msword"),
                ("/media/attachments/dates.ics", "text/calendar; charset=utf-8"), ("/__roster/status.json", "application/json; charset=utf-8"),
            ]
            for (path, type) in expected {
                let response = try await RawHTTP.get(port, path)
                #expect(response.status == 200, "\(path)")
                #expect(response.headers["content-type"] == type, "\(path)")
                #expect(response.headers["x-content-type-options"] == "nosniff", "\(path)")
            }
            #expect(try await RawHTTP.get(port, "/media/attachments/dates.ics").text.hasPrefix("BEGIN:VCALENDAR"))

            let missing = try await RawHTTP.get(port, "/no/such/page/")
            #expect(missing.status == 404)
            #expect(missing.headers["content-type"] == "text/html; charset=utf-8")
            let notFoundPage = try String(contentsOfFile: server.siteFolder + "/404.html", encoding: .utf8)
            let title = try #require(notFoundPage.firstMatch(of: /<h1>([^<]+)<\/h1>/)?.1)
            #expect(missing.text.contains(String(title)), "unknown paths get the site's own 404.html")
            #expect(missing.text.contains("/__roster/live.js"))

            let get = try await RawHTTP.get(port, "/")
            let head = try await RawHTTP.request(port, "/", method: "HEAD")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.headers["content-length"] == String(get.body.count))
            let post = try await RawHTTP.request(port, "/", method: "POST")
            #expect(post.status == 405)
            #expect(post.headers["allow"] == "GET, HEAD")

            // A name pointed at this computer by someone else's page (DNS rebinding) is refused; addresses and
            // localhost are not.
            for host in ["attacker.example:\(port)", "attacker.example", "127.0.0.1.nip.io:\(port)"] {
                let refused = try await RawHTTP.request(port, "/data/providers.json", host: host)
                #expect(refused.status == 403, "\(host)")
                #expect(!refused.text.contains("\"name\""), "\(host)")
            }
            for host in ["localhost:\(port)", "LOCALHOST", "[::1]:\(port)", "192.168.1.20:\(port)"] {
                #expect(try await RawHTTP.request(port, "/", host: host).status == 200, "\(host)")
            }
        }
    }

    @Test("the Host header must name this computer by address or as localhost")
    func hostNames() {
        for host in ["127.0.0.1", "127.0.0.1:8080", "localhost", "localhost:8080", "LocalHost:1", "[::1]", "[::1]:8080",
                     "10.0.0.7:8080", " 127.0.0.1 "] as [String?] + [nil] {
            #expect(DevServerHandler.isLocalHost(host), "\(host ?? "none")")
        }
        for host in ["example.com", "example.com:8080", "127.0.0.1.nip.io", "localhost.example", "256.1.1.1", "1.2.3",
                     "1.2.3.4.5", "[::1", "[::1]x", "127.0.0.1:80a", "", "xn--localhost"] {
            #expect(!DevServerHandler.isLocalHost(host), "\(host)")
        }
    }

    @Test("traversal attacks, encoded or not, absolute paths and symlinks out of the site all get 404")
    func traversal() async throws {
        let site = try Self.fixture()
        try await Self.withServer(site) { server, _ in
            let port = server.port
            // A secret beside the served folder, and links from inside the site to it and to /etc.
            let secret = "TOP-SECRET-\(UUID().uuidString)"
            try secret.write(toFile: server.workFolder + "/secret.txt", atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: server.siteFolder + "/leak.txt", withDestinationPath: server.workFolder + "/secret.txt")
            try FileManager.default.createSymbolicLink(atPath: server.siteFolder + "/etc", withDestinationPath: "/etc")
            try FileManager.default.createSymbolicLink(atPath: server.siteFolder + "/up", withDestinationPath: "..")

            let attacks = [
                "/../secret.txt", "/../../../../etc/passwd", "/assets/../../secret.txt", "/./../secret.txt",
                "/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt", "/%2E%2E%2Fsecret.txt", "/..%2fsecret.txt", "/.%2e/secret.txt",
                "/assets/%2e%2e%2f%2e%2e%2fsecret.txt", "/%252e%252e%252fsecret.txt",
                "//etc/passwd", "/%2fetc%2fpasswd", "/%2Fetc/passwd", "///etc/passwd",
                "/..\\secret.txt", "/%5c..%5csecret.txt", "/assets%5c..%5c..%5csecret.txt",
                "/index.html%00", "/index.html%00.css", "/%00", "/%zz", "/%",
                "/leak.txt", "/etc/passwd", "/etc/hostname", "/up/secret.txt", "/up/site/../secret.txt",
                "http://127.0.0.1/../secret.txt", "http://evil.example/etc/passwd", "*",
                "/" + server.workFolder + "/secret.txt", "/%2f" + server.workFolder.dropFirst() + "/secret.txt",
            ]
            for target in attacks {
                let response = try await RawHTTP.get(port, target)
                #expect(response.status == 404, "\(target) → \(response.status)")
                #expect(!response.text.contains(secret), "\(target) leaked the secret")
                #expect(!response.text.contains("root:x:0:0"), "\(target) leaked /etc/passwd")
            }
            // The same files by their honest names are served.
            #expect(try await RawHTTP.get(port, "/index.html").status == 200)
            #expect(try await RawHTTP.get(port, "/%69ndex.html").status == 200)
        }
    }

    @Test("an edit is rebuilt and pushed to open pages; a broken file shows its errors; fixing it clears them")
    func liveReload() async throws {
        let site = try Self.fixture()
        try await Self.withServer(site) { server, terminal in
            let port = server.port
            let events = try RawHTTP.EventStream(port: port)
            let first = try #require(try await events.nextBuild())
            let firstSite = try #require(first["site"] as? String)
            #expect(first["published"] as? Bool == true)
            #expect(first["errors"] as? Int == 0)

            // Edit one case: the new title is served soon after the save.
            let original = try #require(site.read("Content/cases/c1.md"))
            let started = Date()
            try site.write("Content/cases/c1.md", original.replacingOccurrences(of: "注塑车间设备联网", with: "注塑车间设备联网二期"))
            #expect(try await eventually { try await RawHTTP.get(port, "/cases/c1/").text.contains("注塑车间设备联网二期") })
            let latency = Date().timeIntervalSince(started)
            #expect(latency < 3, "edit took \(latency) s to be served")
            let rebuilt = try #require(try await events.nextBuild())
            let secondSite = try #require(rebuilt["site"] as? String)
            #expect(secondSite != firstSite, "a new build must tell open pages to reload")
            #expect(try await RawHTTP.get(port, "/").text.contains("data-site=\"\(secondSite)\""))

            // Break it: the server keeps serving the last good build and reports the error with file and line.
            let broken = original.replacingOccurrences(of: "role: transformation", with: "role: 改造")
            try site.write("Content/cases/c1.md", broken)
            let failed = try #require(try await events.nextBuild())
            #expect(failed["published"] as? Bool == false)
            #expect(failed["site"] as? String == secondSite, "a failed build must not reload the page")
            #expect(failed["errors"] as? Int == 1)
            let status = try await Self.status(port)
            let findings = try #require(status["findings"] as? [[String: Any]])
            let error = try #require(findings.first { $0["severity"] as? String == "error" })
            let roleLine = try #require(broken.components(separatedBy: "\n").firstIndex { $0.hasPrefix("role:") }) + 1
            #expect(error["file"] as? String == "Content/cases/c1.md")
            #expect(error["line"] as? Int == roleLine)
            #expect(error["rule"] as? String == "schema.vocabulary")
            #expect((error["message"] as? String)?.contains("改造") == true)
            #expect(try await RawHTTP.get(port, "/cases/c1/").text.contains("注塑车间设备联网二期"), "the last good build stays served")
            #expect(terminal.lines.contains { $0.hasPrefix("Content/cases/c1.md:\(roleLine):7: error: ") && $0.contains("[schema.vocabulary]") },
                    "the terminal prints findings like build does:\n\(terminal.text)")

            // Fix it: the errors are gone and the pages reload.
            try site.write("Content/cases/c1.md", original)
            let fixed = try #require(try await events.nextBuild())
            #expect(fixed["published"] as? Bool == true)
            #expect(fixed["errors"] as? Int == 0)
            #expect(fixed["site"] as? String != secondSite)
            #expect(try await Self.status(port)["errors"] as? Int == 0)
            #expect(try await RawHTTP.get(port, "/cases/c1/").text.contains("注塑车间设备联网"))
        }
    }

    @Test("a file saved while the first build runs is built right after it")
    func savedDuringFirstBuild() async throws {
        let site = try Self.fixture()
        let terminal = Terminal()
        let saved = Counter()
        let original = try #require(site.read("Content/cases/c1.md"))
        let server = try DevServer(options: .init(root: site.root, port: 0, now: Day(iso: "2024-06-01"), pollInterval: 0.05),
                                   output: { line, _ in
                                       terminal.append(line)
                                       // Saved as the first build reports, before it has returned.
                                       if line.contains("已构建"), saved.value == 0 {
                                           saved.add()
                                           try? site.write("Content/cases/c1.md", original.replacingOccurrences(of: "注塑车间设备联网", with: "启动时保存的标题"))
                                       }
                                   })
        try await server.start()
        let port = server.port
        #expect(try await eventually { try await RawHTTP.get(port, "/cases/c1/").text.contains("启动时保存的标题") },
                "\(terminal.text)")
        await server.stop()
    }

    @Test("a site broken from the start is served as a waiting page that shows the errors, until it is fixed")
    func brokenAtStart() async throws {
        let site = try Self.fixture()
        let good = try #require(site.read("Content/providers/haichuang.md"))
        try site.write("Content/providers/haichuang.md", good.replacingOccurrences(of: "district: 市南区", with: "district: 南区"))
        try await Self.withServer(site) { server, terminal in
            let port = server.port
            let waiting = try await RawHTTP.get(port, "/providers/haichuang/")
            #expect(waiting.status == 503)
            #expect(waiting.text.contains("/__roster/live.js"))
            #expect(try await Self.status(port)["hasSite"] as? Bool == false)
            #expect(terminal.text.contains("Content/providers/haichuang.md:"))

            try site.write("Content/providers/haichuang.md", good)
            #expect(try await eventually { try await RawHTTP.get(port, "/providers/haichuang/").status == 200 })
        }
    }

    @Test("stopping closes the port and removes the temporary folder")
    func stop() async throws {
        let site = try Self.fixture()
        try await Self.withServer(site) { server, _ in
            let port = server.port
            let events = try RawHTTP.EventStream(port: port)
            _ = try await events.nextBuild()
            #expect(FileManager.default.fileExists(atPath: server.workFolder))
            let started = Date()
            await server.stop()
            #expect(Date().timeIntervalSince(started) < 3)
            #expect(!FileManager.default.fileExists(atPath: server.workFolder))
            #expect(try await events.nextBuild() == nil, "open event streams end")
            await #expect(throws: (any Error).self) { try await RawHTTP.get(port, "/") }
        }
    }

    @Test("a server killed before it could clean up leaves nothing behind once the next one starts")
    func staleFolders() async throws {
        let stale = FileManager.default.temporaryDirectory.path + "/roster-serve-2147483-stale"
        try FileManager.default.createDirectory(atPath: stale + "/site", withIntermediateDirectories: true)
        try await Self.withServer(try Self.fixture()) { _, _ in
            #expect(!FileManager.default.fileExists(atPath: stale))
        }
    }

    @Test("listens on loopback by default; refuses a host name; a taken port fails or moves on")
    func addresses() async throws {
        let site = try Self.fixture()
        #expect(ListenAddress("127.0.0.1")?.isLoopback == true)
        #expect(ListenAddress("localhost")?.isLoopback == true)
        #expect(ListenAddress("::1")?.isLoopback == true)
        #expect(ListenAddress("0.0.0.0")?.isLoopback == false)
        #expect(ListenAddress("0.0.0.0")?.isWildcard == true)
        #expect(ListenAddress("example.com") == nil)
        #expect(throws: DevServer.StartError.self) {
            try DevServer(options: .init(root: site.root, host: "example.com"), output: { _, _ in })
        }
        #expect(DevServer.Options(root: site.root).host == "127.0.0.1")

        try await Self.withServer(site) { first, _ in
            let taken = first.port
            let strict = try DevServer(options: .init(root: site.root, port: taken), output: { _, _ in })
            await #expect(throws: DevServer.StartError.self) { try await strict.start() }
            let terminal = Terminal()
            let lenient = try DevServer(options: .init(root: site.root, port: taken, portAttempts: 5), output: { line, _ in terminal.append(line) })
            try await lenient.start()
            #expect(lenient.port != taken)
            #expect(terminal.text.contains("端口 \(taken) 已被占用"))
            await lenient.stop()
        }
    }

    @Test("request paths are decoded once and judged by segment")
    func pathSegments() {
        #expect(SiteFiles.segments(ofRawPath: "/") == [])
        #expect(SiteFiles.segments(ofRawPath: "/providers/x/") == ["providers", "x"])
        #expect(SiteFiles.segments(ofRawPath: "/media/%E5%B0%81%E9%9D%A2.png") == ["media", "封面.png"])
        for bad in ["", "x", "/..", "/a/../b", "/%2e%2e", "/a%2f..%2fb", "//a", "/a//b", "/a\\b", "/a%5cb", "/a%00", "/%zz", "/%e5%b0"] {
            #expect(SiteFiles.segments(ofRawPath: bad) == nil, "\(bad)")
        }
    }

    @Test("the script tag goes before </head>, or at the end of a page without one")
    func injection() {
        let page = Data("<html><head><title>x</title></head><body></body></html>".utf8)
        let injected = String(decoding: LiveReload.inject(into: page, site: "abc-1"), as: UTF8.self)
        #expect(injected.contains("<script src=\"/__roster/live.js\" data-site=\"abc-1\" defer></script>\n</head>"))
        let bare = String(decoding: LiveReload.inject(into: Data("<p>x</p>".utf8), site: "s"), as: UTF8.self)
        #expect(bare.hasPrefix("<p>x</p><script src=\"/__roster/live.js\""))
    }
}
