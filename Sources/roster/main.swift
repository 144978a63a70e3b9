import ArgumentParser
import Foundation
import Roster

/// The `roster` command line: a thin front end over the Roster library.
@main
struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Builds and checks the Qingdao SME digital-transformation pilot's provider directory site.",
        discussion: """
        Content lives in Content/ (providers, cases, notices), the theme in Themes/default/, and the site \
        is written to Site/. Run commands from the site root or pass --root.
        """,
        subcommands: [Build.self, Check.self, Serve.self, New.self]
    )

    /// Runs the command; usage errors exit with status 2 (not the conventional 64) as the check issue asks.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                Terminal.err(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Options every command shares.
struct SiteOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The site root: the folder holding Content/ and Themes/.", valueName: "dir"))
    var root: String = "."

    var rootPath: String {
        URL(fileURLWithPath: root, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
    }
}

/// Parses `--now YYYY-MM-DD`.
struct DayArgument: ExpressibleByArgument {
    var day: Day
    init?(argument: String) {
        guard let day = Day(iso: argument) else { return nil }
        self.day = day
    }
    static var defaultCompletionKind: CompletionKind { .default }
}

extension RosterCommand {
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the content and build the whole site into Site/.",
            discussion: """
            The build is atomic: it renders into a temporary folder beside the output and swaps it in only when \
            everything succeeded, so a failed build leaves the previous site untouched. Content errors are \
            printed as path:line:column: error: message, all of them, and the exit status is 1.
            """
        )

        @OptionGroup var site: SiteOptions

        @Option(help: ArgumentHelp("Output folder (default: <root>/Site).", valueName: "dir"))
        var output: String?

        @Option(help: ArgumentHelp("Theme folder name under Themes/.", valueName: "name"))
        var theme: String = "default"

        @Option(name: .customLong("base-url"), help: ArgumentHelp("Publish under this URL instead of site.yaml's base_url.", valueName: "url"))
        var baseURL: String?

        @Option(help: ArgumentHelp("Show deadlines and periods as of this date (default: today in Asia/Shanghai).", valueName: "YYYY-MM-DD"))
        var now: DayArgument?

        @Flag(help: "Print the time of every build step.")
        var verbose = false

        func run() throws {
            let root = site.rootPath
            let outputPath = output.map {
                URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
            }
            var options = BuildOptions(root: root, output: outputPath, theme: theme, baseURL: baseURL, now: now?.day)
            options.freesMemory = false  // the process ends right after
            let report = Builder.build(options)
            Terminal.printFindings(report.findings)
            if verbose || report.failure != nil {
                for line in report.stepLines() { Terminal.err(line) }
            }
            if let failure = report.failure {
                Terminal.err("error: \(failure)")
                throw ExitCode(2)
            }
            guard report.published else {
                Terminal.err("构建失败：\(report.findings.errorCount) 个错误，\(report.findings.warningCount) 个警告。原有的 Site/ 未改动。")
                throw ExitCode(1)
            }
            let kinds = ["provider": "服务商页", "case": "案例页", "notice": "通知页", "industry": "行业页", "list": "列表页",
                         "ics": "日历文件"]
            let pages = kinds.keys.sorted().map { "\(kinds[$0]!) \(report.written[$0] ?? 0)" }.joined(separator: "，")
            let total = report.written.values.reduce(0, +)
            let unchanged = report.unchanged > 0 ? "（其中 \(report.unchanged) 个与上次相同，未重写）" : ""
            print("已构建 \(outputPath ?? root + "/Site")：\(pages)；共 \(total) 个文件\(unchanged)，用时 \(String(format: "%.2f", report.totalSeconds)) 秒"
                  + (report.findings.warningCount > 0 ? "（\(report.findings.warningCount) 个警告）" : ""))
        }
    }
}

extension Checker.Format: ExpressibleByArgument {}

extension RosterCommand {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check Content/ against the schema and the selection notice's rules; writes nothing.",
            discussion: """
            Reports every finding with file, line, column, severity, rule id, a message in Chinese and a hint. \
            Exit status: 0 clean, 1 errors (or warnings with --strict), 2 usage or I/O failure. \
            With --summary BASE_REF (a git revision, e.g. origin/main) it also prints what the change does to \
            the published directory, for the pull-request reviewer.
            """
        )

        @OptionGroup var site: SiteOptions

        @Option(help: ArgumentHelp("Output format: text (people), json (tools) or github (Actions annotations).", valueName: "format"))
        var format: Checker.Format = .text

        @Flag(help: "Treat warnings as errors (exit status 1).")
        var strict = false

        @Option(help: ArgumentHelp("Also summarise the change against this git revision.", valueName: "base-ref"))
        var summary: String?

        @Option(help: ArgumentHelp("Theme folder name under Themes/.", valueName: "name"))
        var theme: String = "default"

        func run() throws {
            let root = site.rootPath
            let findings = Checker.check(root: root, theme: theme)
            print(Checker.report(findings, format: format), terminator: "")
            if findings.contains(where: { $0.rule.hasPrefix("io.") }) { throw ExitCode(2) }
            if let base = summary {
                guard let head = SiteLoader.load(root: root).site else { throw ExitCode(1) }
                do {
                    let baseSite = try ReviewSummary.loadBase(root: root, ref: base)
                    let text = ReviewSummary(base: baseSite, head: head).text
                    if format == .text { print("\n" + text, terminator: "") } else { Terminal.err(text) }
                } catch let error as ReviewSummary.SummaryError {
                    Terminal.err("error: \(error.message)")
                    throw ExitCode(2)
                }
            }
            if findings.errorCount > 0 || (strict && findings.warningCount > 0) { throw ExitCode(1) }
        }
    }
}

enum Terminal {
    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Standard output without buffering, for a long-running command whose output is read as it comes.
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func printFindings(_ findings: [Finding]) {
        for finding in findings.sortedForReport() { err(finding.compilerStyle) }
    }
}

extension RosterCommand {
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Preview the site: build it, serve it, rebuild and reload the browser on every change.",
            discussion: """
            Builds into a temporary folder (never over Site/) and serves it at http://HOST:PORT/, whatever the path \
            of base_url. Watches Content/ and Themes/; after each save it rebuilds and the open pages reload by \
            themselves. Content errors do not stop it: they are printed here and shown on the page until fixed. \
            Listens on 127.0.0.1 (this computer only) unless --host says otherwise, and answers only requests \
            addressed to an IP address or localhost (open it from a phone by the address it prints). Ctrl-C stops it.
            """
        )

        @OptionGroup var site: SiteOptions

        @Option(help: ArgumentHelp("Port to listen on (default 8080; the next free one if 8080 is taken).", valueName: "port"))
        var port: UInt16?

        @Option(help: ArgumentHelp("Address to listen on: 127.0.0.1 (this computer only) or 0.0.0.0 (the whole network).", valueName: "ip"))
        var host: String = "127.0.0.1"

        @Option(help: ArgumentHelp("Theme folder name under Themes/.", valueName: "name"))
        var theme: String = "default"

        @Option(help: ArgumentHelp("Show deadlines and periods as of this date (default: today in Asia/Shanghai).", valueName: "YYYY-MM-DD"))
        var now: DayArgument?

        @Flag(help: "Print the time of every step of every rebuild.")
        var verbose = false

        func run() throws {
            var options = DevServer.Options(root: site.rootPath, host: host, port: port ?? 8080, portAttempts: port == nil ? 10 : 0,
                                            theme: theme, now: now?.day)
            options.verbose = verbose
            let server: DevServer
            do {
                server = try DevServer(options: options) { line, isError in
                    if isError { Terminal.err(line) } else { Terminal.out(line) }
                }
            } catch {
                throw ValidationError(error.message)
            }
            Terminal.out("正在启动预览服务器并构建站点……")
            let started = Blocking.run { () async throws(DevServer.StartError) in try await server.start() }
            if case .failure(let error) = started {
                Terminal.err("error: \(error.message)")
                throw ExitCode(2)
            }
            Terminal.out("")
            Terminal.out("预览地址：\(server.localURL)")
            if server.isLoopback {
                Terminal.out("只在本机可访问（监听 \(host)）：同一网络里的其他电脑和手机打不开。要在手机上预览，加 --host 0.0.0.0。")
            } else {
                Terminal.err("注意：正在监听 \(host)，同一网络里的其他设备都能打开这个预览，包括还没审核发布的内容。只在可信的网络里这样用。")
                for url in server.networkURLs { Terminal.out("同一网络的设备可以打开：\(url)") }
            }
            Terminal.out("正在监视 Content/ 和 Themes/：保存文件后会自动重新构建，打开的页面会自动刷新。按 Ctrl-C 停止。")
            Shutdown.wait(for: server)
            Terminal.out("已停止预览服务器，临时文件已删除。")
        }
    }
}

/// Runs async work from the synchronous command and waits for it.
enum Blocking {
    static func run(_ work: @escaping @Sendable () async throws(DevServer.StartError) -> Void) -> Result<Void, DevServer.StartError> {
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        Task {
            do throws(DevServer.StartError) { try await work() } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return box.result
    }

    private final class ResultBox: @unchecked Sendable {
        var result: Result<Void, DevServer.StartError> = .success(())
    }
}

/// Waits for Ctrl-C (SIGINT) or SIGTERM, then stops the server cleanly; a second Ctrl-C quits at once.
enum Shutdown {
    static func wait(for server: DevServer) {
        let done = DispatchSemaphore(value: 0)
        let queue = DispatchQueue(label: "roster-signals")
        var sources: [any DispatchSourceSignal] = []
        let stopping = StopFlag()
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler {
                if stopping.set() {
                    Terminal.err("\n再次收到停止信号，立即退出。")
                    exit(130)
                }
                Terminal.err("\n正在停止……")
                Task {
                    await server.stop()
                    done.signal()
                }
            }
            source.resume()
            sources.append(source)
        }
        done.wait()
        sources.forEach { $0.cancel() }
    }

    private final class StopFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var stopping = false
        /// Sets the flag; returns whether it was already set.
        func set() -> Bool {
            lock.lock()
            defer { lock.unlock() }
            let was = stopping
            stopping = true
            return was
        }
    }
}

extension Scaffold.Kind: ExpressibleByArgument {}

extension RosterCommand {
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a provider, case or notice file with every field explained, ready to fill in.",
            discussion: """
            Writes Content/<kind>s/<id>.md. Every field of its kind is there, commented in Chinese with what to put \
            and the allowed values; what you must supply is marked 【待填写…】, and roster check reports any mark \
            left behind. It never overwrites a file. Examples:
              roster new provider qingdao-haichuang --industry auto-parts
              roster new case haichuang-injection-iot --provider qingdao-haichuang
              roster new notice publicity-2025-second-batch
            """
        )

        @OptionGroup var site: SiteOptions

        @Argument(help: ArgumentHelp("What to create: provider, case or notice.", valueName: "kind"))
        var kind: Scaffold.Kind

        @Argument(help: ArgumentHelp("The new entry's id: lower-case letters, digits and hyphens (it becomes the file name and the page address).", valueName: "id"))
        var id: String

        @Option(help: ArgumentHelp("For a case: the provider's id.", valueName: "provider-id"))
        var provider: String?

        @Option(help: ArgumentHelp("For a provider (repeatable) or a case: an industry id from industries.yaml.", valueName: "industry-id"))
        var industry: [String] = []

        func run() throws {
            let request = Scaffold.Request(kind: kind, id: id, provider: provider, industries: industry)
            do {
                let created = try Scaffold.create(request, root: site.rootPath)
                Terminal.out("已创建 \(created.path)")
                for note in created.notes { Terminal.out("注意：\(note)") }
                Terminal.out("下一步：打开这个文件，把每个【待填写……】换成真实内容，用不上的选填字段整行删掉；然后运行 roster check。")
                Terminal.out("预览：运行 roster serve，打开 http://127.0.0.1:8080/\(kind.folder)/\(id)/")
            } catch {
                Terminal.err("error: \(error.message)")
                throw ExitCode(1)
            }
        }
    }
}
