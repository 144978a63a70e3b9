import Foundation

/// What a build is asked to do (the options of `roster build`).
public struct BuildOptions: Sendable {
    public var root: String
    /// Output folder; default `<root>/Site`.
    public var output: String?
    public var theme: String
    public var baseURL: String?
    /// The day states are shown as of; default today in Asia/Shanghai.
    public var now: Day?
    /// Decoded files kept from an earlier build in the same process (`roster serve`).
    public var cache: LoadCache?
    /// With `cache`: the files changed since the last build of this process, as its folder watcher reported them
    /// (paths from the site root, `Content/cases/x.md`; a folder for everything below it). Any other content file
    /// the cache holds is taken as it was without asking the file system (22,200 `stat`s at 20,000 cases), unless
    /// its name is one the watcher ignores. Nil when unknown, as for the first build: every file is checked.
    public var changedFiles: Set<String>?
    /// Whether the build frees what it loaded and made before it returns. A process that exits right after the
    /// build (`roster build`) sets it to false: the loaded site, the page bookkeeping and the search tables, hundreds
    /// of thousands of small allocations, are then left for the exit to reclaim at once instead of being freed one
    /// by one (0.1 s at 20,000 cases), as clang's `-disable-free` does.
    public var freesMemory = true
    /// Whether no one but this process's builds writes into the output folder and the generation kept beside it
    /// (`roster serve`'s temporary folder): the previous generation is then reused without checking each of its
    /// files against its manifest (67,000 `fstatat` at 20,000 cases, a sixth of a rebuild's CPU). A folder the
    /// bureau publishes from is always checked: someone may have edited a file in it by hand.
    public var trustsOutput = false

    public init(root: String, output: String? = nil, theme: String = "default", baseURL: String? = nil, now: Day? = nil) {
        self.root = root
        self.output = output
        self.theme = theme
        self.baseURL = baseURL
        self.now = now
    }

    var outputPath: String { output ?? root.appendingPath("Site") }
}

/// What a build did: findings, files written per kind, and the time of each step.
public struct BuildReport: Sendable {
    public var findings: [Finding] = []
    public var written: [String: Int] = [:]
    /// Of the files written, how many already held the same bytes from an earlier build and were left as they were.
    public var unchanged = 0
    /// Pages and files made (rendered) per kind, because no earlier build had made them from the same inputs; the
    /// others were kept by fingerprint (see ``PageFingerprints``) without being made.
    public var made: [String: Int] = [:]
    /// Search documents indexed from the search term cache, without rendering their bodies (see `SearchTermCache`).
    public var searchReused = 0
    /// Whether the search index was patched from the previous build's rather than made whole (see
    /// ``SearchIndexPatch``).
    public var searchPatched = false
    /// A named part of the build and how long it took.
    public typealias Step = (name: String, seconds: Double)
    /// The build's steps in order; the last few ran side by side in lanes, so they add up to more than
    /// `totalSeconds`.
    public var steps: [Step] = []
    /// Content files decoded from the body facts without being read (see ``BodyFacts``).
    public var unreadFiles = 0
    /// Whether the build wrote into the generation before the published one, reused as its manifest describes it,
    /// rather than into an empty folder (see ``OutputManifest``).
    public var reusedGeneration = false
    /// Set when the build could not finish for a reason other than content findings (I/O, bad options).
    public var failure: String?
    public var published = false
    /// The whole build, start to end.
    public var totalSeconds: Double = 0

    /// One line per step and one for the whole build, for `--verbose`.
    public func stepLines() -> [String] {
        (steps + [("Whole build (the last steps overlap)", totalSeconds)]).map { step in
            "  \(step.name.padding(toLength: 36, withPad: " ", startingAt: 0)) \(String(format: "%8.1f", step.seconds * 1000)) ms"
        }
    }
}

/// `roster build`: load, check, render, publish — a short list of named, timed steps.
public enum Builder {
    public static func build(_ options: BuildOptions) -> BuildReport {
        let start = DispatchTime.now().uptimeNanoseconds
        var report = run(options)
        report.totalSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return report
    }

    private static func run(_ options: BuildOptions) -> BuildReport {
        var report = BuildReport()
        var clock = StepClock()

        // Files unchanged since the last build are not read (see BodyFacts). What the last build learned of the
        // bodies and of each page's search terms is read on other threads while the folders are listed and the
        // content loads.
        let bodyFactsPath = Publisher.bodyFactsPath(of: options.outputPath)
        let searchCache = Publisher.searchCachePath(of: options.outputPath)
        // A process that builds again and again (serve) keeps them parsed while they are unchanged; it keeps every
        // file it decoded too, so it has no use for the body facts, which are for the next process.
        let memory = options.cache
        // What the last build left for after it was reported is done before anything is read.
        memory?.runDeferred()
        let recordsFacts = memory == nil
        let readFacts = Background { recordsFacts ? BodyFacts.read(bodyFactsPath) : nil }
        let cachedTerms = Background {
            memory.map { $0.parsed(searchCache, SearchTermCache.read) } ?? SearchTermCache.read(searchCache)
        }
        // So are the manifests of the published site and of the one before, checked against their folders.
        let output = options.outputPath
        let trusted = options.trustsOutput
        let previousGeneration = Background { Publisher.inspectPrevious(of: output, trusted: trusted, cache: memory) }
        let publishedGeneration = Background { Publisher.published(output, cache: memory) }
        let loadStarted = BodyFacts.now()
        let loaded = clock.step("Load content", into: &report) {
            SiteLoader.load(root: options.root, cache: options.cache, facts: { readFacts.value }, changes: options.changedFiles)
        }
        let knownBodies = readFacts.value
        report.findings = loaded.findings
        report.unreadFiles = loaded.unread
        guard var site = loaded.site else { return report }
        if let baseURL = options.baseURL { site.config.override(baseURL: baseURL) }

        let ruleFindings = clock.step("Check rules", into: &report) { Rules.check(site) }
        report.findings += ruleFindings
        let (theme, themeFindings) = clock.step("Load theme", into: &report) { () -> (Theme?, [Finding]) in
            // A process that builds again keeps the theme while its files' stamps are as they were (a walk of a few
            // dozen files, against parsing every template again).
            let key = "\(options.theme)\u{0}\(site.config.language)"
            if let memory, let kept = memory.theme(key, stamp: Theme.stamp(root: options.root, name: options.theme)) { return (kept, []) }
            let loaded = Theme.load(root: options.root, name: options.theme, language: site.config.language)
            if let theme = loaded.0 { memory?.keepTheme(key, theme) }
            return loaded
        }
        report.findings += themeFindings
        guard let theme, report.findings.errorCount == 0 else { return report }

        if let problem = unsafeOutput(output, root: options.root) {
            report.failure = problem
            return report
        }
        let staging: String
        let folder: OutputFolder
        do {
            // The generation before the published one is reused when it is untouched (see OutputManifest).
            let claimed = try clock.step("Claim a folder to build into", into: &report) { () throws(Publisher.Failure) in
                try Publisher.makeStaging(for: output, inspected: previousGeneration.value)
            }
            staging = claimed.path
            report.reusedGeneration = claimed.holds != nil
            // Each provider, case and notice has a page and a search result file; lists and assets are few.
            let entries = site.providers.count + site.cases.count + site.notices.count
            folder = OutputFolder(path: staging, previous: claimed.holds, published: publishedGeneration.value,
                                  expectedFiles: 2 * entries + 1_000)
        } catch {
            report.failure = error.message
            return report
        }
        let context = RenderContext(site: site, theme: theme, now: options.now ?? Day.todayInShanghai())
        let pages = PageList(urls: context.urls)

        clock.step("Copy theme assets and media", into: &report) { copyAssets(context, folder) }
        // A page whose file already holds what the same inputs made is not made again (see PageFingerprints).
        let fingerprints = clock.step("Fingerprint pages", into: &report) {
            PageFingerprints(site: site, themeStamp: theme.stamp, now: context.now)
        }
        let everything = fingerprints.everything
        let searchKept = clock.step("Keep the search index if unchanged", into: &report) {
            folder.keepAll(under: "search/", marker: "search/index.html", fingerprint: everything, kind: "search")
        }
        // Each body is rendered from Markdown right where its page is made, on the same thread, given to the search
        // index (when it is made again) and dropped: bodies are never all held at once.
        // A document whose inputs did not change is indexed from what the last build read from it, without its body.
        let search = searchKept ? nil : clock.step("Read the search term cache", into: &report) {
            context.searchIndexBuilder(folder: folder, cache: cachedTerms.value)
        }
        var searchProvider: (@Sendable (Provider, [UInt8], UInt64) -> Void)?
        var searchCase: (@Sendable (Case, [UInt8], UInt64) -> Void)?
        var reuseProvider: (@Sendable (Provider, UInt64) -> Bool)?
        var reuseCase: (@Sendable (Case, UInt64) -> Bool)?
        if let search {
            reuseProvider = { search.reuse(.init(kind: .provider, id: $0.id), fingerprint: $1) }
            reuseCase = { search.reuse(.init(kind: .case, id: $0.id), fingerprint: $1) }
            searchProvider = { provider, html, print in
                search.add(context.searchDocument(provider: provider, bodyHTML: html), fingerprint: print)
            }
            searchCase = { item, html, print in search.add(context.searchDocument(case: item, bodyHTML: html), fingerprint: print) }
        }
        // The pages and files that list everything need nothing rendered: they are made in a lane of their own
        // beside the entries' pages, so both cores stay busy to the end (made after them, they left a core idle).
        let listings = Background { writeListings(context, folder, pages, fingerprints: fingerprints) }
        let changed = SourceChanges()
        clock.step("Render provider pages", into: &report) {
            renderPages(site.providers, folder, pages, changed: changed, kind: "provider", path: context.urls.provider, body: \.body,
                        markdown: context.markdown, fingerprint: fingerprints.provider,
                        search: searchProvider, reuse: reuseProvider) {
                context.providerPage($0, bodyHTML: $1)
            }
        }
        clock.step("Render case pages", into: &report) {
            renderPages(site.cases, folder, pages, changed: changed, kind: "case", path: context.urls.case, body: \.body,
                        markdown: context.markdown, fingerprint: fingerprints.case,
                        search: searchCase, reuse: reuseCase) {
                context.casePage($0, bodyHTML: $1)
            }
        }
        // Notices are few; their bodies are kept for the feed.
        let noticeBodies = NoticeBodies()
        clock.step("Render notice pages", into: &report) {
            renderPages(site.notices, folder, pages, changed: changed, kind: "notice", path: context.urls.notice, body: \.body,
                        markdown: context.markdown, fingerprint: fingerprints.notice,
                        search: { notice, html, print in
                            noticeBodies.set(notice.id, String(decoding: html, as: UTF8.self))
                            // Every body is rendered anyway, for the feed, so none is reused from the search term
                            // cache; each is recorded there all the same, as patching the index needs every document.
                            search?.add(context.searchDocument(notice: notice, bodyHTML: html), fingerprint: print)
                        }, reuse: nil) {
                context.noticePage($0, bodyHTML: $1)
            }
        }
        report.steps += listings.value
        let changedFiles = changed.all
        if let file = changedFiles.min() {
            report.failure = "\(file) 的正文在检查之后又被改动过，页面没有发布：请再构建一次（\(changedFiles.count) 个文件）"
            try? FileManager.default.removeItem(atPath: staging)
            // An edit that kept the file's stamp (size, inode, time) would be taken for the file already checked
            // again and again: what was learned of the files is dropped, so the next build reads them whole.
            unlink(bodyFactsPath)
            options.cache?.forget(changedFiles)
            return report
        }
        // The pages that list everything and the search index need nothing from each other: each is made in its
        // own lane, side by side (on two cores, most of the shorter one's time is saved), and times its own steps.
        // What to record of the bodies is worked out beside them too; it is written once the site is out.
        let feedBodies = noticeBodies.all
        let facts = BodyFactsUpdate()
        let checked = site
        let lanes: [@Sendable () -> [BuildReport.Step]] = [
            { writeFeedAndSitemap(context, folder, pages, fingerprints: fingerprints, feedBodies: feedBodies) },
            { search.map { writeSearch($0, context, folder, fingerprints: fingerprints, cache: searchCache, later: memory) } ?? [] },
            { recordsFacts ? facts.gather(checked, readSince: loadStarted, known: knownBodies) : [] },
        ]
        report.steps += lanes.concurrentMap { $0() }.flatMap { $0 }
        if search?.damagedCache == true {
            report.failure = "搜索缓存 \(searchCache) 读不回来，搜索索引没有做完，网站没有更新：请再构建一次（缓存已删除）"
            try? FileManager.default.removeItem(atPath: staging)
            return report
        }
        if !folder.writeErrors.isEmpty {
            report.failure = "无法写入 \(folder.writeErrors.count) 个文件，例如 \(folder.writeErrors[0])"
            try? FileManager.default.removeItem(atPath: staging)
            return report
        }
        do {
            try clock.step("Publish", into: &report) { () throws(Publisher.Failure) in
                let manifest = folder.finish()
                let keptPrevious = try Publisher.publish(staging: staging, to: output, manifest: manifest, later: memory)
                // A process that builds again keeps both manifests as they are, rather than parse them back next
                // time (45,000 paths each at 20,000 cases): the published one (see `publish`), and the one it
                // replaced, which now describes the previous generation. No one else writes the output of such a
                // process (serve).
                if let memory {
                    let replaced = keptPrevious ? publishedGeneration.value?.manifest : nil
                    if let replaced { memory.remember(replaced, parsedFrom: Publisher.previousGeneration(of: output) + ".manifest") }
                    // The generation the next build claims is brought up to this one while the page reloads.
                    if trusted {
                        memory.afterBuild { Publisher.mirror(output, published: manifest, previous: replaced, cache: memory) }
                    }
                }
            }
            report.published = true
            if recordsFacts { clock.step("Write the body facts", into: &report) { facts.write(to: bodyFactsPath) } }
        } catch {
            report.failure = error.message
            try? FileManager.default.removeItem(atPath: staging)
        }
        report.written = folder.writtenByKind
        report.unchanged = folder.unchanged
        report.made = folder.madeByKind
        report.searchReused = search?.reusedCount ?? 0
        report.searchPatched = search?.patched ?? false
        if !options.freesMemory { LeftToExit.keep([site, context, fingerprints, folder, pages, search as Any, knownBodies as Any]) }
        return report
    }

    /// The industry directories, lists, home page, calendars and open data: the files that list every entry but
    /// show no body. A lane of the build beside the entries' pages (see `build`); returns its timed steps.
    static func writeListings(_ context: RenderContext, _ folder: OutputFolder, _ pages: PageList,
                              fingerprints: PageFingerprints) -> [BuildReport.Step] {
        var lane: [BuildReport.Step] = []
        var clock = StepClock()
        let site = context.site
        let listed = fingerprints.listed
        clock.step("Render industry directories", into: &lane) {
            render(site.industries, folder, pages, kind: "industry", path: context.urls.industry,
                   fingerprint: { fingerprints.industry($0.id) }) { context.industryPage($0) }
        }
        clock.step("Render lists and home page", into: &lane) {
            let lists: [(String, () -> [UInt8])] = [
                (context.urls.home, context.homePage), (context.urls.industries, context.industriesPage),
                (context.urls.showroom, context.showroomPage), (context.urls.notices, context.noticesPage),
                (context.urls.data, context.dataPage),
            ]
            // Lists, calendars and the data depend on every entry (not on the bodies): made again whenever an entry
            // changed.
            for (path, make) in lists {
                pages.add(path)
                folder.write(context.urls.outputFile(path), kind: "list", fingerprint: listed, unlessKept: make)
            }
            folder.write("404.html", kind: "404", fingerprint: listed, unlessKept: context.notFoundPage)
        }
        clock.step("Write calendars", into: &lane) {
            // Not pages: they stay out of the sitemap and are counted as "ics" in the summary.
            for notice in site.notices where context.hasCalendar(notice) {
                folder.write(context.urls.outputFile(context.urls.noticeCalendar(notice.id)), kind: "ics", fingerprint: listed) {
                    context.noticeCalendar(notice)
                }
            }
            folder.write(context.urls.outputFile(context.urls.deadlinesCalendar), kind: "ics", fingerprint: listed,
                         unlessKept: context.deadlinesCalendar)
        }
        clock.step("Write open data", into: &lane) {
            // Independent files, made and written side by side (the open data of every case is most of the work).
            let exports: [(path: String, kind: String, make: @Sendable () -> [UInt8])] = [
                ("data/cases.json", "data", { context.casesJSON() }),
                ("data/cases.csv", "data", { context.casesCSV() }),
                ("data/providers.json", "data", { context.providersJSON() }),
                ("data/providers.csv", "data", { context.providersCSV() }),
                ("robots.txt", "robots", { Array(context.robots().utf8) }),
            ]
            _ = exports.concurrentMap { export in
                folder.write(export.path, kind: export.kind, fingerprint: listed, unlessKept: export.make)
                return true
            }
        }
        return lane
    }

    /// The feed, which holds the notices' bodies, and the sitemap, which lists every page made: written once the
    /// pages are. One lane of the build (see `build`); returns its timed step.
    static func writeFeedAndSitemap(_ context: RenderContext, _ folder: OutputFolder, _ pages: PageList,
                                    fingerprints: PageFingerprints, feedBodies: [String: String]) -> [BuildReport.Step] {
        var lane: [BuildReport.Step] = []
        var clock = StepClock()
        clock.step("Write feed and sitemap", into: &lane) {
            folder.write("sitemap.xml", kind: "sitemap", fingerprint: fingerprints.listed) { context.sitemap(pages: pages.all) }
            folder.write("notices/feed.xml", kind: "feed", fingerprint: fingerprints.everything) {
                Array(context.atomFeed(bodies: feedBodies).utf8)
            }
        }
        return lane
    }

    /// The search index: the industries' documents, the shards and manifest, the search page and the term cache
    /// for the next build. One lane of the build (see `build`); returns its timed steps. With `later` (a process
    /// that builds again), the term cache is written once the build has been reported, and kept parsed there.
    static func writeSearch(_ search: SearchIndexBuilder, _ context: RenderContext, _ folder: OutputFolder,
                            fingerprints: PageFingerprints, cache: String, later: LoadCache? = nil) -> [BuildReport.Step] {
        var lane: [BuildReport.Step] = []
        var clock = StepClock()
        clock.step("Write search index and page", into: &lane) {
            for industry in context.site.industries {
                search.add(context.searchDocument(industry: industry), fingerprint: fingerprints.industry(industry.id))
            }
            search.finish()
            // A document the cache could not give back is missing from the index: not published, the cache dropped.
            guard !search.damagedCache else { unlink(cache); return }
            // Written last, with the fingerprint: the next build keeps the whole folder when it matches.
            folder.write("search/index.html", context.searchPage(), kind: "search", fingerprint: fingerprints.everything)
            // Whole or absent; a cache that does not match the output is only ever a slower build.
            @Sendable func write() -> [UInt8]? {
                guard let file = search.cacheFile() else { unlink(cache); return nil }
                return Publisher.writeAtomically(file, to: cache) ? file : nil
            }
            if let later {
                later.afterBuild {
                    if let file = write(), let parsed = SearchTermCache(bytes: file) { later.remember(parsed, parsedFrom: cache) }
                }
            } else {
                _ = write()
            }
        }
        return lane
    }

    /// Refuses output folders that would overwrite the sources.
    static func unsafeOutput(_ output: String, root: String) -> String? {
        let out = realPath(output)
        let rootPath = realPath(root)
        for protected in [rootPath, rootPath + "/Content", rootPath + "/Themes", "/"] where out == protected {
            return "输出文件夹不能是 \(protected)：构建会整体替换输出文件夹"
        }
        if rootPath.hasPrefix(out + "/") { return "输出文件夹 \(out) 包含了站点根目录，构建会把它整体替换" }
        if out.hasPrefix(rootPath + "/Content/") || out.hasPrefix(rootPath + "/Themes/") {
            return "输出文件夹不能放在 Content/ 或 Themes/ 里"
        }
        return nil
    }

    /// The path with `..` and symbolic links resolved as far as it exists, so `Site -> Content` is seen for what it is.
    static func realPath(_ path: String) -> String {
        let standard = URL(fileURLWithPath: path).standardizedFileURL.path
        var existing = standard
        var rest: [String] = []
        while !existing.isEmpty, existing != "/", !FileSystem.exists(existing) && !FileSystem.isSymlink(existing) {
            rest.insert(existing.lastPathComponent, at: 0)
            existing = existing.parentPath
        }
        guard let resolved = realpath(existing, nil) else { return standard }
        defer { free(resolved) }
        return ([String(cString: resolved)] + rest).joined(separator: "/").replacingOccurrences(of: "//", with: "/")
    }

    /// Notice bodies by id, filled from several threads (for the feed).
    final class NoticeBodies: @unchecked Sendable {
        private let lock = NSLock()
        private var bodies: [String: String] = [:]
        func set(_ id: String, _ html: String) { lock.lock(); bodies[id] = html; lock.unlock() }
        var all: [String: String] { lock.lock(); defer { lock.unlock() }; return bodies }
    }

    /// The body facts the next build will read: worked out in a lane of the build, written after it published
    /// (only then has every body passed every check), whole or absent.
    final class BodyFactsUpdate: @unchecked Sendable {
        /// The new file's bytes; nil to keep the file as it is, empty to remove it.
        private var bytes: [UInt8]?

        /// Works out the facts of `site`, read from `readSince` on, and whether they differ from the `known` ones;
        /// returns its timed step.
        func gather(_ site: Site, readSince: Int64, known: BodyFacts?) -> [BuildReport.Step] {
            var lane: [BuildReport.Step] = []
            var clock = StepClock()
            clock.step("Gather the body facts", into: &lane) {
                let facts = BodyFacts(site: site, readSince: readSince)
                if facts.entries.isEmpty {
                    bytes = []
                } else if facts.entries != known?.entries {
                    // Facts equal but for when they were read need not be written again.
                    bytes = facts.serialized()
                }
            }
            return lane
        }

        func write(to path: String) {
            guard let bytes else { return }
            if bytes.isEmpty { unlink(path) } else { _ = Publisher.writeAtomically(bytes, to: path) }
        }
    }

    /// Content files whose bodies changed on disk between loading and rendering, filled from several threads.
    final class SourceChanges: @unchecked Sendable {
        private let lock = NSLock()
        private var files: [String] = []
        func add(_ file: String) { lock.lock(); files.append(file); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return files }
    }

    /// Rendered bodies by id, for tests that build search documents the way the build does.
    struct Bodies: Sendable {
        var providers: [String: String] = [:]
        var cases: [String: String] = [:]
        var notices: [String: String] = [:]
    }

    static func copyAssets(_ context: RenderContext, _ folder: OutputFolder) {
        for (_, asset) in context.theme.assets.sorted(by: { $0.key < $1.key }) {
            folder.write("assets/" + asset.outputName, asset.bytes, kind: "asset")
        }
        let content = context.site.root.appendingPath("Content")
        for file in context.site.mediaFiles {
            folder.copy(from: content.appendingPath(file), to: file, kind: "media")
        }
    }

    static func render<T: Sendable & Identifiable>(_ items: [T], _ folder: OutputFolder, _ pages: PageList, kind: String,
                                                   path: @Sendable (String) -> String, fingerprint: @Sendable (T) -> UInt64,
                                                   page: @Sendable (T) -> [UInt8])
    where T.ID == String {
        _ = items.concurrentMap { item in
            let url = path(item.id)
            pages.add(url)
            folder.write(pages.urls.outputFile(url), kind: kind, fingerprint: fingerprint(item)) { page(item) }
            return 0
        }
    }

    /// Renders each item's Markdown body and then its page, and writes the page, unless the page's file already
    /// holds what its fingerprint says. `search` is given each body's HTML and the page's fingerprint; when the page
    /// is kept, the body is rendered for it alone, unless `reuse` could index the item from the search term cache.
    static func renderPages<T: SourcedEntry & Identifiable>(_ items: [T], _ folder: OutputFolder, _ pages: PageList,
                                                        changed: SourceChanges, kind: String,
                                                        path: @Sendable (String) -> String, body: @Sendable (T) -> MarkdownBody,
                                                        markdown: Markdown, fingerprint: @Sendable (T) -> UInt64,
                                                        search: (@Sendable (T, [UInt8], UInt64) -> Void)?,
                                                        reuse: (@Sendable (T, UInt64) -> Bool)?,
                                                        page: @Sendable (T, [UInt8]) -> [UInt8])
    where T.ID == String {
        // In runs of items: the pages of a run are listed, and those already made kept, each at once (see
        // `OutputFolder.keep(_:kind:)`). Enough runs to share out over the cores when every page is made.
        let run = max(16, min(256, items.count / 64))
        _ = Array(stride(from: 0, to: items.count, by: run)).concurrentMap { start -> Int in
            let slice = items[start..<min(start + run, items.count)]
            let urls = slice.map { path($0.id) }
            pages.add(contentsOf: urls)
            let files = urls.map { pages.urls.outputFile($0) }
            let prints = slice.map(fingerprint)
            let kept = folder.keep(Array(zip(files, prints)), kind: kind)
            for (offset, item) in slice.enumerated() {
                let (file, print) = (files[offset], prints[offset])
                // The body is read again from its file here (see MarkdownBody); one changed since it was checked fails
                // the build rather than show what was not checked.
                func bodyHTML() -> [UInt8]? { markdown.renderHTML(body(item)) }
                if kept[offset] {
                    if let search, reuse?(item, print) != true {
                        guard let html = bodyHTML() else { changed.add(item.source.location.file); continue }
                        search(item, html, print)
                    }
                    continue
                }
                guard let html = bodyHTML() else { changed.add(item.source.location.file); continue }
                folder.countMade(kind)
                folder.write(file, page(item, html), kind: kind, fingerprint: print)
                search?(item, html, print)
            }
            return 0
        }
    }

}

/// What a build leaves for the process's exit to reclaim (see `BuildOptions.freesMemory`).
private final class LeftToExit {
    let values: [Any]
    private init(_ values: [Any]) { self.values = values }
    /// Keeps `values` alive until the process ends: one retain that is never released.
    static func keep(_ values: [Any]) { _ = Unmanaged.passRetained(LeftToExit(values)) }
}

/// The pages written, for the sitemap.
final class PageList: @unchecked Sendable {
    let urls: SiteURLs
    init(urls: SiteURLs) { self.urls = urls }
    private let lock = NSLock()
    private var paths: [String] = []
    func add(_ path: String) { lock.lock(); paths.append(path); lock.unlock() }
    func add(contentsOf more: [String]) { lock.lock(); paths += more; lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return paths }
}

/// Times the build's steps.
struct StepClock {
    mutating func step<T, E: Error>(_ name: String, into report: inout BuildReport, _ work: () throws(E) -> T) throws(E) -> T {
        try step(name, into: &report.steps, work)
    }

    /// Times a step of a lane of the build, whose steps are added to the report once the lanes are done.
    mutating func step<T, E: Error>(_ name: String, into steps: inout [BuildReport.Step], _ work: () throws(E) -> T) throws(E) -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { steps.append((name, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)) }
        return try work()
    }
}

extension Day {
    /// Today's date in China Standard Time, whatever the machine's time zone.
    public static func todayInShanghai() -> Day {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return Day(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}
