import Foundation
import Testing

/// Expected-output files under `Tests/RosterTests/Fixtures/<concern>/`: a test compares what it produced with the
/// recorded file, and `ROSTER_RECORD=1 swift test` rewrites the files, so a reviewer sees every output change as a diff.
enum GoldenFile {
    static var recording: Bool { ProcessInfo.processInfo.environment["ROSTER_RECORD"] == "1" }

    static func path(_ concern: String, _ name: String) -> String {
        repositoryRoot + "/Tests/RosterTests/Fixtures/\(concern)/\(name)"
    }

    /// Checks `actual` against the recorded bytes (or records them), reporting the first differing line.
    static func check(_ actual: [UInt8], concern: String, name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let file = path(concern, name)
        if recording {
            try? FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: file, contents: Data(actual))
            return
        }
        guard let expected = FileManager.default.contents(atPath: file) else {
            Issue.record("no expected output \(file): run ROSTER_RECORD=1 swift test to record it", sourceLocation: sourceLocation)
            return
        }
        guard [UInt8](expected) != actual else { return }
        let a = String(decoding: actual, as: UTF8.self).components(separatedBy: "\n")
        let e = String(decoding: expected, as: UTF8.self).components(separatedBy: "\n")
        let line = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
        Issue.record("""
            \(name) differs from Fixtures/\(concern)/\(name) at line \(line + 1):
              expected: \(line < e.count ? e[line] : "<end of file>")
              actual:   \(line < a.count ? a[line] : "<end of file>")
            If the change is intended, re-record with ROSTER_RECORD=1 swift test and review the diff.
            """, sourceLocation: sourceLocation)
    }

    static func check(_ actual: String, concern: String, name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        check(Array(actual.utf8), concern: concern, name: name, sourceLocation: sourceLocation)
    }
}
