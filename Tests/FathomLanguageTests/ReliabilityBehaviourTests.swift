import Foundation
import Testing
import FathomCore
@testable import FathomLanguage

/// What the reliability builtins promise beyond single reference values: intervals, slices,
/// checks, saved calibrators.
@Suite("Reliability builtins: intervals, slices, checks, calibrators")
struct ReliabilityBehaviourTests {
    static let digits = "t = load(\"digits/mlp-test\"); p = softmax(select(t, \"logit_*\")); y = t.label\n"

    @Test("a bootstrap interval is seeded, brackets the estimate and narrows with the level")
    func bootstrap() throws {
        let a = try run(Self.digits + "ece(p, y, ci=0.95, seed=3, boot=300)", [:])
        let b = try run(Self.digits + "ece(p, y, ci=0.95, seed=3, boot=300)", [:])
        let c = try run(Self.digits + "ece(p, y, ci=0.95, seed=4, boot=300)", [:])
        let narrow = try run(Self.digits + "ece(p, y, ci=0.5, seed=3, boot=300)", [:])
        func triple(_ v: Value) -> (Double, Double, Double) {
            guard case .number(let e) = field(v, "estimate"), case .number(let l) = field(v, "lower"), case .number(let u) = field(v, "upper") else { return (.nan, .nan, .nan) }
            return (e, l, u)
        }
        let (e, l, u) = triple(a)
        #expect(l < e && e < u)
        #expect(triple(b) == triple(a))
        #expect(triple(c) != triple(a))
        #expect(triple(c).0 == e)
        let (_, nl, nu) = triple(narrow)
        #expect(nl > l && nu < u)
        #expect(try number(Self.digits + "ece(p, y)", [:]) == e)
    }

    @Test("with the session seed, the same script gives the same interval")
    func sessionSeed() throws {
        let first = try run(Self.digits + "accuracy(p, y, ci=0.9, boot=100)", [:])
        let second = try run(Self.digits + "accuracy(p, y, ci=0.9, boot=100)", [:])
        #expect(first.renderText() == second.renderText())
    }

    @Test("weights of 1 change nothing; weights of 2 on half the rows match duplicating them")
    func weights() throws {
        let ones = try number(Self.digits + "ece(p, y, weights=seq(len(y)) * 0 + 1)", [:])
        #expect(abs(ones - (try number(Self.digits + "ece(p, y)", [:]))) < 1e-15)
        let rows = 100
        let duplicated = try number(Self.digits + "q = p[0:\(rows)]; yy = y[0:\(rows)]; ece(concat(q, q[0:50]), concat(yy, yy[0:50]))", [:])
        let weighted = try number(Self.digits + "q = p[0:\(rows)]; yy = y[0:\(rows)]; ece(q, yy, weights=concat(seq(50) * 0 + 2, seq(50) * 0 + 1))", [:])
        #expect(abs(duplicated - weighted) < 1e-12)
    }

    @Test("by() gives each slice's failure rate with its exact interval, as the dataset card lists")
    func bySlices() throws {
        let v = try run("d = load(\"av-perception/detections\"); by(d.weather, failure_rate, d.loss, 2.3)", [:])
        guard case .table(let t) = v else { Issue.record("not a table"); return }
        #expect(t.column("slice").map { Value.vector($0).renderText() } == "[\"clear\", \"fog\", \"rain\", \"snow\"]")
        guard case .numbers(let n)? = t.column("n"), case .numbers(let est)? = t.column("estimate"),
              case .numbers(let lo)? = t.column("lower"), case .numbers(let hi)? = t.column("upper") else { Issue.record("columns"); return }
        #expect(n == [11589, 730, 4842, 2839])
        // Fog: 114 failures of 730, 95 % interval 0.1306–0.1846 (Datasets/av-perception/CARD.md).
        #expect(abs(est[1] - 114.0 / 730) < 1e-15)
        #expect(abs(lo[1] - 0.1306) < 5e-5 && abs(hi[1] - 0.1846) < 5e-5)
        // Each row equals failure_rate on that slice alone.
        let fog = try run("d = load(\"av-perception/detections\"); failure_rate(d.loss[d.weather == \"fog\"], 2.3)", [:])
        guard case .number(let fogUpper) = field(fog, "upper") else { Issue.record("fog"); return }
        #expect(fogUpper == hi[1])
    }

    @Test("by() bootstraps metrics that take ci=, and passes named arguments on")
    func byBootstrap() throws {
        let v = try run(Self.digits + "by(y % 2, ece, p, y, bins=10, seed=2)", [:])
        guard case .table(let t) = v, case .numbers(let est)? = t.column("estimate"), case .numbers(let lo)? = t.column("lower"),
              case .numbers(let hi)? = t.column("upper"), case .numbers(let n)? = t.column("n") else { Issue.record("table"); return }
        #expect(n.reduce(0, +) == 360)
        for i in 0..<2 { #expect(lo[i] <= est[i] && est[i] <= hi[i]) }
        let even = try number(Self.digits + "ece(p[y % 2 == 0], y[y % 2 == 0], bins=10)", [:])
        #expect(abs(est[0] - even) < 1e-15)
    }

    @Test("check() prints PASS or FAIL and records the result; a vector must hold only true")
    func checks() throws {
        let interpreter = makeInterpreter()
        var printed = ""
        interpreter.context.emit = { printed += $0 }
        for line in ["check(\"small\", 1 < 2)", "check(\"all\", [true, false])", "check(\"empty\", [true][[false]])"] {
            _ = try interpreter.run(try Parser.parse(SourceFile(name: "<test>", text: line))[0].get())
        }
        #expect(printed == "PASS  small\nFAIL  all\nFAIL  empty\n")
        #expect(interpreter.context.checks.map(\.passed) == [true, false, false])
    }

    @Test("failures() marks losses above δ; failure_rate counts them")
    func failures() throws {
        #expect(try run("failures([0.1, 2.5, 2.3, 9], 2.3)", [:]).renderText() == "[false, true, false, true]")
        #expect(try run("failure_rate([0.1, 2.5, 2.3, 9], 2.3).failures", [:]).renderText() == "2")
    }

    @Test("a calibrator saved as JSON loads back and maps the same", arguments: [
        "temperature(select(v, \"logit_*\"), v.label)",
        "vector_scaling(select(v, \"logit_*\"), v.label, l2=0.01)",
        "isotonic(softmax(select(v, \"logit_*\")), v.label)",
        "histogram_binning(softmax(select(v, \"logit_*\")), v.label, bins=10)",
    ])
    func savedCalibrator(_ fit: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-cal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("cal.json").path
        let x = fit.hasPrefix("temperature") || fit.hasPrefix("vector") ? "select(t, \"logit_*\")" : "softmax(select(t, \"logit_*\"))"
        let source = """
        v = load("digits/mlp-validation"); t = load("digits/mlp-test")
        cal = \(fit)
        save(cal, "\(path)")
        back = load("\(path)")
        max(abs(calibrate(cal, \(x)) - calibrate(back, \(x))))
        """
        #expect(try number(source, [:]) == 0)
    }

    @Test("binary calibrators save and load too", arguments: ["platt", "beta_calibration", "isotonic", "histogram_binning"])
    func savedBinary(_ method: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-cal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("cal.json").path
        let source = """
        b = load("breast-cancer/test-predictions"); cal = \(method)(b.p_naive_bayes, b.label)
        save(cal, "\(path)")
        max(abs(calibrate(cal, b.p_logistic) - calibrate(load("\(path)"), b.p_logistic)))
        """
        #expect(try number(source, [:]) == 0)
    }

    @Test("the smooth ECE of calibrated draws is small, of over-confident ones large")
    func smoothECE() throws {
        let calibrated = try number("f = runif(4000, seed=1); y = runif(4000, seed=2) < f; smece(f, y)", [:])
        let overconfident = try number("f = runif(4000, seed=1); y = runif(4000, seed=2) < 0.5 + (f - 0.5) * 0.5; smece(f, y)", [:])
        #expect(calibrated < 0.03)
        #expect(overconfident > 0.08)
    }

    @Test("weighted smooth ECE: equal weights give relplot's value, a common factor changes nothing")
    func smoothWeights() throws {
        let plain = try number(Self.digits + "smece(p, y)", [:])
        #expect(try number(Self.digits + "smece(p, y, weights=seq(len(y)) * 0 + 3)", [:]) == plain)
        let w = try number(Self.digits + "w = runif(len(y), seed=3) + 0.2; smece(p, y, weights=w)", [:])
        let scaled = try number(Self.digits + "w = runif(len(y), seed=3) + 0.2; smece(p, y, weights=w * 1000)", [:])
        #expect(abs(w - scaled) < 1e-12)
        #expect(w != plain)
    }

    @Test("temperature undoes a known temperature")
    func knownTemperature() throws {
        // Labels drawn from softmax(z / 2): fitting on z should find T ≈ 2.
        let t = try number("""
        z = randn(20000, 4, seed=5) * 3
        u = runif(20000, seed=6)
        c = softmax(z / 2)
        y = (u > c[:, 0]) + (u > c[:, 0] + c[:, 1]) + (u > c[:, 0] + c[:, 1] + c[:, 2])
        temperature(z, y).temperature
        """, [:])
        #expect(abs(t - 2) < 0.1, "T = \(t)")
    }
}
