import Foundation
import Testing
@testable import Roster

@Suite("Broken-link hints")
struct LinkHintTests {
    static func notice(_ title: String, body: String = "正文。") -> String {
        "---\ntitle: \(title)\nkind: result\nwritten: 2024-02-26\npublished: 2024-02-26\nissuers: [青岛市民营经济发展局]\n---\n\n\(body)\n"
    }

    @Test("among equally close pages the hint names the first in order, whatever the process's hashing")
    func tiesResolveInOrder() throws {
        let site = try TestSite([
            "Content/notices/tie-c.md": Self.notice("丙"),
            "Content/notices/tie-a.md": Self.notice("甲"),
            "Content/notices/linker.md": Self.notice("乙", body: "见[通知](/notices/tie-b/)，又见[通知](/notices/tie-b/)。"),
        ])
        let broken = Checker.check(root: site.root).filter { $0.rule == "link.broken" }
        #expect(broken.count == 2)
        #expect(broken.allSatisfy { $0.hint == "是不是 /notices/tie-a/？" }, "\(broken.map(\.hint))")
    }
}
