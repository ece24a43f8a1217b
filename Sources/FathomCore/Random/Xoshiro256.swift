#if canImport(Glibc)
import Glibc
#endif

/// xoshiro256** 1.0 (Blackman & Vigna 2018), seeded through SplitMix64.
///
/// Every random builtin draws from one of these: the session's generator (seeded by `--seed`,
/// default 0) or a fresh one when the call passes `seed=`. The stream depends only on the seed
/// and on this file, never on the Swift standard library's algorithms, so a script prints the
/// same bytes on every machine and every toolchain.
public struct Xoshiro256: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose state is four SplitMix64 outputs from `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    @inlinable
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = Xoshiro256.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = Xoshiro256.rotl(s3, 45)
        return result
    }

    /// Uniform on [0, 1): the top 53 bits scaled by 2⁻⁵³.
    @inlinable
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform integer in 0..<bound (Lemire 2019, nearly divisionless, unbiased).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// A generator for an independent stream: used to give each parallel worker its own.
    public mutating func split() -> Xoshiro256 { Xoshiro256(seed: next()) }

    /// Fills `buffer` with standard normal draws (Box–Muller on pairs of uniforms). Polls
    /// ``Interruption`` every 2²⁰ values.
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Double>) throws {
        let n = buffer.count
        var i = 0
        while i < n {
            if i & 0xFFFFF == 0 { try Interruption.check() }
            // u1 in (0, 1] so that log(u1) is finite.
            let u1 = Double((next() >> 11) + 1) * 0x1.0p-53
            let u2 = nextUniform()
            let r = (-2 * log(u1)).squareRoot()
            let angle = 2 * Double.pi * u2
            buffer[i] = r * cos(angle)
            if i + 1 < n { buffer[i + 1] = r * sin(angle) }
            i += 2
        }
    }

    /// Fills `buffer` with uniform draws on [0, 1). Polls ``Interruption`` every 2²⁰ values.
    public mutating func fillUniform(_ buffer: UnsafeMutableBufferPointer<Double>) throws {
        for i in 0..<buffer.count {
            if i & 0xFFFFF == 0 { try Interruption.check() }
            buffer[i] = nextUniform()
        }
    }

    /// `k` distinct indices from 0..<n in random order (a partial Fisher–Yates shuffle).
    public mutating func sampleIndices(_ n: Int, _ k: Int) throws -> [Int] {
        precondition(k >= 0 && k <= n)
        var pool = Array(0..<n)
        for i in 0..<k {
            if i & 0xFFFFF == 0 { try Interruption.check() }
            let j = i + nextInt(below: n - i)
            pool.swapAt(i, j)
        }
        return Array(pool[0..<k])
    }

    /// `k` indices from 0..<n drawn with replacement.
    public mutating func sampleIndicesWithReplacement(_ n: Int, _ k: Int) throws -> [Int] {
        precondition(k >= 0 && (n > 0 || k == 0))
        var out = [Int](repeating: 0, count: k)
        for i in 0..<k {
            if i & 0xFFFFF == 0 { try Interruption.check() }
            out[i] = nextInt(below: n)
        }
        return out
    }
}
