import Testing
import FathomTestSupport
import FathomCore
@testable import FathomLanguage

/// The reliability, recalibration and monitor builtins are bound to the core: called as a user
/// calls them on datasets of Tests/FathomCoreTests/Fixtures/reliability, each gives what the
/// core function it calls gives, including the language's own input handling (a vector of
/// P(y = 1) as probabilities, weights=, ci= records, calibrate() on logits, probabilities and
/// scores). FathomCoreTests/ReliabilityReferenceTests checks those core functions against
/// netcal, Kumar's calibration package, relplot, scikit-learn, betacal and scipy.
enum ReliabilityFixture {
    static let datasets = try! Fixture.json("reliability/datasets.json")["datasets"]!
    static let recalibration = try! Fixture.json("reliability/recalibration.json")
    static let monitors = try! Fixture.json("reliability/monitors.json")
    static let binomial = try! Fixture.json("reliability/binomial.json")

    /// The variables p (matrix, or vector of P(y = 1)), y, and w when the dataset has weights;
    /// z for the logits when it has them.
    static func variables(_ name: String) -> [String: Value] {
        let d = datasets[name]!
        var vars: [String: Value] = [:]
        vars["p"] = d["binary_vector"]!.bool ? .numbers(d["p"]!.doubles) : .matrix(d["p"]!.fixtureMatrix)
        vars["y"] = .numbers(d["y"]!.doubles)
        if let w = d["w"] { vars["w"] = .numbers(w.doubles) }
        if let z = d["logits"] { vars["z"] = .matrix(z.fixtureMatrix) }
        return vars
    }

    /// The same dataset as the core takes it: a vector q of P(y = 1) as the matrix [1 − q, q].
    static func core(_ name: String) -> (p: Matrix, y: [Int], w: [Double]?, z: Matrix?) {
        let d = datasets[name]!
        let p = d["binary_vector"]!.bool ? Matrix(rows: d["p"]!.array.count, cols: 2, storage: d["p"]!.doubles.flatMap { [1 - $0, $0] }) : d["p"]!.fixtureMatrix
        return (p, d["y"]!.doubles.map { Int($0) }, d["w"]?.doubles, d["logits"]?.fixtureMatrix)
    }
}

@Suite("The calibration metrics are bound to the core")
struct CalibrationMetricBindingTests {
    @Test("accuracy, nll, brier, ece (every variant), mce, ace, smece and reliability, on a matrix and on a vector of P(y = 1)", arguments: ["digits-mlp-test", "binary-naive-bayes"])
    func metrics(_ name: String) throws {
        let v = ReliabilityFixture.variables(name), (p, y, _, _) = ReliabilityFixture.core(name)
        let top = TopLabel(probabilities: p, labels: y), binary = p.cols == 2
        try expectBound("accuracy(p, y)", v, ProperScores.mean(top.correct, weights: nil))
        try expectBound("nll(p, y)", v, ProperScores.mean(ProperScores.negativeLogLikelihoods(p, y), weights: nil))
        // brier() of a vector q of P(y = 1) is mean (q − y)²: half the two-column sum.
        try expectBound("brier(p, y)", v, ProperScores.mean(ProperScores.brierTerms(p, y), weights: nil) / (binary ? 2 : 1))
        func bins(_ b: Int, _ binning: Binning = .width) -> BinStatistics {
            BinStatistics(confidence: top.confidence, correct: top.correct, bins: b, binning: binning)
        }
        try expectBound("ece(p, y)", v, CalibrationError.expected(bins(15)))
        try expectBound("ece(p, y, bins=10)", v, CalibrationError.expected(bins(10)))
        try expectBound("mce(p, y, bins=10)", v, CalibrationError.maximum(bins(10)))
        try expectBound("ace(p, y, bins=10)", v, CalibrationError.average(bins(10)))
        try expectBound("ece(p, y, bins=10, binning=\"mass\")", v, CalibrationError.expected(bins(10, .mass)))
        try expectBound("ece(p, y, bins=10, norm=2)", v, CalibrationError.expected(bins(10), norm: 2))
        try expectBound("ece(p, y, bins=10, norm=2, debias=true)", v, CalibrationError.expected(bins(10), norm: 2, debias: true))
        let classwise = (0..<p.cols).map { k in
            CalibrationError.expected(BinStatistics(confidence: p.column(k), correct: y.map { $0 == k ? 1 : 0 }, bins: 10, binning: .width))
        }
        try expectBound("ece(p, y, bins=10, mode=\"classwise\")", v, classwise.reduce(0, +) / Double(p.cols))
        try expectBound("smece(p, y)", v, SmoothECE.value(confidence: top.confidence, correct: top.correct).value)

        let s = bins(15), rows = (0..<s.bins).filter { s.count[$0] > 0 }
        let r = try run("reliability(p, y)", v)
        try expectBound("reliability(p, y).ece", v, CalibrationError.expected(s))
        guard case .table(let t) = field(r, "table") else { Issue.record("no table"); return }
        let columns: [(String, (Int) -> Double)] = [
            ("count", { s.count[$0] }), ("confidence", { s.confidenceSum[$0] / s.count[$0] }), ("accuracy", { s.correctSum[$0] / s.count[$0] }),
            ("gap", { s.correctSum[$0] / s.count[$0] - s.confidenceSum[$0] / s.count[$0] }), ("lower", { s.lower[$0] }), ("upper", { s.upper[$0] }),
        ]
        for (column, value) in columns {
            expectBound(t.column(column).map { .vector($0) } ?? .null, rows.map(value), "reliability table column \(column)")
        }
    }

    @Test("weights= reaches the core's weighted means and bins")
    func weighted() throws {
        let v = ReliabilityFixture.variables("weights"), (p, y, w, _) = ReliabilityFixture.core("weights")
        let top = TopLabel(probabilities: p, labels: y)
        try expectBound("accuracy(p, y, weights=w)", v, ProperScores.mean(top.correct, weights: w))
        try expectBound("nll(p, y, weights=w)", v, ProperScores.mean(ProperScores.negativeLogLikelihoods(p, y), weights: w))
        try expectBound("brier(p, y, weights=w)", v, ProperScores.mean(ProperScores.brierTerms(p, y), weights: w))
        try expectBound("ece(p, y, bins=10, weights=w)", v, CalibrationError.expected(BinStatistics(confidence: top.confidence, correct: top.correct, weights: w, bins: 10, binning: .width)))
    }

    @Test("ci= gives {estimate, lower, upper, level, replicates}: the core's value and its seeded bootstrap interval")
    func interval() throws {
        let v = ReliabilityFixture.variables("digits-mlp-test"), (p, y, _, _) = ReliabilityFixture.core("digits-mlp-test")
        let top = TopLabel(probabilities: p, labels: y)
        let r = try run("ece(p, y, ci=0.9, boot=50, seed=3)", v)
        var random = Xoshiro256(seed: 3)
        let interval = try Bootstrap.interval(n: p.rows, replicates: 50, confidence: 0.9, random: &random) { rows in
            CalibrationError.expected(BinStatistics(confidence: top.confidence, correct: top.correct, weights: nil, indices: rows, bins: 15))
        }
        let want: [(String, Double)] = [
            ("estimate", CalibrationError.expected(BinStatistics(confidence: top.confidence, correct: top.correct, bins: 15, binning: .width))),
            ("lower", interval.lower), ("upper", interval.upper), ("level", 0.9), ("replicates", Double(interval.replicates)),
        ]
        for (name, x) in want {
            guard case .number(let got) = field(r, name) else { Issue.record("no \(name)"); continue }
            #expect(agrees(got, x, rel: 1e-15), "\(name)")
        }
    }
}

@Suite("The recalibration builtins are bound to the core")
struct RecalibrationBindingTests {
    static let ref = ReliabilityFixture.recalibration

    @Test("temperature and calibrate on logits; softmax")
    func temperature() throws {
        var v = ReliabilityFixture.variables("digits-mlp-validation")
        let fitData = ReliabilityFixture.core("digits-mlp-validation"), zt = ReliabilityFixture.core("digits-mlp-test").z!
        v["zt"] = .matrix(zt)
        let t = try TemperatureScaling.fit(logits: fitData.z!, labels: fitData.y).temperature
        try expectBound("temperature(z, y).temperature", v, t)
        expectBound(try run("calibrate(temperature(z, y), zt)", v), Calibrator(method: .temperature(t), classes: zt.cols, input: .logits).apply(matrix: zt).storage, "calibrated")
        expectBound(try run("softmax(zt)", v), RowOperations.softmax(zt).storage, "softmax")
    }

    @Test("platt: A, B and calibrate on scores")
    func platt() throws {
        let s = Self.ref["platt"]!["logit"]!["s"]!.doubles, y = ReliabilityFixture.core("binary-naive-bayes").y
        let v: [String: Value] = ["s": .numbers(s), "y": ReliabilityFixture.variables("binary-naive-bayes")["y"]!]
        let (a, b) = try PlattScaling.fit(scores: s, labels: y)
        try expectBound("platt(s, y).A", v, a)
        try expectBound("platt(s, y).B", v, b)
        expectBound(try run("calibrate(platt(s, y), s)", v), Calibrator(method: .platt(a: a, b: b), classes: 2, input: .scores).apply(vector: s), "calibrated")
    }

    @Test("isotonic and histogram binning, binary on a vector of P(y = 1) and one-vs-rest on a matrix")
    func binnedAndIsotonic() throws {
        let v = ReliabilityFixture.variables("binary-naive-bayes"), q = numbers(v["p"]!), y = ReliabilityFixture.core("binary-naive-bayes").y
        let fit = IsotonicFit.fit(scores: q, targets: y.map(Double.init))
        expectBound(try run("calibrate(isotonic(p, y), p)", v), Calibrator(method: .isotonic([fit]), classes: 2, input: .scores).apply(vector: q), "binary isotonic")
        let values = HistogramBinning.fit(scores: q, positive: y.map { $0 == 1 }, bins: 15)
        expectBound(try run("calibrate(histogram_binning(p, y), p)", v), Calibrator(method: .histogram(bins: 15, values: [values]), classes: 2, input: .probabilities).apply(vector: q), "binary histogram")

        var w = ReliabilityFixture.variables("digits-mlp-validation")
        let (p, labels, _, _) = ReliabilityFixture.core("digits-mlp-validation"), pt = ReliabilityFixture.core("digits-mlp-test").p
        w["pt"] = .matrix(pt)
        let fits = (0..<p.cols).map { k in IsotonicFit.fit(scores: p.column(k), targets: labels.map { $0 == k ? 1 : 0 }) }
        expectBound(try run("calibrate(isotonic(p, y), pt)", w), Calibrator(method: .isotonic(fits), classes: p.cols, input: .probabilities).apply(matrix: pt).storage, "multiclass isotonic")
        let perClass = (0..<p.cols).map { k in HistogramBinning.fit(scores: p.column(k), positive: labels.map { $0 == k }, bins: 15) }
        expectBound(try run("calibrate(histogram_binning(p, y), pt)", w), Calibrator(method: .histogram(bins: 15, values: perClass), classes: p.cols, input: .probabilities).apply(matrix: pt).storage, "multiclass histogram")
    }

    @Test("vector_scaling: the core's fit, its NLL and calibrate; refused where the core finds a separated class, fitted with l2=")
    func vectorScaling() throws {
        var v = ReliabilityFixture.variables("digits-softmax-validation")
        let d = ReliabilityFixture.core("digits-softmax-validation"), zt = ReliabilityFixture.core("digits-softmax-test").z!
        v["zt"] = .matrix(zt)
        let fit = try VectorScaling.fit(logits: d.z!, labels: d.y)
        guard case .object(let object) = try run("vector_scaling(z, y)", v), let c = object as? CalibratorValue else { Issue.record("not a calibrator"); return }
        #expect(agrees(c.nll!.after, fit.nll, rel: 1e-15))
        expectBound(try run("vector_scaling(z, y).w", v), fit.w, "w")
        expectBound(try run("calibrate(vector_scaling(z, y), zt)", v), Calibrator(method: .vectorScaling(w: fit.w, b: fit.b), classes: zt.cols, input: .logits).apply(matrix: zt).storage, "calibrated")

        let m = ReliabilityFixture.variables("digits-mlp-validation"), md = ReliabilityFixture.core("digits-mlp-validation")
        #expect(!VectorScaling.separatedClasses(logits: md.z!, labels: md.y).isEmpty)
        #expect(throws: Diagnostic.self) { try run("vector_scaling(z, y)", m) }
        expectBound(try run("vector_scaling(z, y, l2=0.01).w", m), try VectorScaling.fit(logits: md.z!, labels: md.y, l2: 0.01).w, "w with l2=0.01")
    }

    @Test("beta_calibration: a, b, c and calibrate on P(y = 1)")
    func beta() throws {
        let r = Self.ref["beta"]!, s = r["s"]!.doubles, grid = r["grid"]!.doubles
        let v: [String: Value] = ["s": .numbers(s), "y": ReliabilityFixture.variables("binary-naive-bayes")["y"]!, "grid": .numbers(grid)]
        let (a, b, c) = try BetaCalibration.fit(scores: s, labels: ReliabilityFixture.core("binary-naive-bayes").y)
        for (key, x) in [("a", a), ("b", b), ("c", c)] { try expectBound("beta_calibration(s, y).\(key)", v, x) }
        expectBound(try run("calibrate(beta_calibration(s, y), grid)", v), Calibrator(method: .beta(a: a, b: b, c: c), classes: 2, input: .probabilities).apply(vector: grid), "calibrated")
    }
}

@Suite("The monitor and failure builtins are bound to the core")
struct MonitorBindingTests {
    @Test("confidence, margin, entropy, risk_coverage and select_threshold")
    func monitors() throws {
        let v = ReliabilityFixture.variables("dirichlet-3class"), p = ReliabilityFixture.core("dirichlet-3class").p, y = ReliabilityFixture.core("dirichlet-3class").y
        expectBound(try run("confidence(p)", v), Monitors.confidence(p), "confidence")
        expectBound(try run("margin(p)", v), Monitors.margin(p), "margin")
        expectBound(try run("entropy(p)", v), Monitors.entropy(p), "entropy")
        let correct: [Double] = zip(RowOperations.argmax(p), y).map { $0 == $1 ? 1 : 0 }
        let rc = SelectivePrediction.riskCoverage(score: Monitors.confidence(p), correct: correct)
        expectBound(field(try run("risk_coverage(confidence(p), argmax(p) == y)", v), "risk"), rc.risk, "risk")
        try expectBound("risk_coverage(confidence(p), argmax(p) == y).aurc", v, rc.aurc)
        try expectBound("risk_coverage(-entropy(p), argmax(p) == y).aurc", v, SelectivePrediction.riskCoverage(score: Monitors.entropy(p).map { -$0 }, correct: correct).aurc)
    }

    @Test("select_threshold gives the core's guarantee, and refuses where the core finds none", arguments: [0, 1])
    func guaranteedRisk(_ index: Int) throws {
        let c = ReliabilityFixture.monitors["selective_guaranteed_risk"]!.array[index]
        let v = ReliabilityFixture.variables(c["dataset"]!.text), (p, y, _, _) = ReliabilityFixture.core(c["dataset"]!.text)
        let correct: [Double] = zip(RowOperations.argmax(p), y).map { $0 == $1 ? 1 : 0 }
        let core = SelectivePrediction.guaranteedRisk(score: Monitors.confidence(p), correct: correct, targetRisk: c["r_star"]!.double, delta: c["delta"]!.double)
        let call = "select_threshold(confidence(p), argmax(p) == y, risk=\(c["r_star"]!.double), delta=\(c["delta"]!.double))"
        guard let core else {
            #expect(throws: Diagnostic.self) { try run(call, v) }
            return
        }
        let got = try run(call, v)
        for (name, x) in [("threshold", core.threshold), ("coverage", core.coverage), ("risk", core.risk), ("bound", core.bound), ("answered", Double(core.answered)), ("deferred", Double(p.rows - core.answered))] {
            guard case .number(let g) = field(got, name) else { Issue.record("no \(name)"); continue }
            #expect(agrees(g, x, rel: 1e-15), "\(name)")
        }
    }

    @Test("failure_rate with ci= is the core's Clopper–Pearson interval", arguments: ReliabilityFixture.binomial["cases"]!.array.indices.prefix(2))
    func failureRate(_ index: Int) throws {
        let c = ReliabilityFixture.binomial["cases"]!.array[index]
        let k = Int(c["k"]!.double), n = Int(c["n"]!.double)
        let v: [String: Value] = ["loss": .numbers((0..<n).map { $0 < k ? 1 : 0 })]
        for level in [0.95, 0.99] {
            let r = try run("failure_rate(loss, 0.5, ci=\(level))", v)
            let (lo, hi) = Binomial.clopperPearson(successes: k, trials: n, confidence: level)
            for (name, x) in [("estimate", Double(k) / Double(n)), ("lower", lo), ("upper", hi), ("failures", Double(k)), ("n", Double(n))] {
                guard case .number(let g) = field(r, name) else { Issue.record("no \(name)"); continue }
                #expect(agrees(g, x, rel: 1e-15), "\(k)/\(n) at \(level): \(name)")
            }
        }
    }
}
