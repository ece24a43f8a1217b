import Testing
import FathomTestSupport
import FathomCore
@testable import FathomLanguage

/// The tail and extreme-value builtins are bound to the core: on a few cases of the numpy and
/// scipy fixtures (Tests/FathomCoreTests/Fixtures/tails), each builtin's result through the
/// interpreter is the core function's, and the builtins refuse what the language refuses. The
/// core's agreement with the references is tested in FathomCoreTests/TailReferenceTests;
/// elicitation(), computed in the language, is checked against its reference here.
@Suite("Tail builtins call the core")
struct TailBindingTests {
    static let tails = TailFixture.load("tails.json")
    static let evt = TailFixture.load("evt.json")

    /// The pool of a tails case: inline, or a slice of a bundled .npy.
    static func pool(_ name: String) -> [Double] {
        let j = tails["cases"]!.array.first { $0["name"]!.text == name }!["pool"]!
        if let values = j["values"] { return values.doubles }
        let path = Fixture.folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(j["path"]!.text).path
        let slice = j["slice"]!.doubles
        return Array(try! NPYFormat.read(path: path).values[Int(slice[0])..<Int(slice[1])])
    }

    @Test("gumbel_tail, forecast (three methods), forecast_frequency, forecast_aggregate and scores", arguments: ["small50-k10", "rare10000-k10"])
    func forecasts(_ name: String) throws {
        let p = Self.pool(name), k = 10
        let v: [String: Value] = ["p": .numbers(p)]
        let s = p.map(GumbelTail.score)
        #expect(numbersIn(try valueOf("scores(p)", v)) == s)
        for positions in GumbelTail.Positions.allCases {
            let fit = try valueOf("gumbel_tail(p, k=\(k), positions=\"\(positions.rawValue)\")", v), core = try GumbelTail.fit(scores: s, k: k, positions: positions)
            #expect(numberIn(member(fit, "a")) == core.a && numberIn(member(fit, "b")) == core.b && numberIn(member(fit, "r2")) == core.r2)
        }
        for n in [10_000.0, 1e9] {
            if n <= Double(p.count) {
                // Fathom refuses to "forecast" a deployment no larger than the evaluation set.
                #expect(throws: Diagnostic.self) { try valueOf("forecast(p, n=\(Int(n)), k=\(k))", v) }
                continue
            }
            for method in GumbelTail.Method.allCases {
                let got = numberIn(member(try valueOf("forecast(p, n=\(Int(n)), k=\(k), method=\"\(method.rawValue)\")", v), "estimate"))
                #expect(matchesCore(got, try GumbelTail.forecast(scores: s, n: n, k: k, method: method).estimate), "\(method.rawValue) n = \(n)")
            }
            let aggregate = try valueOf("forecast_aggregate(p, n=\(Int(n)), k=\(k))", v), core = GumbelTail.aggregate(p: p, fit: try GumbelTail.fit(scores: s, k: k), n: n)
            #expect(numberIn(member(aggregate, "log_none")) == core.logNone && numberIn(member(aggregate, "mean_p")) == core.meanP)
        }
        let fit = try GumbelTail.fit(scores: s, k: k)
        let lowest = GumbelTail.probability(GumbelTail.largest(s, k).last!)
        for tau in [0.01, 0.5] {
            if tau < lowest {
                #expect(throws: Diagnostic.self) { try valueOf("forecast_frequency(p, tau=\(tau), k=\(k))", v) }
                continue
            }
            #expect(numberIn(member(try valueOf("forecast_frequency(p, tau=\(tau), k=\(k))", v), "estimate")) == GumbelTail.frequency(fit, tau: tau), "τ = \(tau)")
        }
    }

    @Test("the refused pools of the fixtures are refused", arguments: TailFixture.load("tails.json")["error_cases"]!.array.indices)
    func errors(_ index: Int) {
        let c = Self.tails["error_cases"]!.array[index]
        let v: [String: Value] = ["p": .numbers(c["p"]!.doubles)]
        #expect(throws: Diagnostic.self, "\(c["name"]!.text)") { try valueOf("forecast(p, n=1000, k=\(Int(c["k"]!.double)))", v) }
    }

    @Test("elicitation estimators against the fixture, and their scores")
    func elicitation() throws {
        let rows = TailFixture.load("elicitation.json")["rows"]!.array
        let s = rows.map { $0["successes"]!.double }, t = rows.map { $0["trials"]!.double }
        let v: [String: Value] = ["s": .numbers(s), "t": .numbers(t)]
        let jeffreys = numbersIn(try valueOf("elicitation(s, t)", v))
        #expect(jeffreys == rows.map { $0["jeffreys"]!.reference.double })
        #expect(numbersIn(try valueOf("scores(elicitation(s, t))", v)) == jeffreys.map(GumbelTail.score))
        let finite = rows.indices.filter { s[$0] < t[$0] }
        let mle = numbersIn(try valueOf("elicitation(s[\(finite)], t[\(finite)], estimator=\"mle\")", v))
        #expect(mle == finite.map { rows[$0]["mle"]!.reference.double })
    }

    @Test("decompose runs the seeded gumbel and gumbel-unbiased backtests")
    func decompose() throws {
        let d = try valueOf("decompose(load(\"elicitation/rare-mode\"), m=1000, n=100000, reps=20, seed=11)")
        guard case .vector(.numbers(let pool)) = try valueOf("load(\"elicitation/rare-mode\")") else { Issue.record("pool"); return }
        var random = Xoshiro256(seed: 11)
        let core = Backtest.decompose(try Backtest.run(pool: pool, m: 1000, n: 100_000, k: 10, repetitions: 20, methods: [.gumbel, .gumbelUnbiased], random: &random))
        #expect(numberIn(member(d, "under_rate")) == core.underRate && numberIn(member(d, "mean_error")) == core.meanError)
        #expect(numberIn(member(d, "plotting_position_bias")) == core.plottingPositionBias)
    }

    @Test("gev_fit and gumbel_fit of Port Pirie: parameters, errors, deviance, return levels by delta and profile")
    func portPirie() throws {
        let setup = "pp = load(\"port-pirie/annual-maxima\"); g = gev_fit(pp.sea_level_m); u = gumbel_fit(pp.sea_level_m)\n"
        let x = numbersIn(try valueOf(setup + "pp.sea_level_m"))
        let gumbel = try ExtremeValue.fitGumbel(x), gev = try ExtremeValue.fitGEV(x, gumbel: gumbel)
        for (variable, fit) in [("g", gev), ("u", gumbel)] {
            for (name, (value, se)) in zip(fit.names, zip(fit.parameters, fit.standardErrors)) {
                #expect(try numberIn(valueOf(setup + "\(variable).\(name)")) == value && numberIn(valueOf(setup + "\(variable).se.\(name)")) == se, "\(variable).\(name)")
            }
            #expect(try numberIn(valueOf(setup + "\(variable).nll")) == fit.nll)
            let delta = ExtremeValue.deltaInterval(fit, period: 100, confidence: 0.95)
            let r = try valueOf(setup + "return_level(\(variable), 100)")
            #expect(numberIn(member(r, "estimate")) == delta.level && numberIn(member(r, "lower")) == delta.lower && numberIn(member(r, "upper")) == delta.upper)
            let profile = try ExtremeValue.profileInterval(fit, period: 100, confidence: 0.95)
            let pr = try valueOf(setup + "return_level(\(variable), 100, ci=\"profile\")")
            #expect(numberIn(member(pr, "lower")) == profile.lower && numberIn(member(pr, "upper")) == profile.upper)
        }
        let deviance = 2 * (gumbel.nll - gev.nll)
        #expect(try numberIn(valueOf(setup + "g.gumbel_deviance")) == deviance)
        #expect(try numberIn(valueOf(setup + "g.gumbel_pvalue")) == Distribution.chiSquareSurvival(max(0, deviance), degrees: 1))
    }

    /// The Student-t sample of the GPD fixture.
    static var studentT: [Double] { try! NPYFormat.read(path: Fixture.path("tails/" + evt["gpd_student_t4"]!["sample"]!["npy"]!.text)).values }

    @Test("gpd_fit, its return level, block_maxima and mean_excess")
    func gpd() throws {
        let x = Self.studentT, u = Self.evt["gpd_student_t4"]!["thresholds"]!.array[0]["u"]!.reference.double
        let v: [String: Value] = ["x": .numbers(x)]
        let fit = "f = gpd_fit(x, threshold=\(u))\n"
        let core = try ExtremeValue.fitGPD(x, threshold: u)
        #expect(try numberIn(valueOf(fit + "f.sigma", v)) == core.parameters[0] && numberIn(valueOf(fit + "f.xi", v)) == core.parameters[1])
        #expect(try numberIn(valueOf(fit + "f.rate", v)) == core.rate!)
        let delta = ExtremeValue.deltaInterval(core, period: 1000, confidence: 0.95)
        let r = try valueOf(fit + "return_level(f, 1000)", v)
        #expect(numberIn(member(r, "estimate")) == delta.level && numberIn(member(r, "lower")) == delta.lower)
        #expect(numbersIn(try valueOf("block_maxima(x, 50)", v)) == ExtremeValue.blockMaxima(x, size: 50))
        let thresholds = [0.5, 1.0, 2.0]
        let me = try ExtremeValue.meanExcess(x, thresholds: thresholds)
        guard case .table(let t) = member(try valueOf("mean_excess(x, thresholds=\(thresholds))", v), "table"),
              case .numbers(let mean)? = t.column("mean_excess"), case .numbers(let se)? = t.column("se") else { Issue.record("table"); return }
        #expect(mean == me.map(\.mean) && se == me.map(\.se))
    }
}
