/// Counts of (true class, predicted class) pairs, and the F1 scores built from them.
public struct ConfusionMatrix: Sendable {
    /// K: classes are 0..<K.
    public let classes: Int
    /// K × K, row = true class, column = predicted class (scikit-learn `confusion_matrix`).
    public private(set) var counts: Matrix

    /// Counts the pairs. Labels and predictions lie in 0..<classes and have equal length.
    public init(truth: [Int], predicted: [Int], classes: Int) {
        precondition(truth.count == predicted.count)
        self.classes = classes
        counts = Matrix(rows: classes, cols: classes)
        for (t, p) in zip(truth, predicted) { counts.storage[t * classes + p] += 1 }
    }

    /// Each row divided by its sum, the share of each true class predicted as each class
    /// (scikit-learn `normalize="true"`); a class that never occurs has a row of zeros.
    public var normalized: Matrix {
        var m = counts
        for i in 0..<classes {
            let total = (0..<classes).reduce(0.0) { $0 + counts[i, $1] }
            for j in 0..<classes { m[i, j] = total > 0 ? counts[i, j] / total : 0 }
        }
        return m
    }

    public enum Average: String, Sendable, CaseIterable {
        /// Unweighted mean of the per-class F1.
        case macro
        /// F1 of the pooled counts: 2·Σtp / (Σpredicted + Σactual).
        case micro
        /// Per-class F1 weighted by each class's true count (support).
        case weighted
        /// The F1 of class 1 only.
        case binary
    }

    /// F1 of class k: 2·tp / (predicted + actual), 0 when the class is neither predicted nor
    /// present (scikit-learn's default `zero_division`).
    public func f1(ofClass k: Int) -> Double {
        let (tp, predicted, actual) = tally(k)
        return predicted + actual > 0 ? 2 * tp / (predicted + actual) : 0
    }

    /// scikit-learn `f1_score(average=)`. `labels` are the classes averaged over: scikit-learn
    /// takes those present in the labels or the predictions.
    public func f1(average: Average, labels: [Int]) -> Double {
        switch average {
        case .binary: return f1(ofClass: 1)
        case .macro: return labels.isEmpty ? 0 : labels.reduce(0) { $0 + f1(ofClass: $1) } / Double(labels.count)
        case .weighted:
            let support = labels.map { tally($0).actual }
            let total = support.reduce(0, +)
            guard total > 0 else { return 0 }
            return zip(labels, support).reduce(0) { $0 + f1(ofClass: $1.0) * $1.1 } / total
        case .micro:
            var tp = 0.0, predicted = 0.0, actual = 0.0
            for k in labels {
                let t = tally(k)
                tp += t.tp; predicted += t.predicted; actual += t.actual
            }
            return predicted + actual > 0 ? 2 * tp / (predicted + actual) : 0
        }
    }

    /// True positives, predicted count and true count of class k.
    func tally(_ k: Int) -> (tp: Double, predicted: Double, actual: Double) {
        var predicted = 0.0, actual = 0.0
        for j in 0..<classes {
            predicted += counts[j, k]
            actual += counts[k, j]
        }
        return (counts[k, k], predicted, actual)
    }
}
