import FathomCore

/// A drift report: one test per column, corrected for testing many, sorted by effect size.
public struct DriftValue: DeclaredResult, Plottable {
    typealias Row = DriftReport.Row

    let title: String
    let rows: [Row]
    let alpha: Double
    let correction: String
    let effectName: String
    let meaning: String

    public var typeName: String { "drift" }
    public var described: String { "a drift report (\(rows.count) columns)" }
    public static let resultName = "drift"
    public static let resultDoc = "A drift report (drift, bbsd): one two-sample test per column, corrected for testing many, sorted by effect size."
    public static let fields: [ResultField<DriftValue>] = [
        ResultField("title", "what was compared and how") { .string($0.title) },
        ResultField("table", "per column: column, test, statistic, pvalue, adjusted (for multiplicity), effect, flagged, n_a, n_b") { .table($0.table) },
        ResultField("drifted", "the flagged columns, largest effect first") { .strings($0.rows.filter(\.flagged).map(\.column)) },
        ResultField("reject", "whether any column drifted") { .bool($0.rows.contains { $0.flagged }) },
        ResultField("alpha", "the family-wise (bonferroni) or false-discovery (bh) level") { .number($0.alpha) },
        ResultField("correction", "bonferroni or bh") { .string($0.correction) },
        ResultField("meaning", "one sentence saying what was found") { .string($0.meaning) },
    ]

    var table: Table {
        Table([
            ("column", .strings(rows.map(\.column))), ("test", .strings(rows.map(\.test))),
            ("statistic", .numbers(rows.map(\.statistic))), ("pvalue", .numbers(rows.map(\.pvalue))),
            ("adjusted", .numbers(rows.map(\.adjusted))), ("effect", .numbers(rows.map(\.effect))),
            ("flagged", .bools(rows.map(\.flagged))),
            ("n_a", .numbers(rows.map { Double($0.n.0) })), ("n_b", .numbers(rows.map { Double($0.n.1) })),
        ])
    }


    public func renderText(_ options: RenderOptions) -> String {
        var shown = table
        let limit = 10
        if rows.count > limit { shown = shown.selectingRows(Array(0..<limit)) }
        var text = "\(title)\n\(meaning)\n" + Value.table(shown.selectingColumns(Array(0..<7))).renderText(options)
        if rows.count > limit { text += "\n… \(rows.count - limit) more columns in .table" }
        return text
    }


    public func figure() throws -> Figure {
        let top = Array(rows.prefix(30))
        let xs = top.indices.map(Double.init)
        var flagged = Series(.bars, x: [], y: [], label: "flagged")
        var quiet = Series(.bars, x: [], y: [], label: "not flagged")
        for (x, r) in zip(xs, top) {
            if r.flagged { flagged.x.append(x); flagged.y.append(r.effect) } else { quiet.x.append(x); quiet.y.append(r.effect) }
        }
        flagged.color = 1
        quiet.color = 0
        flagged.barWidth = 0.7
        quiet.barWidth = 0.7
        var panel = Panel(ylabel: effectName, series: [flagged, quiet].filter { !$0.x.isEmpty })
        panel.xtics = zip(xs, top.map(\.column)).map { ($0, $1) }
        panel.xrange = -0.7...(Double(top.count) - 0.3)
        panel.yrange = 0...max(1e-9, (top.map(\.effect).max() ?? 1) * 1.1)
        panel.legend = "top right"
        let more = rows.count > top.count ? " (the \(top.count) largest of \(rows.count))" : ""
        return Figure(kind: "drift chart", title: title + more, panels: [panel])
    }
}
