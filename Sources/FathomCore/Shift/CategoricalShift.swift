#if canImport(Glibc)
import Glibc
#endif

/// Shift in a categorical variable: the chi-square test of homogeneity on the 2 × C table of
/// counts (scipy's `chi2_contingency(correction=False)`), with Cramér's V as its size.
public enum ChiSquareHomogeneity {
    public struct Result: Sendable {
        public var statistic: Double
        public var pvalue: Double
        public var degrees: Int
        /// Cramér's V = √(χ² / (N·(min(r, c) − 1))).
        public var cramersV: Double
        public var categories: [String]
        public var counts: [[Double]]
        public var expected: [[Double]]
    }

    /// Counts of each category in each sample; categories sorted. At least two categories.
    public static func test(_ a: [String], _ b: [String]) -> Result {
        let categories = Sorting.strings(Array(Set(a).union(b)))
        let index = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
        var counts = [[Double]](repeating: [Double](repeating: 0, count: categories.count), count: 2)
        for s in a { counts[0][index[s]!] += 1 }
        for s in b { counts[1][index[s]!] += 1 }
        return test(counts: counts, categories: categories)
    }

    /// A table of counts, rows the samples, columns the categories.
    public static func test(counts: [[Double]], categories: [String]) -> Result {
        let rows = counts.count, cols = categories.count
        let rowTotals = counts.map { $0.reduce(0, +) }
        let colTotals = (0..<cols).map { j in counts.reduce(0) { $0 + $1[j] } }
        let total = rowTotals.reduce(0, +)
        var statistic = 0.0
        var expected = counts
        for i in 0..<rows {
            for j in 0..<cols {
                let e = rowTotals[i] * colTotals[j] / total
                expected[i][j] = e
                let d = counts[i][j] - e
                statistic += d * d / e
            }
        }
        let dof = (rows - 1) * (cols - 1)
        let p = dof == 0 ? 1 : Distribution.chiSquareSurvival(statistic, degrees: Double(dof))
        let v = (statistic / (total * Double(min(rows, cols) - 1))).squareRoot()
        return Result(statistic: statistic, pvalue: p, degrees: dof, cramersV: v, categories: categories, counts: counts, expected: expected)
    }
}

/// The population stability index: B bins at the quantiles of the reference sample a,
/// frequencies floored at 10⁻⁴, PSI = Σ (f_b − f_a)·ln(f_b / f_a). Conventionally below 0.1
/// is stable, 0.1 to 0.25 a moderate shift, above 0.25 a large one.
public enum PopulationStability {
    public static let floor = 1e-4

    public struct Result: Sendable {
        public var value: Double
        /// The B − 1 inner edges (quantiles j/B of a, numpy's linear method).
        public var edges: [Double]
        public var referenceShares: [Double]
        public var shares: [Double]
    }

    public static func index(_ a: [Double], _ b: [Double], bins: Int) -> Result {
        let edges = Descriptive.quantiles(a, (1..<bins).map { Double($0) / Double(bins) })
        func shares(_ x: [Double]) -> [Double] {
            var counts = [Double](repeating: 0, count: bins)
            for v in x { counts[SortedSearch.upperBound(edges, v)] += 1 }
            return counts.map { $0 / Double(x.count) }
        }
        let fa = shares(a), fb = shares(b)
        var psi = 0.0
        for j in 0..<bins {
            let p = max(fa[j], floor), q = max(fb[j], floor)
            psi += (q - p) * log(q / p)
        }
        return Result(value: psi, edges: edges, referenceShares: fa, shares: fb)
    }
}

/// Corrections for testing many hypotheses at once.
public enum MultipleTesting {
    /// Bonferroni: reject when p < α/d.
    public static func bonferroni(_ p: [Double], alpha: Double) -> [Bool] {
        p.map { $0 < alpha / Double(p.count) }
    }

    /// Bonferroni-adjusted p-values: min(1, p·d), which reach α exactly when `bonferroni`
    /// rejects (statsmodels' `multipletests(method="bonferroni")`).
    public static func bonferroniAdjusted(_ p: [Double]) -> [Double] {
        let d = Double(p.count)
        return p.map { min(1, $0 * d) }
    }

    /// Benjamini–Hochberg adjusted p-values (scipy's `false_discovery_control(method="bh")`):
    /// p_(i)·d/i made monotone from the largest down, capped at 1.
    public static func benjaminiHochberg(_ p: [Double]) -> [Double] {
        let d = p.count
        let order = Sorting.order(p)
        var adjusted = [Double](repeating: 0, count: d)
        var running = 1.0
        for rank in stride(from: d, through: 1, by: -1) {
            let i = order[rank - 1]
            running = min(running, p[i] * Double(d) / Double(rank))
            adjusted[i] = min(1, running)
        }
        return adjusted
    }
}
