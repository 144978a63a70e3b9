import Foundation

/// `roster check`: the same loading step as `build`, then every rule; writes nothing.
public enum Checker {
    /// Loads the site at `root`, runs the rules and loads the theme, returning every finding in report order.
    public static func check(root: String, theme: String = "default") -> [Finding] {
        let loaded = SiteLoader.load(root: root)
        var findings = loaded.findings
        if let site = loaded.site {
            findings += Rules.check(site)
            findings += Theme.load(root: root, name: theme, language: site.config.language).1
            // Freeing tens of thousands of entries takes a while: it is done on another thread, so that the report
            // comes out (and `roster check` exits) without waiting for it.
            DispatchQueue.global(qos: .utility).async { withExtendedLifetime(site) {} }
        }
        return findings.sortedForReport()
    }

    /// Output formats of `roster check`.
    public enum Format: String, CaseIterable, Sendable {
        case text, json, github
    }

    /// Renders findings for people (`text`), tools (`json`) or GitHub Actions annotations (`github`).
    public static func report(_ findings: [Finding], format: Format) -> String {
        switch format {
        case .text:
            var out = findings.map(\.compilerStyle).joined(separator: "\n")
            if !out.isEmpty { out += "\n" }
            out += findings.isEmpty ? "检查通过：没有发现问题。\n"
                : "共 \(findings.errorCount) 个错误，\(findings.warningCount) 个警告。\n"
            return out
        case .json:
            let items = findings.map { finding -> JSONValue in
                .object([
                    ("file", .string(finding.location.file)), ("line", .int(finding.location.line)),
                    ("column", .int(finding.location.column)), ("severity", .string(finding.severity.rawValue)),
                    ("rule", .string(finding.rule)), ("message", .string(finding.message)), ("hint", .string(finding.hint)),
                    ("related", .array(finding.related.map {
                        .object([("file", .string($0.file)), ("line", .int($0.line)), ("column", .int($0.column))])
                    })),
                ])
            }
            return JSONValue.object([
                ("errors", .int(findings.errorCount)), ("warnings", .int(findings.warningCount)), ("findings", .array(items)),
            ]).serialized()
        case .github:
            return findings.map { finding in
                var message = finding.message
                if !finding.hint.isEmpty { message += "\n提示：" + finding.hint }
                for other in finding.related { message += "\n另见：\(other.file):\(other.line)" }
                return "::\(finding.severity == .error ? "error" : "warning") file=\(escapeProperty(finding.location.file)),"
                    + "line=\(finding.location.line),col=\(finding.location.column),title=\(escapeProperty(finding.rule))::\(escapeData(message))"
            }.joined(separator: "\n") + (findings.isEmpty ? "" : "\n")
        }
    }

    /// Workflow-command escaping (as @actions/core does it).
    static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
