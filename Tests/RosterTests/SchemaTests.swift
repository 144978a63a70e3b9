import Foundation
import Testing
@testable import Roster

@Suite("JSON Schemas for editors")
struct SchemaTests {
    static let schemaDir = repositoryRoot + "/Schemas"

    @Test("Schemas/*.schema.json are exactly what the loader's field list generates (ROSTER_RECORD=1 rewrites them)")
    func upToDate() throws {
        let record = ProcessInfo.processInfo.environment["ROSTER_RECORD"] == "1"
        for (name, text) in ContentSchema.schemaFiles {
            let path = Self.schemaDir + "/" + name
            if record {
                try FileManager.default.createDirectory(atPath: Self.schemaDir, withIntermediateDirectories: true)
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            }
            let committed = try? String(contentsOfFile: path, encoding: .utf8)
            #expect(committed == text, "\(name) is out of date: run ROSTER_RECORD=1 swift test --filter SchemaTests")
        }
    }

    @Test("every field of every schema is accepted by the loader: an entry with all of them loads clean")
    func everyFieldAccepted() throws {
        let provider = ContentSchema.provider.map { "\($0.name): \(sample($0))" }.joined(separator: "\n")
        let item = ContentSchema.case.map { "\($0.name): \(sample($0))" }.joined(separator: "\n")
        let notice = ContentSchema.notice.map { "\($0.name): \(sample($0))" }.joined(separator: "\n")
        let site = try TestSite([
            "Content/providers/full.md": "---\n\(provider)\n---\n",
            "Content/cases/full.md": "---\n\(item)\n---\n",
            "Content/notices/full.md": "---\n\(notice)\n---\n",
        ])
        try site.write("Content/media/x.png", "png")
        let findings = site.load().findings
        #expect(findings.isEmpty, "\(findings.map(\.compilerStyle))")
    }

    /// A valid YAML value for a field.
    private func sample(_ field: ContentSchema.Field) -> String {
        switch field.name {
        case "id": return "full"
        case "credit_code", "parent_credit_code": return "\"\(creditCode(field.name == "id" ? "" : "91370200MA3C0FU0\(field.name.count % 10)"))\""
        case "provider": return "full"
        case "industry": return "auto-parts"
        case "industries": return "[auto-parts]"
        case "candidates": return "[full]"
        default: break
        }
        return value(field.kind)
    }

    private func value(_ kind: ContentSchema.Kind) -> String {
        switch kind {
        case .text: return "\"文字\""
        case .pattern: return "media/x.png"
        case .date: return "2024-01-09"
        case .dateTime: return "\"2024-01-31 24:00\""
        case .bool: return "true"
        case .integer: return "12"
        case .number: return "3.5"
        case .url: return "https://example.com/"
        case .choice(let values): return values[0]
        case .list(let item): return "[\(value(item))]"
        case .object(let fields): return "{" + fields.map { "\($0.name): \(sample($0))" }.joined(separator: ", ") + "}"
        }
    }

    static let pythonReady: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import jsonschema, yaml"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    @Test("every default content file validates against its schema (with Python's jsonschema)",
          .enabled(if: pythonReady || ProcessInfo.processInfo.environment["CI"] != nil,
                   "python3 with jsonschema and PyYAML is not installed: run scripts/install.sh"))
    func contentValidates() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", repositoryRoot + "/scripts/validate-schemas.py", repositoryRoot]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains(" 0 problems"))
    }
}
