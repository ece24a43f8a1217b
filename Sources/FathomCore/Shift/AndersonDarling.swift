#if canImport(Glibc)
import Glibc
#endif

/// The k-sample Anderson–Darling test of Scholz & Stephens (1987), as scipy's
/// `anderson_ksamp` with midranks: the standardised statistic, the critical values at
/// 25 %, 10 %, 5 %, 2.5 %, 1 %, 0.5 % and 0.1 %, and the p-value interpolated through them
/// (a quadratic in the statistic fitted to log significance), capped to [0.001, 0.25].
public enum AndersonDarling {
    public static let levels = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001]

    public struct Result: Sendable {
        public var statistic: Double
        public var critical: [Double]
        public var pvalue: Double
        /// "capped" when the true p-value is above 0.25, "floored" when below 0.001.
        public var bound: String?
    }

    /// At least two samples, each non-empty, with at least two distinct values in all.
    public static func kSample(_ samples: [[Double]]) -> Result {
        let k = samples.count
        let z = Sorting.ascending(samples.flatMap { $0 })
        let bigN = z.count
        var distinct: [Double] = []
        for v in z where distinct.last != v { distinct.append(v) }
        // On Ctrl-C the loops below stop early (the interpreter discards the result).
        if Interruption.isRequested { distinct.removeAll() }
        let sizes = samples.map { Double($0.count) }
        let nd = Double(bigN)
        // Midrank statistic A²akN (Scholz & Stephens eq. 7).
        let left = distinct.map { SortedSearch.lowerBound(z, $0) }
        let counts = distinct.indices.map { SortedSearch.upperBound(z, distinct[$0]) - left[$0] }
        var a2 = 0.0
        for (s, sample) in samples.enumerated() {
            let sorted = Sorting.ascending(sample)
            var inner = 0.0
            for j in distinct.indices {
                if j & 0xFFFF == 0 && Interruption.isRequested { break }
                let lj = bigN == distinct.count ? 1.0 : Double(counts[j])
                let bj = Double(left[j]) + lj / 2
                let right = SortedSearch.upperBound(sorted, distinct[j])
                let f = right - SortedSearch.lowerBound(sorted, distinct[j])
                let mij = Double(right) - Double(f) / 2
                let numerator = nd * mij - bj * sizes[s]
                inner += lj / nd * numerator * numerator / (bj * (nd - bj) - nd * lj / 4)
            }
            a2 += inner / sizes[s]
        }
        a2 *= (nd - 1) / nd

        // Standardisation (Scholz & Stephens eq. 4 and the variance that follows it).
        let h0 = sizes.reduce(0) { $0 + 1 / $1 }
        var hsCumulative: [Double] = []
        var running = 0.0
        if bigN >= 3 {
            for i in stride(from: bigN - 1, to: 1, by: -1) {
                if i & 0xFFFF == 0 && Interruption.isRequested { break }
                running += 1 / Double(i)
                hsCumulative.append(running)
            }
        }
        let h = (hsCumulative.last ?? 0) + 1
        var g = 0.0
        for (idx, v) in hsCumulative.enumerated() { g += v / Double(idx + 2) }
        let kd = Double(k)
        let a = (4 * g - 6) * (kd - 1) + (10 - 6 * g) * h0
        let b = (2 * g - 4) * kd * kd + 8 * h * kd + (2 * g - 14 * h - 4) * h0 - 8 * h + 4 * g - 6
        let c = (6 * h + 2 * g - 2) * kd * kd + (4 * h - 4 * g + 6) * kd + (2 * h - 6) * h0 + 4 * h
        let d = (2 * h + 6) * kd * kd - 4 * h * kd
        let sigmaSquared = (a * nd * nd * nd + b * nd * nd + c * nd + d) / ((nd - 1) * (nd - 2) * (nd - 3))
        let m = kd - 1
        let statistic = (a2 - m) / sigmaSquared.squareRoot()

        let b0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085]
        let b1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615]
        let b2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154]
        let critical = (0..<7).map { b0[$0] + b1[$0] / m.squareRoot() + b2[$0] / m }
        if statistic < critical.min()! { return Result(statistic: statistic, critical: critical, pvalue: 0.25, bound: "capped") }
        if statistic > critical.max()! { return Result(statistic: statistic, critical: critical, pvalue: 0.001, bound: "floored") }
        let coefficients = quadraticFit(critical, levels.map { log($0) })
        let p = exp(coefficients.0 * statistic * statistic + coefficients.1 * statistic + coefficients.2)
        return Result(statistic: statistic, critical: critical, pvalue: p, bound: nil)
    }

    /// Least-squares y ≈ c₂x² + c₁x + c₀ (numpy.polyfit(x, y, 2)), by QR of the scaled
    /// Vandermonde matrix for accuracy.
    static func quadraticFit(_ x: [Double], _ y: [Double]) -> (Double, Double, Double) {
        let n = x.count
        // Columns x², x, 1, each scaled to unit norm as polyfit does.
        var cols = [x.map { $0 * $0 }, x, [Double](repeating: 1, count: n)]
        let scale = cols.map { c in c.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        for j in 0..<3 { cols[j] = cols[j].map { $0 / scale[j] } }
        // Modified Gram–Schmidt QR.
        var q = cols
        var r = [[Double]](repeating: [0, 0, 0], count: 3)
        for j in 0..<3 {
            for i in 0..<j {
                let dot = zip(q[i], q[j]).reduce(0) { $0 + $1.0 * $1.1 }
                r[i][j] = dot
                q[j] = zip(q[j], q[i]).map { $0 - dot * $1 }
            }
            let norm = q[j].reduce(0) { $0 + $1 * $1 }.squareRoot()
            r[j][j] = norm
            q[j] = q[j].map { $0 / norm }
        }
        let qty = (0..<3).map { j in zip(q[j], y).reduce(0) { $0 + $1.0 * $1.1 } }
        var beta = [0.0, 0, 0]
        for i in stride(from: 2, through: 0, by: -1) {
            var s = qty[i]
            for j in (i + 1)..<3 { s -= r[i][j] * beta[j] }
            beta[i] = s / r[i][i]
        }
        return (beta[0] / scale[0], beta[1] / scale[1], beta[2] / scale[2])
    }
}

/// Binary search in sorted values, as numpy.searchsorted.
public enum SortedSearch {
    /// First index with x[i] ≥ v (searchsorted side="left").
    public static func lowerBound(_ x: [Double], _ v: Double) -> Int {
        var lo = 0, hi = x.count
        while lo < hi { let mid = (lo + hi) / 2; if x[mid] < v { lo = mid + 1 } else { hi = mid } }
        return lo
    }

    /// First index with x[i] > v (searchsorted side="right").
    public static func upperBound(_ x: [Double], _ v: Double) -> Int {
        var lo = 0, hi = x.count
        while lo < hi { let mid = (lo + hi) / 2; if x[mid] <= v { lo = mid + 1 } else { hi = mid } }
        return lo
    }
}
