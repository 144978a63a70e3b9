import Foundation
import Testing
@testable import Roster

/// The theme's timeline script (`assets/js/20-timeline.js`), run in Node against the attributes of a built page
/// with a fixed clock and various machine time zones.
@Suite("The timeline script")
struct TimelineScriptTests {
    static let node: String? = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["node", "--version"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? "node" : nil
    }()

    /// Just enough DOM for the script: the lists, items, state labels and notes found in the page.
    static let harness = #"""
        const vm = require('vm');
        const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
        function element(attributes, classes, text) {
          const set = new Set(classes);
          return {
            textContent: text,
            getAttribute(name) { return name in attributes ? attributes[name] : null; },
            classList: { toggle(c, on) { if (on) set.add(c); else set.delete(c); } },
            get classes() { return [...set].join(' '); },
          };
        }
        const lists = input.lists.map(list => {
          const el = element(list.attributes, [], '');
          el.items = list.items.map(item => {
            const li = element(item.attributes, item.classes, '');
            li.label = element({}, [], item.state);
            li.querySelector = sel => sel === '[data-state]' ? li.label : null;
            return li;
          });
          el.querySelectorAll = sel => sel === '.timeline-item' ? el.items : [];
          return el;
        });
        const notes = input.notes.map(note => element(note, [], 'as of build'));
        globalThis.document = {
          readyState: 'complete', hidden: false, addEventListener() {},
          querySelector: sel => sel === '[data-timeline]' ? (lists[0] || null) : null,
          querySelectorAll: sel => sel === '[data-timeline]' ? lists : sel === '[data-state-note]' ? notes : [],
        };
        globalThis.window = { setInterval() {} };
        Date.now = () => input.now;
        vm.runInThisContext(input.script);
        console.log(JSON.stringify({
          items: lists.flatMap(l => l.items.map(i => ({ classes: i.classes, state: i.label.textContent }))),
          notes: notes.map(n => n.textContent),
        }));
        """#

    static func attributes(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        let regex = try! NSRegularExpression(pattern: #"([a-z-]+)(?:="([^"]*)")?"#)
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let name = String(text[Range(match.range(at: 1), in: text)!])
            let value = Range(match.range(at: 2), in: text).map { String(text[$0]) } ?? ""
            out[name] = value.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        }
        return out
    }

    /// Runs the script over `page` at `now` (an ISO instant) with the machine in time zone `tz`.
    static func run(_ page: String, now: String, tz: String) throws -> (items: [String], notes: [String]) {
        let lists = page.components(separatedBy: "<ol class=\"timeline").dropFirst().map { chunk -> [String: Any] in
            let open = String(chunk[..<chunk.range(of: ">")!.lowerBound])
            let body = chunk[..<(chunk.range(of: "</ol>")?.lowerBound ?? chunk.endIndex)]
            let items = body.components(separatedBy: "<li class=\"").dropFirst().map { item -> [String: Any] in
                let tag = String(item[..<item.range(of: ">")!.lowerBound])
                let classes = String(tag[..<tag.range(of: "\"")!.lowerBound]).split(separator: " ").map(String.init)
                let state = item.components(separatedBy: "data-state>").last?.components(separatedBy: "</span>").first ?? ""
                return ["attributes": attributes(tag), "classes": classes, "state": state]
            }
            return ["attributes": attributes(open), "items": items]
        }
        let notes = page.components(separatedBy: "<p class=\"note state-note\"").dropFirst().map {
            attributes(String($0[..<$0.range(of: ">")!.lowerBound]))
        }
        let script = try String(contentsOfFile: repositoryRoot + "/Themes/default/assets/js/20-timeline.js", encoding: .utf8)
        let formatter = ISO8601DateFormatter()
        let millis = Int(try #require(formatter.date(from: now)).timeIntervalSince1970 * 1000)
        let input = try JSONSerialization.data(withJSONObject: ["lists": lists, "notes": notes, "now": millis, "script": script])

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["node", "-e", harness]
        process.environment = ProcessInfo.processInfo.environment.merging(["TZ": tz]) { _, new in new }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "node: \(errors)")
        let result = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let items = (result["items"] as? [[String: String]] ?? []).map { "\($0["classes"] ?? "") \($0["state"] ?? "")" }
        return (items, result["notes"] as? [String] ?? [])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var page: String
        var now: String
        var items: [String]
        var note: String
        var testDescription: String { "\(page) at \(now)" }
    }

    @Test("states follow the visitor's clock in Beijing time, whatever the machine's time zone",
          .enabled(if: node != nil, "skipped: Node.js is not installed"),
          arguments: [
            // One second before 2024-01-09 00:00 in Beijing: the call is not published yet.
            Case(page: "call-2024", now: "2024-01-08T15:59:59Z", items: ["timeline-item state-upcoming 未开始", "timeline-item state-upcoming 未开始"],
                 note: "2024年1月8日"),
            Case(page: "call-2024", now: "2024-01-31T15:59:00Z", items: ["timeline-item state-open 进行中，还剩1天", "timeline-item state-open 进行中，还剩9天"],
                 note: "2024年1月31日"),
            // 24:00 on 31 January has passed one minute ago.
            Case(page: "call-2024", now: "2024-01-31T16:01:00Z", items: ["timeline-item state-closed 已截止", "timeline-item state-open 进行中，还剩8天"],
                 note: "2024年2月1日"),
            Case(page: "call-2024", now: "2024-02-08T16:00:00Z", items: ["timeline-item state-closed 已截止", "timeline-item state-closed 已截止"],
                 note: "2024年2月9日"),
            Case(page: "publicity-2024", now: "2024-02-06T16:00:00Z", items: ["timeline-item state-open 进行中，还剩5个工作日"], note: "2024年2月7日"),
            // Spring Festival: on 2024-02-12 the working days left are the 18th and the 19th.
            Case(page: "publicity-2024", now: "2024-02-12T03:00:00Z", items: ["timeline-item state-open 进行中，还剩2个工作日"], note: "2024年2月12日"),
            Case(page: "publicity-2024", now: "2024-02-19T15:59:59Z", items: ["timeline-item state-open 进行中，还剩1个工作日"], note: "2024年2月19日"),
            Case(page: "publicity-2024", now: "2024-02-19T16:00:00Z", items: ["timeline-item state-closed 已结束"], note: "2024年2月20日"),
          ])
    func states(_ c: Case) throws {
        let page = try #require(NoticeFixture.site.read("Site/notices/\(c.page)/index.html"))
        for tz in ["Asia/Shanghai", "America/Los_Angeles", "UTC", "Pacific/Kiritimati"] {
            let result = try Self.run(page, now: c.now, tz: tz)
            #expect(result.items == c.items, "TZ=\(tz)")
            #expect(result.notes == ["以上状态已按您设备上的时间自动计算（北京时间\(c.note)）。"], "TZ=\(tz)")
        }
    }
}
