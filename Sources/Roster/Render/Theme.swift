import Foundation
import Mustache

/// A theme folder: Mustache templates, one strings file per language, and static assets.
///
/// Themes only lay out view models; every piece of interface text comes from `strings/<language>.yaml`.
public struct Theme: Sendable {
    public var name: String
    public var path: String
    let library: MustacheLibrary
    /// Interface text, flattened: `type.integrator` → 综合集成型.
    public var strings: [String: String]
    /// The same text nested, for templates: `{{t.type.integrator}}`.
    nonisolated(unsafe) let nestedStrings: [String: Any]
    /// Asset files: name in the theme (`site.css`) → hashed output name (`site.3f2a9c1b.css`) and bytes.
    public var assets: [String: Asset]

    public struct Asset: Sendable {
        public var outputName: String
        public var bytes: [UInt8]
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
        var library = MustacheLibrary()
        let templateDir = path.appendingPath("templates")
        for file in FileSystem.walk(templateDir) where file.hasSuffix(".mustache") {
            let fileRelative = "\(relative)/templates/\(file)"
            guard let bytes = FileSystem.read(templateDir.appendingPath(file)),
                  let text = try? SourceText.decode(bytes) else {
                findings.error("theme.template", at: SourceLocation(file: fileRelative), "模板无法读取（需 UTF-8）")
                continue
            }
            do {
                try library.register(text, named: String(file.dropLast(".mustache".count)))
            } catch let error as MustacheTemplate.ParserError {
                findings.error("theme.template", at: SourceLocation(file: fileRelative, line: error.context.lineNumber,
                                                                     column: error.context.columnNumber),
                               "模板语法错误：\(error.error)")
            } catch {
                findings.error("theme.template", at: SourceLocation(file: fileRelative), "模板语法错误：\(error)")
            }
        }
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
                bundles["site.css", default: []] += Array("/* \(file) */\n".utf8) + bytes + [0x0A]
            } else if file.hasPrefix("js/") && file.hasSuffix(".js") {
                bundles["site.js", default: []] += Array("/* \(file) */\n".utf8) + bytes + [0x0A]
            } else {
                add(file, bytes)
            }
        }
        for (name, bytes) in bundles { add(name, bytes) }
        guard findings.all.isEmpty else { return (nil, findings.all) }
        return (Theme(name: name, path: path, library: library, strings: flat, nestedStrings: nested, assets: assets), [])
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
        var view = HTMLText.ungluedValues(view) as? [String: Any] ?? [:]
        view["t"] = nestedStrings
        return library.render(view, withTemplate: template) ?? ""
    }

    func hasTemplate(_ name: String) -> Bool { library.getTemplate(named: name) != nil }
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
