import FathomCore

/// The result of `forecastability_loss`: per partition, the Gumbel-tail forecast of the worst
/// deployment query against the realised one, and how far apart they fell. Plots as a
/// scatter of forecast against realised; several results draw together (before and after
/// fine-tuning).
public struct ForecastabilityValue: DeclaredResult, OverlayPlottable {
    let evaluation: Forecastability.Evaluation
    let scale: Forecastability.Scale
    let m: Int
    let n: Int
    let k: Int

    public var typeName: String { "forecastability" }
    public var described: String { "a forecastability result (\(used) partitions)" }
    public static let resultName = "forecastability"
    public static let resultDoc = "The forecastability loss of a model on a pool (forecastability_loss): over R seeded (m, n) partitions, how far the Gumbel-tail forecast of the worst deployment query falls from the realised worst."
    public static let fields: [ResultField<ForecastabilityValue>] = [
        ResultField("loss", "the mean squared forecast error on the chosen scale") { .number($0.evaluation.loss) },
        ResultField("mean_abs_error", "the mean absolute forecast error") { .number($0.evaluation.meanAbsoluteError) },
        ResultField("mean_error", "the mean signed error (negative: under-predicts)") { .number($0.evaluation.meanError) },
        ResultField("under_prediction", "the share of partitions under-predicted") { .number($0.evaluation.underPrediction) },
        ResultField("partitions", "partitions used (those with a falling tail)") { .number(Double($0.used)) },
        ResultField("skipped", "partitions left out: their tail did not fall") { .number(Double($0.evaluation.skipped)) },
        ResultField("forecast", "each partition's forecast") { .numbers($0.evaluation.forecasts) },
        ResultField("realised", "each partition's realised worst query") { .numbers($0.evaluation.realised) },
        ResultField("scale", "log10 (of p) or score (ψ)") { .string($0.scale.rawValue) },
        ResultField("m", "evaluation queries per partition") { .number(Double($0.m)) },
        ResultField("n", "deployment queries per partition") { .number(Double($0.n)) },
        ResultField("k", "top scores each tail fit uses") { .number(Double($0.k)) },
    ]

    var used: Int { evaluation.forecasts.count - evaluation.skipped }


    var axis: String { scale == .log10 ? "log10 p" : "score ψ" }

    public func renderText(_ options: RenderOptions) -> String {
        let d = options.digits
        let signed = (evaluation.meanError > 0 ? "+" : "") + NumberFormat.short(evaluation.meanError, digits: d)
        var text = "forecastability on \(used) partitions (evaluation m = \(m), deployment n = \(n), k = \(k)), errors in \(axis)"
        if evaluation.skipped > 0 { text += "; \(evaluation.skipped) partitions had no falling tail" }
        text += "\n  loss (mean squared error) \(NumberFormat.short(evaluation.loss, digits: d)), mean |error| \(NumberFormat.short(evaluation.meanAbsoluteError, digits: d)), mean error \(signed)\n"
        let u = evaluation.underPrediction
        let verdict = u > 0.6 ? "mostly under-predicts" : u < 0.4 ? "mostly over-predicts" : "errs both ways"
        return text + "  the forecast fell below the realised worst query in \(NumberFormat.percent(u)) of partitions: it \(verdict)"
    }


    public func figure() throws -> Figure { try figure(overlaying: [], labels: ["forecast"]) }

    /// Forecast against realised worst query, one colour per result, with the diagonal.
    public func figure(overlaying others: [Value], labels: [String]) throws -> Figure {
        var all = [self]
        for v in others {
            guard case .object(let o) = v, let r = o as? ForecastabilityValue else {
                throw Diagnostic("plot.overlay", "plot() can draw together only forecastability results; got \(v.described)")
            }
            guard r.scale == scale else {
                throw Diagnostic("plot.overlay", "plot() cannot draw a \"\(r.scale.rawValue)\" result with a \"\(scale.rawValue)\" one: compute both with the same scale=")
            }
            all.append(r)
        }
        var lo = Double.infinity, hi = -Double.infinity
        var series: [Series] = []
        for (j, r) in all.enumerated() {
            let pairs = zip(r.evaluation.realised, r.evaluation.forecasts).filter { $0.0.isFinite && $0.1.isFinite }
            for (t, f) in pairs { lo = Swift.min(lo, t, f); hi = Swift.max(hi, t, f) }
            let label = all.count == 1 ? labels[0] : "\(labels[j]) (mean |error| \(NumberFormat.short(r.evaluation.meanAbsoluteError, digits: 3)))"
            var s = Series(.points, x: pairs.map(\.0), y: pairs.map(\.1), label: label)
            s.color = j
            series.append(s)
        }
        guard lo.isFinite, hi.isFinite else { throw Diagnostic("plot.empty", "the forecastability result has no forecast to draw") }
        let pad = Swift.max((hi - lo) * 0.05, 1e-12)
        lo -= pad
        hi += pad
        var diagonal = Series(.lines, x: [lo, hi], y: [lo, hi], label: "forecast = realised")
        diagonal.reference = true
        series.append(diagonal)
        var panel = Panel(xlabel: "realised worst deployment query (\(axis))", ylabel: "forecast from the evaluation set (\(axis))", series: series)
        panel.xrange = lo...hi
        panel.yrange = lo...hi
        panel.legend = "top left"
        return Figure(kind: "forecastability scatter", title: "forecast against realised worst query: m = \(m), n = \(n), \(used) partitions", panels: [panel])
    }
}
