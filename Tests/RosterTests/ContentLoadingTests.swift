import Foundation
import Testing
@testable import Roster

@Suite("Loading content")
struct ContentLoadingTests {
    @Test("a Markdown provider with front matter and body loads with every field")
    func markdownProvider() throws {
        let site = try TestSite([
            "Content/providers/haichuang.md": providerFile(
                name: "青岛海创智控科技有限公司", types: "[integrator, product]", industries: "[auto-parts, rail-transit]",
                extra: """
                service_areas: [生产制造, 质量管理]
                website: https://haichuang.example.com/
                contact: {person: 张工, phone: 0532-55550001, email: zhang@example.com}
                products:
                  - {name: 注塑车间设备联网, areas: [生产制造], summary: 一周上线}
                status: publicity
                history:
                  - {date: 2024-02-07, status: publicity, note: 进入公示}
                """, body: "## 公司简介\n\n专注注塑。"),
        ])
        let result = site.load()
        #expect(result.findings.filter { $0.severity == .error }.isEmpty, "\(result.findings)")
        let provider = try #require(result.site?.providerByID["haichuang"])
        #expect(provider.name == "青岛海创智控科技有限公司")
        #expect(provider.types == [.integrator, .product])
        #expect(provider.industries == ["auto-parts", "rail-transit"])
        #expect(provider.serviceAreas == ["生产制造", "质量管理"])
        #expect(provider.contact?.phone == "0532-55550001")
        #expect(provider.products.first?.name == "注塑车间设备联网")
        #expect(provider.status == .publicity)
        #expect(provider.history.first?.date == Day(iso: "2024-02-07"))
        #expect(provider.body.text.contains("专注注塑"))
        #expect(provider.body.firstLine == 17)
    }

    @Test("a JSON export holding an array of providers loads each one")
    func jsonArray() throws {
        let code1 = creditCode("91370200MA3C00011"), code2 = creditCode("91370200MA3C00022")
        let site = try TestSite([
            "Content/providers/export.json": """
            [
              {"id": "alpha", "name": "甲公司", "credit_code": "\(code1)", "types": ["product"], "industries": ["auto-parts"], "district": "市北区"},
              {"id": "beta", "name": "乙公司", "credit_code": "\(code2)", "types": ["product"], "industries": ["rail-transit"], "district": "市外",
               "chain_leader": null}
            ]
            """,
        ])
        let result = site.load()
        #expect(result.findings.isEmpty, "\(result.findings)")
        #expect(result.site?.providers.map(\.id) == ["alpha", "beta"])
    }

    @Test("a single JSON object takes its id from the file name")
    func jsonObject() throws {
        let site = try TestSite([
            "Content/providers/p.md": providerFile(),
            "Content/cases/c-one.json": #"{"title": "案例", "provider": "p", "industry": "auto-parts", "enterprise": "某企业", "role": "assessment", "results": [{"metric": "OEE", "before": 62, "after": 78.5, "unit": "%"}]}"#,
        ])
        let result = site.load()
        #expect(result.findings.isEmpty, "\(result.findings)")
        let item = try #require(result.site?.cases.first)
        #expect(item.id == "c-one")
        #expect(item.role == .assessment)
        #expect(item.results.first?.after == Decimal(string: "78.5"))
    }

    @Test("a BOM and CRLF line endings are accepted, and lines are still counted right")
    func bomAndCRLF() throws {
        let text = "\u{FEFF}" + providerFile(extra: "status: bogus").replacingOccurrences(of: "\n", with: "\r\n")
        let site = try TestSite(["Content/providers/p.md": text])
        let result = site.load()
        let finding = try #require(result.findings.first)
        #expect(finding.rule == "schema.vocabulary")
        #expect(finding.location == SourceLocation(file: "Content/providers/p.md", line: 7, column: 9))
        #expect(result.findings.count == 1)
    }

    @Test("unquoted big numbers and phone numbers come out exactly as written")
    func bigNumbers() throws {
        let site = try TestSite([
            "Content/notices/n.md": """
            ---
            title: 通知
            kind: call
            published: 2024-01-09
            index_no: 2528144605955803409
            contacts:
              - {unit: 市民营经济局政策规划处, person: 周绍华, phone: 51917601}
              - {unit: 热线, phone: 0532-85017188}
            ---
            正文
            """,
        ])
        let result = site.load()
        #expect(result.findings.isEmpty, "\(result.findings)")
        let notice = try #require(result.site?.notices.first)
        #expect(notice.indexNo == "2528144605955803409")
        #expect(notice.contacts.map(\.phone) == ["51917601", "0532-85017188"])
    }

    @Test("big numbers in JSON are kept exactly too")
    func bigNumbersJSON() throws {
        let site = try TestSite([
            "Content/providers/p.json": #"{"name": "甲", "credit_code": "\#(creditCode("91370200MA3C00001"))", "types": ["chain-leader"], "industries": ["auto-parts"], "district": "市南区", "contact": {"phone": "51917601"}, "chain_leader": {"mode": "lead", "revenue_last_year": 12345678901234567, "pilot_enterprises": 12}}"#,
        ])
        let result = site.load()
        #expect(result.findings.isEmpty, "\(result.findings)")
        #expect(result.site?.providers.first?.chainLeader?.revenueLastYear == 12345678901234567)
    }

    @Test("an unknown key is an error with its line and a did-you-mean")
    func unknownKey() throws {
        let site = try TestSite(["Content/providers/p.md": providerFile(extra: "industy: [auto-parts]")])
        let finding = try #require(site.load().findings.first { $0.rule == "schema.unknown-key" })
        #expect(finding.location.line == 7)
        #expect(finding.hint.contains("industries"))
    }

    @Test("missing required fields are all reported, not just the first")
    func missingFields() throws {
        let site = try TestSite(["Content/cases/c.md": "---\ntitle: 案例\n---\n"])
        let findings = site.load().findings.filter { $0.rule == "schema.required" }
        #expect(Set(findings.map { $0.message.components(separatedBy: "“")[1].components(separatedBy: "”")[0] })
                == ["provider", "industry", "enterprise", "role"])
    }

    @Test("malformed YAML, malformed JSON, invalid UTF-8 and an empty file each give one error with file and line")
    func brokenFiles() throws {
        let site = try TestSite([
            "Content/providers/yaml.md": "---\nname: [unclosed\ncredit_code: x\n---\n",
            "Content/providers/json.json": "{\n  \"name\": \"甲\",\n  \"types\": [\"product\",]\n}",
            "Content/providers/empty.md": "",
            "Content/cases/nofront.md": "---\ntitle: x\n",
        ])
        try site.write("Content/providers/gbk.md", Data([0x2D, 0x2D, 0x2D, 0x0A, 0x6E, 0x3A, 0x20, 0xC7, 0xE0, 0x0A]))
        let findings = site.load().findings
        func only(_ file: String) -> Finding? {
            let list = findings.filter { $0.location.file == "Content/\(file)" }
            return list.count == 1 ? list[0] : nil
        }
        #expect(only("providers/yaml.md")?.rule == "content.yaml")
        #expect(only("providers/json.json")?.rule == "content.json")
        #expect(only("providers/json.json")?.location.line == 3)
        #expect(only("providers/empty.md")?.rule == "content.empty")
        #expect(only("providers/gbk.md")?.rule == "content.encoding")
        #expect(only("providers/gbk.md")?.location.line == 2)
        #expect(only("cases/nofront.md")?.rule == "content.front-matter")
    }

    @Test("two files defining one provider id are an error naming both places")
    func duplicateIDs() throws {
        let site = try TestSite([
            "Content/providers/a.md": providerFile(extra: "id: same"),
            "Content/providers/b.md": providerFile(code: creditCode("91370200MA3C00002"), extra: "id: same"),
        ])
        let findings = site.load().findings.filter { $0.rule == "schema.duplicate-id" }
        #expect(findings.count == 2)
        #expect(Set(findings.map(\.location.file)) == ["Content/providers/a.md", "Content/providers/b.md"])
        #expect(findings.allSatisfy { $0.related.count == 1 })
    }

    @Test("ids must be slugs")
    func slugs() throws {
        let site = try TestSite(["Content/providers/Bad Name.md": providerFile()])
        #expect(site.load().findings.contains { $0.rule == "schema.id" })
        #expect(Slug.isValid("qingdao-2024-1"))
        #expect(!Slug.isValid("-x") && !Slug.isValid("A") && !Slug.isValid("a_b") && !Slug.isValid("../x") && !Slug.isValid(""))
    }

    @Test("YAML anchors cannot blow up into millions of values")
    func aliasBomb() throws {
        var yaml = "---\nname: x\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for i in 1...9 { yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n" }
        yaml += "---\n"
        let site = try TestSite(["Content/providers/bomb.md": yaml])
        let findings = site.load().findings
        #expect(findings.count == 1)
        #expect(findings.first?.rule == "content.yaml")
    }
}

@Suite("JSON reader")
struct JSONReaderTests {
    @Test("reports line and column of syntax errors")
    func positions() throws {
        #expect(throws: JSONReader.SyntaxError.self) { try JSONReader.parse(Array("{\"a\": tru}".utf8)) }
        do {
            _ = try JSONReader.parse(Array("{\n  \"名\": 1,\n  \"b\" 2\n}".utf8))
            Issue.record("should fail")
        } catch {
            #expect(error.line == 3)
            #expect(error.column == 7)
        }
    }

    @Test("keeps number text exactly and decodes escapes")
    func values() throws {
        let value = try JSONReader.parse(Array(#"[2528144605955803409, -1.50e3, "\u4e2d\ud83d\ude00\n", true, null]"#.utf8))
        guard case .list(let items) = value.kind else { Issue.record("not a list"); return }
        guard case .scalar(let big, false) = items[0].kind, case .scalar(let float, false) = items[1].kind,
              case .scalar(let text, true) = items[2].kind else { Issue.record("wrong kinds"); return }
        #expect(big == "2528144605955803409")
        #expect(float == "-1.50e3")
        #expect(text == "中😀\n")
    }

    @Test("refuses trailing commas, comments and deep nesting")
    func strictness() {
        for bad in ["[1,]", "{\"a\":1,}", "// x\n{}", "[01]", String(repeating: "[", count: 100) + String(repeating: "]", count: 100)] {
            #expect(throws: JSONReader.SyntaxError.self, "\(bad)") { try JSONReader.parse(Array(bad.utf8)) }
        }
    }
}
