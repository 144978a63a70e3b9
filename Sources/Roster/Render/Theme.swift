import Foundation

/// A theme folder: Mustache templates, one strings file per language, and static assets.
///
/// Themes only lay out view models; every piece of interface text comes from `strings/<language>.yaml`.
public struct Theme: Sendable {
    public var name: String
    public var path: String
    let templates: TemplateProgram
    /// Interface text, flattened: `type.integrator` → 综合集成型.
    public var strings: [String: String]
    /// The same text nested, for templates: `{{t.type.integrator}}`.
    nonisolated(unsafe) let nestedStrings: [String: Any]
    /// Asset files: name in the theme (`site.css`) → hashed output name (`site.3f2a9c1b.css`) and bytes.
    public var assets: [String: Asset]
    /// The stamps of the theme's files, taken before they were read: pages are fingerprinted with the theme as it
    /// was loaded (see ``PageFingerprints``), also when a process keeps it loaded between builds.
    var stamp: UInt64 = 0

    public struct Asset: Sendable {
        public var outputName: String
        public var bytes: [UInt8]
    }

    /// The stamps of the files of `root/Themes/<name>`, mixed (see ``stamp``).
    static func stamp(root: String, name: String) -> UInt64 {
        PageFingerprints.folderStamp(root.appendingPath("Themes").appendingPath(name))
    }

    /// Loads `root/Themes/<name>` for `language`; problems are returned as findings.
    public static func load(root: String, name: String, language: String) -> (Theme?, [Finding]) {
        let path = root.appendingPath("Themes").appendingPath(name)
        let relative = "Themes/\(name)"
        var findings = FindingList()
        guard FileSystem.isDirectory(path) else {
            findings.error("theme.missing", at: SourceLocation(file: relative), "找不到主题 “\(name)”",
                           hint: "主题放在 Themes/<名称>/ 下；默认主题是 default")
            return (nil, findings.all)
        }
        // Stamped before reading: an edit made while the theme loads shows as a changed stamp next time.
        let stamp = Theme.stamp(root: root, name: name)
        let stringsRelative = "\(relative)/strings/\(language).yaml"
        var flat: [String: String] = [:]
        var nested: [String: Any] = [:]
        if let bytes = FileSystem.read(path.appendingPath("strings/\(language).yaml")) {
            do {
                let value = try YAMLReader.parse(try SourceText.decode(bytes))
                nested = flatten(value, prefix: "", into: &flat)
            } catch let error as YAMLReader.SyntaxError {
                findings.error("theme.strings", at: SourceLocation(file: stringsRelative, line: error.line, column: error.column), error.message)
            } catch {
                findings.error("theme.strings", at: SourceLocation(file: stringsRelative), "文字文件无法读取（需 UTF-8）")
            }
        } else {
            findings.error("theme.strings", at: SourceLocation(file: stringsRelative), "主题没有语言 “\(language)” 的文字文件",
                           hint: "复制 strings/zh-CN.yaml 为 strings/\(language).yaml 并翻译")
        }
        var templates = TemplateSet()
        let templateDir = path.appendingPath("templates")
        for file in FileSystem.walk(templateDir) where file.hasSuffix(".mustache") {
            let fileRelative = "\(relative)/templates/\(file)"
            guard let bytes = FileSystem.read(templateDir.appendingPath(file)),
                  let text = try? SourceText.decode(bytes) else {
                findings.error("theme.template", at: SourceLocation(file: fileRelative), "模板无法读取（需 UTF-8）")
                continue
            }
            do {
                try templates.register(inlineStrings(text, flat), named: String(file.dropLast(".mustache".count)))
            } catch {
                findings.error("theme.template", at: SourceLocation(file: fileRelative, line: error.line, column: error.column),
                               "模板语法错误：\(error.message)")
            }
        }
        var assets: [String: Asset] = [:]
        func add(_ name: String, _ bytes: [UInt8]) {
            let ext = name.pathExtension
            let hashed = ext.isEmpty ? name : "\(name.deletingPathExtension).\(ContentHash.hex(bytes)).\(ext)"
            assets[name] = Asset(outputName: hashed, bytes: bytes)
        }
        // assets/css/*.css and assets/js/*.js are bundled, in file-name order, into one site.css and one site.js:
        // one request each, and concerns stay in files of their own.
        let assetDir = path.appendingPath("assets")
        var bundles: [String: [UInt8]] = [:]
        for file in FileSystem.walk(assetDir) {
            guard let bytes = FileSystem.read(assetDir.appendingPath(file)) else { continue }
            if file.hasPrefix("css/") && file.hasSuffix(".css") {
                bundles["site.css", default: []] += CSSText.compact(bytes) + [0x0A]
            } else if file.hasPrefix("js/") && file.hasSuffix(".js") {
                bundles["site.js", default: []] += JSText.compact(bytes) + [0x0A]
            } else if file.hasSuffix(".js") {
                add(file, JSText.compact(bytes))
            } else if file.hasSuffix(".css") {
                add(file, CSSText.compact(bytes))
            } else {
                add(file, bytes)
            }
        }
        for (name, bytes) in bundles { add(name, bytes) }
        var program = TemplateProgram()
        do {
            program = try templates.compiled()
        } catch {
            findings.error("theme.template", at: SourceLocation(file: "\(relative)/templates/\(error.template).mustache"),
                           "模板\(error.message)", hint: "局部模板放在 templates/partials/ 下，引用时写 {{>partials/名称}}")
        }
        guard findings.all.isEmpty else { return (nil, findings.all) }
        var theme = Theme(name: name, path: path, templates: program, strings: flat, nestedStrings: nested, assets: assets)
        theme.stamp = stamp
        return (theme, [])
    }

    /// Replaces `{{t.key}}` (and `{{{t.key}}}`) with the text itself, escaped, once when the theme loads.
    ///
    /// Interface text is the same on every page; looking it up through Mustache's context stack on each of
    /// thousands of pages was a large share of the build. Unknown keys are left for Mustache (they render empty).
    static func inlineStrings(_ template: String, _ strings: [String: String]) -> String {
        var out = ""
        out.reserveCapacity(template.utf8.count)
        var rest = template[...]
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            let triple = rest[open.upperBound...].hasPrefix("{")
            let nameStart = triple ? rest.index(after: open.upperBound) : open.upperBound
            let closer = triple ? "}}}" : "}}"
            guard let close = rest[nameStart...].range(of: closer) else { out += rest[open.lowerBound...]; return out }
            let name = rest[nameStart..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("t."), let text = strings[String(name.dropFirst(2))] {
                out += triple ? text : HTMLText.escape(text)
            } else {
                out += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        out += rest
        return out
    }

    private static func flatten(_ value: ContentValue, prefix: String, into flat: inout [String: String]) -> [String: Any] {
        var out: [String: Any] = [:]
        guard case .map(let entries) = value.kind else { return out }
        for entry in entries {
            let key = prefix.isEmpty ? entry.key : "\(prefix).\(entry.key)"
            switch entry.value.kind {
            case .scalar(let text, _):
                flat[key] = text
                out[entry.key] = text
            case .map:
                out[entry.key] = flatten(entry.value, prefix: key, into: &flat)
            default:
                break
            }
        }
        return out
    }

    /// Interface text for `key`; a missing key shows as the key itself, so it is noticed, never blank.
    public func text(_ key: String) -> String { strings[key] ?? key }

    /// Renders `template` with `view`; the strings are available as `t`.
    func render(_ template: String, _ view: [String: Any]) -> String {
        String(decoding: renderBytes(template, [view]), as: UTF8.self)
    }

    /// Renders `template` with `views` (the last innermost, hiding keys of the ones before) into UTF-8 bytes, ready
    /// to be written; a missing template renders nothing.
    func renderBytes(_ template: String, _ views: [[String: Any]]) -> [UInt8] {
        TemplateRenderer.render(template, in: templates, views: [["t": nestedStrings]] + views)
    }

}

/// A short content hash for cache-busting asset names (64-bit FNV-1a, hex).
enum ContentHash {
    static func hex(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100000001b3
        }
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

extension FileSystem {
    /// Files under `path`, recursively, as paths relative to it, sorted; hidden files skipped.
    static func walk(_ path: String) -> [String] {
        var out: [String] = []
        func visit(_ relative: String) {
            let absolute = relative.isEmpty ? path : path.appendingPath(relative)
            for name in list(absolute) where !name.hasPrefix(".") {
                let child = relative.isEmpty ? name : relative + "/" + name
                if isSymlink(path.appendingPath(child)) { continue }
                if isDirectory(path.appendingPath(child)) { visit(child) } else { out.append(child) }
            }
        }
        visit("")
        return out.sorted()
    }
}

/// Shrinks CSS without changing its meaning: comments and indentation go, strings are kept as written.
///
/// Every page downloads the stylesheet; the comments that explain the theme are for its authors, not for phones.
enum CSSText {
    static func compact(_ css: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(css.count)
        var i = 0
        var atLineStart = true
        while i < css.count {
            let byte = css[i]
            if byte == UInt8(ascii: "\"") {
                // Copy a string literal untouched.
                let quote = byte
                out.append(byte); i += 1
                while i < css.count {
                    out.append(css[i])
                    if css[i] == UInt8(ascii: "\\"), i + 1 < css.count { out.append(css[i + 1]); i += 2; continue }
                    i += 1
                    if css[i - 1] == quote || css[i - 1] == 0x0A { break }
                }
                atLineStart = false
                continue
            }
            if byte == UInt8(ascii: "'") {
                out.append(byte); i += 1
                while i < css.count {
                    out.append(css[i])
                    if css[i] == UInt8(ascii: "\\"), i + 1 < css.count { out.append(css[i + 1]); i += 2; continue }
                    i += 1
                    if css[i - 1] == UInt8(ascii: "'") || css[i - 1] == 0x0A { break }
                }
                atLineStart = false
                continue
            }
            if byte == UInt8(ascii: "/"), i + 1 < css.count, css[i + 1] == UInt8(ascii: "*") {
                i += 2
                while i + 1 < css.count && !(css[i] == UInt8(ascii: "*") && css[i + 1] == UInt8(ascii: "/")) { i += 1 }
                i += 2
                continue
            }
            if byte == 0x0A {
                if !atLineStart { out.append(0x0A) }
                atLineStart = true
                i += 1
                continue
            }
            if atLineStart && (byte == 0x20 || byte == 0x09) { i += 1; continue }
            atLineStart = false
            out.append(byte)
            i += 1
        }
        return out
    }
}

/// Drops whole-line `//` comments and indentation from a script, which every page downloads.
///
/// Only for scripts without template literals (backticks), where a line's leading text could be part of a string;
/// those are kept exactly as written.
enum JSText {
    static func compact(_ js: [UInt8]) -> [UInt8] {
        guard !js.contains(UInt8(ascii: "`")) else { return js }
        var out: [UInt8] = []
        out.reserveCapacity(js.count)
        for line in js.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == 0x20 || $0 == 0x09 }
            if trimmed.isEmpty { continue }
            if trimmed.starts(with: [UInt8(ascii: "/"), UInt8(ascii: "/")]) { continue }
            out.append(contentsOf: trimmed)
            out.append(0x0A)
        }
        return out
    }
}
