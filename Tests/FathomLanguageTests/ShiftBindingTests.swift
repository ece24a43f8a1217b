import Testing
import FathomTestSupport
import FathomCore
@testable import FathomLanguage

/// The shift builtins are bound to the core: on a few cases of the scipy and numpy fixtures
/// (Tests/FathomCoreTests/Fixtures/shift), each builtin's result through the interpreter is
/// the core function's. The core's agreement with the references is tested in
/// FathomCoreTests/ShiftReferenceTests.
@Suite("Shift builtins call the core")
struct ShiftBindingTests {
    static func fixtureCase(_ file: String, _ index: Int) -> JSONValue { try! Fixture.json("shift/" + file)["cases"]!.array[index] }

    /// An inline sample of a fixture case.
    static func sample(_ j: JSONValue) -> [Double] { j["values"]!.doubles }

    @Test("ks and cvm: statistic, p-value, location, sign and method", arguments: [0, 1])
    func ecdfTests(_ index: Int) throws {
        let c = Self.fixtureCase("ks.json", index)
        let a = Self.sample(c["a"]!), b = Self.sample(c["b"]!)
        let v: [String: Value] = ["a": .numbers(a), "b": .numbers(b)]
        let ks = try valueOf("ks(a, b)", v), core = KolmogorovSmirnov.twoSample(a, b)
        #expect(numberIn(member(ks, "statistic")) == core.statistic && numberIn(member(ks, "pvalue")) == core.pvalue)
        #expect(numberIn(member(ks, "location")) == core.location && numberIn(member(ks, "sign")) == Double(core.sign))
        #expect(member(ks, "method").renderText() == (core.exact ? "\"exact\"" : "\"asymptotic\""))
        let d = Self.fixtureCase("cvm.json", index)
        let x = Self.sample(d["x"]!), y = Self.sample(d["y"]!)
        let cvm = try valueOf("cvm(a, b)", ["a": .numbers(x), "b": .numbers(y)]), t = CramerVonMises.twoSample(x, y)
        #expect(numberIn(member(cvm, "statistic")) == t.statistic && numberIn(member(cvm, "pvalue")) == t.pvalue)
    }

    @Test("ad takes any number of samples: statistic, p-value, critical values", arguments: [0, 2])
    func ad(_ index: Int) throws {
        let samples = Self.fixtureCase("ad.json", index)["samples"]!.array.map(Self.sample)
        var v: [String: Value] = [:]
        for (k, s) in samples.enumerated() { v["s\(k)"] = .numbers(s) }
        let r = try valueOf("ad(" + samples.indices.map { "s\($0)" }.joined(separator: ", ") + ")", v)
        let core = AndersonDarling.kSample(samples)
        #expect(numberIn(member(r, "statistic")) == core.statistic && numberIn(member(r, "pvalue")) == core.pvalue)
        #expect(numbersIn(member(r, "critical")) == core.critical)
    }

    @Test("chisq of text samples, and of the bundled penguins selected in the language")
    func chisq() throws {
        let c = Self.fixtureCase("chisq.json", 0)
        let a = c["sample1"]!.array.map(\.text), b = c["sample2"]!.array.map(\.text)
        let source = "p = load(\"penguins/penguins\"); a = p.species[p.island == \"Biscoe\"]; b = p.species[p.island == \"Dream\"]\n"
        guard case .vector(.strings(let biscoe)) = try valueOf(source + "a"), case .vector(.strings(let dream)) = try valueOf(source + "b") else {
            Issue.record("species"); return
        }
        for (r, core) in [(try valueOf("chisq(a, b)", ["a": .strings(a), "b": .strings(b)]), ChiSquareHomogeneity.test(a, b)),
                          (try valueOf(source + "chisq(a, b)"), ChiSquareHomogeneity.test(biscoe, dream))] {
            #expect(numberIn(member(r, "statistic")) == core.statistic && numberIn(member(r, "pvalue")) == core.pvalue)
            #expect(numberIn(member(r, "dof")) == Double(core.degrees) && numberIn(member(r, "effect")) == core.cramersV)
        }
    }

    @Test("psi: the index, edges and shares with bins=")
    func psi() throws {
        let c = Self.fixtureCase("psi.json", 2)
        let a = Self.sample(c["a"]!), b = Self.sample(c["b"]!), bins = Int(c["B"]!.double)
        let r = try valueOf("psi(a, b, bins=\(bins))", ["a": .numbers(a), "b": .numbers(b)])
        let core = PopulationStability.index(a, b, bins: bins)
        #expect(numberIn(member(r, "statistic")) == core.value && numbersIn(member(r, "edges")) == core.edges)
        guard case .list(let shares) = member(r, "shares") else { Issue.record("shares"); return }
        #expect(numbersIn(shares[0]) == core.referenceShares && numbersIn(shares[1]) == core.shares)
    }

    @Test("mmd (median and set bandwidth) and energy with seeded permutations")
    func kernelTests() throws {
        let c = Self.fixtureCase("mmd.json", 1)
        let x = Matrix(rowArrays: c["x"]!["values"]!.array.map(\.doubles)), y = Matrix(rowArrays: c["y"]!["values"]!.array.map(\.doubles))
        let v: [String: Value] = ["X": .matrix(x), "Y": .matrix(y)]
        for (source, kind) in [("mmd(X, Y, perms=50, seed=3)", KernelTwoSample.Kind.mmd(sigma: nil)), ("mmd(X, Y, perms=50, seed=3, bandwidth=1)", .mmd(sigma: 1)),
                               ("energy(X, Y, perms=50, seed=3)", .energy)] {
            var random = Xoshiro256(seed: 3)
            let core = try KernelTwoSample.test(x, y, kind: kind, permutations: 50, random: &random)
            let r = try valueOf(source, v)
            #expect(numberIn(member(r, "statistic")) == core.statistic && numberIn(member(r, "pvalue")) == core.pvalue, "\(source)")
            #expect(numbersIn(member(r, "null")) == core.null, "\(source)")
            if case .mmd = kind { #expect(numberIn(member(r, "sigma")) == core.sigma!) }
        }
    }

    /// The digits MLP's validation and shifted-label logits and labels, loaded in the language.
    static func digits() throws -> [String: Value] {
        var v: [String: Value] = [:]
        v["zv"] = try valueOf("select(load(\"digits/mlp-validation\"), \"logit_*\")")
        v["yv"] = try valueOf("load(\"digits/mlp-validation\").label")
        v["zt"] = try valueOf("select(load(\"digits/mlp-test-label\"), \"logit_*\")")
        return v
    }

    @Test("bbse, mlls (plain and bcts), reweight and harm on the digits")
    func labelShift() throws {
        let v = try Self.digits()
        guard case .matrix(let zv) = v["zv"]!, case .matrix(let zt) = v["zt"]! else { Issue.record("logits"); return }
        let yv = numbersIn(v["yv"]!).map { Int($0) }
        let pv = RowOperations.softmax(zv), pt = RowOperations.softmax(zt)
        for soft in [false, true] {
            let r = try valueOf("bbse(softmax(zv), yv, softmax(zt), soft=\(soft))", v)
            let core = try LabelShift.bbse(validation: pv, labels: yv, target: pt, soft: soft)
            #expect(numbersIn(member(r, "weights")) == core.weights && numbersIn(member(r, "target_prior")) == core.targetPrior)
            #expect(numberIn(member(r, "condition_number")) == core.conditionNumber)
        }
        let source = LabelShift.prior(yv, classes: 10)
        let em = try LabelShift.expectationMaximization(target: pt, sourcePrior: source)
        #expect(numbersIn(member(try valueOf("mlls(softmax(zv), yv, softmax(zt))", v), "target_prior")) == em.prior)
        let fit = try LabelShift.biasCorrectedTemperature(logits: zv, labels: yv)
        let calibrated = try LabelShift.expectationMaximization(target: LabelShift.applyBiasCorrectedTemperature(zt, temperature: fit.temperature, bias: fit.bias), sourcePrior: source)
        let bcts = try valueOf("mlls(zv, yv, zt, calibrate=\"bcts\")", v)
        #expect(numberIn(member(bcts, "temperature")) == fit.temperature && numbersIn(member(bcts, "bias")) == fit.bias)
        #expect(numbersIn(member(bcts, "target_prior")) == calibrated.prior)
        let adjusted = LabelShift.reweight(pt, weights: zip(em.prior, source).map { $0 / $1 })
        #expect(numbersIn(try valueOf("reweight(softmax(zt), mlls(softmax(zv), yv, softmax(zt)))", v)) == adjusted.storage)
        var random = Xoshiro256(seed: 1)
        let row = try HarmAssessment.labelShiftCorrected(source: pv, sourceLabels: yv, target: pt, tolerance: 0.02, level: 0.95, replicates: 10, random: &random)
        guard case .table(let t) = try valueOf("harm(softmax(zv), yv, softmax(zt), boot=10, seed=1).table", v), case .numbers(let target)? = t.column("target") else {
            Issue.record("harm table"); return
        }
        #expect(target[0] == row.target)
    }

    @Test("text labels name the classes of a label-shift estimate in its table and sentence")
    func penguinNames() throws {
        let source = """
        p = drop_missing(load("penguins/penguins"), columns=["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"])
        f = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
        s = filter(p, p.year < 2009)
        m = fit_logistic(select(s, f), s.species, l2=1 / (1e4 * nrow(s)), standardize=true)
        t = filter(p, (p.year == 2009) and (p.island == "Dream"))
        b = bbse(predict(m, select(s, f)), s.species, predict(m, select(t, f)))

        """
        guard case .vector(.strings(let names)) = try valueOf(source + "b.table.class") else { Issue.record("class column"); return }
        #expect(names == ["Adelie", "Chinstrap", "Gentoo"])
        guard case .string(let meaning) = try valueOf(source + "b.meaning") else { Issue.record("meaning"); return }
        #expect(meaning.contains("class Chinstrap") || meaning.contains("class Adelie") || meaning.contains("class Gentoo"), "\(meaning)")
        #expect(!meaning.contains("class 0") && !meaning.contains("class 1") && !meaning.contains("class 2"), "\(meaning)")
    }
}
