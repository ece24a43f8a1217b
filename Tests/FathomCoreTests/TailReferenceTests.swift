import Foundation
import Testing
@testable import FathomCore
import FathomTestSupport

/// Tail forecasts and extreme-value fits of the core against numpy/scipy references
/// (Tests/FathomCoreTests/Fixtures/tails, written by Scripts/make-fixtures-tails.py; see the
/// README there): scipy fits refined to convergence and Coles (2001) for the extreme values. The
/// builtins (scores, gumbel_tail, forecast, forecast_frequency, forecast_aggregate, decompose,
/// gev_fit, gumbel_fit, gpd_fit, return_level, block_maxima, mean_excess) call these functions;
/// FathomLanguageTests/TailBindingTests checks that they do.
enum TailCases {
    static let tails = try! Fixture.json("tails/tails.json")
    static let backtest = try! Fixture.json("tails/backtest.json")
    static let evt = try! Fixture.json("tails/evt.json")
    static let elicitation = try! Fixture.json("tails/elicitation.json")
    /// The repository root, against which pools name bundled files.
    static let repository = Fixture.folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func npy(_ name: String) -> NumpyArray { try! NPYFormat.read(path: Fixture.path("tails/" + name)) }

    /// A pool: inline values, or a slice of a bundled .npy.
    static func pool(_ j: JSONValue) -> [Double] {
        if let values = j["values"] { return values.doubles }
        if let other = j["same_as"] { return pool(named(other.text)["pool"]!) }
        let all = try! NPYFormat.read(path: repository.appendingPathComponent(j["path"]!.text).path).values
        guard let slice = j["slice"]?.doubles else { return all }
        return Array(all[Int(slice[0])..<Int(slice[1])])
    }

    /// A sample: inline or in an .npy beside the fixtures.
    static func sample(_ j: JSONValue) -> [Double] {
        if let values = j["values"] { return values.doubles }
        return npy(j["npy"]!.text).values
    }

    static func named(_ name: String) -> JSONValue { tails["cases"]!.array.first { $0["name"]!.text == name }! }

    /// The Student-t sample of the GPD fixture.
    static var studentT: [Double] { npy(evt["gpd_student_t4"]!["sample"]!["npy"]!.text).values }
}

@Suite("Gumbel-tail forecasts against numpy and scipy")
struct TailForecastReferenceTests {
    static let cases = TailCases.tails["cases"]!.array.map { $0["name"]!.text }

    @Test("digamma and the normal quantile to 1e-14")
    func specialFunctions() {
        for row in TailCases.tails["digamma"]!["j"]!.array {
            let x = row["x"]!.double
            #expect(agrees(SpecialFunctions.digamma(x), row["mpmath"]!.reference.double, rel: 2e-15, abs: 1e-15), "ψ(\(x))")
        }
        for key in ["m_plus_1"] {
            guard let rows = TailCases.tails["digamma"]![key]?.array else { continue }
            for row in rows { #expect(agrees(SpecialFunctions.digamma(row["x"]!.double), row["digamma"]!.reference.double, rel: 2e-15)) }
        }
        for row in TailCases.tails["ndtri"]!["upper"]!.array {
            let n = row["n"]!.double
            #expect(agrees(-SpecialFunctions.normalQuantile(1 / n), row["mpmath_of_exact_1_minus_1_over_n"]!.reference.double, rel: 1e-14, abs: 1e-15), "n = \(n)")
        }
    }

    @Test("fits, forecasts of three methods, frequencies and aggregates", arguments: cases)
    func forecasts(_ name: String) throws {
        let c = TailCases.named(name)
        let p = TailCases.pool(c["pool"]!)
        let k = Int(c["k"]!.double)
        let s = p.map(GumbelTail.score)
        for positions in GumbelTail.Positions.allCases {
            let want = c["fit"]![positions.rawValue]!
            let fit = try GumbelTail.fit(scores: s, k: k, positions: positions)
            #expect(agrees(fit.a, want["a_closed_form"]!.reference.double, rel: 1e-12), "\(positions) a = \(fit.a)")
            #expect(agrees(fit.b, want["b_closed_form"]!.reference.double, rel: 1e-12), "\(positions) b = \(fit.b)")
            #expect(agrees(fit.r2, want["r2"]!.reference.double, rel: 1e-10), "\(positions) R²")
        }
        for row in c["forecast"]!.array {
            let n = row["n"]!.double
            // forecast() refuses a deployment no larger than the evaluation set (TailBindingTests).
            guard n > Double(p.count) else { continue }
            for method in GumbelTail.Method.allCases {
                guard let w = row[method.rawValue], case .number = w["forecast"]!.reference else { continue }
                let key = method == .lognormal ? "forecast_via_minus_ndtri_1_over_n" : "forecast"
                let got = try GumbelTail.forecast(scores: s, n: n, k: k, method: method).estimate
                #expect(agrees(got, w[key]!.reference.double, rel: 1e-10), "\(method.rawValue) n = \(n): \(got)")
            }
        }
        let fit = try GumbelTail.fit(scores: s, k: k)
        let lowest = GumbelTail.probability(GumbelTail.largest(s, k).last!)
        for row in c["forecast_frequency"]!.array {
            let tau = row["tau"]!.double
            // forecast_frequency() refuses τ below the fitted tail (TailBindingTests).
            guard tau >= lowest else { continue }
            #expect(agrees(GumbelTail.frequency(fit, tau: tau), row["estimate"]!.reference.double, rel: 1e-10), "τ = \(tau)")
        }
        let aggregate = c["forecast_aggregate"]!
        for row in aggregate["by_n"]!.array {
            let n = row["n"]!.double
            let r = GumbelTail.aggregate(p: p, fit: fit, n: n)
            #expect(agrees(r.logNone, row["log_prob_no_failure"]!.reference.double, rel: 1e-11), "log P(none), n = \(n)")
            #expect(agrees(r.meanP, aggregate["e_p"]!.reference.double, rel: 1e-12))
        }
    }

    @Test("the refused pools of the fixtures are refused", arguments: TailCases.tails["error_cases"]!.array.indices)
    func errors(_ index: Int) {
        let c = TailCases.tails["error_cases"]!.array[index]
        let p = c["p"]!.doubles, k = Int(c["k"]!.double)
        #expect(throws: GumbelTail.Problem.self, "\(c["name"]!.text)") {
            try GumbelTail.forecast(scores: try GumbelTail.scores(p), n: 1000, k: k, method: .gumbel)
        }
    }

    @Test("the scores of the Jeffreys estimates")
    func elicitationScores() {
        let rows = TailCases.elicitation["rows"]!.array
        let scores = rows.map { GumbelTail.score($0["jeffreys"]!.reference.double) }
        #expect(maxDifference(scores, rows.map { $0["jeffreys_score"]!.reference.double }) <= 1e-14)
    }
}

@Suite("Backtests and error decomposition")
struct BacktestReferenceTests {
    @Test("forecasts and truths on the fixture's partitions, and their decomposition", arguments: ["clean20000", "rare20000"])
    func fixedPartitions(_ name: String) throws {
        let fixture = TailCases.backtest["fixed_partitions"]!
        let design = fixture["design"]!
        let pool = TailCases.pool(fixture["pools"]![name]!["pool"]!)
        let eval = TailCases.npy("backtest-eval-idx.npy"), deploy = TailCases.npy("backtest-deploy-idx.npy")
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

    /// decompose(load("elicitation/<file>"), m=1000, n=100000, reps=200, seed=11): the gumbel
    /// and gumbel-unbiased backtests (k = 10) on seeded partitions.
    static func decomposition(_ file: String) throws -> Backtest.Decomposition {
        let pool = try NPYFormat.read(path: BundledData.path("elicitation/\(file).npy")).values
        var random = Xoshiro256(seed: 11)
        let reps = try Backtest.run(pool: pool, m: 1000, n: 100_000, k: 10, repetitions: 200, methods: [.gumbel, .gumbelUnbiased], random: &random)
        return Backtest.decompose(reps)
    }

    @Test("on the bundled pools the Gumbel forecast over-predicts on clean and under-predicts with the rare mode, within the spread of ten reference seeds")
    func regimes() throws {
        let spread = TailCases.backtest["spread_seeds_1_to_10"]!["pools"]!
        for (pool, file) in [("clean", "clean"), ("rare-mode", "rare-mode")] {
            let d = try Self.decomposition(file)
            let under = d.underRate, mean = d.meanError, bias = d.plottingPositionBias
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

/// What gev_fit(x) reports: the GEV fit and, for the likelihood ratio, the Gumbel fit of the
/// same data.
struct GEVReport {
    var gev: ExtremeValue.Fit
    var gumbel: ExtremeValue.Fit

    init(_ x: [Double]) throws {
        gumbel = try ExtremeValue.fitGumbel(x)
        gev = try ExtremeValue.fitGEV(x, gumbel: gumbel)
    }

    /// 2(ℓ_GEV − ℓ_Gumbel), g.gumbel_deviance.
    var deviance: Double { 2 * (gumbel.nll - gev.nll) }
    /// Its χ²₁ p-value, g.gumbel_pvalue.
    var pvalue: Double { Distribution.chiSquareSurvival(max(0, deviance), degrees: 1) }
}

extension ExtremeValue.Fit {
    /// The parameter called `name` (fit.mu, fit.sigma, fit.xi).
    func parameter(_ name: String) -> Double { parameters[names.firstIndex(of: name)!] }
    /// Its standard error (fit.se.mu …).
    func se(_ name: String) -> Double { standardErrors[names.firstIndex(of: name)!] }
}

@Suite("Extreme-value fits against scipy refined to convergence and Coles (2001)")
struct ExtremeValueReferenceTests {
    /// The Port Pirie annual maxima (load("port-pirie/annual-maxima").sea_level_m).
    static func portPirie() throws -> [Double] {
        BundledData.numbers(try BundledData.table("port-pirie/annual-maxima"), "sea_level_m")
    }

    @Test("Port Pirie: GEV and Gumbel fits, standard errors, return levels with delta and profile intervals, the likelihood ratio")
    func portPirie() throws {
        let pp = TailCases.evt["port_pirie"]!
        let report = try GEVReport(try Self.portPirie())
        let g = report.gev, u = report.gumbel
        let mle = pp["gev"]!["mle"]!.reference
        for p in ["mu", "sigma", "xi"] {
            #expect(agrees(g.parameter(p), mle[p]!.double, rel: 1e-7), "GEV \(p)")
            #expect(agrees(g.se(p), pp["gev"]!["observed_information_mpmath"]!["se"]!.reference[p]!.double, rel: 1e-5), "se \(p)")
        }
        #expect(agrees(g.nll, pp["gev"]!["nll"]!.reference.double, rel: 1e-10))
        // Coles' published values, to their rounding (μ: his optimiser stopped 1e-5 short).
        let coles = pp["coles_published"]!
        #expect(abs(g.parameter("mu") - coles["gev"]!["mu"]!.double) < 2e-5)
        #expect(abs(g.parameter("sigma") - coles["gev"]!["sigma"]!.double) < 1e-5)
        #expect(abs(g.parameter("xi") - coles["gev"]!["xi"]!.double) < 1e-5)
        let gm = pp["gumbel"]!["mle"]!.reference
        #expect(agrees(u.parameter("mu"), gm["mu"]!.double, rel: 1e-9))
        #expect(agrees(u.parameter("sigma"), gm["sigma"]!.double, rel: 1e-8))
        for (model, fit) in [("gev", g), ("gumbel", u)] {
            for row in pp[model]!["return_levels"]!.array {
                let t = row["T"]!.double
                let d = ExtremeValue.deltaInterval(fit, period: t, confidence: 0.95)
                #expect(agrees(d.level, row["z"]!.reference.double, rel: 1e-8), "\(model) z(\(t))")
                let delta = row["delta_95"]!.reference.doubles
                #expect(agrees(d.lower, delta[0], rel: 1e-5) && agrees(d.upper, delta[1], rel: 1e-5), "\(model) delta(\(t)): \(d.lower), \(d.upper)")
                if let profile = row["profile_95"] {
                    let pr = try ExtremeValue.profileInterval(fit, period: t, confidence: 0.95)
                    #expect(agrees(pr.lower, profile.reference["lower"]!.double, rel: 1e-6), "\(model) profile lower(\(t)): \(pr.lower)")
                    #expect(agrees(pr.upper, profile.reference["upper"]!.double, rel: 1e-6), "\(model) profile upper(\(t)): \(pr.upper)")
                }
            }
        }
        #expect(agrees(report.deviance, pp["likelihood_ratio"]!["deviance"]!.reference.double, rel: 1e-6))
        #expect(agrees(report.pvalue, pp["likelihood_ratio"]!["p_value"]!.reference.double, rel: 1e-6))
    }

    @Test("synthetic GEV samples: parameters to 1e-6 of the converged optimum, errors to 1e-4", arguments: TailCases.evt["synthetic_gev"]!.array.map { $0["name"]!.text })
    func synthetic(_ name: String) throws {
        let c = TailCases.evt["synthetic_gev"]!.array.first { $0["name"]!.text == name }!
        let x = TailCases.sample(c["sample"]!)
        let g = try GEVReport(x).gev
        let mle = c["gev"]!["mle"]!.reference
        let se = c["gev"]!["observed_information_richardson"]!["se"]!.reference
        for p in ["mu", "sigma", "xi"] {
            #expect(agrees(g.parameter(p), mle[p]!.double, rel: 1e-6, abs: 1e-8), "\(p)")
            #expect(agrees(g.se(p), se[p]!.double, rel: 1e-4), "se \(p)")
        }
        let gm = c["gumbel"]!["mle"]!.reference
        #expect(agrees(try ExtremeValue.fitGumbel(x).parameter("sigma"), gm["sigma"]!.double, rel: 1e-7))
    }

    @Test("GPD fits of Student-t excesses and their return levels", arguments: [0, 1])
    func gpd(_ index: Int) throws {
        let t = TailCases.evt["gpd_student_t4"]!["thresholds"]!.array[index]
        let f = try ExtremeValue.fitGPD(TailCases.studentT, threshold: t["u"]!.reference.double)
        let mle = t["mle"]!.reference
        #expect(agrees(f.parameter("sigma"), mle["sigma"]!.double, rel: 1e-6))
        #expect(agrees(f.parameter("xi"), mle["xi"]!.double, rel: 1e-6, abs: 1e-8))
        #expect(agrees(f.rate ?? .nan, t["zeta_u"]!.reference.double, rel: 1e-15))
        for row in t["return_levels"]!.array {
            let m = row["m"]!.double
            let d = ExtremeValue.deltaInterval(f, period: m, confidence: 0.95)
            #expect(agrees(d.level, row["z"]!.reference.double, rel: 1e-6), "z(\(m))")
            #expect(agrees(d.lower, row["delta_95"]!.reference.doubles[0], rel: 1e-4), "lower(\(m))")
        }
    }

    @Test("block maxima and mean excess")
    func helpers() throws {
        let x = TailCases.studentT
        for row in TailCases.evt["block_maxima"]!.array {
            #expect(ExtremeValue.blockMaxima(x, size: Int(row["block_size"]!.double)) == row["maxima"]!.reference.doubles)
        }
        let rows = TailCases.evt["mean_excess"]!["rows"]!.reference.array
        let me = try ExtremeValue.meanExcess(x, thresholds: rows.map { $0["u"]!.double })
        #expect(maxDifference(me.map(\.mean), rows.map { $0["mean_excess"]!.double }) <= 1e-12)
        #expect(maxDifference(me.map(\.se), rows.map { $0["se"]!.double }) <= 1e-12)
    }
}
