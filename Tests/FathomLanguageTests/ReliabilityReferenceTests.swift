import Foundation
import Testing
import FathomTestSupport
import FathomCore
@testable import FathomLanguage

/// The reliability builtins against the reference values in
/// Tests/FathomCoreTests/Fixtures/reliability (netcal, Kumar's calibration package, relplot,
/// scikit-learn, betacal and scipy; see the README there), called as a user calls them.
enum ReliabilityFixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FathomCoreTests/Fixtures/reliability")

    static func load(_ name: String) -> JSONValue {
        try! JSONValue.parse(try! FileSystem.readBytes(folder.appendingPathComponent(name).path))
    }

    static let datasets = load("datasets.json")["datasets"]!
    static let metrics = load("metrics.json")
    static let recalibration = load("recalibration.json")
    static let monitors = load("monitors.json")
    static let binomial = load("binomial.json")

    /// The variables p (matrix, or vector of P(y = 1)), y, and w when the dataset has weights;
    /// z for the logits when it has them.
    static func variables(_ name: String) -> [String: Value] {
        let d = datasets[name]!
        var vars: [String: Value] = [:]
        if d["binary_vector"]!.bool {
            vars["p"] = .numbers(d["p"]!.doubles)
        } else {
            vars["p"] = .matrix(Matrix(rowArrays: d["p"]!.array.map(\.doubles)))
        }
        vars["y"] = .numbers(d["y"]!.doubles)
        if let w = d["w"] { vars["w"] = .numbers(w.doubles) }
        if let z = d["logits"] { vars["z"] = .matrix(Matrix(rowArrays: z.array.map(\.doubles))) }
        return vars
    }
}


/// Runs `source` with `variables` bound and returns its value.
func run(_ source: String, _ variables: [String: Value]) throws -> Value {
    let interpreter = makeInterpreter()
    interpreter.variables = variables
    var last = Value.null
    for parsed in Parser.parse(SourceFile(name: "<test>", text: source)) {
        if case .value(let v) = try interpreter.run(try parsed.get()) { last = v }
    }
    return last
}

func number(_ source: String, _ variables: [String: Value]) throws -> Double {
    guard case .number(let x) = try run(source, variables) else { Issue.record("\(source) is not a number"); return .nan }
    return x
}

func numbers(_ value: Value) -> [Double] {
    switch value {
    case .vector(.numbers(let v)): return v
    case .matrix(let m): return m.storage
    default: Issue.record("not numbers: \(value.typeName)"); return []
    }
}

func field(_ value: Value, _ name: String) -> Value {
    switch value {
    case .record(let r): return r[name] ?? .null
    case .object(let o): return o.field(name) ?? .null
    default: return .null
    }
}

@Suite("Calibration metrics against netcal, Kumar et al. and relplot")
struct CalibrationMetricReferenceTests {
    static let names = ["digits-mlp-test", "digits-mlp-validation", "digits-softmax-test", "dirichlet-3class", "binary-naive-bayes", "binary-logistic", "edges"]

    @Test("accuracy, nll and brier to 1e-12 rel", arguments: names)
    func scores(_ name: String) throws {
        let v = ReliabilityFixture.variables(name), ref = ReliabilityFixture.metrics["datasets"]![name]!
        #expect(agrees(try number("accuracy(p, y)", v), ref["accuracy"]!.reference.double, rel: 1e-12))
        #expect(agrees(try number("nll(p, y)", v), ref["nll"]!.reference.double, rel: 1e-12))
        let brier = ref["brier"]!
        let want = brier["binary_vector_mean_sq"]?.double ?? brier.reference.double
        #expect(agrees(try number("brier(p, y)", v), want, rel: 1e-12))
    }

    @Test("ece, mce, ace with equal-width bins to 1e-12 abs", arguments: names)
    func binned(_ name: String) throws {
        let v = ReliabilityFixture.variables(name), ref = ReliabilityFixture.metrics["datasets"]![name]!
        for b in ref["ece"]!.keys {
            #expect(agrees(try number("ece(p, y, bins=\(b))", v), ref["ece"]![b]!.reference.double, abs: 1e-12), "ece bins=\(b)")
            #expect(agrees(try number("mce(p, y, bins=\(b))", v), ref["mce"]![b]!.reference.double, abs: 1e-12), "mce bins=\(b)")
            #expect(agrees(try number("ace(p, y, bins=\(b))", v), ref["ace"]![b]!.reference.double, abs: 1e-12), "ace bins=\(b)")
        }
    }

    @Test("equal-mass, L2, debiased and classwise ECE to 1e-12 abs", arguments: names)
    func variants(_ name: String) throws {
        let v = ReliabilityFixture.variables(name), ref = ReliabilityFixture.metrics["datasets"]![name]!
        for b in ref["ece_equal_mass"]!.keys {
            #expect(agrees(try number("ece(p, y, bins=\(b), binning=\"mass\")", v), ref["ece_equal_mass"]![b]!.reference.double, abs: 1e-12), "mass bins=\(b)")
        }
        for b in ref["ece_l2"]!.keys where Int(b) != nil {
            #expect(agrees(try number("ece(p, y, bins=\(b), norm=2)", v), ref["ece_l2"]![b]!["norm2"]!.reference.double, abs: 1e-12), "L2 bins=\(b)")
            #expect(agrees(try number("ece(p, y, bins=\(b), norm=2, debias=true)", v), ref["ece_l2"]![b]!["norm2_debiased"]!.reference.double, abs: 1e-12), "debiased bins=\(b)")
        }
        for b in ref["ece_classwise"]!.keys {
            #expect(agrees(try number("ece(p, y, bins=\(b), mode=\"classwise\")", v), ref["ece_classwise"]![b]!.reference.double, abs: 1e-12), "classwise bins=\(b)")
        }
    }

    @Test("smooth ECE agrees with relplot.smECE to 1e-9 abs, its width exactly", arguments: names)
    func smooth(_ name: String) throws {
        let v = ReliabilityFixture.variables(name), ref = ReliabilityFixture.metrics["datasets"]![name]!["smece"]!
        #expect(agrees(try number("smece(p, y)", v), ref.reference.double, abs: 1e-9))
        guard case .matrix(let p) = try run("p", v).asMatrixForTest(), case .vector(.numbers(let y)) = v["y"]! else { return }
        let top = TopLabel(probabilities: p, labels: y.map { Int($0) })
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
        let v = ReliabilityFixture.variables(name), ref = ReliabilityFixture.metrics["weighted"]![name]!
        #expect(agrees(try number("accuracy(p, y, weights=w)", v), ref["accuracy"]!.reference.double, rel: 1e-12))
        #expect(agrees(try number("nll(p, y, weights=w)", v), ref["nll"]!.reference.double, rel: 1e-12))
        #expect(agrees(try number("brier(p, y, weights=w)", v), ref["brier"]!.reference.double, rel: 1e-12))
        for b in ref["ece"]!.keys {
            #expect(agrees(try number("ece(p, y, bins=\(b), weights=w)", v), ref["ece"]![b]!.reference.double, abs: 1e-12), "bins=\(b)")
        }
    }

    @Test("the reliability table's bins", arguments: ["digits-mlp-test", "edges"])
    func table(_ name: String) throws {
        let v = ReliabilityFixture.variables(name)
        let want = ReliabilityFixture.metrics["datasets"]![name]!["reliability_table_15"]!["bins"]!.array
        guard case .table(let t) = field(try run("reliability(p, y)", v), "table") else { Issue.record("no table"); return }
        #expect(t.rowCount == want.count)
        for (column, key) in [("count", "count"), ("confidence", "mean_confidence"), ("accuracy", "accuracy"), ("gap", "gap"), ("lower", "lower"), ("upper", "upper")] {
            guard case .numbers(let got)? = t.column(column) else { Issue.record("no column \(column)"); continue }
            #expect(maxDifference(got, want.map { $0[key]!.double }) <= 1e-12, "\(column)")
        }
    }
}

private extension Value {
    /// A probability vector as its two-column matrix, for the core-level smooth ECE check.
    func asMatrixForTest() -> Value {
        if case .vector(.numbers(let q)) = self { return .matrix(Matrix(rows: q.count, cols: 2, storage: q.flatMap { [1 - $0, $0] })) }
        return self
    }
}

@Suite("Recalibration against scikit-learn, scipy, netcal and betacal")
struct RecalibrationReferenceTests {
    static let ref = ReliabilityFixture.recalibration

    @Test("temperature: T to 1e-6 rel of the converged optimum, test probabilities, ECE before and after", arguments: ["digits-mlp", "digits-softmax"])
    func temperature(_ name: String) throws {
        let r = Self.ref["temperature"]![name]!
        var v = ReliabilityFixture.variables(r["fit_on"]!.text)
        let test = ReliabilityFixture.variables(r["apply_to"]!.text)
        v["zt"] = test["z"]; v["yt"] = test["y"]
        let t = try number("temperature(z, y).temperature", v)
        #expect(agrees(t, r["T_newton"]!.reference.double, rel: 1e-6), "T = \(t)")
        #expect(agrees(t, r["T_sklearn"]!.reference.double, rel: 1e-5))
        let p = numbers(try run("calibrate(temperature(z, y), zt)", v))
        #expect(maxDifference(p, r["test_probabilities"]!.reference.array.flatMap(\.doubles)) <= 1e-6)
        #expect(agrees(try number("ece(softmax(zt), yt)", v), r["test_ece15_before"]!.reference.double, abs: 1e-12))
        #expect(agrees(try number("ece(calibrate(temperature(z, y), zt), yt)", v), r["test_ece15_after"]!.reference.double, abs: 1e-5))
    }

    @Test("Platt: A and B to 1e-5 rel of the converged fit, on probabilities and on logits", arguments: ["probability", "logit"])
    func platt(_ kind: String) throws {
        let r = Self.ref["platt"]![kind]!
        let v: [String: Value] = ["s": .numbers(r["s"]!.doubles), "y": ReliabilityFixture.variables("binary-naive-bayes")["y"]!]
        let cal = try run("platt(s, y)", v)
        guard case .number(let a) = field(cal, "A"), case .number(let b) = field(cal, "B") else { Issue.record("no a, b"); return }
        #expect(agrees(a, r["A_converged"]!.reference.double, rel: 1e-5), "A = \(a)")
        #expect(agrees(b, r["B_converged"]!.reference.double, rel: 1e-5), "B = \(b)")
        #expect(maxDifference(numbers(try run("calibrate(platt(s, y), s)", v)), r["calibrated_converged"]!.reference.doubles) <= 1e-6)
    }

    @Test("isotonic, binary: predictions at the inputs, on a grid and outside the range to 1e-9")
    func isotonicBinary() throws {
        let r = Self.ref["isotonic"]!["binary"]!
        var v = ReliabilityFixture.variables("binary-naive-bayes")
        v["grid"] = .numbers(r["grid"]!.doubles)
        v["outside"] = .numbers(r["outside"]!.doubles)
        #expect(maxDifference(numbers(try run("calibrate(isotonic(p, y), p)", v)), r["predict_inputs"]!.reference.doubles) <= 1e-9)
        #expect(maxDifference(numbers(try run("calibrate(isotonic(p, y), grid)", v)), r["predict_grid"]!.reference.doubles) <= 1e-9)
        // Scores outside [0, 1]: a binary isotonic map of P(y = 1) refuses them (they are not
        // probabilities), so the clipping is checked on the map itself.
        let fit = IsotonicFit.fit(scores: numbers(v["p"]!), targets: numbers(v["y"]!))
        #expect(maxDifference(r["outside"]!.doubles.map(fit.value), r["predict_outside"]!.reference.doubles) <= 1e-9)
    }

    @Test("isotonic, multiclass: one-vs-rest, renormalised, to 1e-9")
    func isotonicMulticlass() throws {
        let r = Self.ref["isotonic"]!["multiclass"]!
        var v = ReliabilityFixture.variables("digits-mlp-validation")
        v["pt"] = ReliabilityFixture.variables("digits-mlp-test")["p"]
        #expect(maxDifference(numbers(try run("calibrate(isotonic(p, y), pt)", v)), r["probabilities"]!.reference.array.flatMap(\.doubles)) <= 1e-9)
    }

    @Test("histogram binning as netcal's HistogramBinning, binary and multiclass, to 1e-12")
    func histogram() throws {
        let binary = Self.ref["histogram_binning"]!["binary"]!
        let v = ReliabilityFixture.variables("binary-naive-bayes")
        #expect(maxDifference(numbers(try run("calibrate(histogram_binning(p, y), p)", v)), binary["calibrated"]!.reference.doubles) <= 1e-12)
        let multi = Self.ref["histogram_binning"]!["multiclass"]!
        var w = ReliabilityFixture.variables("digits-mlp-validation")
        w["pt"] = ReliabilityFixture.variables("digits-mlp-test")["p"]
        #expect(maxDifference(numbers(try run("calibrate(histogram_binning(p, y), pt)", w)), multi["calibrated"]!.reference.array.flatMap(\.doubles)) <= 1e-12)
    }

    @Test("vector scaling: the fitted NLL to 1e-9 rel and test probabilities to 1e-6 where a maximum exists")
    func vectorScaling() throws {
        let r = Self.ref["vector_scaling"]!["digits-softmax"]!
        var v = ReliabilityFixture.variables("digits-softmax-validation")
        v["zt"] = ReliabilityFixture.variables("digits-softmax-test")["z"]
        let cal = try run("vector_scaling(z, y)", v)
        guard case .object(let object) = cal, let c = object as? CalibratorValue else { Issue.record("not a calibrator"); return }
        #expect(agrees(c.nll!.after, r["nll"]!.reference.double, rel: 1e-9))
        #expect(maxDifference(numbers(try run("calibrate(vector_scaling(z, y), zt)", v)), r["test_probabilities"]!.reference.array.flatMap(\.doubles)) <= 1e-6)
    }

    @Test("vector scaling refuses a class separated by its own logit, as the reference found")
    func vectorScalingSeparated() throws {
        let r = Self.ref["vector_scaling"]!["digits-mlp"]!
        #expect(r["mle_exists"]!.bool == false)
        let v = ReliabilityFixture.variables("digits-mlp-validation")
        guard case .matrix(let z) = v["z"]!, case .vector(.numbers(let y)) = v["y"]! else { return }
        let separated = VectorScaling.separatedClasses(logits: z, labels: y.map { Int($0) }).map(\.label)
        #expect(separated.map(Double.init) == r["classes_separable_by_own_logit"]!.doubles)
        #expect(throws: Diagnostic.self) { try run("vector_scaling(z, y)", v) }
        #expect(try number("len(vector_scaling(z, y, l2=0.01).w)", v) == 10)
    }

    @Test("beta calibration: a, b, c to 1e-5 rel of the converged fit; betacal's own to 1e-3")
    func beta() throws {
        let r = Self.ref["beta"]!
        let v: [String: Value] = ["s": .numbers(r["s"]!.doubles), "y": ReliabilityFixture.variables("binary-naive-bayes")["y"]!, "grid": .numbers(r["grid"]!.doubles)]
        let cal = try run("beta_calibration(s, y)", v)
        for key in ["a", "b", "c"] {
            guard case .number(let x) = field(cal, key) else { Issue.record("no \(key)"); continue }
            #expect(agrees(x, r["converged"]![key]!.double, rel: 1e-5), "\(key) = \(x)")
            #expect(agrees(x, r[key]!.reference.double, rel: 1e-3), "\(key) vs betacal")
        }
        #expect(maxDifference(numbers(try run("calibrate(beta_calibration(s, y), grid)", v)), r["calibrated_grid_converged"]!.reference.doubles) <= 1e-6)
    }
}

@Suite("Monitors and selective risk against numpy and scipy")
struct MonitorReferenceTests {
    @Test("confidence, margin and entropy", arguments: ["digits-mlp-test", "dirichlet-3class"])
    func scores(_ name: String) throws {
        let v = ReliabilityFixture.variables(name), ref = ReliabilityFixture.monitors["monitors"]![name]!
        for (f, key) in [("confidence", "confidence"), ("margin", "margin"), ("entropy", "entropy")] {
            let got = numbers(try run("\(f)(p)", v))
            #expect(maxDifference(Array(got.prefix(50)), ref["\(key)_first50"]!.reference.doubles) <= 1e-12, "\(f)")
            #expect(agrees(got.reduce(0, +), ref["sum_\(key)"]!.double, rel: 1e-12), "sum of \(f)")
        }
    }

    @Test("risk–coverage curve and AURC", arguments: ["digits-mlp-test", "dirichlet-3class"])
    func riskCoverage(_ name: String) throws {
        let v = ReliabilityFixture.variables(name), ref = ReliabilityFixture.monitors["monitors"]![name]!
        let rc = try run("risk_coverage(confidence(p), argmax(p) == y)", v)
        #expect(maxDifference(numbers(field(rc, "risk")), ref["risk_coverage_confidence"]!["risks"]!.doubles) <= 1e-12)
        guard case .number(let aurc) = field(rc, "aurc") else { Issue.record("no aurc"); return }
        #expect(agrees(aurc, ref["risk_coverage_confidence"]!["aurc"]!.reference.double, rel: 1e-12))
        if let neg = ref["risk_coverage_neg_entropy"] {
            #expect(agrees(try number("risk_coverage(-entropy(p), argmax(p) == y).aurc", v), neg["aurc"]!.reference.double, rel: 1e-12))
        }
    }

    @Test("selection with guaranteed risk, Geifman & El-Yaniv's algorithm 1", arguments: ReliabilityFixture.monitors["selective_guaranteed_risk"]!.array.indices)
    func guaranteedRisk(_ index: Int) throws {
        let c = ReliabilityFixture.monitors["selective_guaranteed_risk"]!.array[index]
        let v = ReliabilityFixture.variables(c["dataset"]!.text)
        let call = "select_threshold(confidence(p), argmax(p) == y, risk=\(c["r_star"]!.double), delta=\(c["delta"]!.double))"
        if case .string = c["result"]! {
            #expect(throws: Diagnostic.self) { try run(call, v) }
            return
        }
        let got = try run(call, v), want = c["result"]!
        for (mine, theirs) in [("threshold", "theta"), ("coverage", "coverage"), ("risk", "risk"), ("bound", "bound"), ("answered", "m_i")] {
            guard case .number(let x) = field(got, mine) else { Issue.record("no \(mine)"); continue }
            #expect(agrees(x, want[theirs]!.double, rel: 1e-9), "\(mine)")
        }
    }

    @Test("Clopper–Pearson intervals of failure_rate to 1e-9 abs", arguments: ReliabilityFixture.binomial["cases"]!.array.indices)
    func clopperPearson(_ index: Int) throws {
        let c = ReliabilityFixture.binomial["cases"]!.array[index]
        let k = Int(c["k"]!.double), n = Int(c["n"]!.double)
        let v: [String: Value] = ["loss": .numbers((0..<n).map { $0 < k ? 1 : 0 })]
        for level in ["0.95", "0.99"] {
            let r = try run("failure_rate(loss, 0.5, ci=\(level))", v)
            guard case .number(let lo) = field(r, "lower"), case .number(let hi) = field(r, "upper"), case .number(let est) = field(r, "estimate") else { Issue.record("fields"); continue }
            #expect(agrees(est, c["estimate"]!.double, abs: 1e-15))
            #expect(agrees(lo, c[level]!["low"]!.double, abs: 1e-9), "\(k)/\(n) at \(level): lower \(lo)")
            #expect(agrees(hi, c[level]!["high"]!.double, abs: 1e-9), "\(k)/\(n) at \(level): upper \(hi)")
        }
    }
}
