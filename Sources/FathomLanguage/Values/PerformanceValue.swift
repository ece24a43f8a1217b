import FathomCore

/// What estimate_performance() found: the estimated accuracy per chunk of the target, with
/// bands and alerts, and for the whole target.
public struct PerformanceValue: DeclaredResult, Plottable {
    struct Chunk: Sendable {
        var range: Range<Int>
        var estimate: Double
        var samplingError: Double
        var realized: Double
        var alert: Bool
        var lower: Double { max(0, estimate - 3 * samplingError) }
        var upper: Double { min(1, estimate + 3 * samplingError) }
    }

    /// One metric on the whole target: estimated, realised on the reference, realised on the
    /// target (NaN without y_target).
    struct Summary: Sendable {
        var metric: PerformanceEstimation.Metric
        var estimate: Double
        var reference: Double
        var realized: Double
    }

    let metric: PerformanceEstimation.Metric
    let binary: Bool
    let chunks: [Chunk]
    let estimate: Double
    let samplingError: Double
    let summaries: [Summary]
    let confusion: Matrix
    /// The chosen metric realised on the reference.
    let referenceAccuracy: Double
    let importanceWeighted: Double
    let thresholds: (lower: Double, upper: Double)?
    let alertBelow: Double?
    let calibrated: Bool
    let realized: Double?

    public var typeName: String { "performance" }
    public var described: String { "a performance estimate (\(chunks.count) chunk\(chunks.count == 1 ? "" : "s"))" }

    public static let resultName = "performance"
    public static let resultDoc = "A performance estimate without labels (estimate_performance, CBPE): the expected accuracy (or F1, precision, recall, specificity) of each chunk of the target from calibrated probabilities, with bands, alerts and the expected confusion matrix."
    public static let fields: [ResultField<PerformanceValue>] = [
        ResultField("table", "per chunk, for the chosen metric: chunk, start, end, rows, estimate, lower, upper (± 3 sampling errors), realized (with y_target), alert") { .table($0.table) },
        ResultField("metric", "the metric the table, bands and alerts follow") { .string($0.metric.rawValue) },
        ResultField("estimate", "the chosen metric's expected value on the whole target") { .number($0.estimate) },
        ResultField("lower", "the estimate less 3 sampling errors") { .number(max(0, $0.estimate - 3 * $0.samplingError)) },
        ResultField("upper", "the estimate plus 3 sampling errors") { .number(min(1, $0.estimate + 3 * $0.samplingError)) },
        ResultField("realized", "the chosen metric realised on the target, when y_target was given") { v in v.realized.map { .number($0) } ?? .null },
        ResultField("metrics", "every metric on the whole target: metric, estimate, reference (realised on the reference), realized (with y_target)") { .table($0.metricsTable) },
        ResultField("confusion", "the expected confusion matrix of the target, in counts: row = true class, column = predicted") { .matrix($0.confusion) },
        ResultField("reference", "the chosen metric realised on the reference") { .number($0.referenceAccuracy) },
        ResultField("importance_weighted", "the accuracy estimated for label shift: the reference's correctness weighted by BBSE's class weights") { .number($0.importanceWeighted) },
        ResultField("thresholds", "the alert band from the reference chunks (mean ± 3 sd of the realised metric), or null with fewer than two") { v in
            v.thresholds.map { .numbers([$0.lower, $0.upper]) } ?? .null
        },
        ResultField("alerts", "the chunks whose estimate left the band") { v in .numbers(v.chunks.indices.filter { v.chunks[$0].alert }.map(Double.init)) },
        ResultField("calibrated", "whether the probabilities were calibrated on the reference first") { .bool($0.calibrated) },
        ResultField("meaning", "one sentence saying what was found") { .string($0.meaning) },
    ]

    var table: Table {
        Table([
            ("chunk", .numbers(chunks.indices.map(Double.init))),
            ("start", .numbers(chunks.map { Double($0.range.lowerBound) })), ("end", .numbers(chunks.map { Double($0.range.upperBound) })),
            ("rows", .numbers(chunks.map { Double($0.range.count) })),
            ("estimate", .numbers(chunks.map(\.estimate))), ("lower", .numbers(chunks.map(\.lower))), ("upper", .numbers(chunks.map(\.upper))),
            ("realized", .numbers(chunks.map(\.realized))), ("alert", .bools(chunks.map(\.alert))),
        ])
    }

    var metricsTable: Table {
        Table([("metric", .strings(summaries.map(\.metric.rawValue))), ("estimate", .numbers(summaries.map(\.estimate))),
               ("reference", .numbers(summaries.map(\.reference))), ("realized", .numbers(summaries.map(\.realized)))])
    }

    /// The metric as prose: "accuracy", "F1 (class 1)", "macro F1".
    var metricName: String {
        switch metric {
        case .accuracy: return "accuracy"
        case .f1: return binary ? "F1 (class 1)" : "macro F1"
        default: return binary ? "\(metric.rawValue) (class 1)" : "macro \(metric.rawValue)"
        }
    }

    var meaning: String {
        let f = { (x: Double) in NumberFormat.short(x, digits: 3) }
        var s = "Estimated \(metricName) on the target: \(f(estimate)) (± \(f(3 * samplingError))), against \(f(referenceAccuracy)) realised on the reference"
        if let realized { s += "; realised \(f(realized))" }
        s += "."
        let alerts = chunks.filter(\.alert).count
        if chunks.count > 1 {
            s += alerts == 0 ? " No chunk of \(chunks.count) raised an alert." : " \(alerts) of \(chunks.count) chunks raised an alert."
        }
        if !calibrated { s += " The probabilities were taken as calibrated (calibrate=false)." }
        return s
    }

    public func renderText(_ options: RenderOptions) -> String {
        "performance estimate (CBPE, \(metricName), \(calibrated ? "isotonic calibration" : "uncalibrated"))\n\(meaning)\n" + Value.table(table).renderText(options)
    }

    public func figure() throws -> Figure {
        let xs = chunks.indices.map(Double.init)
        var band = Series(.band, x: xs, y: chunks.map(\.lower), label: "± 3 sampling errors")
        band.y2 = chunks.map(\.upper)
        band.color = 0
        var est = Series(.linespoints, x: xs, y: chunks.map(\.estimate), label: "estimated \(metricName)")
        est.color = 0
        var series = [band, est]
        if realized != nil {
            var r = Series(.linespoints, x: xs, y: chunks.map(\.realized), label: "realised \(metricName)")
            r.color = 2
            series.append(r)
        }
        if let thresholds {
            for (y, label) in [(thresholds.lower, "alert band"), (thresholds.upper, nil)] {
                var line = Series(.lines, x: [-0.5, Double(chunks.count) - 0.5], y: [y, y], label: label)
                line.reference = true
                series.append(line)
            }
        }
        let alerts = chunks.indices.filter { chunks[$0].alert }
        if !alerts.isEmpty {
            var a = Series(.rings, x: alerts.map(Double.init), y: alerts.map { chunks[$0].estimate }, label: "alert")
            a.color = 1
            series.append(a)
        }
        var panel = Panel(xlabel: "chunk", ylabel: metricName, series: series)
        panel.xrange = -0.5...(Double(max(1, chunks.count)) - 0.5)
        if chunks.count <= 30 { panel.xtics = xs.map { ($0, String(Int($0))) } }
        panel.legend = "center right"
        return Figure(kind: "performance estimate", title: "estimated \(metricName) by chunk (CBPE)", panels: [panel])
    }
}

extension PerformanceValue {
    public static var tableDoc: String? { "its table: one row per chunk" }
    public var resultTable: Table? { table }
}
