import FlyingFox
import FlyingSocks
import Foundation

/// The `--host` of `roster serve`: an IPv4 or IPv6 address (or `localhost`).
struct ListenAddress: Sendable {
    enum Family: Sendable { case ipv4, ipv6 }

    let family: Family
    /// The numeric address to bind.
    let ip: String

    init?(_ host: String) {
        var text = host.trimmingCharacters(in: .whitespaces)
        if text.lowercased() == "localhost" { text = "127.0.0.1" }
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            family = .ipv4
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            family = .ipv6
        } else {
            return nil
        }
        ip = text
    }

    var isLoopback: Bool {
        switch family {
        case .ipv4: ip.hasPrefix("127.")
        case .ipv6: ip == "::1"
        }
    }

    /// Listening on every interface (`0.0.0.0` or `::`).
    var isWildcard: Bool { ip == "0.0.0.0" || ip == "::" }

    /// The host to put in URLs opened on this computer.
    var browserHost: String {
        switch family {
        case .ipv4: ip == "0.0.0.0" ? "127.0.0.1" : ip
        case .ipv6: ip == "::" ? "[::1]" : "[\(ip)]"
        }
    }

    func makeServer(port: UInt16, handler: some HTTPHandler) throws -> HTTPServer {
        switch family {
        case .ipv4: HTTPServer(address: try .inet(ip4: ip, port: port), timeout: 30, logger: .disabled, handler: handler)
        case .ipv6: HTTPServer(address: try .inet6(ip6: ip, port: port), timeout: 30, logger: .disabled, handler: handler)
        }
    }

    /// This computer's IPv4 addresses other than loopback, for phones on the same network.
    static func networkIPv4Addresses() -> [String] {
        var first: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&first) == 0 else { return [] }
        defer { freeifaddrs(first) }
        var result: [String] = []
        var cursor = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let addr = entry.pointee.ifa_addr, addr.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard getnameinfo(addr, socklen_t(MemoryLayout<sockaddr_in>.size), &host, socklen_t(host.count), nil, 0,
                              NI_NUMERICHOST) == 0 else { continue }
            let ip = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !ip.hasPrefix("127."), !result.contains(ip) { result.append(ip) }
        }
        return result
    }
}
