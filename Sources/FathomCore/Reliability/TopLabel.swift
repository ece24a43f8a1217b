/// The top-label view of class probabilities: for each example the confidence (the largest
/// probability), the predicted class (its position; ties go to the lowest) and whether the
/// prediction is right. Every calibration metric starts here.
public struct TopLabel: Sendable {
    public var confidence: [Double]
    public var prediction: [Int]
    /// 1 when the prediction equals the label, else 0.
    public var correct: [Double]

    public init(confidence: [Double], prediction: [Int], correct: [Double]) {
        self.confidence = confidence
        self.prediction = prediction
        self.correct = correct
    }

    /// From an N × K probability matrix and labels in 0..<K.
    public init(probabilities p: Matrix, labels y: [Int]) {
        let n = p.rows, k = p.cols
        var conf = [Double](repeating: 0, count: n)
        var pred = [Int](repeating: 0, count: n)
        var corr = [Double](repeating: 0, count: n)
        p.storage.withUnsafeBufferPointer { s in
            for i in 0..<n {
                let row = s.baseAddress! + i * k
                var best = 0
                var value = row[0]
                for j in 1..<max(1, k) where row[j] > value { value = row[j]; best = j }
                conf[i] = value
                pred[i] = best
                corr[i] = best == y[i] ? 1 : 0
            }
        }
        self.init(confidence: conf, prediction: pred, correct: corr)
    }

    public var count: Int { confidence.count }
}

/// What is wrong with a probability matrix or its labels, located.
public enum ProbabilityProblem: Error, Equatable, Sendable {
    case empty
    case notFinite(row: Int, column: Int)
    case outOfRange(row: Int, column: Int, value: Double)
    case rowSum(row: Int, sum: Double)
    case labelCount(labels: Int, rows: Int)
    case labelNotWhole(index: Int, value: Double)
    case labelOutOfRange(index: Int, label: Int, classes: Int)
}

public enum ProbabilityCheck {
    /// Rows may miss 1 by this much (float32-saved probabilities of ten classes round to about
    /// 1e-7; a few times that is allowed).
    public static let rowSumTolerance = 1e-5

    /// Checks that `p` holds probabilities: finite, in [0, 1], rows summing to 1.
    public static func check(_ p: Matrix) throws {
        guard p.rows > 0, p.cols > 0 else { throw ProbabilityProblem.empty }
        let k = p.cols
        try p.storage.withUnsafeBufferPointer { s in
            for i in 0..<p.rows {
                var sum = 0.0
                for j in 0..<k {
                    let v = s[i * k + j]
                    guard v.isFinite else { throw ProbabilityProblem.notFinite(row: i, column: j) }
                    guard v >= 0, v <= 1 else { throw ProbabilityProblem.outOfRange(row: i, column: j, value: v) }
                    sum += v
                }
                guard abs(sum - 1) <= rowSumTolerance else { throw ProbabilityProblem.rowSum(row: i, sum: sum) }
            }
        }
    }

    /// Labels as class positions, checked against the row count and K.
    public static func labels(_ y: [Double], rows: Int, classes: Int) throws -> [Int] {
        guard y.count == rows else { throw ProbabilityProblem.labelCount(labels: y.count, rows: rows) }
        return try y.enumerated().map { i, v in
            guard v.isFinite, v == v.rounded() else { throw ProbabilityProblem.labelNotWhole(index: i, value: v) }
            guard v >= 0, v < Double(classes) else { throw ProbabilityProblem.labelOutOfRange(index: i, label: Int(max(-1e9, min(1e9, v))), classes: classes) }
            return Int(v)
        }
    }
}
