import Foundation

/// The loading step that `build`, `check` and `serve` share: reads `Content/` into a ``Site`` and every finding.
public enum SiteLoader {
    /// What loading produced: the site (nil when too broken to build at all) and all findings so far.
    public struct Result: Sendable {
        public var site: Site?
        public var findings: [Finding]
        /// Content files decoded from the body facts without being read (see ``BodyFacts``).
        public var unread = 0
    }

    /// Reads and decodes all content under `root/Content`, in parallel across files.
    public static func load(root: String, cache: LoadCache? = nil) -> Result {
        load(root: root, cache: cache, facts: nil)
    }

    /// ``load(root:cache:)`` for a build, which records in the body facts what it learns of each file:
    /// `bodies` (what the last build learned, see ``BodyFacts``) lets an unchanged file go unread.
    static func load(root: String, cache: LoadCache?, bodies: BodyFacts?) -> Result {
        load(root: root, cache: cache, facts: { bodies })
    }

    /// `facts`, when given, makes the load one for a build that records the body facts: each Markdown file's front
    /// matter is kept for them, and the last build's facts, asked for once the folders are listed (so they can be
    /// read meanwhile, see `Builder`), let unchanged files go unread. Without it (`roster check`) nothing is kept.
    ///
    /// `changes` (with a `cache` only) are the content paths changed since the cache was last filled, as a folder
    /// watcher reported them (`Content/cases/x.md`; `Content` or `Content/cases` for everything below): every other
    /// file the cache holds is taken as it was, without asking the file system, unless its name is one the watcher
    /// ignores. Nil when unknown: every file is checked. A folder's listing is kept by the folder's own stamp,
    /// whatever the changes say.
    static func load(root: String, cache: LoadCache?, facts knownBodies: (() -> BodyFacts?)?,
                     changes: Set<String>? = nil) -> Result {
        let content = root.appendingPath("Content")
        // What changed since the cache last loaded, noted first, so that a load stopping early leaves the changes to
        // the next; as it bears on one folder: nil (check every file) when unknown or when the folder itself is named.
        let pending = cache?.changes(adding: changes)
        var findings = FindingList()
        guard FileSystem.isDirectory(content) else {
            findings.error("io.content-missing", at: SourceLocation(file: "Content"),
                           "找不到 Content/ 文件夹（在 \(root) 下）", hint: "在站点根目录运行，或用 --root 指定站点根目录")
            return Result(site: nil, findings: findings.all)
        }
        // A symbolic link committed in place of a folder or file would pull files from anywhere on the build
        // machine into the published site; none is followed.
        for name in ["", "site.yaml", "industries.yaml", "providers", "cases", "notices", "calendar", "media"]
        where FileSystem.isSymlink(name.isEmpty ? content : content.appendingPath(name)) {
            findings.error("path.symlink", at: SourceLocation(file: name.isEmpty ? "Content" : "Content/\(name)"),
                           "\(name.isEmpty ? "Content" : "Content/\(name)") 是符号链接，不会被读取", hint: "把文件夹或文件本身放进仓库")
            if name.isEmpty { return Result(site: nil, findings: findings.all) }
        }

        let config = loadConfig(content: content, findings: &findings)
        let industries = loadIndustries(content: content, findings: &findings)

        func trusted(_ folder: String) -> Set<String>? {
            guard let pending, !pending.contains("Content"), !pending.contains("Content/\(folder)") else { return nil }
            return pending
        }
        func listed(_ folder: String) -> [SourceFile] {
            // A folder is listed again unless the cache keeps its listing and the folder's own stamp (inode and
            // time, which any file coming, going or renamed changes) is as it was when listed, not racily: this
            // holds whatever the watcher reported or ignored.
            let path = "Content/\(folder)"
            let stamp = OutputManifest.stat(content.appendingPath(folder), directory: true)
            if let cache, let stamp, let kept = cache.listing(path, stamp: stamp) {
                findings.append(contentsOf: kept.findings)
                return kept.files
            }
            var found = FindingList()
            let files = listEntries(content, folder, extensions: ["md", "json"], findings: &found)
            if let stamp { cache?.keepListing(path, stamp: stamp, files: files, findings: found.all) }
            findings.append(contentsOf: found.all)
            return files
        }
        let providerFiles = listed("providers")
        let caseFiles = listed("cases")
        let noticeFiles = listed("notices")

        let bodies = knownBodies?()
        let records = knownBodies != nil
        let providers = decodeAll(providerFiles, root: root, what: "服务商", keys: Provider.keys, cache: cache,
                                  changes: trusted("providers"), bodies: bodies, records: records, decode: Provider.decode)
        let cases = decodeAll(caseFiles, root: root, what: "案例", keys: Case.keys, cache: cache, changes: trusted("cases"),
                              bodies: bodies, records: records, decode: Case.decode)
        let notices = decodeAll(noticeFiles, root: root, what: "通知", keys: Notice.keys, cache: cache,
                                changes: trusted("notices"), bodies: bodies, records: records, decode: Notice.decode)
        cache?.keepOnly((providerFiles + caseFiles + noticeFiles).map(\.relativePath))
        cache?.changesHandled()
        for batch in [providers.findings, cases.findings, notices.findings] { findings.append(contentsOf: batch) }

        reportDuplicateIDs(providers.entries.map { ($0.id, $0.source.location) }, kind: "服务商", findings: &findings)
        reportDuplicateIDs(cases.entries.map { ($0.id, $0.source.location) }, kind: "案例", findings: &findings)
        reportDuplicateIDs(notices.entries.map { ($0.id, $0.source.location) }, kind: "通知", findings: &findings)
        reportDuplicateIDs(industries.map { ($0.id, $0.source.location) }, kind: "行业", findings: &findings)

        let calendar = loadCalendar(content: content, findings: &findings)
        let media = listMedia(content: content, findings: &findings)

        findings = PlaceholderRules.apply(providers.placeholders + cases.placeholders + notices.placeholders, to: findings)

        guard let config else { return Result(site: nil, findings: findings.all) }
        let site = Site(root: root, config: config, industries: industries, providers: providers.entries, cases: cases.entries,
                        notices: notices.entries, calendar: calendar, mediaFiles: media.files, mediaSizes: media.sizes)
        return Result(site: site, findings: findings.all, unread: providers.unread + cases.unread + notices.unread)
    }

    // MARK: - Files

    /// A content file: its path relative to the root, and its name in its folder.
    struct SourceFile: Sendable {
        var relativePath: String
        var name: String
        var folder: String

        var absolutePath: String { folder.appendingPath(name) }
    }

    private static func listEntries(_ content: String, _ folder: String, extensions: Set<String>,
                                    findings: inout FindingList) -> [SourceFile] {
        let dir = content.appendingPath(folder)
        guard FileSystem.isDirectory(dir), !FileSystem.isSymlink(dir) else { return [] }
        var files: [SourceFile] = []
        var seenLowercased: [String: String] = [:]
        let prefix = "Content/\(folder)/"
        for (name, kind) in FileSystem.listWithKinds(dir) where !name.hasPrefix(".") {
            let relative = prefix + name
            // The extension found on the bytes (a dot is one byte in UTF-8): Character by Character, 20,000 names
            // took a tenth of a rebuild's loading.
            let utf8 = name.utf8
            let ext = utf8.lastIndex(of: UInt8(ascii: ".")).map { $0 == utf8.startIndex ? "" : String(name[utf8.index(after: $0)...]).lowercased() } ?? ""
            guard extensions.contains(ext) else {
                if !FileSystem.isDirectory(dir.appendingPath(name)) {
                    findings.warning("content.ignored-file", at: SourceLocation(file: relative),
                                     "不认识的文件，已忽略", hint: "内容文件应以 .md 或 .json 结尾")
                }
                continue
            }
            if kind == .symlink {
                findings.error("path.symlink", at: SourceLocation(file: relative), "内容文件不能是符号链接",
                               hint: "把文件本身放进仓库")
                continue
            }
            if kind != .regular {
                findings.error("path.special-file", at: SourceLocation(file: relative), "不是普通文件（可能是文件夹、管道或设备文件）",
                               hint: "内容文件应是普通的 .md 或 .json 文件")
                continue
            }
            let lowercased = name.lowercased()
            if let other = seenLowercased[lowercased] {
                findings.error("path.case-clash", at: SourceLocation(file: relative),
                               "文件名只有大小写不同：\(name) 与 \(other)", hint: "在不区分大小写的系统上它们是同一个文件，请改名或合并")
            }
            seenLowercased[lowercased] = name
            files.append(SourceFile(relativePath: relative, name: name, folder: dir))
        }
        return files
    }

    // MARK: - Entries

    /// Finds links only; which site options apply does not change what the Markdown links to.
    private static let linkFinder = Markdown()

    struct Decoded<T: Sendable>: Sendable {
        var entries: [T] = []
        var findings: [Finding] = []
        /// `【待填写…】` marks left from `roster new`, found while the file's bytes are at hand.
        var placeholders: [Finding] = []
        /// A Markdown file's front matter as parsed (``ContentValue/encode(into:)``), for the body facts.
        var frontMatter: [UInt8] = []
        /// Files decoded from the body facts without being read.
        var unread = 0
        /// Set when the file, read up to its body only, did not match what the body facts say: it is read whole.
        var readsWhole = false
    }

    /// Decodes every file in parallel; each file yields zero or more entries and its findings. `records` keeps each
    /// Markdown file's front matter for the body facts.
    private static func decodeAll<T: SourcedEntry>(_ files: [SourceFile], root: String, what: String, keys: [String], cache: LoadCache?,
                                               changes: Set<String>?, bodies: BodyFacts?, records: Bool,
                                               decode: @escaping @Sendable (ContentObject, String, MarkdownBody) -> T?) -> Decoded<T> {
        // The files of one folder are opened relative to it (see `FileSystem.read`).
        let folder = files.first.map { FileSystem.openDirectory($0.folder) } ?? -1
        defer { if folder >= 0 { close(folder) } }
        // What the cache holds is looked up without its lock (the threads took turns on it 22,000 times); the files
        // decoded afresh are stored once all are done.
        let results = { (held: LoadCache.Held?) in
            files.concurrentMap { file in
                decodeFile(file, in: folder, what: what, keys: keys, held: held, changes: changes,
                           known: bodies?.entries[file.relativePath], records: records, decode: decode)
            }
        }(cache?.heldFiles())
        // By index: each result read in place rather than copied out (a copy retains every array it holds).
        if let cache {
            cache.store(results.indices.compactMap { i in
                results[i].stamp.map { (files[i].relativePath, $0, results[i].decoded as any Sendable) }
            })
        }
        var out = Decoded<T>()
        out.entries.reserveCapacity(results.count)
        for i in results.indices {
            out.entries.append(contentsOf: results[i].decoded.entries)
            if !results[i].decoded.findings.isEmpty { out.findings.append(contentsOf: results[i].decoded.findings) }
            if !results[i].decoded.placeholders.isEmpty { out.placeholders.append(contentsOf: results[i].decoded.placeholders) }
            out.unread += results[i].decoded.unread
        }
        return out
    }

    /// Reads and decodes one file, opened by name in `folder` (the file's folder, open) or by its path if that is -1,
    /// unless `held` (what a ``LoadCache`` holds) has it decoded from the file as it is, or, when `changes` do not
    /// name it, from the file as it was. `stamp` is set when the file was decoded afresh for such a cache, to be
    /// stored there.
    private static func decodeFile<T: SourcedEntry>(_ file: SourceFile, in folder: Int32, what: String, keys: [String],
                                                    held: LoadCache.Held?, changes: Set<String>?, known: BodyFacts.Entry?,
                                                    records: Bool,
                                                    decode: (ContentObject, String, MarkdownBody) -> T?)
        -> (decoded: Decoded<T>, stamp: UInt64?) {
        // Without a cache (check, build) the stamp comes from the file as it is read: one `lstat` fewer per file.
        guard let held else {
            return (decodeFile(file, in: folder, stamp: nil, what: what, keys: keys, known: known, records: records, decode: decode), nil)
        }
        // Not a name the watcher ignores (`#draft.md` is content to the loader): such a file is always asked.
        let entry = held[file.relativePath]
        if let changes, !changes.contains(file.relativePath), !FolderWatcher.isIgnored(file.name),
           let cached = entry?.decoded as? Decoded<T> {
            return (cached, nil)
        }
        // Looked up by name in the open folder: a shorter path for the kernel to walk, 22,000 times.
        let info = folder >= 0 ? FileSystem.status(file.name, relativeTo: folder) : FileSystem.status(file.absolutePath)
        let stamp = FileStamp.of(info, named: file.relativePath)
        if let entry, entry.stamp == stamp, let cached = entry.decoded as? Decoded<T> { return (cached, nil) }
        return (decodeFile(file, in: folder, stamp: stamp, what: what, keys: keys, known: known, records: records, decode: decode), stamp)
    }

    /// Reads and decodes one file; `stamp` is the file's ``FileStamp``, or nil to take it from the file as read.
    private static func decodeFile<T: SourcedEntry>(_ file: SourceFile, in folder: Int32, stamp: UInt64?, what: String,
                                                    keys: [String], known: BodyFacts.Entry?, records: Bool,
                                                    decode: (ContentObject, String, MarkdownBody) -> T?) -> Decoded<T> {
        func fail(_ rule: String, _ message: String, hint: String = "") -> Decoded<T> {
            Decoded(findings: [Finding(.error, rule, at: SourceLocation(file: file.relativePath, line: 1), message, hint: hint)])
        }
        if let known, let decoded = decodeUnread(file, in: folder, stamp: stamp, what: what, keys: keys, known: known, decode: decode) {
            return decoded
        }
        // The size is judged before reading, so a huge file costs no memory.
        // A Markdown file unchanged since the last build (same stamp and size) is read up to its body only.
        var readHead = false
        let head: ((stat) -> Int?)? = known.map { known in
            { info in
                guard file.name.hasSuffix(".md"), known.describes(info, stamp: stamp ?? FileStamp.of(info, named: file.relativePath))
                else { return nil }
                readHead = true
                return known.offset
            }
        }
        let read = folder >= 0 ? FileSystem.read(file.name, relativeTo: folder, limit: ContentLimits.maxFileBytes, head: head)
            : FileSystem.read(file.absolutePath, limit: ContentLimits.maxFileBytes, head: head)
        switch read {
        case .tooLarge(let size):
            return fail("content.too-large", ContentLimits.tooLarge(size), hint: "内容文件应是简短的文字，图片和附件放在 media/ 下")
        case .failed:
            return fail("io.read", "无法读取文件")
        case .bytes(let bytes, let info):
            let stamp = stamp ?? FileStamp.of(info, named: file.relativePath)
            let decoded = decodeBytes(bytes, relativePath: file.relativePath, what: what, keys: keys, keepsFrontMatter: records,
                                      stamp: stamp, decode: decode) { body, frontMatter in
                if readHead, let known {
                    // Read up to the body, which the last build checked whole: taken from what it learned.
                    guard body.text.isEmpty, body.firstLine == known.firstLine else { return false }
                    body = known.body(in: file.absolutePath, frontMatter: frontMatter)
                } else {
                    // The rules need only the body's links: found now, while the text is at hand, and then the text
                    // is let go, to be read again where its page is made (see MarkdownBody).
                    if body.links == nil { body.links = linkFinder.links(in: body) }
                    body.release(path: file.absolutePath, fileBytes: bytes, changed: BodyFacts.changeTime(info),
                                 frontMatter: frontMatter)
                }
                return true
            }
            if decoded.readsWhole {
                return decodeFile(file, in: folder, stamp: stamp, what: what, keys: keys, known: nil, records: records,
                                  decode: decode)
            }
            return decoded
        }
    }

    /// Decodes a Markdown file the last build checked whole and that has not changed since (same stamp, size and
    /// status-change time) without reading it: its front matter as the body facts keep it, parsed, and its body
    /// as they describe it. Nil when the facts do not describe the file as it is now; it is then read.
    ///
    /// Everything the file alone decides (UTF-8, hidden characters, placeholders, YAML, limits) passed in that
    /// build, or it would not have published; what the schema and the rules say is worked out again here and later.
    private static func decodeUnread<T: SourcedEntry>(_ file: SourceFile, in folder: Int32, stamp: UInt64?, what: String,
                                                      keys: [String], known: BodyFacts.Entry,
                                                      decode: (ContentObject, String, MarkdownBody) -> T?) -> Decoded<T>? {
        guard file.name.hasSuffix(".md"), !known.frontMatter.isEmpty,
              let info = folder >= 0 ? FileSystem.status(file.name, relativeTo: folder) : FileSystem.status(file.absolutePath),
              info.st_mode & S_IFMT == S_IFREG else { return nil }
        let fileStamp = stamp ?? FileStamp.of(info, named: file.relativePath)
        guard known.describes(info, stamp: fileStamp), let value = ContentValue(encoded: known.frontMatter) else { return nil }
        let body = known.body(in: file.absolutePath, frontMatter: known.frontMatter)
        let reader = FieldReader(file: file.relativePath)
        reader.stamp = fileStamp
        reader.frontMatterStamp = EntrySource.frontMatterStamp(path: file.relativePath, frontMatter: known.frontMatter)
        var result = Decoded<T>()
        if let entry = decodeMarkdownEntry(value, body: body, relativePath: file.relativePath, what: what, keys: keys,
                                           reader: reader, decode: decode) {
            result.entries.append(entry)
        }
        result.findings = reader.findings
        result.frontMatter = known.frontMatter
        result.unread = 1
        return result
    }

    /// Decodes a Markdown file's entry from its parsed front matter and its body; findings go to `reader`.
    private static func decodeMarkdownEntry<T>(_ value: ContentValue, body: MarkdownBody, relativePath: String, what: String,
                                               keys: [String], reader: FieldReader,
                                               decode: (ContentObject, String, MarkdownBody) -> T?) -> T? {
        guard let object = reader.object(value, what: what, keys: keys) else { return nil }
        return decodeEntry(object, stem: relativePath.lastPathComponent.deletingPathExtension, body: body, decode: decode)
    }

    /// Decodes one content file's bytes (`relativePath` says its kind by extension and names it in findings);
    /// `keepsFrontMatter` keeps a Markdown file's front matter, encoded, for the body facts. The entries carry
    /// `stamp` (the file's, see ``EntrySource/stamp``), and each body is given to `finishBody` with the front matter
    /// before its entry is made; when that returns false nothing is decoded and the result asks for the whole file
    /// to be read (``Decoded/readsWhole``).
    static func decodeBytes<T>(_ bytes: [UInt8], relativePath: String, what: String, keys: [String], keepsFrontMatter: Bool = false,
                               stamp: UInt64 = 0, decode: (ContentObject, String, MarkdownBody) -> T?,
                               finishBody: ((inout MarkdownBody, [UInt8]) -> Bool)? = nil) -> Decoded<T> {
        let reader = FieldReader(file: relativePath)
        reader.stamp = stamp
        var result = Decoded<T>()
        result.placeholders = PlaceholderRules.scan(bytes, file: relativePath)
        func fail(_ rule: String, _ message: String, line: Int, column: Int = 1, hint: String = "") -> Decoded<T> {
            result.findings.append(Finding(.error, rule, at: SourceLocation(file: relativePath, line: line, column: column),
                                           message, hint: hint))
            return result
        }
        let text: String
        do {
            text = try SourceText.decode(bytes)
        } catch {
            return fail("content.encoding", error.message, line: error.line, column: error.column, hint: "请用 UTF-8 编码保存文件")
        }
        if text.allSatisfy({ $0.isWhitespace }) {
            return fail("content.empty", "文件是空的", line: 1, hint: "写上内容，或删除这个文件")
        }
        let stem = relativePath.lastPathComponent.deletingPathExtension
        if relativePath.hasSuffix(".json") {
            let root: ContentValue
            do {
                root = try JSONReader.parse(Array(text.utf8))
            } catch {
                return fail("content.json", "JSON 格式错误：\(error.message)", line: error.line, column: error.column)
            }
            let items: [ContentValue]
            var isArray = false
            if case .list(let list) = root.kind { items = list; isArray = true } else { items = [root] }
            for item in items {
                guard let object = reader.object(item, what: what, keys: keys) else { continue }
                var body = MarkdownBody.empty
                if let finishBody, !finishBody(&body, []) { return Decoded(readsWhole: true) }
                if let entry = decodeEntry(object, stem: isArray ? nil : stem, body: body, decode: decode) {
                    result.entries.append(entry)
                }
            }
        } else {
            let document: FrontMatterDocument
            do {
                document = try FrontMatterDocument.split(text)
            } catch {
                return fail("content.front-matter", error.message, line: error.line,
                            hint: "Markdown 文件以 “---” 行开头，接着是 YAML 字段，再以 “---” 行结束，然后是正文")
            }
            let value: ContentValue
            do {
                value = try YAMLReader.parse(document.frontMatter, lineOffset: document.frontMatterFirstLine - 1,
                                         hiddenCharactersChecked: true)
            } catch {
                return fail("content.yaml", error.message, line: error.line, column: error.column)
            }
            var body = MarkdownBody(text: document.body, firstLine: document.bodyFirstLine)
            if let violation = MarkdownLimits.check(body.text) {
                result.findings.append(Finding(.error, "markdown.limits",
                                               at: SourceLocation(file: relativePath, line: body.firstLine + violation.line - 1),
                                               violation.message, hint: violation.hint))
                body = MarkdownBody(text: "", firstLine: body.firstLine)
            } else {
                body.withinLimits = true
            }
            if keepsFrontMatter { value.encode(into: &result.frontMatter) }
            reader.frontMatterStamp = EntrySource.frontMatterStamp(path: relativePath, frontMatter: result.frontMatter)
            if let finishBody, !finishBody(&body, result.frontMatter) { return Decoded(readsWhole: true) }
            if let entry = decodeMarkdownEntry(value, body: body, relativePath: relativePath, what: what, keys: keys,
                                               reader: reader, decode: decode) {
                result.entries.append(entry)
            }
        }
        result.findings.append(contentsOf: reader.findings)
        return result
    }

    /// Resolves the entry's id (front matter, else the file name) and decodes it.
    private static func decodeEntry<T>(_ object: ContentObject, stem: String?, body: MarkdownBody,
                                       decode: (ContentObject, String, MarkdownBody) -> T?) -> T? {
        let id: String
        if let given = object.text("id") {
            id = given
        } else if let stem {
            id = stem
        } else {
            object.reader.error("schema.required", at: object.value, "JSON 数组里的每一项都要写 “id”")
            return nil
        }
        guard Slug.isValid(id) else {
            let location = object["id"] ?? object.value
            object.reader.error("schema.id", at: location, "“\(id)” 不能作为 id", hint: Slug.hint + "；也可以在文件里写 `id: …`")
            return nil
        }
        return decode(object, id, body)
    }

    private static func reportDuplicateIDs(_ ids: [(String, SourceLocation)], kind: String, findings: inout FindingList) {
        // Grouped only when some id is there twice: a group (an array) for each of 22,000 ids was most of the check.
        var seen = Set<String>(minimumCapacity: ids.count)
        guard ids.contains(where: { !seen.insert($0.0).inserted }) else { return }
        let groups = Dictionary(grouping: ids, by: \.0)
        for (id, group) in groups where group.count > 1 {
            let places = group.map(\.1).sorted()
            for place in places {
                findings.error("schema.duplicate-id", at: place, "\(kind) id “\(id)” 被定义了 \(places.count) 次",
                               hint: "每个\(kind)只能在一个文件里定义；删除重复的一份或改用不同的 id",
                               related: places.filter { $0 != place })
            }
        }
    }

    // MARK: - Site files

    private static func readYAML(_ path: String, relative: String, findings: inout FindingList) -> (ContentValue, FieldReader)? {
        if FileSystem.isSymlink(path) { return nil }  // reported by load
        let size = FileSystem.size(path)
        if size > ContentLimits.maxFileBytes {
            findings.error("content.too-large", at: SourceLocation(file: relative), ContentLimits.tooLarge(size))
            return nil
        }
        guard let bytes = FileSystem.read(path) else {
            findings.error("io.missing", at: SourceLocation(file: relative), "缺少文件 \(relative)")
            return nil
        }
        do {
            let text = try SourceText.decode(bytes)
            return (try YAMLReader.parse(text), FieldReader(file: relative))
        } catch let error as SourceText.DecodingError {
            findings.error("content.encoding", at: SourceLocation(file: relative, line: error.line, column: error.column), error.message)
        } catch let error as YAMLReader.SyntaxError {
            findings.error("content.yaml", at: SourceLocation(file: relative, line: error.line, column: error.column), error.message)
        } catch {
            findings.error("content.yaml", at: SourceLocation(file: relative), "无法读取")
        }
        return nil
    }

    private static func loadConfig(content: String, findings: inout FindingList) -> SiteConfig? {
        guard let (value, reader) = readYAML(content.appendingPath("site.yaml"), relative: "Content/site.yaml", findings: &findings)
        else { return nil }
        let config = reader.object(value, what: "site.yaml", keys: SiteConfig.keys).flatMap(SiteConfig.decode)
        findings.append(contentsOf: reader.findings)
        return config
    }

    private static func loadIndustries(content: String, findings: inout FindingList) -> [Industry] {
        let relative = "Content/industries.yaml"
        guard let (value, reader) = readYAML(content.appendingPath("industries.yaml"), relative: relative, findings: &findings)
        else { return [] }
        guard case .list(let items) = value.kind else {
            findings.error("schema.type", at: SourceLocation(file: relative, line: value.line), "industries.yaml 应是行业列表（每项以 “- ” 开头）")
            return []
        }
        let industries = items.compactMap { reader.object($0, what: "行业", keys: Industry.keys).flatMap(Industry.decode) }
        findings.append(contentsOf: reader.findings)
        return industries
    }

    private static func loadCalendar(content: String, findings: inout FindingList) -> WorkingDayCalendar {
        var calendar = WorkingDayCalendar()
        let dir = content.appendingPath("calendar")
        guard !FileSystem.isSymlink(dir) else { return calendar }
        for name in FileSystem.list(dir) where name.hasSuffix(".json") {
            let relative = "Content/calendar/\(name)"
            let reader = FieldReader(file: relative)
            let path = dir.appendingPath(name)
            if FileSystem.isSymlink(path) {
                findings.error("path.symlink", at: SourceLocation(file: relative), "节假日文件不能是符号链接", hint: "把文件本身放进仓库")
                continue
            }
            let size = FileSystem.size(path)
            if size > ContentLimits.maxFileBytes {
                findings.error("content.too-large", at: SourceLocation(file: relative), ContentLimits.tooLarge(size))
                continue
            }
            guard let bytes = FileSystem.read(path) else { continue }
            do {
                let value = try JSONReader.parse(Array(try SourceText.decode(bytes).utf8))
                guard let object = reader.object(value, what: "节假日文件", keys: ["$schema", "$id", "year", "papers", "days"]),
                      let year = object.integer("year") else {
                    findings.append(contentsOf: reader.findings)
                    continue
                }
                var days: [(Day, isOff: Bool)] = []
                for item in object.objects("days", keys: ["name", "date", "isOffDay"]) {
                    if let day = item.day("date", required: true), let off = item.bool("isOffDay") { days.append((day, off)) }
                }
                calendar.add(year: year, days: days)
            } catch let error as JSONReader.SyntaxError {
                findings.error("content.json", at: SourceLocation(file: relative, line: error.line, column: error.column),
                               "JSON 格式错误：\(error.message)")
            } catch let error as SourceText.DecodingError {
                findings.error("content.encoding", at: SourceLocation(file: relative, line: error.line), error.message)
            } catch {}
            findings.append(contentsOf: reader.findings)
        }
        return calendar
    }

    private static func listMedia(content: String, findings: inout FindingList) -> (files: [String], sizes: [String: Int]) {
        var files: [String] = []
        var sizes: [String: Int] = [:]
        func walk(_ relative: String) {
            let absolute = content.appendingPath(relative)
            var seenLowercased: [String: String] = [:]
            for name in FileSystem.list(absolute) where !name.hasPrefix(".") {
                let child = relative + "/" + name
                let path = content.appendingPath(child)
                let at = SourceLocation(file: "Content/" + child)
                if let other = seenLowercased[name.lowercased()] {
                    // Swift compares names by canonical equivalence, so this also catches NFC/NFD twins.
                    findings.error("path.case-clash", at: at, "文件名只有大小写（或 Unicode 写法）不同：\(name) 与 \(other)",
                                   hint: "在 Windows 和 macOS 上它们是同一个文件，请改名")
                    continue
                }
                seenLowercased[name.lowercased()] = name
                if HiddenCharacters.contains(name) || name.unicodeScalars.contains(where: { $0.value < 0x20 }) || name.contains("\\") {
                    findings.error("path.name", at: at, "文件名里有控制字符或反斜杠 “\\”",
                                   hint: "文件名只用文字、字母、数字、“-”、“_” 和 “.”")
                } else if FileSystem.isSymlink(path) {
                    findings.error("path.symlink", at: at, "media 里不能有符号链接",
                                   hint: "把文件本身放进 media/")
                } else if FileSystem.isDirectory(path) {
                    walk(child)
                } else if FileSystem.isRegularFile(path) {
                    files.append(child)
                    sizes[child] = FileSystem.size(path)
                } else {
                    findings.error("path.special-file", at: at, "不是普通文件（可能是管道或设备文件）", hint: "media/ 里只放普通文件")
                }
            }
        }
        let mediaDir = content.appendingPath("media")
        if FileSystem.isDirectory(mediaDir) && !FileSystem.isSymlink(mediaDir) { walk("media") }
        return (files.sorted(), sizes)
    }
}

/// Bounds that keep one bad file from exhausting time or memory.
public enum ContentLimits {
    /// Largest content file accepted (a provider or case is a few KB; this leaves wide room).
    public static let maxFileBytes = 8 * 1_048_576

    static func tooLarge(_ size: Int) -> String {
        "文件太大（\(size / 1_048_576) MB，上限 \(maxFileBytes / 1_048_576) MB）"
    }
}

/// Decoded content files kept between builds of one process (`roster serve`): a file whose stamp (size, inode,
/// time) is unchanged is not read or decoded again.
public final class LoadCache: @unchecked Sendable {
    private let lock = NSLock()
    private var files: Held = [:]

    public init() {}

    /// Decoded files by content path, with the stamp of the file each was decoded from.
    typealias Held = [String: (stamp: UInt64, decoded: any Sendable)]

    /// What the cache holds now, to look up without its lock. Let it go before ``store(_:)``, or storing copies it.
    func heldFiles() -> Held {
        lock.lock()
        defer { lock.unlock() }
        return files
    }

    /// Keeps each file decoded afresh: its content path, the stamp of the file it was decoded from, what it gave.
    func store(_ decoded: [(path: String, stamp: UInt64, decoded: any Sendable)]) {
        guard !decoded.isEmpty else { return }
        lock.lock()
        for item in decoded { files[item.path] = (item.stamp, item.decoded) }
        lock.unlock()
    }

    /// Forgets `paths` (content paths such as `Content/cases/x.md`), so they are read again whatever their stamps.
    func forget(_ paths: [String]) {
        lock.lock()
        for path in paths { files[path] = nil }
        lock.unlock()
    }

    /// Forgets files that are gone: all but `paths`, which the load just found or stored, so are all held.
    func keepOnly(_ paths: [String]) {
        lock.lock()
        defer { lock.unlock() }
        // Usually none is gone: every path listed is held, so when there are as many held there is no other.
        if files.count == paths.count { return }
        let kept = Set(paths)
        files = files.filter { kept.contains($0.key) }
    }

    /// The build's own bookkeeping files (manifests, body facts, search term cache), parsed, by path and stamp.
    private var bookkeeping: [String: (stamp: UInt64, parsed: any Sendable)] = [:]

    /// What `parse` makes of the bookkeeping file at `path` (absolute), parsed again only when the file changed:
    /// each is rewritten whole under a new name, so a changed file always has another stamp. Nil when `parse`
    /// gives nil, or the file is missing.
    func parsed<T: Sendable>(_ path: String, _ parse: (String) -> T?) -> T? {
        guard let info = FileSystem.status(path) else { return parse(path) }
        let stamp = FileStamp.of(info, named: path)
        lock.lock()
        let known = bookkeeping[path]
        lock.unlock()
        if let known, known.stamp == stamp, let value = known.parsed as? T { return value }
        let value = parse(path)
        lock.lock()
        bookkeeping[path] = value.map { (stamp, $0) }
        lock.unlock()
        return value
    }

    /// The content folders as last listed (`Content/cases`): their stamp then (inode, size and time, which a file
    /// added, removed or renamed in it changes), when, their files and the findings.
    private var listings: [String: (stamp: OutputManifest.File, listed: Int64, files: [SiteLoader.SourceFile], findings: [Finding])] = [:]

    /// The files of `folder` (`Content/cases`) and the listing's findings, if kept and the folder's stamp is still
    /// `stamp`; not when it was listed within a second of its time (racily clean, as in ``BodyFacts``).
    func listing(_ folder: String, stamp: OutputManifest.File) -> (files: [SiteLoader.SourceFile], findings: [Finding])? {
        lock.withLock {
            guard let kept = listings[folder], kept.stamp == stamp, kept.listed - stamp.modified >= BodyFacts.racyMargin else { return nil }
            return (kept.files, kept.findings)
        }
    }

    func keepListing(_ folder: String, stamp: OutputManifest.File, files: [SiteLoader.SourceFile], findings: [Finding]) {
        let now = BodyFacts.now()
        lock.withLock { listings[folder] = (stamp, now, files, findings) }
    }

    /// Changes reported since the last load that handled them; unknown at first (every file is checked).
    private var pendingChanges: Set<String> = []
    private var changesUnknown = true

    /// Adds `changes` (nil: unknown) to those not yet handled and returns them all, nil when any were unknown.
    func changes(adding changes: Set<String>?) -> Set<String>? {
        lock.withLock {
            if let changes { pendingChanges.formUnion(changes) } else { changesUnknown = true }
            return changesUnknown ? nil : pendingChanges
        }
    }

    /// The load handled every change noted: the next starts from none.
    func changesHandled() {
        lock.withLock {
            pendingChanges = []
            changesUnknown = false
        }
    }

    /// The theme as last loaded (one that loads has no findings), by name and language.
    private var loadedTheme: (key: String, theme: Theme)?

    /// The theme kept under `key`, if its files' stamps are still `stamp` (``Theme/stamp``).
    func theme(_ key: String, stamp: UInt64) -> Theme? {
        lock.withLock { loadedTheme.flatMap { $0.key == key && $0.theme.stamp == stamp ? $0.theme : nil } }
    }

    func keepTheme(_ key: String, _ theme: Theme) {
        lock.withLock { loadedTheme = (key, theme) }
    }

    /// Bookkeeping a build left for after it has been reported (see ``afterBuild(_:)``).
    private var deferred: [@Sendable () -> Void] = []

    /// Leaves `work` (writing a bookkeeping file only the next build of this process reads) for after the build
    /// is reported, when the editor's page has already reloaded: ``runDeferred()`` does it, at the latest when the
    /// next build starts.
    func afterBuild(_ work: @escaping @Sendable () -> Void) {
        lock.lock()
        deferred.append(work)
        lock.unlock()
    }

    /// Does the work builds left for after them, in the order it was left.
    public func runDeferred() {
        lock.lock()
        let work = deferred
        deferred = []
        lock.unlock()
        for item in work { item() }
    }

    /// Keeps `value` as what ``parsed(_:_:)`` would make of the file now at `path`: for bookkeeping this process
    /// has just written (or moved) from a value it holds, so the next build need not read it back.
    func remember<T: Sendable>(_ value: T, parsedFrom path: String) {
        guard let info = FileSystem.status(path) else { return }
        let stamp = FileStamp.of(info, named: path)
        lock.lock()
        bookkeeping[path] = (stamp, value)
        lock.unlock()
    }
}
