#if canImport(Glibc)
import Glibc
#endif
import FathomCore

private func short(_ x: Double) -> String { NumberFormat.short(x, digits: 3) }

/// A Gumbel-tail fit or forecast: the top k evaluation scores on the log-survival axis, the
/// fitted line, and (for a forecast) where it is read off at log(1/n).
public struct ForecastValue: DeclaredResult, Plottable {
    let method: GumbelTail.Method
    let fit: GumbelTail.Fit?
    let normal: (mu: Double, sigma: Double)?
    let m: Int
    let k: Int
    /// nil for a bare gumbel_tail fit.
    let n: Double?
    let estimate: Double?
    let scoreQuantile: Double?
    /// All evaluation scores (for the log-normal picture), sorted descending, at most 2000.
    let scores: [Double]
    /// A backtest's realised deployment maximum, drawn when known.
    var truth: Double?
    /// forecast(ci=): the percentile-bootstrap interval.
    var bootstrap: GumbelTail.Bootstrap? = nil

    /// How many of the top k evaluation probabilities, and whether the forecast, lie within
    /// GumbelTail.saturationMargin of 1.
    var saturation: (top: Int, forecast: Bool) { GumbelTail.saturation(top: fit?.top ?? [], quantile: scoreQuantile) }
    var saturated: Bool { saturation.top > 0 || saturation.forecast }

    public var typeName: String { n == nil ? "tail_fit" : "forecast" }
    public var described: String { n == nil ? "a Gumbel-tail fit" : "a worst-query forecast (\(method.rawValue))" }

    public static let resultName = "forecast"
    public static let resultDoc = "A worst-query forecast (forecast, forecast_frequency): the risk of the worst of n deployment queries, from the tail of the evaluation scores. gumbel_tail returns the same fit without n, estimate and score (its type reads tail_fit)."
    public static let fields: [ResultField<ForecastValue>] = [
        ResultField("method", "gumbel, gumbel-unbiased or lognormal") { .string($0.method.rawValue) },
        ResultField("k", "how many of the largest evaluation scores the tail fit uses") { .number(Double($0.k)) },
        ResultField("m", "the number of evaluation queries") { .number(Double($0.m)) },
        ResultField("a", "the tail fit's slope: log-survival = a·ψ + b (Gumbel methods)", optional: { f in f.fit.map { .number($0.a) } }),
        ResultField("b", "the tail fit's intercept (Gumbel methods)", optional: { f in f.fit.map { .number($0.b) } }),
        ResultField("r2", "R² of the tail fit (Gumbel methods)", optional: { f in f.fit.map { .number($0.r2) } }),
        ResultField("top", "the top k scores ψ the fit rests on (Gumbel methods)", optional: { f in f.fit.map { .numbers($0.top) } }),
        ResultField("positions", "their plotting positions, log(j/m) or the unbiased digamma form (Gumbel methods)", optional: { f in f.fit.map { .numbers($0.y) } }),
        ResultField("mu", "the log-normal fit's mean (lognormal)", optional: { f in f.normal.map { .number($0.mu) } }),
        ResultField("sigma", "the log-normal fit's standard deviation (lognormal)", optional: { f in f.normal.map { .number($0.sigma) } }),
        ResultField("n", "the number of deployment queries (forecasts only)", optional: { f in f.n.map { .number($0) } }),
        ResultField("estimate", "the forecast worst-query failure probability (forecasts only)", optional: { f in f.estimate.map { .number($0) } }),
        ResultField("score", "the forecast 1 − 1/n quantile of the score ψ (forecasts only)", optional: { f in f.scoreQuantile.map { .number($0) } }),
        ResultField("saturated", "whether top probabilities or the forecast lie so near 1 that the number is unreliable") { .bool($0.saturated) },
        ResultField("ci_low", "the bootstrap interval's lower end (forecast with ci=)", optional: { f in f.bootstrap.map { .number($0.lower) } }),
        ResultField("ci_high", "its upper end (with ci=)", optional: { f in f.bootstrap.map { .number($0.upper) } }),
        ResultField("ci_level", "its confidence level (with ci=)", optional: { f in f.bootstrap.map { .number($0.level) } }),
        ResultField("ci_replicates", "the bootstrap replicates (with ci=)", optional: { f in f.bootstrap.map { .number(Double($0.replicates)) } }),
        ResultField("ci_failed", "replicates that could not be fitted (with ci=)", optional: { f in f.bootstrap.map { .number(Double($0.failed)) } }),
    ]

    public func renderText(_ options: RenderOptions) -> String {
        func num(_ x: Double) -> String { NumberFormat.short(x, digits: options.digits) }
        var lines: [String] = []
        if let n, let estimate {
            lines.append("forecast (\(method.rawValue)): worst-query risk among \(NumberFormat.short(n, digits: 6)) queries = \(num(estimate))")
        } else {
            lines.append("Gumbel-tail fit (\(method.rawValue) positions)")
        }
        if let f = fit {
            lines.append("  from the top \(k) of \(m) scores: log-survival = \(num(f.a))·ψ \(f.b < 0 ? "−" : "+") \(num(abs(f.b))), R² = \(num(f.r2))")
        }
        if let nrm = normal { lines.append("  from all \(m) scores: ψ ~ Normal(\(num(nrm.mu)), \(num(nrm.sigma)))") }
        if let n, let q = scoreQuantile {
            lines.append("  the 1 − 1/n score quantile ψ = \(num(q)) (n = \(NumberFormat.short(n, digits: 6)))")
        }
        if let b = bootstrap {
            let skipped = b.failed > 0 ? "; \(b.failed) without a falling tail left out" : ""
            lines.append("  \(NumberFormat.percent(b.level)) bootstrap interval \(num(b.lower)) to \(num(b.upper)) (ψ \(num(b.scoreLower)) to \(num(b.scoreUpper)); \(b.replicates) resamples of the evaluation set\(skipped))")
        }
        let s = saturation
        if s.top > 0 {
            lines.append("  saturated: \(s.top) of the top \(k) evaluation probabilities lie within \(NumberFormat.short(GumbelTail.saturationMargin)) of 1 (ψ ≥ \(num(GumbelTail.saturationScore))), where a double keeps 1 − p to fewer than seven digits; their scores are set by rounding, not by the data, so the fitted tail and anything read off it are not meaningful")
        }
        if s.forecast, let q = scoreQuantile {
            lines.append("  saturated: the forecast lies within \(NumberFormat.short(GumbelTail.saturationMargin)) of 1 and prints as \(num(estimate ?? 1)); read the score ψ = \(num(q)) instead (1 − p ≈ e^(−ψ) = \(num(exp(-q))))")
        }
        return lines.joined(separator: "\n")
    }

    public func figure() throws -> Figure {
        var series: [Series] = []
        // The evaluation scores on the log-survival axis: the j-th largest at log(j/m).
        let shown = Array(scores.prefix(2000))
        let positions = shown.indices.map { log(Double($0 + 1) / Double(m)) }
        var points = Series(.points, x: shown, y: positions, label: "evaluation scores (log share above)")
        points.color = 0
        series.append(points)
        var lo = shown.last ?? 0, hi = shown.first ?? 1
        if let q = scoreQuantile { hi = max(hi, q) }
        if let b = bootstrap { hi = max(hi, b.scoreUpper); lo = min(lo, b.scoreLower) }
        if let t = truth, t > 0, t < 1 { hi = max(hi, GumbelTail.score(t)) }
        if let f = fit {
            lo = min(lo, f.top.last ?? lo)
            let start = f.top.last ?? lo
            let end = max(hi, f.top.first ?? hi)
            var line = Series(.lines, x: [start, end], y: [f.a * start + f.b, f.a * end + f.b], label: "fitted tail (top \(k), \(method.rawValue))")
            line.color = 1
            series.append(line)
            var top = Series(.points, x: f.top, y: f.y, label: "top \(k)")
            top.color = 1
            series.append(top)
        }
        if let nrm = normal {
            let grid = (0...100).map { lo + (hi - lo) * Double($0) / 100 }
            var curve = Series(.lines, x: grid, y: grid.map { log(max(1e-300, 0.5 * erfc(($0 - nrm.mu) / (nrm.sigma * 2.0.squareRoot())))) }, label: "fitted normal")
            curve.color = 1
            series.append(curve)
        }
        if let n, let q = scoreQuantile, let e = estimate {
            // The level log(1/n), then the interval, then the forecast's mark over both.
            var level = Series(.lines, x: [lo, hi], y: [-log(n), -log(n)], label: nil)
            level.reference = true
            series.append(level)
            if let b = bootstrap {
                var interval = Series(.linespoints, x: [b.scoreLower, b.scoreUpper], y: [-log(n), -log(n)],
                                      label: "\(NumberFormat.percent(b.level)) bootstrap interval: p from \(short(b.lower)) to \(short(b.upper))")
                interval.color = 4
                series.append(interval)
            }
            var mark = Series(.linespoints, x: [q], y: [-log(n)], label: "forecast at n = \(NumberFormat.short(n, digits: 6)): p = \(short(e))")
            mark.color = 3
            series.append(mark)
        }
        if let t = truth, t > 0, t < 1, let n {
            var real = Series(.linespoints, x: [GumbelTail.score(t)], y: [-log(n)], label: "realised deployment maximum: p = \(short(t))")
            real.color = 6
            series.append(real)
        }
        var panel = Panel(xlabel: "score ψ = −log(−log p)", ylabel: "log share of queries scoring higher", series: series)
        // The scores fall from the top left to the bottom right: the bottom left is empty.
        panel.legend = "bottom left"
        let title = estimate.map { "tail forecast (\(method.rawValue)): worst-query risk \(short($0))" } ?? "Gumbel-tail fit"
        return Figure(kind: "tail plot", title: title, panels: [panel])
    }
}

/// A backtest: forecasts against the realised deployment maximum over many repetitions.
public struct BacktestValue: DeclaredResult, Plottable {
    let methods: [GumbelTail.Method]
    let repetitions: [Backtest.Repetition]
    let m: Int
    let n: Int
    let k: Int
    let pool: Int

    public var typeName: String { "backtest" }
    public var described: String { "a backtest (\(repetitions.count) repetitions)" }
    public static let resultName = "backtest"
    public static let resultDoc = "A backtest (backtest): forecasts from many random evaluation sets of size m against the realised worst of n deployment queries, per method. The error is log10 forecast − log10 truth; with several methods each summary field is a vector, one entry per method."
    public static let fields: [ResultField<BacktestValue>] = [
        ResultField("summary", "per method: mean_abs_log10_error, within_order, under_rate, mean_log10_error, sd_log10_error, failed") { .table($0.summaryTable) },
        ResultField("repetitions", "per repetition: the realised truth and each method's forecast") { .table($0.repetitionTable) },
        ResultField("mean_abs_log10_error", "mean |log10 forecast − log10 truth|") { b in b.perMethod(\.meanAbsLog10Error) },
        ResultField("within_order", "share of forecasts within one order of magnitude") { b in b.perMethod(\.withinOrder) },
        ResultField("under_rate", "share of forecasts below the truth") { b in b.perMethod(\.underRate) },
        ResultField("mean_log10_error", "mean signed error (negative: under-predicts)") { b in b.perMethod(\.meanLog10Error) },
        ResultField("sd_log10_error", "standard deviation of the error") { b in b.perMethod(\.sdLog10Error) },
        ResultField("methods", "the methods compared") { .strings($0.methods.map(\.rawValue)) },
        ResultField("m", "evaluation queries per repetition") { .number(Double($0.m)) },
        ResultField("n", "deployment queries per repetition") { .number(Double($0.n)) },
        ResultField("k", "top scores each tail fit uses") { .number(Double($0.k)) },
        ResultField("pool", "the size of the pool drawn from") { .number(Double($0.pool)) },
        ResultField("example", "the first repetition's forecast, with its truth marked in its plot", optional: { b in b.example.map { .object($0) } }),
    ]

    /// A summary statistic: a number for one method, a vector for several.
    func perMethod(_ f: (Backtest.Summary) -> Double) -> Value {
        let s = summaries
        return methods.count == 1 ? .number(f(s[0])) : .numbers(s.map(f))
    }

    var summaries: [Backtest.Summary] { methods.indices.map { Backtest.summary(repetitions, method: $0) } }

    var summaryTable: Table {
        let s = summaries
        return Table([
            ("method", .strings(methods.map(\.rawValue))),
            ("mean_abs_log10_error", .numbers(s.map(\.meanAbsLog10Error))), ("within_order", .numbers(s.map(\.withinOrder))),
            ("under_rate", .numbers(s.map(\.underRate))), ("mean_log10_error", .numbers(s.map(\.meanLog10Error))),
            ("sd_log10_error", .numbers(s.map(\.sdLog10Error))), ("failed", .numbers(s.map { Double($0.failed) })),
        ])
    }

    var repetitionTable: Table {
        var pairs: [(String, Column)] = [("truth", .numbers(repetitions.map(\.truth)))]
        for (j, method) in methods.enumerated() {
            pairs.append((method.rawValue, .numbers(repetitions.map { $0.forecasts[j] })))
        }
        return Table(pairs)
    }

    /// The first repetition's forecast (first method) with its realised deployment maximum:
    /// plot(b.example) shows what one forecast rested on and where the truth fell.
    var example: ForecastValue? {
        guard let first = repetitions.first, let s = first.evaluationScores,
              let f = try? GumbelTail.forecast(scores: s, n: Double(n), k: k, method: methods[0]) else { return nil }
        return ForecastValue(method: methods[0], fit: f.fit, normal: f.normal, m: m, k: k, n: Double(n), estimate: f.estimate,
                             scoreQuantile: f.scoreQuantile, scores: GumbelTail.largest(s, min(m, 2000)), truth: first.truth)
    }

    public func renderText(_ options: RenderOptions) -> String {
        var text = "backtest: \(repetitions.count) repetitions, evaluation m = \(m), deployment n = \(n), k = \(k), from a pool of \(pool)\n"
        text += "errors in orders of magnitude, log10 forecast − log10 truth\n"
        let s = summaries
        let width = max(6, methods.map(\.rawValue.count).max() ?? 6)
        func pad(_ x: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - x.count)) + x }
        func signed(_ x: Double) -> String { (x > 0 ? "+" : "") + NumberFormat.short(x, digits: 3) }
        text += "  " + "method".padded(to: width) + "  mean |error|  within one order  under-predicted  mean error\n"
        for (j, method) in methods.enumerated() {
            text += "  " + method.rawValue.padded(to: width)
            text += pad(NumberFormat.short(s[j].meanAbsLog10Error, digits: 3), 14) + pad(NumberFormat.percent(s[j].withinOrder), 18) + pad(NumberFormat.percent(s[j].underRate), 17) + pad(signed(s[j].meanLog10Error), 12) + "\n"
        }
        let lines = methods.indices.map { j -> String in
            let verdict = s[j].underRate < 0.4 ? "mostly over-predicts" : s[j].underRate > 0.6 ? "mostly under-predicts" : "errs both ways"
            return "\(methods[j].rawValue) \(verdict)" + (s[j].failed > 0 ? " (\(s[j].failed) repetitions gave no forecast)" : "") + "."
        }
        return text + lines.joined(separator: " ")
    }

    public func figure() throws -> Figure {
        var series: [Series] = []
        var lo = Double.infinity, hi = -Double.infinity
        for (j, method) in methods.enumerated() {
            let pairs = repetitions.compactMap { r -> (Double, Double)? in
                let f = r.forecasts[j]
                return f > 0 && f.isFinite && r.truth > 0 ? (r.truth, f) : nil
            }
            for (t, f) in pairs { lo = min(lo, t, f); hi = max(hi, t, f) }
            var s = Series(.points, x: pairs.map(\.0), y: pairs.map(\.1), label: method.rawValue)
            s.color = j
            series.append(s)
        }
        guard lo.isFinite, hi.isFinite else { throw Diagnostic("plot.empty", "the backtest has no forecast to draw") }
        lo /= 3; hi = min(1, hi * 3)
        var diagonal = Series(.lines, x: [lo, hi], y: [lo, hi], label: "forecast = truth")
        diagonal.reference = true
        var upper = Series(.lines, x: [lo, hi], y: [lo * 10, hi * 10], label: "one order of magnitude either way")
        upper.reference = true
        var lower = Series(.lines, x: [lo, hi], y: [lo / 10, hi / 10], label: nil)
        lower.reference = true
        series += [diagonal, upper, lower]
        var panel = Panel(xlabel: "realised worst query in deployment (p)", ylabel: "forecast", series: series)
        panel.logx = true
        panel.logy = true
        panel.xrange = lo...hi
        panel.yrange = lo...hi
        panel.legend = "top left"
        return Figure(kind: "backtest scatter", title: "backtest: m = \(m), n = \(n), \(repetitions.count) repetitions", panels: [panel])
    }
}

/// Where a Gumbel-tail forecast's error comes from.
public struct DecompositionValue: DeclaredResult, Plottable {
    let parts: Backtest.Decomposition
    let backtest: BacktestValue
    let meaning: String

    public var typeName: String { "decomposition" }
    public var described: String { "a forecast-error decomposition" }
    public static let resultName = "decomposition"
    public static let resultDoc = "Where a forecast's error comes from (decompose, Schwarzer & Niekum 2026): the mean error split into the plotting-position bias and tail misspecification, with the estimation noise beside it."
    public static let fields: [ResultField<DecompositionValue>] = [
        ResultField("mean_error", "the mean log10 error of the gumbel method") { .number($0.parts.meanError) },
        ResultField("plotting_position_bias", "gumbel − gumbel-unbiased: the part due to biased plotting positions") { .number($0.parts.plottingPositionBias) },
        ResultField("misspecification", "the error that remains with unbiased positions: the tail is not Gumbel") { .number($0.parts.misspecification) },
        ResultField("noise", "the standard deviation of the error across repetitions") { .number($0.parts.noise) },
        ResultField("under_rate", "share of repetitions under-predicted") { .number($0.parts.underRate) },
        ResultField("backtest", "the backtest it rests on") { .object($0.backtest) },
        ResultField("meaning", "one sentence on what dominates the error") { .string($0.meaning) },
    ]

    public func renderText(_ options: RenderOptions) -> String {
        func num(_ x: Double) -> String { (x > 0 ? "+" : "") + NumberFormat.short(x, digits: 3) }
        return """
        forecast error of the gumbel method (log10 forecast − log10 truth), \(backtest.repetitions.count) repetitions
          mean error              \(num(parts.meanError))  (under-predicted in \(NumberFormat.short(parts.underRate * 100, digits: 3))%)
          = plotting positions    \(num(parts.plottingPositionBias))  (gumbel − gumbel-unbiased)
          + tail misspecification \(num(parts.misspecification))  (the error that remains with unbiased positions)
          estimation noise (sd)   \(NumberFormat.short(parts.noise, digits: 3))
        \(meaning)
        """
    }

    public func figure() throws -> Figure { try backtest.figure() }
}

/// A classical extreme-value fit (GEV, Gumbel, GPD).
public struct ExtremeFitValue: DeclaredResult, Plottable {
    let fit: ExtremeValue.Fit
    /// GEV only: the Gumbel fit of the same data, for the likelihood-ratio comparison.
    let gumbel: ExtremeValue.Fit?

    public var typeName: String { fit.model.rawValue + "_fit" }
    public var described: String { "a \(fit.model == .gpd ? "GPD" : fit.model == .gev ? "GEV" : "Gumbel") fit" }
    public static let resultName = "extreme_fit"
    public static let resultDoc = "A classical extreme-value fit by maximum likelihood (gev_fit, gumbel_fit, gpd_fit; its type reads gev_fit, gumbel_fit or gpd_fit): its parameters by name (mu, sigma, xi for the GEV; mu, sigma for the Gumbel; sigma, xi for the GPD), then the fields below. return_level(fit, T) reads return levels from it."
    public static let fields: [ResultField<ExtremeFitValue>] = [
        ResultField("model", "gev, gumbel or gpd") { .string($0.fit.model.rawValue) },
        ResultField("se", "standard errors of the parameters, by name (from the observed information)") { v in
            .record(Record(zip(v.fit.names, v.fit.standardErrors).map { ($0, .number($1)) }))
        },
        ResultField("covariance", "the parameters' covariance matrix, in the order of the names") { .matrix(Matrix(rowArrays: $0.fit.covariance)) },
        ResultField("nll", "the negative log-likelihood at the fit") { .number($0.fit.nll) },
        ResultField("n", "the number of values fitted (for the GPD, the exceedances)") { .number(Double($0.fit.n)) },
        ResultField("threshold", "the GPD threshold", optional: { v in v.fit.threshold.map { .number($0) } }),
        ResultField("rate", "the share of all values above the GPD threshold", optional: { v in v.fit.rate.map { .number($0) } }),
        ResultField("gumbel_deviance", "GEV against Gumbel: twice the log-likelihood gain of ξ ≠ 0", optional: { v in v.deviance.map { .number($0) } }),
        ResultField("gumbel_pvalue", "its χ²₁ p-value: small means the Gumbel is too light or too heavy", optional: { v in
            v.deviance.map { .number(Distribution.chiSquareSurvival(max(0, $0), degrees: 1)) }
        }),
    ]

    /// The fitted parameters by name come first.
    public var presentFields: [(name: String, value: Value)] {
        zip(fit.names, fit.parameters).map { ($0, Value.number($1)) } + Self.fields.compactMap { f in f.read(self).map { (f.name, $0) } }
    }

    public func field(_ name: String) -> Value? {
        if let i = fit.names.firstIndex(of: name) { return .number(fit.parameters[i]) }
        return Self.fields.first { $0.name == name }?.read(self)
    }

    var deviance: Double? { gumbel.map { 2 * ($0.nll - fit.nll) } }

    public func renderText(_ options: RenderOptions) -> String {
        func num(_ x: Double) -> String { NumberFormat.short(x, digits: options.digits) }
        let name = fit.model == .gpd ? "GPD fit to \(fit.n) excesses over \(num(fit.threshold ?? 0)) (rate \(num(fit.rate ?? 0)))" : fit.model == .gev ? "GEV fit to \(fit.n) maxima" : "Gumbel fit to \(fit.n) maxima"
        var lines = [name + ", maximum likelihood (Coles' parameterisation)"]
        let se = fit.standardErrors
        for (i, p) in fit.names.enumerated() {
            let symbol = ["mu": "μ", "sigma": "σ", "xi": "ξ"][p] ?? p
            lines.append("  \(symbol) = \(num(fit.parameters[i]))  (se \(num(se[i])))")
        }
        lines.append("  negative log-likelihood \(num(fit.nll))")
        if let d = deviance {
            let p = Distribution.chiSquareSurvival(max(0, d), degrees: 1)
            lines.append("  against the Gumbel (ξ = 0): deviance \(num(d)), p = \(num(p)): " + (p < 0.05 ? "the shape parameter is needed" : "the simpler Gumbel fits as well"))
        }
        if fit.model != .gpd, fit.names.contains("xi") {
            let xi = fit.parameters[2]
            lines.append("  ξ \(xi > 0 ? "> 0: a heavy upper tail, no upper bound" : "< 0: a bounded upper tail, endpoint \(num(fit.parameters[0] - fit.parameters[1] / xi))")")
        }
        return lines.joined(separator: "\n")
    }

    /// Return-level plot with its delta-method band, QQ and PP plots.
    public func figure() throws -> Figure {
        let data = fit.model == .gpd ? fit.data.filter { $0 > (fit.threshold ?? 0) } : fit.data
        let sorted = Sorting.ascending(data)
        let n = Double(sorted.count)
        let plotting = sorted.indices.map { (Double($0) + 1) / (n + 1) }
        // Return levels against the period on a log axis.
        let periods = (0...60).map { pow(10, 0.05 + Double($0) * 0.05) }
        func period(forProbability q: Double) -> Double {
            fit.model == .gpd ? 1 / ((1 - q) * (fit.rate ?? 1)) : 1 / (1 - q)
        }
        let bands = periods.map { ExtremeValue.deltaInterval(fit, period: $0, confidence: 0.95) }
        var band = Series(.band, x: periods, y: bands.map(\.lower), label: "95% interval (delta method)")
        band.y2 = bands.map(\.upper)
        band.color = 5
        var curve = Series(.lines, x: periods, y: bands.map(\.level), label: "return level")
        curve.color = 0
        var observed = Series(.points, x: plotting.map(period(forProbability:)), y: sorted, label: "observed")
        observed.color = 1
        var returnPanel = Panel(xlabel: fit.model == .gpd ? "return period (observations)" : "return period (blocks)", ylabel: "return level", series: [band, curve, observed])
        returnPanel.logx = true
        returnPanel.xrange = 1...(periods.last ?? 1000)
        returnPanel.heightShare = 0.5
        // QQ: model quantiles against the data; PP: model CDF against plotting positions.
        let model = plotting.map { ExtremeValue.quantile(fit, fit.model == .gpd ? $0 : $0) }
        var qq = Series(.points, x: model, y: sorted, label: "quantiles")
        qq.color = 0
        let lo = min(model.first ?? 0, sorted.first ?? 0), hi = max(model.last ?? 1, sorted.last ?? 1)
        var qqLine = Series(.lines, x: [lo, hi], y: [lo, hi], label: nil)
        qqLine.reference = true
        var qqPanel = Panel(xlabel: "model quantile", ylabel: "observed", series: [qq, qqLine])
        qqPanel.heightShare = 0.25
        var pp = Series(.points, x: sorted.map { ExtremeValue.cdf(fit, $0) }, y: plotting, label: "probabilities")
        pp.color = 2
        var ppLine = Series(.lines, x: [0, 1], y: [0, 1], label: nil)
        ppLine.reference = true
        var ppPanel = Panel(xlabel: "model probability", ylabel: "empirical", series: [pp, ppLine])
        ppPanel.heightShare = 0.25
        ppPanel.xrange = 0...1
        ppPanel.yrange = 0...1
        let name = fit.model == .gpd ? "GPD fit" : fit.model == .gev ? "GEV fit" : "Gumbel fit"
        var figure = Figure(kind: "extreme-value diagnostics", title: name + ": return levels, QQ and PP", panels: [returnPanel, qqPanel, ppPanel])
        figure.height = 900
        return figure
    }
}

/// The mean residual life: mean excess over a range of thresholds, with its interval.
public struct MeanExcessValue: DeclaredResult, Plottable {
    let rows: [(threshold: Double, mean: Double, se: Double, count: Int)]

    public var typeName: String { "mean_excess" }
    public var described: String { "a mean-excess table (\(rows.count) thresholds)" }
    public static let resultName = "mean_excess"
    public static let resultDoc = "The mean-excess function (mean_excess): the mean of the values above each threshold, minus the threshold; roughly linear above a threshold where a GPD fits."
    public static let fields: [ResultField<MeanExcessValue>] = [
        ResultField("table", "threshold, mean_excess (mean of the values above it, minus it), its standard error se, and the count above") { .table($0.table) },
    ]

    var table: Table {
        Table([("threshold", .numbers(rows.map(\.threshold))), ("mean_excess", .numbers(rows.map(\.mean))),
               ("se", .numbers(rows.map(\.se))), ("count", .numbers(rows.map { Double($0.count) }))])
    }

    public func renderText(_ options: RenderOptions) -> String {
        "mean excess over \(rows.count) thresholds (a straight, rising or falling line above a threshold suggests a GPD tail there; its slope is ξ/(1 − ξ))\n" + Value.table(table).renderText(options)
    }


    public func figure() throws -> Figure {
        let usable = rows.filter { $0.mean.isFinite && $0.se.isFinite }
        var band = Series(.band, x: usable.map(\.threshold), y: usable.map { $0.mean - 1.959963984540054 * $0.se }, label: "95% interval")
        band.y2 = usable.map { $0.mean + 1.959963984540054 * $0.se }
        band.color = 5
        var line = Series(.lines, x: usable.map(\.threshold), y: usable.map(\.mean), label: "mean excess")
        line.color = 0
        let panel = Panel(xlabel: "threshold u", ylabel: "mean of x − u over x > u", series: [band, line])
        return Figure(kind: "mean residual life plot", title: "mean residual life", panels: [panel])
    }
}
