#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import FathomCore
import FathomTestSupport

/// Conformal prediction and risk control worked by hand, and the coverage guarantee checked by
/// simulation. MAPIE agreement is in ConformalReferenceTests.
@Suite("Conformal prediction and risk control")
struct ConformalTests {
    @Test("the threshold is the ⌈(n + 1)(1 − α)⌉-th smallest score; beyond n it is +∞")
    func threshold() {
        let s = (1...9).map { Double($0) / 10 }
        #expect(ConformalPrediction.rank(rows: 9, alpha: 0.1) == 9)
        #expect(ConformalPrediction.threshold(sortedScores: s, alpha: 0.1) == 0.9)
        #expect(ConformalPrediction.rank(rows: 9, alpha: 0.2) == 8)
        #expect(ConformalPrediction.threshold(sortedScores: s, alpha: 0.2) == 0.8)
        #expect(ConformalPrediction.threshold(sortedScores: s, alpha: 0.5) == 0.5)
        #expect(ConformalPrediction.threshold(sortedScores: s, alpha: 0.05) == .infinity, "10 × 0.95 = 9.5 rounds up to 10 > 9")
        #expect(ConformalPrediction.threshold(sortedScores: [], alpha: 0.5) == .infinity)
        // 0.1 is the smallest α nine rows serve.
        #expect(ConformalPrediction.smallestAlpha(rows: 9) == 0.1)
    }

    @Test("LAC scores 1 − p̂(y); APS the mass ranked at or above y, ties higher class first, less u·p̂(y)")
    func scores() {
        let p = Matrix(rowArrays: [[0.5, 0.3, 0.2], [0.5, 0.3, 0.2], [0.4, 0.4, 0.2], [0.4, 0.4, 0.2]])
        let y = [1, 2, 0, 1]
        #expect(agrees(ConformalPrediction.scores(p, labels: y, score: .lac), [0.7, 0.8, 0.6, 0.6], rel: 1e-15))
        // Row 2: classes 0 and 1 tie at 0.4, class 1 ranks first, so class 0's mass is 0.8.
        #expect(agrees(ConformalPrediction.scores(p, labels: y, score: .aps), [0.8, 1.0, 0.8, 0.4], rel: 1e-15))
        let u = [0.5, 0, 0.25, 1]
        #expect(agrees(ConformalPrediction.scores(p, labels: y, score: .aps, uniforms: u), [0.8 - 0.15, 1.0, 0.8 - 0.1, 0], abs: 1e-15))
    }

    @Test("sets: LAC keeps 1 − p̂ ≤ q̂ and can be empty; APS walks to the class reaching q̂ and keeps its ties")
    func sets() {
        let p = Matrix(rowArrays: [[0.5, 0.3, 0.2], [0.4, 0.35, 0.25], [0.4, 0.4, 0.2], [1, 0, 0]])
        #expect(ConformalPrediction.sets(p, threshold: 0.55, score: .lac) == [true, false, false, false, false, false, false, false, false, true, false, false])
        #expect(ConformalPrediction.sizes(ConformalPrediction.sets(p, threshold: 0.65, score: .lac), classes: 3) == [1, 2, 2, 1])
        // APS at 0.75: row 0 reaches 0.75 at class 1 (0.8): {0, 1}; row 1 at class 1 (0.75 exactly);
        // row 2 at the second of the tied pair: both; row 3 at class 0, and the zero classes stay out.
        let aps = ConformalPrediction.sets(p, threshold: 0.75, score: .aps)
        #expect(aps == [true, true, false, true, true, false, true, true, false, true, false, false])
        // At 0.5 row 0 stops at class 0 (cumulative 0.5, within the tolerance); row 2 still
        // needs both tied classes.
        #expect(ConformalPrediction.sizes(ConformalPrediction.sets(p, threshold: 0.5, score: .aps), classes: 3) == [1, 2, 2, 1])
        #expect(ConformalPrediction.sets(p, threshold: .infinity, score: .lac).allSatisfy { $0 })
        #expect(ConformalPrediction.covered(aps, classes: 3, labels: [2, 0, 1, 1]) == [false, true, true, false])
    }

    /// Calibrated probabilities: a row's class is drawn from its own probabilities.
    static func draw(_ n: Int, classes k: Int, _ g: inout Xoshiro256) -> (Matrix, [Int]) {
        var storage: [Double] = [], y: [Int] = []
        for _ in 0..<n {
            var row = (0..<k).map { _ in -3 * log(max(g.nextUniform(), 1e-300)) }
            let total = row.reduce(0, +)
            row = row.map { $0 / total }
            storage += row
            var u = g.nextUniform(), c = 0
            while c < k - 1 && u >= row[c] { u -= row[c]; c += 1 }
            y.append(c)
        }
        return (Matrix(rows: n, cols: k, storage: storage), y)
    }

    @Test("coverage averages between 1 − α and 1 − α + 1/(n + 1) over calibration draws (LAC and randomised APS)", arguments: [ConformalPrediction.Score.lac, .aps])
    func guarantee(score: ConformalPrediction.Score) {
        var g = Xoshiro256(seed: 11)
        let n = 99, alpha = 0.1, trials = 400, testRows = 200
        var total = 0.0
        for _ in 0..<trials {
            let (pc, yc) = Self.draw(n, classes: 4, &g)
            let (pt, yt) = Self.draw(testRows, classes: 4, &g)
            let u = score == .aps ? (0..<n).map { _ in g.nextUniform() } : nil
            let c = ConformalPrediction.Calibration(pc, labels: yc, score: score, alpha: alpha, uniforms: u)
            let covered = ConformalPrediction.covered(ConformalPrediction.sets(pt, threshold: c.threshold, score: score), classes: 4, labels: yt)
            total += Double(covered.filter { $0 }.count) / Double(testRows)
        }
        let mean = total / Double(trials)
        // Coverage over a calibration draw is Beta(90, 10) here: sd 0.03, so the mean of 400 has sd 0.0015 (plus test noise).
        #expect(mean >= 0.9 - 0.006, "mean coverage \(mean)")
        // APS sets keep the class that crosses q̂ (MAPIE's include_last_label=True), so APS may over-cover.
        if score == .lac { #expect(mean <= 0.9 + 0.01 + 0.006, "mean coverage \(mean)") }
    }

    @Test("Mondrian: each group's threshold is the split threshold of its own rows")
    func mondrian() {
        var g = Xoshiro256(seed: 5)
        let (pc, yc) = Self.draw(300, classes: 3, &g)
        let (pt, _) = Self.draw(50, classes: 3, &g)
        let gc = (0..<300).map { $0 % 3 }, gt = (0..<50).map { ($0 * 7) % 3 }
        let m = ConformalPrediction.mondrian(calibration: pc, labels: yc, groups: gc, test: pt, groups: gt, groupCount: 3, score: .lac, alpha: 0.1)
        #expect(m.rows == [100, 100, 100])
        for group in 0..<3 {
            let rows = gc.indices.filter { gc[$0] == group }
            let own = ConformalPrediction.Calibration(pc.selectingRows(rows), labels: rows.map { yc[$0] }, score: .lac, alpha: 0.1)
            #expect(m.thresholds[group] == own.threshold)
            for i in gt.indices where gt[i] == group {
                let alone = ConformalPrediction.sets(pt.selectingRows([i]), threshold: own.threshold, score: .lac)
                #expect(Array(m.sets[(i * 3)..<(i * 3 + 3)]) == alone)
            }
        }
    }

    @Test("risk control: the last threshold before the bound (n·R̂ + B)/(n + 1) passes α")
    func riskControl() {
        // True-class scores 0.2, 0.5, 0.9: R̂ is 0 below 0.2, 1/3 from 0.2, 2/3 from 0.5.
        let p = Matrix(rowArrays: [[0.8, 0.2], [0.5, 0.5], [0.1, 0.9]])
        let y = ConformalRiskControl.Positives(labels: [1, 1, 1])
        let r = ConformalRiskControl.calibrate(p, y, alpha: 0.55, bound: 1)
        #expect(r.threshold == 0.2 && r.controlled)
        #expect(agrees(r.calibrationRisk, 1.0 / 3, rel: 1e-15) && agrees(r.bound, 0.5, rel: 1e-15))
        #expect(ConformalRiskControl.sets(p, threshold: r.threshold) == [true, false, true, true, false, true])
        // At α = 0.3 even the full sets' bound 1/4 … passes; at 0.2 nothing does.
        #expect(ConformalRiskControl.calibrate(p, y, alpha: 0.3, bound: 1).threshold == 0.1)
        let none = ConformalRiskControl.calibrate(p, y, alpha: 0.2, bound: 1)
        #expect(!none.controlled && none.threshold == 0)
        // A grid searches only its own points.
        #expect(ConformalRiskControl.calibrate(p, y, alpha: 0.45, bound: 1, grid: [0, 0.15, 0.3]).threshold == 0.15)
        #expect(ConformalRiskControl.calibrate(p, y, alpha: 0.55, bound: 1, grid: [0, 0.15, 0.3]).threshold == 0.3)
        // Costs: missing class 1 costs 2, so B = 2 and one miss gives (3·(2/3) + 2)/4 = 1.
        let costly = ConformalRiskControl.Positives(labels: [1, 1, 1], costs: [1, 2])
        #expect(ConformalRiskControl.calibrate(p, costly, alpha: 1.01, bound: 2).threshold == 0.2)
        #expect(ConformalRiskControl.calibrate(p, costly, alpha: 0.99, bound: 2).threshold == 0.1)
    }

    @Test("multi-label: the loss is the share of a row's true classes left out")
    func multiLabel() {
        let p = Matrix(rowArrays: [[0.9, 0.6, 0.1], [0.3, 0.8, 0.7]])
        let y = Matrix(rowArrays: [[1, 1, 0], [0, 1, 1]])
        let positives = ConformalRiskControl.Positives(multiLabel: y)
        #expect(positives.offsets == [0, 2, 4] && positives.classes == [0, 1, 1, 2])
        #expect(ConformalRiskControl.losses(p, positives, threshold: 0.65) == [0.5, 0])
        #expect(ConformalRiskControl.losses(p, positives, threshold: 0.75) == [0.5, 0.5])
        #expect(ConformalRiskControl.losses(p, positives, threshold: 0.95) == [1, 1])
    }
}
