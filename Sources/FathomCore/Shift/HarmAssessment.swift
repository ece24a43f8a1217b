#if canImport(Glibc)
import Glibc
#endif

/// Did a model get worse on target data, beyond a tolerance, and not only the data move? The
/// computational half of the `harm` builtin: the change of accuracy, NLL and ECE from source to
/// target with bootstrap intervals (each sample resampled on its own), each judged against its
/// tolerance δ; without target labels, the accuracy the BBSE class weights predict under label
/// shift.
public enum HarmAssessment {
    /// A change against its tolerance δ.
    public enum Verdict: String, Sendable {
        /// The whole interval lies beyond δ in the harmful direction.
        case exceeded
        /// The whole interval stays inside δ.
        case within
        /// The interval straddles δ: more data would decide.
        case inconclusive
    }

    /// The metrics compared with target labels, in the order they are reported.
    public enum Metric: String, Sendable, CaseIterable {
        case accuracy, nll, ece
    }

    public struct Row: Sendable, Equatable {
        public var metric: String
        public var source: Double
        public var target: Double
        public var change: Double
        /// The change's bootstrap interval.
        public var lower: Double
        public var upper: Double
        /// The tolerance, when one was given for this metric.
        public var delta: Double?
        public var verdict: Verdict?
    }

    /// Against a tolerance δ on a harm measured so that larger is worse: exceeded when even
    /// the best case is beyond δ, within when even the worst case is not, else inconclusive.
    public static func verdict(worst: Double, best: Double, delta: Double) -> Verdict {
        if best > delta { return .exceeded }
        if worst <= delta { return .within }
        return .inconclusive
    }

    /// A change's verdict, the harmful direction being down for accuracy and up otherwise.
    static func verdict(_ metric: Metric, lower: Double, upper: Double, delta: Double) -> Verdict {
        metric == .accuracy ? verdict(worst: -lower, best: -upper, delta: delta) : verdict(worst: upper, best: lower, delta: delta)
    }

    /// Accuracy, NLL and ECE (15 equal-width bins) of the examples at `rows` (all when nil).
    static func metrics(_ top: TopLabel, _ p: Matrix, _ y: [Int], _ rows: [Int]?) -> [Double] {
        let idx = rows ?? Array(0..<y.count)
        let acc = idx.reduce(0.0) { $0 + top.correct[$1] } / Double(idx.count)
        let nll = idx.reduce(0.0) { $0 - log(max(p[$1, y[$1]], ProperScores.nllFloor)) } / Double(idx.count)
        let s = BinStatistics(confidence: top.confidence, correct: top.correct, weights: nil, indices: idx, bins: 15)
        return [acc, nll, CalibrationError.expected(s)]
    }

    /// With target labels: one row per metric, in `Metric.allCases` order.
    public static func labelled(source ps: Matrix, sourceLabels ys: [Int], target pt: Matrix, targetLabels yt: [Int],
                                tolerances: [Metric: Double], level: Double, replicates: Int, random: inout Xoshiro256,
                                progress: any ProgressReporter = SilentProgress()) throws -> [Row] {
        let topS = TopLabel(probabilities: ps, labels: ys), topT = TopLabel(probabilities: pt, labels: yt)
        let a = metrics(topS, ps, ys, nil), b = metrics(topT, pt, yt, nil)
        let reps = try Bootstrap.replicates(groups: [ps.rows, pt.rows], count: replicates, random: &random, progress: progress) { idx in
            let x = metrics(topS, ps, ys, idx[0]), z = metrics(topT, pt, yt, idx[1])
            return zip(z, x).map { $0 - $1 }
        }
        let (lower, upper, _) = Bootstrap.componentIntervals(reps, confidence: level)
        return Metric.allCases.enumerated().map { k, metric in
            let d = tolerances[metric]
            return Row(metric: metric.rawValue, source: a[k], target: b[k], change: b[k] - a[k], lower: lower[k], upper: upper[k],
                       delta: d, verdict: d.map { verdict(metric, lower: lower[k], upper: upper[k], delta: $0) })
        }
    }

    /// Without target labels, assuming label shift: the source accuracy reweighted by the BBSE
    /// (hard) class weights, against the source accuracy. Throws `LabelShift.Problem` when the
    /// confusion matrix cannot be inverted.
    public static func labelShiftCorrected(source ps: Matrix, sourceLabels ys: [Int], target pt: Matrix, tolerance: Double?,
                                           level: Double, replicates: Int, random: inout Xoshiro256,
                                           progress: any ProgressReporter = SilentProgress()) throws -> Row {
        let topS = TopLabel(probabilities: ps, labels: ys)
        let r = try LabelShift.bbse(validation: ps, labels: ys, target: pt, soft: false)
        @Sendable func corrected(_ w: [Double], _ rows: [Int]) -> Double {
            var s = 0.0, total = 0.0
            for i in rows { s += w[ys[i]] * topS.correct[i]; total += w[ys[i]] }
            return total > 0 ? s / total : .nan
        }
        let all = Array(0..<ps.rows)
        let source = all.reduce(0.0) { $0 + topS.correct[$1] } / Double(ps.rows)
        let estimate = corrected(r.weights, all)
        let reps = try Bootstrap.replicates(groups: [ps.rows, pt.rows], count: replicates, random: &random, progress: progress) { idx in
            guard let b = try? LabelShift.bbse(validation: ps.selectingRows(idx[0]), labels: idx[0].map { ys[$0] }, target: pt.selectingRows(idx[1]), soft: false) else { return nil }
            return [corrected(b.weights, idx[0]) - source]
        }
        let (lower, upper, _) = Bootstrap.componentIntervals(reps, confidence: level)
        return Row(metric: "accuracy (label-shift corrected)", source: source, target: estimate, change: estimate - source,
                   lower: lower[0], upper: upper[0], delta: tolerance,
                   verdict: tolerance.map { verdict(.accuracy, lower: lower[0], upper: upper[0], delta: $0) })
    }
}
