/// Descriptive statistics over contiguous doubles. NaN propagates, as in numpy: any NaN in the
/// input makes the sum, mean, sd, minimum, maximum and quantiles NaN.
public enum Descriptive {
    /// Σ x, pairwise (numpy `sum`).
    public static func sum(_ x: [Double]) -> Double { pairwiseSum(x) }

    /// Σ x / n; NaN for an empty input (callers reject empty input with a message first).
    public static func mean(_ x: [Double]) -> Double {
        x.isEmpty ? .nan : pairwiseSum(x) / Double(x.count)
    }

    /// Σ (x − mean)² / (n − ddof), two-pass (numpy `var(ddof=)`); NaN when n ≤ ddof.
    public static func variance(_ x: [Double], ddof: Int = 1) -> Double {
        let n = x.count
        guard n > ddof else { return .nan }
        let m = mean(x)
        let squares = x.withUnsafeBufferPointer { buf -> [Double] in
            var d = [Double](repeating: 0, count: n)
            for i in 0..<n { let e = buf[i] - m; d[i] = e * e }
            return d
        }
        return pairwiseSum(squares) / Double(n - ddof)
    }

    /// The standard deviation: √variance (numpy `std(ddof=)`, default ddof = 1 as R and
    /// pandas).
    public static func standardDeviation(_ x: [Double], ddof: Int = 1) -> Double {
        variance(x, ddof: ddof).squareRoot()
    }

    /// The smallest element (NaN if any is NaN; nil when empty).
    public static func minimum(_ x: [Double]) -> Double? {
        guard var m = x.first else { return nil }
        for v in x {
            if v.isNaN { return .nan }
            if v < m { m = v }
        }
        return m
    }

    /// The largest element (NaN if any is NaN; nil when empty).
    public static func maximum(_ x: [Double]) -> Double? {
        guard var m = x.first else { return nil }
        for v in x {
            if v.isNaN { return .nan }
            if v > m { m = v }
        }
        return m
    }

    /// Ascending order with every NaN at the end (numpy `sort`).
    public static func sorted(_ x: [Double], descending: Bool = false) -> [Double] {
        var finite = x.filter { !$0.isNaN }
        let nans = x.count - finite.count
        finite = descending ? Sorting.descending(finite) : Sorting.ascending(finite)
        if nans > 0 { finite.append(contentsOf: repeatElement(Double.nan, count: nans)) }
        return finite
    }

    /// The distinct values in ascending order, NaN (if present) once at the end (numpy
    /// `unique`).
    public static func unique(_ x: [Double]) -> [Double] {
        let s = sorted(x)
        // The sort returned early on Ctrl-C; what follows would be discarded.
        if Interruption.isRequested { return [] }
        var out: [Double] = []
        var sawNaN = false
        for v in s {
            if v.isNaN {
                if !sawNaN { out.append(v); sawNaN = true }
            } else if out.last != v {
                out.append(v)
            }
        }
        return out
    }

    /// Quantiles at probabilities `q` (each in [0, 1]) by linear interpolation between order
    /// statistics: h = (n − 1)·q, x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋+1₎ − x₍⌊h⌋₎). This is numpy's
    /// default `method="linear"` (Hyndman & Fan type 7, R's default). NaN in `x` gives NaN.
    public static func quantiles(_ x: [Double], _ q: [Double]) -> [Double] {
        precondition(!x.isEmpty)
        if x.contains(where: { $0.isNaN }) { return q.map { _ in .nan } }
        let s = Sorting.ascending(x)
        let n = s.count
        return q.map { p in
            let h = Double(n - 1) * p
            let lo = Int(h.rounded(.down))
            let hi = min(lo + 1, n - 1)
            let frac = h - Double(lo)
            // numpy's _lerp: a + t(b − a), switched to b − (1 − t)(b − a) when t ≥ 0.5.
            let a = s[lo], b = s[hi]
            let d = b - a
            return frac >= 0.5 ? b - d * (1 - frac) : a + d * frac
        }
    }
}
