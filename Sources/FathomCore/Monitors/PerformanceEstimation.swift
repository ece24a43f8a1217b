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

    /// The metrics CBPE estimates. Binary problems score class 1 as the positive class;
    /// multiclass ones average the classes' one-against-the-rest scores (macro).
    public enum Metric: String, CaseIterable, Sendable {
        case accuracy, f1, precision, recall, specificity
    }

    /// The confusion matrix realised on `rows`, in counts: row = true class, column = predicted.
    public static func confusion(predicted: [Int], labels: [Int], classes: Int, rows: Range<Int>) -> Matrix {
        var c = Matrix(rows: classes, cols: classes, storage: Array(repeating: 0, count: classes * classes))
        for i in rows { c[labels[i], predicted[i]] += 1 }
        return c
    }

    /// A metric of a confusion matrix (expected or realised counts; row = true class, column =
    /// predicted). Per class k against the rest: TP = C[k,k], FP = column k's sum − TP, FN =
    /// row k's sum − TP, TN = the rest; precision TP/(TP+FP), recall TP/(TP+FN), specificity
    /// TN/(TN+FP), F1 TP/(TP + (FP+FN)/2). Binary: class 1's; multiclass: the mean over classes
    /// (macro). A ratio whose denominator is 0 is `zeroDivision` (NannyML: 0 for the estimates
    /// and for scikit-learn's realised scores, NaN for the realised specificity).
    public static func metric(_ m: Metric, confusion c: Matrix, binary: Bool, zeroDivision: Double = 0) -> Double {
        let k = c.rows
        var total = 0.0, trace = 0.0
        for j in 0..<k { for l in 0..<k { total += c[j, l] }; trace += c[j, j] }
        if m == .accuracy { return total > 0 ? trace / total : .nan }
        func score(_ cls: Int) -> Double {
            var row = 0.0, col = 0.0
            for l in 0..<k { row += c[cls, l]; col += c[l, cls] }
            let tp = c[cls, cls], fp = col - tp, fn = row - tp, tn = total - tp - fp - fn
            let (num, den): (Double, Double)
            switch m {
            case .accuracy: (num, den) = (trace, total)
            case .precision: (num, den) = (tp, tp + fp)
            case .recall: (num, den) = (tp, tp + fn)
            case .specificity: (num, den) = (tn, tn + fp)
            case .f1: (num, den) = (tp, tp + 0.5 * (fp + fn))
            }
            return den != 0 ? num / den : zeroDivision
        }
        if binary { return score(1) }
        return (0..<k).map(score).reduce(0, +) / Double(k)
    }

    /// The expected metric of `rows` from calibrated probabilities, as NannyML's CBPE: the
    /// metric of the expected confusion matrix (accuracy: ``expectedAccuracy``).
    public static func expected(_ m: Metric, _ calibrated: Matrix, predicted: [Int], rows: Range<Int>, binary: Bool) -> Double {
        if m == .accuracy { return expectedAccuracy(calibrated, predicted: predicted, rows: rows) }
        guard !rows.isEmpty else { return .nan }
        return metric(m, confusion: expectedConfusion(calibrated, predicted: predicted, rows: rows), binary: binary)
    }

    /// The metric realised on labelled `rows`, as NannyML reports it: NaN for F1, precision and
    /// recall (and multiclass specificity) when the true or the predicted classes of the rows
    /// are all one; undefined ratios count 0 (scikit-learn), except specificity's, which are NaN.
    public static func realized(_ m: Metric, predicted: [Int], labels: [Int], classes: Int, rows: Range<Int>, binary: Bool) -> Double {
        if m == .accuracy { return accuracy(predicted: predicted, labels: labels, rows: rows) }
        guard !rows.isEmpty else { return .nan }
        if !(m == .specificity && binary) {
            let trueClasses = Set(rows.map { labels[$0] }), predictedClasses = Set(rows.map { predicted[$0] })
            if trueClasses.count <= 1 || predictedClasses.count <= 1 { return .nan }
        }
        return metric(m, confusion: confusion(predicted: predicted, labels: labels, classes: classes, rows: rows),
                      binary: binary, zeroDivision: m == .specificity ? .nan : 0)
    }

    /// What a chunk's sampling error is made of, from the labelled reference (NannyML's
    /// sampling_error modules): per class scored, the spread of the per-row outcomes the metric
    /// averages and the share of rows they come from. A chunk of n rows then has sampling error
    /// spread/√(n·share) (binary: standard deviation; F1 scaled by NannyML's correcting factor)
    /// or √(Σₖ varianceₖ/(n·shareₖ))/K (multiclass: variances, F1 unscaled).
    public struct SamplingComponents: Sendable {
        public var spread: [Double]
        public var share: [Double]
        public var binary: Bool

        public init(_ m: Metric, predicted: [Int], labels: [Int], classes: Int, binary: Bool) {
            let n = Double(labels.count)
            // Accuracy: the standard deviation of correctness over all rows, for any K.
            if m == .accuracy {
                self.binary = true
                spread = [correctnessDeviation(predicted: predicted, labels: labels)]
                share = [1]
                return
            }
            self.binary = binary
            let scored = binary ? [1] : Array(0..<classes)
            spread = []; share = []
            for k in scored {
                var tp = 0.0, fp = 0.0, fn = 0.0, tn = 0.0
                for (p, y) in zip(predicted, labels) {
                    switch (y == k, p == k) {
                    case (true, true): tp += 1
                    case (false, true): fp += 1
                    case (true, false): fn += 1
                    case (false, false): tn += 1
                    }
                }
                // The outcomes: ones and zeros, and the factor they are scaled by.
                let (ones, zeros, fraction): (Double, Double, Double)
                switch m {
                case .accuracy, .f1: (ones, zeros, fraction) = (tp, fp + fn, (tp + fp + fn) / n)
                case .precision: (ones, zeros, fraction) = (tp, fp, (tp + fp) / n)
                case .recall: (ones, zeros, fraction) = (tp, fn, (tp + fn) / n)
                case .specificity: (ones, zeros, fraction) = (tn, fp, (tn + fp) / n)
                }
                let count = ones + zeros
                guard count > 0 else { spread.append(.nan); share.append(fraction); continue }
                let q = ones / count
                var variance = q * (1 - q)
                if m == .f1 && binary {
                    let factor = count / (0.5 * zeros + ones)
                    variance *= factor * factor
                }
                spread.append(binary ? variance.squareRoot() : variance)
                share.append(fraction)
            }
        }

        /// The sampling error of a chunk of `rows` rows.
        public func error(rows: Int) -> Double {
            let n = Double(rows)
            if binary { return spread[0] / (n * share[0]).squareRoot() }
            let sum = zip(spread, share).reduce(0.0) { $0 + $1.0 / (n * $1.1) }
            return sum.squareRoot() / Double(spread.count)
        }
    }

    /// NannyML's alert band: mean ± 3 standard deviations (ddof 0) of the reference chunks'
    /// realised metric, NaN chunks left out, clipped to [0, 1]; nil when no chunk has a value.
    public static func band(_ referenceValues: [Double], multiplier: Double = 3) -> (lower: Double, upper: Double)? {
        let v = referenceValues.filter { !$0.isNaN }
        guard !v.isEmpty else { return nil }
        return thresholds(v, multiplier: multiplier)
    }
}
