import FathomCore

/// What conformal() made: a prediction set per test row, and with labels the coverage they
/// reached, overall and by slice, and across α.
public struct ConformalValue: DeclaredResult, Plottable {
    /// The calibration: sorted scores, overall or per Mondrian group.
    struct Fit: Sendable {
        var score: ConformalPrediction.Score
        /// Sorted calibration scores of each group (one group without Mondrian).
        var scores: [[Double]]
        var counts: [Int]

        init(calibration p: Matrix, labels y: [Int], score: ConformalPrediction.Score, uniforms: [Double]?, groups: [Int]?, groupCount: Int) {
            self.score = score
            let all = ConformalPrediction.scores(p, labels: y, score: score, uniforms: uniforms)
            var byGroup = [[Double]](repeating: [], count: groupCount)
            for i in all.indices { byGroup[groups?[i] ?? 0].append(all[i]) }
            scores = byGroup.map { $0.sorted() }
            counts = byGroup.map(\.count)
        }

        func thresholds(alpha: Double) -> [Double] {
            scores.map { ConformalPrediction.threshold(sortedScores: $0, alpha: alpha) }
        }

        /// The sets of the test rows at α, row-major.
        func sets(_ test: Matrix, groups: [Int]?, alpha: Double) -> [Bool] {
            ConformalPrediction.sets(test, thresholds: thresholds(alpha: alpha), groups: groups, score: score)
        }
    }

    let fit: Fit
    let alpha: Double
    let test: Matrix
    let labels: [Int]?
    let classNames: [String]
    let testGroups: [Int]?
    let groupNames: [String]?
    let slices: Column?
    let confidence: Double
    let randomized: Bool
    let sets: [Bool]
    let sizes: [Int]

    init(fit: Fit, alpha: Double, test: Matrix, labels: [Int]?, classNames: [String], testGroups: [Int]?, groupNames: [String]?,
         slices: Column?, confidence: Double, randomized: Bool) {
        self.fit = fit
        self.alpha = alpha
        self.test = test
        self.labels = labels
        self.classNames = classNames
        self.testGroups = testGroups
        self.groupNames = groupNames
        self.slices = slices
        self.confidence = confidence
        self.randomized = randomized
        sets = fit.sets(test, groups: testGroups, alpha: alpha)
        sizes = ConformalPrediction.sizes(sets, classes: test.cols)
    }

    public var typeName: String { "conformal" }
    public var described: String { "conformal sets (\(test.rows) rows, α = \(NumberFormat.short(alpha)))" }

    var thresholds: [Double] { fit.thresholds(alpha: alpha) }
    var covered: [Bool]? { labels.map { ConformalPrediction.covered(sets, classes: test.cols, labels: $0) } }
    var meanSize: Double { sizes.isEmpty ? .nan : Double(sizes.reduce(0, +)) / Double(sizes.count) }
    var emptyShare: Double { sizes.isEmpty ? .nan : Double(sizes.filter { $0 == 0 }.count) / Double(sizes.count) }

    /// Coverage of some rows with its exact interval.
    func coverage(rows: [Int]) -> (estimate: Double, lower: Double, upper: Double)? {
        guard let covered, !rows.isEmpty else { return nil }
        let k = rows.filter { covered[$0] }.count
        let ci = Binomial.clopperPearson(successes: k, trials: rows.count, confidence: confidence)
        return (Double(k) / Double(rows.count), ci.lower, ci.upper)
    }

    var overall: (estimate: Double, lower: Double, upper: Double)? { coverage(rows: Array(0..<test.rows)) }

    public static let resultName = "conformal"
    public static let resultDoc = "Conformal prediction sets (conformal): a set of classes per test row that holds the true class with probability at least 1 − α when calibration and test rows are exchangeable, with the coverage realised."
    public static let fields: [ResultField<ConformalValue>] = [
        ResultField("sets", "a 0/1 matrix: row i, column k is 1 when class k is in row i's set") { v in
            .matrix(Matrix(rows: v.test.rows, cols: v.test.cols, storage: v.sets.map { $0 ? 1 : 0 }).named(v.classNames))
        },
        ResultField("size", "each test row's set size") { .numbers($0.sizes.map(Double.init)) },
        ResultField("mean_size", "the mean set size") { .number($0.meanSize) },
        ResultField("empty", "the share of empty sets (LAC only: the model gave no class enough probability)") { .number($0.emptyShare) },
        ResultField("threshold", "q̂, the ⌈(n + 1)(1 − α)⌉-th smallest calibration score; with groups, one per group") { v in
            v.thresholds.count == 1 ? .number(v.thresholds[0]) : .numbers(v.thresholds)
        },
        ResultField("coverage", "the share of test rows whose set holds the true class (with y_test)") { v in v.overall.map { .number($0.estimate) } ?? .null },
        ResultField("lower", "the coverage's exact lower bound") { v in v.overall.map { .number($0.lower) } ?? .null },
        ResultField("upper", "the coverage's exact upper bound") { v in v.overall.map { .number($0.upper) } ?? .null },
        ResultField("covered", "for each test row, whether its set holds the true class (with y_test)") { v in v.covered.map { .bools($0) } ?? .null },
        ResultField("table", "by slice (by=, or the Mondrian groups): slice, rows, coverage, lower, upper, mean_size, empty") { .table($0.table) },
        ResultField("curve", "coverage (with y_test) and mean set size at α = 0.01, 0.02, …, 0.5: alpha, coverage, mean_size") { .table($0.curve) },
        ResultField("alpha", "the miscoverage allowed") { .number($0.alpha) },
        ResultField("score", "lac or aps") { .string($0.fit.score.rawValue) },
        ResultField("calibration_rows", "calibration rows (per group with groups)") { v in v.fit.counts.count == 1 ? .number(Double(v.fit.counts[0])) : .numbers(v.fit.counts.map(Double.init)) },
        ResultField("meaning", "one sentence saying what was found") { .string($0.meaning) },
    ]

    /// Coverage and size by slice.
    var table: Table {
        var names: [String] = [], rowsOf: [[Int]] = []
        if let slices {
            for g in TableOperations.groups(slices) {
                names.append(ConformalBuiltins.display(g.key, 0))
                rowsOf.append(g.rows)
            }
        } else {
            names = ["all"]
            rowsOf = [Array(0..<test.rows)]
        }
        let cov = rowsOf.map { coverage(rows: $0) }
        let size = rowsOf.map { r in r.isEmpty ? Double.nan : Double(r.reduce(0) { $0 + sizes[$1] }) / Double(r.count) }
        let empty = rowsOf.map { r in r.isEmpty ? Double.nan : Double(r.filter { sizes[$0] == 0 }.count) / Double(r.count) }
        return Table([
            ("slice", .strings(names)), ("rows", .numbers(rowsOf.map { Double($0.count) })),
            ("coverage", .numbers(cov.map { $0?.estimate ?? .nan })), ("lower", .numbers(cov.map { $0?.lower ?? .nan })),
            ("upper", .numbers(cov.map { $0?.upper ?? .nan })), ("mean_size", .numbers(size)), ("empty", .numbers(empty)),
        ])
    }

    static let curveAlphas = (1...50).map { Double($0) / 100 }

    /// Coverage and mean set size across α, from the same calibration scores.
    var curve: Table {
        var coverage: [Double] = [], size: [Double] = []
        for a in Self.curveAlphas {
            let s = fit.sets(test, groups: testGroups, alpha: a)
            let n = Double(max(test.rows, 1))
            size.append(Double(s.lazy.filter { $0 }.count) / n)
            if let labels {
                coverage.append(Double(ConformalPrediction.covered(s, classes: test.cols, labels: labels).filter { $0 }.count) / n)
            } else {
                coverage.append(.nan)
            }
        }
        return Table([("alpha", .numbers(Self.curveAlphas)), ("coverage", .numbers(coverage)), ("mean_size", .numbers(size))])
    }

    var meaning: String {
        let f = { (x: Double) in NumberFormat.short(x, digits: 3) }
        let target = NumberFormat.percent(1 - alpha)
        var s = fit.counts.count > 1
            ? "Sets from \(fit.counts.count) groups calibrated apart (Mondrian, \(fit.score.rawValue.uppercased())) should each hold the true class at least \(target) of the time"
            : "Sets calibrated on \(NumberFormat.count(fit.counts[0], "row")) (\(fit.score.rawValue.uppercased())) should hold the true class at least \(target) of the time"
        s += " if test rows are exchangeable with them"
        if let c = overall {
            s += "; they held it for \(NumberFormat.percent(c.estimate)) of \(NumberFormat.count(test.rows, "test row")) (\(NumberFormat.percent(c.lower)) to \(NumberFormat.percent(c.upper)))"
            if c.upper < 1 - alpha { s += ", below the guarantee: the test rows are not like the calibration rows" }
        }
        s += ". Mean set size \(f(meanSize)) of \(test.cols) classes"
        let singletons = sizes.filter { $0 == 1 }.count
        s += ", \(NumberFormat.percent(Double(singletons) / Double(max(sizes.count, 1)))) single classes"
        if emptyShare > 0 { s += ", \(NumberFormat.percent(emptyShare)) empty" }
        s += "."
        if overall != nil, slices != nil {
            let t = table
            if case .numbers(let upper) = t.columns[4], case .strings(let names) = t.columns[0],
               let worst = upper.indices.filter({ upper[$0] < 1 - alpha }).min(by: { upper[$0] < upper[$1] }) {
                s += " Slice \(names[worst]) is covered less than \(target) (upper bound \(NumberFormat.percent(upper[worst])))"
                s += fit.counts.count > 1 ? "." : "; groups= with groups_test= would calibrate each slice apart."
            }
        }
        return s
    }

    public func renderText(_ options: RenderOptions) -> String {
        let t = thresholds
        let q = t.count == 1 ? "threshold \(NumberFormat.short(t[0]))"
            : "thresholds \(NumberFormat.short(t.min() ?? .nan, digits: 3)) to \(NumberFormat.short(t.max() ?? .nan, digits: 3)) in \(t.count) groups"
        return "conformal prediction sets (\(fit.score.rawValue)\(fit.score == .aps ? randomized ? ", randomised" : ", not randomised" : ""), α = \(NumberFormat.short(alpha)), \(q))\n\(meaning)\n"
            + Value.table(table).renderText(options)
    }

    public func figure() throws -> Figure {
        let c = curve
        guard case .numbers(let alphas) = c.columns[0], case .numbers(let coverage) = c.columns[1], case .numbers(let size) = c.columns[2] else {
            return Figure(kind: "conformal", title: "", panels: [])
        }
        var panels: [Panel] = []
        if labels != nil {
            var ideal = Series(.lines, x: [0, 0.5], y: [1, 0.5], label: "1 − α (guaranteed at least)")
            ideal.reference = true
            var realised = Series(.linespoints, x: alphas, y: coverage, label: "coverage on the test rows")
            realised.color = 0
            var chosen = Series(.rings, x: [alpha], y: [overall?.estimate ?? .nan], label: "α = \(NumberFormat.short(alpha))")
            chosen.color = 1
            var panel = Panel(xlabel: "α (miscoverage allowed)", ylabel: "coverage", series: [ideal, realised, chosen])
            panel.xrange = 0...0.5
            panel.legend = "bottom left"
            panels.append(panel)
        }
        var s = Series(.linespoints, x: alphas, y: size, label: "mean set size")
        s.color = 2
        var panel = Panel(xlabel: "α (miscoverage allowed)", ylabel: "mean set size", series: [s])
        panel.xrange = 0...0.5
        panel.legend = "top right"
        panels.append(panel)
        return Figure(kind: "conformal", title: "conformal prediction sets (\(fit.score.rawValue.uppercased())): coverage and size against α", panels: panels)
    }
}

extension ConformalValue {
    public static var tableDoc: String? { "its table: coverage and set size by slice" }
    public var resultTable: Table? { table }
}

/// What risk_control() chose: the threshold whose sets keep the expected loss below α.
public struct RiskControlValue: DeclaredResult {
    let result: ConformalRiskControl.Result
    let alpha: Double
    let bound: Double
    let calibrationRows: Int
    let test: Matrix
    let sets: [Bool]
    let testLosses: [Double]?
    let multiLabel: Bool
    let gridStep: Double?

    public var typeName: String { "risk_control" }
    public var described: String { "risk control (threshold \(NumberFormat.short(result.threshold)))" }

    var sizes: [Int] { ConformalPrediction.sizes(sets, classes: test.cols) }
    var meanSize: Double { test.rows == 0 ? .nan : Double(sets.lazy.filter { $0 }.count) / Double(test.rows) }

    /// The test risk with a normal 95% interval.
    var realised: (estimate: Double, lower: Double, upper: Double)? {
        guard let l = testLosses, !l.isEmpty else { return nil }
        let n = Double(l.count)
        let mean = l.reduce(0, +) / n
        let sd = l.count > 1 ? (l.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot() : 0
        let half = 1.959963984540054 * sd / n.squareRoot()
        return (mean, max(0, mean - half), min(bound, mean + half))
    }

    var lossName: String { multiLabel ? "false-negative rate" : bound == 1 ? "miscoverage" : "cost of a missed class" }

    public static let resultName = "risk_control"
    public static let resultDoc = "Conformal risk control (risk_control): the threshold whose sets {k : p̂_k > t} keep a bounded loss below α in expectation, with the risk realised."
    public static let fields: [ResultField<RiskControlValue>] = [
        ResultField("threshold", "t: a class is in the set when its score exceeds t") { .number($0.result.threshold) },
        ResultField("sets", "a 0/1 matrix: row i, column k is 1 when class k is in row i's set") { v in
            .matrix(Matrix(rows: v.test.rows, cols: v.test.cols, storage: v.sets.map { $0 ? 1 : 0 }).named(v.test.columnNames))
        },
        ResultField("size", "each test row's set size") { .numbers($0.sizes.map(Double.init)) },
        ResultField("mean_size", "the mean set size") { .number($0.meanSize) },
        ResultField("calibration_risk", "the mean calibration loss at the threshold") { .number($0.result.calibrationRisk) },
        ResultField("bound", "(n·R̂ + B)/(n + 1) at the threshold: at most alpha when controlled") { .number($0.result.bound) },
        ResultField("controlled", "false when even the full sets could not meet the bound (too few calibration rows for this α)") { .bool($0.result.controlled) },
        ResultField("risk", "the mean test loss (with y_test)") { v in v.realised.map { .number($0.estimate) } ?? .null },
        ResultField("lower", "the test risk's normal 95% lower bound") { v in v.realised.map { .number($0.lower) } ?? .null },
        ResultField("upper", "the test risk's normal 95% upper bound") { v in v.realised.map { .number($0.upper) } ?? .null },
        ResultField("alpha", "the expected loss allowed") { .number($0.alpha) },
        ResultField("B", "the loss's bound") { .number($0.bound) },
        ResultField("meaning", "one sentence saying what was found") { .string($0.meaning) },
    ]

    var meaning: String {
        let f = { (x: Double) in NumberFormat.short(x, digits: 3) }
        guard result.controlled else {
            return "No threshold keeps the \(lossName) below \(f(alpha)) with \(NumberFormat.count(calibrationRows, "calibration row")): the bound (n·R̂ + B)/(n + 1) is \(f(result.bound)) even at threshold \(f(result.threshold)); more calibration rows or a larger alpha are needed."
        }
        var s = "Classes scoring above \(f(result.threshold)) make sets whose expected \(lossName) is at most \(f(alpha)) if test rows are exchangeable with the \(NumberFormat.count(calibrationRows, "calibration row")) (calibration \(f(result.calibrationRisk)))"
        if let r = realised {
            s += "; realised \(f(r.estimate)) (\(f(r.lower)) to \(f(r.upper)))"
            if r.lower > alpha { s += ", above α: the test rows are not like the calibration rows" }
        }
        s += ". Mean set size \(f(meanSize)) of \(test.cols)."
        if let step = gridStep, result.threshold + step >= 1 - 1e-12 {
            s += " The grid ends at \(f(result.threshold)) with the bound still met: without grid= the exact search may allow a higher threshold."
        }
        return s
    }

    public func renderText(_ options: RenderOptions) -> String {
        "conformal risk control (\(lossName), \(gridStep.map { "grid step \(NumberFormat.short($0))" } ?? "exact threshold"))\n\(meaning)\n"
    }
}

extension RiskControlValue {
    public static var tableDoc: String? { nil }
    public var resultTable: Table? { nil }
}
