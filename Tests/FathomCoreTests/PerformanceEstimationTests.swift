import Testing
@testable import FathomCore
import FathomTestSupport

/// The pieces of CBPE worked by hand: predictions, expected accuracy and confusion, chunks,
/// thresholds, the calibration maps and the importance-weighted estimate.
@Suite("Performance estimation (CBPE)")
struct PerformanceEstimationTests {
    static let p = Matrix(rowArrays: [[0.9, 0.1], [0.3, 0.7], [0.45, 0.55], [0.2, 0.8]])

    @Test("the expected accuracy is the mean probability of the predicted class; the confusion sums them by prediction")
    func expected() {
        let predicted = PerformanceEstimation.predictions(Self.p, binary: true)
        #expect(predicted == [0, 1, 1, 1])
        #expect(agrees(PerformanceEstimation.expectedAccuracy(Self.p, predicted: predicted, rows: 0..<4), (0.9 + 0.7 + 0.55 + 0.8) / 4, rel: 1e-15))
        let c = PerformanceEstimation.expectedConfusion(Self.p, predicted: predicted, rows: 0..<4)
        // Row = true class, column = predicted: predicted 0 once (p 0.9 of class 0), 1 three times.
        #expect(agrees([c[0, 0], c[0, 1], c[1, 0], c[1, 1]], [0.9, 0.3 + 0.45 + 0.2, 0.1, 0.7 + 0.55 + 0.8], rel: 1e-15))
        #expect(agrees(c.storage.reduce(0, +), 4, rel: 1e-15), "the expected counts add up to the rows")
        #expect(PerformanceEstimation.expectedAccuracy(Self.p, predicted: predicted, rows: 0..<0).isNaN)
    }

    @Test("chunks cut consecutive rows, the remainder to the last; thresholds are mean ± 3 sd, clipped")
    func chunksAndThresholds() {
        #expect(PerformanceEstimation.chunks(10, 3) == [0..<3, 3..<6, 6..<10])
        #expect(PerformanceEstimation.chunks(5, 1) == [0..<5])
        let t = PerformanceEstimation.thresholds([0.9, 0.92, 0.94])
        let sd = (((0.9 - 0.92) * (0.9 - 0.92) + (0.94 - 0.92) * (0.94 - 0.92)) / 3).squareRoot()
        #expect(agrees(t.lower, 0.92 - 3 * sd, rel: 1e-14) && agrees(t.upper, min(1, 0.92 + 3 * sd), rel: 1e-14))
        #expect(PerformanceEstimation.thresholds([0.99, 0.5]).upper == 1)
    }

    @Test("calibration: an over-confident binary model's maps pull its probabilities in; multiclass rows still sum to 1")
    func calibration() {
        var g = Xoshiro256(seed: 3)
        let n = 4000
        var rows: [[Double]] = [], y: [Int] = []
        for _ in 0..<n {
            let q = g.nextUniform()
            let truth = 0.5 + (q - 0.5) / 2          // the model claims q, the truth is nearer 0.5
            rows.append([1 - q, q]); y.append(g.nextUniform() < truth ? 1 : 0)
        }
        let p = Matrix(rowArrays: rows)
        let cal = PerformanceEstimation.Calibration(reference: p, labels: y, binary: true)
        let out = cal.apply(p)
        let predicted = PerformanceEstimation.predictions(p, binary: true)
        let raw = PerformanceEstimation.expectedAccuracy(p, predicted: predicted, rows: 0..<n)
        let calibrated = PerformanceEstimation.expectedAccuracy(out, predicted: predicted, rows: 0..<n)
        let realized = PerformanceEstimation.accuracy(predicted: predicted, labels: y, rows: 0..<n)
        #expect(abs(calibrated - realized) < 0.01, "calibrated \(calibrated), realised \(realized)")
        #expect(raw - realized > 0.1, "the raw probabilities over-estimate: \(raw) against \(realized)")
        let three = Matrix(rowArrays: [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.6, 0.3, 0.1]])
        let m = PerformanceEstimation.Calibration(reference: three, labels: [0, 1, 2, 1], binary: false).apply(three)
        for i in 0..<m.rows { #expect(agrees((0..<3).map { m[i, $0] }.reduce(0, +), 1, rel: 1e-12)) }
    }

    @Test("importance weighting: weights by the true class of each reference row")
    func importanceWeighted() {
        // Class 0 right 3 of 4, class 1 right 1 of 4; target twice as rich in class 1.
        let y = [0, 0, 0, 0, 1, 1, 1, 1], predicted = [0, 0, 0, 1, 1, 0, 0, 0]
        #expect(agrees(PerformanceEstimation.importanceWeightedAccuracy(predicted: predicted, labels: y, weights: [1, 1]), 0.5, rel: 1e-15))
        let w0 = 2.0 / 3, w1 = 4.0 / 3
        let expected: Double = (3 * w0 + 1 * w1) / (4 * w0 + 4 * w1)
        let weighted = PerformanceEstimation.importanceWeightedAccuracy(predicted: predicted, labels: y, weights: [w0, w1])
        #expect(agrees(weighted, expected, rel: 1e-15))
    }

    @Test("metrics of a confusion matrix by hand; undefined ratios and one-class chunks as NannyML reports them")
    func metricsByHand() {
        // Binary: TN 5, FP 1, FN 2, TP 4 (row = true class).
        let c = Matrix(rowArrays: [[5, 1], [2, 4]])
        #expect(PerformanceEstimation.metric(.precision, confusion: c, binary: true) == 4.0 / 5)
        #expect(PerformanceEstimation.metric(.recall, confusion: c, binary: true) == 4.0 / 6)
        #expect(PerformanceEstimation.metric(.specificity, confusion: c, binary: true) == 5.0 / 6)
        let f1: Double = 8.0 / 11
        #expect(agrees(PerformanceEstimation.metric(.f1, confusion: c, binary: true), f1, rel: 1e-15))
        #expect(PerformanceEstimation.metric(.accuracy, confusion: c, binary: true) == 9.0 / 12)
        // Macro over three classes: class 2 never predicted, so its precision is 0.
        let m = Matrix(rowArrays: [[3, 1, 0], [0, 2, 0], [1, 1, 0]])
        let macro: Double = (0.75 + 0.5 + 0) / 3
        #expect(agrees(PerformanceEstimation.metric(.precision, confusion: m, binary: false), macro, rel: 1e-15))
        #expect(PerformanceEstimation.metric(.precision, confusion: Matrix(rowArrays: [[3, 0], [1, 0]]), binary: true, zeroDivision: .nan).isNaN)
        // Realised: a chunk whose labels are all one class has no F1 (NaN), but binary specificity is defined.
        let predicted = [0, 1, 1, 0], labels = [0, 0, 0, 0]
        #expect(PerformanceEstimation.realized(.f1, predicted: predicted, labels: labels, classes: 2, rows: 0..<4, binary: true).isNaN)
        #expect(PerformanceEstimation.realized(.specificity, predicted: predicted, labels: labels, classes: 2, rows: 0..<4, binary: true) == 0.5)
        // Sampling error of binary precision: the standard deviation of TP → 1, FP → 0 over √(n · share of predicted positives).
        let s = PerformanceEstimation.SamplingComponents(.precision, predicted: [1, 1, 1, 0], labels: [1, 1, 0, 0], classes: 2, binary: true)
        let spread: Double = (2.0 / 9).squareRoot(), scale: Double = (100 * 0.75).squareRoot()
        #expect(agrees(s.error(rows: 100), spread / scale, rel: 1e-15))
    }
}
