#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// The mean residual life: mean excess over a range of thresholds, with its interval.
public struct MeanExcessValue: DeclaredResult, Plottable {
    let rows: [(threshold: Double, mean: Double, se: Double, count: Int)]

    public var typeName: String { "mean_excess" }
    public var described: String { "a mean-excess table (\(rows.count) thresholds)" }
    public static let resultName = "mean_excess"
    public static let resultDoc = "The mean-excess function (mean_excess): the mean of the values above each threshold, minus the threshold; roughly linear above a threshold where a GPD fits."
    public static let fields: [ResultField<MeanExcessValue>] = [
        ResultField("table", "threshold, mean_excess (mean of the values above it, minus it), its standard error se, and the count above") { .table($0.table) },
    ]

    var table: Table {
        Table([("threshold", .numbers(rows.map(\.threshold))), ("mean_excess", .numbers(rows.map(\.mean))),
               ("se", .numbers(rows.map(\.se))), ("count", .numbers(rows.map { Double($0.count) }))])
    }

    public func renderText(_ options: RenderOptions) -> String {
        "mean excess over \(rows.count) thresholds (a straight, rising or falling line above a threshold suggests a GPD tail there; its slope is ξ/(1 − ξ))\n" + Value.table(table).renderText(options)
    }


    public func figure() throws -> Figure {
        let usable = rows.filter { $0.mean.isFinite && $0.se.isFinite }
        var band = Series(.band, x: usable.map(\.threshold), y: usable.map { $0.mean - 1.959963984540054 * $0.se }, label: "95% interval")
        band.y2 = usable.map { $0.mean + 1.959963984540054 * $0.se }
        band.color = 5
        var line = Series(.lines, x: usable.map(\.threshold), y: usable.map(\.mean), label: "mean excess")
        line.color = 0
        let panel = Panel(xlabel: "threshold u", ylabel: "mean of x − u over x > u", series: [band, line])
        return Figure(kind: "mean residual life plot", title: "mean residual life", panels: [panel])
    }
}
