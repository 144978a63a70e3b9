/// Every address of the built site, in one place, so links and output paths never disagree.
public struct SiteURLs: Sendable {
    /// `/` or the path of `base_url`, e.g. `/dx/`.
    public let basePath: String
    /// `base_url`, ending in `/`.
    public let baseURL: String

    public init(config: SiteConfig) {
        basePath = config.basePath
        baseURL = config.baseURL
    }

    public var home: String { basePath }
    public var industries: String { basePath + "industries/" }
    public var showroom: String { basePath + "showroom/" }
    public var notices: String { basePath + "notices/" }
    public var data: String { basePath + "data/" }
    public var feed: String { basePath + "notices/feed.xml" }
    /// Every deadline and period not yet over, as iCalendar, for subscribing.
    public var deadlinesCalendar: String { basePath + "notices/deadlines.ics" }
    public func industry(_ id: String) -> String { basePath + "industries/\(id)/" }
    public func provider(_ id: String) -> String { basePath + "providers/\(id)/" }
    public func `case`(_ id: String) -> String { basePath + "cases/\(id)/" }
    public func notice(_ id: String) -> String { basePath + "notices/\(id)/" }
    public func noticeCalendar(_ id: String) -> String { basePath + "notices/\(id)/calendar.ics" }
    public func asset(_ outputName: String) -> String { basePath + "assets/" + outputName }
    /// A media file's address; the name is percent-encoded, so `#`, `?`, `%` or spaces in it cannot break the link.
    public func media(_ path: String) -> String { basePath + SiteURLs.percentEncodedPath(path) }

    static func percentEncodedPath(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }

    /// The absolute URL of a site path (`/dx/providers/x/` → `https://host/dx/providers/x/`).
    public func absolute(_ sitePath: String) -> String {
        baseURL + sitePath.dropFirst(basePath.count)
    }

    /// The output file for a page path: `/dx/providers/x/` → `providers/x/index.html`.
    public func outputFile(_ sitePath: String) -> String {
        let relative = String(sitePath.dropFirst(basePath.count))
        return relative.isEmpty || relative.hasSuffix("/") ? relative + "index.html" : relative
    }
}
