/// The small binary files a build keeps beside `Site/` for the next one (``SearchTermCache``, ``BodyFacts``):
/// written with ``ByteWriter``, read back with ``ByteReader``, and sealed with a hash of their content, so that a
/// damaged or half-written file is refused rather than trusted.

/// Reads part of a byte array front to back; every read is checked against the end and gives nil past it.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int, to end: Int) {
        self.bytes = bytes
        position = start
        self.end = end
    }

    var atEnd: Bool { position == end }

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= end - position else { return nil }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    mutating func varint() -> Int? {
        var value = 0, shift = 0
        while position < end, shift < 63 {
            let byte = bytes[position]
            position += 1
            value |= Int(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    mutating func fixed() -> UInt64? {
        guard let slice = take(8) else { return nil }
        return slice.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian
    }
}

extension ByteReader {
    /// Where the content of `bytes`, sealed by ``ByteWriter/seal(_:)``, ends; nil when the seal does not match it.
    static func sealedEnd(of bytes: [UInt8]) -> Int? {
        guard bytes.count >= 8 else { return nil }
        let end = bytes.count - 8
        var hash = SearchHash()
        bytes.withUnsafeBytes { hash.add(UnsafeRawBufferPointer(rebasing: $0[..<end])) }
        var tail = ByteReader(bytes, from: end, to: bytes.count)
        return tail.fixed() == hash.value ? end : nil
    }

    /// Text written by ``ByteWriter/lengthPrefixed(_:into:)``; nil unless it is UTF-8.
    mutating func text() -> String? {
        guard let count = varint(), let slice = take(count) else { return nil }
        // Through a buffer pointer: on an array slice the generic path looked up type metadata for every string
        // (a tenth of decoding 22,200 front matters).
        return slice.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) }
    }
}

/// Writes what ``ByteReader`` reads.
enum ByteWriter {
    /// Eight bytes, little-endian.
    static func fixed(_ value: UInt64, into out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    /// The length (a varint), then the bytes.
    static func lengthPrefixed(_ bytes: some Collection<UInt8>, into out: inout [UInt8]) {
        SearchIndex.putVarint(bytes.count, into: &out)
        out.append(contentsOf: bytes)
    }

    /// Appends a hash of everything written so far, which ``ByteReader/sealedEnd(of:)`` checks.
    static func seal(_ out: inout [UInt8]) {
        var hash = SearchHash()
        hash.add(out)
        fixed(hash.value, into: &out)
    }
}
