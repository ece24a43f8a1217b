import Foundation
import Testing
import FathomTestSupport
@testable import FathomCore
@testable import FathomLanguage

/// Regression tests of issue 14 (rare failures and extreme values): profile-likelihood
/// return-level intervals against a brute-force profile, the aggregate forecast for large tail
/// rates against mpmath, failure_probs from a model's outputs, saturated forecasts and the
/// forecast's bootstrap interval.
enum TailRegressionFixture {
    static let profile = TailFixture.load("profile.json")
    static let aggregate = TailFixture.load("aggregate.json")
}

/// The columns of a return_level table.
private func column(_ value: Value, _ name: String) -> [Double] {
    guard case .table(let t) = value, case .numbers(let v)? = t.column(name) else { Issue.record("no column \(name)"); return [] }
    return v
}

@Suite("Profile-likelihood return-level intervals against a brute-force profile")
struct ProfileIntervalTests {
    static let samples = TailRegressionFixture.profile["samples"]!.array.map { $0["name"]!.text }

    /// The heavy-tailed sample's 1000-block upper limit was 57.07 (the brute force: 164.78):
    /// every inner fit started at the global (σ, ξ), outside the support for large z, and that
    /// failure read as "outside the interval".
    @Test("GEV and Gumbel intervals for T = 10, 100, 1000 agree with the brute force to 1e-5 of their width",
          arguments: samples, ["gev", "gumbel"])
    func bruteForce(_ sample: String, _ model: String) throws {
        let s = TailRegressionFixture.profile["samples"]!.array.first { $0["name"]!.text == sample }!
        let v: [String: Value] = ["x": .numbers(s["sample"]!["values"]!.doubles)]
        let want = s[model]!
        for (name, value) in want["mle"]!.reference.keys.map({ ($0, want["mle"]!.reference[$0]!.double) }) {
            #expect(agrees(try number("\(model)_fit(x).\(name)", v), value, rel: 1e-6, abs: 1e-8), "\(sample) \(model) \(name)")
        }
        let rows = want["return_levels"]!.array
        let periods = rows.map { Int($0["T"]!.double) }
        let table = try run("return_level(\(model)_fit(x), \(periods), ci=\"profile\")", v)
        let lower = column(table, "lower"), upper = column(table, "upper"), estimate = column(table, "estimate")
        for (i, row) in rows.enumerated() {
            let ends = row["profile_95"]!.reference.doubles
            let width = ends[1] - ends[0]
            #expect(agrees(estimate[i], row["z"]!.reference.double, rel: 1e-6), "\(sample) \(model) z(\(periods[i]))")
            #expect(abs(lower[i] - ends[0]) <= 1e-5 * width, "\(sample) \(model) T = \(periods[i]) lower \(lower[i]) vs \(ends[0])")
            #expect(abs(upper[i] - ends[1]) <= 1e-5 * width, "\(sample) \(model) T = \(periods[i]) upper \(upper[i]) vs \(ends[1])")
        }
    }

    @Test("the profile deviance at each limit is the χ²₁ quantile, and inside the interval below it")
    func deviance() throws {
        let s = TailRegressionFixture.profile["samples"]!.array.first { $0["name"]!.text == "heavy" }!
        let x = s["sample"]!["values"]!.doubles
        let fit = try ExtremeValue.fitGEV(x)
        let (lower, upper) = try ExtremeValue.profileInterval(fit, period: 1000, confidence: 0.95)
        let chi = TailRegressionFixture.profile["chi2_95_1df"]!.reference.double
        let profile = ReturnLevelProfile(fit, period: 1000)
        for (z, expected) in [(lower, chi), (upper, chi)] {
            #expect(abs(2 * (try profile.nll(z) - fit.nll) - expected) < 1e-6, "deviance at \(z)")
        }
        let level = ExtremeValue.returnLevel(fit, period: 1000).level
        for t in [0.25, 0.5, 0.75] {
            for z in [level + t * (upper - level), level - t * (level - lower)] {
                #expect(2 * (try profile.nll(z) - fit.nll) < chi, "inside at \(z)")
            }
        }
    }
}

@Suite("forecast_aggregate for tail rates from 0.5 to 5000")
struct AggregateRateTests {
    @Test("the tail's E[p] = Γ(λ+1)·c^(−λ)·P(λ, c) against mpmath, also where Γ(λ+1)·c^(−λ) overflows")
    func tailMean() {
        for row in TailRegressionFixture.aggregate["tail_mean"]!.array {
            let lambda = row["lambda"]!.double, c = row["c"]!.double
            let got = GumbelTail.tailMean(lambda: lambda, c: c)
            #expect(agrees(got, row["value"]!.reference.double, rel: 1e-12), "λ = \(lambda), c = \(c): \(got)")
        }
    }

    /// These pools gave estimate and log_none null (NaN) from λ ≈ 235 on.
    @Test("pools whose fitted tail rate is large", arguments: TailRegressionFixture.aggregate["pools"]!.array.indices)
    func pools(_ index: Int) throws {
        let c = TailRegressionFixture.aggregate["pools"]!.array[index]
        let v: [String: Value] = ["p": .numbers(c["pool"]!["values"]!.doubles)]
        let k = Int(c["k"]!.double)
        #expect(agrees(-(try number("gumbel_tail(p, k=\(k)).a", v)), c["lambda"]!.reference.double, rel: 1e-10))
        for row in c["by_n"]!.array {
            let n = row["n"]!.double
            let r = try run("forecast_aggregate(p, n=\(n), k=\(k))", v)
            guard case .number(let estimate) = field(r, "estimate"), case .number(let logNone) = field(r, "log_none"),
                  case .number(let mean) = field(r, "mean_p") else { Issue.record("λ = \(c["lambda_design"]!.double): fields not numbers"); continue }
            #expect(agrees(mean, c["e_p"]!.reference.double, rel: 1e-12), "λ = \(c["lambda_design"]!.double): E[p] \(mean)")
            #expect(agrees(logNone, row["log_prob_no_failure"]!.reference.double, rel: 1e-10), "log P(none), n = \(n)")
            #expect(agrees(estimate, row["aggregate"]!.reference.double, rel: 1e-10), "aggregate, n = \(n)")
        }
    }
}

@Suite("failure_probs from a model's outputs")
struct FailureProbabilityTests {
    @Test("failure_probs(p, y) is 1 − p[i, y_i], exact near 0 and near 1", arguments: [
        // (probabilities, labels, expected): matrix and binary-vector forms.
        ("[[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]]", "[0, 0, 1]", [0.1, 0.8, 0.5]),
        ("[[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]", "[2, 2]", [0.9, 0.2]),
        // A confident right answer: 1 − p rounds to 0 but the other class holds 1e-20.
        ("[[1e-20, 1]]", "[1]", [1e-20]),
        ("[0.1, 0.7, 0.999]", "[1, 1, 0]", [0.9, 0.30000000000000004, 0.999]),
        // y = 0 with q = P(y = 1) = 1e-300: the failure probability is q itself.
        ("[1e-300, 0.25]", "[0, 0]", [1e-300, 0.25]),
        ("[0.25, 0.75]", "[true, false]", [0.75, 0.75]),
    ])
    func probabilities(_ p: String, _ y: String, _ expected: [Double]) throws {
        #expect(numbers(try run("failure_probs(\(p), \(y))", [:])) == expected)
        #expect(numbers(try run("failure_probs(\(p), y=\(y))", [:])) == expected)
    }

    @Test("bad probabilities and labels are refused with one message each", arguments: [
        ("failure_probs([0.1, 0.7], [1, 1, 0])", "y has 3 labels but the probabilities have 2 rows"),
        ("failure_probs([[0.5, 0.6]], [0])", "row 0 of p sums to"),
        ("failure_probs([0.5, 1.5], [0, 1])", "probabilities lie in [0, 1]"),
        ("failure_probs([0.5, 0.5], [0, 2])", "label 2 at position 1 is out of range for 2 classes"),
        ("failure_probs([0.5, 0.5])", "needs y"),
        ("failure_probs([0.5, 0.5], [0, 1], y=[0, 1])", "takes (p, y)"),
        ("failure_probs(\"a\", [0])", "a model, or class probabilities"),
    ])
    func refused(_ source: String, _ message: String) {
        let d = diagnostic(source)
        #expect(d?.message.contains(message) == true, "\(d?.message ?? "no error")")
    }
}

private func flag(_ v: Value) -> Bool? {
    if case .bool(let b) = v { return b }
    return nil
}

@Suite("Saturated tail forecasts")
struct SaturationTests {
    /// 200 ordinary probabilities and ten within 1e-12 of 1 at the top.
    static let saturatedPool = "p = concat(0.3 * runif(200, seed=1), 1 - 1e-12 * [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])\n"

    @Test("top probabilities within 1e-9 of 1 are reported in the summary and the saturated field")
    func saturatedTop() throws {
        let text = try evaluate(SaturationTests.saturatedPool + "forecast(p, n=1e5)")
        #expect(text.contains("saturated: 10 of the top 10 evaluation probabilities lie within 1e-09 of 1"), "\(text)")
        #expect(flag(try run(SaturationTests.saturatedPool + "forecast(p, n=1e5).saturated", [:])) == true)
        #expect(flag(try run(SaturationTests.saturatedPool + "gumbel_tail(p).saturated", [:])) == true)
    }

    @Test("a forecast that rounds to 1 says to read its score; an ordinary one says nothing")
    func saturatedForecast() throws {
        let pool = "p = load(\"elicitation/clean\")[0:1000]\n"
        let far = try evaluate(pool + "forecast(p, n=1e300)")
        #expect(far.contains("saturated: the forecast lies within 1e-09 of 1"), "\(far)")
        #expect(flag(try run(pool + "forecast(p, n=1e300).saturated", [:])) == true)
        let near = try evaluate(pool + "forecast(p, n=1e5)")
        #expect(!near.contains("saturated"))
        #expect(flag(try run(pool + "forecast(p, n=1e5).saturated", [:])) == false)
    }
}

@Suite("The forecast's bootstrap interval")
struct ForecastBootstrapTests {
    static let pool = "p = load(\"elicitation/clean\")[0:1000]\n"

    func interval(_ call: String) throws -> (low: Double, estimate: Double, high: Double, level: Double) {
        let f = try run(ForecastBootstrapTests.pool + "f = \(call)\nf", [:])
        guard case .number(let lo) = field(f, "ci_low"), case .number(let e) = field(f, "estimate"), case .number(let hi) = field(f, "ci_high"),
              case .number(let level) = field(f, "ci_level") else { Issue.record("ci fields of \(call)"); return (.nan, .nan, .nan, .nan) }
        return (lo, e, hi, level)
    }

    @Test("the same seed gives the same interval, another seed another; ci=true is 0.95")
    func seeded() throws {
        let a = try interval("forecast(p, n=1e5, ci=0.9, boot=300, seed=7)")
        let b = try interval("forecast(p, n=1e5, ci=0.9, boot=300, seed=7)")
        let c = try interval("forecast(p, n=1e5, ci=0.9, boot=300, seed=8)")
        #expect(a.low == b.low && a.high == b.high)
        #expect(a.low != c.low || a.high != c.high)
        #expect(a.level == 0.9)
        #expect(try interval("forecast(p, n=1e5, ci=true, boot=50, seed=1)").level == 0.95)
    }

    @Test("the interval contains the point forecast of a well-behaved sample", arguments: ["gumbel", "gumbel-unbiased", "lognormal"])
    func contains(_ method: String) throws {
        let r = try interval("forecast(p, n=1e5, method=\"\(method)\", ci=0.95, boot=400, seed=3)")
        #expect(r.low < r.estimate && r.estimate < r.high, "\(method): \(r)")
    }

    /// The same bootstrap written plainly: the resamples are the indices Parallel.replicates
    /// hands out for the seed (its generator contract), the rest serial and without GumbelTail.
    @Test("agrees with a plain serial reimplementation")
    func serial() throws {
        let p = numbers(try run("load(\"elicitation/clean\")[0:1000]", [:]))
        let (m, k, n, boot, level) = (p.count, 10, 1e5, 250, 0.9)
        let s = p.map { -log(-log($0)) }
        var g = Xoshiro256(seed: 5)
        let resamples = try Parallel.replicates(boot, random: &g, progress: SilentProgress(), label: "test", state: { () }) { _, g, _ in
            (0..<m).map { _ in g.nextInt(below: m) }
        }
        var quantiles: [Double] = []
        for idx in resamples {
            let top = Array(idx.map { s[$0] }.sorted(by: >).prefix(k))
            let y = (1...k).map { log(Double($0) / Double(m)) }
            let mx = top.reduce(0, +) / Double(k), my = y.reduce(0, +) / Double(k)
            var sxy = 0.0, sxx = 0.0
            for j in 0..<k { sxy += (top[j] - mx) * (y[j] - my); sxx += (top[j] - mx) * (top[j] - mx) }
            guard sxx > 0, sxy / sxx < 0 else { continue }
            let a = sxy / sxx, b = my - a * mx
            quantiles.append(-(log(n) + b) / a)
        }
        quantiles.sort()
        func percentile(_ q: Double) -> Double {
            let h = Double(quantiles.count - 1) * q
            let lo = Int(h.rounded(.down)), hi = min(lo + 1, quantiles.count - 1)
            return quantiles[lo] + (h - Double(lo)) * (quantiles[hi] - quantiles[lo])
        }
        let want = [percentile((1 - level) / 2), percentile((1 + level) / 2)].map { exp(-exp(-$0)) }
        let v: [String: Value] = ["p": .numbers(p)]
        let f = try run("forecast(p, n=\(n), k=\(k), ci=\(level), boot=\(boot), seed=5)", v)
        guard case .number(let lo) = field(f, "ci_low"), case .number(let hi) = field(f, "ci_high") else { Issue.record("fields"); return }
        #expect(agrees(lo, want[0], rel: 1e-12), "\(lo) vs \(want[0])")
        #expect(agrees(hi, want[1], rel: 1e-12), "\(hi) vs \(want[1])")
    }

    @Test("the interval is in the printed value, the JSON and the plot")
    func shown() throws {
        let text = try evaluate(ForecastBootstrapTests.pool + "forecast(p, n=1e5, ci=0.95, boot=100, seed=1)")
        #expect(text.contains("95% bootstrap interval"), "\(text)")
        guard case .object(let o) = try run(ForecastBootstrapTests.pool + "forecast(p, n=1e5, ci=0.95, boot=100, seed=1)", [:]),
              let f = o as? ForecastValue else { Issue.record("not a forecast"); return }
        let json = f.json()
        #expect(json["ci_low"] != nil && json["ci_high"] != nil && json["ci_level"] == .number(0.95))
        let figure = try f.figure()
        #expect(figure.panels[0].series.contains { ($0.label ?? "").contains("95% bootstrap interval") })
    }
}

@Suite("Backtest errors on the score axis")
struct BacktestScoreErrorTests {
    /// Scores near −7 belong to p = exp(−e⁷) ≈ e^(−1097), which underflows to 0: the errors used
    /// to be taken as log10 of those zeros, and every repetition was dropped as failed.
    @Test("errors come from the scores where the probabilities underflow, and agree with log10 p where they do not")
    func underflow() {
        let scores = (0..<400).map { -7 - 0.002 * Double($0) + 0.3 * sin(Double($0)) }
        let r = Backtest.evaluate(scores: scores, evaluation: Array(0..<100), deployment: Array(100..<400), k: 10, methods: [.gumbel])
        #expect(r.forecasts[0] == 0 && r.truth == 0)
        let e = Backtest.errors([r], method: 0)
        #expect(e.count == 1)
        let expected = (exp(-r.truthScore) - exp(-r.forecastScores[0])) / log(10.0)
        #expect(agrees(e.first ?? .nan, expected, rel: 1e-15))
        let ordinary = scores.map { $0 + 8 }
        let o = Backtest.evaluate(scores: ordinary, evaluation: Array(0..<100), deployment: Array(100..<400), k: 10, methods: [.gumbel])
        #expect(agrees(Backtest.errors([o], method: 0)[0], log10(o.forecasts[0]) - log10(o.truth), rel: 1e-12))
    }
}
