import FlyingFox
import FlyingSocks
import Foundation

/// Answers the dev server's requests: files of the built site, and the live-reload endpoints under `/__roster/`.
struct DevServerHandler: HTTPHandler {
    let files: SiteFiles
    let events: BuildEvents

    /// The policy the published site runs under; sent here too, so a preview breaks the same way production would.
    static let contentSecurityPolicy = "default-src 'self'; img-src 'self' data:"

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        // A web page elsewhere can point a name of its own at 127.0.0.1 (DNS rebinding) and then read the preview,
        // content not yet reviewed included: such requests carry that name, never this computer's address.
        guard Self.isLocalHost(request.headers[.host]) else {
            return Self.text(.forbidden, "拒绝：“\(request.headers[.host] ?? "")” 不是本机地址。请用终端里给出的地址打开预览（例如 http://127.0.0.1:8080/）\n")
        }
        guard request.method == .GET || request.method == .HEAD else {
            var response = Self.text(.methodNotAllowed, "只支持 GET 和 HEAD 请求\n")
            response.headers[HTTPHeader("Allow")] = "GET, HEAD"
            return response
        }
        let rawPath = request.target.path(percentEncoded: true)
        let response: HTTPResponse
        if rawPath.hasPrefix(LiveReload.prefix) {
            response = liveReload(String(rawPath.dropFirst(LiveReload.prefix.count)), head: request.method == .HEAD)
        } else {
            response = siteFile(rawPath, query: request.target.query(percentEncoded: true))
        }
        return request.method == .HEAD ? Self.headOnly(response) : response
    }

    /// Whether a request's `Host` names this computer by address (IPv4 or IPv6, as `--host 0.0.0.0` previews are
    /// opened from a phone) or as `localhost`, with or without a port; a request without one is let through, as
    /// only a browser following a rebound name is the danger, and it always sends the name.
    static func isLocalHost(_ header: String?) -> Bool {
        guard let header else { return true }
        var host = Substring(header.trimmingCharacters(in: .whitespaces))
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let rest = host[host.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy(\.isASCIIDigit)) else { return false }
            let address = host[host.index(after: host.startIndex)..<close]
            return !address.isEmpty && address.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        if let colon = host.lastIndex(of: ":") {
            guard host[host.index(after: colon)...].allSatisfy(\.isASCIIDigit) else { return false }
            host = host[..<colon]
        }
        if host.lowercased() == "localhost" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCIIDigit) && Int(part)! <= 255
        }
    }

    private func siteFile(_ rawPath: String, query: String) -> HTTPResponse {
        let status = events.status
        guard status.hasSite else {
            return html(.serviceUnavailable, Data(LiveReload.waitingPage.utf8), site: status.site)
        }
        switch files.resolve(rawPath: rawPath) {
        case .file(let path):
            return file(path, status: .ok, site: status.site)
        case .addSlash:
            var response = Self.text(.found, "")
            response.headers[.location] = rawPath + "/" + (query.isEmpty ? "" : "?" + query)
            return response
        case .notFound:
            guard let page = files.notFoundPage else { return Self.text(.notFound, "404 找不到这个页面\n") }
            return file(page, status: .notFound, site: status.site)
        }
    }

    private func file(_ path: String, status: HTTPStatusCode, site: String) -> HTTPResponse {
        let type = SiteFiles.contentType(for: path)
        if type.hasPrefix("text/html") {
            guard let data = FileManager.default.contents(atPath: path) else { return Self.text(.notFound, "404\n") }
            return html(status, data, site: site)
        }
        guard let body = try? HTTPBodySequence(file: URL(fileURLWithPath: path)) else { return Self.text(.notFound, "404\n") }
        return HTTPResponse(statusCode: status, headers: Self.headers(type: type), body: body)
    }

    private func html(_ status: HTTPStatusCode, _ data: Data, site: String) -> HTTPResponse {
        HTTPResponse(statusCode: status, headers: Self.headers(type: "text/html; charset=utf-8"),
                     body: LiveReload.inject(into: data, site: site))
    }

    private func liveReload(_ name: String, head: Bool) -> HTTPResponse {
        switch name {
        case "live.js":
            return HTTPResponse(statusCode: .ok, headers: Self.headers(type: "text/javascript; charset=utf-8"),
                                body: Data(LiveReload.script.utf8))
        case "live.css":
            return HTTPResponse(statusCode: .ok, headers: Self.headers(type: "text/css; charset=utf-8"),
                                body: Data(LiveReload.styleSheet.utf8))
        case "status.json":
            return HTTPResponse(statusCode: .ok, headers: Self.headers(type: "application/json; charset=utf-8"),
                                body: Data((events.status.json + "\n").utf8))
        case "events":
            var headers = Self.headers(type: "text/event-stream; charset=utf-8")
            headers[HTTPHeader("X-Accel-Buffering")] = "no"
            return HTTPResponse(statusCode: .ok, headers: headers, body: head ? HTTPBodySequence() : HTTPBodySequence(from: events.subscribe()))
        default:
            return Self.text(.notFound, "404\n")
        }
    }

    static func headers(type: String) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers[.contentType] = type
        // Every response is fresh: an editor must never see a page from before the last save.
        headers[.cacheControl] = "no-store"
        headers[HTTPHeader("X-Content-Type-Options")] = "nosniff"
        headers[HTTPHeader("Content-Security-Policy")] = contentSecurityPolicy
        return headers
    }

    static func text(_ status: HTTPStatusCode, _ text: String) -> HTTPResponse {
        HTTPResponse(statusCode: status, headers: headers(type: "text/plain; charset=utf-8"), body: Data(text.utf8))
    }

    /// The same headers (with the body's length when it is known) and no body.
    static func headOnly(_ response: HTTPResponse) -> HTTPResponse {
        var headers = response.headers
        if case .httpBody(let body) = response.payload, let count = body.count { headers[.contentLength] = String(count) }
        return HTTPResponse(statusCode: response.statusCode, headers: headers, body: Data())
    }
}

/// One page's Server-Sent Events stream: build statuses as they happen, until the page closes or the server stops.
struct EventStream: AsyncBufferedSequence, Sendable {
    typealias Element = UInt8

    let stream: AsyncStream<[UInt8]>
    let unsubscribe: @Sendable () -> Void

    func makeAsyncIterator() -> Iterator {
        Iterator(iterator: stream.makeAsyncIterator(), subscription: Subscription(unsubscribe))
    }

    /// Unsubscribes when the connection's iterator goes away (the page closed and a write failed).
    final class Subscription: Sendable {
        let unsubscribe: @Sendable () -> Void
        init(_ unsubscribe: @escaping @Sendable () -> Void) { self.unsubscribe = unsubscribe }
        deinit { unsubscribe() }
    }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var iterator: AsyncStream<[UInt8]>.Iterator
        let subscription: Subscription
        var pending: ArraySlice<UInt8> = []

        mutating func next() async throws -> UInt8? {
            while pending.isEmpty {
                guard let chunk = await iterator.next() else { return nil }
                pending = chunk[...]
            }
            return pending.popFirst()
        }

        /// Whole events at a time, so each reaches the browser in one chunk as soon as it is sent.
        mutating func nextBuffer(suggested count: Int) async throws -> [UInt8]? {
            if !pending.isEmpty {
                defer { pending = [] }
                return Array(pending)
            }
            return await iterator.next()
        }
    }
}

private extension Character {
    var isASCIIDigit: Bool { self >= "0" && self <= "9" }
}
