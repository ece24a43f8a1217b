import Testing
import FathomTestSupport
@testable import FathomCore

/// The reliability functions of the core against the reference values in
/// Tests/FathomCoreTests/Fixtures/reliability (netcal, Kumar's calibration package, relplot,
/// scikit-learn, betacal and scipy; made by Scripts/make-fixtures-reliability.py, see the
/// README there). FathomLanguageTests/ReliabilityBindingTests checks that the builtins
/// (ece(p, y), temperature(z, y), …) return what these functions return.
enum ReliabilityReference {
    static let datasets = try! Fixture.json("reliability/datasets.json")["datasets"]!
    static let metrics = try! Fixture.json("reliability/metrics.json")
    static let recalibration = try! Fixture.json("reliability/recalibration.json")
    static let monitors = try! Fixture.json("reliability/monitors.json")
    static let binomial = try! Fixture.json("reliability/binomial.json")

    /// A dataset as the core takes it.
    struct Data {
        /// N×K probabilities; a vector q of P(y = 1) as its two columns [1 − q, q], as the
        /// builtins read it.
        let p: Matrix
        /// The vector of P(y = 1), when the dataset gives one.
        let q: [Double]?
        let y: [Int]
        let w: [Double]?
        /// The logits, when the dataset has them.
        let z: Matrix?

        var top: TopLabel { TopLabel(probabilities: p, labels: y) }
        /// Whether each top-label prediction is right (argmax(p) == y), as 1 or 0.
        var correct: [Double] { zip(RowOperations.argmax(p), y).map { $0 == $1 ? 1 : 0 } }
    }

    static func data(_ name: String) -> Data {
        let d = datasets[name]!
        let q = d["binary_vector"]!.bool ? d["p"]!.doubles : nil
        let p = q.map(twoColumns) ?? d["p"]!.fixtureMatrix
        return Data(p: p, q: q, y: labels(d["y"]!), w: d["w"]?.doubles, z: d["logits"]?.fixtureMatrix)
    }

    /// P(y = 1) as the two-column matrix [1 − q, q].
    static func twoColumns(_ q: [Double]) -> Matrix {
        Matrix(rows: q.count, cols: 2, storage: q.flatMap { [1 - $0, $0] })
    }

    static func labels(_ y: JSONValue) -> [Int] { y.doubles.map { Int($0) } }

    /// The binned calibration error of the top label, as ece(p, y, …) computes it.
    static func ece(_ top: TopLabel, weights: [Double]? = nil, bins: Int = 15, binning: Binning = .width, norm: Int = 1, debias: Bool = false) -> Double {
        CalibrationError.expected(BinStatistics(confidence: top.confidence, correct: top.correct, weights: weights, bins: bins, binning: binning), norm: norm, debias: debias)
    }

    /// The classwise ECE: the mean over classes k of the ECE of p_·k against [y = k].
    static func classwiseECE(_ p: Matrix, _ y: [Int], bins: Int) -> Double {
        let perClass = (0..<p.cols).map { k in
            ece(TopLabel(confidence: p.column(k), prediction: [Int](repeating: k, count: p.rows), correct: y.map { $0 == k ? 1 : 0 }), bins: bins)
        }
        return perClass.reduce(0, +) / Double(p.cols)
    }
}

@Suite("Calibration metrics against netcal, Kumar et al. and relplot")
struct CalibrationMetricReferenceTests {
    static let names = ["digits-mlp-test", "digits-mlp-validation", "digits-softmax-test", "dirichlet-3class", "binary-naive-bayes", "binary-logistic", "edges"]

    @Test("accuracy, nll and brier to 1e-12 rel", arguments: names)
    func scores(_ name: String) throws {
        let d = ReliabilityReference.data(name), ref = ReliabilityReference.metrics["datasets"]![name]!
        #expect(agrees(ProperScores.mean(d.top.correct, weights: nil), ref["accuracy"]!.reference.double, rel: 1e-12))
        #expect(agrees(ProperScores.mean(ProperScores.negativeLogLikelihoods(d.p, d.y), weights: nil), ref["nll"]!.reference.double, rel: 1e-12))
        let brier = ProperScores.mean(ProperScores.brierTerms(d.p, d.y), weights: nil)
        #expect(agrees(brier, ref["brier"]!.reference.double, rel: 1e-12))
        // For a vector of P(y = 1) brier() halves the two-column sum: mean (q − y)².
        if let half = ref["brier"]!["binary_vector_mean_sq"] {
            #expect(agrees(brier / 2, half.double, rel: 1e-12))
        }
    }

    @Test("ece, mce, ace with equal-width bins to 1e-12 abs", arguments: names)
    func binned(_ name: String) throws {
        let top = ReliabilityReference.data(name).top, ref = ReliabilityReference.metrics["datasets"]![name]!
        for b in ref["ece"]!.keys {
            let s = BinStatistics(confidence: top.confidence, correct: top.correct, bins: Int(b)!, binning: .width)
            #expect(agrees(CalibrationError.expected(s), ref["ece"]![b]!.reference.double, abs: 1e-12), "ece bins=\(b)")
            #expect(agrees(CalibrationError.maximum(s), ref["mce"]![b]!.reference.double, abs: 1e-12), "mce bins=\(b)")
            #expect(agrees(CalibrationError.average(s), ref["ace"]![b]!.reference.double, abs: 1e-12), "ace bins=\(b)")
        }
    }

    @Test("equal-mass, L2, debiased and classwise ECE to 1e-12 abs", arguments: names)
    func variants(_ name: String) throws {
        let d = ReliabilityReference.data(name), top = d.top, ref = ReliabilityReference.metrics["datasets"]![name]!
        for b in ref["ece_equal_mass"]!.keys {
            #expect(agrees(ReliabilityReference.ece(top, bins: Int(b)!, binning: .mass), ref["ece_equal_mass"]![b]!.reference.double, abs: 1e-12), "mass bins=\(b)")
        }
        for b in ref["ece_l2"]!.keys {
            guard let bins = Int(b) else { continue }
            #expect(agrees(ReliabilityReference.ece(top, bins: bins, norm: 2), ref["ece_l2"]![b]!["norm2"]!.reference.double, abs: 1e-12), "L2 bins=\(b)")
            #expect(agrees(ReliabilityReference.ece(top, bins: bins, norm: 2, debias: true), ref["ece_l2"]![b]!["norm2_debiased"]!.reference.double, abs: 1e-12), "debiased bins=\(b)")
        }
        for b in ref["ece_classwise"]!.keys {
            #expect(agrees(ReliabilityReference.classwiseECE(d.p, d.y, bins: Int(b)!), ref["ece_classwise"]![b]!.reference.double, abs: 1e-12), "classwise bins=\(b)")
        }
    }

    @Test("smooth ECE agrees with relplot.smECE to 1e-9 abs, its width exactly", arguments: names)
    func smooth(_ name: String) throws {
        let top = ReliabilityReference.data(name).top, ref = ReliabilityReference.metrics["datasets"]![name]!["smece"]!
        let (value, sigma) = SmoothECE.value(confidence: top.confidence, correct: top.correct)
        #expect(sigma == ref["sigma"]!.double)
        #expect(agrees(value, ref.reference.double, abs: 1e-9))
        for s in ref["at_fixed_sigma"]!.keys {
            let at = SmoothECE.atWidth(confidence: top.confidence, correct: top.correct, sigma: Double(s)!)
            #expect(agrees(at, ref["at_fixed_sigma"]![s]!.reference.double, abs: 1e-9), "σ = \(s)")
        }
    }

    @Test("weighted accuracy, nll, brier and ece", arguments: ["weights", "weights-digits"])
    func weighted(_ name: String) throws {
        let d = ReliabilityReference.data(name), ref = ReliabilityReference.metrics["weighted"]![name]!
        #expect(agrees(ProperScores.mean(d.top.correct, weights: d.w), ref["accuracy"]!.reference.double, rel: 1e-12))
        #expect(agrees(ProperScores.mean(ProperScores.negativeLogLikelihoods(d.p, d.y), weights: d.w), ref["nll"]!.reference.double, rel: 1e-12))
        #expect(agrees(ProperScores.mean(ProperScores.brierTerms(d.p, d.y), weights: d.w), ref["brier"]!.reference.double, rel: 1e-12))
        for b in ref["ece"]!.keys {
            #expect(agrees(ReliabilityReference.ece(d.top, weights: d.w, bins: Int(b)!), ref["ece"]![b]!.reference.double, abs: 1e-12), "bins=\(b)")
        }
    }

    @Test("the reliability table's bins", arguments: ["digits-mlp-test", "edges"])
    func table(_ name: String) throws {
        let top = ReliabilityReference.data(name).top
        let want = ReliabilityReference.metrics["datasets"]![name]!["reliability_table_15"]!["bins"]!.array
        let s = BinStatistics(confidence: top.confidence, correct: top.correct, bins: 15, binning: .width)
        let rows = (0..<s.bins).filter { s.count[$0] > 0 }
        #expect(rows.count == want.count)
        let columns: [(String, (Int) -> Double)] = [
            ("count", { s.count[$0] }), ("mean_confidence", { s.confidenceSum[$0] / s.count[$0] }), ("accuracy", { s.correctSum[$0] / s.count[$0] }),
            ("gap", { s.correctSum[$0] / s.count[$0] - s.confidenceSum[$0] / s.count[$0] }), ("lower", { s.lower[$0] }), ("upper", { s.upper[$0] }),
        ]
        for (key, value) in columns {
            #expect(maxDifference(rows.map(value), want.map { $0[key]!.double }) <= 1e-12, "\(key)")
        }
    }
}

@Suite("Recalibration against scikit-learn, scipy, netcal and betacal")
struct RecalibrationReferenceTests {
    static let ref = ReliabilityReference.recalibration

    /// The labels of binary-naive-bayes, which the binary calibrators are fitted on.
    static let binaryLabels = ReliabilityReference.data("binary-naive-bayes").y

    @Test("temperature: T to 1e-6 rel of the converged optimum, test probabilities, ECE before and after", arguments: ["digits-mlp", "digits-softmax"])
    func temperature(_ name: String) throws {
        let r = Self.ref["temperature"]![name]!
        let fitData = ReliabilityReference.data(r["fit_on"]!.text), test = ReliabilityReference.data(r["apply_to"]!.text)
        let z = fitData.z!, zt = test.z!
        let t = try TemperatureScaling.fit(logits: z, labels: fitData.y).temperature
        #expect(agrees(t, r["T_newton"]!.reference.double, rel: 1e-6), "T = \(t)")
        #expect(agrees(t, r["T_sklearn"]!.reference.double, rel: 1e-5))
        let p = Calibrator(method: .temperature(t), classes: z.cols, input: .logits).apply(matrix: zt)
        #expect(maxDifference(p.storage, r["test_probabilities"]!.reference.fixtureNumbers) <= 1e-6)
        #expect(agrees(ReliabilityReference.ece(TopLabel(probabilities: RowOperations.softmax(zt), labels: test.y)), r["test_ece15_before"]!.reference.double, abs: 1e-12))
        #expect(agrees(ReliabilityReference.ece(TopLabel(probabilities: p, labels: test.y)), r["test_ece15_after"]!.reference.double, abs: 1e-5))
    }

    @Test("Platt: A and B to 1e-5 rel of the converged fit, on probabilities and on logits", arguments: ["probability", "logit"])
    func platt(_ kind: String) throws {
        let r = Self.ref["platt"]![kind]!
        let s = r["s"]!.doubles
        let (a, b) = try PlattScaling.fit(scores: s, labels: Self.binaryLabels)
        #expect(agrees(a, r["A_converged"]!.reference.double, rel: 1e-5), "A = \(a)")
        #expect(agrees(b, r["B_converged"]!.reference.double, rel: 1e-5), "B = \(b)")
        let calibrated = Calibrator(method: .platt(a: a, b: b), classes: 2, input: .scores).apply(vector: s)
        #expect(maxDifference(calibrated, r["calibrated_converged"]!.reference.doubles) <= 1e-6)
    }

    @Test("isotonic, binary: predictions at the inputs, on a grid and outside the range to 1e-9")
    func isotonicBinary() throws {
        let r = Self.ref["isotonic"]!["binary"]!
        let d = ReliabilityReference.data("binary-naive-bayes"), q = d.q!
        let fit = IsotonicFit.fit(scores: q, targets: d.y.map(Double.init))
        let cal = Calibrator(method: .isotonic([fit]), classes: 2, input: .scores)
        #expect(maxDifference(cal.apply(vector: q), r["predict_inputs"]!.reference.doubles) <= 1e-9)
        #expect(maxDifference(cal.apply(vector: r["grid"]!.doubles), r["predict_grid"]!.reference.doubles) <= 1e-9)
        #expect(maxDifference(r["outside"]!.doubles.map(fit.value), r["predict_outside"]!.reference.doubles) <= 1e-9)
    }

    @Test("isotonic, multiclass: one-vs-rest, renormalised, to 1e-9")
    func isotonicMulticlass() throws {
        let r = Self.ref["isotonic"]!["multiclass"]!
        let d = ReliabilityReference.data("digits-mlp-validation"), pt = ReliabilityReference.data("digits-mlp-test").p
        let fits = (0..<d.p.cols).map { k in IsotonicFit.fit(scores: d.p.column(k), targets: d.y.map { $0 == k ? 1 : 0 }) }
        let calibrated = Calibrator(method: .isotonic(fits), classes: d.p.cols, input: .probabilities).apply(matrix: pt)
        #expect(maxDifference(calibrated.storage, r["probabilities"]!.reference.fixtureNumbers) <= 1e-9)
    }

    @Test("histogram binning as netcal's HistogramBinning, binary and multiclass, to 1e-12")
    func histogram() throws {
        let binary = Self.ref["histogram_binning"]!["binary"]!
        let d = ReliabilityReference.data("binary-naive-bayes"), q = d.q!
        let values = HistogramBinning.fit(scores: q, positive: d.y.map { $0 == 1 }, bins: 15)
        let calibrated = Calibrator(method: .histogram(bins: 15, values: [values]), classes: 2, input: .probabilities).apply(vector: q)
        #expect(maxDifference(calibrated, binary["calibrated"]!.reference.doubles) <= 1e-12)
        let multi = Self.ref["histogram_binning"]!["multiclass"]!
        let v = ReliabilityReference.data("digits-mlp-validation"), pt = ReliabilityReference.data("digits-mlp-test").p
        let perClass = (0..<v.p.cols).map { k in HistogramBinning.fit(scores: v.p.column(k), positive: v.y.map { $0 == k }, bins: 15) }
        let calibratedTest = Calibrator(method: .histogram(bins: 15, values: perClass), classes: v.p.cols, input: .probabilities).apply(matrix: pt)
        #expect(maxDifference(calibratedTest.storage, multi["calibrated"]!.reference.fixtureNumbers) <= 1e-12)
    }

    @Test("vector scaling: the fitted NLL to 1e-9 rel and test probabilities to 1e-6 where a maximum exists")
    func vectorScaling() throws {
        let r = Self.ref["vector_scaling"]!["digits-softmax"]!
        let d = ReliabilityReference.data("digits-softmax-validation"), zt = ReliabilityReference.data("digits-softmax-test").z!
        let z = d.z!
        #expect(VectorScaling.separatedClasses(logits: z, labels: d.y).isEmpty)
        let fit = try VectorScaling.fit(logits: z, labels: d.y)
        #expect(agrees(fit.nll, r["nll"]!.reference.double, rel: 1e-9))
        let calibrated = Calibrator(method: .vectorScaling(w: fit.w, b: fit.b), classes: z.cols, input: .logits).apply(matrix: zt)
        #expect(maxDifference(calibrated.storage, r["test_probabilities"]!.reference.fixtureNumbers) <= 1e-6)
    }

    @Test("vector scaling finds the classes separated by their own logit, as the reference found; a penalty makes the fit well posed")
    func vectorScalingSeparated() throws {
        let r = Self.ref["vector_scaling"]!["digits-mlp"]!
        #expect(r["mle_exists"]!.bool == false)
        let d = ReliabilityReference.data("digits-mlp-validation")
        let separated = VectorScaling.separatedClasses(logits: d.z!, labels: d.y).map(\.label)
        #expect(separated.map(Double.init) == r["classes_separable_by_own_logit"]!.doubles)
        #expect(try VectorScaling.fit(logits: d.z!, labels: d.y, l2: 0.01).w.count == 10)
    }

    @Test("beta calibration: a, b, c to 1e-5 rel of the converged fit; betacal's own to 1e-3")
    func beta() throws {
        let r = Self.ref["beta"]!
        let (a, b, c) = try BetaCalibration.fit(scores: r["s"]!.doubles, labels: Self.binaryLabels)
        for (key, x) in [("a", a), ("b", b), ("c", c)] {
            #expect(agrees(x, r["converged"]![key]!.double, rel: 1e-5), "\(key) = \(x)")
            #expect(agrees(x, r[key]!.reference.double, rel: 1e-3), "\(key) vs betacal")
        }
        let grid = Calibrator(method: .beta(a: a, b: b, c: c), classes: 2, input: .probabilities).apply(vector: r["grid"]!.doubles)
        #expect(maxDifference(grid, r["calibrated_grid_converged"]!.reference.doubles) <= 1e-6)
    }
}

@Suite("Monitors and selective risk against numpy and scipy")
struct MonitorReferenceTests {
    @Test("confidence, margin and entropy", arguments: ["digits-mlp-test", "dirichlet-3class"])
    func scores(_ name: String) throws {
        let p = ReliabilityReference.data(name).p, ref = ReliabilityReference.monitors["monitors"]![name]!
        for (key, got) in [("confidence", Monitors.confidence(p)), ("margin", Monitors.margin(p)), ("entropy", Monitors.entropy(p))] {
            #expect(maxDifference(Array(got.prefix(50)), ref["\(key)_first50"]!.reference.doubles) <= 1e-12, "\(key)")
            #expect(agrees(got.reduce(0, +), ref["sum_\(key)"]!.double, rel: 1e-12), "sum of \(key)")
        }
    }

    @Test("risk–coverage curve and AURC", arguments: ["digits-mlp-test", "dirichlet-3class"])
    func riskCoverage(_ name: String) throws {
        let d = ReliabilityReference.data(name), ref = ReliabilityReference.monitors["monitors"]![name]!
        let rc = SelectivePrediction.riskCoverage(score: Monitors.confidence(d.p), correct: d.correct)
        #expect(maxDifference(rc.risk, ref["risk_coverage_confidence"]!["risks"]!.doubles) <= 1e-12)
        #expect(agrees(rc.aurc, ref["risk_coverage_confidence"]!["aurc"]!.reference.double, rel: 1e-12))
        if let neg = ref["risk_coverage_neg_entropy"] {
            let aurc = SelectivePrediction.riskCoverage(score: Monitors.entropy(d.p).map { -$0 }, correct: d.correct).aurc
            #expect(agrees(aurc, neg["aurc"]!.reference.double, rel: 1e-12))
        }
    }

    @Test("selection with guaranteed risk, Geifman & El-Yaniv's algorithm 1", arguments: ReliabilityReference.monitors["selective_guaranteed_risk"]!.array.indices)
    func guaranteedRisk(_ index: Int) throws {
        let c = ReliabilityReference.monitors["selective_guaranteed_risk"]!.array[index]
        let d = ReliabilityReference.data(c["dataset"]!.text)
        let got = SelectivePrediction.guaranteedRisk(score: Monitors.confidence(d.p), correct: d.correct, targetRisk: c["r_star"]!.double, delta: c["delta"]!.double)
        if case .string = c["result"]! {
            #expect(got == nil, "the reference found no threshold")
            return
        }
        guard let got else { Issue.record("no threshold"); return }
        let want = c["result"]!
        for (mine, x, theirs) in [("threshold", got.threshold, "theta"), ("coverage", got.coverage, "coverage"), ("risk", got.risk, "risk"), ("bound", got.bound, "bound"), ("answered", Double(got.answered), "m_i")] {
            #expect(agrees(x, want[theirs]!.double, rel: 1e-9), "\(mine)")
        }
    }

    @Test("Clopper–Pearson intervals of a failure rate to 1e-9 abs", arguments: ReliabilityReference.binomial["cases"]!.array.indices)
    func clopperPearson(_ index: Int) throws {
        let c = ReliabilityReference.binomial["cases"]!.array[index]
        let k = Int(c["k"]!.double), n = Int(c["n"]!.double)
        #expect(agrees(Double(k) / Double(n), c["estimate"]!.double, abs: 1e-15))
        for level in ["0.95", "0.99"] {
            let (lo, hi) = Binomial.clopperPearson(successes: k, trials: n, confidence: Double(level)!)
            #expect(agrees(lo, c[level]!["low"]!.double, abs: 1e-9), "\(k)/\(n) at \(level): lower \(lo)")
            #expect(agrees(hi, c[level]!["high"]!.double, abs: 1e-9), "\(k)/\(n) at \(level): upper \(hi)")
        }
    }
}
