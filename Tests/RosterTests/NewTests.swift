import Foundation
import Testing
@testable import Roster

/// `roster new`: the files it writes, what it refuses, and that a filled-in file checks clean.
@Suite("roster new")
struct NewTests {
    /// What an editor would type for each blank, by the key on the marked line (nil: delete the line, as the
    /// comments tell editors to do with an optional field they do not use).
    static let answers: [Scaffold.Kind: [String: String?]] = [
        .provider: [
            "name": "青岛新建数字科技有限公司", "credit_code": creditCode("91370212MA3X0NEW1"), "types": "integrator",
            "district": "崂山区", "service_areas": "生产制造, 质量管理", "summary": "注塑车间的设备联网和质量追溯。",
            "website": "https://xinjian.example.com/", "person": "王工", "phone": "0532-55550100",
            "email": "service@xinjian.example.com", "areas": "生产制造", "mode": "lead", "revenue_last_year": "1200000000",
            "pilot_enterprises": "12", "platforms": "国家级工业互联网平台", "parent_credit_code": creditCode("91370200MA3X0PAR1"),
            "date": "2024-02-07", "status": "publicity", "note": "列入公示名单", "body": "公司简介：团队 30 人，服务注塑和冲压企业。",
        ],
        .case: [
            "title": "注塑车间设备联网", "enterprise": "青岛某某塑胶制品有限公司", "role": "transformation", "location": "qingdao",
            "areas": "生产制造", "date": "2024-03-15", "summary": "设备联网后停机时间减少三成。", "metric": "设备综合效率OEE",
            "before": "62", "after": "78", "unit": "\"%\"", "cover": "media/covers/x.svg",
            "body": "企业原来靠纸质报工……改造后……",
        ],
        .notice: [
            "title": "关于第二批推荐服务商名单的公示", "kind": "publicity", "index_no": "\"2528144605955803410\"", "category": "其他",
            "written": "2024-02-06", "published": "2024-02-06", "doc_no": "青民发字〔2024〕5号", "issuers": "青岛市民营经济发展局",
            "validity": "有效", "reg_no": "\"\"", "addressees": "各区、市民营经济（中小企业）主管部门", "label": "异议反映截止",
            "at": "2024-02-19 17:00", "start": "2024-02-07", "working_days": "5", "candidates": "xinjian", "unit": "市民营经济局政策规划处",
            "person": "周绍华", "phone": "0532-51917601", "title.attachment": "公示名单.pdf", "file": nil,
            "url": "https://example.gov.cn/gsmd.pdf", "body": "经服务商自愿申报、区市初审、专家评审，现予以公示。",
        ],
    ]

    /// Replaces every 【待填写…】 by the answer for its line's key; fails on a blank the test does not know.
    static func fill(_ text: String, kind: Scaffold.Kind) throws -> String {
        let answers = try #require(Self.answers[kind])
        var out: [String] = []
        var inAttachments = false
        var inFrontMatter = false
        for line in text.components(separatedBy: "\n") {
            if line == "---" { inFrontMatter.toggle() }
            if !line.hasPrefix(" ") && !line.hasPrefix("#") { inAttachments = line.hasPrefix("attachments:") }
            guard let start = line.range(of: Scaffold.placeholderMark), !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") else {
                out.append(line)
                continue
            }
            var key = "body"
            if inFrontMatter {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                let item = trimmed.hasPrefix("- ") ? String(trimmed.dropFirst(2)) : trimmed
                key = String(item[..<(item.firstIndex(of: ":") ?? item.endIndex)])
                if key == "title", inAttachments { key = "title.attachment" }
            }
            guard let answer = answers[key] else {
                Issue.record("the test has no answer for “\(key)” in: \(line)")
                out.append(line)
                continue
            }
            guard let value = answer else { continue }
            let end = try #require(line[start.lowerBound...].firstIndex(of: "】"))
            out.append(line.replacingCharacters(in: start.lowerBound...end, with: value))
        }
        return out.joined(separator: "\n")
    }

    static func site() throws -> TestSite {
        let site = try TestSite([:])
        try site.write("Content/media/covers/x.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        return site
    }

    /// Checks that every blank of each file is one error at its own line, with no schema error echoing it.
    static func expectEveryBlankReported(_ created: [Scaffold.Created], site: TestSite) throws {
        let findings = Checker.check(root: site.root)
        for item in created {
            let text = try #require(site.read(item.path))
            let markedLines = text.components(separatedBy: "\n").enumerated()
                .filter { $0.element.contains(Scaffold.placeholderMark) && !$0.element.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
                .map { $0.offset + 1 }
            #expect(!markedLines.isEmpty)
            let marks = findings.filter { $0.rule == "content.placeholder" && $0.location.file == item.path }
            #expect(marks.map(\.location.line) == markedLines, "\(item.path)")
            #expect(!findings.contains { $0.location.file == item.path && $0.rule.hasPrefix("schema.") && markedLines.contains($0.location.line) })
        }
    }

    @Test("a provider, its two cases and a publicity notice, made with roster new and filled in, check clean and build")
    func filledInChecksClean() throws {
        let site = try Self.site()
        // The editor's order: the provider first, then its cases and the notice that lists it.
        let provider = try Scaffold.create(.init(kind: .provider, id: "xinjian", industries: ["auto-parts"]), root: site.root)
        #expect(provider.path == "Content/providers/xinjian.md")
        #expect(provider.notes.isEmpty)
        try Self.expectEveryBlankReported([provider], site: site)
        #expect(Builder.build(BuildOptions(root: site.root, now: Day(iso: "2024-06-01"))).published == false,
                "a half-filled entry must never be published")
        try site.write(provider.path, try Self.fill(try #require(site.read(provider.path)), kind: .provider))

        let others = [
            try Scaffold.create(.init(kind: .case, id: "xinjian-injection-iot", provider: "xinjian"), root: site.root),
            try Scaffold.create(.init(kind: .case, id: "xinjian-stamping-mes", provider: "xinjian", industries: ["auto-parts"]),
                                root: site.root),
            try Scaffold.create(.init(kind: .notice, id: "publicity-2024-second-batch"), root: site.root),
        ]
        #expect(others.map(\.path) == ["Content/cases/xinjian-injection-iot.md", "Content/cases/xinjian-stamping-mes.md",
                                       "Content/notices/publicity-2024-second-batch.md"])
        #expect(others.allSatisfy { $0.notes.isEmpty })
        // The case's industry was taken from its provider, which has only one.
        #expect(site.read(others[0].path)?.contains("\nindustry: auto-parts\n") == true)
        #expect(site.read(others[0].path)?.contains("\nprovider: xinjian\n") == true)
        try Self.expectEveryBlankReported(others, site: site)

        for (item, kind) in zip(others, [Scaffold.Kind.case, .case, .notice]) {
            try site.write(item.path, try Self.fill(try #require(site.read(item.path)), kind: kind))
        }
        let findings = Checker.check(root: site.root)
        #expect(findings.filter { $0.severity == .error }.isEmpty, "\(findings.filter { $0.severity == .error }.map(\.compilerStyle))")
        let loaded = try #require(site.load().site)
        let filled = try #require(loaded.providerByID["xinjian"])
        #expect(filled.name == "青岛新建数字科技有限公司")
        #expect(filled.chainLeader?.pilotEnterprises == 12)
        #expect(loaded.cases.count == 2)
        #expect(loaded.notices.first?.publicity?.candidates == ["xinjian"])
        #expect(loaded.notices.first?.deadlines.count == 1)
        let report = site.build()
        #expect(report.published)
        #expect(site.read("Site/providers/xinjian/index.html")?.contains("青岛新建数字科技有限公司") == true)
    }

    @Test("every field of the kind is there, with the allowed values from the vocabularies and industries.yaml")
    func everyField() throws {
        let site = try Self.site()
        let loaded = try #require(site.load().site)
        for kind in Scaffold.Kind.allCases {
            let text = Scaffold.template(.init(kind: kind, id: "x"), site: loaded)
            func keys(_ fields: [ContentSchema.Field]) -> [String] {
                fields.flatMap { field -> [String] in
                    switch field.kind {
                    case .object(let sub), .list(.object(let sub)): [field.name] + keys(sub)
                    default: [field.name]
                    }
                }
            }
            for key in keys(kind.fields) {
                #expect(text.range(of: "\n *(- )?\(key):", options: .regularExpression) != nil, "\(kind) lacks \(key)")
            }
            #expect(text.hasPrefix("---\n# yaml-language-server: $schema=../../Schemas/\(kind.rawValue).schema.json\n"))
            #expect(text.contains("\nid: x\n"))
        }
        let provider = Scaffold.template(.init(kind: .provider, id: "x"), site: loaded)
        for word in Vocabulary.districts + Vocabulary.serviceAreas + ProviderType.allCases.map(\.rawValue)
            + ProviderStatus.allCases.map(\.rawValue) + ChainLeaderMode.allCases.map(\.rawValue) {
            #expect(provider.contains(word), "provider template lacks \(word)")
        }
        for industry in loaded.industries { #expect(provider.contains("\(industry.id)（\(industry.name)）")) }
        #expect(provider.contains("credit_code: \"【待填写"), "the credit code is plainly a blank")
        #expect(provider.contains("校验位") && provider.contains("1、3、9、27、19、26"), "the comment says how the check character works")
        let caseText = Scaffold.template(.init(kind: .case, id: "x"), site: loaded)
        for word in CaseRole.allCases.map(\.rawValue) + CaseLocation.allCases.map(\.rawValue) { #expect(caseText.contains(word)) }
        let notice = Scaffold.template(.init(kind: .notice, id: "x"), site: loaded)
        for word in NoticeKind.allCases.map(\.rawValue) { #expect(notice.contains(word)) }
    }

    @Test("the weights in the credit-code comment are the ones the check uses")
    func creditCodeWeights() throws {
        let line = try #require(Scaffold.creditCodeComment.first { $0.hasPrefix("依次乘以 ") })
        let weights = line.dropFirst("依次乘以 ".count).dropLast().split(separator: "、").compactMap { Int($0) }
        #expect(weights.count == 17)
        let body = "91370200MA3C00001"
        let values = body.map { CreditCode.alphabet.firstIndex(of: $0)! }
        let sum = zip(values, weights).map { $0 * $1 }.reduce(0, +)
        #expect(CreditCode.alphabet[(31 - sum % 31) % 31] == CreditCode.checkCharacter(for: body))
    }

    @Test("refuses to overwrite, bad ids, unknown industries and options that do not fit the kind")
    func refusals() throws {
        let site = try Self.site()
        try site.write("Content/providers/taken.md", providerFile())
        try site.write("Content/providers/export.json", "[{\"id\": \"in-json\", \"name\": \"x\", \"credit_code\": \"\(creditCode("91370200MA3C00002"))\", \"types\": [\"product\"], \"industries\": [\"auto-parts\"], \"district\": \"市南区\"}]")
        let before = site.read("Content/providers/taken.md")
        func refused(_ request: Scaffold.Request, _ words: String...) {
            do {
                _ = try Scaffold.create(request, root: site.root)
                Issue.record("\(request) was not refused")
            } catch {
                for word in words { #expect(error.message.contains(word), "“\(error.message)” lacks \(word)") }
            }
        }
        refused(.init(kind: .provider, id: "taken"), "已经存在")
        #expect(site.read("Content/providers/taken.md") == before)
        refused(.init(kind: .provider, id: "in-json"), "export.json", "已经在")
        for bad in ["Bad", "-x", "a_b", "中文", "a/b", "../x", ""] {
            refused(.init(kind: .case, id: bad), "不能作为 id")
        }
        refused(.init(kind: .provider, id: "p", industries: ["auto-part"]), "auto-parts")
        refused(.init(kind: .provider, id: "p", provider: "taken"), "--provider")
        refused(.init(kind: .notice, id: "n", industries: ["auto-parts"]), "--industry")
        refused(.init(kind: .case, id: "c", provider: "taken", industries: ["auto-parts", "rail-transit"]), "只能写一次")
        refused(.init(kind: .case, id: "c", provider: "taken", industries: ["rail-transit"]), "服务商", "auto-parts")
        #expect(!site.exists("Content/providers/p.md"))
        #expect(!site.exists("Content/cases/c.md"))

        // A case for a provider not written yet is allowed (editors add both in one pull request), with a reminder.
        let created = try Scaffold.create(.init(kind: .case, id: "c", provider: "later"), root: site.root)
        #expect(created.notes.contains { $0.contains("later") && $0.contains("roster new provider later") })

        // A provider file that is not filled in yet cannot give the case its industry: the editor is told so.
        _ = try Scaffold.create(.init(kind: .provider, id: "half", industries: ["auto-parts"]), root: site.root)
        let forHalf = try Scaffold.create(.init(kind: .case, id: "d", provider: "half"), root: site.root)
        #expect(forHalf.notes.contains { $0.contains("Content/providers/half.md") && $0.contains("industry") })
    }
}
