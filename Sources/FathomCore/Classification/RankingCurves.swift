/// How well scores rank positives above negatives: the ROC curve and its area, and the
/// precision–recall curve with average precision, as scikit-learn computes them.
public enum RankingCurves {
    /// The operating points of a binary ranking, one per distinct score, by decreasing
    /// threshold (scikit-learn `_binary_clf_curve`): at threshold t, `truePositives` and
    /// `falsePositives` count the examples with score ≥ t.
    public struct Counts: Sendable {
        public var thresholds: [Double]
        public var truePositives: [Double]
        public var falsePositives: [Double]
        public var positives: Double { truePositives.last ?? 0 }
        public var negatives: Double { falsePositives.last ?? 0 }
    }

    /// Sorts by score, descending (ties keep their order; they form one point), and
    /// accumulates the positives. `positive[i]` says whether example i is positive.
    /// Scores are finite (callers check).
    public static func counts(scores: [Double], positive: [Bool]) -> Counts {
        let n = scores.count
        let order = Sorting.orderDescending(scores)
        var c = Counts(thresholds: [], truePositives: [], falsePositives: [])
        // The sort returned early on Ctrl-C; the counts would be discarded.
        if Interruption.isRequested { return c }
        var tp = 0.0
        for (k, i) in order.enumerated() {
            if positive[i] { tp += 1 }
            // The last example of a run of equal scores closes that threshold's point.
            if k == n - 1 || scores[order[k + 1]] != scores[i] {
                c.thresholds.append(scores[i])
                c.truePositives.append(tp)
                c.falsePositives.append(Double(k + 1) - tp)
            }
        }
        return c
    }

    /// A curve: points by decreasing threshold, the first at threshold +∞.
    public struct Curve: Sendable {
        /// ROC: false positive rate; PR: recall.
        public var x: [Double]
        /// ROC: true positive rate; PR: precision.
        public var y: [Double]
        public var thresholds: [Double]
        /// ROC AUC (trapezoids) or average precision (steps).
        public var area: Double
        public var positives: Double
        public var negatives: Double
    }

    /// The ROC curve with every distinct threshold (scikit-learn `roc_curve(
    /// drop_intermediate=False)`: a first point (0, 0) at +∞) and its area by the trapezoidal
    /// rule (`roc_auc_score`; ties count half, as the trapezoid through the tied point does).
    /// Needs at least one positive and one negative (callers check).
    public static func roc(scores: [Double], positive: [Bool]) -> Curve {
        let c = counts(scores: scores, positive: positive)
        let fpr = [0] + c.falsePositives.map { $0 / c.negatives }
        let tpr = [0] + c.truePositives.map { $0 / c.positives }
        var area = [Double](repeating: 0, count: fpr.count - 1)
        for i in area.indices { area[i] = (fpr[i + 1] - fpr[i]) * (tpr[i + 1] + tpr[i]) / 2 }
        return Curve(x: fpr, y: tpr, thresholds: [.infinity] + c.thresholds, area: pairwiseSum(area), positives: c.positives, negatives: c.negatives)
    }

    /// The precision–recall curve by decreasing threshold, starting at (recall 0, precision 1)
    /// for +∞ (scikit-learn `precision_recall_curve`, whose arrays run the other way), and
    /// average precision AP = Σ_k (R_k − R_{k−1})·P_k (`average_precision_score`: steps, not
    /// trapezoids). Needs at least one positive (callers check).
    public static func precisionRecall(scores: [Double], positive: [Bool]) -> Curve {
        let c = counts(scores: scores, positive: positive)
        let recall = [0] + c.truePositives.map { $0 / c.positives }
        let precision = [1] + zip(c.truePositives, c.falsePositives).map { tp, fp in tp + fp > 0 ? tp / (tp + fp) : 0 }
        var steps = [Double](repeating: 0, count: recall.count - 1)
        for k in steps.indices { steps[k] = (recall[k + 1] - recall[k]) * precision[k + 1] }
        return Curve(x: recall, y: precision, thresholds: [.infinity] + c.thresholds, area: pairwiseSum(steps), positives: c.positives, negatives: c.negatives)
    }
}
