import Foundation

/// Where a word was found on a page; a match in a heavier field ranks higher.
public enum SearchField: Int, CaseIterable, Sendable {
    /// The provider's name, the case's or notice's title, the industry's name.
    case title
    /// Short facts: types, industries, service areas, products, enterprise, metrics, 发文字号.
    case keywords
    /// The one-paragraph summaries.
    case summary
    /// The Markdown body.
    case body
    /// What the page shows about other entries: a provider's cases, a publicity list's candidates, contacts.
    case related

    /// Field weights, integers so the browser and the build add them up identically.
    public static let weights = [20, 10, 6, 3, 1]

    public var bit: UInt8 { 1 << UInt8(rawValue) }
}

/// The kinds of page search finds, in the order their documents are numbered.
public enum SearchKind: String, CaseIterable, Sendable {
    case provider, `case`, notice, industry
}

/// One page as search sees it: its text by field, what the result shows, and its facet values.
public struct SearchDocument: Sendable {
    public var kind: SearchKind
    public var id: String
    public var url: String
    public var title: String
    /// One line under the title in the results: types and district, industry and provider, date and 发文字号.
    public var meta: String
    /// Text per field; everything the page shows in its main content, so the page is found by what it says.
    public var fields: [SearchField: [String]]
    /// Bit i set when the entry belongs to `site.industries[i]`.
    public var industries: UInt32
    /// Bit i set for `ProviderType.allCases[i]`: a provider's own types, a case's provider's types.
    public var types: UInt32
    /// Sort key that keeps documents with equal facet values together, so the manifest's run-length facet table stays
    /// a few runs long even for 20,000 cases.
    var order: [String]

    /// A measured result as the page shows it: 质量证明文件编制用时 45分钟/台 → 5分钟/台.
    static func text(of result: Case.Result) -> String {
        "\(result.metric) \(Format.decimal(result.before))\(result.unit) → \(Format.decimal(result.after))\(result.unit)"
    }

    static func key(_ mask: UInt32) -> String {
        let text = String(mask, radix: 16)
        return String(repeating: "0", count: 8 - text.count) + text
    }

    /// The text a snippet is cut from: the summaries and the body (the short facts are in `meta`).
    public var snippetText: String {
        ((fields[.summary] ?? []) + (fields[.body] ?? [])).filter { !$0.isEmpty }.joined(separator: "\n")
    }
}

extension RenderContext {
    /// Every provider, case, notice and industry page as a search document, in index order.
    func searchDocuments(bodies: Builder.Bodies) -> [SearchDocument] {
        @Sendable func industryMask(_ ids: [String]) -> UInt32 {
            ids.reduce(0) { mask, id in
                guard let i = site.industries.firstIndex(where: { $0.id == id }) else { return mask }
                return mask | (1 << UInt32(i))
            }
        }
        @Sendable func typeMask(_ types: [ProviderType]) -> UInt32 {
            types.reduce(0) { $0 | (1 << UInt32(ProviderType.allCases.firstIndex(of: $1)!)) }
        }
        @Sendable func text(_ html: String?) -> [String] {
            guard let html else { return [] }
            let plain = SearchText.plainText(fromHTML: html)
            return plain.isEmpty ? [] : [plain]
        }
        var docs: [SearchDocument] = site.providers.concurrentMap { provider in
            var keywords = provider.types.map(typeLabel) + provider.industries.map(industryName)
            keywords += [provider.district] + provider.serviceAreas + [statusLabel(provider.status)]
            keywords += provider.products.flatMap { [$0.name] + $0.areas }
            var related: [String] = [provider.creditCode]
            if let chain = provider.chainLeader, provider.has(.chainLeader) {
                keywords += chain.mode.map { [t("mode.\($0.rawValue)")] } ?? []
                related += chain.platforms
            }
            if let contact = provider.contact { related += [contact.person, contact.phone, contact.email].compactMap { $0 } }
            related += [provider.website].compactMap { $0 }
            for item in site.casesByProvider[provider.id] ?? [] {
                related += [item.title, item.enterprise, industryName(item.industry)] + item.areas
                if let headline = item.results.first { related.append(SearchDocument.text(of: headline)) }
            }
            related += provider.history.compactMap(\.note)
            let status = provider.status == .recommended ? [] : [statusLabel(provider.status)]
            return SearchDocument(
                kind: .provider, id: provider.id, url: urls.provider(provider.id), title: provider.name,
                meta: (provider.types.map(typeLabel) + [provider.district] + status).joined(separator: " · "),
                fields: [.title: [provider.name], .keywords: keywords,
                         .summary: [provider.summary].compactMap { $0 } + provider.products.compactMap(\.summary),
                         .body: text(bodies.providers[provider.id]), .related: related],
                industries: industryMask(provider.industries), types: typeMask(provider.types),
                order: [SearchDocument.key(industryMask(provider.industries)), SearchDocument.key(typeMask(provider.types)), provider.id])
        }
        docs += site.cases.concurrentMap { item in
            let provider = site.providerByID[item.provider]
            let providerName = provider?.name ?? item.provider
            var keywords = [item.enterprise, industryName(item.industry), t("role.\(item.role.rawValue)"), providerName] + item.areas
            keywords += item.location.map { [t("location.\($0.rawValue)")] } ?? []
            keywords += item.results.map(\.metric)
            var related = item.results.map(SearchDocument.text(of:)) + [item.date?.chinese].compactMap { $0 }
            // The case page warns when its provider is not (or no longer) recommended.
            if let provider, provider.status != .recommended { related.append(statusLabel(provider.status)) }
            return SearchDocument(
                kind: .case, id: item.id, url: urls.case(item.id), title: item.title,
                meta: [industryName(item.industry), providerName].joined(separator: " · "),
                fields: [.title: [item.title], .keywords: keywords, .summary: [item.summary].compactMap { $0 },
                         .body: text(bodies.cases[item.id]), .related: related],
                industries: industryMask([item.industry]), types: typeMask(provider?.types ?? []),
                order: [SearchDocument.key(industryMask([item.industry])), SearchDocument.key(typeMask(provider?.types ?? [])),
                        item.provider, item.id])
        }
        for notice in site.notices {
            var keywords = [t("kind.\(notice.kind.rawValue)")] + notice.issuers
            keywords += [notice.docNo, notice.indexNo, notice.category].compactMap { $0 }
            keywords += notice.deadlines.map(\.label) + notice.attachments.map(\.title)
            var related = [notice.published.chinese, notice.validity, notice.regNo, notice.addressees].compactMap { $0 }
            related += notice.contacts.flatMap { [$0.unit, $0.person, $0.phone].compactMap { $0 } }
            for id in notice.publicity?.candidates ?? [] {
                guard let provider = site.providerByID[id] else { continue }
                related += [provider.name, provider.district]
            }
            docs.append(SearchDocument(
                kind: .notice, id: notice.id, url: urls.notice(notice.id), title: notice.title,
                meta: ([notice.published.chinese] + [notice.docNo].compactMap { $0 }).joined(separator: " · "),
                fields: [.title: [notice.title], .keywords: keywords, .body: text(bodies.notices[notice.id]), .related: related],
                industries: 0, types: 0, order: [notice.published.iso, notice.id]))
        }
        for industry in site.industries {
            let count = listedProviders(in: industry.id).count
            docs.append(SearchDocument(
                kind: .industry, id: industry.id, url: urls.industry(industry.id), title: industry.name,
                meta: t("search.industry_meta").replacingOccurrences(of: "{n}", with: String(count)),
                fields: [.title: [industry.name], .summary: [industry.summary].compactMap { $0 }],
                industries: industryMask([industry.id]), types: 0, order: [industry.id]))
        }
        let kindOrder = Dictionary(uniqueKeysWithValues: SearchKind.allCases.enumerated().map { ($1, $0) })
        return docs.sorted { a, b in
            if a.kind != b.kind { return kindOrder[a.kind]! < kindOrder[b.kind]! }
            return a.order.lexicographicallyPrecedes(b.order)
        }
    }
}
