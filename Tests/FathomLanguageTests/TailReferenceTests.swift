import Foundation
import Testing
import FathomTestSupport
import FathomCore
@testable import FathomLanguage

/// Tail forecasts and extreme-value fits against numpy/scipy references
/// (Tests/FathomCoreTests/Fixtures/tails; see the README there).
enum TailFixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FathomCoreTests/Fixtures/tails")
    static let repository = folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func load(_ name: String) -> JSONValue {
        try! JSONValue.parse(try! FileSystem.readBytes(folder.appendingPathComponent(name).path))
    }

    static let tails = load("tails.json")
    static let backtest = load("backtest.json")
    static let evt = load("evt.json")
    static let elicitation = load("elicitation.json")

    static func npy(_ name: String) -> NumpyArray { try! NPYFormat.read(path: folder.appendingPathComponent(name).path) }

    /// A pool: inline values, or a slice of a bundled .npy.
    static func pool(_ j: JSONValue) -> [Double] {
        if let values = j["values"] { return values.doubles }
        if let other = j["same_as"] {
            return pool(tails["cases"]!.array.first { $0["name"]!.text == other.text }!["pool"]!)
        }
        let all = try! NPYFormat.read(path: repository.appendingPathComponent(j["path"]!.text).path).values
        guard let slice = j["slice"]?.doubles else { return all }
        return Array(all[Int(slice[0])..<Int(slice[1])])
    }

    /// A sample: inline or in an .npy beside the fixtures.
    static func sample(_ j: JSONValue) -> [Double] {
        if let values = j["values"] { return values.doubles }
        return npy(j["npy"]!.text).values
    }
}

@Suite("Gumbel-tail forecasts against numpy and scipy")
struct TailForecastReferenceTests {
    static let cases = TailFixture.tails["cases"]!.array.map { $0["name"]!.text }

    @Test("digamma and the normal quantile to 1e-14")
    func specialFunctions() {
        for row in TailFixture.tails["digamma"]!["j"]!.array {
            let x = row["x"]!.double
            #expect(agrees(SpecialFunctions.digamma(x), row["mpmath"]!.reference.double, rel: 2e-15, abs: 1e-15), "ψ(\(x))")
        }
        for key in ["m_plus_1"] {
            guard let rows = TailFixture.tails["digamma"]![key]?.array else { continue }
            for row in rows { #expect(agrees(SpecialFunctions.digamma(row["x"]!.double), row["digamma"]!.reference.double, rel: 2e-15)) }
        }
        for row in TailFixture.tails["ndtri"]!["upper"]!.array {
            let n = row["n"]!.double
            #expect(agrees(-SpecialFunctions.normalQuantile(1 / n), row["mpmath_of_exact_1_minus_1_over_n"]!.reference.double, rel: 1e-14, abs: 1e-15), "n = \(n)")
        }
    }

    @Test("fits, forecasts of three methods, frequencies and aggregates", arguments: cases)
    func forecasts(_ name: String) throws {
        let c = TailFixture.tails["cases"]!.array.first { $0["name"]!.text == name }!
        let p = TailFixture.pool(c["pool"]!)
        let k = Int(c["k"]!.double)
        let v: [String: Value] = ["p": .numbers(p)]
        for positions in ["gumbel", "gumbel-unbiased"] {
            let want = c["fit"]![positions]!
            let fit = try run("gumbel_tail(p, k=\(k), positions=\"\(positions)\")", v)
            guard case .number(let a) = field(fit, "a"), case .number(let b) = field(fit, "b"), case .number(let r2) = field(fit, "r2") else { Issue.record("fit fields"); continue }
            #expect(agrees(a, want["a_closed_form"]!.reference.double, rel: 1e-12), "\(positions) a = \(a)")
            #expect(agrees(b, want["b_closed_form"]!.reference.double, rel: 1e-12), "\(positions) b = \(b)")
            #expect(agrees(r2, want["r2"]!.reference.double, rel: 1e-10), "\(positions) R²")
        }
        for row in c["forecast"]!.array {
            let n = row["n"]!.double
            if n <= Double(p.count) {
                // Fathom refuses to "forecast" a deployment no larger than the evaluation set.
                #expect(throws: Diagnostic.self) { try run("forecast(p, n=\(Int(n)), k=\(k))", v) }
                continue
            }
            for method in ["gumbel", "gumbel-unbiased", "lognormal"] {
                guard let w = row[method], case .number = w["forecast"]!.reference else { continue }
                let key = method == "lognormal" ? "forecast_via_minus_ndtri_1_over_n" : "forecast"
                let got = try number("forecast(p, n=\(Int(n)), k=\(k), method=\"\(method)\").estimate", v)
                #expect(agrees(got, w[key]!.reference.double, rel: 1e-10), "\(method) n = \(n): \(got)")
            }
        }
        let lowest = GumbelTail.probability(GumbelTail.largest(p.map(GumbelTail.score), k).last!)
        for row in c["forecast_frequency"]!.array {
            let tau = row["tau"]!.double
            if tau < lowest {
                #expect(throws: Diagnostic.self) { try run("forecast_frequency(p, tau=\(tau), k=\(k))", v) }
                continue
            }
            #expect(agrees(try number("forecast_frequency(p, tau=\(tau), k=\(k)).estimate", v), row["estimate"]!.reference.double, rel: 1e-10), "τ = \(tau)")
        }
        let aggregate = c["forecast_aggregate"]!
        for row in aggregate["by_n"]!.array {
            let n = row["n"]!.double
            let r = try run("forecast_aggregate(p, n=\(Int(n)), k=\(k))", v)
            guard case .number(let logNone) = field(r, "log_none"), case .number(let mean) = field(r, "mean_p") else { Issue.record("aggregate"); continue }
            #expect(agrees(logNone, row["log_prob_no_failure"]!.reference.double, rel: 1e-11), "log P(none), n = \(n)")
            #expect(agrees(mean, aggregate["e_p"]!.reference.double, rel: 1e-12))
        }
    }

    @Test("the refused pools of the fixtures are refused", arguments: TailFixture.tails["error_cases"]!.array.indices)
    func errors(_ index: Int) {
        let c = TailFixture.tails["error_cases"]!.array[index]
        let v: [String: Value] = ["p": .numbers(c["p"]!.doubles)]
        #expect(throws: Diagnostic.self, "\(c["name"]!.text)") { try run("forecast(p, n=1000, k=\(Int(c["k"]!.double)))", v) }
    }

    @Test("elicitation estimators")
    func elicitation() throws {
        let rows = TailFixture.elicitation["rows"]!.array
        let s = rows.map { $0["successes"]!.double }, t = rows.map { $0["trials"]!.double }
        let v: [String: Value] = ["s": .numbers(s), "t": .numbers(t)]
        #expect(numbers(try run("elicitation(s, t)", v)) == rows.map { $0["jeffreys"]!.reference.double })
        let scores = numbers(try run("scores(elicitation(s, t))", v))
        #expect(maxDifference(scores, rows.map { $0["jeffreys_score"]!.reference.double }) <= 1e-14)
        let finite = rows.indices.filter { s[$0] < t[$0] }
        let mle = numbers(try run("elicitation(s[\(finite)], t[\(finite)], estimator=\"mle\")", v))
        #expect(mle == finite.map { rows[$0]["mle"]!.reference.double })
    }
}

@Suite("Backtests and error decomposition")
struct BacktestReferenceTests {
    @Test("forecasts and truths on the fixture's partitions, and their decomposition", arguments: ["clean20000", "rare20000"])
    func fixedPartitions(_ name: String) throws {
        let fixture = TailFixture.backtest["fixed_partitions"]!
        let design = fixture["design"]!
        let pool = TailFixture.pool(fixture["pools"]![name]!["pool"]!)
        let eval = TailFixture.npy("backtest-eval-idx.npy"), deploy = TailFixture.npy("backtest-deploy-idx.npy")
        let m = Int(design["m"]!.double), n = Int(design["n"]!.double), k = Int(design["k"]!.double), reps = Int(design["reps"]!.double)
        let scores = pool.map(GumbelTail.score)
        let methods: [GumbelTail.Method] = [.gumbel, .gumbelUnbiased, .lognormal]
        let repetitions = (0..<reps).map { r in
            Backtest.evaluate(scores: scores, evaluation: (0..<m).map { Int(eval.values[r * m + $0]) },
                              deployment: (0..<n).map { Int(deploy.values[r * n + $0]) }, k: k, methods: methods)
        }
        let want = fixture["pools"]![name]!["methods"]!
        for (j, method) in methods.enumerated() {
            let w = want[method.rawValue]!
            #expect(maxDifference(repetitions.map { $0.forecasts[j] }, w["forecast"]!.reference.doubles) <= 1e-12, "\(method.rawValue) forecasts")
            #expect(repetitions.map(\.truth) == w["truth"]!.reference.doubles)
            if let summary = w["summary"] {
                let s = Backtest.summary(repetitions, method: j)
                #expect(agrees(s.meanAbsLog10Error, summary["mean_abs_log10_error"]!.reference.double, rel: 1e-11))
                #expect(s.withinOrder == summary["within_order"]!.reference.double)
                #expect(s.underRate == summary["under_rate"]!.reference.double)
                #expect(agrees(s.meanLog10Error, summary["mean_log10_error"]!.reference.double, rel: 1e-10, abs: 1e-14))
            }
        }
        let d = Backtest.decompose(repetitions), wd = fixture["pools"]![name]!["decompose"]!
        #expect(agrees(d.plottingPositionBias, wd["plotting_position_bias"]!.reference.double, rel: 1e-10))
        #expect(agrees(d.misspecification, wd["misspecification"]!.reference.double, rel: 1e-10, abs: 1e-14))
        #expect(agrees(d.noise, wd["noise"]!.reference.double, rel: 1e-10))
    }

    @Test("on the bundled pools the Gumbel forecast over-predicts on clean and under-predicts with the rare mode, within the spread of ten reference seeds")
    func regimes() throws {
        let spread = TailFixture.backtest["spread_seeds_1_to_10"]!["pools"]!
        for (pool, file) in [("clean", "clean"), ("rare-mode", "rare-mode")] {
            let d = try run("decompose(load(\"elicitation/\(file)\"), m=1000, n=100000, reps=200, seed=11)", [:])
            guard case .number(let under) = field(d, "under_rate"), case .number(let mean) = field(d, "mean_error"),
                  case .number(let bias) = field(d, "plotting_position_bias") else { Issue.record("fields"); continue }
            let ref = spread[pool]!["methods"]!["gumbel"]!
            // Ten reference seeds bound the sampling spread; allow a margin of half its width.
            func within(_ x: Double, _ r: JSONValue) -> Bool {
                let lo = r["min"]!.double, hi = r["max"]!.double, pad = max((hi - lo) / 2, 0.02)
                return x >= lo - pad && x <= hi + pad
            }
            #expect(within(under, ref["under_rate"]!), "\(pool) under-rate \(under)")
            #expect(within(mean, ref["mean_log10_error"]!), "\(pool) mean error \(mean)")
            #expect(within(bias, spread[pool]!["decompose"]!["plotting_position_bias"]!), "\(pool) plotting-position bias \(bias)")
            if pool == "clean" { #expect(mean > 0 && under < 0.3) } else { #expect(mean < 0 && under > 0.6) }
        }
    }
}

@Suite("Extreme-value fits against scipy refined to convergence and Coles (2001)")
struct ExtremeValueReferenceTests {
    @Test("Port Pirie: GEV and Gumbel fits, standard errors, return levels with delta and profile intervals, the likelihood ratio")
    func portPirie() throws {
        let pp = TailFixture.evt["port_pirie"]!
        let setup = "pp = load(\"port-pirie/annual-maxima\"); g = gev_fit(pp.sea_level_m); u = gumbel_fit(pp.sea_level_m)\n"
        let mle = pp["gev"]!["mle"]!.reference
        for p in ["mu", "sigma", "xi"] {
            #expect(agrees(try number(setup + "g.\(p)", [:]), mle[p]!.double, rel: 1e-7), "GEV \(p)")
            #expect(agrees(try number(setup + "g.se.\(p)", [:]), pp["gev"]!["observed_information_mpmath"]!["se"]!.reference[p]!.double, rel: 1e-5), "se \(p)")
        }
        #expect(agrees(try number(setup + "g.nll", [:]), pp["gev"]!["nll"]!.reference.double, rel: 1e-10))
        // Coles' published values, to their rounding (μ: his optimiser stopped 1e-5 short).
        let coles = pp["coles_published"]!
        #expect(abs(try number(setup + "g.mu", [:]) - coles["gev"]!["mu"]!.double) < 2e-5)
        #expect(abs(try number(setup + "g.sigma", [:]) - coles["gev"]!["sigma"]!.double) < 1e-5)
        #expect(abs(try number(setup + "g.xi", [:]) - coles["gev"]!["xi"]!.double) < 1e-5)
        let gm = pp["gumbel"]!["mle"]!.reference
        #expect(agrees(try number(setup + "u.mu", [:]), gm["mu"]!.double, rel: 1e-9))
        #expect(agrees(try number(setup + "u.sigma", [:]), gm["sigma"]!.double, rel: 1e-8))
        for (model, variable) in [("gev", "g"), ("gumbel", "u")] {
            for row in pp[model]!["return_levels"]!.array {
                let t = row["T"]!.double
                let r = try run(setup + "return_level(\(variable), \(t))", [:])
                guard case .number(let z) = field(r, "estimate"), case .number(let lo) = field(r, "lower"), case .number(let hi) = field(r, "upper") else { Issue.record("rl"); continue }
                #expect(agrees(z, row["z"]!.reference.double, rel: 1e-8), "\(model) z(\(t))")
                let delta = row["delta_95"]!.reference.doubles
                #expect(agrees(lo, delta[0], rel: 1e-5) && agrees(hi, delta[1], rel: 1e-5), "\(model) delta(\(t)): \(lo), \(hi)")
                if let profile = row["profile_95"] {
                    let pr = try run(setup + "return_level(\(variable), \(t), ci=\"profile\")", [:])
                    guard case .number(let plo) = field(pr, "lower"), case .number(let phi) = field(pr, "upper") else { Issue.record("profile"); continue }
                    #expect(agrees(plo, profile.reference["lower"]!.double, rel: 1e-6), "\(model) profile lower(\(t)): \(plo)")
                    #expect(agrees(phi, profile.reference["upper"]!.double, rel: 1e-6), "\(model) profile upper(\(t)): \(phi)")
                }
            }
        }
        #expect(agrees(try number(setup + "g.gumbel_deviance", [:]), pp["likelihood_ratio"]!["deviance"]!.reference.double, rel: 1e-6))
        #expect(agrees(try number(setup + "g.gumbel_pvalue", [:]), pp["likelihood_ratio"]!["p_value"]!.reference.double, rel: 1e-6))
    }

    @Test("synthetic GEV samples: parameters to 1e-6 of the converged optimum, errors to 1e-4", arguments: TailFixture.evt["synthetic_gev"]!.array.map { $0["name"]!.text })
    func synthetic(_ name: String) throws {
        let c = TailFixture.evt["synthetic_gev"]!.array.first { $0["name"]!.text == name }!
        let v: [String: Value] = ["x": .numbers(TailFixture.sample(c["sample"]!))]
        let mle = c["gev"]!["mle"]!.reference
        let se = c["gev"]!["observed_information_richardson"]!["se"]!.reference
        for p in ["mu", "sigma", "xi"] {
            #expect(agrees(try number("gev_fit(x).\(p)", v), mle[p]!.double, rel: 1e-6, abs: 1e-8), "\(p)")
            #expect(agrees(try number("gev_fit(x).se.\(p)", v), se[p]!.double, rel: 1e-4), "se \(p)")
        }
        let gm = c["gumbel"]!["mle"]!.reference
        #expect(agrees(try number("gumbel_fit(x).sigma", v), gm["sigma"]!.double, rel: 1e-7))
    }

    @Test("GPD fits of Student-t excesses and their return levels", arguments: [0, 1])
    func gpd(_ index: Int) throws {
        let g = TailFixture.evt["gpd_student_t4"]!
        let t = g["thresholds"]!.array[index]
        let v: [String: Value] = ["x": .numbers(TailFixture.npy(g["sample"]!["npy"]!.text).values)]
        let u = t["u"]!.reference.double
        let fit = "f = gpd_fit(x, threshold=\(u))\n"
        let mle = t["mle"]!.reference
        #expect(agrees(try number(fit + "f.sigma", v), mle["sigma"]!.double, rel: 1e-6))
        #expect(agrees(try number(fit + "f.xi", v), mle["xi"]!.double, rel: 1e-6, abs: 1e-8))
        #expect(agrees(try number(fit + "f.rate", v), t["zeta_u"]!.reference.double, rel: 1e-15))
        for row in t["return_levels"]!.array {
            let m = row["m"]!.double
            let r = try run(fit + "return_level(f, \(m))", v)
            guard case .number(let z) = field(r, "estimate"), case .number(let lo) = field(r, "lower") else { Issue.record("rl"); continue }
            #expect(agrees(z, row["z"]!.reference.double, rel: 1e-6), "z(\(m))")
            #expect(agrees(lo, row["delta_95"]!.reference.doubles[0], rel: 1e-4), "lower(\(m))")
        }
    }

    @Test("block maxima and mean excess")
    func helpers() throws {
        let v: [String: Value] = ["x": .numbers(TailFixture.npy(TailFixture.evt["gpd_student_t4"]!["sample"]!["npy"]!.text).values)]
        for row in TailFixture.evt["block_maxima"]!.array {
            let size = Int(row["block_size"]!.double)
            #expect(numbers(try run("block_maxima(x, \(size))", v)) == row["maxima"]!.reference.doubles)
        }
        let rows = TailFixture.evt["mean_excess"]!["rows"]!.reference.array
        let thresholds = rows.map { $0["u"]!.double }
        let me = try run("mean_excess(x, thresholds=u)", v.merging(["u": .numbers(thresholds)]) { $1 })
        guard case .table(let t) = field(me, "table"), case .numbers(let mean)? = t.column("mean_excess"), case .numbers(let se)? = t.column("se") else { Issue.record("table"); return }
        #expect(maxDifference(mean, rows.map { $0["mean_excess"]!.double }) <= 1e-12)
        #expect(maxDifference(se, rows.map { $0["se"]!.double }) <= 1e-12)
    }
}
