#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// The result of `reliability(p, y)`: the bins with their accuracy and confidence, the ECE;
/// plottable as a reliability diagram, and overlayable.
public struct ReliabilityValue: DeclaredResult, OverlayPlottable {
    let statistics: BinStatistics
    let ece: Double
    let mce: Double
    let accuracy: Double
    let label: String?
    let confidence: [Double]
    /// How the bins were made (the ECE in the diagram's title uses the same bins).
    let binning: Binning
    /// Whether examples carry weights (then the bins hold weights, not counts, and the
    /// diagram draws no binomial interval).
    let weighted: Bool

    /// Bins with fewer examples than this are drawn faded: their accuracy is too noisy to read.
    static let fewExamples = 10.0
    /// The level of the accuracy intervals.
    static let intervalLevel = 0.95

    public var typeName: String { "reliability" }
    public var described: String { "a reliability result (\(statistics.bins) bins)" }
    public static let resultName = "reliability"
    public static let resultDoc = "The reliability diagram's bins (reliability): per non-empty bin its confidence range, count, mean confidence, accuracy and gap, with the ECE over the same bins; plot(r) draws the diagram."
    public static let fields: [ResultField<ReliabilityValue>] = [
        ResultField("table", "per non-empty bin: lower, upper, count, confidence, accuracy, gap") { .table($0.table) },
        ResultField("ece", "the expected calibration error over these bins") { .number($0.ece) },
        ResultField("mce", "the largest gap of any bin") { .number($0.mce) },
        ResultField("accuracy", "the share of correct top-label predictions") { .number($0.accuracy) },
        ResultField("bins", "the number of bins") { .number(Double($0.statistics.bins)) },
        ResultField("label", "the model's name in plots, or null") { r in r.label.map { .string($0) } ?? .null },
    ]

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


    public func renderText(_ options: RenderOptions) -> String {
        let head = "reliability\(label.map { " of \($0)" } ?? ""): ECE \(NumberFormat.short(ece, digits: options.digits)), MCE \(NumberFormat.short(mce, digits: options.digits)), accuracy \(NumberFormat.short(accuracy, digits: options.digits)), \(statistics.bins) bins"
        return head + "\n" + Value.table(table).renderText(options)
    }


    /// The Clopper–Pearson interval (at ``intervalLevel``) for the accuracy of each bin in
    /// `rows`: its correct count out of its examples, as scipy's `binomtest(k, n)
    /// .proportion_ci(method="exact")`. Nil with weights, whose sums are no binomial counts.
    func accuracyIntervals(_ rows: [Int]) -> [(lower: Double, upper: Double)]? {
        guard !weighted else { return nil }
        let s = statistics
        return rows.map { b in
            let n = Int(s.count[b].rounded()), k = min(n, Int(s.correctSum[b].rounded()))
            return Binomial.clopperPearson(successes: k, trials: n, confidence: ReliabilityValue.intervalLevel)
        }
    }

    /// The bins in words, as ece() names them: "15 equal-width bins, as ece()".
    var binsDescription: String {
        let b = statistics.bins
        return binning == .width ? "\(b) equal-width bins, as ece(p, y, bins=\(b))" : "\(b) equal-mass bins, as ece(p, y, bins=\(b), binning=\"mass\")"
    }

    /// The diagram: accuracy per bin against the diagonal, with a 95% Clopper–Pearson
    /// interval as error bars and the gap to the mean confidence shaded; bins with fewer than
    /// ``fewExamples`` examples are drawn grey. Beneath, the number of examples per bin,
    /// written over each bar. The title's ECE uses the same bins as the diagram (and says so).
    public func figure() throws -> Figure {
        let s = statistics, rows = nonEmpty
        let centre = { (b: Int) in (s.lower[b] + s.upper[b]) / 2 }
        let accuracy = { (b: Int) in s.correctSum[b] / s.count[b] }
        let width = rows.map { s.upper[$0] - s.lower[$0] }.min().map { $0 * 0.98 } ?? 0.05
        let many = rows.filter { s.count[$0] >= ReliabilityValue.fewExamples }, few = rows.filter { s.count[$0] < ReliabilityValue.fewExamples }
        var bars = Series(.bars, x: many.map(centre), y: many.map(accuracy), label: "accuracy")
        bars.barWidth = width
        bars.color = 0
        var faded = Series(.bars, x: few.map(centre), y: few.map(accuracy), label: "accuracy, < \(Int(ReliabilityValue.fewExamples)) examples")
        faded.barWidth = width
        faded.color = 0
        faded.faded = true
        var gapX: [Double] = [], gapAcc: [Double] = [], gapConf: [Double] = []
        for b in rows {
            let acc = accuracy(b), conf = s.confidenceSum[b] / s.count[b]
            gapX += [s.lower[b], s.upper[b], .nan]
            gapAcc += [acc, acc, .nan]
            gapConf += [conf, conf, .nan]
        }
        var gap = Series(.band, x: gapX, y: gapAcc, label: "gap to confidence")
        gap.y2 = gapConf
        gap.color = 1
        var top = [bars, faded, gap]
        if let intervals = accuracyIntervals(rows) {
            var bounds = Series(.errorbars, x: rows.map(centre), y: rows.map(accuracy), label: "\(Int(ReliabilityValue.intervalLevel * 100))% Clopper–Pearson interval")
            bounds.y2 = intervals.map(\.lower)
            bounds.y3 = intervals.map(\.upper)
            bounds.color = 6
            top.append(bounds)
        }
        var diagonal = Series(.lines, x: [0, 1], y: [0, 1], label: "perfect calibration")
        diagonal.reference = true
        top.append(diagonal)
        var upper = Panel(ylabel: "accuracy", series: top)
        upper.xrange = 0...1
        upper.yrange = 0...1
        upper.heightShare = 0.72
        var counts = Series(.bars, x: rows.map(centre), y: rows.map { s.count[$0] })
        counts.barWidth = width
        counts.color = 0
        let highest = rows.map { s.count[$0] }.max() ?? 1
        var written = Series(.labels, x: rows.map(centre), y: rows.map { s.count[$0] + highest * 0.12 })
        written.y2 = rows.map { weighted ? (s.count[$0] * 100).rounded() / 100 : s.count[$0] }
        var lower = Panel(xlabel: "confidence", ylabel: weighted ? "weight" : "examples", series: [counts, written])
        lower.xrange = 0...1
        lower.yrange = 0...(highest * 1.35)
        lower.heightShare = 0.28
        lower.yticStep = ReliabilityValue.ticStep(highest)
        let name = label.map { "\($0): " } ?? ""
        var f = Figure(kind: "reliability diagram", title: "\(name)reliability, ECE \(NumberFormat.short(ece, digits: 3)) (\(binsDescription))", panels: [upper, lower])
        f.height = 640
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
