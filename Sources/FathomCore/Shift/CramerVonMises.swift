#if canImport(Glibc)
import Glibc
#endif

/// The two-sample Cramér–von Mises test as scipy's `cramervonmises_2samp(method="auto")`:
/// T from the midranks of the pooled sample (Anderson 1962); the p-value exact (by
/// enumeration, Xiao, Gordon & Yakovlev 2006) when both samples have at most 20 values, else
/// from the limiting distribution of the normalised statistic (Csörgő & Faraway 1996).
public enum CramerVonMises {
    public static let exactLimit = 20

    public static func twoSample(_ x: [Double], _ y: [Double]) -> (statistic: Double, pvalue: Double, exact: Bool) {
        let nx = x.count, ny = y.count
        let pooled = Sorting.ascending(x) + Sorting.ascending(y)
        let ranks = Ranks.average(pooled)
        var ux = 0.0, uy = 0.0
        for i in 0..<nx { let d = ranks[i] - Double(i + 1); ux += d * d }
        for i in 0..<ny { let d = ranks[nx + i] - Double(i + 1); uy += d * d }
        let u = Double(nx) * ux + Double(ny) * uy
        let k = Double(nx * ny), n = Double(nx + ny)
        let t = u / (k * n) - (4 * k - 1) / (6 * n)
        if max(nx, ny) <= exactLimit {
            return (t, exactPValue(u: u, m: nx, n: ny), true)
        }
        // Expected value and variance of T (Anderson 1962, eq. 11 and 14).
        let et = (1 + 1 / n) / 6
        var vt = (n + 1) * (4 * k * n - 3 * (Double(nx * nx) + Double(ny * ny)) - 2 * k)
        vt = vt / (45 * n * n * 4 * k)
        let tn = 1.0 / 6 + (t - et) / (45 * vt).squareRoot()
        let p = tn < 0.003 ? 1 : max(0, 1 - limitingCDF(tn))
        return (t, p, false)
    }

    /// The CDF of the one-sample Cramér–von Mises statistic for infinite n (Csörgő & Faraway
    /// 1996, eq. 1.2, as scipy's `_cdf_cvm_inf`: terms until one is below 1e-7).
    public static func limitingCDF(_ x: Double) -> Double {
        var total = 0.0
        var k = 0
        while true {
            let u = exp(SpecialFunctions.logGamma(Double(k) + 0.5) - SpecialFunctions.logGamma(Double(k) + 1)) / (pow(Double.pi, 1.5) * x.squareRoot())
            let y = Double(4 * k + 1)
            let q = y * y / (16 * x)
            let term = u * y.squareRoot() * exp(-q) * SpecialFunctions.besselK(0.25, q)
            total += term
            if abs(term) < 1e-7 || k > 1000 { break }
            k += 1
        }
        return total
    }

    /// The exact p-value P(U ≥ u) by counting, over all C(m + n, m) splits of the ranks, the
    /// values of ζ = Σ (a·v − b·u)² along the lattice path (Xiao et al. 2006, algorithm 1), as
    /// scipy's `_pval_cvm_2samp_exact`.
    static func exactPValue(u s: Double, m: Int, n: Int) -> Double {
        let g = KolmogorovSmirnov.gcd(m, n)
        let lcm = m / g * n
        let a = lcm / m, b = lcm / n
        let mn = m * n
        // ζ from U (integer arithmetic, as scipy's floor division).
        let numerator = Double(lcm * lcm * (m + n)) * (6 * s - Double(mn * (4 * mn - 1)))
        let zeta = (numerator / Double(6 * mn * mn)).rounded(.down)
        // gs[v]: a map from partial ζ to the number of paths reaching (u, v).
        var gs: [[Int: UInt64]] = [[0: 1]] + Array(repeating: [:], count: m)
        for uu in 0...n {
            var next: [[Int: UInt64]] = []
            var tmp: [Int: UInt64] = [:]
            for v in 0...m {
                for (value, count) in gs[v] { tmp[value, default: 0] += count }
                let res = (a * v - b * uu) * (a * v - b * uu)
                var shifted: [Int: UInt64] = [:]
                shifted.reserveCapacity(tmp.count)
                for (value, count) in tmp { shifted[value + res] = count }
                tmp = shifted
                next.append(tmp)
            }
            gs = next
        }
        var hits: UInt64 = 0, total: UInt64 = 0
        for (value, count) in gs[m] {
            total += count
            if Double(value) >= zeta { hits += count }
        }
        return Double(hits) / Double(total)
    }
}

/// Ranks with ties averaged (scipy's `rankdata(method="average")`), 1-based.
public enum Ranks {
    public static func average(_ x: [Double]) -> [Double] {
        let order = Sorting.order(x)
        var ranks = [Double](repeating: 0, count: x.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
            let r = Double(i + j + 2) / 2
            for k in i...j { ranks[order[k]] = r }
            i = j + 1
        }
        return ranks
    }
}
