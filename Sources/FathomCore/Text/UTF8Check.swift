/// Where a byte range stops being UTF-8 text.
public enum UTF8Check {
    public enum Problem: Equatable, Sendable {
        /// Not UTF-8 at this offset.
        case invalid(Int)
        /// A NUL byte at this offset: binary data, not text.
        case nul(Int)
    }

    /// The first invalid UTF-8 sequence or NUL byte in base[from..<to], or nil. ASCII is
    /// checked eight bytes at a time.
    public static func firstProblem(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Problem? {
        var i = from
        while i < to {
            if i + 8 <= to {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                // No high bit set and no zero byte: eight ASCII characters.
                let hasZero = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
                if word & 0x8080_8080_8080_8080 == 0, hasZero == 0 { i += 8; continue }
            }
            let b = base[i]
            if b == 0 { return .nul(i) }
            if b < 0x80 { i += 1; continue }
            let len: Int
            if b >> 5 == 0b110, b >= 0xC2 { len = 2 }
            else if b >> 4 == 0b1110 { len = 3 }
            else if b >> 3 == 0b11110, b <= 0xF4 { len = 4 }
            else { return .invalid(i) }
            if i + len > to { return .invalid(i) }
            for k in 1..<len where base[i + k] >> 6 != 0b10 { return .invalid(i) }
            if len == 3 {
                let v = (UInt32(b & 0x0F) << 12) | (UInt32(base[i + 1] & 0x3F) << 6)
                if v < 0x800 || (v >= 0xD800 && v <= 0xDFFF) { return .invalid(i) }
            } else if len == 4 {
                let v = (UInt32(b & 0x07) << 18) | (UInt32(base[i + 1] & 0x3F) << 12)
                if v < 0x10000 || v > 0x10FFFF { return .invalid(i) }
            }
            i += len
        }
        return nil
    }
}
