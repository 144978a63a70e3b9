import Foundation

/// What each page is made from, as one number: a page whose file was written with the same fingerprint is not
/// made again.
///
/// A fingerprint mixes the stamps (path, size, inode, time) of every file the page shows something of, with what
/// every page depends on: the site settings, industries, calendar, media, the theme, the build's date, the base
/// URL and the `roster` program itself. The dependencies are written out by page kind here, on the safe side
/// (a case page depends on its provider and all of that provider's cases, since it shows some of them as cards);
/// lists and data depend on every entry, search and the feed on every entry and body. A body shows only on its
/// own page, in the search index and (a notice's) in the feed: everywhere else an entry counts by its
/// ``EntrySource/listedStamp``, which an edit to its body alone leaves as it was. `OutputReuseTests` checks that a
/// build which skips pages this way gives byte for byte what a build from nothing gives, after each kind of edit.
struct PageFingerprints: Sendable {
    /// What every page depends on.
    let global: UInt64
    /// Every entry and body: for the files that show every body (the search index, the feed).
    let everything: UInt64
    /// Every entry but not the bodies: for the pages and files that list or count across the whole site.
    let listed: UInt64

    /// The stamps of every file below `folder`, mixed.
    static func folderStamp(_ folder: String) -> UInt64 {
        var mix = Mix()
        for file in FileSystem.walk(folder) { mix.add(FileStamp.of(folder.appendingPath(file), named: file)) }
        return mix.value
    }
    private let providerStamps: [String: UInt64]
    private let casesOfProvider: [String: UInt64]
    private let industries: [String: UInt64]

    /// `themeStamp` is the theme's ``Theme/stamp``.
    init(site: Site, themeStamp: UInt64, now: Day) {
        var global = Mix()
        global.add(now.iso)
        global.add(site.config.baseURL)
        global.add(Self.programStamp)
        let content = site.root.appendingPath("Content")
        global.add(FileStamp.of(content.appendingPath("site.yaml"), named: "site.yaml"))
        global.add(FileStamp.of(content.appendingPath("industries.yaml"), named: "industries.yaml"))
        global.add(Self.folderStamp(content.appendingPath("calendar")))
        global.add(themeStamp)
        for file in site.mediaFiles { global.add(FileStamp.of(content.appendingPath(file), named: file)) }
        // Whether any entry is sample data shows on every page.
        global.add(site.providers.contains { $0.sample } || site.cases.contains { $0.sample } || site.notices.contains { $0.sample } ? "sample" : "real")
        self.global = global.value

        var everything = Mix(global.value)
        var listed = Mix(global.value)
        for source in site.providers.map(\.source) + site.cases.map(\.source) + site.notices.map(\.source) {
            everything.add(source.stamp)
            listed.add(source.listedStamp)
        }
        self.everything = everything.value
        self.listed = listed.value

        // Other pages show a provider or a case by what its front matter says (name, type, results), not its body.
        var providerStamps: [String: UInt64] = [:]
        for provider in site.providers { providerStamps[provider.id] = provider.source.listedStamp }
        self.providerStamps = providerStamps
        var casesOfProvider: [String: Mix] = [:]
        for item in site.cases { casesOfProvider[item.provider, default: Mix()].add(item.source.listedStamp) }
        self.casesOfProvider = casesOfProvider.mapValues(\.value)

        // An industry's directory shows its providers (with their case counts) and its showroom cases (with their
        // providers' names).
        var industries: [String: Mix] = [:]
        for industry in site.industries { industries[industry.id] = Mix(global.value) }
        for provider in site.providers {
            for id in provider.industries where industries[id] != nil {
                industries[id]!.add(provider.source.listedStamp)
                industries[id]!.add(casesOfProvider[provider.id]?.value ?? 0)
            }
        }
        for item in site.cases where industries[item.industry] != nil {
            industries[item.industry]!.add(item.source.listedStamp)
            industries[item.industry]!.add(providerStamps[item.provider] ?? 0)
        }
        self.industries = industries.mapValues(\.value)
    }

    func provider(_ provider: Provider) -> UInt64 {
        var mix = Mix(global)
        mix.add(provider.source.stamp)
        mix.add(casesOfProvider[provider.id] ?? 0)
        return mix.value
    }

    /// A notice page shows the notice, the calendar (global) and, for a 公示, its candidates as provider cards
    /// (with their case counts).
    func notice(_ notice: Notice) -> UInt64 {
        var mix = Mix(global)
        mix.add(notice.source.stamp)
        for id in notice.publicity?.candidates ?? [] {
            mix.add(providerStamps[id] ?? 0)
            mix.add(casesOfProvider[id] ?? 0)
        }
        return mix.value
    }

    func `case`(_ item: Case) -> UInt64 {
        var mix = Mix(global)
        mix.add(item.source.stamp)
        mix.add(providerStamps[item.provider] ?? 0)
        mix.add(casesOfProvider[item.provider] ?? 0)
        return mix.value
    }

    func industry(_ id: String) -> UInt64 { industries[id] ?? listed }

    /// The `roster` program that builds: another program may render differently.
    static let programStamp: UInt64 = FileStamp.of("/proc/self/exe", named: "roster", following: true)

    /// An order-dependent 64-bit mix of numbers and text.
    struct Mix {
        private(set) var value: UInt64

        init(_ seed: UInt64 = 0x9E37_79B9_7F4A_7C15) { value = seed }

        mutating func add(_ number: UInt64) {
            value = (value ^ number) &* 0xBF58_476D_1CE4_E5B9
            value ^= value >> 31
        }

        mutating func add(_ text: String) {
            var text = text
            add(text.withUTF8 { ContentHash.fast(UnsafeRawBufferPointer($0)) })
        }
    }
}

/// A number that changes whenever a file does: its name, size, inode and modification time, mixed.
enum FileStamp {
    /// 0 never comes out for a file that exists; a missing file gives a stamp of its name alone.
    static func of(_ path: String, named name: String, following: Bool = false) -> UInt64 {
        var info = stat()
        return of((following ? stat(path, &info) : lstat(path, &info)) == 0 ? info : nil, named: name)
    }

    /// The stamp of a file whose `stat` is at hand (from the descriptor it was read through), nil if missing.
    static func of(_ info: stat?, named name: String) -> UInt64 {
        var mix = PageFingerprints.Mix()
        mix.add(name)
        if let info {
            mix.add(UInt64(info.st_size))
            mix.add(UInt64(info.st_ino))
            mix.add(UInt64(bitPattern: Int64(info.st_mtim.tv_sec)))
            mix.add(UInt64(info.st_mtim.tv_nsec))
        }
        return mix.value | 1
    }
}
