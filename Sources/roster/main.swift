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
        subcommands: [Build.self, Check.self]
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
            let report = Builder.build(BuildOptions(root: root, output: outputPath, theme: theme, baseURL: baseURL, now: now?.day))
            Terminal.printFindings(report.findings)
            if verbose || report.failure != nil {
                for step in report.steps {
                    let padded = step.name.padding(toLength: 36, withPad: " ", startingAt: 0)
                    Terminal.err("  \(padded) \(String(format: "%8.1f", step.seconds * 1000)) ms")
                }
            }
            if let failure = report.failure {
                Terminal.err("error: \(failure)")
                throw ExitCode(2)
            }
            guard report.published else {
                Terminal.err("构建失败：\(report.findings.errorCount) 个错误，\(report.findings.warningCount) 个警告。原有的 Site/ 未改动。")
                throw ExitCode(1)
            }
            let kinds = ["provider": "服务商页", "case": "案例页", "notice": "通知页", "industry": "行业页", "list": "列表页"]
            let pages = kinds.keys.sorted().map { "\(kinds[$0]!) \(report.written[$0] ?? 0)" }.joined(separator: "，")
            let total = report.written.values.reduce(0, +)
            print("已构建 \(outputPath ?? root + "/Site")：\(pages)；共 \(total) 个文件，用时 \(String(format: "%.2f", report.totalSeconds)) 秒"
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

    static func printFindings(_ findings: [Finding]) {
        for finding in findings.sortedForReport() { err(finding.compilerStyle) }
    }
}
