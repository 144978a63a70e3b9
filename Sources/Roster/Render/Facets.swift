/// Filter facets of the directory and the showroom, rendered at build time.
///
/// The page carries every item with its facet values in `data-f-<facet>` attributes and every facet as a group of
/// checkboxes with the build-time counts; `assets/js/30-directory.js` only shows, hides, sorts and recounts.
/// Without JavaScript the form stays hidden and the page lists everything.
struct Facet {
    /// The query-string key and the `data-f-` suffix: `type`, `area`, `district`, `status`, `industry`.
    var name: String
    var legend: String
    var options: [Option]

    struct Option {
        /// What goes into the URL and the item's `data-f-` attribute (a vocabulary word or an id, never with spaces).
        var value: String
        var label: String
        var count: Int
    }

    /// A facet over `items`, with `values` in display order; values no item has are left out.
    init<T>(name: String, legend: String, items: [T], values: [(value: String, label: String)], of itemValues: (T) -> [String]) {
        self.name = name
        self.legend = legend
        let sets = items.map { Set(itemValues($0)) }
        options = values.compactMap { value in
            let count = sets.filter { $0.contains(value.value) }.count
            return count == 0 ? nil : Option(value: value.value, label: value.label, count: count)
        }
    }

    var view: [String: Any] {
        [
            "name": name,
            "legend": legend,
            "help": false,
            "options": options.enumerated().map { index, option in
                ["value": option.value, "label": option.label, "count": option.count, "id": "f-\(name)-\(index + 1)"] as [String: Any]
            },
        ]
    }

    /// The value of an item's `data-f-` attribute.
    static func attribute(_ values: [String]) -> String { values.joined(separator: " ") }
}
