#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// Rare failures at deployment scale: Gumbel-tail forecasts from per-query failure
/// probabilities (Jones et al. 2025), their backtests and bias (Schwarzer & Niekum 2026).
enum TailBuiltins {
    static var all: [Builtin] { [scores, gumbelTail, forecast, forecastFrequency, forecastAggregate, elicitation, backtest, decompose] }

    static let p: ParameterKey<[Double]> = .failureProbabilities("p", doc: "per-query failure probabilities of the evaluation set, each in [0, 1)")
    static let k: ParameterKey<Int> = .wholeNumber("k", default: 10, atLeast: 2, atMost: 1_000_000, doc: "how many of the largest scores the tail is fitted to")
    static let positions: ParameterKey<GumbelTail.Positions> = .choice("positions", GumbelTail.Positions.allCases, default: .empirical, doc: "\"gumbel\": y_j = log(j/m); \"gumbel-unbiased\": y_j = digamma(j) − digamma(m + 1)")
    static let n: ParameterKey<Double> = .number("n", type: "whole number", doc: "the number of deployment queries")
    static let method: ParameterKey<GumbelTail.Method> = .choice("method", GumbelTail.Method.allCases, default: .gumbel, doc: "\"gumbel\", \"gumbel-unbiased\" or \"lognormal\"")
    static let ci: ParameterKey<Double?> = .confidenceLevel("ci", .absent("no interval"), type: "number or true", doc: "confidence level of a percentile-bootstrap interval over resamples of the evaluation set (true means 0.95)")
    static let boot: ParameterKey<Int> = .wholeNumber("boot", default: 1000, atLeast: 1, atMost: 1_000_000, doc: "bootstrap resamples for ci=")
    static let bootstrapSeed = CommonParameters.bootstrapSeed.documented("seed of the bootstrap resampling")
    static let tau: ParameterKey<Double> = .number("tau", doc: "the failure-probability level τ in (0, 1)", where: { $0 > 0 && $0 < 1 },
                                                   otherwise: { f, tau in "\(f)(): tau is a failure probability in (0, 1); got \(NumberFormat.short(tau))" })

    static let successes: ParameterKey<[Double]> = .vector("successes", doc: "per query, how many sampled answers showed the failure")
    /// One count for every query, or a count per query.
    static let trials = ParameterKey(Parameter("trials", "vector or number", doc: "per query, how many answers were sampled")) { args, name -> (each: Double?, perQuery: [Double]) in
        switch try args.required(name) {
        case .number(let x): return (x, [])
        case .vector(.numbers(let v)): return (nil, v)
        default: throw args.mismatch(name, expected: "a vector of sample counts, or one count for every query")
        }
    }
    static let estimator: ParameterKey<String> = .choice("estimator", ["jeffreys", "mle"], default: "jeffreys", doc: "\"jeffreys\": (s + ½)/(t + 1); \"mle\": s/t")
    /// elicitation's k, which only bounds its warning: 1 is allowed.
    static let warningK = k.reading { args, name in try args.wholeNumber(name, atLeast: 1, atMost: 1_000_000) }

    static let pool: ParameterKey<[Double]> = .failureProbabilities("pool", doc: "per-query failure probabilities of a large pool")
    static let evaluationSize: ParameterKey<Int> = .wholeNumber("m", atLeast: 3, atMost: 100_000_000, doc: "evaluation-set size")
    static let deploymentSize: ParameterKey<Int> = .wholeNumber("n", atLeast: 1, atMost: 100_000_000, doc: "deployment-set size")
    static let reps: ParameterKey<Int> = .wholeNumber("reps", default: 100, atLeast: 1, atMost: 1_000_000, doc: "repetitions")
    static let partitionSeed: ParameterKey<UInt64?> = .seed(absent: "the session generator", doc: "seed of the random partitions")
    /// backtest's method=: one method or several.
    static let methods = ParameterKey(Parameter("method", "string or strings", .value(.string("gumbel")), doc: "one method or several, such as [\"gumbel\", \"lognormal\"], compared on the same partitions")) { args, name -> [GumbelTail.Method] in
        var methods: [GumbelTail.Method] = []
        switch try args.required(name) {
        case .string(let s): methods = [s].compactMap(GumbelTail.Method.init(rawValue:))
            if methods.isEmpty { _ = try args.choice(name, GumbelTail.Method.allCases.map(\.rawValue)) }
        case .vector(.strings(let s)):
            for method in s {
                guard let m = GumbelTail.Method(rawValue: method) else {
                    throw args.invalid(name, "backtest() has no method \"\(method)\"; use \"gumbel\", \"gumbel-unbiased\" or \"lognormal\"")
                }
                methods.append(m)
            }
            guard !methods.isEmpty else { throw args.invalid(name, "backtest(): method is an empty list") }
        default: throw args.mismatch(name, expected: "a method name or a vector of them")
        }
        return methods
    }

    /// k for a pool of m values, with the messages a user needs.
    static func kValue(_ args: Arguments, m: Int, positive: Int) throws -> Int {
        let k = try args[k]
        guard k < m else { throw args.invalid(Self.k, "\(args.builtin.name)(): k = \(k) but the evaluation set has only \(m) queries; k must be smaller than m") }
        guard positive >= k + 1 else {
            throw args.invalid(Self.k, "\(args.builtin.name)(): only \(positive) of the \(m) probabilities are above 0; a tail fit to the top \(k) needs at least \(k + 1)",
                               notes: ["queries with p = 0 have no finite score; a smaller k, or more evaluation queries, would help"])
        }
        return k
    }

    /// Turns a core problem into a message.
    static func problem(_ problem: GumbelTail.Problem, _ args: Arguments) -> Diagnostic {
        let f = args.builtin.name
        switch problem {
        case .certainFailure(let i): return args.invalid(p, "\(f)(): p is 1 at position \(i), which has no finite score")
        case .tooFewPositive(let have, let need): return args.invalid(p, "\(f)(): only \(have) finite scores; the tail fit needs \(need)")
        case .badK(let k, let m): return args.invalid(Self.k, "\(f)(): k = \(k) must be at least 2 and below m = \(m)")
        case .constantTop: return args.invalid(p, "\(f)(): the top k scores are all equal, so the tail has no slope to extrapolate", notes: ["a larger k reaches past the tie"])
        case .risingTail(let a): return args.invalid(p, "\(f)(): the fitted log-survival rises with the score (slope \(NumberFormat.short(a))), so it cannot be extrapolated")
        case .zeroProbability(let i): return args.invalid(p, "\(f)(): the log-normal method needs every p above 0, and p is 0 at position \(i)", notes: ["the gumbel methods use only the top k and allow zeros"])
        }
    }

    static func positiveCount(_ p: [Double]) -> Int { p.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }

    /// The deployment size n, which must exceed the evaluation size.
    static func deployment(_ args: Arguments, m: Int) throws -> Double {
        let n = try args[n]
        guard n.isFinite, n >= 1, n == n.rounded() else { throw args.invalid(Self.n, "\(args.builtin.name)(): n is a number of deployment queries, a whole number ≥ 1; got \(NumberFormat.short(n))") }
        guard n > Double(m) else {
            throw args.invalid(Self.n, "\(args.builtin.name)(): n = \(NumberFormat.short(n)) is not larger than the evaluation set (m = \(m)); the forecast extrapolates to more queries than were evaluated",
                               notes: ["for n ≤ m, the evaluation set itself shows the worst query: max(p)"])
        }
        return n
    }

    static let scores = Builtin(
        "scores", area: .tails, parameters: declare(p),
        returns: "a vector of scores ψ",
        summary: "failure probabilities as Gumbel scores ψ = −log(−log p)",
        doc: "scores(p) maps each failure probability to ψ = −log(−log p), the scale on which a Gumbel tail is a straight line of log-survival (Jones et al. 2025). p = 0 gives −∞ (allowed: such queries never reach the top k); p = 1 has no finite score and is an error.",
        examples: ["scores([0.001, 0.01, 0.1, 0.5])"]
    ) { args, _ in
        .numbers(try args[p].map(GumbelTail.score))
    }

    static let gumbelTail = Builtin(
        "gumbel_tail", area: .tails,
        parameters: declare(p, k, positions),
        returns: "a tail fit: a, b, k, m, r2, top, positions; plot() draws the tail",
        summary: "the Gumbel-tail fit to the top k scores",
        doc: "gumbel_tail(p, k=10) takes the k largest scores ψ_(1) ≥ … ≥ ψ_(k) of the m evaluation queries and fits log-survival by ordinary least squares: log(j/m) = a·ψ_(j) + b. a < 0 is the slope of the tail; R² says how straight it is. positions=\"gumbel-unbiased\" places the j-th largest at E[log U_(j:m)] = digamma(j) − digamma(m + 1) instead, which removes the bias of log(j/m) for an exact Gumbel tail.",
        examples: ["p = load(\"elicitation/clean\"); t = gumbel_tail(p[0:1000], k=10); [t.a, t.b, t.r2]"]
    ) { args, _ in
        let p = try args[p]
        let k = try kValue(args, m: p.count, positive: positiveCount(p))
        let positions = try args[positions]
        do {
            let f = try GumbelTail.fit(scores: p.map(GumbelTail.score), k: k, positions: positions)
            return .object(ForecastValue(method: positions == .empirical ? .gumbel : .gumbelUnbiased, fit: f, normal: nil, m: p.count, k: k, n: nil, estimate: nil,
                                         scoreQuantile: nil, scores: GumbelTail.largest(p.map(GumbelTail.score), min(p.count, 2000)), truth: nil))
        } catch let e as GumbelTail.Problem { throw problem(e, args) }
    }

    static let forecast = Builtin(
        "forecast", area: .tails,
        parameters: declare(p, n, k, method, ci, boot, bootstrapSeed),
        returns: "a forecast: estimate (the worst-query risk), score, saturated, a, b (or mu, sigma), k, m, n, and with ci= ci_low, ci_high, ci_level; plot() draws what it rests on",
        summary: "the worst-query risk among n deployment queries",
        doc: "forecast(p, n=) predicts the largest failure probability among n deployment queries from m evaluation queries (Jones et al. 2025): the fitted tail is extended to log-survival log(1/n), Q_ψ(n) = −(log n + b)/a, and estimate = exp(−exp(−Q_ψ)). method=\"gumbel-unbiased\" uses the unbiased plotting positions; \"lognormal\" fits ψ ~ Normal(μ, σ) to all m scores and takes the 1 − 1/n quantile. The tail plot shows the evaluation scores, the fitted line, and where the forecast is read off (with ci=, the bootstrap interval beside it). ci=0.95 adds a percentile-bootstrap interval: boot= resamples of the m evaluation probabilities with replacement (seeded with seed=), each forecast the same way, and the 2.5% and 97.5% percentiles of those forecasts (interpolated on the score axis); resamples whose tail cannot be fitted are left out and counted (more than half of them is an error). It shows how far the evaluation set's sampling moves the forecast, not the error of the Gumbel assumption itself. When the top k probabilities, or the forecast, lie within 1e-9 of 1 the forecast says so (saturated = true): there a double keeps 1 − p to fewer than seven digits, the scores are set by rounding, and the estimate prints as 1; read the score ψ instead (1 − p ≈ e^(−ψ)). Schwarzer & Niekum (2026) show the gumbel forecast over-predicts on light tails and under-predicts when deployment holds a rare failure mode the evaluation set missed: backtest and decompose measure both.",
        examples: ["p = load(\"elicitation/clean\"); f = forecast(p[0:1000], n=1e6); f.estimate",
                   "f = forecast(p[0:1000], n=1e6, ci=0.95, boot=200, seed=1); [f.ci_low, f.estimate, f.ci_high]"]
    ) { args, context in
        let p = try args[p]
        let m = p.count
        let n = try deployment(args, m: m)
        let k = try kValue(args, m: m, positive: positiveCount(p))
        let method = try args[method]
        let level = try args.intervalLevel(ci, bootstrap: [boot, bootstrapSeed])
        let boot = try args[boot]
        if level != nil, boot < 20 {
            throw args.invalid(Self.boot, "forecast(): boot = \(boot) resamples cannot place the percentiles of a bootstrap interval; use at least 20 (1000 is the default)")
        }
        let seed = try args[bootstrapSeed]
        let s = p.map(GumbelTail.score)
        let f: GumbelTail.Forecast
        do { f = try GumbelTail.forecast(scores: s, n: n, k: k, method: method) } catch let e as GumbelTail.Problem { throw problem(e, args) }
        var value = ForecastValue(method: method, fit: f.fit, normal: f.normal, m: m, k: k, n: n, estimate: f.estimate,
                                  scoreQuantile: f.scoreQuantile, scores: GumbelTail.largest(s, min(m, 2000)), truth: nil)
        if let level {
            try context.checkSize(Double(boot) * Double(m), at: try args.range(Self.boot), what: "resampled scores")
            let b = try context.withGenerator(seed: seed) { random in
                try GumbelTail.bootstrap(scores: s, n: n, k: k, method: method, level: level, replicates: boot, random: &random, progress: context.progress)
            }
            // Percentiles of the few resamples that could be fitted would describe only those.
            guard let b, 2 * b.failed <= boot else {
                throw args.invalid(ci, "forecast(): only \(boot - (b?.failed ?? boot)) of the \(boot) bootstrap resamples had a falling tail to forecast from (the others tied or rose at the top \(k)); an interval from so few would describe only them",
                                   notes: ["a larger k, or more evaluation queries, steadies the tail fit"])
            }
            value.bootstrap = b
        }
        return .object(value)
    }

    static let forecastFrequency = Builtin(
        "forecast_frequency", area: .tails,
        parameters: declare(p, tau, k),
        returns: "a record: estimate (the share of queries with p > τ), tau, k, m",
        summary: "the share of queries whose failure probability exceeds τ",
        doc: "forecast_frequency(p, tau=) reads the share of queries with p > τ off the fitted Gumbel tail: exp(a·ψ_τ + b) with ψ_τ = −log(−log τ). It extrapolates below the evaluation set's resolution of 1/m, which a direct count cannot. τ must lie in the tail, at or above the k-th largest p: below it the line is not fitted (and can exceed 1), and the evaluation set counts those failures itself.",
        examples: ["p = load(\"elicitation/clean\"); forecast_frequency(p[0:1000], tau=0.3)"]
    ) { args, _ in
        let p = try args[p]
        let tau = try args[tau]
        let k = try kValue(args, m: p.count, positive: positiveCount(p))
        do {
            let f = try GumbelTail.fit(scores: p.map(GumbelTail.score), k: k)
            let lowest = GumbelTail.probability(f.top[k - 1])
            guard tau >= lowest else {
                throw args.invalid(Self.tau, "forecast_frequency(): τ = \(NumberFormat.short(tau)) lies below the fitted tail, which starts at the k-th largest p (\(NumberFormat.short(lowest))); the line describes only rarer failures",
                                   notes: ["the evaluation set counts such common failures directly: mean(p > \(NumberFormat.short(tau)))"])
            }
            return .record(Record([("estimate", .number(GumbelTail.frequency(f, tau: tau))), ("tau", .number(tau)), ("k", .number(Double(k))),
                                   ("m", .number(Double(p.count))), ("empirical", .number(Double(p.filter { $0 > tau }.count) / Double(p.count)))]))
        } catch let e as GumbelTail.Problem { throw problem(e, args) }
    }

    static let forecastAggregate = Builtin(
        "forecast_aggregate", area: .tails,
        parameters: declare(p, n, k),
        returns: "a record: estimate (the chance that at least one of n queries fails), log_none (log of the chance that none fails), mean_p, naive, n",
        summary: "the chance that any of n deployment queries fails",
        doc: "forecast_aggregate(p, n=) is 1 − Π(1 − p_i) over n deployment queries, each query's p drawn from the evaluation set's body below its top k and, above ψ_(k), from the fitted Gumbel tail (an exponential in ψ with rate −a). With independent queries this is exactly 1 − (1 − E[p])ⁿ, and the tail's E[p] has a closed form (an incomplete gamma function), so Fathom needs no Monte Carlo and no seed. log_none = n·log(1 − E[p]) keeps its precision when the chance rounds to 1. naive uses the evaluation mean of p alone.",
        examples: ["p = load(\"elicitation/clean\"); forecast_aggregate(p[0:1000], n=1e4)"]
    ) { args, _ in
        let p = try args[p]
        let n = try deployment(args, m: 0)
        let k = try kValue(args, m: p.count, positive: positiveCount(p))
        do {
            let f = try GumbelTail.fit(scores: p.map(GumbelTail.score), k: k)
            let r = GumbelTail.aggregate(p: p, fit: f, n: n)
            return .record(Record([("estimate", .number(r.estimate)), ("log_none", .number(r.logNone)), ("mean_p", .number(r.meanP)), ("naive", .number(r.naive)), ("n", .number(n))]))
        } catch let e as GumbelTail.Problem { throw problem(e, args) }
    }

    static let elicitation = Builtin(
        "elicitation", area: .tails,
        parameters: declare(successes, trials, estimator, warningK),
        returns: "a vector of per-query failure probabilities",
        summary: "per-query failure probabilities from sampled answers",
        doc: "elicitation(successes, trials) estimates each query's failure probability from repeated sampling. The default is the Jeffreys posterior mean (s + ½)/(t + 1), never exactly 0 or 1 (so every query has a finite score); estimator=\"mle\" is s/t, which gives p = 0 for queries never seen to fail (allowed) and refuses s = t (p = 1). It warns when the k largest estimates rest on fewer than three observed failures each: there the tail of the forecast is set by the estimator's prior and the resolution 1/t, not by data.",
        examples: ["elicitation([0, 1, 3, 10], [100, 100, 100, 100])"]
    ) { args, context in
        let s = try args[successes]
        let counts = try args[trials]
        let t = counts.each.map { Array(repeating: $0, count: s.count) } ?? counts.perQuery
        guard !s.isEmpty else { throw args.invalid(successes, "elicitation(): successes is empty") }
        guard t.count == s.count else { throw args.invalid(trials, "elicitation(): \(t.count) trial count\(t.count == 1 ? "" : "s") for \(s.count) quer\(s.count == 1 ? "y" : "ies"); give one per query, or a single number for all") }
        if let i = t.firstIndex(where: { !($0 >= 1 && $0 == $0.rounded()) }) {
            throw args.invalid(trials, "elicitation(): trials at position \(i) is \(NumberFormat.short(t[i])); each query needs a whole number of samples, at least 1")
        }
        if let i = s.indices.first(where: { !(s[$0] >= 0 && s[$0] == s[$0].rounded() && s[$0] <= t[$0]) }) {
            throw args.invalid(successes, "elicitation(): successes at position \(i) is \(NumberFormat.short(s[i])); it must be a whole number from 0 to its trials (\(NumberFormat.short(t[i])))")
        }
        let estimator = try args[estimator]
        if estimator == "mle", let i = s.indices.first(where: { s[$0] == t[$0] }) {
            throw args.invalid(Self.estimator, "elicitation(): query \(i) failed in all \(NumberFormat.short(t[i])) samples, so the mle is p = 1, which has no finite score",
                               notes: ["the default estimator=\"jeffreys\" gives (s + ½)/(t + 1) instead"])
        }
        let p = s.indices.map { estimator == "mle" ? s[$0] / t[$0] : (s[$0] + 0.5) / (t[$0] + 1) }
        let k = min(try args[warningK], p.count)
        let order = Sorting.orderDescending(p)
        let thin = order.prefix(k).filter { s[$0] < 3 }.count
        if thin > 0 {
            context.emit("warning: elicitation(): \(thin) of the \(k) largest estimates rest on fewer than 3 observed failures; the tail is set by the estimator and the resolution 1/trials there, not by data (more samples per query would help)\n")
        }
        return .numbers(p)
    }

    static let backtestParameters = declare(pool, evaluationSize, deploymentSize, k, reps, partitionSeed)

    static func run(_ args: Arguments, _ context: EvaluationContext, methods: [GumbelTail.Method], defaultReps: Int? = nil) throws -> BacktestValue {
        let pool = try args[pool]
        let m = try args[evaluationSize]
        let n = try args[deploymentSize]
        guard n > m else { throw args.invalid(deploymentSize, "\(args.builtin.name)(): n = \(n) must be larger than m = \(m): a backtest forecasts a deployment bigger than the evaluation") }
        guard m + n <= pool.count else {
            throw args.invalid(deploymentSize, "\(args.builtin.name)(): m + n = \(m + n) but the pool has \(pool.count) queries; the evaluation and deployment sets must not overlap",
                               notes: ["a smaller n, or a larger pool"])
        }
        let k = try args[k]
        guard k < m else { throw args.invalid(Self.k, "\(args.builtin.name)(): k = \(k) must be smaller than m = \(m)") }
        let reps = try args[reps]
        try context.checkSize(Double(reps) * Double(methods.count), at: try args.range(Self.reps), what: "forecasts")
        let results = try context.withGenerator(seed: try args[partitionSeed]) { random in
            try Backtest.run(pool: pool, m: m, n: n, k: k, repetitions: reps, methods: methods, random: &random, progress: context.progress)
        }
        return BacktestValue(methods: methods, repetitions: results, m: m, n: n, k: k, pool: pool.count)
    }

    static let backtest = Builtin(
        "backtest", area: .tails,
        parameters: backtestParameters + declare(methods),
        returns: "a backtest: summary (per method), repetitions, mean_abs_log10_error, within_order, under_rate, mean_log10_error; plot() draws forecast against truth",
        summary: "backtest worst-query forecasts on a pool",
        doc: "backtest(pool, m=, n=) repeats: draw disjoint random evaluation (m) and deployment (n) sets from the pool, forecast the deployment's worst query from the evaluation set, and compare with the realised maximum. The errors are in orders of magnitude, e = log10 forecast − log10 truth: mean |e|, the share within one order (|e| ≤ 1), the share under-predicted (e < 0), and the mean e (its sign is the bias). Several methods are compared on the same partitions. Seeded (the same result on any number of cores), on all cores, with progress and Ctrl-C.",
        examples: ["p = load(\"elicitation/clean\"); b = backtest(p, m=1000, n=100000, reps=50, seed=1, method=[\"gumbel\", \"lognormal\"]); b.summary"]
    ) { args, context in
        let methods = try args[methods]
        return .object(try run(args, context, methods: methods))
    }

    static let decompose = Builtin(
        "decompose", area: .tails,
        parameters: backtestParameters,
        returns: "a decomposition: plotting_position_bias, noise, misspecification, mean_error, under_rate, backtest, meaning",
        summary: "where a tail forecast's error comes from",
        doc: "decompose(pool, m=, n=) backtests the gumbel and gumbel-unbiased forecasts on the same partitions and splits the gumbel forecast's mean error (in orders of magnitude) into the plotting-position bias (the mean difference between the two: what log(j/m) adds) and the tail misspecification (the mean error that remains with unbiased positions: a tail that is not Gumbel, or a rare high-failure mode the evaluation set missed, which turns over-prediction into under-prediction), with the estimation noise (the spread of the error over repetitions) beside them, and says which dominates.",
        examples: ["p = load(\"elicitation/rare-mode\"); decompose(p, m=1000, n=100000, reps=50, seed=1)"]
    ) { args, context in
        let b = try run(args, context, methods: [.gumbel, .gumbelUnbiased])
        let d = Backtest.decompose(b.repetitions)
        func orders(_ x: Double) -> String { NumberFormat.short(abs(x), digits: 2) + " order\(abs(x) == 1 ? "" : "s") of magnitude" }
        let direction = d.meanError >= 0 ? "over-predicts" : "under-predicts"
        var meaning = "The gumbel forecast \(direction) on average by \(orders(d.meanError)) (under-predicted in \(NumberFormat.short(d.underRate * 100, digits: 3))% of repetitions). "
        if abs(d.plottingPositionBias) >= abs(d.misspecification) {
            meaning += "Most of the bias is the plotting positions (\(NumberFormat.short(d.plottingPositionBias, digits: 2))): log(j/m) sits above the expected log order statistics and flattens the fitted tail; gumbel-unbiased removes it. "
        } else if d.misspecification < 0 {
            meaning += "Most of the bias is tail misspecification (\(NumberFormat.short(d.misspecification, digits: 2))): even with unbiased positions the forecast falls short, as when deployment holds a rare high-failure mode that the evaluation sets missed. "
        } else {
            meaning += "Most of the bias is tail misspecification (\(NumberFormat.short(d.misspecification, digits: 2))): even with unbiased positions the forecast overshoots, as when the tail is lighter than the straight Gumbel line assumes. "
        }
        // The noise is set against the whole bias, the mean error (its parts may cancel).
        meaning += d.noise > abs(d.meanError)
            ? "Estimation noise (sd \(NumberFormat.short(d.noise, digits: 2))) is larger than the mean error: single forecasts scatter more than they are biased."
            : "Estimation noise (sd \(NumberFormat.short(d.noise, digits: 2))) is smaller than the mean error: the bias shows in most single forecasts."
        return .object(DecompositionValue(parts: d, backtest: b, meaning: meaning))
    }
}
