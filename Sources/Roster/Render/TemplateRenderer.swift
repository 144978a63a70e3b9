/// Renders a compiled ``TemplateProgram`` with a view model straight into UTF-8 bytes.
///
/// View models are `[String: Any]` dictionaries built by the page functions, or ``PreparedView``s for those shown
/// on many pages; text is a `String`, or UTF-8 bytes (`[UInt8]`: a rendered Markdown body, which is never made a
/// string on its way to the page). Each value is looked at once, by its exact type first and then by a few
/// concrete casts, never through protocol-conformance lookups, and text is escaped byte by byte: this is what makes
/// page rendering cheap enough for tens of thousands of pages. Escaping bytes (not Characters) also means a quote
/// glued to a combining mark is still escaped.
struct TemplateRenderer {
    private let ops: UnsafeBufferPointer<TemplateProgram.Op>
    private let text: UnsafeBufferPointer<UInt8>
    private let names: UnsafeBufferPointer<TemplateProgram.Name>
    private let keys: UnsafeBufferPointer<String>
    private let keyIDs: UnsafeBufferPointer<Int32>
    private let program: TemplateProgram
    private var out: [UInt8] = []
    private var stack: [Frame]
    private var depth = 0

    /// Partials nested deeper than this are a loop (a partial including itself); the rest is left out.
    static let maximumDepth = 64

    private enum Frame {
        case view([String: Any])
        case prepared(PreparedView)
        case value(Value)
    }

    /// What a looked-up value turned out to be.
    fileprivate enum Value {
        case missing
        case text(String)
        case bytes([UInt8])
        case flag(Bool)
        case number(Int)
        case view([String: Any])
        case views([[String: Any]])
        case prepared(PreparedView)
        case prepareds([PreparedView])
        case texts([String])
        case list([Any])
        /// Anything else (a theme mistake, or a number other than `Int`): boxed, so every value stays small.
        case other(Other)
    }

    fileprivate final class Other {
        let value: Any
        init(_ value: Any) { self.value = value }
    }

    /// Renders the template `name` with `views`, the last one innermost (a key there hides the same key further
    /// out, as if they were merged); an unknown name renders nothing.
    static func render(_ name: String, in program: TemplateProgram, views: [[String: Any]], sizeHint: Int = 16_384) -> [UInt8] {
        guard let entry = program.entries[name] else { return [] }
        return program.ops.withUnsafeBufferPointer { ops in
            program.text.withUnsafeBufferPointer { text in
                program.names.withUnsafeBufferPointer { names in
                    program.keys.withUnsafeBufferPointer { keys in
                        program.keyIDs.withUnsafeBufferPointer { keyIDs in
                            var renderer = TemplateRenderer(ops: ops, text: text, names: names, keys: keys, keyIDs: keyIDs,
                                                            program: program, stack: views.map { .view($0) })
                            renderer.out.reserveCapacity(sizeHint)
                            renderer.run(Int(entry), overrides: [:], indentation: [])
                            return renderer.out
                        }
                    }
                }
            }
        }
    }

    private init(ops: UnsafeBufferPointer<TemplateProgram.Op>, text: UnsafeBufferPointer<UInt8>,
                 names: UnsafeBufferPointer<TemplateProgram.Name>, keys: UnsafeBufferPointer<String>,
                 keyIDs: UnsafeBufferPointer<Int32>, program: TemplateProgram, stack: [Frame]) {
        self.ops = ops
        self.text = text
        self.names = names
        self.keys = keys
        self.keyIDs = keyIDs
        self.program = program
        self.stack = stack
    }

    /// Runs operations from `start` to the matching `.end`.
    private mutating func run(_ start: Int, overrides: [Int32: Int32], indentation: [UInt8]) {
        let runStart = out.count
        var i = start
        while true {
            let mark = out.count
            switch ops[i] {
            case .end:
                return
            case .text(let from, let count):
                out.append(contentsOf: UnsafeBufferPointer(rebasing: text[Int(from)..<Int(from + count)]))
                i += 1
            case .variable(let name, let escaped):
                write(lookup(names[Int(name)]), escaped: escaped)
                i += 1
            case .section(let name, let inverted, let next):
                let value = lookup(names[Int(name)])
                if inverted {
                    if isEmpty(value) { run(i + 1, overrides: overrides, indentation: indentation) }
                } else {
                    section(value, body: i + 1, overrides: overrides, indentation: indentation)
                }
                i = Int(next)
            case .partial(let target, let given, let extra):
                if depth < Self.maximumDepth {
                    var inherited = overrides
                    if given >= 0 {
                        // Blocks given by an outer template win over those given further in, as the spec says.
                        inherited.merge(program.overrides[Int(given)]) { outer, _ in outer }
                    }
                    depth += 1
                    run(Int(target), overrides: inherited, indentation: extra == 0 ? indentation : indentation + program.indentations[Int(extra)])
                    depth -= 1
                }
                i += 1
            case .block(let block, let extra, let next):
                let body = overrides[block].map(Int.init) ?? i + 1
                run(body, overrides: overrides, indentation: extra == 0 ? indentation : indentation + program.indentations[Int(extra)])
                i = Int(next)
            }
            // A partial's indentation starts every line it writes (its first line follows the indentation already
            // written), as swift-mustache does it.
            if !indentation.isEmpty, out.count > mark, mark > runStart, out[mark - 1] == 0x0A {
                out.insert(contentsOf: indentation, at: mark)
            }
        }
    }

    private mutating func section(_ value: Value, body: Int, overrides: [Int32: Int32], indentation: [UInt8]) {
        func with(_ frame: Frame, _ renderer: inout TemplateRenderer) {
            renderer.stack.append(frame)
            renderer.run(body, overrides: overrides, indentation: indentation)
            renderer.stack.removeLast()
        }
        switch value {
        case .missing: return
        case .flag(let on): if on { run(body, overrides: overrides, indentation: indentation) }
        case .views(let items): for item in items { with(.view(item), &self) }
        case .prepareds(let items): for item in items { with(.prepared(item), &self) }
        case .texts(let items): for item in items { with(.value(.text(item)), &self) }
        case .list(let items):
            for item in items {
                switch Self.classify(item) {
                case .view(let view): with(.view(view), &self)
                case .prepared(let view): with(.prepared(view), &self)
                case let other: with(.value(other), &self)
                }
            }
        case .view(let view): with(.view(view), &self)
        case .prepared(let view): with(.prepared(view), &self)
        case .text, .bytes, .number, .other: with(.value(value), &self)
        }
    }

    private func isEmpty(_ value: Value) -> Bool {
        switch value {
        case .missing: return true
        case .flag(let on): return !on
        case .views(let items): return items.isEmpty
        case .prepareds(let items): return items.isEmpty
        case .texts(let items): return items.isEmpty
        case .list(let items): return items.isEmpty
        default: return false
        }
    }

    // MARK: - Lookup

    private func lookup(_ name: TemplateProgram.Name) -> Value {
        if name.isCurrent {
            switch stack[stack.count - 1] {
            case .view(let view): return .view(view)
            case .prepared(let view): return .prepared(view)
            case .value(let value): return value
            }
        }
        guard name.count > 0 else { return .missing }
        let first = keys[Int(name.first)]
        // The innermost view that has the key answers, even with nothing (an empty optional): it hides the outer ones.
        var found: Value?
        var i = stack.count - 1
        while i >= 0, found == nil {
            switch stack[i] {
            case .view(let view): found = view[first].map(Self.classify)
            case .prepared(let view): found = prepared(view, Int(name.first))
            case .value: break
            }
            if name.anchored { break }
            i -= 1
        }
        var value = found ?? .missing
        var k = Int(name.first) + 1
        while k < Int(name.first + name.count) {
            switch value {
            case .view(let view): value = view[keys[k]].map(Self.classify) ?? .missing
            case .prepared(let view): value = prepared(view, k) ?? .missing
            default: return .missing
            }
            k += 1
        }
        return value
    }

    /// The value of `keys[key]` in a prepared view, by its number when the view was prepared for this theme.
    @inline(__always)
    private func prepared(_ view: PreparedView, _ key: Int) -> Value? {
        view.table === program.keyTable ? view.value(keyIDs[key]) : view.value(named: keys[key])
    }

    fileprivate static func classify(_ value: Any) -> Value {
        // The exact type is compared first: a cast that fails costs hundreds of instructions, and most values are
        // not of the first type tried (a fifth of a page's rendering went to failed casts).
        let type = ObjectIdentifier(Swift.type(of: value))
        if type == Self.textType { return .text(value as! String) }
        if type == Self.bytesType { return .bytes(value as! [UInt8]) }
        if type == Self.flagType { return .flag(value as! Bool) }
        if type == Self.viewType { return .view(value as! [String: Any]) }
        if type == Self.viewsType { return .views(value as! [[String: Any]]) }
        if type == Self.preparedType { return .prepared(value as! PreparedView) }
        if type == Self.preparedsType { return .prepareds(value as! [PreparedView]) }
        if type == Self.textsType { return .texts(value as! [String]) }
        if type == Self.numberType { return .number(value as! Int) }
        if let text = value as? String { return .text(text) }
        if let flag = value as? Bool { return .flag(flag) }
        if let number = value as? Int { return .number(number) }
        if let view = value as? [String: Any] { return .view(view) }
        if let views = value as? [[String: Any]] { return .views(views) }
        if let texts = value as? [String] { return .texts(texts) }
        if let list = value as? [Any] { return .list(list) }
        if Self.isNil(value) { return .missing }
        return .other(Other(value))
    }

    private static let textType = ObjectIdentifier(String.self)
    private static let bytesType = ObjectIdentifier([UInt8].self)
    private static let flagType = ObjectIdentifier(Bool.self)
    private static let numberType = ObjectIdentifier(Int.self)
    private static let viewType = ObjectIdentifier([String: Any].self)
    private static let viewsType = ObjectIdentifier([[String: Any]].self)
    private static let preparedType = ObjectIdentifier(PreparedView.self)
    private static let preparedsType = ObjectIdentifier([PreparedView].self)
    private static let textsType = ObjectIdentifier([String].self)

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
        case .bytes(let bytes):
            bytes.withUnsafeBufferPointer { if escaped { HTMLText.escape($0, into: &out) } else { out.append(contentsOf: $0) } }
        case .number(let number): append(String(number), escaped: false)
        case .flag(let flag): append(flag ? "true" : "false", escaped: false)
        case .view(let view): append(String(describing: view), escaped: escaped)
        case .views(let views): append(String(describing: views), escaped: escaped)
        case .prepared(let view): append(String(describing: view.described), escaped: escaped)
        case .prepareds(let views): append(String(describing: views.map(\.described)), escaped: escaped)
        case .texts(let texts): append(String(describing: texts), escaped: escaped)
        case .list(let list): append(String(describing: list), escaped: escaped)
        case .other(let other): append(String(describing: other.value), escaped: escaped)
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

/// A view model made once and shown on many pages (a case's card is on its provider's page, its siblings' pages,
/// its industry's and the showroom), with each value's kind worked out when it is made rather than every time a
/// template looks it up, and kept under the number of its key in the theme's ``TemplateKeyTable``: looking up a
/// plain view's value cost more than a thousand instructions, in hashing its name and telling what the value is.
final class PreparedView: @unchecked Sendable {
    /// The table of the theme it was prepared for; its keys that no template of that theme names are left out.
    let table: TemplateKeyTable
    private let numbers: [Int32]
    private let values: [TemplateRenderer.Value]

    /// Prepares `view`, and the views nested in it, for the templates of `program`.
    convenience init(_ view: [String: Any], for program: TemplateProgram) {
        self.init(view, table: program.keyTable)
    }

    private init(_ view: [String: Any], table: TemplateKeyTable) {
        var numbers: [Int32] = [], values: [TemplateRenderer.Value] = []
        numbers.reserveCapacity(view.count)
        values.reserveCapacity(view.count)
        for (key, value) in view {
            guard let number = table.numbers[key] else { continue }
            numbers.append(number)
            values.append(Self.prepare(TemplateRenderer.classify(value), table))
        }
        self.table = table
        self.numbers = numbers
        self.values = values
    }

    /// `base` with `extras` added (an extra replaces a value of the same name): one page's view over a shared one.
    init(_ base: PreparedView, adding extras: [String: Any]) {
        var numbers = base.numbers, values = base.values
        for (key, value) in extras {
            guard let number = base.table.numbers[key] else { continue }
            let prepared = Self.prepare(TemplateRenderer.classify(value), base.table)
            if let index = numbers.firstIndex(of: number) { values[index] = prepared } else {
                numbers.append(number)
                values.append(prepared)
            }
        }
        self.table = base.table
        self.numbers = numbers
        self.values = values
    }

    fileprivate func value(_ number: Int32) -> TemplateRenderer.Value? {
        var i = 0
        while i < numbers.count {
            if numbers[i] == number { return values[i] }
            i += 1
        }
        return nil
    }

    /// For a template of another theme than the one it was prepared for.
    fileprivate func value(named key: String) -> TemplateRenderer.Value? {
        table.numbers[key].flatMap(value)
    }

    fileprivate var described: [String: Any] {
        Dictionary(uniqueKeysWithValues: zip(numbers.map { table.keys[Int($0)] }, values.map(\.described)))
    }

    private static func prepare(_ value: TemplateRenderer.Value, _ table: TemplateKeyTable) -> TemplateRenderer.Value {
        switch value {
        case .view(let view): return .prepared(PreparedView(view, table: table))
        case .views(let views): return .prepareds(views.map { PreparedView($0, table: table) })
        default: return value
        }
    }
}

extension TemplateRenderer.Value {
    /// What a view printed as a variable shows (a theme mistake): the values as plain Swift values.
    fileprivate var described: Any {
        switch self {
        case .missing: return Optional<Any>.none as Any
        case .text(let value): return value
        case .bytes(let value): return value
        case .flag(let value): return value
        case .number(let value): return value
        case .view(let value): return value
        case .views(let value): return value
        case .prepared(let view): return view.described
        case .prepareds(let views): return views.map(\.described)
        case .texts(let value): return value
        case .list(let value): return value
        case .other(let value): return value.value
        }
    }
}
