import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately dumb HTTP/1.1 client over a plain socket: it sends the request target byte for byte
/// (no normalising of `..` or `%2e` as URL libraries do), so tests can try the attacks a browser would never send.
enum RawHTTP {
    struct Response {
        var status: Int
        /// Header names in lower case.
        var headers: [String: String]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Sends `METHOD target HTTP/1.1` to 127.0.0.1:`port` and reads the whole response (the connection is closed after it).
    ///
    /// The socket calls block, so they run on a thread of their own: blocking the test's task would starve the
    /// concurrency pool the server itself runs on.
    static func request(_ port: UInt16, _ target: String, method: String = "GET", host: String? = nil,
                        timeout: Double = 5) async throws -> Response {
        try await offPool { try blockingRequest(port, target, method: method, host: host ?? "127.0.0.1:\(port)", timeout: timeout) }
    }

    static func get(_ port: UInt16, _ target: String) async throws -> Response { try await request(port, target) }

    /// Runs blocking work on a new thread and waits for it without holding a concurrency thread.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    private static func blockingRequest(_ port: UInt16, _ target: String, method: String, host: String,
                                        timeout: Double) throws -> Response {
        let socket = try Connection(port: port, timeout: timeout)
        defer { socket.close() }
        try socket.send("\(method) \(target) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
        var data = Data()
        while let chunk = try socket.receive() { data.append(chunk) }
        guard let split = data.range(of: Data("\r\n\r\n".utf8)) else { throw Failure(description: "no header end in \(data.count) bytes") }
        let head = String(decoding: data[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure(description: "bad status line \(head[0])") }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(data[split.upperBound...])
        if headers["transfer-encoding"] == "chunked" { body = dechunk(body) }
        return Response(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ data: Data) -> Data {
        var out = Data()
        var rest = data[...]
        while let lineEnd = rest.range(of: Data("\r\n".utf8)),
              let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16), size > 0 {
            let start = lineEnd.upperBound
            let end = rest.index(start, offsetBy: size, limitedBy: rest.endIndex) ?? rest.endIndex
            out.append(rest[start..<end])
            rest = rest[min(rest.endIndex, end + 2)...]
        }
        return out
    }

    /// A Server-Sent Events connection, read event by event.
    final class EventStream: @unchecked Sendable {
        private let socket: Connection
        private var buffer = ""

        init(port: UInt16, path: String = "/__roster/events", timeout: Double = 10) throws {
            socket = try Connection(port: port, timeout: timeout)
            try socket.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n\r\n")
        }

        deinit { socket.close() }

        /// The `data:` of the next `build` event (JSON), or nil when the stream ends.
        func nextBuild() async throws -> [String: Any]? {
            try await offPool { try self.blockingNextBuild().map(JSONBox.init) }?.value
        }

        private func blockingNextBuild() throws -> [String: Any]? {
            while true {
                if let range = buffer.range(of: "event: build\ndata: "), let end = buffer[range.upperBound...].firstIndex(of: "\n") {
                    let json = String(buffer[range.upperBound..<end])
                    buffer = String(buffer[end...])
                    return try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
                }
                guard let chunk = try socket.receive() else { return nil }
                buffer += String(decoding: chunk, as: UTF8.self)
            }
        }
    }

    struct JSONBox: @unchecked Sendable {
        let value: [String: Any]
    }

    final class Connection: @unchecked Sendable {
        private let fd: Int32

        init(port: UInt16, timeout: Double) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket() failed") }
            var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard result == 0 else {
                Glibc.close(fd)
                throw Failure(description: "connect to port \(port) failed: errno \(errno)")
            }
        }

        func send(_ text: String) throws {
            let bytes = Array(text.utf8)
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent == bytes.count else { throw Failure(description: "send failed") }
        }

        /// The next bytes, or nil at the end of the stream; throws on timeout.
        func receive() throws -> Data? {
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { return nil }
            guard count > 0 else { throw Failure(description: "receive failed or timed out (errno \(errno))") }
            return Data(buffer[0..<count])
        }

        func close() { Glibc.close(fd) }
    }
}

/// Polls `condition` until it holds or `seconds` pass; returns whether it held.
func eventually(within seconds: Double = 10, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(nanoseconds: 20_000_000)
    }
    return try await condition()
}
