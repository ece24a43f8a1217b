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
        func logChoose(_ a: Int, _ b: Int) -> Double {
            SpecialFunctions.logGamma(Double(a) + 1) - SpecialFunctions.logGamma(Double(b) + 1) - SpecialFunctions.logGamma(Double(a - b) + 1)
        }
        let total = logChoose(N, n)
        // Terms pmf(x) for x = k…hi by the ratio pmf(x+1)/pmf(x), summed relative to the first.
        let first = logChoose(K, k) + logChoose(N - K, n - k) - total
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
