import Foundation

/// The outcome of the dev server's latest build, as the browser overlay and the event stream see it.
public struct BuildStatus: Sendable {
    /// Counts every build attempt, failed or not.
    public var build: Int
    /// Names the site being served; it changes only when a build is published, and differs between server runs,
    /// so a page compares it with the one it was loaded with to know when to reload.
    public var site: String
    /// Whether the latest attempt was published (no errors, no I/O failure).
    public var published: Bool
    public var findings: [Finding]
    /// A failure that is not about content (a file that cannot be written, say).
    public var failure: String?
    public var seconds: Double
    /// Local time of day the build finished, `HH:mm:ss`.
    public var finishedAt: String

    /// Whether a site has been published at all since the server started.
    public var hasSite: Bool { !site.hasSuffix("-0") }

    /// The JSON the browser reads from `/__roster/status.json` and the event stream (one line, HTML-safe).
    public var json: String {
        let sorted = findings.sortedForReport()
        let items = sorted.map { finding -> JSONValue in
            .object([
                ("file", .string(finding.location.file)), ("line", .int(finding.location.line)),
                ("column", .int(finding.location.column)), ("severity", .string(finding.severity.rawValue)),
                ("rule", .string(finding.rule)), ("message", .string(finding.message)), ("hint", .string(finding.hint)),
                ("related", .array(finding.related.map { .string("\($0.file):\($0.line):\($0.column)") })),
            ])
        }
        return JSONValue.object([
            ("build", .int(build)), ("site", .string(site)), ("published", .bool(published)),
            ("hasSite", .bool(hasSite)),
            ("errors", .int(sorted.errorCount + (failure == nil ? 0 : 1))), ("warnings", .int(sorted.warningCount)),
            ("failure", .text(failure)), ("seconds", .number(String(format: "%.3f", seconds))),
            ("finishedAt", .string(finishedAt)), ("findings", .array(items)),
        ]).serialized(pretty: false)
    }
}

/// Holds the latest ``BuildStatus`` and pushes each new one to the open pages' event streams.
final class BuildEvents: @unchecked Sendable {
    private let lock = NSLock()
    private var current: BuildStatus
    private var subscribers: [Int: AsyncStream<[UInt8]>.Continuation] = [:]
    private var nextID = 0
    private var closed = false

    init(initial: BuildStatus) { current = initial }

    var status: BuildStatus {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// Records a new status and sends it to every open page.
    func publish(_ status: BuildStatus) {
        lock.lock()
        current = status
        let targets = Array(subscribers.values)
        lock.unlock()
        let event = Self.event(status)
        for continuation in targets { continuation.yield(event) }
    }

    /// Sends an SSE comment so that connections to closed tabs fail and are dropped.
    func heartbeat() {
        lock.lock()
        let targets = Array(subscribers.values)
        lock.unlock()
        for continuation in targets { continuation.yield(Array(": keep-alive\n\n".utf8)) }
    }

    var subscriberCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return subscribers.count
    }

    /// A new event stream that starts with the current status.
    func subscribe() -> EventStream {
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingNewest(16))
        lock.lock()
        let id = nextID
        nextID += 1
        if closed {
            continuation.finish()
        } else {
            subscribers[id] = continuation
        }
        let first = current
        lock.unlock()
        // `retry` makes the browser reconnect within a second after the server restarts.
        continuation.yield(Array("retry: 1000\n\n".utf8) + Self.event(first))
        return EventStream(stream: stream, unsubscribe: { [weak self] in self?.remove(id) })
    }

    private func remove(_ id: Int) {
        lock.lock()
        let continuation = subscribers.removeValue(forKey: id)
        lock.unlock()
        continuation?.finish()
    }

    /// Ends every stream, so open connections close and the server can stop.
    func close() {
        lock.lock()
        closed = true
        let targets = Array(subscribers.values)
        subscribers = [:]
        lock.unlock()
        for continuation in targets { continuation.finish() }
    }

    static func event(_ status: BuildStatus) -> [UInt8] {
        Array("event: build\ndata: \(status.json)\n\n".utf8)
    }
}
