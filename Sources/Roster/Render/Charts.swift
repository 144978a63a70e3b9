import Foundation

/// Charts drawn at build time as inline SVG: no chart library and no script at run time.
///
/// Every chart is an image with a name and a description (`role="img"`, `<title>`, `<desc>`, `aria-labelledby`)
/// that say everything the bars show, and every bar carries its number as text, so nothing is told by colour or
/// length alone. The viewBox is narrow (320 units, a phone's width) so text stays legible when the chart is scaled
/// to the width of its container; the theme's CSS caps how wide it grows.
enum Charts {
    static let width = 320.0

    /// One before/after pair of horizontal bars for a case result.
    struct BeforeAfter {
        /// Unique on the page: the ids of the title and description derive from it.
        var id: String
        var metric: String
        var before: Decimal
        var after: Decimal
        var unit: String
        /// `改造前`, `改造后`.
        var beforeLabel: String
        var afterLabel: String
        /// The chart's name, e.g. `质量证明文件编制用时：改造前与改造后`.
        var title: String
        /// The full text alternative, e.g. `改造前 45分钟/台，改造后 5分钟/台，减少 40分钟/台（-89%）。`
        var description: String
    }

    /// Both bars start at zero on one scale, so a fall reads as a fall whether lower or higher is better;
    /// the numbers are written beside the bars, and the change is said in words in the description and the table.
    ///
    /// Every case result has one, so it is written straight into bytes, as the case page takes it: built from
    /// interpolated strings, the charts took a twentieth of a whole build.
    static func beforeAfter(_ chart: BeforeAfter) -> [UInt8] {
        let fontSize = 14.0
        let labelWidth = max(textWidth(chart.beforeLabel, fontSize), textWidth(chart.afterLabel, fontSize)) + 10
        let values = [value(chart.before), value(chart.after)]
        let texts = [Format.decimal(chart.before) + chart.unit, Format.decimal(chart.after) + chart.unit]
        let textRoom = max(textWidth(texts[0], fontSize), textWidth(texts[1], fontSize)) + 8
        let low = min(0, values[0], values[1]), high = max(0, values[0], values[1])
        let span = high - low
        let plot = max(width - labelWidth - textRoom, 40)
        func x(_ value: Double) -> Double { labelWidth + (span == 0 ? 0 : (value - low) / span * plot) }
        let barHeight = 24.0, gap = 10.0, top = 2.0
        let height = top + 2 * barHeight + gap + 4
        var svg = SVGBytes()
        svg.open(id: chart.id, height: height, title: chart.title, description: chart.description, className: "chart chart-before-after")
        let zero = x(0)
        for row in 0..<2 {
            let y = top + Double(row) * (barHeight + gap)
            let start = min(zero, x(values[row])), end = max(zero, x(values[row]))
            let textY = y + barHeight / 2 + fontSize * 0.36
            svg.raw(#"<text class="chart-label" x="0" y=""#); svg.number(textY)
            svg.raw(#"" font-size=""#); svg.number(fontSize); svg.raw(#"">"#)
            svg.escaped(row == 0 ? chart.beforeLabel : chart.afterLabel); svg.raw("</text>")
            svg.raw(row == 0 ? #"<rect class="bar-before" x=""# : #"<rect class="bar-after" x=""#); svg.number(start)
            svg.raw(#"" y=""#); svg.number(y)
            svg.raw(#"" width=""#); svg.number(max(end - start, 1.5))
            svg.raw(#"" height=""#); svg.number(barHeight); svg.raw(#""/>"#)
            svg.raw(#"<text class="chart-value" x=""#); svg.number(end + 6)
            svg.raw(#"" y=""#); svg.number(textY)
            svg.raw(#"" font-size=""#); svg.number(fontSize); svg.raw(#"">"#)
            svg.escaped(texts[row]); svg.raw("</text>")
        }
        svg.raw(#"<line class="chart-axis" x1=""#); svg.number(zero)
        svg.raw(#"" y1="0" x2=""#); svg.number(zero)
        svg.raw(#"" y2=""#); svg.number(height); svg.raw(#""/>"#)
        svg.raw("</svg>")
        return svg.bytes
    }

    /// The number as a `Double`, as parsing its written digits gives it: one division of exact integers is
    /// rounded correctly, as parsing is.
    private static func value(_ number: Decimal) -> Double {
        guard let parts = number.integerParts, parts.digits < 1 << 53, parts.scale <= 22 else {
            return Double(number.description) ?? 0
        }
        var power = 1.0
        for _ in 0..<parts.scale { power *= 10 }
        let magnitude = Double(parts.digits) / power
        return parts.negative ? -magnitude : magnitude
    }

    /// One row of a quota chart: how many providers of a type there are against the notice's range.
    struct QuotaRow {
        var label: String
        var count: Int
        var quota: ClosedRange<Int>?
        /// What the row says in words, drawn at its right end, e.g. `2家 · 名额3–6`.
        var valueText: String
    }

    /// Providers against quota, one row per type: a light band spans the quota, a dark bar the count,
    /// and the numbers and the verdict are written out in each row.
    static func quota(id: String, title: String, description: String, rows: [QuotaRow]) -> String {
        let fontSize = 14.0
        let rowHeight = 52.0, textLine = 17.0, band = 18.0, bar = 8.0
        let height = Double(rows.count) * rowHeight - 8
        var svg = SVGBytes()
        svg.open(id: id, height: height, title: title, description: description, className: "chart chart-quota")
        for (index, row) in rows.enumerated() {
            let top = Double(index) * rowHeight
            let scale = Double(max(row.quota?.upperBound ?? 0, row.count, 1))
            func x(_ value: Int) -> Double { Double(value) / scale * (width - 2) + 1 }
            svg.markup(#"<text class="chart-label" x="0" y="\#(n(top + textLine - 3))" font-size="\#(n(fontSize))">\#(HTMLText.escape(row.label))</text>"#)
            svg.markup(#"<text class="chart-value" x="\#(n(width))" y="\#(n(top + textLine - 3))" font-size="\#(n(fontSize))" text-anchor="end">\#(HTMLText.escape(row.valueText))</text>"#)
            let bandTop = top + textLine + 4
            svg.markup(#"<rect class="quota-track" x="0.5" y="\#(n(bandTop))" width="\#(n(width - 1))" height="\#(n(band))"/>"#)
            if let quota = row.quota {
                let from = x(quota.lowerBound), to = x(quota.upperBound)
                svg.markup(#"<rect class="quota-band" x="\#(n(from))" y="\#(n(bandTop))" width="\#(n(max(to - from, 2)))" height="\#(n(band))"/>"#)
                for edge in [from, to] {
                    svg.markup(#"<line class="quota-edge" x1="\#(n(edge))" y1="\#(n(bandTop - 3))" x2="\#(n(edge))" y2="\#(n(bandTop + band + 3))"/>"#)
                }
            }
            if row.count > 0 {
                svg.markup(#"<rect class="quota-count" x="1" y="\#(n(bandTop + (band - bar) / 2))" width="\#(n(x(row.count) - 1))" height="\#(n(bar))"/>"#)
            }
        }
        svg.raw("</svg>")
        return String(decoding: svg.bytes, as: UTF8.self)
    }

    /// An estimate of a text's width: ideographs and full-width forms take a full em, the rest about 0.6 em.
    /// Good enough to keep labels clear of bars; it errs on the wide side for Latin text.
    static func textWidth(_ text: String, _ fontSize: Double) -> Double {
        text.unicodeScalars.reduce(0) { sum, scalar in
            let wide = (0x2E80...0x9FFF).contains(scalar.value) || (0xF900...0xFAFF).contains(scalar.value)
                || (0xFF00...0xFF60).contains(scalar.value) || (0x3000...0x303F).contains(scalar.value)
            return sum + (wide ? 1.0 : 0.6) * fontSize
        }
    }

    /// A coordinate with at most one decimal, so output is short and identical across builds.
    static func n(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

/// An SVG chart's bytes as they are written: tags, escaped text and coordinates appended in place.
struct SVGBytes {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1_536) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Markup made as a string (the quota chart's interpolated rows), as it is.
    mutating func markup(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func escaped(_ text: String) {
        var text = text
        text.withUTF8 { HTMLText.escape($0, into: &bytes) }
    }

    /// As ``Charts/n(_:)`` writes it: at most one decimal, no `-0`.
    mutating func number(_ value: Double) {
        let tenths = (value * 10).rounded()
        guard abs(tenths) < 1e15 else {
            bytes.append(contentsOf: Charts.n(value).utf8)
            return
        }
        let whole = Int64(tenths)
        if whole < 0 && whole / 10 == 0 { bytes.append(UInt8(ascii: "-")) }
        bytes.append(contentsOf: String(whole / 10).utf8)
        let fraction = (whole % 10).magnitude
        if fraction != 0 {
            bytes.append(UInt8(ascii: "."))
            bytes.append(UInt8(ascii: "0") + UInt8(fraction))
        }
    }

    mutating func open(id: String, height: Double, title: String, description: String, className: String) {
        raw(#"<svg class=""#); bytes.append(contentsOf: className.utf8)
        raw(#"" id=""#); bytes.append(contentsOf: id.utf8)
        raw(#"" viewBox="0 0 "#); number(Charts.width); raw(" "); number(height)
        raw(#"" role="img" aria-labelledby=""#); bytes.append(contentsOf: id.utf8); raw("-title ")
        bytes.append(contentsOf: id.utf8); raw(#"-desc"><title id=""#)
        bytes.append(contentsOf: id.utf8); raw(#"-title">"#); escaped(title)
        raw(#"</title><desc id=""#); bytes.append(contentsOf: id.utf8); raw(#"-desc">"#); escaped(description)
        raw("</desc>")
    }
}
