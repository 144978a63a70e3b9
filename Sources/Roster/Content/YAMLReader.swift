import Yams

/// Reads YAML (front matter, site.yaml, industries.yaml) into ``ContentValue`` trees.
enum YAMLReader {
    struct SyntaxError: Error {
        var message: String
        var line: Int
        var column: Int
    }

    /// Most nodes one file may expand to; an alias bomb ("billion laughs") stops here instead of eating memory.
    static let maxNodes = 200_000
    static let maxDepth = 64

    /// Parses one YAML document; `lineOffset` is added to every line (front matter starts below `---`).
    ///
    /// The plain YAML of content files is read by ``YAMLSubsetReader``; everything else, and every error, by Yams.
    /// `hiddenCharactersChecked` says the text is part of one that ``SourceText`` decoded, so it holds no character
    /// ``HiddenCharacters`` reports and need not be scanned for them again.
    static func parse(_ text: String, lineOffset: Int = 0, hiddenCharactersChecked: Bool = false) throws(SyntaxError) -> ContentValue {
        if let value = YAMLSubsetReader.read(text, lineOffset: lineOffset, hiddenCharactersChecked: hiddenCharactersChecked) {
            return value
        }
        return try parseWithYams(text, lineOffset: lineOffset)
    }

    /// The reference reader: libyaml through Yams, for any YAML (the subset reader is checked against it).
    static func parseWithYams(_ text: String, lineOffset: Int = 0) throws(SyntaxError) -> ContentValue {
        let root: Node?
        do {
            // The basic resolver: scalars stay text (the schema types them), and no regular expression runs per scalar.
            root = try Yams.compose(yaml: text, .basic, .default, .utf8)
        } catch let error as YamlError {
            throw describe(error, lineOffset: lineOffset)
        } catch {
            throw SyntaxError(message: "YAML 无法解析", line: 1 + lineOffset, column: 1)
        }
        guard let root else { return ContentValue(.null, line: 1 + lineOffset, column: 1) }
        var budget = maxNodes
        return try convert(root, lineOffset: lineOffset, depth: 0, budget: &budget)
    }

    private static func convert(_ node: Node, lineOffset: Int, depth: Int, budget: inout Int) throws(SyntaxError) -> ContentValue {
        let line = (node.mark?.line ?? 1) + lineOffset
        let column = node.mark?.column ?? 1
        budget -= 1
        if budget < 0 {
            throw SyntaxError(message: "YAML 展开后的内容过多（超过 \(maxNodes) 个值），可能是锚点/别名（& 和 *）的循环引用",
                              line: line, column: column)
        }
        if depth > maxDepth {
            throw SyntaxError(message: "YAML 嵌套超过 \(maxDepth) 层", line: line, column: column)
        }
        switch node {
        case .scalar(let scalar):
            // Double-quoted YAML can write controls as escapes ("\x0b", "\u202e") that the raw text may not hold.
            if let (hidden, _, _) = HiddenCharacters.first(in: scalar.string) {
                throw SyntaxError(message: HiddenCharacters.message(hidden, in: "这个值里"),
                                  line: line, column: column)
            }
            if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
                return ContentValue(.null, line: line, column: column)
            }
            return ContentValue(.scalar(scalar.string, quoted: scalar.style != .plain), line: line, column: column)
        case .sequence(let sequence):
            var items: [ContentValue] = []
            items.reserveCapacity(sequence.count)
            for item in sequence {
                items.append(try convert(item, lineOffset: lineOffset, depth: depth + 1, budget: &budget))
            }
            return ContentValue(.list(items), line: line, column: column)
        case .mapping(let mapping):
            var entries: [ContentValue.Entry] = []
            entries.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw SyntaxError(message: "键名必须是简单文字", line: (key.mark?.line ?? 1) + lineOffset, column: key.mark?.column ?? 1)
                }
                if HiddenCharacters.contains(keyScalar.string) {
                    throw SyntaxError(message: "键名里有看不见的控制字符", line: (key.mark?.line ?? 1) + lineOffset, column: key.mark?.column ?? 1)
                }
                let converted = try convert(value, lineOffset: lineOffset, depth: depth + 1, budget: &budget)
                entries.append(.init(key: keyScalar.string, keyLine: (key.mark?.line ?? 1) + lineOffset,
                                     keyColumn: key.mark?.column ?? 1, value: converted))
            }
            return ContentValue(.map(entries), line: line, column: column)
        case .alias:
            throw SyntaxError(message: "不支持 YAML 别名（*）", line: line, column: column)
        }
    }

    private static func describe(_ error: YamlError, lineOffset: Int) -> SyntaxError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            var message = "YAML 语法错误：\(problem)"
            if let context { message += "（\(context.text)，位于第 \(context.mark.line + lineOffset) 行）" }
            return SyntaxError(message: message + hintFor(problem), line: mark.line + lineOffset, column: mark.column)
        case let .duplicatedKeysInMapping(duplicates, context):
            return SyntaxError(message: "同一对象里键名重复：\(duplicates.joined(separator: "、"))",
                               line: context.mark.line + lineOffset, column: context.mark.column)
        case let .reader(problem, _, _, _):
            return SyntaxError(message: "YAML 读取错误：\(problem)", line: 1 + lineOffset, column: 1)
        default:
            return SyntaxError(message: "YAML 无法解析：\(error)", line: 1 + lineOffset, column: 1)
        }
    }

    private static func hintFor(_ problem: String) -> String {
        if problem.contains("tab") { return "。请用空格缩进，不要用 Tab" }
        if problem.contains("mapping values are not allowed") { return "。值里有冒号时请用引号把整个值括起来" }
        return ""
    }
}
