/// The content rules that go beyond one file's schema: references between entries and the notice's selection rules.
public enum Rules {
    /// Runs every rule over the loaded site and returns the findings.
    public static func check(_ site: Site) -> [Finding] {
        // The link rule reads every body; the others, fields only, run beside it. Findings keep the order of the
        // rules either way.
        let groups: [@Sendable (Site, inout FindingList) -> Void] = [
            { site, findings in
                ReferenceRules.check(site, into: &findings)
                ProviderRules.check(site, into: &findings)
                QuotaRules.check(site, into: &findings)
            },
            { site, findings in LinkRules.check(site, into: &findings) },
            { site, findings in PeriodRules.check(site, into: &findings) },
        ]
        return groups.concurrentMap { group in
            var findings = FindingList()
            group(site, &findings)
            return findings.all
        }.flatMap { $0 }
    }
}

/// Rule 2: every reference resolves — providers' industries, cases' provider and industry, candidates, files.
enum ReferenceRules {
    static func check(_ site: Site, into findings: inout FindingList) {
        let industryIDs = site.industries.map(\.id)
        for provider in site.providers {
            for industry in provider.industries where site.industryByID[industry] == nil {
                findings.error("reference.industry", at: provider.source.location(of: "industries"),
                               "服务商的行业 “\(industry)” 不存在", hint: hint(industry, industryIDs, "industries.yaml 里的行业 id"))
            }
        }
        let providerIDs = site.providers.map(\.id)
        for item in site.cases {
            if let provider = site.providerByID[item.provider] {
                if site.industryByID[item.industry] != nil, !provider.industries.contains(item.industry) {
                    findings.error("reference.case-industry", at: item.source.location(of: "industry"),
                                   "案例的行业 “\(item.industry)” 不是服务商 “\(provider.name)” 的行业",
                                   hint: "服务商的行业是：\(provider.industries.joined(separator: "、"))；改案例的 industry，或给服务商加上这个行业",
                                   related: [provider.source.location(of: "industries")])
                }
            } else {
                findings.error("reference.provider", at: item.source.location(of: "provider"),
                               "案例的服务商 “\(item.provider)” 不存在", hint: hint(item.provider, providerIDs, "Content/providers/ 里的服务商 id"))
            }
            if site.industryByID[item.industry] == nil {
                findings.error("reference.industry", at: item.source.location(of: "industry"),
                               "案例的行业 “\(item.industry)” 不存在", hint: hint(item.industry, industryIDs, "industries.yaml 里的行业 id"))
            }
            if let cover = item.cover {
                checkMediaPath(cover, field: "cover", at: item.source.location(of: "cover"), site: site, into: &findings)
            }
        }
        for notice in site.notices {
            if let publicity = notice.publicity {
                for candidate in publicity.candidates where site.providerByID[candidate] == nil {
                    findings.error("reference.candidate", at: publicity.candidatesLocation,
                                   "公示名单里的服务商 “\(candidate)” 不存在", hint: hint(candidate, providerIDs, "服务商 id"))
                }
            }
            for attachment in notice.attachments {
                if let file = attachment.file {
                    checkMediaPath(file, field: "file", at: attachment.location, site: site, into: &findings)
                } else if let url = attachment.url {
                    if !HTMLText.isWebAddress(url) {
                        let scheme = HTMLText.scheme(of: url)
                        findings.error("link.scheme", at: attachment.location,
                                       scheme.map { "附件链接不能用 “\($0):”" } ?? "附件链接 “\(url)” 不是完整的网址",
                                       hint: "写成 https://… 或 http://… 开头的完整网址")
                    }
                } else {
                    findings.warning("reference.attachment-offline", at: attachment.location,
                                     "附件 “\(attachment.title)” 没有文件也没有链接，网页上会显示为“暂无电子版”",
                                     hint: "有电子版时加上 file: media/attachments/… 或 url: https://…")
                }
            }
        }
    }

    /// Whether a content path leaves `media/` or is not a plain relative path.
    static func isOutsideMedia(_ path: String) -> Bool {
        // An ASCII path (the usual one) is judged on its bytes, where Character and byte comparisons agree.
        if path.utf8.allSatisfy({ $0 < 0x80 }) {
            let bytes = Array(path.utf8)
            if bytes.first == UInt8(ascii: "/") || bytes.contains(UInt8(ascii: "\\")) || bytes.contains(0) { return true }
            let parts = bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            return parts.contains { $0.isEmpty || $0.elementsEqual([0x2E]) || $0.elementsEqual([0x2E, 0x2E]) }
                || !parts[0].elementsEqual("media".utf8)
        }
        return isOutsideMediaAnyText(path)
    }

    /// ``isOutsideMedia(_:)`` Character by Character, for any path: the reference for its byte-level reading.
    static func isOutsideMediaAnyText(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return path.hasPrefix("/") || path.contains("\\") || path.contains("\0") || parts.contains("..") || parts.contains(".")
            || parts.contains("") || parts.first != "media"
    }

    private static func hint(_ value: String, _ candidates: [String], _ what: String) -> String {
        if let near = Spelling.closest(to: value, in: candidates) { return "是不是 “\(near)”？" }
        return "应是\(what)"
    }

    /// Content paths must stay under `media/` and name a file that exists.
    static func checkMediaPath(_ path: String, field: String, at location: SourceLocation, site: Site, into findings: inout FindingList) {
        if isOutsideMedia(path) {
            findings.error("path.outside-media", at: location, "“\(field)” 的路径 “\(path)” 不合规",
                           hint: "路径相对于 Content/，并以 media/ 开头，如 media/covers/x.png；不能用 ../ 或绝对路径")
            return
        }
        if site.mediaSizes[path] == nil {
            let near = Spelling.closest(to: path, in: site.mediaFiles).map { "是不是 “\($0)”？" } ?? "把文件放到 Content/\(path)"
            findings.error("reference.file", at: location, "找不到文件 Content/\(path)", hint: near)
        }
    }
}
