import Foundation
import Testing
import FathomTestSupport
import FathomCore
@testable import FathomLanguage

/// The shift builtins against reference values from scipy and numpy
/// (Tests/FathomCoreTests/Fixtures/shift; see the README there).
enum ShiftFixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FathomCoreTests/Fixtures/shift")

    static func load(_ name: String) -> JSONValue {
        try! JSONValue.parse(try! FileSystem.readBytes(folder.appendingPathComponent(name).path))
    }

    static let ks = load("ks.json")
    static let cvm = load("cvm.json")
    static let ad = load("ad.json")
    static let chisq = load("chisq.json")
    static let psi = load("psi.json")
    static let mmd = load("mmd.json")
    static let c2st = load("c2st.json")
    static let multiple = load("multiple.json")
    static let labelShift = load("labelshift.json")

    /// A sample: inline values, or an .npy file beside the fixtures.
    static func sample(_ j: JSONValue) -> [Double] {
        if let values = j["values"] {
            if case .array(let rows) = values, case .array? = rows.first { return rows.flatMap(\.doubles) }
            return values.doubles
        }
        let array = try! NPYFormat.read(path: folder.appendingPathComponent(j["npy"]!.text).path)
        return array.values
    }

    static func matrix(_ j: JSONValue) -> Matrix {
        if let values = j["values"], case .array(let rows) = values, case .array? = rows.first {
            return Matrix(rowArrays: rows.map(\.doubles))
        }
        let array = try! NPYFormat.read(path: folder.appendingPathComponent(j["npy"]!.text).path)
        let cols = array.shape.count > 1 ? array.shape[1] : 1
        return Matrix(rows: array.shape[0], cols: cols, storage: array.values)
    }
}

/// p-values as REFERENCES.md asks: 1e-6 abs, or 1e-3 rel below 1e-3.
func pvalueAgrees(_ got: Double, _ want: Double) -> Bool {
    if want < 1e-3 { return abs(got - want) <= 1e-3 * want + 1e-300 }
    return abs(got - want) <= 1e-6
}

@Suite("Two-sample tests against scipy")
struct TwoSampleReferenceTests {
    static let ksCases = ShiftFixture.ks["cases"]!.array.map { $0["name"]!.text }

    @Test("ks: D to 1e-12, the p-value of ks_2samp(method=\"auto\"), the location and sign", arguments: ksCases)
    func ks(_ name: String) throws {
        let c = ShiftFixture.ks["cases"]!.array.first { $0["name"]!.text == name }!
        let v: [String: Value] = ["a": .numbers(ShiftFixture.sample(c["a"]!)), "b": .numbers(ShiftFixture.sample(c["b"]!))]
        let r = try run("ks(a, b)", v)
        let want = c["auto"]!
        guard case .number(let d) = field(r, "statistic"), case .number(let p) = field(r, "pvalue"),
              case .number(let location) = field(r, "location"), case .number(let sign) = field(r, "sign") else { Issue.record("fields"); return }
        #expect(abs(d - want["statistic"]!.reference.double) <= 1e-12, "D = \(d)")
        #expect(pvalueAgrees(p, want["pvalue"]!.reference.double), "p = \(p), scipy \(want["pvalue"]!.reference.double)")
        #expect(location == want["statistic_location"]!.reference.double)
        #expect(sign == want["statistic_sign"]!.reference.double)
        let exact = field(r, "method")
        #expect(exact.renderText() == (c["auto_branch"]!.text == "exact" && want["warnings"]!.array.isEmpty ? "\"exact\"" : "\"asymptotic\""))
    }

    @Test("kstwo.sf over every branch of scipy's _kolmogn")
    func kolmogorov() {
        var worst = ""
        for point in ShiftFixture.ks["kstwo_sf"]!["points"]!.array {
            let n = Int(point["n"]!.double), d = point["d"]!.double, want = point["sf"]!.double
            let got = KolmogorovDistribution.survival(n: n, x: d)
            if !pvalueAgrees(got, want) { worst += "n=\(n) d=\(d) (\(point["branch"]!.text)): \(got) vs \(want)\n" }
        }
        #expect(worst.isEmpty, "\(worst)")
    }

    @Test("the one-sided Smirnov tail to 1e-9 rel")
    func smirnov() {
        var worst = ""
        for point in ShiftFixture.ks["smirnov"]!["points"]!.array {
            let n = Int(point["n"]!.double), d = point["d"]!.double, want = point["value"]!.double
            let got = KolmogorovDistribution.smirnov(n: n, x: d)
            if abs(got - want) > 1e-9 * want + 1e-300 { worst += "n=\(n) d=\(d): \(got) vs \(want)\n" }
        }
        #expect(worst.isEmpty, "\(worst)")
    }

    @Test("cvm: T to 1e-10 rel, the p-value of cramervonmises_2samp(method=\"auto\")", arguments: ShiftFixture.cvm["cases"]!.array.map { $0["name"]!.text })
    func cvm(_ name: String) throws {
        let c = ShiftFixture.cvm["cases"]!.array.first { $0["name"]!.text == name }!
        let v: [String: Value] = ["a": .numbers(ShiftFixture.sample(c["x"]!)), "b": .numbers(ShiftFixture.sample(c["y"]!))]
        let r = try run("cvm(a, b)", v)
        guard case .number(let t) = field(r, "statistic"), case .number(let p) = field(r, "pvalue") else { Issue.record("fields"); return }
        let want = c["auto"]!
        #expect(agrees(t, want["statistic"]!.reference.double, rel: 1e-10), "T = \(t)")
        #expect(pvalueAgrees(p, want["pvalue"]!.reference.double), "p = \(p), scipy \(want["pvalue"]!.reference.double)")
    }

    @Test("the Bessel function K_{1/4} and the limiting Cramér–von Mises CDF")
    func cvmFunctions() {
        for point in ShiftFixture.cvm["kv_0.25"]!["points"]!.array {
            let q = point["q"]!.double, want = point["value"]!.double
            #expect(agrees(SpecialFunctions.besselK(0.25, q), want, rel: 1e-12), "K(\(q))")
        }
        for point in ShiftFixture.cvm["cdf_cvm_inf"]!["points"]!.array {
            let x = point["x"]!.double, want = point["value"]!.double
            #expect(agrees(CramerVonMises.limitingCDF(x), want, rel: 1e-10, abs: 1e-14), "cdf(\(x))")
        }
    }

    @Test("ad: the standardised statistic, critical values and p-value of anderson_ksamp", arguments: ShiftFixture.ad["cases"]!.array.map { $0["name"]!.text })
    func ad(_ name: String) throws {
        let c = ShiftFixture.ad["cases"]!.array.first { $0["name"]!.text == name }!
        let samples = c["samples"]!.array.map { ShiftFixture.sample($0) }
        var v: [String: Value] = [:]
        for (k, s) in samples.enumerated() { v["s\(k)"] = .numbers(s) }
        let r = try run("ad(" + samples.indices.map { "s\($0)" }.joined(separator: ", ") + ")", v)
        let want = c["variant_midrank"]!
        guard case .number(let a2) = field(r, "statistic"), case .number(let p) = field(r, "pvalue") else { Issue.record("fields"); return }
        #expect(agrees(a2, want["statistic"]!.reference.double, rel: 1e-10, abs: 1e-12), "A² = \(a2)")
        #expect(agrees(p, want["pvalue"]!.reference.double, rel: 1e-9), "p = \(p)")
        if let critical = c["default_call"]?["critical_values"] {
            #expect(maxDifference(numbers(field(r, "critical")), critical.reference.doubles) <= 1e-12)
        }
    }

    @Test("chisq: χ², p-value, degrees of freedom and Cramér's V of chi2_contingency(correction=False)", arguments: ShiftFixture.chisq["cases"]!.array.map { $0["name"]!.text })
    func chisq(_ name: String) throws {
        let c = ShiftFixture.chisq["cases"]!.array.first { $0["name"]!.text == name }!
        let r: Value
        if case .array(let s1)? = c["sample1"], case .array(let s2)? = c["sample2"] {
            r = try run("chisq(a, b)", ["a": .strings(s1.map(\.text)), "b": .strings(s2.map(\.text))])
        } else {
            // The bundled penguins, Biscoe against Dream.
            r = try run("p = load(\"penguins/penguins\"); chisq(p.species[p.island == \"Biscoe\"], p.species[p.island == \"Dream\"])", [:])
        }
        guard case .number(let x2) = field(r, "statistic"), case .number(let p) = field(r, "pvalue"),
              case .number(let dof) = field(r, "dof"), case .number(let cv) = field(r, "effect") else { Issue.record("fields"); return }
        #expect(agrees(x2, c["statistic"]!.reference.double, rel: 1e-12))
        #expect(agrees(p, c["pvalue"]!.reference.double, rel: 1e-10))
        #expect(dof == c["dof"]!.reference.double)
        #expect(agrees(cv, c["cramers_v"]!.reference.double, rel: 1e-12))
    }

    @Test("the regularised incomplete gamma functions to 1e-12 rel")
    func incompleteGamma() {
        for point in ShiftFixture.chisq["incomplete_gamma"]!["points"]!.array {
            let a = point["a"]!.double, x = point["x"]!.double
            let q = point["gammaincc"]!.double, p = point["gammainc"]!.double
            #expect(agrees(SpecialFunctions.regularizedGammaQ(a, x), q, rel: 1e-12, abs: 1e-300), "Q(\(a), \(x))")
            #expect(agrees(SpecialFunctions.regularizedGammaP(a, x), p, rel: 1e-12, abs: 1e-300), "P(\(a), \(x))")
        }
    }

    @Test("psi: edges, shares and the index", arguments: ShiftFixture.psi["cases"]!.array.map { $0["name"]!.text })
    func psi(_ name: String) throws {
        let c = ShiftFixture.psi["cases"]!.array.first { $0["name"]!.text == name }!
        let v: [String: Value] = ["a": .numbers(ShiftFixture.sample(c["a"]!)), "b": .numbers(ShiftFixture.sample(c["b"]!))]
        let bins = Int(c["B"]!.double)
        let r = try run("psi(a, b, bins=\(bins))", v)
        guard case .number(let value) = field(r, "statistic") else { Issue.record("fields"); return }
        #expect(agrees(value, c["psi"]!.reference.double, rel: 1e-12, abs: 1e-15), "PSI = \(value)")
        #expect(maxDifference(numbers(field(r, "edges")), c["edges"]!.reference.doubles) <= 1e-15)
        guard case .list(let shares) = field(r, "shares") else { Issue.record("shares"); return }
        #expect(numbers(shares[0]) == c["freq_a"]!.reference.doubles)
        #expect(numbers(shares[1]) == c["freq_b"]!.reference.doubles)
    }

    @Test("mmd and energy: bandwidth, statistics to 1e-10 rel", arguments: ShiftFixture.mmd["cases"]!.array.map { $0["name"]!.text })
    func mmd(_ name: String) throws {
        let c = ShiftFixture.mmd["cases"]!.array.first { $0["name"]!.text == name }!
        var v: [String: Value]
        if c["data"] != nil {
            // The bundled digits: first 200 rows of test and test-covariate, the 64 pixels.
            v = [:]
            let source = "a = load(\"digits/test\"); b = load(\"digits/test-covariate\"); X = select(a, \"pixel_*\")[0:200]; Y = select(b, \"pixel_*\")[0:200]\n"
            let x = try run(source + "X", [:]), y = try run(source + "Y", [:])
            v["X"] = x; v["Y"] = y
        } else {
            v = ["X": .matrix(ShiftFixture.matrix(c["x"]!)), "Y": .matrix(ShiftFixture.matrix(c["y"]!))]
        }
        let r = try run("mmd(X, Y, perms=1, seed=1)", v)
        guard case .number(let sigma) = field(r, "sigma"), case .number(let m2) = field(r, "statistic") else { Issue.record("fields"); return }
        #expect(agrees(sigma, c["sigma"]!.reference.double, rel: 1e-12), "σ = \(sigma)")
        #expect(agrees(m2, c["mmd2_u"]!.reference.double, rel: 1e-10, abs: 1e-14), "MMD² = \(m2)")
        let fixed = try number("mmd(X, Y, perms=1, seed=1, bandwidth=1).statistic", v)
        #expect(agrees(fixed, c["mmd2_u_sigma1"]!.reference.double, rel: 1e-9, abs: 1e-300), "MMD²(σ=1) = \(fixed)")
        let e = try number("energy(X, Y, perms=1, seed=1).statistic", v)
        #expect(agrees(e, c["energy"]!.reference.double, rel: 1e-10), "E = \(e)")
    }

    @Test("permutation p-values approach the exact ones (all C(15, 8) splits)")
    func exactPermutation() throws {
        let c = ShiftFixture.mmd["cases"]!.array.first { $0["name"]!.text == "perm-8-7" }!
        let v: [String: Value] = ["X": .matrix(ShiftFixture.matrix(c["x"]!)), "Y": .matrix(ShiftFixture.matrix(c["y"]!))]
        let perms = 20_000
        for (f, key) in [("mmd", "perm_pvalue_mmd"), ("energy", "perm_pvalue_energy")] {
            let p = try number("\(f)(X, Y, perms=\(perms), seed=3).pvalue", v)
            let exact = c[key]!.reference.double
            // Four standard errors of a Monte Carlo p-value over 20 000 permutations.
            let se = (exact * (1 - exact) / Double(perms)).squareRoot()
            #expect(abs(p - exact) <= 4 * se + 1.0 / Double(perms), "\(f): \(p) vs exact \(exact)")
        }
    }

    @Test("c2st p-values: binomial upper tails of binomtest(alternative=\"greater\")")
    func classifierPValues() {
        for c in ShiftFixture.c2st["cases"]!.array {
            let k = Int(c["k"]!.double), n = Int(c["n"]!.double)
            #expect(agrees(Distribution.binomialUpperTail(k, trials: n, probability: 0.5), c["pvalue"]!.reference.double, rel: 1e-12), "\(k) of \(n)")
        }
    }

    @Test("Benjamini–Hochberg and Bonferroni")
    func multipleTesting() {
        for c in ShiftFixture.multiple["cases"]!.array {
            let p = c["p"]!.doubles, alpha = c["alpha"]!.double
            let adjusted = MultipleTesting.benjaminiHochberg(p)
            #expect(maxDifference(adjusted, c["bh_adjusted"]!.reference.doubles) <= 1e-15, "\(c["name"]!.text)")
            guard case .array(let rejected) = c["bonferroni_rejected"]!.reference else { continue }
            #expect(MultipleTesting.bonferroni(p, alpha: alpha) == rejected.map(\.bool))
        }
    }
}

@Suite("Label shift against numpy references")
struct LabelShiftReferenceTests {
    static let setups = ["softmax", "mlp"].flatMap { m in ["test", "test-label", "test-covariate"].map { (m, $0) } }

    static func variables(_ model: String, _ target: String) throws -> [String: Value] {
        var v: [String: Value] = [:]
        v["zv"] = try run("select(load(\"digits/\(model)-validation\"), \"logit_*\")", [:])
        v["yv"] = try run("load(\"digits/\(model)-validation\").label", [:])
        v["zt"] = try run("select(load(\"digits/\(model)-\(target)\"), \"logit_*\")", [:])
        v["yt"] = try run("load(\"digits/\(model)-\(target)\").label", [:])
        return v
    }

    @Test("BBSE, hard and soft: weights, prior, condition number", arguments: setups)
    func bbse(_ model: String, _ target: String) throws {
        let ref = ShiftFixture.labelShift["digits"]![model]!, t = ref["targets"]![target]!
        let v = try Self.variables(model, target)
        for (soft, key, cond) in [(false, "bbse_hard", "bbse_hard_cond"), (true, "bbse_soft", "bbse_soft_cond")] {
            let r = try run("bbse(softmax(zv), yv, softmax(zt), soft=\(soft))", v)
            #expect(maxDifference(numbers(field(r, "weights")), t[key]!["w"]!.reference.doubles) <= 1e-10, "\(key) weights")
            #expect(maxDifference(numbers(field(r, "target_prior")), t[key]!["q"]!.reference.doubles) <= 1e-10, "\(key) prior")
            guard case .number(let c) = field(r, "condition_number") else { Issue.record("condition"); continue }
            #expect(agrees(c, ref["validation"]![cond]!.reference.double, rel: 1e-10))
        }
    }

    @Test("EM prior, as given and after bias-corrected temperature scaling", arguments: setups)
    func mlls(_ model: String, _ target: String) throws {
        let ref = ShiftFixture.labelShift["digits"]![model]!, t = ref["targets"]![target]!
        let v = try Self.variables(model, target)
        let plain = try run("mlls(softmax(zv), yv, softmax(zt))", v)
        #expect(maxDifference(numbers(field(plain, "target_prior")), t["em"]!["prior"]!.reference.doubles) <= 1e-8)
        let bcts = try run("mlls(zv, yv, zt, calibrate=\"bcts\")", v)
        guard case .number(let temperature) = field(bcts, "temperature") else { Issue.record("temperature"); return }
        #expect(agrees(temperature, ref["bcts"]!["T"]!.reference.double, rel: 1e-6), "T = \(temperature)")
        #expect(maxDifference(numbers(field(bcts, "bias")), ref["bcts"]!["b"]!.reference.doubles) <= 1e-5)
        #expect(maxDifference(numbers(field(bcts, "target_prior")), t["bcts_em"]!["prior"]!.reference.doubles) <= 1e-6)
    }

    @Test("reweighted posteriors and the label-shift-corrected accuracy")
    func corrections() throws {
        let ref = ShiftFixture.labelShift["digits"]!["softmax"]!["targets"]!["test-label"]!
        let v = try Self.variables("softmax", "test-label")
        let adjusted = numbers(try run("reweight(softmax(zt), mlls(softmax(zv), yv, softmax(zt)))[0:20]", v))
        #expect(maxDifference(adjusted, ref["reweighted_posteriors_first20"]!.reference.array.flatMap(\.doubles)) <= 1e-8)
        let h = try run("harm(softmax(zv), yv, softmax(zt), boot=10, seed=1).table", v)
        guard case .table(let t) = h, case .numbers(let target)? = t.column("target") else { Issue.record("harm table"); return }
        #expect(agrees(target[0], ref["corrected_accuracy_bbse"]!.reference.double, rel: 1e-12))
    }

    @Test("BBSE clips negative weights to 0 and leaves q unnormalised")
    func clipped() throws {
        let c = ShiftFixture.labelShift["bbse_clip_synthetic"]!
        func oneHot(_ labels: [Double]) -> Matrix {
            Matrix(rowArrays: labels.map { l in (0..<3).map { Double($0) == l ? 1 : 0 } })
        }
        let r = try LabelShift.bbse(validation: oneHot(c["validation_pred"]!.doubles), labels: c["validation_y"]!.doubles.map { Int($0) },
                                    target: oneHot(c["target_pred"]!.doubles), soft: false)
        #expect(maxDifference(r.weights, c["w"]!.reference.doubles) <= 1e-12)
        #expect(maxDifference(r.targetPrior, c["q"]!.reference.doubles) <= 1e-12)
        #expect(r.weights.contains(0))
        #expect(agrees(r.conditionNumber, c["cond"]!.reference.double, rel: 1e-10))
    }

    @Test("each island's species prior from a model fitted on other years")
    func penguins() throws {
        let ref = ShiftFixture.labelShift["penguins"]!
        let setup = """
        p = drop_missing(load("penguins/penguins"), columns=["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"])
        f = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
        s = filter(p, p.year < 2009)
        m = fit_logistic(select(s, f), s.species, l2=1 / (1e4 * nrow(s)), standardize=true)
        ps = predict(m, select(s, f))

        """
        for island in ["Biscoe", "Dream", "Torgersen"] {
            let want = ref["islands"]![island]!
            let t = "t = filter(p, (p.year == 2009) and (p.island == \"\(island)\"))\n"
            let hard = numbers(try run(setup + t + "bbse(ps, s.species, predict(m, select(t, f))).target_prior", [:]))
            #expect(maxDifference(hard, want["bbse_hard"]!["q"]!.reference.doubles) <= 1e-9, "\(island) BBSE \(hard)")
            let em = numbers(try run(setup + t + "mlls(ps, s.species, predict(m, select(t, f))).target_prior", [:]))
            #expect(maxDifference(em, want["em"]!["prior"]!.reference.doubles) <= 0.02, "\(island) EM \(em)")
        }
        // Text labels name the classes in the table and the sentence.
        let t = "t = filter(p, (p.year == 2009) and (p.island == \"Dream\"))\nb = bbse(ps, s.species, predict(m, select(t, f)))\n"
        guard case .vector(.strings(let names)) = try run(setup + t + "b.table.class", [:]) else { Issue.record("class column"); return }
        #expect(names == ["Adelie", "Chinstrap", "Gentoo"])
        guard case .string(let meaning) = try run(setup + t + "b.meaning", [:]) else { Issue.record("meaning"); return }
        #expect(meaning.contains("class Chinstrap") || meaning.contains("class Adelie") || meaning.contains("class Gentoo"), "\(meaning)")
        #expect(!meaning.contains("class 0") && !meaning.contains("class 1") && !meaning.contains("class 2"), "\(meaning)")
    }
}
