import Foundation
import Testing
@_spi(Fuzzing) @testable import Roster

/// Replays every input that fuzzing found worth keeping (`Fixtures/fuzz-corpus/<target>/`): each must pass the
/// target's invariants, quickly. `scripts/fuzz.sh` runs the fuzzers themselves; `--merge` adds to this corpus.
@Suite("Security: the fuzz corpus replays clean")
struct FuzzCorpusTests {
    static let corpus = repositoryRoot + "/Tests/RosterTests/Fixtures/fuzz-corpus"

    static func inputs(_ target: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus + "/" + target)) ?? []).sorted()
    }

    /// Points the targets at the repository's theme, once, before any of them builds its fixture.
    static let setUp: Void = { FuzzTargets.themeRoot = repositoryRoot }()

    static func run(_ target: String, _ bytes: [UInt8]) -> [String] {
        switch target {
        case "front-matter": return FuzzTargets.frontMatter(bytes)
        case "content-decoder": return FuzzTargets.contentDecoder(bytes)
        default: return FuzzTargets.markdownPage(bytes)
        }
    }

    @Test("every corpus input keeps every invariant", arguments: ["front-matter", "content-decoder", "markdown-page"])
    func replay(_ target: String) throws {
        _ = Self.setUp
        let names = Self.inputs(target)
        #expect(names.count >= 5, "the \(target) corpus is missing")
        for name in names {
            let bytes = try #require(FileManager.default.contents(atPath: Self.corpus + "/\(target)/\(name)"))
            let (broken, seconds) = timed { Self.run(target, [UInt8](bytes)) }
            #expect(broken.isEmpty, "\(target)/\(name): \(broken)")
            #expect(seconds < 5, "\(target)/\(name): \(seconds) s")
        }
    }

    @Test("the invariants can fail: a hostile page or a lost line is caught")
    func invariantsBite() {
        #expect(!FuzzTargets.bodyProblems("<p>x</p><iframe src=x></iframe><a href=\"javascript:x\" onclick=\"y\">a</a>").isEmpty)
        #expect(!FuzzTargets.pageProblems("<html><script>x</script><script src=\"/dx/assets/a.js\"></script></html>", "page").isEmpty)
        #expect(FuzzTargets.bodyProblems("<p><a href=\"https://example.com/\">a</a><img src=\"data:image/png;base64,AA\" alt=\"\"></p>").isEmpty)
    }
}
