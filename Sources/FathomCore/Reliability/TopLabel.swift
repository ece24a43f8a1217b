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

    /// From an N × K probability matrix and labels in 0..<K. Rows are split between the
    /// cores.
    public init(probabilities p: Matrix, labels y: [Int]) {
        let n = p.rows, k = p.cols
        var conf = [Double](repeating: 0, count: n)
        var pred = [Int](repeating: 0, count: n)
        var corr = [Double](repeating: 0, count: n)
        let storage = p.storage
        conf.withUnsafeMutableBufferPointer { confOut in
            pred.withUnsafeMutableBufferPointer { predOut in
                corr.withUnsafeMutableBufferPointer { corrOut in
                    let outputs = Outputs(conf: confOut.baseAddress, pred: predOut.baseAddress, corr: corrOut.baseAddress)
                    _ = Parallel.chunks(n, threshold: 50_000) { range -> Int in
                        storage.withUnsafeBufferPointer { s in
                            y.withUnsafeBufferPointer { labels in
                                for i in range {
                                    let row = s.baseAddress! + i * k
                                    var best = 0
                                    var value = row[0]
                                    for j in 1..<max(1, k) where row[j] > value { value = row[j]; best = j }
                                    outputs.conf!.pointer[i] = value
                                    outputs.pred!.pointer[i] = best
                                    outputs.corr!.pointer[i] = best == labels[i] ? 1 : 0
                                }
                            }
                        }
                        return 0
                    }
                }
            }
        }
        self.init(confidence: conf, prediction: pred, correct: corr)
    }

    /// The top-label view of `p` if it holds probabilities (as ProbabilityCheck.check), nil
    /// otherwise, in one pass over all cores; `labels` are compared as numbers (checking
    /// them is the caller's business).
    public init?(ifValid p: Matrix, labels y: [Double]) {
        let n = p.rows, k = p.cols
        guard n > 0, k > 0, y.count == n else { return nil }
        var conf = [Double](repeating: 0, count: n)
        var pred = [Int](repeating: 0, count: n)
        var corr = [Double](repeating: 0, count: n)
        let storage = p.storage, tolerance = ProbabilityCheck.rowSumTolerance
        let valid = conf.withUnsafeMutableBufferPointer { confOut in
            pred.withUnsafeMutableBufferPointer { predOut in
                corr.withUnsafeMutableBufferPointer { corrOut in
                    let outputs = Outputs(conf: confOut.baseAddress, pred: predOut.baseAddress, corr: corrOut.baseAddress)
                    return Parallel.chunks(n, threshold: 50_000) { range -> Bool in
                        storage.withUnsafeBufferPointer { s in
                            y.withUnsafeBufferPointer { labels in
                                var ok = true
                                for i in range {
                                    let row = s.baseAddress! + i * k
                                    var best = 0
                                    var value = row[0]
                                    var sum = 0.0
                                    var inRange = true
                                    for j in 0..<k {
                                        let v = row[j]
                                        // NaN fails both comparisons, ±∞ one of them.
                                        inRange = inRange && v >= 0 && v <= 1
                                        sum += v
                                        if v > value { value = v; best = j }
                                    }
                                    ok = ok && inRange && abs(sum - 1) <= tolerance
                                    outputs.conf!.pointer[i] = value
                                    outputs.pred!.pointer[i] = best
                                    outputs.corr!.pointer[i] = Double(best) == labels[i] ? 1 : 0
                                }
                                return ok
                            }
                        }
                    }.allSatisfy { $0 }
                }
            }
        }
        guard valid else { return nil }
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
    case labelOutOfRange(index: Int, label: Double, classes: Int)
}

public enum ProbabilityCheck {
    /// Rows may miss 1 by this much (float32-saved probabilities of ten classes round to about
    /// 1e-7; a few times that is allowed).
    public static let rowSumTolerance = 1e-5

    /// Checks that `p` holds probabilities: finite, in [0, 1], rows summing to 1. A fast pass
    /// over all cores finds whether anything is wrong; a second pass, only then, says where.
    public static func check(_ p: Matrix) throws {
        guard p.rows > 0, p.cols > 0 else { throw ProbabilityProblem.empty }
        let k = p.cols, storage = p.storage
        let firstBad = Parallel.chunks(p.rows, threshold: 50_000) { range -> Int? in
            storage.withUnsafeBufferPointer { s in
                for i in range {
                    let row = s.baseAddress! + i * k
                    var sum = 0.0
                    var inRange = true
                    // NaN fails both comparisons, ±∞ fails one: one test covers all three.
                    for j in 0..<k {
                        let v = row[j]
                        inRange = inRange && v >= 0 && v <= 1
                        sum += v
                    }
                    if !inRange || !(abs(sum - 1) <= rowSumTolerance) { return i }
                }
                return nil
            }
        }.compactMap { $0 }.min()
        guard let i = firstBad else { return }
        var sum = 0.0
        for j in 0..<k {
            let v = storage[i * k + j]
            guard v.isFinite else { throw ProbabilityProblem.notFinite(row: i, column: j) }
            guard v >= 0, v <= 1 else { throw ProbabilityProblem.outOfRange(row: i, column: j, value: v) }
            sum += v
        }
        throw ProbabilityProblem.rowSum(row: i, sum: sum)
    }

    /// Labels as class positions, checked against the row count and K.
    public static func labels(_ y: [Double], rows: Int, classes: Int) throws -> [Int] {
        guard y.count == rows else { throw ProbabilityProblem.labelCount(labels: y.count, rows: rows) }
        var out = [Int](repeating: 0, count: y.count)
        let limit = Double(classes)
        let bad: Int? = out.withUnsafeMutableBufferPointer { o in
            y.withUnsafeBufferPointer { v in
                for i in 0..<v.count {
                    let x = v[i]
                    // In range first (NaN fails it), then whole.
                    guard x >= 0, x < limit else { return i }
                    let whole = Int(x)
                    guard Double(whole) == x else { return i }
                    o[i] = whole
                }
                return nil
            }
        }
        guard let i = bad else { return out }
        let v = y[i]
        guard v.isFinite, v == v.rounded() else { throw ProbabilityProblem.labelNotWhole(index: i, value: v) }
        throw ProbabilityProblem.labelOutOfRange(index: i, label: v, classes: classes)
    }
}

/// Where the parallel top-label pass writes: each worker its own rows.
private struct Outputs: Sendable {
    let conf: Parallel.Address<Double>?
    let pred: Parallel.Address<Int>?
    let corr: Parallel.Address<Double>?

    init(conf: UnsafeMutablePointer<Double>?, pred: UnsafeMutablePointer<Int>?, corr: UnsafeMutablePointer<Double>?) {
        self.conf = conf.map { Parallel.Address($0) }
        self.pred = pred.map { Parallel.Address($0) }
        self.corr = corr.map { Parallel.Address($0) }
    }
}
