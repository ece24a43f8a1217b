#if canImport(Glibc)
import Glibc
#endif

/// The hypergeometric distribution: k successes in n draws without replacement from a
/// population of N with K successes.
public enum Hypergeometric {
    /// P(X ≥ k), scipy's `hypergeom.sf(k − 1, N, K, n)`: the one-sided Fisher exact p-value
    /// that a slice of n rows holding k of the population's K failures fails more often than
    /// the rest (`fisher_exact(..., alternative="greater")`). Summed in logs from k up, so
    /// tails far below the smallest double come out as 0 rather than NaN.
    public static func upperTail(_ k: Int, population N: Int, successes K: Int, draws n: Int) -> Double {
        precondition(N >= 0 && (0...N).contains(K) && (0...N).contains(n))
        let lo = max(0, n - (N - K)), hi = min(n, K)
        if k <= lo { return 1 }
        if k > hi { return 0 }
        // Terms pmf(x) for x = k…hi by the ratio pmf(x+1)/pmf(x), summed relative to the first.
        let first = logProbability(k, population: N, successes: K, draws: n)
        var logTerm = 0.0, largest = 0.0
        var sum = 1.0
        var x = k
        while x < hi {
            let ratio = (Double(K - x) * Double(n - x)) / (Double(x + 1) * Double(N - K - n + x + 1))
            logTerm += log(ratio)
            x += 1
            if logTerm > largest {
                // Rescale so the running sum stays near 1 while the terms still grow.
                sum = sum * exp(largest - logTerm) + 1
                largest = logTerm
            } else {
                let t = exp(logTerm - largest)
                sum += t
                if t < 1e-17 * sum { break }
            }
        }
        return min(1, exp(first + largest + log(sum)))
    }

    /// log P(X = x), by Loader's saddle-point form (as R's dhyper): three binomial densities
    /// written with Stirling's error and the deviance bd0, which keeps full relative precision
    /// where differences of log-gammas of populations of millions lose nine digits.
    public static func logProbability(_ x: Int, population N: Int, successes K: Int, draws n: Int) -> Double {
        let p = Double(n) / Double(N), q = Double(N - n) / Double(N)
        return logBinomialRaw(x, K, p, q) + logBinomialRaw(n - x, N - K, p, q) - logBinomialRaw(n, N, p, q)
    }

    /// log of the binomial density of x in n trials at p (q = 1 − p, given to keep precision).
    static func logBinomialRaw(_ x: Int, _ n: Int, _ p: Double, _ q: Double) -> Double {
        if p == 0 { return x == 0 ? 0 : -.infinity }
        if q == 0 { return x == n ? 0 : -.infinity }
        let nd = Double(n), xd = Double(x)
        if x == 0 {
            if n == 0 { return 0 }
            return p < 0.1 ? -deviance(nd, nd * q) - nd * p : nd * log(q)
        }
        if x == n { return q < 0.1 ? -deviance(nd, nd * p) - nd * q : nd * log(p) }
        if x < 0 || x > n { return -.infinity }
        let lc = stirlingError(n) - stirlingError(x) - stirlingError(n - x) - deviance(xd, nd * p) - deviance(nd - xd, nd * q)
        let lf = log(2 * Double.pi) + log(xd) + log1p(-xd / nd)
        return lc - 0.5 * lf
    }

    /// log(n!) − log(√(2πn)·(n/e)ⁿ): exact values to 15, the asymptotic series above.
    static func stirlingError(_ n: Int) -> Double {
        let exact: [Double] = [
            0, 0.0810614667953272582196702, 0.0413406959554092940938221, 0.02767792568499833914878929,
            0.02079067210376509311152277, 0.01664469118982119216319487, 0.01387612882307074799874573,
            0.01189670994589177009505572, 0.010411265261972096497478567, 0.009255462182712732917728637,
            0.008330563433362871256469318, 0.007573675487951840794972024, 0.006942840107209529865664152,
            0.006408994188004207068439631, 0.005951370112758847735624416, 0.005554733551962801371038690,
        ]
        if n <= 15 { return exact[n] }
        let s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188
        let nd = Double(n), nn = nd * nd
        if n > 500 { return (s0 - s1 / nn) / nd }
        if n > 80 { return (s0 - (s1 - s2 / nn) / nn) / nd }
        if n > 35 { return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / nd }
        return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / nd
    }

    /// x·log(x/m) + m − x, summed as a series when x is near m (Loader's bd0).
    static func deviance(_ x: Double, _ m: Double) -> Double {
        if abs(x - m) < 0.1 * (x + m) {
            var v = (x - m) / (x + m)
            var s = (x - m) * v
            var ej = 2 * x * v
            v *= v
            for j in 1..<1000 {
                ej *= v
                let next = s + ej / Double(2 * j + 1)
                if next == s { return next }
                s = next
            }
            return s
        }
        return x * log(x / m) + m - x
    }
}

/// Equal-count bins of a numeric column, as numpy draws them: the edges are the quantiles at
/// j/B (numpy's default linear method) of the values present, and a value's bin is the number
/// of interior edges at or below it (`numpy.searchsorted(inner, x, side="right")`). Interior
/// edges that repeat, or that equal the smallest or largest value, are dropped, so heavily
/// tied columns get fewer bins.
public struct QuantileBins: Sendable {
    /// The B + 1 quantiles, smallest to largest value.
    public let edges: [Double]
    /// The distinct edges strictly between the smallest and largest value.
    public let inner: [Double]
    public var count: Int { inner.count + 1 }

    /// Nil when `values` has no number (all NaN, or empty).
    public init?(_ values: [Double], bins: Int) {
        precondition(bins >= 1)
        let present = values.filter { !$0.isNaN }
        guard !present.isEmpty else { return nil }
        edges = Descriptive.quantiles(present, (0...bins).map { Double($0) / Double(bins) })
        let low = edges.first!, high = edges.last!
        var inner: [Double] = []
        for e in edges.dropFirst().dropLast() where e > low && e < high && e != inner.last { inner.append(e) }
        self.inner = inner
    }

    /// The bin of `x` (0…count − 1); nil for NaN.
    public func bin(_ x: Double) -> Int? {
        guard !x.isNaN else { return nil }
        var lo = 0, hi = inner.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if inner[mid] <= x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The interval of bin `b`: [lower, upper), the last one closed.
    public func interval(_ b: Int) -> (lower: Double, upper: Double, closed: Bool) {
        (b == 0 ? edges.first! : inner[b - 1], b == inner.count ? edges.last! : inner[b], b == inner.count)
    }
}
