/// Renders a parsed ``Template`` with a view model straight into UTF-8 bytes.
///
/// View models are `[String: Any]` dictionaries built by the page functions. Each value is looked at once, with a
/// few concrete casts in order of how often they occur (text, flags, numbers, nested views, lists), never through
/// protocol-conformance lookups, and text is escaped byte by byte: this is what makes page rendering cheap enough
/// for tens of thousands of pages. Escaping bytes (not Characters) also means a quote glued to a combining mark is
/// still escaped.
struct TemplateRenderer {
    private let templates: TemplateSet
    private var out: [UInt8] = []
    private var stack: [Frame]

    private enum Frame {
        case view([String: Any])
        case value(Any)
    }

    /// What a looked-up value turned out to be.
    private enum Value {
        case missing
        case text(String)
        case flag(Bool)
        case number(Int)
        case view([String: Any])
        case views([[String: Any]])
        case texts([String])
        case list([Any])
        case other(Any)
    }

    /// Renders `template` with `view` on top of `base` (values every page can reach, such as the theme's text).
    static func render(_ template: Template, in templates: TemplateSet, view: [String: Any], base: [String: Any] = [:],
                       sizeHint: Int = 16_384) -> [UInt8] {
        var renderer = TemplateRenderer(templates: templates, stack: [.view(base), .view(view)])
        renderer.out.reserveCapacity(sizeHint)
        renderer.render(template.nodes, overrides: nil, indentation: [])
        return renderer.out
    }

    private init(templates: TemplateSet, stack: [Frame]) {
        self.templates = templates
        self.stack = stack
    }

    private mutating func render(_ nodes: [TemplateNode], overrides: [String: [TemplateNode]]?, indentation: [UInt8]) {
        guard !indentation.isEmpty else {
            for node in nodes { render(node, overrides: overrides, indentation: indentation) }
            return
        }
        // A partial's indentation starts every line it writes (its first line follows the indentation already written).
        let start = out.count
        for node in nodes {
            let mark = out.count
            render(node, overrides: overrides, indentation: indentation)
            if out.count > mark, mark > start, out[mark - 1] == 0x0A {
                out.insert(contentsOf: indentation, at: mark)
            }
        }
    }

    private mutating func render(_ node: TemplateNode, overrides: [String: [TemplateNode]]?, indentation: [UInt8]) {
        switch node {
        case .text(let bytes):
            out.append(contentsOf: bytes)
        case .variable(let name, let escaped):
            write(lookup(name), escaped: escaped)
        case .section(let name, let nodes, let inverted):
            let value = lookup(name)
            if inverted {
                if isEmpty(value) { render(nodes, overrides: overrides, indentation: indentation) }
            } else {
                section(value, nodes, overrides: overrides, indentation: indentation)
            }
        case .partial(let name, let partialIndentation, let partialOverrides):
            guard let template = templates.template(named: name) else { return }
            var inherited = overrides
            if let partialOverrides {
                // Blocks given by an outer template win over those given further in, as the spec says.
                inherited = (overrides ?? [:]).merging(partialOverrides) { outer, _ in outer }
            }
            render(template.nodes, overrides: inherited, indentation: indentation + (partialIndentation ?? []))
        case .block(let name, let defaultNodes, let blockIndentation):
            let nodes = overrides?[name] ?? defaultNodes
            render(nodes, overrides: overrides, indentation: indentation + (blockIndentation ?? []))
        }
    }

    private mutating func section(_ value: Value, _ nodes: [TemplateNode], overrides: [String: [TemplateNode]]?,
                                  indentation: [UInt8]) {
        func with(_ frame: Frame, _ renderer: inout TemplateRenderer) {
            renderer.stack.append(frame)
            renderer.render(nodes, overrides: overrides, indentation: indentation)
            renderer.stack.removeLast()
        }
        switch value {
        case .missing: return
        case .flag(let on): if on { render(nodes, overrides: overrides, indentation: indentation) }
        case .views(let items): for item in items { with(.view(item), &self) }
        case .texts(let items): for item in items { with(.value(item), &self) }
        case .list(let items):
            for item in items {
                if let view = item as? [String: Any] { with(.view(view), &self) } else { with(.value(item), &self) }
            }
        case .view(let view): with(.view(view), &self)
        case .text(let text): with(.value(text), &self)
        case .number(let number): with(.value(number), &self)
        case .other(let other): with(.value(other), &self)
        }
    }

    private func isEmpty(_ value: Value) -> Bool {
        switch value {
        case .missing: return true
        case .flag(let on): return !on
        case .views(let items): return items.isEmpty
        case .texts(let items): return items.isEmpty
        case .list(let items): return items.isEmpty
        default: return false
        }
    }

    // MARK: - Lookup

    private func lookup(_ name: TemplateName) -> Value {
        if name.isCurrent {
            switch stack[stack.count - 1] {
            case .view(let view): return .view(view)
            case .value(let value): return classify(value)
            }
        }
        guard let first = name.parts.first else { return .missing }
        var found: Any?
        if name.anchored {
            if case .view(let view) = stack[stack.count - 1] { found = view[first] }
        } else {
            for frame in stack.reversed() {
                if case .view(let view) = frame, let value = view[first] { found = value; break }
            }
        }
        guard var value = found else { return .missing }
        for part in name.parts.dropFirst() {
            guard let view = value as? [String: Any], let child = view[part] else { return .missing }
            value = child
        }
        return classify(value)
    }

    private func classify(_ value: Any) -> Value {
        if let text = value as? String { return .text(text) }
        if let flag = value as? Bool { return .flag(flag) }
        if let number = value as? Int { return .number(number) }
        if let view = value as? [String: Any] { return .view(view) }
        if let views = value as? [[String: Any]] { return .views(views) }
        if let texts = value as? [String] { return .texts(texts) }
        if let list = value as? [Any] { return .list(list) }
        if Self.isNil(value) { return .missing }
        return .other(value)
    }

    /// Whether `value` is an `Optional` holding nothing (a view model built from an optional field).
    private static func isNil(_ value: Any) -> Bool {
        let mirror = Mirror(reflecting: value)
        return mirror.displayStyle == .optional && mirror.children.isEmpty
    }

    // MARK: - Output

    private mutating func write(_ value: Value, escaped: Bool) {
        switch value {
        case .missing: return
        case .text(let text): append(text, escaped: escaped)
        case .number(let number): append(String(number), escaped: false)
        case .flag(let flag): append(flag ? "true" : "false", escaped: false)
        case .view(let view): append(String(describing: view), escaped: escaped)
        case .views(let views): append(String(describing: views), escaped: escaped)
        case .texts(let texts): append(String(describing: texts), escaped: escaped)
        case .list(let list): append(String(describing: list), escaped: escaped)
        case .other(let other): append(String(describing: other), escaped: escaped)
        }
    }

    private mutating func append(_ text: String, escaped: Bool) {
        var text = text
        text.withUTF8 { bytes in
            if escaped { HTMLText.escape(bytes, into: &out) } else { out.append(contentsOf: bytes) }
        }
    }
}

extension HTMLText {
    /// Appends `bytes` (UTF-8) to `out` with `&`, `<`, `>`, `"` and `'` escaped; runs of other bytes are copied whole.
    static func escape(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var runStart = 0
        for i in 0..<bytes.count {
            let entity: StaticString
            switch bytes[i] {
            case 0x26: entity = "&amp;"
            case 0x3C: entity = "&lt;"
            case 0x3E: entity = "&gt;"
            case 0x22: entity = "&quot;"
            case 0x27: entity = "&#39;"
            default: continue
            }
            if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            entity.withUTF8Buffer { out.append(contentsOf: $0) }
            runStart = i + 1
        }
        if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count])) }
    }
}
