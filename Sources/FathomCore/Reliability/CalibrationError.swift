#if canImport(Glibc)
import Glibc
#endif

/// Binned calibration errors of top-label confidences (REFERENCES.md, "Reliability").
public enum CalibrationError {
    /// ECE = Σ_b (n_b/N)·|acc_b − conf_b| over non-empty bins (norm 1; netcal `ECE`); with
    /// norm 2, sqrt(Σ_b (n_b/N)(acc_b − conf_b)²), and `debias` subtracts
    /// acc_b(1 − acc_b)/(n_b − 1) inside each bin (Kumar, Liang & Ma 2019), the sum clipped at 0
    /// before the square root; as in their `calibration` package, a bin with a single example
    /// contributes nothing to the debiased sum. Weights replace counts by sums of weights.
    public static func expected(_ s: BinStatistics, norm: Int = 1, debias: Bool = false) -> Double {
        let total = s.total
        guard total > 0 else { return .nan }
        var sum = 0.0
        for b in 0..<s.bins where s.count[b] > 0 {
            let acc = s.correctSum[b] / s.count[b], conf = s.confidenceSum[b] / s.count[b]
            let gap = acc - conf
            if norm == 1 {
                sum += s.count[b] / total * abs(gap)
            } else {
                var term = gap * gap
                if debias {
                    guard s.count[b] >= 2 else { continue }
                    term -= acc * (1 - acc) / (s.count[b] - 1)
                }
                sum += s.count[b] / total * term
            }
        }
        return norm == 1 ? sum : max(0, sum).squareRoot()
    }

    /// MCE = max over non-empty bins of |acc_b − conf_b| (netcal `MCE`).
    public static func maximum(_ s: BinStatistics) -> Double {
        var m = 0.0
        var any = false
        for b in 0..<s.bins where s.count[b] > 0 {
            any = true
            m = max(m, abs(s.correctSum[b] / s.count[b] - s.confidenceSum[b] / s.count[b]))
        }
        return any ? m : .nan
    }

    /// ACE = the mean over non-empty bins of |acc_b − conf_b|, each bin weighted equally
    /// (netcal `ACE`).
    public static func average(_ s: BinStatistics) -> Double {
        var sum = 0.0, n = 0
        for b in 0..<s.bins where s.count[b] > 0 {
            sum += abs(s.correctSum[b] / s.count[b] - s.confidenceSum[b] / s.count[b])
            n += 1
        }
        return n > 0 ? sum / Double(n) : .nan
    }
}

/// Scores of whole probability vectors: accuracy, negative log-likelihood, Brier score.
public enum ProperScores {
    /// scikit-learn's `log_loss` clipping: probabilities below machine epsilon count as it.
    public static let nllFloor = 2.220446049250313e-16

    /// Weighted mean of `values` (weights nil: plain mean).
    public static func mean(_ values: [Double], weights: [Double]?) -> Double {
        guard let weights else { return values.isEmpty ? .nan : pairwiseSum(values) / Double(values.count) }
        var s = 0.0, w = 0.0
        for i in values.indices { s += weights[i] * values[i]; w += weights[i] }
        return w > 0 ? s / w : .nan
    }

    /// Per-example −log max(p_{i,yᵢ}, ε).
    public static func negativeLogLikelihoods(_ p: Matrix, _ y: [Int]) -> [Double] {
        (0..<p.rows).map { -log(max(p[$0, y[$0]], nllFloor)) }
    }

    /// Per-example Σ_k (p_ik − [yᵢ = k])² (not halved).
    public static func brierTerms(_ p: Matrix, _ y: [Int]) -> [Double] {
        let k = p.cols
        return p.storage.withUnsafeBufferPointer { s in
            (0..<p.rows).map { i in
                var t = 0.0
                for j in 0..<k {
                    let d = s[i * k + j] - (j == y[i] ? 1 : 0)
                    t += d * d
                }
                return t
            }
        }
    }
}
