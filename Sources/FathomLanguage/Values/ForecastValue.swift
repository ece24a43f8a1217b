#if canImport(Glibc)
import Glibc
#endif
import FathomCore

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
                                      label: "\(NumberFormat.percent(b.level)) bootstrap interval: p from \(NumberFormat.threeDigits(b.lower)) to \(NumberFormat.threeDigits(b.upper))")
                interval.color = 4
                series.append(interval)
            }
            var mark = Series(.linespoints, x: [q], y: [-log(n)], label: "forecast at n = \(NumberFormat.short(n, digits: 6)): p = \(NumberFormat.threeDigits(e))")
            mark.color = 3
            series.append(mark)
        }
        if let t = truth, t > 0, t < 1, let n {
            var real = Series(.linespoints, x: [GumbelTail.score(t)], y: [-log(n)], label: "realised deployment maximum: p = \(NumberFormat.threeDigits(t))")
            real.color = 6
            series.append(real)
        }
        var panel = Panel(xlabel: "score ψ = −log(−log p)", ylabel: "log share of queries scoring higher", series: series)
        // The scores fall from the top left to the bottom right: the bottom left is empty.
        panel.legend = "bottom left"
        let title = estimate.map { "tail forecast (\(method.rawValue)): worst-query risk \(NumberFormat.threeDigits($0))" } ?? "Gumbel-tail fit"
        return Figure(kind: "tail plot", title: title, panels: [panel])
    }
}
