import FathomCore

/// The result of `confusion()`: counts of true class (rows) against predicted class
/// (columns).
public struct ConfusionValue: DeclaredResult, Plottable {
    let matrix: ConfusionMatrix
    let classNames: [String]

    var total: Double { matrix.counts.storage.reduce(0, +) }
    var accuracy: Double { (0..<matrix.classes).reduce(0) { $0 + matrix.counts[$1, $1] } / total }

    public var typeName: String { "confusion" }
    public var described: String { "a \(matrix.classes)×\(matrix.classes) confusion matrix" }
    public static let resultName = "confusion"
    public static let resultDoc = "A confusion matrix (confusion): rows the true class, columns the predicted one; plot(c) draws it as a heat map of row shares."
    public static let fields: [ResultField<ConfusionValue>] = [
        ResultField("matrix", "the counts, K×K") { .matrix($0.matrix.counts) },
        ResultField("normalized", "each row divided by its total: the share of each true class predicted as each class") { .matrix($0.matrix.normalized) },
        ResultField("classes", "the class of each row and column") { .strings($0.classNames) },
        ResultField("table", "the counts as a labelled table") { c in .table(c.labelled(c.matrix.counts, kind: .integer)) },
        ResultField("n", "the number of examples") { .number($0.total) },
        ResultField("accuracy", "the share on the diagonal") { .number($0.accuracy) },
    ]

    /// The matrix labelled: a column of true classes, then one column per predicted class.
    func labelled(_ m: Matrix, kind: Table.ColumnKind) -> Table {
        var t = Table()
        t.setColumn("true \\ predicted", .strings(classNames))
        for (j, name) in classNames.enumerated() { t.setColumn(name, .numbers(m.column(j)), kind: kind) }
        return t
    }


    public func renderText(_ options: RenderOptions) -> String {
        "confusion matrix of \(NumberFormat.short(total)) examples, rows the true class, columns the predicted one; accuracy \(NumberFormat.short(accuracy, digits: options.digits))\n"
            + Value.table(labelled(matrix.counts, kind: .integer)).renderText(options)
    }


    /// A heat map: each cell coloured by its share of the true class (the row), so that small
    /// classes read as well as large ones, with the count written in it. The first class is
    /// the top row.
    public func figure() throws -> Figure {
        let k = matrix.classes, shares = matrix.normalized
        var x: [Double] = [], y: [Double] = [], share: [Double] = [], count: [Double] = []
        for i in 0..<k {
            for j in 0..<k {
                x.append(Double(j))
                y.append(Double(k - 1 - i))
                share.append(shares[i, j])
                count.append(matrix.counts[i, j])
            }
        }
        var cells = Series(.heatmap, x: x, y: y)
        cells.y2 = share
        var numbers = Series(.labels, x: x, y: y)
        numbers.y2 = count
        var panel = Panel(xlabel: "predicted class", ylabel: "true class", series: [cells, numbers])
        panel.xrange = -0.5...(Double(k) - 0.5)
        panel.yrange = -0.5...(Double(k) - 0.5)
        panel.xtics = classNames.enumerated().map { (Double($0.offset), $0.element) }
        panel.ytics = classNames.enumerated().map { (Double(k - 1 - $0.offset), $0.element) }
        panel.colorLabel = "share of the true class"
        var f = Figure(kind: "confusion matrix", title: "confusion matrix, accuracy \(NumberFormat.short(accuracy, digits: 3))", panels: [panel])
        let side = min(900, max(420, 60 * k + 200))
        f.width = side + 120
        f.height = side
        return f
    }
}
