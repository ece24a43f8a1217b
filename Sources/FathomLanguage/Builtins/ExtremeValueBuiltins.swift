import FathomCore

/// Classical extreme-value analysis: GEV, Gumbel and GPD fits, return levels, block maxima
/// and mean excess (Coles 2001).
enum ExtremeValueBuiltins {
    static var all: [Builtin] { [gevFit, gumbelFit, gpdFit, returnLevel, blockMaxima, meanExcess] }

    static let dataDoc = "the data: block maxima for gev_fit and gumbel_fit, raw observations for gpd_fit"
    /// gev_fit's block maxima: its three parameters need four values.
    static let maxima: ParameterKey<[Double]> = .observations("x", atLeast: 4, doc: dataDoc)
    /// gumbel_fit's block maxima and gpd_fit's observations.
    static let data: ParameterKey<[Double]> = .observations("x", atLeast: 3, doc: dataDoc)
    static let threshold: ParameterKey<Double> = .number("threshold", doc: "the threshold u: the excesses x − u over it are fitted",
                                                         where: { $0.isFinite }, otherwise: { f, _ in "\(f)(): threshold must be a finite number" })

    static let fit = ParameterKey(Parameter("fit", "extreme-value fit", doc: "from gev_fit, gumbel_fit or gpd_fit")) { args, name -> ExtremeFitValue in
        guard case .object(let o) = try args.required(name), let f = o as? ExtremeFitValue else {
            throw args.mismatch(name, expected: "a fit from gev_fit, gumbel_fit or gpd_fit")
        }
        return f
    }
    static let period: ParameterKey<[Double]> = .numbers("period", type: "number or vector", doc: "return period T: in blocks for GEV and Gumbel fits, in observations for GPD fits")
    static let interval: ParameterKey<String> = .choice("ci", ["delta", "profile"], default: "delta", doc: "\"delta\": the delta method; \"profile\": the profile likelihood (GEV and Gumbel)")
    static let level: ParameterKey<Double> = .number("level", .value(.number(0.95)), doc: "confidence level of the interval", where: { $0 > 0 && $0 < 1 },
                                                     otherwise: { f, _ in "\(f)(): level is a confidence level between 0 and 1, such as 0.95" })

    static let series: ParameterKey<[Double]> = .observations("x", atLeast: 1, doc: "observations in time order")
    static let size: ParameterKey<Int> = .wholeNumber("size", atLeast: 1, doc: "observations per block")

    static let sample: ParameterKey<[Double]> = .observations("x", atLeast: 2, doc: "observations")
    static let thresholds = ParameterKey(Parameter("thresholds", "vector", .absent("50 quantiles of x from 0 to 0.98"), doc: "the thresholds u")) { args, name -> [Double]? in
        guard let t = args.value(name), !t.isNull else { return nil }
        let thresholds = try args.numbers(name)
        if let v = thresholds.first(where: { !$0.isFinite }) { throw args.invalid(name, "mean_excess(): thresholds must be finite, got \(NumberFormat.short(v))") }
        return thresholds
    }

    static func failed(_ error: Error, _ args: Arguments) -> Error {
        guard let p = error as? ExtremeValue.Problem else { return error }
        switch p {
        case .notConverged:
            return Diagnostic("argument.value", "\(args.builtin.name)(): the likelihood maximisation did not converge on these data", at: args.callRange,
                              notes: ["few or heavily tied values make the shape parameter ill-determined; gumbel_fit() has one parameter fewer"])
        case .noExcesses: return args.invalid(threshold, "\(args.builtin.name)(): no value lies above the threshold")
        case .tooFew(let have, let need): return args.invalid(threshold, "\(args.builtin.name)(): only \(have) value\(have == 1 ? " lies" : "s lie") above the threshold; the fit needs at least \(need)", notes: ["a lower threshold keeps more excesses"])
        case .constant: return args.invalid(data, "\(args.builtin.name)(): the values to fit are all equal")
        case .notFinite(let i): return args.invalid(data, "\(args.builtin.name)(): a value at position \(i) is not finite")
        }
    }

    static let gevFit = Builtin(
        "gev_fit", area: .extremes, parameters: declare(maxima),
        returns: "a GEV fit: mu, sigma, xi, se, covariance, nll, gumbel_deviance, gumbel_pvalue; plot() draws return-level, QQ and PP diagnostics",
        summary: "generalised extreme-value fit to block maxima",
        doc: "gev_fit(x) fits the generalised extreme-value distribution G(x) = exp{−[1 + ξ(x − μ)/σ]^(−1/ξ)} to block maxima by maximum likelihood, in Coles' (2001) parameterisation: ξ > 0 a heavy upper tail, ξ < 0 a bounded one, ξ → 0 the Gumbel (scipy's genextreme has c = −ξ). Standard errors come from the observed information, the inverse Hessian of the negative log-likelihood at the optimum. It also fits the Gumbel and reports the likelihood-ratio deviance 2(ℓ_GEV − ℓ_Gumbel) with its χ²₁ p-value: a small p says the shape parameter is needed.",
        examples: ["pp = load(\"port-pirie/annual-maxima\"); g = gev_fit(pp.sea_level_m); [g.mu, g.sigma, g.xi]"]
    ) { args, _ in
        let x = try args[maxima]
        do {
            let gumbel = try ExtremeValue.fitGumbel(x)
            return .object(ExtremeFitValue(fit: try ExtremeValue.fitGEV(x, gumbel: gumbel), gumbel: gumbel))
        } catch { throw failed(error, args) }
    }

    static let gumbelFit = Builtin(
        "gumbel_fit", area: .extremes, parameters: declare(data),
        returns: "a Gumbel fit: mu, sigma, se, covariance, nll; plot() draws diagnostics",
        summary: "Gumbel fit to block maxima",
        doc: "gumbel_fit(x) fits the Gumbel distribution exp{−exp[−(x − μ)/σ]}, the GEV with ξ = 0, by maximum likelihood, with standard errors from the observed information.",
        examples: ["pp = load(\"port-pirie/annual-maxima\"); gumbel_fit(pp.sea_level_m)"]
    ) { args, _ in
        let x = try args[data]
        do { return .object(ExtremeFitValue(fit: try ExtremeValue.fitGumbel(x), gumbel: nil)) } catch { throw failed(error, args) }
    }

    static let gpdFit = Builtin(
        "gpd_fit", area: .extremes,
        parameters: declare(data, threshold),
        returns: "a GPD fit: sigma, xi, se, covariance, nll, threshold, rate; plot() draws diagnostics",
        summary: "generalised Pareto fit to threshold excesses",
        doc: "gpd_fit(x, threshold=u) fits the generalised Pareto distribution H(y) = 1 − (1 + ξy/σ)^(−1/ξ) to the excesses y = x − u of the values above u (Coles 2001, ch. 4), by maximum likelihood; rate is the share ζ_u of values above u, which return levels need. Choose u where mean_excess(x) becomes straight.",
        examples: ["x = randn(2000, seed=1); gpd_fit(x, threshold=1.5)"]
    ) { args, _ in
        let x = try args[data]
        let u = try args[threshold]
        do { return .object(ExtremeFitValue(fit: try ExtremeValue.fitGPD(x, threshold: u), gumbel: nil)) } catch { throw failed(error, args) }
    }

    static let returnLevel = Builtin(
        "return_level", area: .extremes,
        parameters: declare(fit, period, interval, level),
        returns: "a record: estimate, lower, upper, period, method (a table for several periods)",
        summary: "the level exceeded once in T blocks on average, with an interval",
        doc: "return_level(fit, T) is the level z_T exceeded on average once every T blocks: for the GEV z_T = μ − (σ/ξ)[1 − y_T^(−ξ)] with y_T = −log(1 − 1/T) (Coles 3.10); for a GPD fit, the level exceeded once in T observations, u + (σ/ξ)[(T·ζ_u)^ξ − 1]. The interval is the delta method's (the variance of ζ_u included for the GPD), or with ci=\"profile\" the profile-likelihood interval, which is asymmetric and more honest for long periods: for each candidate level the likelihood is maximised over the other parameters from starts inside the support (ξ kept above −1), and the limits are bracketed outwards and bisected to where the deviance reaches the χ²₁ quantile.",
        examples: ["pp = load(\"port-pirie/annual-maxima\"); g = gev_fit(pp.sea_level_m); return_level(g, 100)", "return_level(g, [10, 100], ci=\"profile\")"]
    ) { args, _ in
        let f = try args[fit]
        let periods = try args[period]
        guard !periods.isEmpty else { throw args.invalid(period, "return_level(): period is empty") }
        if let t = periods.first(where: { !($0 > 1 && $0.isFinite) }) {
            throw args.invalid(period, "return_level(): a return period is a number of blocks (or observations) greater than 1; got \(NumberFormat.short(t))")
        }
        if f.fit.model == .gpd, let t = periods.first(where: { $0 * (f.fit.rate ?? 0) <= 1 }) {
            throw args.invalid(period, "return_level(): a period of \(NumberFormat.short(t)) observations is shorter than the mean gap between exceedances (1/ζ_u = \(NumberFormat.short(1 / (f.fit.rate ?? 1)))); the GPD describes only levels above the threshold")
        }
        let method = try args[interval]
        if method == "profile", f.fit.model == .gpd {
            throw args.invalid(interval, "return_level(): profile intervals are offered for GEV and Gumbel fits; use ci=\"delta\" for a GPD fit")
        }
        if method == "profile", f.fit.model == .gev, f.fit.parameters[2] <= -1 {
            throw args.invalid(interval, "return_level(): the fitted ξ = \(NumberFormat.short(f.fit.parameters[2])) is at or below −1, where the GEV likelihood is unbounded and its profile has no maximum to measure from",
                               notes: ["ci=\"delta\" gives the delta-method interval; a fitted ξ below −1 usually comes from very few maxima or one far below the rest"])
        }
        let level = try args[level]
        var rows: [(Double, Double, Double, Double)] = []
        for t in periods {
            let d = ExtremeValue.deltaInterval(f.fit, period: t, confidence: level)
            if method == "profile" {
                do {
                    let p = try ExtremeValue.profileInterval(f.fit, period: t, confidence: level)
                    rows.append((t, d.level, p.lower, p.upper))
                } catch { throw Diagnostic("argument.value", "return_level(): the profile likelihood for T = \(NumberFormat.short(t)) could not be bracketed", at: args.callRange, notes: ["ci=\"delta\" gives the delta-method interval"]) }
            } else {
                rows.append((t, d.level, d.lower, d.upper))
            }
        }
        if periods.count == 1, case .number = try args.required(period) {
            let r = rows[0]
            return .record(Record([("estimate", .number(r.1)), ("lower", .number(r.2)), ("upper", .number(r.3)), ("period", .number(r.0)),
                                   ("method", .string(method)), ("level", .number(level))]))
        }
        return .table(Table([("period", .numbers(rows.map(\.0))), ("estimate", .numbers(rows.map(\.1))), ("lower", .numbers(rows.map(\.2))), ("upper", .numbers(rows.map(\.3)))]))
    }

    static let blockMaxima = Builtin(
        "block_maxima", area: .extremes,
        parameters: declare(series, size),
        returns: "a vector of block maxima",
        summary: "the maximum of each block of consecutive values",
        doc: "block_maxima(x, size) cuts x into consecutive blocks of `size` values and returns each block's maximum; an incomplete last block is dropped (its maximum would come from fewer values). Missing values are refused: drop them first.",
        examples: ["block_maxima(randn(3650, seed=1), 365)"]
    ) { args, _ in
        let x = try args[series]
        let size = try args[size]
        guard size <= x.count else { throw args.invalid(Self.size, "block_maxima(): a block of \(size) values is longer than the \(NumberFormat.count(x.count, "value")) given") }
        return .numbers(ExtremeValue.blockMaxima(x, size: size))
    }

    static let meanExcess = Builtin(
        "mean_excess", area: .extremes,
        parameters: declare(sample, thresholds),
        returns: "a mean-excess result: table (threshold, mean_excess, se, count); plot() draws the mean residual life plot",
        summary: "mean excess over thresholds (the mean residual life plot)",
        doc: "mean_excess(x) gives, for each threshold u, the mean of x − u over the values above u with its standard error. Above a threshold where a generalised Pareto tail holds, the mean excess is linear in u with slope ξ/(1 − ξ) (Coles 2001, §4.3.1): the plot shows where to set gpd_fit's threshold.",
        examples: ["mean_excess(randn(2000, seed=1))"]
    ) { args, _ in
        let x = try args[sample]
        let thresholds = try args[thresholds] ?? Descriptive.quantiles(x, (0..<50).map { Double($0) * 0.98 / 49 })
        return .object(MeanExcessValue(rows: try ExtremeValue.meanExcess(x, thresholds: thresholds)))
    }
}
