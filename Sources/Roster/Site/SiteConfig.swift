/// `Content/site.yaml`: the site's title, address and publisher.
public struct SiteConfig: Sendable {
    public var title: String
    /// Absolute URL the site is published at, always ending in `/`.
    public var baseURL: String
    public var language: String
    public var publisher: String
    public var description: String?
    /// Keep raw HTML in Markdown (off by default: safe mode).
    public var unsafeHTML: Bool

    static let keys = ContentSchema.site.map(\.name)

    /// The path part of `base_url`, e.g. `/dx/`; every link of the site starts with it.
    public var basePath: String {
        guard let scheme = baseURL.range(of: "://") else { return "/" }
        let afterHost = baseURL[scheme.upperBound...]
        guard let slash = afterHost.firstIndex(of: "/") else { return "/" }
        return String(afterHost[slash...])
    }

    static func decode(_ object: ContentObject) -> SiteConfig? {
        let title = object.text("title", required: true)
        var baseURL = object.text("base_url", required: true)
        let publisher = object.text("publisher", required: true)
        let language = object.text("language") ?? "zh-CN"
        let markdown = object.object("markdown", keys: ContentSchema.keys(ContentSchema.site, "markdown"))
        if let url = baseURL {
            if !(url.hasPrefix("https://") || url.hasPrefix("http://")) || url.contains(" ") || url.count < 10 {
                object.reader.error("schema.url", at: object["base_url"]!, "base_url 应是完整的网址，如 https://example.gov.cn/dx/")
                baseURL = nil
            } else if !url.hasSuffix("/") {
                baseURL = url + "/"
            }
        }
        guard let title, let baseURL, let publisher else { return nil }
        return SiteConfig(title: title, baseURL: baseURL, language: language, publisher: publisher,
                          description: object.text("description"), unsafeHTML: markdown?.bool("unsafe_html") ?? false)
    }

    /// Sets the base URL (from `--base-url`), normalised to end with `/`.
    public mutating func override(baseURL: String) {
        self.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
    }
}
