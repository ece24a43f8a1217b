#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// The result of `reliability(p, y)`: the bins with their accuracy and confidence, the ECE;
/// plottable as a reliability diagram, and overlayable.
public struct ReliabilityValue: ObjectValue, OverlayPlottable {
    let statistics: BinStatistics
    let ece: Double
    let mce: Double
    let accuracy: Double
    let label: String?
    let confidence: [Double]

    public var typeName: String { "reliability" }
    public var described: String { "a reliability result (\(statistics.bins) bins)" }
    public var fieldNames: [String] { ["table", "ece", "mce", "accuracy", "bins", "label"] }

    var nonEmpty: [Int] { (0..<statistics.bins).filter { statistics.count[$0] > 0 } }

    /// The bins as a table: range, count, mean confidence, accuracy, gap.
    var table: Table {
        let s = statistics, rows = nonEmpty
        var t = Table()
        t.setColumn("lower", .numbers(rows.map { s.lower[$0] }), kind: .float)
        t.setColumn("upper", .numbers(rows.map { s.upper[$0] }), kind: .float)
        t.setColumn("count", .numbers(rows.map { s.count[$0] }))
        t.setColumn("confidence", .numbers(rows.map { s.confidenceSum[$0] / s.count[$0] }), kind: .float)
        t.setColumn("accuracy", .numbers(rows.map { s.correctSum[$0] / s.count[$0] }), kind: .float)
        t.setColumn("gap", .numbers(rows.map { s.correctSum[$0] / s.count[$0] - s.confidenceSum[$0] / s.count[$0] }), kind: .float)
        return t
    }

    public func field(_ name: String) -> Value? {
        switch name {
        case "table": return .table(table)
        case "ece": return .number(ece)
        case "mce": return .number(mce)
        case "accuracy": return .number(accuracy)
        case "bins": return .number(Double(statistics.bins))
        case "label": return label.map { .string($0) } ?? .null
        default: return nil
        }
    }

    public func renderText(_ options: RenderOptions) -> String {
        let head = "reliability\(label.map { " of \($0)" } ?? ""): ECE \(NumberFormat.short(ece, digits: options.digits)), MCE \(NumberFormat.short(mce, digits: options.digits)), accuracy \(NumberFormat.short(accuracy, digits: options.digits)), \(statistics.bins) bins"
        return head + "\n" + Value.table(table).renderText(options)
    }

    public func json() -> JSONValue {
        .object([("ece", .number(ece)), ("mce", .number(mce)), ("accuracy", .number(accuracy)), ("label", label.map { .string($0) } ?? .null), ("table", Value.table(table).json())])
    }

    /// The diagram: accuracy per bin against the diagonal with the gap to the mean confidence
    /// shaded, and beneath it the share of examples per bin.
    public func figure() throws -> Figure {
        let s = statistics, rows = nonEmpty
        var bars = Series(.bars, x: rows.map { (s.lower[$0] + s.upper[$0]) / 2 }, y: rows.map { s.correctSum[$0] / s.count[$0] }, label: "accuracy")
        bars.barWidth = rows.map { s.upper[$0] - s.lower[$0] }.min().map { $0 * 0.98 } ?? 0.05
        var gapX: [Double] = [], gapAcc: [Double] = [], gapConf: [Double] = []
        for b in rows {
            let acc = s.correctSum[b] / s.count[b], conf = s.confidenceSum[b] / s.count[b]
            gapX += [s.lower[b], s.upper[b], .nan]
            gapAcc += [acc, acc, .nan]
            gapConf += [conf, conf, .nan]
        }
        var gap = Series(.band, x: gapX, y: gapAcc, label: "gap to confidence")
        gap.y2 = gapConf
        gap.color = 1
        var diagonal = Series(.lines, x: [0, 1], y: [0, 1], label: "perfect calibration")
        diagonal.reference = true
        var top = Panel(ylabel: "accuracy", series: [bars, gap, diagonal])
        top.xrange = 0...1
        top.yrange = 0...1
        top.heightShare = 0.72
        let shares = histogram(color: 0)
        var bottom = Panel(xlabel: "confidence", ylabel: "share", series: [shares])
        bottom.xrange = 0...1
        bottom.heightShare = 0.28
        bottom.yticStep = ReliabilityValue.ticStep(shares.y.max() ?? 1)
        let name = label.map { "\($0): " } ?? ""
        var f = Figure(kind: "reliability diagram", title: "\(name)reliability, ECE \(NumberFormat.short(ece, digits: 3))", panels: [top, bottom])
        f.height = 600
        return f
    }

    /// A round tic step giving two or three tics up to `top`.
    static func ticStep(_ top: Double) -> Double {
        guard top > 0, top.isFinite else { return 0.5 }
        let raw = top / 2.5
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2, 2.5, 5, 10] where m * magnitude >= raw { return m * magnitude }
        return 10 * magnitude
    }

    /// The share of examples in each bin, as bars.
    func histogram(color: Int, label: String? = nil) -> Series {
        let s = statistics
        let total = s.total
        let rows = (0..<s.bins)
        var h = Series(.bars, x: rows.map { (s.lower[$0] + s.upper[$0]) / 2 }, y: rows.map { total > 0 ? s.count[$0] / total : 0 }, label: label)
        h.barWidth = rows.map { s.upper[$0] - s.lower[$0] }.filter { $0.isFinite && $0 > 0 }.min().map { $0 * 0.98 } ?? 0.05
        h.color = color
        return h
    }

    /// Several results: accuracy against mean confidence per bin as connected points, one
    /// colour each, with the diagonal; beneath, each one's share of examples per bin.
    public func figure(overlaying others: [Value], labels: [String]) throws -> Figure {
        var all = [self]
        for v in others {
            guard case .object(let o) = v, let r = o as? ReliabilityValue else {
                throw Diagnostic("plot.overlay", "plot() can draw together only reliability results; got \(v.described)")
            }
            all.append(r)
        }
        var top: [Series] = []
        var bottom: [Series] = []
        for (k, r) in all.enumerated() {
            let s = r.statistics, rows = r.nonEmpty
            var line = Series(.linespoints, x: rows.map { s.confidenceSum[$0] / s.count[$0] }, y: rows.map { s.correctSum[$0] / s.count[$0] },
                              label: "\(labels[k]) (ECE \(NumberFormat.short(r.ece, digits: 3)))")
            line.color = k
            top.append(line)
            bottom.append(r.histogram(color: k))
        }
        var diagonal = Series(.lines, x: [0, 1], y: [0, 1], label: "perfect calibration")
        diagonal.reference = true
        top.append(diagonal)
        var p1 = Panel(ylabel: "accuracy", series: top)
        p1.xrange = 0...1
        p1.yrange = 0...1
        p1.heightShare = 0.72
        var p2 = Panel(xlabel: "confidence", ylabel: "share", series: bottom)
        p2.xrange = 0...1
        p2.heightShare = 0.28
        p2.yticStep = ReliabilityValue.ticStep(bottom.flatMap(\.y).max() ?? 1)
        var f = Figure(kind: "reliability diagram", title: "reliability", panels: [p1, p2])
        f.height = 600
        return f
    }
}
