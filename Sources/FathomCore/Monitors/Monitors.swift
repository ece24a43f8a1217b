#if canImport(Glibc)
import Glibc
#endif

/// The model's own signals of doubt, per example (the "self-assessment" scores of Heim et al.):
/// confidence (the largest probability), margin (largest minus second largest) and entropy
/// (−Σ p ln p with 0·ln 0 = 0).
public enum Monitors {
    public static func confidence(_ p: Matrix) -> [Double] {
        (0..<p.rows).map { i in (0..<p.cols).reduce(-Double.infinity) { max($0, p[i, $1]) } }
    }

    public static func margin(_ p: Matrix) -> [Double] {
        (0..<p.rows).map { i in
            var first = -Double.infinity, second = -Double.infinity
            for j in 0..<p.cols {
                let v = p[i, j]
                if v > first { second = first; first = v } else if v > second { second = v }
            }
            return p.cols > 1 ? first - second : first
        }
    }

    public static func entropy(_ p: Matrix) -> [Double] {
        (0..<p.rows).map { i in
            var h = 0.0
            for j in 0..<p.cols { let v = p[i, j]; if v > 0 { h -= v * log(v) } }
            return h
        }
    }
}

/// Selective prediction: answer only when the score is high enough, defer otherwise.
public enum SelectivePrediction {
    /// Risk–coverage: order by score descending (stable: ties keep their order); the risk at
    /// coverage j/N is the error rate of the first j. Returns the N risks and AURC, their mean.
    public static func riskCoverage(score: [Double], correct: [Double]) -> (coverage: [Double], risk: [Double], aurc: Double) {
        let n = score.count
        let order = Sorting.orderDescending(score)
        var errors = 0.0
        var risk = [Double](repeating: 0, count: n)
        for (j, i) in order.enumerated() {
            errors += 1 - correct[i]
            risk[j] = errors / Double(j + 1)
        }
        return ((1...max(1, n)).prefix(n).map { Double($0) / Double(n) }, risk, n > 0 ? pairwiseSum(risk) / Double(n) : .nan)
    }

    public struct Guarantee: Sendable {
        /// Answer when score ≥ threshold.
        public var threshold: Double
        public var coverage: Double
        /// The error rate among answered examples.
        public var risk: Double
        /// The risk bound that holds with probability 1 − δ.
        public var bound: Double
        public var answered: Int
    }

    /// Selection with guaranteed risk (Geifman & El-Yaniv 2017, algorithm 1): binary search
    /// over ⌈log₂ m⌉ thresholds for the lowest one whose one-sided Clopper–Pearson bound on the
    /// selective risk, at level δ/⌈log₂ m⌉ (a union bound over the searched thresholds), stays
    /// below the target risk. nil when no threshold meets it.
    public static func guaranteedRisk(score: [Double], correct: [Double], targetRisk: Double, delta: Double) -> Guarantee? {
        let m = score.count
        guard m > 0 else { return nil }
        let sorted = Sorting.ascending(score)
        let k = max(1, Int(log2(Double(m)).rounded(.up)))
        var zMin = 0, zMax = m
        var best: Guarantee?
        for _ in 0..<k {
            let z = min(m, max(1, (zMin + zMax + 1) / 2))
            let theta = sorted[z - 1]
            var selected = 0, errors = 0
            for i in 0..<m where score[i] >= theta {
                selected += 1
                if correct[i] == 0 { errors += 1 }
            }
            let bound = Binomial.upperBound(successes: errors, trials: selected, delta: delta / Double(k))
            if bound < targetRisk {
                best = Guarantee(threshold: theta, coverage: Double(selected) / Double(m), risk: Double(errors) / Double(selected), bound: bound, answered: selected)
                zMax = z
            } else {
                zMin = z
            }
        }
        return best
    }
}
