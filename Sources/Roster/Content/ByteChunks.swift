/// Eight bytes at a time, as one 64-bit word, for the scans that pass over every byte of every file: a run of
/// bytes that holds nothing for them is stepped over a word at a time. Plain integer arithmetic rather than SIMD
/// vectors, which are slow in debug builds, where the tests run.
enum ByteWord {
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// A word with `byte` in each of its eight bytes.
    static func repeating(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    /// The high bit of each byte of `word` that is zero, and no other bit (exact: no carry crosses a byte).
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        ~(((word & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | word) & highBits
    }

    /// The high bit of each byte of `word` equal to the byte that `repeated` repeats.
    @inline(__always)
    static func bytes(_ word: UInt64, equalTo repeated: UInt64) -> UInt64 { zeroBytes(word ^ repeated) }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// The 8 bytes from `offset` (at most `count - 8`) as one word, the first byte lowest.
    @inline(__always)
    func word(at offset: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(baseAddress! + offset).loadUnaligned(as: UInt64.self))
    }
}
