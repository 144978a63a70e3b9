import Foundation

/// Maps request paths to files of a built site, and refuses every path that could reach anything else.
///
/// The request path is percent-decoded once and then judged segment by segment: `.`/`..` segments,
/// empty segments (`//`), backslashes, NUL and other control characters are refused outright, and the
/// file found is resolved with `realpath` and must still lie inside the site folder, so a symbolic link
/// cannot lead out of it either.
public struct SiteFiles: Sendable {
    /// The folder holding the built site.
    public let root: String

    public init(root: String) { self.root = root }

    /// What a request path comes to.
    public enum Resolution: Equatable, Sendable {
        /// A regular file inside the site (absolute real path).
        case file(String)
        /// A folder asked for without its trailing slash: redirect to `path + "/"`.
        case addSlash
        case notFound
    }

    /// Splits a raw, still percent-encoded request path (`/providers/x/`) into decoded segments,
    /// or nil when the path is malformed or could escape the site.
    public static func segments(ofRawPath raw: String) -> [String]? {
        guard raw.hasPrefix("/"), let decoded = percentDecode(raw) else { return nil }
        var parts = decoded.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts.removeFirst()  // before the leading slash
        if parts.last == "" { parts.removeLast() }  // a trailing slash names the folder itself
        for part in parts {
            if part.isEmpty || part == "." || part == ".." { return nil }
            if part.unicodeScalars.contains(where: { $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }) { return nil }
        }
        return parts
    }

    /// Decodes `%XX` escapes into UTF-8; nil for a broken escape or bytes that are not UTF-8.
    static func percentDecode(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard input.count >= 2, let high = hexValue(input.popFirst()!), let low = hexValue(input.popFirst()!) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Finds the file for a raw request path: a file, a folder's `index.html`, or nothing.
    public func resolve(rawPath: String) -> Resolution {
        guard let parts = Self.segments(ofRawPath: rawPath), let rootReal = Self.realPath(root) else { return .notFound }
        let candidate = parts.reduce(rootReal) { $0.appendingPath($1) }
        guard let real = Self.realPath(candidate), Self.isInside(real, rootReal) else { return .notFound }
        if FileSystem.isDirectory(real) {
            guard rawPath.hasSuffix("/") else {
                return Self.regularFile(real.appendingPath("index.html"), inside: rootReal) != nil ? .addSlash : .notFound
            }
            return Self.regularFile(real.appendingPath("index.html"), inside: rootReal).map { .file($0) } ?? .notFound
        }
        guard !rawPath.hasSuffix("/") else { return .notFound }
        return Self.regularFile(real, inside: rootReal).map { .file($0) } ?? .notFound
    }

    /// The site's own `404.html`, if the build wrote one.
    public var notFoundPage: String? {
        guard let rootReal = Self.realPath(root) else { return nil }
        return Self.regularFile(rootReal.appendingPath("404.html"), inside: rootReal)
    }

    private static func regularFile(_ path: String, inside rootReal: String) -> String? {
        guard let real = realPath(path), isInside(real, rootReal) else { return nil }
        var info = stat()
        guard stat(real, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return real
    }

    static func isInside(_ path: String, _ rootReal: String) -> Bool {
        path == rootReal || path.hasPrefix(rootReal.hasSuffix("/") ? rootReal : rootReal + "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The `Content-Type` for a file name, by extension; text types carry `charset=utf-8`.
    public static func contentType(for path: String) -> String {
        switch path.pathExtension.lowercased() {
        case "html", "htm": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "json": "application/json; charset=utf-8"
        case "csv": "text/csv; charset=utf-8"
        case "xml": "application/xml; charset=utf-8"
        case "ics": "text/calendar; charset=utf-8"
        case "txt": "text/plain; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "webp": "image/webp"
        case "gif": "image/gif"
        case "avif": "image/avif"
        case "ico": "image/x-icon"
        case "woff2": "font/woff2"
        case "woff": "font/woff"
        case "pdf": "application/pdf"
        case "doc": "application/msword"
        case "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case "xls": "application/vnd.ms-excel"
        case "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case "ppt": "application/vnd.ms-powerpoint"
        case "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        case "zip": "application/zip"
        case "ofd": "application/ofd"
        default: "application/octet-stream"
        }
    }
}
