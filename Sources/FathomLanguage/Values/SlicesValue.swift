import FathomCore

/// The slices `slices()` found: each with its statistics and, for failures, its test against
/// the rest of the rows.
public struct SlicesValue: DeclaredResult, Plottable {
    let findings: [SliceDiscovery.Finding]
    let featureInfo: [SliceDiscovery.Feature]
    let features: SliceLine.Features
    let average: Double
    let rows: Int
    let evaluated: Int
    let family: Double
    let parameters: SliceLine.Parameters
    let correction: DriftReport.Correction
    let alpha: Double
    /// Whether the errors were failures (0 and 1), which the tests and intervals need.
    let binary: Bool

    init(findings: [SliceDiscovery.Finding], featureInfo: [SliceDiscovery.Feature], features: SliceLine.Features, average: Double, rows: Int,
         evaluated: Int, family: Double, parameters: SliceLine.Parameters, correction: DriftReport.Correction, alpha: Double, binary: Bool) {
        self.findings = findings
        self.featureInfo = featureInfo
        self.features = features
        self.average = average
        self.rows = rows
        self.evaluated = evaluated
        self.family = family
        self.parameters = parameters
        self.correction = correction
        self.alpha = alpha
        self.binary = binary
    }

    public var typeName: String { "slices" }
    public var described: String { "slices (\(findings.count) found among \(rows) rows)" }

    public static let resultName = "slices"
    public static let resultDoc = "The slices slices() found (SliceLine): conjunctions of conditions on which the model errs most, best score first, with exact intervals and corrected Fisher exact tests for failures."
    public static let fields: [ResultField<SlicesValue>] = [
        ResultField("table", "per slice: slice, conditions, size, failures (the error sum), rate, lower, upper, rest_rate, lift, score, pvalue, adjusted, significant") { .table($0.table) },
        ResultField("top", "the best slice's conditions, or null when none scored above 0") { v in v.names.first.map { .string($0) } ?? .null },
        ResultField("slices", "each slice's conditions, best first") { .strings($0.names) },
        ResultField("rows", "each slice's rows as 0-based indices: t[s.rows[0]] is the first slice") { v in .list(v.memberRows.map { .numbers($0.map(Double.init)) }) },
        ResultField("significant", "the slices whose corrected p-value is at most alpha") { v in .strings(zip(v.names, v.findings).filter { v.isSignificant($1) }.map(\.0)) },
        ResultField("rate", "the overall error rate (mean error) ē") { .number($0.average) },
        ResultField("evaluated", "slices whose statistics the search computed (the rest were pruned unseen)") { .number(Double($0.evaluated)) },
        ResultField("family", "every slice of at most max_level conditions: what the p-values are corrected for") { .number($0.family) },
        ResultField("min_support", "the fewest rows a slice could have") { .number(Double($0.parameters.minSupport)) },
        ResultField("weight", "SliceLine's α, the weight of the error rate against the size") { .number($0.parameters.alpha) },
        ResultField("alpha", "the significance level") { .number($0.alpha) },
        ResultField("correction", "bonferroni or fdr") { .string($0.correction.rawValue) },
        ResultField("meaning", "one sentence saying what was found") { .string($0.meaning) },
    ]

    func isSignificant(_ f: SliceDiscovery.Finding) -> Bool { f.adjusted <= alpha }

    /// How a level reads in a slice's name: "weather = fog", "distance_m in [61.2, 80]".
    func condition(_ p: SliceLine.Predicate) -> String {
        let feature = featureInfo[p.feature]
        switch feature.levels[p.level] {
        case .text(let v): return "\(feature.name) = \(v)"
        case .number(let x): return "\(feature.name) = \(NumberFormat.short(x))"
        case .interval(let lo, let hi, let closed): return "\(feature.name) in [\(NumberFormat.short(lo, digits: 4)), \(NumberFormat.short(hi, digits: 4))\(closed ? "]" : ")")"
        case .missing: return "\(feature.name) missing"
        }
    }

    var names: [String] { findings.map { $0.slice.predicates.map(condition).joined(separator: " and ") } }

    /// The rows of each slice, in order.
    var memberRows: [[Int]] {
        findings.map { f in
            (0..<rows).filter { i in f.slice.predicates.allSatisfy { Int(features.codes[$0.feature][i]) == $0.level } }
        }
    }

    var table: Table {
        let f = findings
        return Table([
            ("slice", .strings(names)), ("conditions", .numbers(f.map { Double($0.slice.predicates.count) })),
            ("size", .numbers(f.map { Double($0.slice.size) })), (binary ? "failures" : "errors", .numbers(f.map(\.slice.errorSum))),
            ("rate", .numbers(f.map(\.slice.averageError))), ("lower", .numbers(f.map(\.lower))), ("upper", .numbers(f.map(\.upper))),
            ("rest_rate", .numbers(f.map(\.restRate))), ("lift", .numbers(f.map { $0.slice.averageError / average })),
            ("score", .numbers(f.map(\.slice.score))), ("pvalue", .numbers(f.map(\.pvalue))), ("adjusted", .numbers(f.map(\.adjusted))),
            ("significant", .bools(f.map(isSignificant))),
        ])
    }

    var meaning: String {
        let what = binary ? "failure rate" : "mean error"
        guard let best = findings.first else {
            return "No slice of at least \(parameters.minSupport) rows has a \(what) high enough to score above 0 (overall \(what) \(NumberFormat.short(average, digits: 3)), weight \(NumberFormat.short(parameters.alpha)))."
        }
        var s = "The model errs most on \(names[0]): \(best.slice.size) rows, \(what) \(NumberFormat.short(best.slice.averageError, digits: 3)) against \(NumberFormat.short(average, digits: 3)) overall (\(NumberFormat.short(best.slice.averageError / average, digits: 3))×)."
        if binary {
            let how = correction == .fdr ? "Benjamini–Hochberg" : "Bonferroni"
            let k = findings.filter(isSignificant).count
            s += " \(k) of \(findings.count) slices fail significantly more than the rest (one-sided Fisher exact, \(how) over \(NumberFormat.short(family)) possible slices, α = \(NumberFormat.short(alpha)))."
        } else {
            s += " The errors are not failures (0 or 1), so no test is made; pass failures(loss, δ) for one."
        }
        return s
    }

    public func renderText(_ options: RenderOptions) -> String {
        let shown = table.selectingColumns([0, 2, 3, 4, 5, 6, 8, 11, 12])
        return "slices (SliceLine, \(evaluated) evaluated)\n\(meaning)\n" + Value.table(shown).renderText(options)
    }

    public func figure() throws -> Figure {
        let xs = findings.indices.map(Double.init)
        var bars = Series(.bars, x: xs, y: findings.map(\.slice.averageError), label: binary ? "failure rate" : "mean error")
        bars.barWidth = 0.6
        bars.color = 1
        var series = [bars]
        if binary {
            var ci = Series(.errorbars, x: xs, y: findings.map(\.slice.averageError), label: "exact interval")
            ci.y2 = findings.map(\.lower)
            ci.y3 = findings.map(\.upper)
            ci.color = 0
            series.append(ci)
        }
        var overall = Series(.lines, x: [-0.5, Double(findings.count) - 0.5], y: [average, average], label: "overall")
        overall.reference = true
        series.append(overall)
        var panel = Panel(ylabel: binary ? "failure rate" : "mean error", series: series)
        panel.xtics = zip(xs, names).map { ($0, $1) }
        panel.xrange = -0.7...(Double(max(1, findings.count)) - 0.3)
        let top = max(findings.map { binary ? $0.upper : $0.slice.averageError }.max() ?? average, average)
        panel.yrange = 0...max(1e-9, top * 1.1)
        panel.legend = "top right"
        return Figure(kind: "slice chart", title: "slices where the model errs most", panels: [panel])
    }
}

extension SlicesValue {
    public static var tableDoc: String? { "its table: one row per slice" }
    public var resultTable: Table? { table }
}
