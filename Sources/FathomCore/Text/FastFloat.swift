#if canImport(Glibc)
import Glibc
#endif

/// Decimal text to the nearest double, correctly rounded, fast enough for large CSV files.
///
/// Numbers with at most 19 significant digits take Clinger's exact fast path when the
/// mantissa and the power of ten are both exactly representable, and otherwise the
/// Eisel–Lemire algorithm (Lemire 2021, "Number parsing at a gigabyte per second"; with
/// Mushtak & Lemire's proof that the 128-bit product needs no fallback). Longer mantissas
/// fall back to `strtod`. Every path returns the double nearest the decimal value, ties to
/// even, as `strtod` does.
public enum FastFloat {
    static let exactPowersOfTen: [Double] = (0...22).map { i in
        var x = 1.0
        for _ in 0..<i { x *= 10 }
        return x
    }

    /// The number spelled by `count` bytes at `p` (optional sign, digits with an optional
    /// point, optional exponent; also `inf`, `infinity` and `nan` in any case), or nil when
    /// the bytes are not exactly a number.
    public static func parse(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        var i = 0
        let n = count
        guard n > 0 else { return nil }
        var negative = false
        if p[0] == UInt8(ascii: "-") { negative = true; i = 1 } else if p[0] == UInt8(ascii: "+") { i = 1 }
        var w: UInt64 = 0
        var digits = 0
        var q = 0
        var sawDigit = false
        var truncated = false
        // Leading zeros of the integer part carry no digits.
        while i < n, p[i] == UInt8(ascii: "0") { i += 1; sawDigit = true }
        while i < n {
            let d = p[i] &- 48
            if d > 9 { break }
            sawDigit = true
            if digits < 19 {
                w = w &* 10 &+ UInt64(d)
                digits += 1
            } else {
                q += 1
                if d != 0 { truncated = true }
            }
            i += 1
        }
        if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            if digits == 0 {
                // 0.000123: the zeros after the point only move the exponent.
                while i < n, p[i] == UInt8(ascii: "0") { i += 1; q -= 1; sawDigit = true }
            }
            // Eight digits at a time while they fit in the 19 significant digits.
            while digits + 8 <= 19, i + 8 <= n {
                let chunk = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                guard FastFloat.isEightDigits(chunk) else { break }
                w = w &* 100_000_000 &+ FastFloat.eightDigits(chunk)
                digits += w == 0 ? 0 : 8
                q -= 8
                i += 8
                sawDigit = true
            }
            while i < n {
                let d = p[i] &- 48
                if d > 9 { break }
                sawDigit = true
                if digits < 19 {
                    if w != 0 || d != 0 { digits += 1 }
                    w = w &* 10 &+ UInt64(d)
                    q -= 1
                } else if d != 0 {
                    truncated = true
                }
                i += 1
            }
        }
        guard sawDigit else { return special(p, n, i, negative) }
        if i < n, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < n, p[i] == UInt8(ascii: "-") { expNegative = true; i += 1 } else if i < n, p[i] == UInt8(ascii: "+") { i += 1 }
            var e = 0
            var expDigits = 0
            while i < n {
                let d = p[i] &- 48
                if d > 9 { break }
                if e < 100_000 { e = e * 10 + Int(d) }
                expDigits += 1
                i += 1
            }
            guard expDigits > 0 else { return nil }
            q += expNegative ? -e : e
        }
        guard i == n else { return nil }
        if w == 0 { return negative ? -0.0 : 0.0 }
        if truncated { return fallback(p, n) }
        let magnitude: Double
        if w <= 1 << 53, q >= -22, q <= 22 {
            let m = Double(w)
            magnitude = q >= 0 ? m * exactPowersOfTen[q] : m / exactPowersOfTen[-q]
        } else {
            magnitude = eiselLemire(w, q)
        }
        return negative ? -magnitude : magnitude
    }

    /// Whether the eight bytes (little-endian) are all ASCII digits.
    @inline(__always)
    static func isEightDigits(_ v: UInt64) -> Bool {
        ((v & 0xF0F0_F0F0_F0F0_F0F0) | (((v &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4)) == 0x3333_3333_3333_3333
    }

    /// The value of eight ASCII digits (little-endian, first digit in the lowest byte).
    @inline(__always)
    static func eightDigits(_ v0: UInt64) -> UInt64 {
        var v = v0 & 0x0F0F_0F0F_0F0F_0F0F
        v = (v &* 10) &+ (v >> 8)
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        let mul1: UInt64 = 0x000F_4240_0000_0064  // 100 + (1_000_000 << 32)
        let mul2: UInt64 = 0x0000_2710_0000_0001  // 1 + (10_000 << 32)
        let low = (v & mask) &* mul1
        let high = ((v >> 16) & mask) &* mul2
        return ((low &+ high) >> 32) & 0xFFFF_FFFF
    }

    private static func special(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int, _ negative: Bool) -> Double? {
        let rest = n - start
        func matches(_ word: StaticString) -> Bool {
            guard rest == word.utf8CodeUnitCount else { return false }
            let w = word.utf8Start
            for k in 0..<rest where p[start + k] | 0x20 != w[k] { return false }
            return true
        }
        if matches("inf") || matches("infinity") { return negative ? -.infinity : .infinity }
        if matches("nan") { return .nan }
        return nil
    }

    private static func fallback(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double {
        var buffer = [CChar](repeating: 0, count: n + 1)
        for k in 0..<n { buffer[k] = CChar(bitPattern: p[k]) }
        return strtod(buffer, nil)
    }

    /// w · 10^q for w ≠ 0 with at most 19 digits, correctly rounded (positive).
    static func eiselLemire(_ w0: UInt64, _ q: Int) -> Double {
        if q < -342 { return 0 }
        if q > 308 { return .infinity }
        let lz = w0.leadingZeroBitCount
        let w = w0 << UInt64(lz)
        let index = 2 * (q + 342)
        var product = w.multipliedFullWidth(by: powersOfFive128[index])
        var high = product.high
        var low = product.low
        let precisionMask: UInt64 = 0xFFFF_FFFF_FFFF_FFFF >> 55
        if high & precisionMask == precisionMask {
            let second = w.multipliedFullWidth(by: powersOfFive128[index + 1])
            low = low &+ second.high
            if second.high > low { high &+= 1 }
        }
        product = (high, low)
        let upperbit = Int(high >> 63)
        let shift = upperbit + 64 - 52 - 3
        var mantissa = high >> UInt64(shift)
        var power2 = (((152_170 + 65_536) * q) >> 16) + 63 + upperbit - lz + 1023
        if power2 <= 0 {
            if -power2 + 1 >= 64 { return 0 }
            mantissa >>= UInt64(-power2 + 1)
            mantissa += mantissa & 1
            mantissa >>= 1
            power2 = mantissa < (1 << 52) ? 0 : 1
            return Double(bitPattern: UInt64(power2) << 52 | (mantissa & ((1 << 52) - 1)))
        }
        if low <= 1, q >= -4, q <= 23, mantissa & 3 == 1 {
            if mantissa << UInt64(shift) == high { mantissa &= ~1 }
        }
        mantissa += mantissa & 1
        mantissa >>= 1
        if mantissa >= 2 << 52 {
            mantissa = 1 << 52
            power2 += 1
        }
        mantissa &= ~(1 << 52)
        if power2 >= 0x7FF { return .infinity }
        return Double(bitPattern: UInt64(power2) << 52 | mantissa)
    }

    /// Convenience for tests and small inputs.
    public static func parse(_ s: String) -> Double? {
        var s = s
        return s.withUTF8 { buf in
            guard let base = buf.baseAddress else { return nil }
            return parse(base, buf.count)
        }
    }
}
