/// Performance without labels: confidence-based performance estimation (CBPE, as NannyML
/// computes it). On labelled reference data the model's probabilities are calibrated (isotonic
/// regression, one class against the rest, rows renormalised); on unlabelled target data the
/// calibrated probability of each prediction is its chance of being right, so the expected
/// accuracy of a chunk is their mean and the expected confusion matrix their sums by predicted
/// class. The estimate is only as good as the calibration: it assumes that p(y | x) did not
/// change (covariate shift, not concept shift).
public enum PerformanceEstimation {
    /// The calibration fitted on reference data: one isotonic map per class (one for a binary
    /// problem, on P(y = 1)), or none.
    public struct Calibration: Sendable {
        public var maps: [IsotonicFit]
        public var binary: Bool

        /// Fits the maps on reference probabilities (N×K; binary: the two columns of [1 − q, q])
        /// and labels 0..<K.
        public init(reference p: Matrix, labels y: [Int], binary: Bool) {
            self.binary = binary
            if binary {
                maps = [IsotonicFit.fit(scores: p.column(1), targets: y.map { $0 == 1 ? 1 : 0 })]
            } else {
                maps = (0..<p.cols).map { k in IsotonicFit.fit(scores: p.column(k), targets: y.map { $0 == k ? 1 : 0 }) }
            }
        }

        /// The calibrated probabilities: binary, [1 − f(q), f(q)]; multiclass, each column
        /// mapped by its class's map and each row divided by its sum (1/K each when the maps
        /// all give 0, as NannyML).
        public func apply(_ p: Matrix) -> Matrix {
            var out = p
            if binary {
                for i in 0..<p.rows {
                    let q = maps[0].value(p[i, 1])
                    out[i, 0] = 1 - q
                    out[i, 1] = q
                }
                return out
            }
            for i in 0..<p.rows {
                var sum = 0.0
                for k in 0..<p.cols { out[i, k] = maps[k].value(p[i, k]); sum += out[i, k] }
                for k in 0..<p.cols { out[i, k] = sum > 0 ? out[i, k] / sum : 1 / Double(p.cols) }
            }
            return out
        }
    }

    /// The predicted class of each row: the largest probability (the first of ties); binary,
    /// P(y = 1) ≥ 0.5.
    public static func predictions(_ p: Matrix, binary: Bool) -> [Int] {
        if binary { return (0..<p.rows).map { p[$0, 1] >= 0.5 ? 1 : 0 } }
        return (0..<p.rows).map { i in
            var best = 0
            for k in 1..<p.cols where p[i, k] > p[i, best] { best = k }
            return best
        }
    }

    /// The expected accuracy of `rows`: the mean calibrated probability of the predicted class.
    public static func expectedAccuracy(_ calibrated: Matrix, predicted: [Int], rows: Range<Int>) -> Double {
        guard !rows.isEmpty else { return .nan }
        var sum = 0.0
        for i in rows { sum += calibrated[i, predicted[i]] }
        return sum / Double(rows.count)
    }

    /// The expected confusion matrix of `rows`: E[C_jk] = Σᵢ [ŷᵢ = k]·p̂ᵢⱼ (true class j,
    /// predicted class k), in counts.
    public static func expectedConfusion(_ calibrated: Matrix, predicted: [Int], rows: Range<Int>) -> Matrix {
        var c = Matrix(rows: calibrated.cols, cols: calibrated.cols, storage: Array(repeating: 0, count: calibrated.cols * calibrated.cols))
        for i in rows {
            for j in 0..<calibrated.cols { c[j, predicted[i]] += calibrated[i, j] }
        }
        return c
    }

    /// `count` rows in `chunks` consecutive chunks, as NannyML's count-based chunker cuts them:
    /// ⌊count/chunks⌋ rows each, the remainder added to the last.
    public static func chunks(_ count: Int, _ chunks: Int) -> [Range<Int>] {
        precondition(chunks >= 1 && chunks <= max(1, count))
        let size = count / chunks
        return (0..<chunks).map { c in (c * size)..<(c == chunks - 1 ? count : (c + 1) * size) }
    }

    /// The accuracy realised on labelled rows.
    public static func accuracy(predicted: [Int], labels: [Int], rows: Range<Int>) -> Double {
        guard !rows.isEmpty else { return .nan }
        var right = 0
        for i in rows where predicted[i] == labels[i] { right += 1 }
        return Double(right) / Double(rows.count)
    }

    /// The standard deviation of correctness on the reference (numpy's std, ddof 0), which
    /// divided by √(chunk size) is a chunk estimate's sampling error.
    public static func correctnessDeviation(predicted: [Int], labels: [Int]) -> Double {
        let n = Double(labels.count)
        let mean = Double(zip(predicted, labels).filter { $0 == $1 }.count) / n
        return (mean * (1 - mean)).squareRoot()
    }

    /// Mean ± `multiplier` standard deviations (ddof 0) of the reference chunks' realised
    /// accuracies, clipped to [0, 1]: the band outside which a chunk's estimate raises an alert.
    public static func thresholds(_ referenceAccuracies: [Double], multiplier: Double = 3) -> (lower: Double, upper: Double) {
        let n = Double(referenceAccuracies.count)
        let mean = referenceAccuracies.reduce(0, +) / n
        let sd = (referenceAccuracies.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n).squareRoot()
        return (max(0, mean - multiplier * sd), min(1, mean + multiplier * sd))
    }

    /// The accuracy on the target estimated by importance weighting the reference's
    /// correctness with the label-shift weights w_y = π_t(y)/π_s(y) (from BBSE): for label
    /// shift, where p(x | y) stays and the class priors move.
    public static func importanceWeightedAccuracy(predicted: [Int], labels: [Int], weights w: [Double]) -> Double {
        var num = 0.0, den = 0.0
        for (p, y) in zip(predicted, labels) {
            den += w[y]
            if p == y { num += w[y] }
        }
        return den > 0 ? num / den : .nan
    }
}
