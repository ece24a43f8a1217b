import FathomCore

/// An estimate of the target class prior under label shift (BBSE or EM), with the importance
/// weights it implies.
public struct PriorShiftValue: DeclaredResult, Plottable {
    let method: String
    let classNames: [String]
    let sourcePrior: [Double]
    let targetPrior: [Double]
    let weights: [Double]
    /// Per-class bootstrap interval of the target prior, when ci= was given.
    let interval: (lower: [Double], upper: [Double], level: Double, used: Int)?
    let extra: [(String, Value)]
    let warning: String?
    let meaning: String

    public var typeName: String { "prior_shift" }
    public var described: String { "a label-shift estimate (\(method))" }
    public static let resultName = "prior_shift"
    public static let resultDoc = "A label-shift estimate (bbse, mlls): the target's class prior estimated from the model's outputs alone, and the weights that correct for it. With ci= it also has lower and upper (per class); bbse adds confusion, condition and soft, mlls iterations and calibrate."
    public static let fields: [ResultField<PriorShiftValue>] = [
        ResultField("method", "bbse (hard or soft) or mlls") { .string($0.method) },
        ResultField("source_prior", "the class shares in the labelled source data") { .numbers($0.sourcePrior) },
        ResultField("target_prior", "the estimated class shares in the target") { .numbers($0.targetPrior) },
        ResultField("weights", "target / source prior per class, for weights= and reweight()") { .numbers($0.weights) },
        ResultField("table", "class, source, target (lower, upper), weight") { .table($0.table) },
        ResultField("meaning", "one sentence saying what moved") { .string($0.meaning) },
        ResultField("warning", "a caution (an ill-conditioned confusion matrix), or null") { v in v.warning.map { .string($0) } ?? .null },
    ]

    public var extraFields: [(name: String, value: Value)] {
        (interval.map { [("lower", Value.numbers($0.lower)), ("upper", Value.numbers($0.upper))] } ?? []) + extra.map { ($0.0, $0.1) }
    }

    var table: Table {
        var pairs: [(String, Column)] = [("class", .strings(classNames)), ("source", .numbers(sourcePrior)), ("target", .numbers(targetPrior))]
        if let i = interval { pairs += [("lower", .numbers(i.lower)), ("upper", .numbers(i.upper))] }
        pairs.append(("weight", .numbers(weights)))
        return Table(pairs)
    }


    public func renderText(_ options: RenderOptions) -> String {
        var text = "label shift (\(method))\n" + Value.table(table).renderText(options) + "\n" + meaning
        if let w = warning { text += "\nwarning: " + w }
        return text
    }


    public func figure() throws -> Figure {
        var figure = TestResultValue.groupedBars(names: classNames, a: sourcePrior, b: targetPrior, labels: ["source prior", "estimated target prior"],
                                                 title: "class prior: source and estimated target (\(method))", kind: "class priors")
        if let i = interval {
            var bars = Series(.errorbars, x: classNames.indices.map { Double($0) + 0.2 }, y: targetPrior, label: "\(Int((i.level * 100).rounded()))% interval")
            bars.y2 = i.lower
            bars.y3 = i.upper
            bars.color = 6
            figure.panels[0].series.append(bars)
            figure.panels[0].yrange = 0...max(1e-9, ((sourcePrior + i.upper).filter(\.isFinite).max() ?? 1) * 1.1)
        }
        figure.panels[0].ylabel = "share of examples"
        figure.panels[0].xlabel = "class"
        return figure
    }
}

/// Did the model get worse on the target, not only the data move?
public struct HarmValue: DeclaredResult {
    let rows: [HarmAssessment.Row]
    let level: Double
    /// Black-box shift detection on the model's outputs: did the data move?
    let shift: DriftValue
    let labelled: Bool
    let meaning: String

    public var typeName: String { "harm" }
    public var described: String { "a harm assessment" }
    public static let resultName = "harm"
    public static let resultDoc = "A harm assessment (harm): whether the data moved, and whether the model got worse by more than δ, metric by metric, with intervals."
    public static let fields: [ResultField<HarmValue>] = [
        ResultField("table", "metric, source, target, change, lower, upper, delta, verdict (exceeded, within, inconclusive)") { .table($0.table) },
        ResultField("harmful", "whether any change exceeded its tolerance") { .bool($0.harmful) },
        ResultField("shifted", "whether the model's outputs moved (black-box shift detection)") { .bool($0.shift.rows.contains { $0.flagged }) },
        ResultField("shift_test", "the black-box shift detection report (a drift result)") { .object($0.shift) },
        ResultField("meaning", "one sentence: did the data move, and did it hurt") { .string($0.meaning) },
    ]

    var table: Table {
        Table([
            ("metric", .strings(rows.map(\.metric))), ("source", .numbers(rows.map(\.source))), ("target", .numbers(rows.map(\.target))),
            ("change", .numbers(rows.map(\.change))), ("lower", .numbers(rows.map(\.lower))), ("upper", .numbers(rows.map(\.upper))),
            ("delta", .numbers(rows.map { $0.delta ?? .nan })), ("verdict", .strings(rows.map { $0.verdict?.rawValue ?? "" })),
        ])
    }

    var harmful: Bool { rows.contains { $0.verdict == .exceeded } }


    public func renderText(_ options: RenderOptions) -> String {
        func n(_ x: Double) -> String { NumberFormat.short(x, digits: 3) }
        func signed(_ x: Double) -> String { (x > 0 ? "+" : "") + n(x) }
        let percent = Int((level * 100).rounded())
        var lines = [labelled ? "harm: source → target (\(percent)% intervals)" : "harm without target labels: label-shift-corrected estimate (\(percent)% interval)"]
        let width = rows.map(\.metric.count).max() ?? 0
        for r in rows {
            var line = "  " + r.metric.padded(to: width)
            line += "  \(n(r.source)) → \(n(r.target))  change \(signed(r.change)) (\(signed(r.lower)) to \(signed(r.upper)))"
            if let d = r.delta, let v = r.verdict { line += "  δ \(n(d)): \(v.rawValue)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n" + meaning
    }

}
