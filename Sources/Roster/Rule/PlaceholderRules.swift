import Foundation

/// Text left from `roster new` (`【待填写…】`) is an error: a half-filled entry must never be published.
///
/// The marks are looked for in the files themselves (also in files too broken to decode), so each is reported
/// at its own line and column, in the front matter and in the body alike. It runs as the last part of loading,
/// where it also drops the other findings about the same lines (a mark in `role:` is not also “not an allowed
/// value”), so an editor filling in a new file sees one error per blank.
enum PlaceholderRules {
    static func apply(_ marks: [Finding], to findings: FindingList) -> FindingList {
        guard !marks.isEmpty else { return findings }
        let lines = Set(marks.map { "\($0.location.file):\($0.location.line)" })
        var result = FindingList()
        result.append(contentsOf: findings.all.filter { !lines.contains("\($0.location.file):\($0.location.line)") })
        result.append(contentsOf: marks)
        return result
    }

    private static let placeholderBytes = Array(Scaffold.placeholderMark.utf8)

    /// Whether the file's bytes hold the mark anywhere.
    private static func containsMark(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { haystack in
            placeholderBytes.withUnsafeBufferPointer { mark in
                func matches(at i: Int) -> Bool {
                    var j = 0
                    while j < mark.count && haystack[i + j] == mark[j] { j += 1 }
                    return j == mark.count
                }
                let last = haystack.count - mark.count  // the last position the mark can start at
                var i = 0
                // 8 positions at a time, looked at one by one only where one starts with the mark's first three
                // bytes (E3 80 90, 【).
                let (first, second, third) = (ByteWord.repeating(mark[0]), ByteWord.repeating(mark[1]), ByteWord.repeating(mark[2]))
                while i + 10 <= haystack.count {
                    let starts = ByteWord.bytes(haystack.word(at: i), equalTo: first) & ByteWord.bytes(haystack.word(at: i + 1), equalTo: second)
                        & ByteWord.bytes(haystack.word(at: i + 2), equalTo: third)
                    if starts != 0 {
                        for j in i..<(i + 8) where j <= last && matches(at: j) { return true }
                    }
                    i += 8
                }
                while i <= last {
                    if matches(at: i) { return true }
                    i += 1
                }
                return false
            }
        }
    }

    /// The marks in one file's bytes (also when they are not valid UTF-8 or YAML).
    static func scan(_ bytes: [UInt8], file: String) -> [Finding] {
        // Most files have none: look for the mark's bytes before decoding anything.
        guard containsMark(bytes) else { return [] }
        var findings = FindingList()
        scan(String(decoding: bytes, as: UTF8.self), file: file, into: &findings)
        return findings.all
    }

    static func scan(_ text: String, file: String, into findings: inout FindingList) {
        guard text.contains(Scaffold.placeholderMark) else { return }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = line[...]
            while let mark = rest.range(of: Scaffold.placeholderMark) {
                if line[..<mark.lowerBound].trimmingCharacters(in: .whitespaces).hasPrefix("#") { break }  // a YAML comment
                let end = rest[mark.lowerBound...].firstIndex(of: "】").map { rest.index(after: $0) } ?? rest.endIndex
                let column = line.unicodeScalars.distance(from: line.unicodeScalars.startIndex, to: mark.lowerBound) + 1
                findings.error("content.placeholder", at: SourceLocation(file: file, line: index + 1, column: column),
                               "还有没填写的内容：\(rest[mark.lowerBound..<end])",
                               hint: "把【待填写……】整个换成真实内容；标着“选填”的字段用不上就删掉那一行")
                rest = rest[end...]
            }
        }
    }
}
