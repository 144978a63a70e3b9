/// A Mustache template parsed once into a tree, for the theme's pages.
///
/// Roster renders tens of thousands of pages per build from a dozen templates, so templates are parsed when the
/// theme loads and rendered by ``TemplateRenderer`` straight into bytes. The dialect is the Mustache spec with
/// inheritance (`{{<parent}}{{$block}}…{{/block}}{{/parent}}`), the one swift-mustache implements, with the same
/// whitespace rules (standalone tags take their line with them); lambdas, transforms (`{{x(y)}}`), dynamic partials
/// and pragmas are refused when the theme loads, because a logic-less theme has no use for them.
struct Template: Sendable {
    var nodes: [TemplateNode]
}

/// One piece of a parsed template.
indirect enum TemplateNode: Sendable {
    /// Text copied as it is; one node per line, so a partial's indentation can be applied line by line.
    case text([UInt8])
    /// `{{name}}` (escaped) or `{{{name}}}` / `{{&name}}` (as it is).
    case variable(TemplateName, escaped: Bool)
    /// `{{#name}}…{{/name}}`, or `{{^name}}…{{/name}}` when inverted.
    case section(TemplateName, [TemplateNode], inverted: Bool)
    /// `{{>name}}`, or `{{<name}}…{{/name}}` with the blocks it overrides.
    case partial(String, indentation: [UInt8]?, overrides: [String: [TemplateNode]]?)
    /// `{{$name}}default{{/name}}`: the overriding content when a child template gives one, else the default.
    case block(String, defaultNodes: [TemplateNode], indentation: [UInt8]?)
}

/// A variable or section name: `.`, `name`, `a.b.c`, or `.name` (looked up in the innermost context only).
struct TemplateName: Sendable, Equatable {
    var parts: [String]
    /// `{{.}}`: the current item.
    var isCurrent: Bool
    /// `{{.name}}`: no climbing to outer contexts.
    var anchored: Bool

    init(_ text: String) {
        isCurrent = text == "."
        anchored = !isCurrent && text.hasPrefix(".")
        parts = isCurrent ? [] : text.split(separator: ".").map(String.init)
    }
}

/// A template that could not be parsed, with the line and column where it went wrong.
struct TemplateSyntaxError: Error, Sendable {
    var message: String
    var line: Int
    var column: Int
}

/// The named templates of a theme (`case`, `partials/case-card` …), parsed, then compiled into one program.
struct TemplateSet: Sendable {
    private(set) var templates: [String: Template] = [:]

    /// Parses `text` and registers it under `name`.
    mutating func register(_ text: String, named name: String) throws(TemplateSyntaxError) {
        templates[name] = try TemplateParser.parse(Array(text.utf8))
    }

    /// All templates as one flat program; fails on a partial that names no template.
    func compiled() throws(TemplateCompileError) -> TemplateProgram {
        var program = TemplateProgram()
        try program.compile(templates)
        program.numberKeys()
        return program
    }
}

/// A template that names a partial the theme does not have.
struct TemplateCompileError: Error, Sendable {
    var template: String
    var message: String
}

/// Every template of a theme as one flat list of operations over shared text, names and indentation tables.
///
/// Rendering walks plain integers and byte ranges: nothing reference-counted is touched per operation, which
/// matters when two threads render pages from the same templates at once (shared reference counts would bounce
/// between the cores on every node).
struct TemplateProgram: Sendable {
    enum Op: Sendable {
        /// Bytes `text[start..<start+count]`.
        case text(start: Int32, count: Int32)
        /// `names[name]`, escaped or not.
        case variable(name: Int32, escaped: Bool)
        /// A section whose body starts at the next operation and ends with `.end`; rendering goes on at `next`.
        case section(name: Int32, inverted: Bool, next: Int32)
        /// Runs the template starting at `start`, with the block overrides `overrides[overrides]` (-1: none) and
        /// `indentations[indentation]` added.
        case partial(start: Int32, overrides: Int32, indentation: Int32)
        /// A block: the caller's override for `blocks[block]` if there is one, else the body after this operation
        /// (ending with `.end`); rendering goes on at `next`.
        case block(block: Int32, indentation: Int32, next: Int32)
        case end
    }

    private(set) var ops: [Op] = []
    private(set) var text: [UInt8] = []
    /// A name as a run of `keys`: plain integers, so reading one retains nothing.
    struct Name: Sendable, Equatable {
        var first: Int32
        var count: Int32
        var isCurrent: Bool
        var anchored: Bool
    }
    private(set) var names: [Name] = []
    private(set) var keys: [String] = []
    /// `keys` numbered, one number per distinct key: what prepared views are looked up by.
    private(set) var keyIDs: [Int32] = []
    private(set) var keyTable = TemplateKeyTable(numbers: [:])
    private(set) var blocks: [String] = []
    /// Block id → start of the overriding body.
    private(set) var overrides: [[Int32: Int32]] = []
    /// Index 0 is no indentation.
    private(set) var indentations: [[UInt8]] = [[]]
    /// Template name → its first operation.
    private(set) var entries: [String: Int32] = [:]

    fileprivate mutating func compile(_ templates: [String: Template]) throws(TemplateCompileError) {
        // Entry points first, so partials can be resolved whatever order the templates come in.
        var pending: [(name: String, start: Int, nodes: [TemplateNode])] = []
        for (name, template) in templates.sorted(by: { $0.key < $1.key }) {
            pending.append((name, ops.count, template.nodes))
            entries[name] = Int32(ops.count)
            ops.append(.end)  // becomes a call into the body, compiled below
            ops.append(.end)
        }
        // Each template's body is compiled elsewhere; its entry becomes a partial call into it.
        for item in pending {
            let start = try emitBody(item.nodes, in: item.name, entries: entries)
            ops[item.start] = .partial(start: Int32(start), overrides: -1, indentation: 0)
        }
    }

    /// Emits `nodes` followed by `.end`, returning where they start.
    private mutating func emitBody(_ nodes: [TemplateNode], in template: String, entries: [String: Int32]) throws(TemplateCompileError) -> Int {
        let start = ops.count
        var deferred: [(index: Int, nodes: [TemplateNode], overrides: [String: [TemplateNode]])] = []
        try emit(nodes, in: template, deferred: &deferred)
        ops.append(.end)
        // Override bodies go after, as bodies of their own.
        for item in deferred {
            var table: [Int32: Int32] = [:]
            for (block, body) in item.overrides.sorted(by: { $0.key < $1.key }) {
                table[blockID(block)] = Int32(try emitBody(body, in: template, entries: entries))
            }
            overrides.append(table)
            guard case .partial(let target, _, let indentation) = ops[item.index] else { continue }
            ops[item.index] = .partial(start: target, overrides: Int32(overrides.count - 1), indentation: indentation)
        }
        return start
    }

    private mutating func emit(_ nodes: [TemplateNode], in template: String,
                               deferred: inout [(index: Int, nodes: [TemplateNode], overrides: [String: [TemplateNode]])]) throws(TemplateCompileError) {
        for node in nodes {
            switch node {
            case .text(let bytes):
                ops.append(.text(start: Int32(text.count), count: Int32(bytes.count)))
                text += bytes
            case .variable(let name, let escaped):
                ops.append(.variable(name: nameID(name), escaped: escaped))
            case .section(let name, let body, let inverted):
                let at = ops.count
                ops.append(.end)
                try emit(body, in: template, deferred: &deferred)
                ops.append(.end)
                ops[at] = .section(name: nameID(name), inverted: inverted, next: Int32(ops.count))
            case .partial(let name, let indentation, let blockOverrides):
                guard let target = entries[name] else {
                    throw TemplateCompileError(template: template, message: "引用了不存在的局部模板 “\(name)”")
                }
                ops.append(.partial(start: target, overrides: -1, indentation: indentationID(indentation)))
                if let blockOverrides { deferred.append((ops.count - 1, [], blockOverrides)) }
            case .block(let name, let body, let indentation):
                let at = ops.count
                ops.append(.end)
                try emit(body, in: template, deferred: &deferred)
                ops.append(.end)
                ops[at] = .block(block: blockID(name), indentation: indentationID(indentation), next: Int32(ops.count))
            }
        }
    }

    fileprivate mutating func numberKeys() {
        var numbers: [String: Int32] = [:]
        keyIDs = keys.map { key in
            if let known = numbers[key] { return known }
            let number = Int32(numbers.count)
            numbers[key] = number
            return number
        }
        keyTable = TemplateKeyTable(numbers: numbers)
    }

    private mutating func nameID(_ name: TemplateName) -> Int32 {
        let index = names.indices.first { i in
            let known = names[i]
            return known.isCurrent == name.isCurrent && known.anchored == name.anchored
                && Array(keys[Int(known.first)..<Int(known.first + known.count)]) == name.parts
        }
        if let index { return Int32(index) }
        names.append(Name(first: Int32(keys.count), count: Int32(name.parts.count), isCurrent: name.isCurrent, anchored: name.anchored))
        keys += name.parts
        return Int32(names.count - 1)
    }

    private mutating func blockID(_ name: String) -> Int32 {
        if let index = blocks.firstIndex(of: name) { return Int32(index) }
        blocks.append(name)
        return Int32(blocks.count - 1)
    }

    private mutating func indentationID(_ indentation: [UInt8]?) -> Int32 {
        guard let indentation, !indentation.isEmpty else { return 0 }
        if let index = indentations.firstIndex(of: indentation) { return Int32(index) }
        indentations.append(indentation)
        return Int32(indentations.count - 1)
    }
}

/// Turns template bytes into nodes, following the spec's (and swift-mustache's) standalone-line rules.
struct TemplateParser {
    private let bytes: [UInt8]
    private var position = 0
    private var open: [UInt8] = Array("{{".utf8)
    private var close: [UInt8] = Array("}}".utf8)

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func parse(_ bytes: [UInt8]) throws(TemplateSyntaxError) -> Template {
        var parser = TemplateParser(bytes)
        let (nodes, _) = try parser.parseNodes(State())
        return Template(nodes: nodes)
    }

    private struct State {
        var sectionName: String?
        var newLine = true
        /// Inside `{{<parent}}…{{/parent}}`; `partialTopLevel` when directly inside it, where only blocks may appear.
        var inPartialDefinition = false
        var partialTopLevel = false
        var partialIndent: [UInt8]?

        func section(_ name: String, newLine: Bool) -> State {
            var state = self
            state.sectionName = name
            state.partialTopLevel = false
            if !newLine { state.newLine = false }
            return state
        }
    }

    // MARK: - Reading

    private var atEnd: Bool { position >= bytes.count }
    private func isNewline(at index: Int) -> Bool {
        guard index < bytes.count else { return false }
        return bytes[index] == 0x0A || (bytes[index] == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A)
    }
    private func newlineLength(at index: Int) -> Int { bytes[index] == 0x0D ? 2 : 1 }
    private func matches(_ token: [UInt8], at index: Int) -> Bool {
        guard index + token.count <= bytes.count else { return false }
        for i in 0..<token.count where bytes[index + i] != token[i] { return false }
        return true
    }
    private mutating func skip(while predicate: (UInt8) -> Bool) {
        while position < bytes.count, predicate(bytes[position]) { position += 1 }
    }
    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "?"): return true
        default: return false
        }
    }

    private func error(_ message: String, at index: Int? = nil) -> TemplateSyntaxError {
        let end = min(index ?? position, bytes.count)
        var line = 1, lineStart = 0
        for i in 0..<end where bytes[i] == 0x0A { line += 1; lineStart = i + 1 }
        let column = String(decoding: bytes[lineStart..<end], as: UTF8.self).count + 1
        return TemplateSyntaxError(message: message, line: line, column: column)
    }

    /// Text up to the next tag opener (consumed) or newline (not consumed).
    private mutating func readText() -> ArraySlice<UInt8> {
        let start = position
        while position < bytes.count {
            if isNewline(at: position) { return bytes[start..<position] }
            if matches(open, at: position) {
                let text = bytes[start..<position]
                position += open.count
                return text
            }
            position += 1
        }
        return bytes[start..<position]
    }

    /// Whether the tag just read is alone on its line; if so, the rest of the line (blanks and newline) is consumed.
    private mutating func standalone(_ state: State) -> Bool {
        guard state.newLine else { return false }
        if atEnd { return true }
        var i = position
        while i < bytes.count, Self.isBlank(bytes[i]) { i += 1 }
        if i >= bytes.count { position = i; return true }
        guard isNewline(at: i) else { return false }
        position = i + newlineLength(at: i)
        return true
    }

    private mutating func readName() throws(TemplateSyntaxError) -> String {
        skip(while: Self.isSpace)
        let start = position
        skip(while: Self.isNameByte)
        let name = String(decoding: bytes[start..<position], as: UTF8.self)
        skip(while: Self.isSpace)
        if position < bytes.count, bytes[position] == UInt8(ascii: "(") {
            throw error("模板不支持转换函数（如 {{x(y)}}）：请在 Swift 视图模型里准备好数据")
        }
        guard matches(close, at: position) else { throw error("标签没有正确结束（缺少 \(String(decoding: close, as: UTF8.self))）") }
        position += close.count
        guard !name.isEmpty else { throw error("标签缺少名称") }
        return name
    }

    private mutating func readPartialName() throws(TemplateSyntaxError) -> String {
        skip(while: Self.isSpace)
        if position < bytes.count, bytes[position] == UInt8(ascii: "*") {
            throw error("模板不支持动态局部模板（{{>*name}}）")
        }
        let start = position
        skip(while: { Self.isNameByte($0) || $0 == UInt8(ascii: "/") })
        let name = String(decoding: bytes[start..<position], as: UTF8.self)
        skip(while: Self.isSpace)
        guard matches(close, at: position) else { throw error("标签没有正确结束（缺少 \(String(decoding: close, as: UTF8.self))）") }
        position += close.count
        guard !name.isEmpty else { throw error("局部模板缺少名称") }
        return name
    }

    // MARK: - Parsing

    /// Parses until the end of the input, or the close tag of `state.sectionName`.
    private mutating func parseNodes(_ initial: State) throws(TemplateSyntaxError) -> ([TemplateNode], State) {
        var nodes: [TemplateNode] = []
        var state = initial
        var blanksBefore: [UInt8] = []
        let sectionStart = position
        while !atEnd {
            if state.newLine {
                let start = position
                skip(while: Self.isBlank)
                let blanks = Array(bytes[start..<position])
                if state.inPartialDefinition && !state.partialTopLevel {
                    // Lines of a block given to a parent lose the indentation of the block's first line.
                    if let indent = state.partialIndent {
                        blanksBefore = Array(blanks.dropFirst(indent.count))
                    } else {
                        state.partialIndent = blanks
                        blanksBefore = []
                    }
                } else {
                    blanksBefore = blanks
                }
            }
            let text = readText()
            if isNewline(at: position) {
                let length = newlineLength(at: position)
                nodes.append(.text(blanksBefore + text + bytes[position..<position + length]))
                blanksBefore = []
                position += length
                state.newLine = true
                continue
            }
            if !text.isEmpty {
                nodes.append(.text(blanksBefore + text))
                blanksBefore = []
                state.newLine = false
            }
            if atEnd { break }
            let tagStart = position - open.count
            var endsLine = false
            func flushBlanks() {
                if !blanksBefore.isEmpty { nodes.append(.text(blanksBefore)); blanksBefore = [] }
            }
            let sigil = bytes[position]
            switch sigil {
            case UInt8(ascii: "#"), UInt8(ascii: "^"):
                position += 1
                let name = try readName()
                if standalone(state) { endsLine = true } else { flushBlanks() }
                let (children, _) = try parseNodes(state.section(name, newLine: endsLine))
                nodes.append(.section(TemplateName(name), children, inverted: sigil == UInt8(ascii: "^")))
            case UInt8(ascii: "/"):
                position += 1
                let closeAt = position
                let name = try readName()
                guard let open = state.sectionName else { throw error("多余的结束标签 {{/\(name)}}", at: tagStart) }
                guard name == open else { throw error("结束标签 {{/\(name)}} 与开始标签 {{#\(open)}} 不匹配", at: closeAt) }
                if standalone(state) { state.newLine = true } else { flushBlanks(); state.newLine = false }
                return (nodes, state)
            case UInt8(ascii: "!"):
                position += 1
                while !atEnd && !matches(close, at: position) { position += 1 }
                guard !atEnd else { throw error("注释没有结束（缺少 \(String(decoding: close, as: UTF8.self))）", at: tagStart) }
                position += close.count
                endsLine = standalone(state)
            case UInt8(ascii: "{"), UInt8(ascii: "&"):
                flushBlanks()
                position += 1
                let name = try readName()
                if sigil == UInt8(ascii: "{") {
                    guard position < bytes.count, bytes[position] == UInt8(ascii: "}") else {
                        throw error("三重括号标签没有正确结束（缺少 }}}）")
                    }
                    position += 1
                }
                nodes.append(.variable(TemplateName(name), escaped: false))
            case UInt8(ascii: ">"):
                position += 1
                let name = try readPartialName()
                let indentation = blanksBefore
                flushBlanks()
                if standalone(state) {
                    endsLine = true
                    nodes.append(.partial(name, indentation: indentation, overrides: nil))
                } else {
                    nodes.append(.partial(name, indentation: nil, overrides: nil))
                }
            case UInt8(ascii: "<"):
                position += 1
                let name = try readPartialName()
                let indentation = blanksBefore
                flushBlanks()
                if standalone(state) { endsLine = true }
                var inner = state.section(name, newLine: true)
                inner.newLine = true
                inner.inPartialDefinition = true
                inner.partialTopLevel = true
                let (children, _) = try parseNodes(inner)
                var overrides: [String: [TemplateNode]] = [:]
                for child in children {
                    switch child {
                    case .block(let blockName, let content, _): overrides[blockName] = content
                    case .text: break
                    default: throw error("{{<\(name)}} 里只能放 {{$块}}", at: tagStart)
                    }
                }
                nodes.append(.partial(name, indentation: indentation, overrides: overrides))
            case UInt8(ascii: "$"):
                position += 1
                let name = try readName()
                if state.partialTopLevel {
                    endsLine = standalone(state)
                    let (children, _) = try parseNodes(state.section(name, newLine: endsLine))
                    nodes.append(.block(name, defaultNodes: children, indentation: nil))
                } else {
                    let indentation = blanksBefore
                    flushBlanks()
                    endsLine = standalone(state)
                    let (children, _) = try parseNodes(state.section(name, newLine: endsLine))
                    nodes.append(.block(name, defaultNodes: children, indentation: indentation))
                }
            case UInt8(ascii: "="):
                position += 1
                try setDelimiters()
                endsLine = standalone(state)
            case UInt8(ascii: "%"):
                throw error("模板不支持编译指令（{{%…}}）", at: tagStart)
            default:
                flushBlanks()
                let name = try readName()
                nodes.append(.variable(TemplateName(name), escaped: true))
            }
            state.newLine = endsLine
        }
        if let name = initial.sectionName {
            throw error("{{#\(name)}} 没有对应的结束标签 {{/\(name)}}", at: sectionStart)
        }
        return (nodes, state)
    }

    private mutating func setDelimiters() throws(TemplateSyntaxError) {
        skip(while: Self.isSpace)
        var start = position
        while position < bytes.count, !Self.isSpace(bytes[position]) { position += 1 }
        let newOpen = Array(bytes[start..<position])
        skip(while: Self.isSpace)
        start = position
        while position < bytes.count, !Self.isSpace(bytes[position]), bytes[position] != UInt8(ascii: "=") { position += 1 }
        let newClose = Array(bytes[start..<position])
        skip(while: Self.isSpace)
        guard position < bytes.count, bytes[position] == UInt8(ascii: "="), matches(close, at: position + 1),
              !newOpen.isEmpty, !newClose.isEmpty else { throw error("分隔符设置标签格式错误（如 {{=<% %>=}}）") }
        position += 1 + close.count
        open = newOpen
        close = newClose
    }
}

/// The keys a theme's templates look up, numbered: a prepared view keeps its values under these numbers, so a
/// lookup compares small integers instead of hashing a string.
final class TemplateKeyTable: Sendable {
    let numbers: [String: Int32]
    /// Key by number.
    let keys: [String]

    init(numbers: [String: Int32]) {
        self.numbers = numbers
        var keys = [String](repeating: "", count: numbers.count)
        for (key, number) in numbers { keys[Int(number)] = key }
        self.keys = keys
    }
}
