import FathomCore

/// A drift report: one test per column, corrected for testing many, sorted by effect size.
public struct DriftValue: ObjectValue, Plottable {
    struct Row: Sendable {
        var column: String
        var test: String
        var statistic: Double
        var pvalue: Double
        var adjusted: Double
        var effect: Double
        var flagged: Bool
        var n: (Int, Int)
    }

    let title: String
    let rows: [Row]
    let alpha: Double
    let correction: String
    let effectName: String
    let meaning: String

    public var typeName: String { "drift" }
    public var described: String { "a drift report (\(rows.count) columns)" }
    public var fieldNames: [String] { ["table", "drifted", "reject", "alpha", "correction", "meaning"] }

    var table: Table {
        Table([
            ("column", .strings(rows.map(\.column))), ("test", .strings(rows.map(\.test))),
            ("statistic", .numbers(rows.map(\.statistic))), ("pvalue", .numbers(rows.map(\.pvalue))),
            ("adjusted", .numbers(rows.map(\.adjusted))), ("effect", .numbers(rows.map(\.effect))),
            ("flagged", .bools(rows.map(\.flagged))),
            ("n_a", .numbers(rows.map { Double($0.n.0) })), ("n_b", .numbers(rows.map { Double($0.n.1) })),
        ])
    }

    public func field(_ name: String) -> Value? {
        switch name {
        case "table": return .table(table)
        case "drifted": return .strings(rows.filter(\.flagged).map(\.column))
        case "reject": return .bool(rows.contains { $0.flagged })
        case "alpha": return .number(alpha)
        case "correction": return .string(correction)
        case "meaning": return .string(meaning)
        default: return nil
        }
    }

    public func renderText(_ options: RenderOptions) -> String {
        var shown = table
        let limit = 10
        if rows.count > limit { shown = shown.selectingRows(Array(0..<limit)) }
        var text = "\(title)\n\(meaning)\n" + Value.table(shown.selectingColumns(Array(0..<7))).renderText(options)
        if rows.count > limit { text += "\n… \(rows.count - limit) more columns in .table" }
        return text
    }

    public func json() -> JSONValue {
        .object([("title", .string(title)), ("alpha", .number(alpha)), ("correction", .string(correction)), ("meaning", .string(meaning)),
                 ("table", Value.table(table).json())])
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
