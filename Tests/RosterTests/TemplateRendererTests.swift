import Foundation
import Testing

@testable import Roster

/// The renderer looks at each value of a view model once and decides what it is; these pin what every kind of
/// value the page functions put in a view renders as, so a faster way of deciding cannot change a page.
@Suite("Template renderer values")
struct TemplateRendererTests {
    private func program(_ template: String) throws -> TemplateProgram {
        var set = TemplateSet()
        try set.register(template, named: "page")
        return try set.compiled()
    }

    private func render(_ template: String, _ view: [String: Any]) throws -> String {
        String(decoding: TemplateRenderer.render("page", in: try program(template), views: [view]), as: UTF8.self)
    }

    @Test("text, flags, numbers, nested views, lists and optionals each render as the Mustache spec says")
    func everyKindOfValue() throws {
        let nothing: String? = nil
        let something: String? = "有值"
        let view: [String: Any] = [
            "text": "A&B <b>",
            "bytes": Array("<p>正文 & 表</p>".utf8),
            "yes": true, "no": false,
            "count": 42,
            "nested": ["name": "内层"] as [String: Any],
            "rows": [["n": 1], ["n": 2]] as [[String: Any]],
            "words": ["甲", "乙"],
            "mixed": [["n": "视图"] as [String: Any], "文字", 7] as [Any],
            "scalars": ["文字", 7, true] as [Any],
            "empty": [String](),
            "nothing": nothing as Any, "something": something as Any,
            "ratio": 1.5,
        ]
        let cases: [(String, String)] = [
            ("{{text}}|{{{text}}}", "A&amp;B &lt;b&gt;|A&B <b>"),
            ("{{{bytes}}}|{{bytes}}|{{#bytes}}[{{{.}}}]{{/bytes}}", "<p>正文 & 表</p>|&lt;p&gt;正文 &amp; 表&lt;/p&gt;|[<p>正文 & 表</p>]"),
            ("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^no}}!N{{/no}}", "Y!N"),
            ("{{count}}{{#count}}[{{.}}]{{/count}}", "42[42]"),
            ("{{nested.name}}{{#nested}}({{name}}){{/nested}}", "内层(内层)"),
            ("{{#rows}}{{n}},{{/rows}}", "1,2,"),
            ("{{#words}}<{{.}}>{{/words}}", "<甲><乙>"),
            ("{{#mixed}}[{{n}}]{{/mixed}}|{{#scalars}}<{{.}}>{{/scalars}}", "[视图][][]|<文字><7><true>"),
            ("{{#empty}}x{{/empty}}{{^empty}}无{{/empty}}", "无"),
            ("{{nothing}}{{^nothing}}空{{/nothing}}|{{something}}{{#something}}({{.}}){{/something}}", "空|有值(有值)"),
            ("{{ratio}}", "1.5"),
            ("{{missing}}{{^missing}}缺{{/missing}}{{#rows}}{{text}}{{/rows}}", "缺A&amp;B &lt;b&gt;A&amp;B &lt;b&gt;"),
        ]
        for (template, expected) in cases {
            #expect(try render(template, view) == expected, "\(template)")
        }
    }

    @Test("a prepared view renders exactly as the plain view it was made from, nested views and lists included")
    func preparedViewsRenderAsPlainOnes() throws {
        let card: [String: Any] = [
            "title": "卡片 <1>", "sample": true, "count": 3, "none": Optional<String>.none as Any,
            "headline": ["before": "45", "after": "5"] as [String: Any],
            "rows": [["n": "甲"], ["n": "乙"]] as [[String: Any]], "tags": ["a", "b"], "empty": [String](),
        ]
        let template = """
            {{card.title}}|{{card.headline.before}}|{{#card}}{{title}}{{#sample}}S{{/sample}}{{count}}{{^none}}无{{/none}}\
            {{#headline}}{{before}}→{{after}}{{/headline}}{{#rows}}[{{n}}{{.title}}]{{/rows}}{{#tags}}<{{.}}>{{/tags}}\
            {{^empty}}E{{/empty}}{{/card}}|{{#cards}}{{title}};{{/cards}}|{{#card}}{{outer}}[{{none}}]{{/card}}
            """
        // `none` is in the outer view too: the card's empty value hides it, as a key held with nothing always did.
        let plain = try render(template, ["card": card, "cards": [card, card], "outer": "外", "none": "外层"])
        #expect(plain.hasSuffix("|外[]"))
        let program = try program(template)
        func rendered(preparedFor other: TemplateProgram) -> String {
            let view: [String: Any] = ["card": PreparedView(card, for: other),
                                       "cards": [PreparedView(card, for: other), PreparedView(card, for: other)], "outer": "外",
                                       "none": "外层"]
            return String(decoding: TemplateRenderer.render("page", in: program, views: [view]), as: UTF8.self)
        }
        #expect(rendered(preparedFor: program) == plain)
        // Prepared for another theme's templates (its keys numbered otherwise): found by name.
        let other = try self.program("{{sample}}{{rows}}{{n}}{{count}}{{title}}{{headline}}{{before}}{{after}}{{tags}}{{empty}}{{none}}")
        #expect(rendered(preparedFor: other) == plain)
        #expect(plain.hasPrefix("卡片 &lt;1&gt;|45|卡片 &lt;1&gt;S3无45→5[甲][乙]<a><b>E|"))
    }
}
