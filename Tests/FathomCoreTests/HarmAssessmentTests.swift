import Testing
@testable import FathomCore
#if canImport(Glibc)
import Glibc
#endif

/// The computation behind `harm`, called directly: the verdict rule, the point changes, the
/// intervals' place around them, and the label-shift-corrected accuracy.
@Suite("Harm assessment")
struct HarmAssessmentTests {
    @Test("a change is exceeded, within or inconclusive by where its interval lies against δ")
    func verdicts() {
        #expect(HarmAssessment.verdict(worst: 0.10, best: 0.05, delta: 0.02) == .exceeded)
        #expect(HarmAssessment.verdict(worst: 0.01, best: -0.03, delta: 0.02) == .within)
        #expect(HarmAssessment.verdict(worst: 0.03, best: 0.01, delta: 0.02) == .inconclusive)
        #expect(HarmAssessment.verdict(worst: 0.02, best: 0.0, delta: 0.02) == .within, "δ itself is tolerated")
        // Accuracy is harmed downwards: an interval of change [−0.10, −0.05] exceeds δ = 0.02.
        #expect(HarmAssessment.verdict(.accuracy, lower: -0.10, upper: -0.05, delta: 0.02) == .exceeded)
        #expect(HarmAssessment.verdict(.ece, lower: -0.10, upper: -0.05, delta: 0.02) == .within)
    }

    /// n rows of probabilities (0.8, 0.2), the first `wrongShare` of them labelled 1 (wrong),
    /// the rest 0: accuracy 1 − wrongShare at confidence 0.8.
    static func sample(_ n: Int, wrongShare: Double) -> (Matrix, [Int]) {
        var storage: [Double] = [], labels: [Int] = []
        for i in 0..<n {
            storage += [0.8, 0.2]
            labels.append(Double(i) < wrongShare * Double(n) ? 1 : 0)
        }
        return (Matrix(rows: n, cols: 2, storage: storage), labels)
    }

    @Test("with target labels: the point changes are the metrics' differences, inside their intervals")
    func labelled() throws {
        let (ps, ys) = HarmAssessmentTests.sample(400, wrongShare: 0.2)
        let (pt, yt) = HarmAssessmentTests.sample(400, wrongShare: 0.4)
        var random = Xoshiro256(seed: 1)
        let rows = try HarmAssessment.labelled(source: ps, sourceLabels: ys, target: pt, targetLabels: yt,
                                               tolerances: [.accuracy: 0.05, .ece: 0.5], level: 0.95, replicates: 400, random: &random)
        #expect(rows.map(\.metric) == ["accuracy", "nll", "ece"])
        #expect(abs(rows[0].source - 0.8) < 1e-12 && abs(rows[0].target - 0.6) < 1e-12)
        let nll: Double = -0.8 * log(0.8) - 0.2 * log(0.2)
        #expect(abs(rows[1].source - nll) < 1e-12)
        // Confidence 0.8 everywhere: ECE is |0.8 − accuracy|.
        #expect(abs(rows[2].source - 0.0) < 1e-12 && abs(rows[2].target - 0.2) < 1e-12)
        for r in rows { #expect(r.lower <= r.change && r.change <= r.upper, "\(r.metric): \(r.lower) ≤ \(r.change) ≤ \(r.upper)") }
        #expect(rows[0].verdict == .exceeded, "accuracy fell by 0.2 against δ = 0.05")
        #expect(rows[1].delta == nil && rows[1].verdict == nil)
        #expect(rows[2].verdict == .within)
        // Seeded: the same generator gives the same rows.
        var again = Xoshiro256(seed: 1)
        let repeated = try HarmAssessment.labelled(source: ps, sourceLabels: ys, target: pt, targetLabels: yt,
                                                   tolerances: [.accuracy: 0.05, .ece: 0.5], level: 0.95, replicates: 400, random: &again)
        #expect(repeated == rows)
    }

    @Test("without target labels: the source accuracy reweighted by the BBSE class weights")
    func labelShift() throws {
        // A perfect classifier on source; the target holds three times as many of class 1.
        let ps = Matrix(rows: 200, cols: 2, storage: (0..<200).flatMap { $0 < 100 ? [0.9, 0.1] : [0.1, 0.9] })
        let ys = (0..<200).map { $0 < 100 ? 0 : 1 }
        let pt = Matrix(rows: 200, cols: 2, storage: (0..<200).flatMap { $0 < 50 ? [0.9, 0.1] : [0.1, 0.9] })
        var random = Xoshiro256(seed: 2)
        let row = try HarmAssessment.labelShiftCorrected(source: ps, sourceLabels: ys, target: pt, tolerance: 0.02, level: 0.9,
                                                         replicates: 200, random: &random)
        #expect(row.source == 1 && abs(row.target - 1) < 1e-12, "a perfect classifier stays perfect under label shift")
        #expect(row.verdict == .within)
    }
}
