import Foundation

/// Text left from `roster new` (`【待填写…】`) is an error: a half-filled entry must never be published.
///
/// The marks are looked for in the files themselves (also in files too broken to load), so each is reported
/// at its own line and column, in the front matter and in the body alike.
enum PlaceholderRules {
    static func check(_ site: Site, into findings: inout FindingList) {
        var files: [String] = []
        for kind in Scaffold.Kind.allCases {
            let folder = "Content/\(kind.folder)"
            for name in FileSystem.list(site.root.appendingPath(folder)) where name.hasSuffix(".md") || name.hasSuffix(".json") {
                guard !FileSystem.isSymlink(site.root.appendingPath(folder + "/" + name)) else { continue }
                files.append(folder + "/" + name)
            }
        }
        for file in files {
            guard let bytes = FileSystem.read(site.root.appendingPath(file)) else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            guard text.contains(Scaffold.placeholderMark) else { continue }
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
}
