import Foundation

/// A map from nonzero 64-bit keys to 32-bit values, by open addressing with linear probing.
///
/// The index builder looks terms up some forty million times on 20,000 cases; `Dictionary`'s seeded hashing, and
/// then the checks of `Array`, were most of that cost. So the table lives in memory it allocates itself: whoever
/// makes one calls `deallocate()` once it is done with it, and does not use copies of it after.
struct KeyTable {
    private var keys: UnsafeMutablePointer<UInt64>
    /// The value of each slot; `add` returns the slot.
    private(set) var values: UnsafeMutablePointer<UInt32>
    /// Slots in the order their keys were added (at most half the slots are ever used).
    private var order: UnsafeMutablePointer<Int32>
    private(set) var count = 0
    private var size: Int
    private var shift: UInt64

    init(capacity: Int = 512) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        self.size = size
        shift = UInt64(64 - size.trailingZeroBitCount)
        keys = .allocate(capacity: size)
        keys.initialize(repeating: 0, count: size)
        values = .allocate(capacity: size)
        values.initialize(repeating: 0, count: size)
        order = .allocate(capacity: size / 2)
    }

    func deallocate() {
        keys.deallocate()
        values.deallocate()
        order.deallocate()
    }

    /// Slots in the order their keys were added.
    var slots: UnsafeBufferPointer<Int32> { UnsafeBufferPointer(start: order, count: count) }

    /// The key in `slot`.
    func key(at slot: Int32) -> UInt64 { keys[Int(slot)] }

    /// The slot of `key`, added with value 0 if it was not there.
    @inline(__always)
    mutating func add(_ key: UInt64) -> Int {
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let found = keys[i]
            if found == key { return i }
            if found == 0 {
                if (count + 1) * 2 <= size { break }
                grow()
                i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
                continue
            }
            i = (i + 1) & (size - 1)
        }
        keys[i] = key
        order[count] = Int32(i)
        count += 1
        return i
    }

    /// The value of `key`, if it is there.
    @inline(__always)
    func value(_ key: UInt64) -> UInt32? {
        let mask = size - 1
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let found = keys[i]
            if found == key { return values[i] }
            if found == 0 { return nil }
            i = (i + 1) & mask
        }
    }

    /// Empties the table, keeping its size (one document's terms, then the next's).
    mutating func removeAll() {
        for n in 0..<count {
            let slot = Int(order[n])
            keys[slot] = 0
            values[slot] = 0
        }
        count = 0
    }

    private mutating func grow() {
        var bigger = KeyTable(capacity: size)
        for n in 0..<count {
            let slot = Int(order[n])
            let moved = bigger.add(keys[slot])
            bigger.values[moved] = values[slot]
        }
        deallocate()
        self = bigger
    }
}

/// A map from short byte strings (words, as UTF-8) to 32-bit values, keeping the bytes in one buffer.
struct WordTable {
    private var bytes: [UInt8] = []
    private var entries: [(hash: UInt64, start: Int, length: Int, value: UInt32)] = []
    private var slots = [Int32](repeating: -1, count: 256)

    var count: Int { entries.count }

    /// The value of `word`, or what `make` gives for a word not seen before (then remembered).
    mutating func value(_ word: UnsafeBufferPointer<UInt8>, orAdd make: () -> UInt32) -> UInt32 {
        let hash = WordTable.hash(word)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash >> 40) & mask
        while true {
            let entry = slots[i]
            if entry < 0 { break }
            let found = entries[Int(entry)]
            if found.hash == hash && found.length == word.count
                && bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress! + found.start, word.baseAddress!, word.count) == 0 }) {
                return found.value
            }
            i = (i + 1) & mask
        }
        let value = make()
        slots[i] = Int32(entries.count)
        entries.append((hash, bytes.count, word.count, value))
        bytes.append(contentsOf: word)
        if entries.count * 2 >= slots.count { grow() }
        return value
    }

    /// The bytes of the `n`-th word added.
    func word(_ n: Int) -> ArraySlice<UInt8> {
        let entry = entries[n]
        return bytes[entry.start..<(entry.start + entry.length)]
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (n, entry) in entries.enumerated() {
            var i = Int(truncatingIfNeeded: entry.hash >> 40) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(n)
        }
    }

    static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in word { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash &* 0x9E37_79B9_7F4A_7C15
    }
}

/// A 64-bit FNV-1a hash taken eight bytes at a time: names the index's version and its shard files.
struct SearchHash {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var i = 0
        while i + 8 <= bytes.count {
            value = (value ^ UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))) &* 0x100_0000_01b3
            i += 8
        }
        while i < bytes.count {
            value = (value ^ UInt64(bytes[i])) &* 0x100_0000_01b3
            i += 1
        }
    }

    mutating func add(_ bytes: [UInt8]) { bytes.withUnsafeBytes { add($0) } }

    mutating func add(_ number: UInt64) { withUnsafeBytes(of: number.littleEndian) { add($0) } }

    /// Sixteen hexadecimal digits.
    var hex: String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
