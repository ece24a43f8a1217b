import FathomCore

/// What training_experiment() measured: each method's metrics per seed, and their means over
/// seeds with 95% t-intervals.
public struct ExperimentValue: DeclaredResult, Plottable {
    let runs: [TrainingExperiment.Run]
    let setup: TrainingExperiment.Setup

    public var typeName: String { "experiment" }
    public var described: String { "a training experiment (\(NumberFormat.count(splits.count, "split"))\(setup.tuneSeeds > 1 ? " × \(setup.tuneSeeds) fine-tuning seeds" : ""))" }

    /// The split seeds in the order they ran.
    var splits: [Int] {
        var seen = Set<Int>()
        return runs.map(\.seed).filter { seen.insert($0).inserted }
    }

    /// Per split: the mean of the metric over its fine-tuning seeds (finite values only).
    func perSplit(_ m: TrainingExperiment.Method, _ read: (TrainingExperiment.Metrics) -> Double) -> [Double] {
        splits.map { split in
            let v = runs.filter { $0.seed == split }.compactMap { $0.metrics[m].map(read) }.filter(\.isFinite)
            return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
        }
    }

    /// The mean over splits of the standard deviation across a split's fine-tuning seeds: the
    /// spread the fine-tuning's own randomness adds (NaN with one fine-tuning seed).
    func tuneSpread(_ m: TrainingExperiment.Method, _ read: (TrainingExperiment.Metrics) -> Double) -> Double {
        let sds = splits.compactMap { split -> Double? in
            let v = runs.filter { $0.seed == split }.compactMap { $0.metrics[m].map(read) }.filter(\.isFinite)
            guard v.count > 1 else { return nil }
            return Self.standardDeviation(v)
        }
        return sds.isEmpty ? .nan : sds.reduce(0, +) / Double(sds.count)
    }

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
        let half = tQuantile(n - 1) * sd / n.squareRoot()
        guard let within else { return (mean, mean - half, mean + half, x.count) }
        return (mean, max(within.lowerBound, mean - half), min(within.upperBound, mean + half), x.count)
    }

    var table: Table {
        var method: [String] = [], metric: [String] = [], mean: [Double] = [], lower: [Double] = [], upper: [Double] = [], count: [Double] = [], spread: [Double] = []
        for m in TrainingExperiment.Method.allCases {
            for (name, _, read) in Self.metrics {
                let s = Self.summary(perSplit(m, read), within: Self.range(name))
                method.append(m.rawValue); metric.append(name)
                mean.append(s.mean); lower.append(s.lower); upper.append(s.upper); count.append(Double(s.count))
                spread.append(tuneSpread(m, read))
            }
        }
        var columns: [(String, Column)] = [("method", .strings(method)), ("metric", .strings(metric)), ("mean", .numbers(mean)),
                                           ("lower", .numbers(lower)), ("upper", .numbers(upper)), ("splits", .numbers(count))]
        if setup.tuneSeeds > 1 { columns.append(("tune_sd", .numbers(spread))) }
        return Table(columns)
    }

    var runTable: Table {
        var seed: [Double] = [], tune: [Double] = [], method: [String] = [], columns = Array(repeating: [Double](), count: Self.metrics.count)
        for r in runs {
            for m in TrainingExperiment.Method.allCases {
                guard let x = r.metrics[m] else { continue }
                seed.append(Double(r.seed)); tune.append(Double(r.tuneSeed)); method.append(m.rawValue)
                for (j, metric) in Self.metrics.enumerated() { columns[j].append(metric.read(x)) }
            }
        }
        return Table([("seed", .numbers(seed)), ("tune_seed", .numbers(tune)), ("method", .strings(method))] + zip(Self.metrics, columns).map { ($0.name, Column.numbers($1)) })
    }

    func mean(_ m: TrainingExperiment.Method, _ metric: String) -> (mean: Double, lower: Double, upper: Double, count: Int) {
        let read = Self.metrics.first { $0.name == metric }!.read
        return Self.summary(perSplit(m, read), within: Self.range(metric))
    }

    /// Rates lie in [0, 1]; forecast errors are ≥ 0.
    static func range(_ metric: String) -> ClosedRange<Double> {
        ["ordinary_failure", "ece", "rare_failure"].contains(metric) ? 0...1 : 0...Double.infinity
    }

    public static let resultName = "experiment"
    public static let resultDoc = "A training experiment (training_experiment): fine-tuning for forecastable failures against plain fine-tuning, matched temperature scaling and supervised up-weighting, judged on held-out thirds over several random splits."
    public static let fields: [ResultField<ExperimentValue>] = [
        ResultField("table", "per method and metric (under, over, mean_abs, ordinary_failure, ece, rare_failure): the mean over splits with a 95% t-interval, each split counted once (averaged over its fine-tuning seeds); with tune_seeds > 1 also tune_sd, the mean standard deviation across a split's fine-tuning seeds") { .table($0.table) },
        ResultField("runs", "per split seed, fine-tuning seed and method: the six metrics") { .table($0.runTable) },
        ResultField("lambdas", "the λ each run (split and fine-tuning seed, in the order of runs) chose on its validation third") { .numbers($0.runs.map(\.lambda)) },
        ResultField("temperatures", "the temperature each run matched to the chosen model's validation ECE") { .numbers($0.runs.map(\.temperature)) },
        ResultField("rare_rows", "rare rows in each split's tuning, validation and held-out thirds") { v in .list(v.runs.filter { $0.tuneSeed == 1 }.map { .numbers($0.rareRows.map(Double.init)) }) },
        ResultField("meaning", "one sentence saying what was found") { .string($0.meaning) },
    ]

    var meaning: String {
        let f = { (x: Double) in NumberFormat.short(x, digits: 3) }
        let pl = mean(.plain, "mean_abs"), fc = mean(.forecastability, "mean_abs"), tp = mean(.temperature, "mean_abs")
        let plU = mean(.plain, "under"), fcU = mean(.forecastability, "under"), plO = mean(.plain, "over"), fcO = mean(.forecastability, "over")
        var s = "Over \(NumberFormat.count(splits.count, "split"))\(setup.tuneSeeds > 1 ? " (each averaged over \(setup.tuneSeeds) fine-tuning seeds)" : ""), the held-out forecast error |F − T| was \(f(fc.mean)) (\(f(fc.lower)) to \(f(fc.upper))) with the forecastability loss, \(f(pl.mean)) (\(f(pl.lower)) to \(f(pl.upper))) with plain fine-tuning and \(f(tp.mean)) with matched temperature"
        s += "; under-prediction \(f(fcU.mean)) against \(f(plU.mean)), over-prediction \(f(fcO.mean)) against \(f(plO.mean))."
        let diffs = zip(perSplit(.forecastability, { $0.meanAbsolute }), perSplit(.plain, { $0.meanAbsolute })).map { $0 - $1 }
        let d = Self.summary(diffs, within: nil)
        if d.count > 1 {
            s += d.upper < 0 ? " The gain over plain fine-tuning holds across splits (difference \(f(d.mean)), \(f(d.lower)) to \(f(d.upper)))."
                : d.lower > 0 ? " It is worse than plain fine-tuning across splits (difference \(f(d.mean)), \(f(d.lower)) to \(f(d.upper)))."
                : " The difference from plain fine-tuning (\(f(d.mean)), \(f(d.lower)) to \(f(d.upper))) is within the spread of the splits."
        }
        if setup.tuneSeeds > 1 {
            let within = tuneSpread(.forecastability, { $0.meanAbsolute })
            let sd = Self.standardDeviation(perSplit(.forecastability, { $0.meanAbsolute }).filter(\.isFinite))
            s += " Fine-tuning seeds moved the forecastability model's error by \(f(within)) (standard deviation within a split) against \(f(sd)) across splits."
        }
        return s
    }

    /// The sample standard deviation (n − 1); NaN below two values.
    static func standardDeviation(_ v: [Double]) -> Double {
        guard v.count > 1 else { return .nan }
        let mean = v.reduce(0, +) / Double(v.count)
        return (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count - 1)).squareRoot()
    }

    /// The 0.975 quantile of Student's t with ν degrees of freedom.
    static func tQuantile(_ nu: Double) -> Double {
        let b = SpecialFunctions.inverseRegularizedIncompleteBeta(0.05, nu / 2, 0.5)
        return (nu * (1 - b) / b).squareRoot()
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
        let design = setup.tuneSeeds > 1 ? "\(splits.count) splits × \(setup.tuneSeeds) fine-tuning seeds" : NumberFormat.count(splits.count, "split")
        var how = "\(setup.options.steps) steps"
        if let b = setup.options.batch { how += " of batch \(b)" }
        if let tau = setup.options.smoothing { how += ", smooth maximum τ = \(NumberFormat.short(tau))" }
        return "training experiment: \(design), \(how), scale \(setup.options.scale.rawValue), λ chosen per \(setup.tuneSeeds > 1 ? "run" : "split"): \(lambdas) (mean ± 95% t half-width over splits)\n\(meaning)\n"
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
            for e in perSplit(m, { $0.meanAbsolute }) where e.isFinite { xs.append(Double(j)); ys.append(e) }
        }
        var dots = Series(.points, x: xs, y: ys, label: setup.tuneSeeds > 1 ? "mean |error| of each split (over its fine-tuning seeds)" : "mean |error| of each split")
        dots.color = 2
        series.append(dots)
        var panel = Panel(xlabel: "method", ylabel: "held-out forecast error (\(setup.options.scale == .score ? "score ψ" : "log10 p"))", series: series)
        panel.xrange = -0.5...(Double(methods.count) - 0.5)
        panel.xtics = methods.enumerated().map { (Double($0.offset), $0.element.rawValue) }
        panel.legend = "top right"
        return Figure(kind: "training experiment", title: "forecast error over \(NumberFormat.count(splits.count, "split")): under- and over-prediction", panels: [panel])
    }

    public static var tableDoc: String? { "its table: mean and interval per method and metric" }
    public var resultTable: Table? { table }
}
