import Foundation
import Testing

@testable import Roster

@Suite("Decoded files kept between builds (serve)")
struct LoadCacheTests {
    @Test("unchanged files come from the cache, changed and removed ones do not")
    func keptAndRefreshed() throws {
        let site = try TestSite([
            "Content/providers/p.md": providerFile(name: "甲服务商"),
            "Content/providers/q.md": providerFile(name: "乙服务商", code: creditCode("91370200MA3C00002")),
        ])
        let cache = LoadCache()
        let first = try #require(SiteLoader.load(root: site.root, cache: cache).site)
        #expect(Set(first.providers.map(\.name)) == ["甲服务商", "乙服务商"])
        #expect(cache.decoded("Content/providers/p.md", stamp: first.providerByID["p"]!.source.stamp) != nil)

        try site.write("Content/providers/p.md", providerFile(name: "甲服务商（改名）"))
        try site.remove("Content/providers/q.md")
        let second = try #require(SiteLoader.load(root: site.root, cache: cache).site)
        #expect(second.providers.map(\.name) == ["甲服务商（改名）"])
        #expect(cache.decoded("Content/providers/q.md", stamp: first.providerByID["q"]!.source.stamp) == nil)
    }
}
