import Foundation
@testable import Roster

/// RFC 4180 CSV as a spreadsheet reads it: quoted fields may hold commas, quotes (doubled) and line breaks.
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var scalars = Array(text.unicodeScalars)
    if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
    var i = 0
    while i < scalars.count {
        let c = scalars[i]
        if quoted {
            if c == "\"" {
                if i + 1 < scalars.count, scalars[i + 1] == "\"" { field += "\""; i += 1 } else { quoted = false }
            } else {
                field.unicodeScalars.append(c)
            }
        } else if c == "\"" && field.isEmpty {
            quoted = true
        } else if c == "," {
            row.append(field); field = ""
        } else if c == "\r" || c == "\n" {
            if c == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n" { i += 1 }
            row.append(field); field = ""
            rows.append(row); row = []
        } else {
            field.unicodeScalars.append(c)
        }
        i += 1
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows
}

/// Every regular file under `path`, relative to it, with its bytes.
func snapshotTree(_ path: String) -> [String: Data] {
    var out: [String: Data] = [:]
    guard let files = try? FileManager.default.subpathsOfDirectory(atPath: path) else { return out }
    for file in files {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path + "/" + file, isDirectory: &isDir), !isDir.boolValue { out[file] = FileManager.default.contents(atPath: path + "/" + file) }
    }
    return out
}

/// Wall-clock seconds and the result of `work`.
func timed<T>(_ work: () throws -> T) rethrows -> (T, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try work()
    return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

/// The process's peak resident memory so far, in MB (Linux `VmHWM`).
func peakMemoryMB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
    return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}
