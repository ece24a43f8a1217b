import Testing
@testable import FathomCore
import FathomTestSupport

/// Split conformal prediction, Mondrian conformal prediction and conformal risk control against
/// MAPIE 1.6.0 (Tests/FathomCoreTests/Fixtures/conformal/mapie.json, made by
/// Scripts/make-fixtures-conformal.py). MAPIE randomises APS calibration scores with numpy's
/// RandomState(12345); the fixture stores those uniforms, and Fathom is given them.
@Suite("Conformal prediction against MAPIE")
struct ConformalReferenceTests {
    static let fixture = try! Fixture.json("conformal/mapie.json")
    static let split = fixture["split"]!.array
    static let cases = split.indices.map { $0 }

    static func labels(_ v: JSONValue) -> [Int] { v.doubles.map { Int($0) } }
    static func sets(_ v: JSONValue) -> [Bool] { v.array.flatMap { $0.doubles.map { $0 == 1 } } }

    @Test("thresholds, sets, coverage and mean size, LAC and APS, every α", arguments: cases)
    func splitConformal(_ index: Int) throws {
        let c = Self.split[index]
        let name = c["name"]!.text
        let pc = c["p_cal"]!.fixtureMatrix, pt = c["p_test"]!.fixtureMatrix
        let yc = Self.labels(c["y_cal"]!), yt = Self.labels(c["y_test"]!)
        #expect(agrees(ConformalPrediction.scores(pc, labels: yc, score: .lac), c["conformity_scores_cal"]!["lac"]!.doubles.map { $0 }, abs: 0),
                "\(name): LAC calibration scores")
        var compared = 0
        for r in c["results"]!.array {
            let score = ConformalPrediction.Score(rawValue: r["score"]!.text)!
            let alpha = r["alpha"]!.double
            let n = pc.rows
            #expect(ConformalPrediction.rank(rows: n, alpha: alpha) == Int(r["rank"]!.double), "\(name) \(score) α \(alpha): rank")
            guard case .number(let expected)? = r["threshold"] else {
                // MAPIE refuses (too few rows for α, or APS on a binary target); Fathom refuses
                // too few rows as well.
                if r["error"]!.text.contains("too low") { #expect(ConformalPrediction.rank(rows: n, alpha: alpha) > n) }
                continue
            }
            let u = score == .aps ? Array(c["aps_u"]!.doubles.prefix(n)) : nil
            let calibration = ConformalPrediction.Calibration(pc, labels: yc, score: score, alpha: alpha, uniforms: u)
            #expect(agrees(calibration.threshold, expected, abs: 1e-15), "\(name) \(score) α \(alpha): \(calibration.threshold) vs \(expected)")
            let sets = ConformalPrediction.sets(pt, threshold: calibration.threshold, score: score)
            let want = Self.sets(r["sets"]!)
            #expect(sets == want, "\(name) \(score) α \(alpha): \(zip(sets, want).filter { $0 != $1 }.count) set entries differ")
            let covered = ConformalPrediction.covered(sets, classes: pt.cols, labels: yt)
            #expect(agrees(Double(covered.filter { $0 }.count) / Double(yt.count), r["coverage"]!.double, rel: 1e-15))
            let sizes = ConformalPrediction.sizes(sets, classes: pt.cols)
            #expect(agrees(Double(sizes.reduce(0, +)) / Double(sizes.count), r["mean_size"]!.double, rel: 1e-15))
            compared += 1
        }
        #expect(compared >= 3, "\(name): every case has results to compare")
    }

    @Test("Mondrian: MAPIE calibrated on each group's rows, applied to that group's test rows")
    func mondrian() throws {
        let c = Self.fixture["mondrian"]!.array[0]
        let pc = c["p_cal"]!.fixtureMatrix, pt = c["p_test"]!.fixtureMatrix
        let yc = Self.labels(c["y_cal"]!), gc = Self.labels(c["g_cal"]!), gt = Self.labels(c["g_test"]!)
        // Each group's APS uniforms are a fresh RandomState(12345) stream: the prefix stored
        // with the first split case.
        let stream = Self.split[0]["aps_u"]!.doubles
        var u = [Double](repeating: 0, count: pc.rows), seen = [Int](repeating: 0, count: 3)
        for i in 0..<pc.rows { u[i] = stream[seen[gc[i]]]; seen[gc[i]] += 1 }
        try #require(seen.allSatisfy { $0 <= stream.count })
        for r in c["results"]!.array {
            let score = ConformalPrediction.Score(rawValue: r["score"]!.text)!
            let m = ConformalPrediction.mondrian(calibration: pc, labels: yc, groups: gc, test: pt, groups: gt, groupCount: 3,
                                                 score: score, alpha: r["alpha"]!.double, uniforms: score == .aps ? u : nil)
            let expected = (0..<3).map { r["thresholds"]![String($0)]!.double }
            #expect(agrees(m.thresholds, expected, abs: 1e-15), "\(score): \(m.thresholds) vs \(expected)")
            #expect(m.sets == Self.sets(r["sets"]!), "\(score): sets")
        }
    }

    static let riskCases = fixture["risk_control"]!.array.indices.map { $0 }

    @Test("risk control: the exact threshold, and MAPIE's own on its grid", arguments: riskCases)
    func riskControl(_ index: Int) throws {
        let c = Self.fixture["risk_control"]!.array[index]
        let pc = c["p_cal"]!.fixtureMatrix, pt = c["p_test"]!.fixtureMatrix
        let yc = ConformalRiskControl.Positives(multiLabel: c["Y_cal"]!.fixtureMatrix)
        let yt = ConformalRiskControl.Positives(multiLabel: c["Y_test"]!.fixtureMatrix)
        let alpha = c["alpha"]!.double
        let exact = ConformalRiskControl.calibrate(pc, yc, alpha: alpha, bound: 1)
        #expect(exact.threshold == c["exact_threshold"]!.double && exact.controlled)
        #expect(agrees(exact.calibrationRisk, c["exact_cal_risk"]!.double, rel: 1e-12))
        #expect(ConformalRiskControl.sets(pt, threshold: exact.threshold) == Self.sets(c["exact_sets"]!))
        let testRisk = ConformalRiskControl.losses(pt, yt, threshold: exact.threshold).reduce(0, +) / Double(pt.rows)
        #expect(agrees(testRisk, c["exact_test_risk"]!.double, rel: 1e-12))
        // MAPIE searches 0, 0.01, …, 0.99 (as numpy's arange computes them) at its own α
        // (1 − 0.9 in floating point); it needs the bound strictly below α, Fathom at most α,
        // which differ only on a tie, and there is none here.
        let grid = c["mapie_grid"]!["values"]!.doubles
        #expect(grid == (0..<100).map { Double($0) * 0.01 })
        let mapie = ConformalRiskControl.calibrate(pc, yc, alpha: c["mapie_alpha_internal"]!.double, bound: 1, grid: grid)
        #expect(mapie.threshold == c["mapie_threshold"]!.double)
        #expect(!c["mapie_r_hat_plus"]!.doubles.contains(c["mapie_alpha_internal"]!.double))
        #expect(ConformalRiskControl.sets(pt, threshold: mapie.threshold) == Self.sets(c["mapie_sets"]!))
        let mapieRisk = ConformalRiskControl.losses(pt, yt, threshold: mapie.threshold).reduce(0, +) / Double(pt.rows)
        #expect(agrees(mapieRisk, c["mapie_test_risk"]!.double, rel: 1e-12))
        // R̂ on the grid, as MAPIE reports it.
        let rHat = grid.map { ConformalRiskControl.losses(pc, yc, threshold: $0).reduce(0, +) / Double(pc.rows) }
        #expect(agrees(rHat, c["mapie_r_hat"]!.doubles, rel: 1e-12, abs: 1e-15))
    }
}
