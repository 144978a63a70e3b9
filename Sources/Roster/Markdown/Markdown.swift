import Foundation
import CCmarkGFM

/// Markdown rendered by cmark-gfm: GFM tables, strikethrough, autolinks, tag filter, task lists and footnotes.
///
/// Raw HTML is omitted unless the site opts in (`markdown: {unsafe_html: true}`). Link and image targets keep
/// only the schemes `check` allows (http, https, mailto, tel; raster `data:` images), in either mode.
public struct Markdown: Sendable {
    public var unsafeHTML: Bool
    /// Prefix for links written as site paths (`/providers/x/` → `/dx/providers/x/`).
    public var basePath: String

    public init(unsafeHTML: Bool = false, basePath: String = "/") {
        self.unsafeHTML = unsafeHTML
        self.basePath = basePath
        Markdown.registerExtensions
    }

    private static let registerExtensions: Void = { cmark_gfm_core_extensions_ensure_registered() }()
    private static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

    /// A link or image target found in the Markdown, with its line (relative to the body's first line).
    public struct Link: Sendable, Hashable {
        public var url: String
        public var line: Int
        public var isImage: Bool
    }

    /// The rendered HTML and the links it contains.
    public struct Rendered: Sendable {
        /// The HTML as cmark-gfm wrote it, in UTF-8: pages and search take these bytes as they are.
        public var htmlBytes: [UInt8]
        public var links: [Link]

        /// The HTML as text.
        public var html: String { String(decoding: htmlBytes, as: UTF8.self) }

        static func empty(links: [Link] = []) -> Rendered { Rendered(htmlBytes: [], links: links) }
    }

    /// Whether a link or image target may stay: http(s), mailto, tel, relative, and for images the raster `data:`
    /// types that cmark-gfm's safe mode keeps too.
    static func isSafeTarget(_ url: String, isImage: Bool) -> Bool {
        guard let scheme = HTMLText.scheme(of: url) else { return true }
        if HTMLText.allowedSchemes.contains(scheme) { return true }
        guard isImage, scheme == "data" else { return false }
        let lower = url.lowercased()
        return ["data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"].contains { lower.hasPrefix($0) }
    }

    /// No `CMARK_OPT_VALIDATE_UTF8`: every body reaches cmark-gfm as valid UTF-8 already (a Swift string, or the
    /// bytes of a file checked when it loaded, read again only if their hash still matches), and checking again
    /// was a hundredth of a build.
    private var options: Int32 {
        Int32(CMARK_OPT_FOOTNOTES) | (unsafeHTML ? Int32(CMARK_OPT_UNSAFE) : Int32(CMARK_OPT_DEFAULT))
    }

    /// Renders `text` to HTML; `collectLinks` also lists every link and image target.
    public func render(_ text: String, collectLinks: Bool = false) -> Rendered {
        // The loader refuses bodies beyond the limits, with their line; this keeps every other caller safe too.
        if MarkdownLimits.check(text) != nil { return .empty() }
        return process(text, collectLinks: collectLinks, html: true)
    }

    /// Renders a body; one the loader measured against the limits is not measured again.
    public func render(_ body: MarkdownBody, collectLinks: Bool = false) -> Rendered {
        body.withinLimits ? process(body.text, collectLinks: collectLinks, html: true) : render(body.text, collectLinks: collectLinks)
    }

    /// A body's HTML, its bytes read again from its file when it is not held, without making a string of either;
    /// nil when the file no longer holds the bytes that were loaded and checked.
    func renderHTML(_ body: MarkdownBody) -> [UInt8]? {
        guard body.withinLimits else { return render(body.text).htmlBytes }
        return body.withBytes { process($0, collectLinks: false, html: true).htmlBytes }
    }

    /// The link and image targets of `text`, without rendering HTML (what `check` needs).
    ///
    /// Bodies in the plain subset that ``LinkScanner`` reads skip cmark; it gives the same links as the parse.
    public func links(in text: String) -> [Link] {
        if MarkdownLimits.check(text) != nil { return [] }
        return linksWithinLimits(text)
    }

    /// The links of a body; one the loader measured against the limits is not measured again.
    public func links(in body: MarkdownBody) -> [Link] {
        body.withinLimits ? linksWithinLimits(body.text) : links(in: body.text)
    }

    private func linksWithinLimits(_ text: String) -> [Link] {
        if let links = LinkScanner.links(in: text) { return links }
        return parsedLinks(in: text)
    }

    /// The links as cmark-gfm finds them: the reference for ``LinkScanner``.
    func parsedLinks(in text: String) -> [Link] {
        process(text, collectLinks: true, html: false).links
    }

    /// cmark-gfm without the limits; only tests call it, to show what the limits keep out.
    func renderUnchecked(_ text: String, collectLinks: Bool = false) -> Rendered {
        process(text, collectLinks: collectLinks, html: true)
    }

    private func process(_ text: String, collectLinks: Bool, html wantsHTML: Bool) -> Rendered {
        var text = text
        return text.withUTF8 { process($0, collectLinks: collectLinks, html: wantsHTML) }
    }

    /// Renders `bytes`, valid UTF-8 (see `options`).
    private func process(_ bytes: UnsafeBufferPointer<UInt8>, collectLinks: Bool, html wantsHTML: Bool) -> Rendered {
        guard let parser = cmark_parser_new(options) else { return .empty() }
        defer { cmark_parser_free(parser) }
        for name in Markdown.extensionNames {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        bytes.withMemoryRebound(to: CChar.self) { chars in
            cmark_parser_feed(parser, chars.baseAddress, chars.count)
        }
        guard let document = cmark_parser_finish(parser) else { return .empty() }
        defer { cmark_node_free(document) }
        var links: [Link] = []
        let rebase = basePath != "/"
        if let iterator = cmark_iter_new(document) {
            defer { cmark_iter_free(iterator) }
            while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
                guard let node = cmark_iter_get_node(iterator), cmark_iter_get_event_type(iterator) == CMARK_EVENT_ENTER else { continue }
                let type = cmark_node_get_type(node)
                guard type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE, let pointer = cmark_node_get_url(node) else { continue }
                let url = String(cString: pointer)
                if collectLinks {
                    links.append(Link(url: url, line: Int(cmark_node_get_start_line(node)), isImage: type == CMARK_NODE_IMAGE))
                }
                // cmark-gfm's safe mode drops only javascript:, vbscript:, file: and data:; an autolink such as
                // <ms-msdt:…> or <search-ms:…> would still reach an OS protocol handler, and unsafe mode drops nothing.
                // Only the schemes `check` allows are kept, in either mode: raw HTML is all that unsafe mode opts into.
                if !Markdown.isSafeTarget(url, isImage: type == CMARK_NODE_IMAGE) {
                    _ = cmark_node_set_url(node, "")
                    continue
                }
                // Editors write site paths from the site root; the site may live under a path such as /dx/.
                if rebase, url.hasPrefix("/"), !url.hasPrefix("//") {
                    _ = cmark_node_set_url(node, basePath + url.dropFirst())
                }
            }
        }
        guard wantsHTML else { return .empty(links: links) }
        guard let html = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else {
            return .empty(links: links)
        }
        defer { free(html) }
        return html.withMemoryRebound(to: UInt8.self, capacity: 1) { start in
            Rendered(htmlBytes: Array(UnsafeBufferPointer(start: start, count: strlen(html))), links: links)
        }
    }
}
