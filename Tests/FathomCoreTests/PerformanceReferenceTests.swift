import Testing
@testable import FathomCore
import FathomTestSupport

/// CBPE against NannyML 0.13.1 (Tests/FathomCoreTests/Fixtures/performance/cbpe.json, made by
/// Scripts/make-fixtures-performance.py): the calibrated probabilities, and per chunk the
/// estimated accuracy, its sampling error and band, the alert thresholds from the reference
/// chunks, the alerts and the realised accuracy. NannyML decides whether to calibrate by a
/// cross-validated ECE test; Fathom makes the step explicit, so each case is run with
/// NannyML's decision, read from the fixture.
@Suite("Performance estimation against NannyML's CBPE")
struct PerformanceReferenceTests {
    static let fixture = try! Fixture.json("performance/cbpe.json")
    static let names = fixture["cases"]!.keys

    /// An N×K matrix from a binary vector of P(y = 1) or from rows.
    static func probabilities(_ v: JSONValue, binary: Bool) -> Matrix {
        binary ? Matrix(rowArrays: v.doubles.map { [1 - $0, $0] }) : v.fixtureMatrix
    }

    @Test("calibrated probabilities, chunk estimates, sampling errors, bands, thresholds, alerts and realised accuracy", arguments: names)
    func chunks(_ name: String) throws {
        let c = Self.fixture["cases"]![name]!
        let binary = c["problem_type"]!.text == "classification_binary"
        let ps = Self.probabilities(c["reference"]!["y_pred_proba"]!, binary: binary)
        let pt = Self.probabilities(c["analysis"]!["y_pred_proba"]!, binary: binary)
        let ys = c["reference"]!["y_true"]!.doubles.map { Int($0) }, yt = c["analysis"]!["y_true"]!.doubles.map { Int($0) }
        let predictedSource = PerformanceEstimation.predictions(ps, binary: binary), predicted = PerformanceEstimation.predictions(pt, binary: binary)
        #expect(predictedSource == c["reference"]!["y_pred"]!.doubles.map { Int($0) } && predicted == c["analysis"]!["y_pred"]!.doubles.map { Int($0) })
        let calibrate: Bool
        if binary {
            calibrate = c["needs_calibration"]!["value"]!.bool
        } else {
            let flags = c["calibrators"]!["value"]!
            calibrate = flags.keys.allSatisfy { flags[$0]!["needs_calibration"]!.bool }
            #expect(calibrate, "every class is calibrated in this case")
        }
        let target = calibrate ? PerformanceEstimation.Calibration(reference: ps, labels: ys, binary: binary).apply(pt) : pt
        let expectedCalibrated = c["calibrated_analysis_y_pred_proba"]!["value"]!
        let got = binary ? target.column(1) : target.storage
        #expect(agrees(got, binary ? expectedCalibrated.doubles : expectedCalibrated.fixtureMatrix.storage, rel: 1e-12, abs: 1e-15),
                "calibrated probabilities differ by up to \(maxDifference(got, binary ? expectedCalibrated.doubles : expectedCalibrated.fixtureMatrix.storage))")

        let size = Int(c["chunk_size"]!.double)
        let rows = c["chunks"]!["rows"]!.array
        let referenceRows = rows.filter { $0["period"]!.text == "reference" }, analysisRows = rows.filter { $0["period"]!.text == "analysis" }
        let referenceChunks = PerformanceEstimation.chunks(ps.rows, ps.rows / size)
        let realizedReference = referenceChunks.map { PerformanceEstimation.accuracy(predicted: predictedSource, labels: ys, rows: $0) }
        #expect(agrees(realizedReference, referenceRows.map { $0["realized"]!.double }, rel: 1e-15))
        let thresholds = PerformanceEstimation.thresholds(realizedReference)
        let deviation = PerformanceEstimation.correctnessDeviation(predicted: predictedSource, labels: ys)
        let ranges = PerformanceEstimation.chunks(pt.rows, pt.rows / size)
        try #require(ranges.count == analysisRows.count)
        for (r, e) in zip(ranges, analysisRows) {
            #expect(r.lowerBound == Int(e["start_index"]!.double) && r.upperBound - 1 == Int(e["end_index"]!.double))
            let estimate = PerformanceEstimation.expectedAccuracy(target, predicted: predicted, rows: r)
            let error = deviation / Double(r.count).squareRoot()
            #expect(agrees(estimate, e["value"]!.double, rel: 1e-12), "\(name) chunk \(e["key"]!.text): \(estimate) vs \(e["value"]!.double)")
            #expect(agrees(error, e["sampling_error"]!.double, rel: 1e-12))
            #expect(agrees(min(1, estimate + 3 * error), e["upper_confidence_boundary"]!.double, rel: 1e-12))
            #expect(agrees(max(0, estimate - 3 * error), e["lower_confidence_boundary"]!.double, rel: 1e-12))
            #expect(agrees(thresholds.lower, e["lower_threshold"]!.double, rel: 1e-12) && agrees(thresholds.upper, e["upper_threshold"]!.double, rel: 1e-12))
            #expect((estimate < thresholds.lower || estimate > thresholds.upper) == e["alert"]!.bool)
            #expect(agrees(PerformanceEstimation.accuracy(predicted: predicted, labels: yt, rows: r), e["realized"]!.double, rel: 1e-15))
        }
    }

    /// (case, metric) pairs of the fixture beyond accuracy.
    static let metricCases: [(String, String)] = names.flatMap { n in ["f1", "precision", "recall", "specificity"].map { (n, $0) } }

    @Test("F1, precision, recall and specificity: estimates, sampling errors, bands, thresholds, alerts and realised values", arguments: metricCases)
    func metrics(_ name: String, _ metricName: String) throws {
        let c = Self.fixture["cases"]![name]!
        let metric = try #require(PerformanceEstimation.Metric(rawValue: metricName))
        let binary = c["problem_type"]!.text == "classification_binary"
        let ps = Self.probabilities(c["reference"]!["y_pred_proba"]!, binary: binary)
        let pt = Self.probabilities(c["analysis"]!["y_pred_proba"]!, binary: binary)
        let ys = c["reference"]!["y_true"]!.doubles.map { Int($0) }, yt = c["analysis"]!["y_true"]!.doubles.map { Int($0) }
        let predictedSource = PerformanceEstimation.predictions(ps, binary: binary), predicted = PerformanceEstimation.predictions(pt, binary: binary)
        let calibrate = binary ? c["needs_calibration"]!["value"]!.bool : true
        let target = calibrate ? PerformanceEstimation.Calibration(reference: ps, labels: ys, binary: binary).apply(pt) : pt
        let size = Int(c["chunk_size"]!.double)
        let rows = c["chunks"]!["rows"]!.array
        let referenceRows = rows.filter { $0["period"]!.text == "reference" }, analysisRows = rows.filter { $0["period"]!.text == "analysis" }
        let referenceChunks = PerformanceEstimation.chunks(ps.rows, ps.rows / size)
        let realizedReference = referenceChunks.map {
            PerformanceEstimation.realized(metric, predicted: predictedSource, labels: ys, classes: ps.cols, rows: $0, binary: binary)
        }
        #expect(agrees(realizedReference, referenceRows.map { $0[metricName]!["realized"]!.double }, rel: 1e-13))
        let band = try #require(PerformanceEstimation.band(realizedReference))
        let components = PerformanceEstimation.SamplingComponents(metric, predicted: predictedSource, labels: ys, classes: ps.cols, binary: binary)
        let ranges = PerformanceEstimation.chunks(pt.rows, pt.rows / size)
        try #require(ranges.count == analysisRows.count)
        for (r, row) in zip(ranges, analysisRows) {
            let e = row[metricName]!
            let estimate = PerformanceEstimation.expected(metric, target, predicted: predicted, rows: r, binary: binary)
            let error = components.error(rows: r.count)
            #expect(agrees(estimate, e["value"]!.double, rel: 1e-12), "\(name) \(metricName) chunk \(row["key"]!.text): \(estimate) vs \(e["value"]!.double)")
            #expect(agrees(error, e["sampling_error"]!.double, rel: 1e-12), "\(name) \(metricName): sampling error \(error) vs \(e["sampling_error"]!.double)")
            #expect(agrees(min(1, estimate + 3 * error), e["upper_confidence_boundary"]!.double, rel: 1e-12))
            #expect(agrees(max(0, estimate - 3 * error), e["lower_confidence_boundary"]!.double, rel: 1e-12))
            #expect(agrees(band.lower, e["lower_threshold"]!.double, rel: 1e-12) && agrees(band.upper, e["upper_threshold"]!.double, rel: 1e-12))
            #expect((estimate < band.lower || estimate > band.upper) == e["alert"]!.bool)
            #expect(agrees(PerformanceEstimation.realized(metric, predicted: predicted, labels: yt, classes: pt.cols, rows: r, binary: binary), e["realized"]!.double, rel: 1e-13))
        }
    }
}
