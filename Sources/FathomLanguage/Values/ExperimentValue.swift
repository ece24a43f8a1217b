import FathomCore

/// What training_experiment() measured: each method's metrics per seed, and their means over
/// seeds with 95% t-intervals.
public struct ExperimentValue: DeclaredResult, Plottable {
    let runs: [TrainingExperiment.Run]
    let setup: TrainingExperiment.Setup

    public var typeName: String { "experiment" }
    public var described: String { "a training experiment (\(runs.count) seeds)" }

    static let metrics: [(name: String, doc: String, read: @Sendable (TrainingExperiment.Metrics) -> Double)] = [
        ("under", "mean under-prediction max(0, T − F) of the held-out forecasts", { $0.under }),
        ("over", "mean over-prediction max(0, F − T)", { $0.over }),
        ("mean_abs", "mean |F − T| (under + over)", { $0.meanAbsolute }),
        ("ordinary_failure", "the failure rate on the ordinary held-out rows", { $0.ordinaryFailure }),
        ("ece", "top-label ECE on the held-out third (15 bins)", { $0.ece }),
        ("rare_failure", "the rare held-out rows' mean failure probability", { $0.rareFailure }),
    ]

    /// Mean and 95% t-interval of the finite values.
    /// The interval is clipped to `within` (the metric's range; nil for differences).
    static func summary(_ v: [Double], within: ClosedRange<Double>?) -> (mean: Double, lower: Double, upper: Double, count: Int) {
        let x = v.filter(\.isFinite)
        guard !x.isEmpty else { return (.nan, .nan, .nan, 0) }
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        guard x.count > 1 else { return (mean, .nan, .nan, 1) }
        let sd = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        // t quantile at 0.975 with n − 1 degrees of freedom: t² = ν(1 − b)/b, b = I⁻¹(0.05; ν/2, 1/2).
        let nu = n - 1
        let b = SpecialFunctions.inverseRegularizedIncompleteBeta(0.05, nu / 2, 0.5)
        let t = (nu * (1 - b) / b).squareRoot()
        let half = t * sd / n.squareRoot()
        guard let within else { return (mean, mean - half, mean + half, x.count) }
        return (mean, max(within.lowerBound, mean - half), min(within.upperBound, mean + half), x.count)
    }

    var table: Table {
        var method: [String] = [], metric: [String] = [], mean: [Double] = [], lower: [Double] = [], upper: [Double] = [], seeds: [Double] = []
        for m in TrainingExperiment.Method.allCases {
            for (name, _, read) in Self.metrics {
                let s = Self.summary(runs.compactMap { $0.metrics[m].map(read) }, within: Self.range(name))
                method.append(m.rawValue); metric.append(name)
                mean.append(s.mean); lower.append(s.lower); upper.append(s.upper); seeds.append(Double(s.count))
            }
        }
        return Table([("method", .strings(method)), ("metric", .strings(metric)), ("mean", .numbers(mean)),
                      ("lower", .numbers(lower)), ("upper", .numbers(upper)), ("seeds", .numbers(seeds))])
    }

    var runTable: Table {
        var seed: [Double] = [], method: [String] = [], columns = Array(repeating: [Double](), count: Self.metrics.count)
        for r in runs {
            for m in TrainingExperiment.Method.allCases {
                guard let x = r.metrics[m] else { continue }
                seed.append(Double(r.seed)); method.append(m.rawValue)
                for (j, metric) in Self.metrics.enumerated() { columns[j].append(metric.read(x)) }
            }
        }
        return Table([("seed", .numbers(seed)), ("method", .strings(method))] + zip(Self.metrics, columns).map { ($0.name, Column.numbers($1)) })
    }

    func mean(_ m: TrainingExperiment.Method, _ metric: String) -> (mean: Double, lower: Double, upper: Double, count: Int) {
        let read = Self.metrics.first { $0.name == metric }!.read
        return Self.summary(runs.compactMap { $0.metrics[m].map(read) }, within: Self.range(metric))
    }

    /// Rates lie in [0, 1]; forecast errors are ≥ 0.
    static func range(_ metric: String) -> ClosedRange<Double> {
        ["ordinary_failure", "ece", "rare_failure"].contains(metric) ? 0...1 : 0...Double.infinity
    }

    public static let resultName = "experiment"
    public static let resultDoc = "A training experiment (training_experiment): fine-tuning for forecastable failures against plain fine-tuning, matched temperature scaling and supervised up-weighting, judged on held-out thirds over several random splits."
    public static let fields: [ResultField<ExperimentValue>] = [
        ResultField("table", "per method and metric: mean over seeds with a 95% t-interval (under, over, mean_abs, ordinary_failure, ece, rare_failure)") { .table($0.table) },
        ResultField("runs", "per seed and method: the six metrics") { .table($0.runTable) },
        ResultField("lambdas", "the λ each seed chose on its validation third") { .numbers($0.runs.map(\.lambda)) },
        ResultField("temperatures", "the temperature each seed matched to the chosen model's validation ECE") { .numbers($0.runs.map(\.temperature)) },
        ResultField("rare_rows", "rare rows in each seed's tuning, validation and held-out thirds") { v in .list(v.runs.map { .numbers($0.rareRows.map(Double.init)) }) },
        ResultField("meaning", "one sentence saying what was found") { .string($0.meaning) },
    ]

    var meaning: String {
        let f = { (x: Double) in NumberFormat.short(x, digits: 3) }
        let pl = mean(.plain, "mean_abs"), fc = mean(.forecastability, "mean_abs"), tp = mean(.temperature, "mean_abs")
        let plU = mean(.plain, "under"), fcU = mean(.forecastability, "under"), plO = mean(.plain, "over"), fcO = mean(.forecastability, "over")
        var s = "Over \(runs.count) splits, the held-out forecast error |F − T| was \(f(fc.mean)) (\(f(fc.lower)) to \(f(fc.upper))) with the forecastability loss, \(f(pl.mean)) (\(f(pl.lower)) to \(f(pl.upper))) with plain fine-tuning and \(f(tp.mean)) with matched temperature"
        s += "; under-prediction \(f(fcU.mean)) against \(f(plU.mean)), over-prediction \(f(fcO.mean)) against \(f(plO.mean))."
        let diffs = runs.compactMap { r -> Double? in
            guard let a = r.metrics[.forecastability]?.meanAbsolute, let b = r.metrics[.plain]?.meanAbsolute, a.isFinite, b.isFinite else { return nil }
            return a - b
        }
        let d = Self.summary(diffs, within: nil)
        if d.count > 1 {
            s += d.upper < 0 ? " The gain over plain fine-tuning holds across splits (difference \(f(d.mean)), \(f(d.lower)) to \(f(d.upper)))."
                : d.lower > 0 ? " It is worse than plain fine-tuning across splits (difference \(f(d.mean)), \(f(d.lower)) to \(f(d.upper)))."
                : " The difference from plain fine-tuning (\(f(d.mean)), \(f(d.lower)) to \(f(d.upper))) is within the spread of the splits."
        }
        return s
    }

    public func renderText(_ options: RenderOptions) -> String {
        var names: [String] = [], cells = Array(repeating: [String](), count: Self.metrics.count)
        for m in TrainingExperiment.Method.allCases {
            names.append(m.rawValue)
            for (j, metric) in Self.metrics.enumerated() {
                let s = mean(m, metric.name)
                cells[j].append(s.count > 1 ? "\(NumberFormat.short(s.mean, digits: 3)) ± \(NumberFormat.short((s.upper - s.lower) / 2, digits: 2))" : NumberFormat.short(s.mean, digits: 3))
            }
        }
        let t = Table([("method", .strings(names))] + zip(Self.metrics, cells).map { ($0.name, Column.strings($1)) })
        let lambdas = runs.map { NumberFormat.short($0.lambda) }.joined(separator: ", ")
        return "training experiment: \(runs.count) splits, \(setup.options.steps) steps, scale \(setup.options.scale.rawValue), λ chosen per split: \(lambdas) (mean ± 95% t half-width over splits)\n\(meaning)\n"
            + Value.table(t).renderText(options)
    }
}

extension ExperimentValue {
    /// Per method: mean under- and over-prediction with their 95% intervals, side by side, and
    /// each seed's total error as a dot.
    public func figure() throws -> Figure {
        let methods = TrainingExperiment.Method.allCases
        var series: [Series] = []
        for (offset, name, label, color) in [(-0.15, "under", "under-prediction (mean, 95% interval)", 0), (0.15, "over", "over-prediction (mean, 95% interval)", 1)] {
            let stats = methods.map { mean($0, name) }
            var bars = Series(.errorbars, x: methods.indices.map { Double($0) + offset }, y: stats.map(\.mean), label: label)
            bars.y2 = stats.map { $0.lower.isFinite ? $0.lower : $0.mean }
            bars.y3 = stats.map { $0.upper.isFinite ? $0.upper : $0.mean }
            bars.color = color
            series.append(bars)
        }
        var xs: [Double] = [], ys: [Double] = []
        for (j, m) in methods.enumerated() {
            for r in runs { if let e = r.metrics[m]?.meanAbsolute, e.isFinite { xs.append(Double(j)); ys.append(e) } }
        }
        var dots = Series(.points, x: xs, y: ys, label: "mean |error| of each split")
        dots.color = 2
        series.append(dots)
        var panel = Panel(xlabel: "method", ylabel: "held-out forecast error (\(setup.options.scale == .score ? "score ψ" : "log10 p"))", series: series)
        panel.xrange = -0.5...(Double(methods.count) - 0.5)
        panel.xtics = methods.enumerated().map { (Double($0.offset), $0.element.rawValue) }
        panel.legend = "top right"
        return Figure(kind: "training experiment", title: "forecast error over \(runs.count) splits: under- and over-prediction", panels: [panel])
    }

    public static var tableDoc: String? { "its table: mean and interval per method and metric" }
    public var resultTable: Table? { table }
}
