import FlyingFox
import FlyingSocks
import Foundation
import Synchronization

/// `roster serve`: builds the site into a temporary folder, serves it at `/`, and rebuilds and reloads
/// the open pages whenever something under `Content/` or `Themes/` changes.
///
/// It shares the loading and build steps with `roster build` (``Builder``) and differs only in where the
/// site goes (a temporary folder, never `Site/`) and in its base URL (`http://HOST:PORT/`, so every link
/// works at `/` whatever the path of `base_url`). Content errors never stop it: the last good build stays
/// served and the errors are shown on the page and printed in the terminal.
public final class DevServer: @unchecked Sendable {
    /// What to serve and where.
    public struct Options: Sendable {
        public var root: String
        public var host: String
        public var port: UInt16
        /// How many following ports to try when `port` is taken (0: fail at once).
        public var portAttempts: Int
        public var theme: String
        public var now: Day?
        /// Seconds between scans of `Content/` and `Themes/`.
        public var pollInterval: Double
        /// Whether every rebuild prints the time of each of its steps (as `roster build --verbose`).
        public var verbose = false

        public init(root: String, host: String = "127.0.0.1", port: UInt16 = 8080, portAttempts: Int = 0,
                    theme: String = "default", now: Day? = nil, pollInterval: Double = 0.2) {
            self.root = root
            self.host = host
            self.port = port
            self.portAttempts = portAttempts
            self.theme = theme
            self.now = now
            self.pollInterval = pollInterval
        }
    }

    /// Why the server could not start.
    public struct StartError: Error, Sendable {
        public var message: String
    }

    /// Where the server's messages go: a line of text, and whether it belongs on standard error.
    public typealias Output = @Sendable (_ line: String, _ isError: Bool) -> Void

    public let options: Options
    private let output: Output
    private let address: ListenAddress
    private let events: BuildEvents
    private let instance: String
    private let lock = NSLock()
    private var server: HTTPServer?
    private var runTask: Task<Void, Never>?
    private var watcher: FolderWatcher?
    private var boundPort: UInt16 = 0
    private var attempts = 0
    private var published = 0
    private var lastWarnings: Set<Finding>?
    private var stopped = false

    /// The temporary folder the site is built into (removed by ``stop()``).
    public let workFolder: String
    /// The built site inside ``workFolder``.
    public var siteFolder: String { workFolder.appendingPath("site") }

    public init(options: Options, output: @escaping Output) throws(StartError) {
        guard let address = ListenAddress(options.host) else {
            throw StartError(message: "--host 应是一个 IP 地址，如 127.0.0.1（只在本机可访问）或 0.0.0.0（同一网络的其他设备也能访问），这里是 “\(options.host)”")
        }
        self.options = options
        self.output = output
        self.address = address
        // Unique within the process too: two servers made in the same millisecond (tests run in parallel) must not
        // share, and then delete, one work folder.
        instance = String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36) + "x" + String(DevServer.made.add(1, ordering: .relaxed).newValue, radix: 36)
        events = BuildEvents(initial: BuildStatus(build: 0, site: "\(instance)-0", published: false, findings: [],
                                                  failure: nil, seconds: 0, finishedAt: ""))
        workFolder = FileManager.default.temporaryDirectory.path.appendingPath("roster-serve-\(getpid())-\(instance)")
    }

    /// The port the server listens on (known once ``start()`` returned).
    public var port: UInt16 {
        lock.lock()
        defer { lock.unlock() }
        return boundPort
    }

    /// Whether only this computer can connect.
    public var isLoopback: Bool { address.isLoopback }

    /// The address to open in a browser on this computer.
    public var localURL: String { "http://\(address.browserHost):\(port)/" }

    /// Addresses other devices of the network can use, when listening on all interfaces.
    public var networkURLs: [String] {
        address.isWildcard ? ListenAddress.networkIPv4Addresses().map { "http://\($0):\(port)/" } : []
    }

    /// The latest build's outcome.
    public var status: BuildStatus { events.status }

    /// Binds the port, builds the site once and starts watching. Content errors do not make it fail.
    public func start() async throws(StartError) {
        Self.removeStaleWorkFolders()
        try FileSystemError.wrap { try FileManager.default.createDirectory(atPath: workFolder, withIntermediateDirectories: true) }
        var port = options.port
        var lastError = ""
        ports: for attempt in 0...max(0, options.portAttempts) {
            if attempt > 0 {
                guard port < UInt16.max else { break ports }
                port += 1
            }
            switch await listen(port: port) {
            case .success(let bound):
                lock.withLock { boundPort = bound }
                if bound != options.port && options.port != 0 {
                    output("端口 \(options.port) 已被占用，改用 \(bound)。", true)
                }
                // Watching first: a file saved while the first build runs (20,000 cases take seconds) is then
                // built right after it, not left until the next save.
                startWatching()
                rebuild(changed: [])
                return
            case .failure(let error):
                lastError = error.message
                if !error.addressInUse { break ports }
            }
        }
        try? FileManager.default.removeItem(atPath: workFolder)
        throw StartError(message: lastError)
    }

    private struct ListenFailure: Error {
        var message: String
        var addressInUse: Bool
    }

    private func listen(port: UInt16) async -> Result<UInt16, ListenFailure> {
        let handler = DevServerHandler(files: SiteFiles(root: siteFolder), events: events)
        let server: HTTPServer
        do {
            server = try address.makeServer(port: port, handler: handler)
        } catch {
            return .failure(ListenFailure(message: "无法使用地址 \(options.host)：\(error.localizedDescription)", addressInUse: false))
        }
        let failure = FailureBox()
        let task = Task {
            do { try await server.run() } catch { failure.set(error) }
        }
        // Wait until the socket listens, or `run()` failed to bind it.
        for _ in 0..<500 {
            if await server.isListening, let address = await server.listeningAddress {
                lock.withLock {
                    self.server = server
                    runTask = task
                }
                return .success(address.port ?? port)
            }
            if let error = failure.error {
                let inUse = "\(error)".contains("\(EADDRINUSE)") || error.localizedDescription.contains("in use")
                let message = inUse
                    ? "端口 \(port) 已被占用（可能已经有一个 roster serve 在运行）；用 --port 换一个端口，如 --port \(port &+ 1)"
                    : "无法在 \(options.host):\(port) 上监听：\(error.localizedDescription)"
                return .failure(ListenFailure(message: message, addressInUse: inUse))
            }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        task.cancel()
        return .failure(ListenFailure(message: "服务器没有在 5 秒内开始监听", addressInUse: false))
    }

    private func startWatching() {
        let root = options.root
        let watcher = FolderWatcher(folders: [root.appendingPath("Content"), root.appendingPath("Themes")],
                                    interval: options.pollInterval)
        let scans = ScanCounter()
        watcher.start(onChange: { [weak self] changed in
            self?.rebuild(changed: changed)
        }, onIdle: { [weak self] in
            // Closed tabs are noticed when a write to their stream fails.
            if scans.tick(every: Int(15 / (self?.options.pollInterval ?? 0.2))) { self?.events.heartbeat() }
        })
        lock.lock()
        self.watcher = watcher
        lock.unlock()
    }

    private let loadCache = LoadCache()

    /// Builds one at a time: the first build and the watcher's may meet.
    private let building = NSLock()

    /// Builds the site into the temporary folder and tells the open pages; one build at a time.
    @discardableResult
    public func rebuild(changed: [String]) -> BuildStatus {
        building.lock()
        defer { building.unlock() }
        let clock = Date()
        if !changed.isEmpty {
            let shown = changed.prefix(3).joined(separator: "、") + (changed.count > 3 ? " 等 \(changed.count) 个文件" : "")
            output("[\(Self.timeOfDay())] 改动：\(shown)", false)
        }
        var buildOptions = BuildOptions(root: options.root, output: siteFolder, theme: options.theme,
                                        baseURL: "http://\(address.browserHost):\(port)/", now: options.now)
        // Files unchanged since the last build are not read or decoded again.
        buildOptions.cache = loadCache
        // The watcher's report is complete (it names a watched folder itself when events were lost), so files it
        // does not name are taken as they were; the first build checks every file.
        buildOptions.changedFiles = changed.isEmpty ? nil : Set(changed)
        // The work folder is this server's alone.
        buildOptions.trustsOutput = true
        let report = Builder.build(buildOptions)
        lock.lock()
        attempts += 1
        if report.published { published += 1 }
        let status = BuildStatus(build: attempts, site: "\(instance)-\(published)", published: report.published,
                                 findings: report.findings, failure: report.failure,
                                 seconds: Date().timeIntervalSince(clock), finishedAt: Self.timeOfDay())
        let warnings = Set(report.findings.filter { $0.severity == .warning })
        let showWarnings = warnings != lastWarnings
        lastWarnings = warnings
        lock.unlock()

        for finding in report.findings.sortedForReport() where finding.severity == .error || showWarnings {
            output(finding.compilerStyle, true)
        }
        let seconds = String(format: "%.2f", status.seconds)
        let warningNote = warnings.isEmpty ? "" : "（\(warnings.count) 个警告\(showWarnings ? "" : "，同上")）"
        if let failure = report.failure {
            output("[\(status.finishedAt)] 构建失败：\(failure)", true)
        } else if report.published {
            let files = report.written.values.reduce(0, +)
            output("[\(status.finishedAt)] 已构建 \(files) 个文件，用时 \(seconds) 秒\(warningNote)"
                   + (status.build > 1 ? "；打开的页面会自动刷新" : ""), false)
        } else {
            output("[\(status.finishedAt)] 内容有 \(report.findings.errorCount) 个错误，网站没有更新\(warningNote)。"
                   + "浏览器里的页面会显示这些问题；改好文件并保存后会自动重新构建。", true)
        }
        if options.verbose {
            for line in report.stepLines() { output(line, true) }
        }
        // Told after the terminal has it: whoever reacts to the event (a page, a test) finds it printed.
        events.publish(status)
        // Then, while the page reloads, the bookkeeping only the next build needs.
        loadCache.runDeferred()
        return status
    }

    /// Stops watching, closes the open pages' event streams, stops the server and removes the temporary folder.
    public func stop() async {
        let (alreadyStopped, server, task, watcher) = lock.withLock {
            defer { stopped = true }
            return (stopped, self.server, self.runTask, self.watcher)
        }
        guard !alreadyStopped else { return }
        watcher?.stop()
        events.close()
        await server?.stop(timeout: 1)
        task?.cancel()
        // A rebuild, or the work it left for after it (linking the next generation), may still be writing into the
        // folder: removed once it is done, so nothing is made again after the removal.
        building.withLock { try? FileManager.default.removeItem(atPath: workFolder) }
    }

    private static let made = Atomic<Int>(0)

    /// Removes temporary folders left by dev servers that were killed before they could clean up.
    static func removeStaleWorkFolders() {
        let temporary = FileManager.default.temporaryDirectory.path
        for name in FileSystem.list(temporary) where name.hasPrefix("roster-serve-") {
            let parts = name.split(separator: "-")
            guard parts.count == 4, let pid = Int32(parts[2]), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: temporary.appendingPath(name))
        }
    }

    static func timeOfDay() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter.string(from: Date())
    }
}

/// Counts the watcher's scans (all on its one thread) to send a heartbeat now and then.
private final class ScanCounter: @unchecked Sendable {
    private var count = 0
    func tick(every period: Int) -> Bool {
        count += 1
        return count % max(1, period) == 0
    }
}

/// The first error of a task, for another task to read.
private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?
    func set(_ error: any Error) { lock.lock(); stored = error; lock.unlock() }
    var error: (any Error)? { lock.lock(); defer { lock.unlock() }; return stored }
}

private enum FileSystemError {
    static func wrap(_ work: () throws -> Void) throws(DevServer.StartError) {
        do { try work() } catch { throw DevServer.StartError(message: "无法创建临时文件夹：\(error.localizedDescription)") }
    }
}

extension Socket.Address {
    var port: UInt16? {
        switch self {
        case .ip4(_, let port), .ip6(_, let port): port
        case .unix: nil
        }
    }
}
