#if canImport(Glibc)
import Glibc
#endif

/// The two-sample Kolmogorov–Smirnov test, two-sided, as scipy's `ks_2samp(method="auto")`:
/// D = sup |F_a − F_b|; the p-value exact (Hodges' lattice-path count, in Viehmann's stable
/// form, or the closed form for equal sizes) when both samples have at most 10 000 values,
/// otherwise from the one-sample distribution `kstwo` at n = round(mn/(m + n)).
public struct TwoSampleKS: Sendable {
    public var statistic: Double
    public var pvalue: Double
    /// Where the largest gap is (a value of the pooled sample) and which way it goes: +1 when
    /// F_a is above F_b there.
    public var location: Double
    public var sign: Int
    /// Whether the p-value is exact.
    public var exact: Bool
    public var sizes: (Int, Int)
}

public enum KolmogorovSmirnov {
    /// The largest size for which the p-value is exact (scipy's MAX_AUTO_N).
    public static let exactLimit = 10_000

    /// Both samples must be non-empty and free of NaN.
    public static func twoSample(_ a: [Double], _ b: [Double]) -> TwoSampleKS {
        precondition(!a.isEmpty && !b.isEmpty)
        let (x, y) = sortedPair(a, b)
        let n1 = x.count, n2 = y.count
        let d1 = Double(n1), d2 = Double(n2)
        // Walk the pooled values in order; after all copies of a value v, c1 = #{a ≤ v} and
        // c2 = #{b ≤ v}. scipy takes the first maximiser in [sorted a, sorted b] order: the
        // smallest a-value attaining it, else the smallest b-value.
        var i = 0, j = 0
        var maxA = -Double.infinity, maxALoc = Double.nan, maxB = -Double.infinity, maxBLoc = Double.nan
        var minA = Double.infinity, minALoc = Double.nan, minB = Double.infinity, minBLoc = Double.nan
        x.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in
                while i < n1 || j < n2 {
                    let v = j >= n2 || (i < n1 && xs[i] <= ys[j]) ? xs[i] : ys[j]
                    let inA = i < n1 && xs[i] == v, inB = j < n2 && ys[j] == v
                    while i < n1 && xs[i] == v { i += 1 }
                    while j < n2 && ys[j] == v { j += 1 }
                    let diff = Double(i) / d1 - Double(j) / d2
                    if inA {
                        if diff > maxA { maxA = diff; maxALoc = v }
                        if diff < minA { minA = diff; minALoc = v }
                    }
                    if inB {
                        if diff > maxB { maxB = diff; maxBLoc = v }
                        if diff < minB { minB = diff; minBLoc = v }
                    }
                }
            }
        }
        let maxS = max(maxA, maxB), maxLoc = maxA >= maxB ? maxALoc : maxBLoc
        let minDiff = min(minA, minB), minLoc = minA <= minB ? minALoc : minBLoc
        let minS = min(1, max(0, -minDiff))
        var d: Double, location: Double, sign: Int
        if minS > maxS { (d, location, sign) = (minS, minLoc, -1) } else { (d, location, sign) = (maxS, maxLoc, 1) }

        var p = -Double.infinity
        var exact = false
        if max(n1, n2) <= exactLimit {
            let g = gcd(n1, n2)
            let lcm = (n1 / g) * n2
            let h = Int((d * Double(lcm)).rounded(.toNearestOrEven))
            d = Double(h) / Double(lcm)
            if h == 0 {
                p = 1
                exact = true
            } else {
                let q = n1 == n2 ? outsideSquare(n: n1, h: h) : outsideInside(m: n1, n: n2, g: g, h: h)
                if q >= 0 && q <= 1 { p = q; exact = true }
            }
        }
        if !exact {
            let (m, n) = (max(d1, d2), min(d1, d2))
            let en = m * n / (m + n)
            p = KolmogorovDistribution.survival(n: Int(en.rounded(.toNearestOrEven)), x: d)
        }
        return TwoSampleKS(statistic: d, pvalue: min(1, max(0, p)), location: location, sign: sign, exact: exact, sizes: (n1, n2))
    }

    /// Both samples sorted (each on all threads when it is large).
    static func sortedPair(_ a: [Double], _ b: [Double]) -> ([Double], [Double]) {
        (Sorting.ascending(a), Sorting.ascending(b))
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    /// P(D_{n,n} ≥ h/n) for equal sizes (scipy's `_compute_prob_outside_square`).
    static func outsideSquare(n: Int, h: Int) -> Double {
        var p = 0.0
        var k = n / h
        while k >= 0 {
            var p1 = 1.0
            for j in 0..<h {
                p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1)
            }
            p = p1 * (1 - p)
            k -= 1
        }
        return 2 * p
    }

    /// The share of lattice paths from (0, 0) to (m, n) that leave the band
    /// |x/m − y/n| < h/lcm(m, n) (scipy's `_compute_outer_prob_inside_method`, Hodges' inside
    /// method with Viehmann's recursion for 1 − p).
    static func outsideInside(m mIn: Int, n nIn: Int, g: Int, h: Int) -> Double {
        let (m, n) = mIn >= nIn ? (mIn, nIn) : (nIn, mIn)
        let mg = m / g, ng = n / g
        func ceilDiv(_ a: Int, _ b: Int) -> Int { Int((Double(a) / Double(b)).rounded(.up)) }
        func floorDiv(_ a: Int, _ b: Int) -> Int { Int((Double(a) / Double(b)).rounded(.down)) }
        var minj = 0, maxj = min(ceilDiv(h, mg), n + 1)
        var curlen = maxj - minj
        let lenA = min(2 * maxj + 2, n + 1)
        var a = [Double](repeating: 1, count: lenA)
        for q in minj..<maxj { a[q] = 0 }
        for i in 1...m {
            let lastminj = minj, lastlen = curlen
            minj = max(floorDiv(ng * i - h, mg) + 1, 0)
            minj = min(minj, n)
            maxj = min(ceilDiv(ng * i + h, mg), n + 1)
            if maxj <= minj { return 1 }
            var val = minj == 0 ? 0.0 : 1.0
            for jj in 0..<(maxj - minj) {
                let j = jj + minj
                val = (a[jj + minj - lastminj] * Double(i) + val * Double(j)) / Double(i + j)
                a[jj] = val
            }
            curlen = maxj - minj
            if lastlen > curlen {
                for q in (maxj - minj)..<min(lenA, maxj - minj + (lastlen - curlen)) { a[q] = 1 }
            }
        }
        return a[maxj - minj - 1]
    }
}
