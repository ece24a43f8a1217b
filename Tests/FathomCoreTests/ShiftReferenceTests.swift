import Foundation
import Testing
@testable import FathomCore
import FathomTestSupport

/// The shift tests of the core against reference values from scipy and numpy
/// (Tests/FathomCoreTests/Fixtures/shift, written by Scripts/make-fixtures-shift.py; see the
/// README there). The builtins (ks, cvm, ad, chisq, psi, mmd, energy, bbse, mlls, reweight, harm)
/// call these functions; FathomLanguageTests/ShiftBindingTests checks that they do.
enum ShiftCases {
    static let ks = try! Fixture.json("shift/ks.json")
    static let cvm = try! Fixture.json("shift/cvm.json")
    static let ad = try! Fixture.json("shift/ad.json")
    static let chisq = try! Fixture.json("shift/chisq.json")
    static let psi = try! Fixture.json("shift/psi.json")
    static let mmd = try! Fixture.json("shift/mmd.json")
    static let c2st = try! Fixture.json("shift/c2st.json")
    static let multiple = try! Fixture.json("shift/multiple.json")
    static let labelShift = try! Fixture.json("shift/labelshift.json")

    /// The case called `name` of a fixture's "cases".
    static func named(_ fixture: JSONValue, _ name: String) -> JSONValue {
        fixture["cases"]!.array.first { $0["name"]!.text == name }!
    }

    static func names(_ fixture: JSONValue) -> [String] { fixture["cases"]!.array.map { $0["name"]!.text } }

    /// A sample: inline values, or an .npy file beside the fixtures.
    static func sample(_ j: JSONValue) -> [Double] {
        if let values = j["values"] {
            if case .array(let rows) = values, case .array? = rows.first { return rows.flatMap(\.doubles) }
            return values.doubles
        }
        return try! NPYFormat.read(path: Fixture.path("shift/" + j["npy"]!.text)).values
    }

    static func matrix(_ j: JSONValue) -> Matrix {
        if let values = j["values"], case .array(let rows) = values, case .array? = rows.first {
            return Matrix(rowArrays: rows.map(\.doubles))
        }
        let array = try! NPYFormat.read(path: Fixture.path("shift/" + j["npy"]!.text))
        let cols = array.shape.count > 1 ? array.shape[1] : 1
        return Matrix(rows: array.shape[0], cols: cols, storage: array.values)
    }
}

/// The repository's bundled datasets, read as load() reads them.
enum BundledData {
    static let folder = Fixture.folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Datasets")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// load("name") of a bundled CSV.
    static func table(_ name: String) throws -> Table { try CSVReader.read(path: path(name + ".csv")) }

    /// A numeric column.
    static func numbers(_ t: Table, _ name: String) -> [Double] {
        guard case .numbers(let v)? = t.column(name) else { fatalError("\(name) is not numeric") }
        return v
    }

    /// A text column.
    static func strings(_ t: Table, _ name: String) -> [String] {
        guard case .strings(let v)? = t.column(name) else { fatalError("\(name) is not text") }
        return v
    }

    /// select(t, "prefix*"): the numeric columns whose names start with `prefix`, in table order.
    static func select(_ t: Table, prefix: String) -> Matrix {
        select(t, t.names.filter { $0.hasPrefix(prefix) })
    }

    /// select(t, names).
    static func select(_ t: Table, _ names: [String]) -> Matrix {
        let columns = names.map { numbers(t, $0) }
        var storage: [Double] = []
        storage.reserveCapacity(t.rowCount * columns.count)
        for i in 0..<t.rowCount { for c in columns { storage.append(c[i]) } }
        return Matrix(rows: t.rowCount, cols: columns.count, storage: storage)
    }

    /// The first `count` rows of a matrix (m[0:count]).
    static func head(_ m: Matrix, _ count: Int) -> Matrix { m.selectingRows(Array(0..<count)) }
}

/// p-values as REFERENCES.md asks: 1e-6 abs, or 1e-3 rel below 1e-3.
func pvalueAgrees(_ got: Double, _ want: Double) -> Bool {
    if want < 1e-3 { return abs(got - want) <= 1e-3 * want + 1e-300 }
    return abs(got - want) <= 1e-6
}

@Suite("Two-sample tests against scipy")
struct TwoSampleReferenceTests {
    @Test("ks: D to 1e-12, the p-value of ks_2samp(method=\"auto\"), the location and sign", arguments: ShiftCases.names(ShiftCases.ks))
    func ks(_ name: String) {
        let c = ShiftCases.named(ShiftCases.ks, name)
        let r = KolmogorovSmirnov.twoSample(ShiftCases.sample(c["a"]!), ShiftCases.sample(c["b"]!))
        let want = c["auto"]!
        #expect(abs(r.statistic - want["statistic"]!.reference.double) <= 1e-12, "D = \(r.statistic)")
        #expect(pvalueAgrees(r.pvalue, want["pvalue"]!.reference.double), "p = \(r.pvalue), scipy \(want["pvalue"]!.reference.double)")
        #expect(r.location == want["statistic_location"]!.reference.double)
        #expect(Double(r.sign) == want["statistic_sign"]!.reference.double)
        #expect(r.exact == (c["auto_branch"]!.text == "exact" && want["warnings"]!.array.isEmpty))
    }

    @Test("kstwo.sf over every branch of scipy's _kolmogn")
    func kolmogorov() {
        var worst = ""
        for point in ShiftCases.ks["kstwo_sf"]!["points"]!.array {
            let n = Int(point["n"]!.double), d = point["d"]!.double, want = point["sf"]!.double
            let got = KolmogorovDistribution.survival(n: n, x: d)
            if !pvalueAgrees(got, want) { worst += "n=\(n) d=\(d) (\(point["branch"]!.text)): \(got) vs \(want)\n" }
        }
        #expect(worst.isEmpty, "\(worst)")
    }

    @Test("the one-sided Smirnov tail to 1e-9 rel")
    func smirnov() {
        var worst = ""
        for point in ShiftCases.ks["smirnov"]!["points"]!.array {
            let n = Int(point["n"]!.double), d = point["d"]!.double, want = point["value"]!.double
            let got = KolmogorovDistribution.smirnov(n: n, x: d)
            if abs(got - want) > 1e-9 * want + 1e-300 { worst += "n=\(n) d=\(d): \(got) vs \(want)\n" }
        }
        #expect(worst.isEmpty, "\(worst)")
    }

    @Test("cvm: T to 1e-10 rel, the p-value of cramervonmises_2samp(method=\"auto\")", arguments: ShiftCases.names(ShiftCases.cvm))
    func cvm(_ name: String) {
        let c = ShiftCases.named(ShiftCases.cvm, name)
        let r = CramerVonMises.twoSample(ShiftCases.sample(c["x"]!), ShiftCases.sample(c["y"]!))
        let want = c["auto"]!
        #expect(agrees(r.statistic, want["statistic"]!.reference.double, rel: 1e-10), "T = \(r.statistic)")
        #expect(pvalueAgrees(r.pvalue, want["pvalue"]!.reference.double), "p = \(r.pvalue), scipy \(want["pvalue"]!.reference.double)")
    }

    @Test("the Bessel function K_{1/4} and the limiting Cramér–von Mises CDF")
    func cvmFunctions() {
        for point in ShiftCases.cvm["kv_0.25"]!["points"]!.array {
            let q = point["q"]!.double, want = point["value"]!.double
            #expect(agrees(SpecialFunctions.besselK(0.25, q), want, rel: 1e-12), "K(\(q))")
        }
        for point in ShiftCases.cvm["cdf_cvm_inf"]!["points"]!.array {
            let x = point["x"]!.double, want = point["value"]!.double
            #expect(agrees(CramerVonMises.limitingCDF(x), want, rel: 1e-10, abs: 1e-14), "cdf(\(x))")
        }
    }

    @Test("ad: the standardised statistic, critical values and p-value of anderson_ksamp", arguments: ShiftCases.names(ShiftCases.ad))
    func ad(_ name: String) {
        let c = ShiftCases.named(ShiftCases.ad, name)
        let r = AndersonDarling.kSample(c["samples"]!.array.map { ShiftCases.sample($0) })
        let want = c["variant_midrank"]!
        #expect(agrees(r.statistic, want["statistic"]!.reference.double, rel: 1e-10, abs: 1e-12), "A² = \(r.statistic)")
        #expect(agrees(r.pvalue, want["pvalue"]!.reference.double, rel: 1e-9), "p = \(r.pvalue)")
        if let critical = c["default_call"]?["critical_values"] {
            #expect(maxDifference(r.critical, critical.reference.doubles) <= 1e-12)
        }
    }

    /// The two samples of categories of a chisq case: inline, or the bundled penguins' species
    /// on Biscoe against Dream.
    static func categories(_ c: JSONValue) throws -> ([String], [String]) {
        if case .array(let s1)? = c["sample1"], case .array(let s2)? = c["sample2"] { return (s1.map(\.text), s2.map(\.text)) }
        let p = try BundledData.table("penguins/penguins")
        let species = BundledData.strings(p, "species"), island = BundledData.strings(p, "island")
        return (species.indices.filter { island[$0] == "Biscoe" }.map { species[$0] }, species.indices.filter { island[$0] == "Dream" }.map { species[$0] })
    }

    @Test("chisq: χ², p-value, degrees of freedom and Cramér's V of chi2_contingency(correction=False)", arguments: ShiftCases.names(ShiftCases.chisq))
    func chisq(_ name: String) throws {
        let c = ShiftCases.named(ShiftCases.chisq, name)
        let (a, b) = try Self.categories(c)
        let r = ChiSquareHomogeneity.test(a, b)
        #expect(agrees(r.statistic, c["statistic"]!.reference.double, rel: 1e-12))
        #expect(agrees(r.pvalue, c["pvalue"]!.reference.double, rel: 1e-10))
        #expect(Double(r.degrees) == c["dof"]!.reference.double)
        #expect(agrees(r.cramersV, c["cramers_v"]!.reference.double, rel: 1e-12))
    }

    @Test("the regularised incomplete gamma functions to 1e-12 rel")
    func incompleteGamma() {
        for point in ShiftCases.chisq["incomplete_gamma"]!["points"]!.array {
            let a = point["a"]!.double, x = point["x"]!.double
            let q = point["gammaincc"]!.double, p = point["gammainc"]!.double
            #expect(agrees(SpecialFunctions.regularizedGammaQ(a, x), q, rel: 1e-12, abs: 1e-300), "Q(\(a), \(x))")
            #expect(agrees(SpecialFunctions.regularizedGammaP(a, x), p, rel: 1e-12, abs: 1e-300), "P(\(a), \(x))")
        }
    }

    @Test("psi: edges, shares and the index", arguments: ShiftCases.names(ShiftCases.psi))
    func psi(_ name: String) {
        let c = ShiftCases.named(ShiftCases.psi, name)
        let r = PopulationStability.index(ShiftCases.sample(c["a"]!), ShiftCases.sample(c["b"]!), bins: Int(c["B"]!.double))
        #expect(agrees(r.value, c["psi"]!.reference.double, rel: 1e-12, abs: 1e-15), "PSI = \(r.value)")
        #expect(maxDifference(r.edges, c["edges"]!.reference.doubles) <= 1e-15)
        #expect(r.referenceShares == c["freq_a"]!.reference.doubles)
        #expect(r.shares == c["freq_b"]!.reference.doubles)
    }

    /// The two samples of an mmd case: inline or in .npy files, or the bundled digits (the
    /// first 200 rows of test and test-covariate, the 64 pixels).
    static func kernelSamples(_ c: JSONValue) throws -> (Matrix, Matrix) {
        guard c["data"] != nil else { return (ShiftCases.matrix(c["x"]!), ShiftCases.matrix(c["y"]!)) }
        let a = try BundledData.table("digits/test"), b = try BundledData.table("digits/test-covariate")
        return (BundledData.head(BundledData.select(a, prefix: "pixel_"), 200), BundledData.head(BundledData.select(b, prefix: "pixel_"), 200))
    }

    /// The kernel test with permutations seeded as mmd(…, seed=) and energy(…, seed=) seed them.
    static func kernelTest(_ x: Matrix, _ y: Matrix, _ kind: KernelTwoSample.Kind, perms: Int, seed: UInt64) throws -> KernelTwoSample.Result {
        var random = Xoshiro256(seed: seed)
        return try KernelTwoSample.test(x, y, kind: kind, permutations: perms, random: &random)
    }

    @Test("mmd and energy: bandwidth, statistics to 1e-10 rel", arguments: ShiftCases.names(ShiftCases.mmd))
    func mmd(_ name: String) throws {
        let c = ShiftCases.named(ShiftCases.mmd, name)
        let (x, y) = try Self.kernelSamples(c)
        let r = try Self.kernelTest(x, y, .mmd(sigma: nil), perms: 1, seed: 1)
        let sigma = r.sigma ?? .nan
        #expect(agrees(sigma, c["sigma"]!.reference.double, rel: 1e-12), "σ = \(sigma)")
        #expect(agrees(r.statistic, c["mmd2_u"]!.reference.double, rel: 1e-10, abs: 1e-14), "MMD² = \(r.statistic)")
        let fixed = try Self.kernelTest(x, y, .mmd(sigma: 1), perms: 1, seed: 1).statistic
        #expect(agrees(fixed, c["mmd2_u_sigma1"]!.reference.double, rel: 1e-9, abs: 1e-300), "MMD²(σ=1) = \(fixed)")
        let e = try Self.kernelTest(x, y, .energy, perms: 1, seed: 1).statistic
        #expect(agrees(e, c["energy"]!.reference.double, rel: 1e-10), "E = \(e)")
    }

    @Test("permutation p-values approach the exact ones (all C(15, 8) splits)")
    func exactPermutation() throws {
        let c = ShiftCases.named(ShiftCases.mmd, "perm-8-7")
        let x = ShiftCases.matrix(c["x"]!), y = ShiftCases.matrix(c["y"]!)
        let perms = 20_000
        for (kind, f, key) in [(KernelTwoSample.Kind.mmd(sigma: nil), "mmd", "perm_pvalue_mmd"), (.energy, "energy", "perm_pvalue_energy")] {
            let p = try Self.kernelTest(x, y, kind, perms: perms, seed: 3).pvalue
            let exact = c[key]!.reference.double
            // Four standard errors of a Monte Carlo p-value over 20 000 permutations.
            let se = (exact * (1 - exact) / Double(perms)).squareRoot()
            #expect(abs(p - exact) <= 4 * se + 1.0 / Double(perms), "\(f): \(p) vs exact \(exact)")
        }
    }

    @Test("c2st p-values: binomial upper tails of binomtest(alternative=\"greater\")")
    func classifierPValues() {
        for c in ShiftCases.c2st["cases"]!.array {
            let k = Int(c["k"]!.double), n = Int(c["n"]!.double)
            #expect(agrees(Distribution.binomialUpperTail(k, trials: n, probability: 0.5), c["pvalue"]!.reference.double, rel: 1e-12), "\(k) of \(n)")
        }
    }

    @Test("Benjamini–Hochberg and Bonferroni")
    func multipleTesting() {
        for c in ShiftCases.multiple["cases"]!.array {
            let p = c["p"]!.doubles, alpha = c["alpha"]!.double
            let adjusted = MultipleTesting.benjaminiHochberg(p)
            #expect(maxDifference(adjusted, c["bh_adjusted"]!.reference.doubles) <= 1e-15, "\(c["name"]!.text)")
            guard case .array(let rejected) = c["bonferroni_rejected"]!.reference else { continue }
            #expect(MultipleTesting.bonferroni(p, alpha: alpha) == rejected.map(\.bool))
        }
    }
}

/// The bundled digits model outputs of a label-shift setup: validation and target logits
/// (the logit_* columns) and labels.
struct DigitsOutputs {
    var validationLogits: Matrix
    var labels: [Int]
    var targetLogits: Matrix

    init(_ model: String, _ target: String) throws {
        let v = try BundledData.table("digits/\(model)-validation"), t = try BundledData.table("digits/\(model)-\(target)")
        validationLogits = BundledData.select(v, prefix: "logit_")
        labels = BundledData.numbers(v, "label").map { Int($0) }
        targetLogits = BundledData.select(t, prefix: "logit_")
    }

    var validation: Matrix { RowOperations.softmax(validationLogits) }
    var target: Matrix { RowOperations.softmax(targetLogits) }
    var sourcePrior: [Double] { LabelShift.prior(labels, classes: validationLogits.cols) }

    /// mlls(softmax(zv), yv, softmax(zt)): EM from the validation label frequencies.
    func expectationMaximization() throws -> (prior: [Double], iterations: Int) {
        try LabelShift.expectationMaximization(target: target, sourcePrior: sourcePrior)
    }
}

@Suite("Label shift against numpy references")
struct LabelShiftReferenceTests {
    static let setups = ["softmax", "mlp"].flatMap { m in ["test", "test-label", "test-covariate"].map { (m, $0) } }

    @Test("BBSE, hard and soft: weights, prior, condition number", arguments: setups)
    func bbse(_ model: String, _ target: String) throws {
        let ref = ShiftCases.labelShift["digits"]![model]!, t = ref["targets"]![target]!
        let d = try DigitsOutputs(model, target)
        for (soft, key, cond) in [(false, "bbse_hard", "bbse_hard_cond"), (true, "bbse_soft", "bbse_soft_cond")] {
            let r = try LabelShift.bbse(validation: d.validation, labels: d.labels, target: d.target, soft: soft)
            #expect(maxDifference(r.weights, t[key]!["w"]!.reference.doubles) <= 1e-10, "\(key) weights")
            #expect(maxDifference(r.targetPrior, t[key]!["q"]!.reference.doubles) <= 1e-10, "\(key) prior")
            #expect(agrees(r.conditionNumber, ref["validation"]![cond]!.reference.double, rel: 1e-10))
        }
    }

    @Test("EM prior, as given and after bias-corrected temperature scaling", arguments: setups)
    func mlls(_ model: String, _ target: String) throws {
        let ref = ShiftCases.labelShift["digits"]![model]!, t = ref["targets"]![target]!
        let d = try DigitsOutputs(model, target)
        #expect(maxDifference(try d.expectationMaximization().prior, t["em"]!["prior"]!.reference.doubles) <= 1e-8)
        // mlls(zv, yv, zt, calibrate="bcts"): the fit on the validation logits, applied to both.
        let fit = try LabelShift.biasCorrectedTemperature(logits: d.validationLogits, labels: d.labels)
        #expect(agrees(fit.temperature, ref["bcts"]!["T"]!.reference.double, rel: 1e-6), "T = \(fit.temperature)")
        #expect(maxDifference(fit.bias, ref["bcts"]!["b"]!.reference.doubles) <= 1e-5)
        let calibrated = LabelShift.applyBiasCorrectedTemperature(d.targetLogits, temperature: fit.temperature, bias: fit.bias)
        let em = try LabelShift.expectationMaximization(target: calibrated, sourcePrior: d.sourcePrior)
        #expect(maxDifference(em.prior, t["bcts_em"]!["prior"]!.reference.doubles) <= 1e-6)
    }

    @Test("reweighted posteriors and the label-shift-corrected accuracy")
    func corrections() throws {
        let ref = ShiftCases.labelShift["digits"]!["softmax"]!["targets"]!["test-label"]!
        let d = try DigitsOutputs("softmax", "test-label")
        let em = try d.expectationMaximization()
        let weights = zip(em.prior, d.sourcePrior).map { $0 / $1 }
        let adjusted = LabelShift.reweight(d.target, weights: weights).selectingRows(Array(0..<20)).storage
        #expect(maxDifference(adjusted, ref["reweighted_posteriors_first20"]!.reference.array.flatMap(\.doubles)) <= 1e-8)
        // harm(softmax(zv), yv, softmax(zt), boot=10, seed=1): no target labels, so BBSE-corrected.
        var random = Xoshiro256(seed: 1)
        let row = try HarmAssessment.labelShiftCorrected(source: d.validation, sourceLabels: d.labels, target: d.target, tolerance: 0.02, level: 0.95,
                                                         replicates: 10, random: &random)
        #expect(agrees(row.target, ref["corrected_accuracy_bbse"]!.reference.double, rel: 1e-12))
    }

    @Test("BBSE clips negative weights to 0 and leaves q unnormalised")
    func clipped() throws {
        let c = ShiftCases.labelShift["bbse_clip_synthetic"]!
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

    /// The penguins with the four measurements present, a logistic regression fitted on the
    /// years before 2009 (as fit_logistic(…, l2=1/(1e4·N), standardize=true): text labels are
    /// classes in sorted order), its probabilities there, and the 2009 rows of each island.
    struct Penguins {
        static let features = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
        var model: Model
        var source: Matrix
        var sourceLabels: [Int]
        var table: Table

        init() throws {
            let all = try BundledData.table("penguins/penguins")
            let present = (0..<all.rowCount).filter { i in Self.features.allSatisfy { !BundledData.numbers(all, $0)[i].isNaN } }
            table = all.selectingRows(present)
            let year = BundledData.numbers(table, "year")
            let s = table.selectingRows(year.indices.filter { year[$0] < 2009 })
            let species = BundledData.strings(s, "species"), classes = Array(Set(species)).sorted()
            sourceLabels = species.map { classes.firstIndex(of: $0)! }
            let x = BundledData.select(s, Self.features)
            model = try LogisticRegression.fit(x, labels: sourceLabels, classes: classes.count, l2: 1 / (1e4 * Double(s.rowCount)), standardize: true).model
            source = try model.probabilities(x)
        }

        /// The model's probabilities on the 2009 rows of `island`.
        func target(_ island: String) throws -> Matrix {
            let year = BundledData.numbers(table, "year"), islands = BundledData.strings(table, "island")
            let t = table.selectingRows(year.indices.filter { year[$0] == 2009 && islands[$0] == island })
            return try model.probabilities(BundledData.select(t, Self.features))
        }
    }

    @Test("each island's species prior from a model fitted on other years")
    func penguins() throws {
        let ref = ShiftCases.labelShift["penguins"]!
        let p = try Penguins()
        for island in ["Biscoe", "Dream", "Torgersen"] {
            let want = ref["islands"]![island]!
            let target = try p.target(island)
            let hard = try LabelShift.bbse(validation: p.source, labels: p.sourceLabels, target: target, soft: false).targetPrior
            #expect(maxDifference(hard, want["bbse_hard"]!["q"]!.reference.doubles) <= 1e-9, "\(island) BBSE \(hard)")
            let em = try LabelShift.expectationMaximization(target: target, sourcePrior: LabelShift.prior(p.sourceLabels, classes: p.source.cols)).prior
            #expect(maxDifference(em, want["em"]!["prior"]!.reference.doubles) <= 0.02, "\(island) EM \(em)")
        }
    }
}
