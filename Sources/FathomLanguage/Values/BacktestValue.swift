#if canImport(Glibc)
import Glibc
#endif
import FathomCore

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
