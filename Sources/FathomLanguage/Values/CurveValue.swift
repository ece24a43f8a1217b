import FathomCore

/// The result of `auc()`: a ROC or precision–recall curve (one per class for a multiclass
/// one-vs-rest average) with its area.
public struct CurveValue: DeclaredResult, Plottable {
    /// "roc" or "pr".
    let curve: String
    let curves: [RankingCurves.Curve]
    /// The classes of a one-vs-rest average; nil for a binary curve.
    let classNames: [String]?

    var isROC: Bool { curve == "roc" }
    var areaName: String { isROC ? "ROC AUC" : "average precision" }
    var xName: String { isROC ? "fpr" : "recall" }
    var yName: String { isROC ? "tpr" : "precision" }

    /// The binary area, or the unweighted mean of the per-class areas.
    var auc: Double { curves.reduce(0) { $0 + $1.area } / Double(curves.count) }

    public var typeName: String { "curve" }
    public var described: String { "\(isROC ? "a ROC" : "a precision–recall") curve result" }
    public static let resultName = "curve"
    public static let resultDoc = "A ROC or precision–recall curve with its area (auc). For more than two classes, one-vs-rest: the curve fields are lists with one entry per class, and per_class and classes appear."
    public static let fields: [ResultField<CurveValue>] = [
        ResultField("auc", "the ROC AUC or the average precision (macro mean over classes one-vs-rest)") { .number($0.auc) },
        ResultField("curve", "roc or pr") { .string($0.curve) },
        ResultField("fpr", "false-positive rates along the ROC curve", optional: { c in c.isROC ? c.perCurve { .numbers($0.x) } : nil }),
        ResultField("tpr", "true-positive rates along the ROC curve", optional: { c in c.isROC ? c.perCurve { .numbers($0.y) } : nil }),
        ResultField("recall", "recall along the precision–recall curve", optional: { c in c.isROC ? nil : c.perCurve { .numbers($0.x) } }),
        ResultField("precision", "precision along the precision–recall curve", optional: { c in c.isROC ? nil : c.perCurve { .numbers($0.y) } }),
        ResultField("thresholds", "the score thresholds of the points, highest first") { c in c.perCurve { .numbers($0.thresholds) } },
        ResultField("positives", "examples of the positive class") { c in c.classNames == nil ? .number(c.curves[0].positives) : .numbers(c.curves.map(\.positives)) },
        ResultField("negatives", "examples of the other classes") { c in c.classNames == nil ? .number(c.curves[0].negatives) : .numbers(c.curves.map(\.negatives)) },
        ResultField("table", "the curve's points with their thresholds") { c in c.perCurve { .table(c.points($0)) } },
        ResultField("meaning", "one sentence reading the area") { .string($0.meaning(RenderOptions())) },
        ResultField("per_class", "each class's area (one-vs-rest only)", optional: { c in c.classNames.map { _ in .numbers(c.curves.map(\.area)) } }),
        ResultField("classes", "the classes (one-vs-rest only)", optional: { c in c.classNames.map { .strings($0) } }),
    ]

    /// One value for a binary curve, a list of one per class otherwise.
    func perCurve(_ pick: (RankingCurves.Curve) -> Value) -> Value {
        classNames == nil ? pick(curves[0]) : .list(curves.map(pick))
    }

    func points(_ c: RankingCurves.Curve) -> Table {
        Table([(xName, .numbers(c.x)), (yName, .numbers(c.y)), ("threshold", .numbers(c.thresholds))])
    }


    func meaning(_ options: RenderOptions) -> String {
        func n(_ x: Double) -> String { NumberFormat.short(x, digits: min(options.digits, 4)) }
        if let names = classNames {
            let parts = zip(names, curves).map { "\($0): \(n($1.area))" }.joined(separator: ", ")
            return "\(areaName) \(n(auc)), one-vs-rest macro average over \(names.count) classes (\(parts))"
        }
        let c = curves[0]
        let counts = "\(NumberFormat.short(c.positives)) positives, \(NumberFormat.short(c.negatives)) negatives"
        if isROC {
            return "ROC AUC \(n(c.area)) (\(counts)): a random positive scores above a random negative \(NumberFormat.percent(c.area)) of the time, ties counting half; 0.5 is chance"
        }
        let base = c.positives / (c.positives + c.negatives)
        return "average precision \(n(c.area)) (\(counts)): precision averaged over the recall levels; a random ranking scores the base rate \(n(base))"
    }

    public func renderText(_ options: RenderOptions) -> String { meaning(options) }


    /// At most about 2000 points of a curve (it is drawn, not read), keeping both ends.
    static func thinned(_ x: [Double], _ y: [Double]) -> (x: [Double], y: [Double]) {
        let step = max(1, x.count / 2000)
        var idx = Array(stride(from: 0, to: x.count, by: step))
        if idx.last != x.count - 1 { idx.append(x.count - 1) }
        return (idx.map { x[$0] }, idx.map { y[$0] })
    }

    /// ROC: the curve(s) against the chance diagonal. PR: precision as steps over recall (each
    /// recall interval at the precision of its right end, the area AP measures), with the
    /// base rate of a random ranking.
    public func figure() throws -> Figure {
        var series: [Series] = []
        for (k, c) in curves.enumerated() {
            let label = classNames.map { "class \($0[k]) (\(isROC ? "AUC" : "AP") \(NumberFormat.short(c.area, digits: 3)))" }
                ?? "\(isROC ? "AUC" : "AP") \(NumberFormat.short(c.area, digits: 3))"
            // PR steps are drawn from the highest recall down, so that each horizontal run
            // sits at the precision of its right end.
            let (x, y) = CurveValue.thinned(isROC ? c.x : c.x.reversed(), isROC ? c.y : c.y.reversed())
            var s = Series(isROC ? .lines : .steps, x: x, y: y, label: label)
            s.color = k
            series.append(s)
        }
        if isROC {
            var diagonal = Series(.lines, x: [0, 1], y: [0, 1], label: "chance")
            diagonal.reference = true
            series.append(diagonal)
        } else if classNames == nil {
            let c = curves[0]
            let base = c.positives / (c.positives + c.negatives)
            var line = Series(.lines, x: [0, 1], y: [base, base], label: "base rate \(NumberFormat.short(base, digits: 3))")
            line.reference = true
            series.append(line)
        }
        var panel = Panel(xlabel: isROC ? "false positive rate" : "recall", ylabel: isROC ? "true positive rate" : "precision", series: series)
        panel.xrange = 0...1
        panel.yrange = 0...1.02
        panel.legend = isROC ? "bottom right" : "bottom left"
        let average = classNames == nil ? "" : ", one-vs-rest macro"
        var f = Figure(kind: isROC ? "ROC curve" : "precision–recall curve",
                       title: "\(isROC ? "ROC curve, AUC" : "precision–recall curve, average precision") \(NumberFormat.short(auc, digits: 3))\(average)", panels: [panel])
        f.width = 640
        f.height = 560
        return f
    }
}
