/// Rule 12: links use http, https, mailto or tel, and links to pages of the site resolve.
enum LinkRules {
    static func check(_ site: Site, into findings: inout FindingList) {
        let known = sitePaths(site)
        for provider in site.providers {
            if let website = provider.website, !HTMLText.isWebAddress(website) {
                let scheme = HTMLText.scheme(of: website)
                findings.error("link.scheme", at: provider.source.location(of: "website"),
                               scheme.map { "网站地址不能用 “\($0):”" } ?? "网站地址 “\(website)” 不是完整的网址",
                               hint: "写成 https://… 或 http://… 开头的完整网址")
            }
        }
        // Entries are shared, not copied: a body to check is its entry and the folder of its page.
        var bodies: [Body] = []
        bodies.reserveCapacity(site.providers.count + site.cases.count + site.notices.count)
        for provider in site.providers { bodies.append(Body(entry: provider, folder: "providers")) }
        for item in site.cases { bodies.append(Body(entry: item, folder: "cases")) }
        for notice in site.notices { bodies.append(Body(entry: notice, folder: "notices")) }
        let markdown = Markdown()
        let links = bodies.concurrentMap { body in
            let text = body.entry.body
            return text.links ?? (text.text.isEmpty ? [] : markdown.links(in: text))
        }
        // Suggestions come from the paths in order (ties go to the first), and each missing target is looked up once.
        var sortedPaths: [String]?
        var hints: [String: String] = [:]
        func hint(for target: String) -> String {
            if let hint = hints[target] { return hint }
            if sortedPaths == nil { sortedPaths = known.sorted() }
            let hint = Spelling.closest(to: target, in: sortedPaths!).map { "是不是 \($0)？" } ?? "检查拼写；站内页面如 /providers/<id>/"
            hints[target] = hint
            return hint
        }
        for (body, found) in zip(bodies, links) {
            for link in found {
                func at() -> SourceLocation {
                    SourceLocation(file: body.entry.source.location.file, line: body.entry.body.firstLine + link.line - 1)
                }
                if let scheme = HTMLText.scheme(of: link.url) {
                    if !HTMLText.allowedSchemes.contains(scheme) {
                        findings.error("link.scheme", at: at(), "链接 “\(link.url.prefix(60))” 用了不允许的 “\(scheme):”",
                                       hint: "链接只能用 http、https、mailto 或 tel；javascript:、data: 等会被浏览器执行，不允许使用")
                    }
                    continue
                }
                // A link from the site root (as `resolve` reads it, by Character) resolves the same from any page: the
                // page's path is made only for the others.
                let page = link.url.hasPrefix("/") ? "/" : "/\(body.folder)/\(body.entry.id)/"
                guard let target = resolve(link.url, from: page) else { continue }
                if !known.contains(target) && !known.contains(target + "/") {
                    findings.error("link.broken", at: at(), "站内链接 “\(link.url)” 指向的页面不存在", hint: hint(for: target))
                }
            }
        }
    }

    /// A body whose links are checked, with what a finding needs to say where it is.
    private struct Body: Sendable {
        var entry: any SourcedEntry
        /// `providers`, `cases` or `notices`: with the entry's id, the page the body is shown on.
        var folder: String
    }

    /// Resolves a relative or root-relative link to a site path without query or fragment; nil for pure fragments.
    static func resolve(_ url: String, from page: String) -> String? {
        // A plain root-relative path (no query, fragment, empty, `.` or `..` segment) is already resolved. (Its first
        // Character must be `/` itself: a slash with a combining mark on it does not start a root-relative path.)
        if url.hasPrefix("/"), isPlainPath(url) { return url }
        return resolveAny(url, from: page)
    }

    /// `/a/b/` with nothing for ``resolveAny(_:from:)`` to change.
    private static func isPlainPath(_ url: String) -> Bool {
        var previousSlash = false
        var segmentDots = 0  // dots since the last slash, while the segment is only dots
        var segmentLength = 0
        for byte in url.utf8 {
            switch byte {
            case UInt8(ascii: "?"), UInt8(ascii: "#"):
                return false
            case UInt8(ascii: "/"):
                if previousSlash { return false }
                if segmentLength > 0 && segmentDots == segmentLength && segmentDots <= 2 { return false }
                previousSlash = true
                segmentDots = 0
                segmentLength = 0
                continue
            case UInt8(ascii: "."):
                segmentDots += 1
            default:
                break
            }
            previousSlash = false
            segmentLength += 1
        }
        return !(segmentLength > 0 && segmentDots == segmentLength && segmentDots <= 2)
    }

    /// ``resolve(_:from:)`` for any link: the reference for its fast path.
    static func resolveAny(_ url: String, from page: String) -> String? {
        var path = url
        if let cut = path.firstIndex(where: { $0 == "#" || $0 == "?" }) { path = String(path[..<cut]) }
        if path.isEmpty { return nil }
        if path.hasPrefix("//") { return nil }
        var parts: [Substring] = path.hasPrefix("/") ? [] : page.split(separator: "/")
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        let joined = "/" + parts.joined(separator: "/")
        return path.hasSuffix("/") && joined != "/" ? joined + "/" : joined
    }

    /// Every path the build writes, relative to the site root.
    static func sitePaths(_ site: Site) -> Set<String> {
        var paths: Set<String> = ["/", "/industries/", "/showroom/", "/notices/", "/data/", "/notices/feed.xml", "/sitemap.xml",
                                  "/robots.txt", "/404.html", "/data/providers.json", "/data/providers.csv", "/data/cases.json",
                                  "/data/cases.csv", "/index.html"]
        for industry in site.industries { paths.insert("/industries/\(industry.id)/") }
        for provider in site.providers { paths.insert("/providers/\(provider.id)/") }
        for item in site.cases { paths.insert("/cases/\(item.id)/") }
        for notice in site.notices { paths.insert("/notices/\(notice.id)/") }
        for file in site.mediaFiles { paths.insert("/" + file) }
        return paths
    }
}
