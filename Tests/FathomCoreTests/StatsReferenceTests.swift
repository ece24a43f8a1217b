import Testing
import FathomTestSupport
@testable import FathomCore

/// The core's median, variance, correlation, cumulative sum, ranking curves, confusion
/// matrix, table join and binomial intervals against the reference values in
/// Tests/FathomCoreTests/Fixtures/stats/stats.json (numpy, scipy, scikit-learn, pandas; made by
/// Scripts/make-fixtures-stats.py). FathomLanguageTests/StatsBindingTests checks that the
/// builtins (median, var, cor, cumsum, auc, f1, confusion, join, reliability) return what these
/// functions return.
enum StatsReference {
    static let root = try! Fixture.json("stats/stats.json")

    static subscript(_ path: String...) -> JSONValue {
        path.reduce(root) { $0[$1]! }
    }

    static func labels(_ y: JSONValue) -> [Int] { y.doubles.map { Int($0) } }
}

/// Whether two arrays agree elementwise within `tolerance` (NaN matches NaN, ±∞ itself).
func same(_ a: [Double], _ b: [Double], abs tolerance: Double = 1e-12) -> Bool {
    agrees(a, b, abs: tolerance)
}

extension JSONValue {
    /// A fixture column: text (null as Fathom's empty text) or numbers (null as NaN).
    var fixtureColumn: Column {
        let a = array
        if a.contains(where: { if case .string = $0 { return true }; return false }) {
            return .strings(a.map { if case .string(let s) = $0 { return s }; return "" })
        }
        return .numbers(a.map(\.fixtureNumber))
    }

    /// A fixture frame `{names, columns}` as a table.
    var fixtureTable: Table {
        Table(zip(self["names"]!.array.map(\.text), self["columns"]!.array.map(\.fixtureColumn)).map { ($0, $1) })
    }
}

@Suite("median, variance, correlation and cumulative sums against numpy, scipy and pandas")
struct DescriptiveReferenceTests {
    static let vectors = ["normal50", "ties", "even", "one", "large"]

    @Test("median, variance (ddof=0, 1) and cumulative sum to 1e-12 rel", arguments: vectors)
    func vector(_ name: String) throws {
        let ref = StatsReference["descriptive", name]
        let x = ref["x"]!.doubles
        #expect(agrees(Descriptive.median(x), ref["median"]!.reference.double, rel: 1e-12))
        #expect(agrees(Descriptive.variance(x, ddof: 0), ref["var0"]!.reference.double, rel: 1e-12))
        // numpy's var(ddof=1) of one value is undefined (null: NaN); var() refuses it with a message.
        #expect(agrees(Descriptive.variance(x, ddof: 1), ref["var1"]!.reference.fixtureNumber, rel: 1e-12))
        #expect(agrees(Descriptive.cumulativeSum(x), ref["cumsum"]!.reference.doubles, rel: 1e-12))
    }

    @Test("correlation of two vectors, Pearson and Spearman (ties averaged), to 1e-12 abs", arguments: ["continuous", "ties"])
    func pairs(_ name: String) throws {
        let ref = StatsReference["cor_pairs", name]
        let x = ref["x"]!.doubles, y = ref["y"]!.doubles
        #expect(agrees(Correlation.coefficient(x, y, method: .pearson), ref["pearson"]!.reference.double, abs: 1e-12))
        #expect(agrees(Correlation.coefficient(x, y, method: .spearman), ref["spearman"]!.reference.double, abs: 1e-12))
    }

    @Test("correlation matrix of the columns against numpy, scipy and pandas to 1e-12 abs", arguments: ["pearson", "spearman"])
    func matrix(_ method: String) throws {
        let ref = StatsReference["cor_matrix"]
        let r = Correlation.matrix(ref["x"]!.fixtureMatrix, method: Correlation.Method(rawValue: method)!)
        #expect(same(r.storage, ref[method]!.reference.fixtureNumbers))
        // The same matrix is cor(t) of a table, pandas' DataFrame.corr.
        #expect(same(r.storage, ref["pandas_\(method)"]!.reference.fixtureNumbers))
    }

    @Test("a constant vector has no correlation (NaN, as numpy); NaN propagates through median and cumulative sums")
    func undefined() throws {
        #expect(Correlation.coefficient([1, 1, 1], [1, 2, 3], method: .pearson).isNaN)
        #expect(Descriptive.median([1, .nan, 3]).isNaN)
        #expect(same(Descriptive.cumulativeSum([1, 2, .nan, 4]), [1, 3, .nan, .nan]))
        #expect(same(Correlation.matrix(Matrix(rowArrays: [[1, 2], [1, 3], [1, 5]]), method: .pearson).storage, [.nan, .nan, .nan, 1]))
    }
}

@Suite("ROC and precision–recall curves, F1 and confusion matrices against scikit-learn")
struct ClassificationReferenceTests {
    static let binaryY = StatsReference.labels(StatsReference["binary", "y"])
    static let positive = binaryY.map { $0 == 1 }
    static let multiclassY = StatsReference.labels(StatsReference["multiclass", "y"])
    static let multiclassP = StatsReference["multiclass", "p"].fixtureMatrix

    /// The one-vs-rest curves of each class of the multiclass fixture.
    static func oneVsRest(_ curve: (_ scores: [Double], _ positive: [Bool]) -> RankingCurves.Curve) -> [RankingCurves.Curve] {
        (0..<multiclassP.cols).map { k in curve(multiclassP.column(k), multiclassY.map { $0 == k }) }
    }

    @Test("binary ROC AUC and average precision, with tied scores, to 1e-12 abs", arguments: [("score", ""), ("q", "_q")])
    func binaryAreas(_ scores: String, _ suffix: String) throws {
        let ref = StatsReference["binary"], s = ref[scores]!.doubles
        let roc = RankingCurves.roc(scores: s, positive: Self.positive)
        #expect(agrees(roc.area, ref[suffix.isEmpty ? "roc_auc_score" : "roc_auc\(suffix)"]!.reference.double, abs: 1e-12))
        #expect(agrees(RankingCurves.precisionRecall(scores: s, positive: Self.positive).area, ref["average_precision\(suffix)"]!.reference.double, abs: 1e-12))
        // A two-column probability matrix [1 − q, q] ranks by its column P(y = 1).
        let twoColumns = Matrix(rows: s.count, cols: 2, storage: s.flatMap { [1 - $0, $0] })
        #expect(RankingCurves.roc(scores: twoColumns.column(1), positive: Self.positive).area == roc.area)
        #expect(roc.positives == ref["positives"]!.double)
        #expect(roc.negatives == ref["negatives"]!.double)
    }

    @Test("the curves' points and thresholds are scikit-learn's roc_curve and precision_recall_curve", arguments: [("roc", "fpr", "tpr"), ("pr", "recall", "precision")])
    func binaryPoints(_ curve: String, _ x: String, _ y: String) throws {
        let ref = StatsReference["binary"], s = ref["score"]!.doubles
        let c = curve == "roc" ? RankingCurves.roc(scores: s, positive: Self.positive) : RankingCurves.precisionRecall(scores: s, positive: Self.positive)
        #expect(same(c.x, ref[curve]![x]!.fixtureNumbers))
        #expect(same(c.y, ref[curve]![y]!.fixtureNumbers))
        #expect(same(c.thresholds, ref[curve]!["thresholds"]!.fixtureNumbers))
    }

    @Test("multiclass: one-vs-rest macro ROC AUC and average precision, per class, to 1e-12 abs")
    func multiclassAreas() throws {
        let ref = StatsReference["multiclass"]
        let roc = Self.oneVsRest(RankingCurves.roc), pr = Self.oneVsRest(RankingCurves.precisionRecall)
        #expect(agrees(roc.map(\.area).reduce(0, +) / Double(roc.count), ref["roc_auc_ovr_macro"]!.reference.double, abs: 1e-12))
        #expect(same(roc.map(\.area), ref["roc_auc_per_class"]!.reference.doubles))
        #expect(agrees(pr.map(\.area).reduce(0, +) / Double(pr.count), ref["average_precision_macro"]!.reference.double, abs: 1e-12))
        #expect(same(pr.map(\.area), ref["average_precision_per_class"]!.reference.doubles))
        #expect(same(roc[1].x, ref["roc_class1"]!["fpr"]!.fixtureNumbers))
        #expect(same(pr[2].y, ref["pr_class2"]!["precision"]!.fixtureNumbers))
    }

    /// Truth and predictions of an f1 case: the multiclass fixture's argmax for
    /// "probabilities" (all K classes), else the given predictions, over the classes present
    /// in either (scikit-learn's labels).
    static func decisions(_ name: String) -> (truth: [Int], predicted: [Int], classes: Int, present: [Int]) {
        if name == "probabilities" {
            let predicted = TopLabel(probabilities: multiclassP, labels: multiclassY).prediction
            return (multiclassY, predicted, multiclassP.cols, Array(Set(multiclassY).union(predicted)).sorted())
        }
        let ref = StatsReference["f1", name]
        let y = StatsReference.labels(ref["y"]!), p = StatsReference.labels(ref["pred"]!)
        return (y, p, max(y.max()!, p.max()!) + 1, Array(Set(y).union(p)).sorted())
    }

    @Test("f1 with every average, from predictions and from probabilities, to 1e-12 abs", arguments: ["multiclass", "binary", "probabilities"])
    func f1(_ name: String) throws {
        let ref = StatsReference["f1", name], d = Self.decisions(name)
        let m = ConfusionMatrix(truth: d.truth, predicted: d.predicted, classes: d.classes)
        for average in ConfusionMatrix.Average.allCases {
            guard let want = ref[average.rawValue] else { continue }
            #expect(agrees(m.f1(average: average, labels: d.present), want.reference.double, abs: 1e-12), "average=\(average)")
        }
        // confusion() of predictions shows the classes present, renumbered in order.
        let position = Dictionary(uniqueKeysWithValues: d.present.enumerated().map { ($1, $0) })
        let c = name == "probabilities" ? m : ConfusionMatrix(truth: d.truth.map { position[$0]! }, predicted: d.predicted.map { position[$0]! }, classes: d.present.count)
        #expect(c.counts.storage == ref["confusion"]!.reference.fixtureNumbers)
        if let normalized = ref["normalized"] {
            #expect(same(c.normalized.storage, normalized.reference.fixtureNumbers))
        }
    }
}

@Suite("Table joins against pandas merge")
struct JoinReferenceTests {
    @Test("inner and left joins on one numeric key, on two text keys, and on a key that repeats", arguments: [
        ("numeric", "inner", ["id"]), ("numeric", "left", ["id"]),
        ("text_two_keys", "inner", ["species", "island"]), ("text_two_keys", "left", ["species", "island"]),
        ("text_two_keys", "inner_species", ["species"]), ("text_two_keys", "left_species", ["species"]),
    ])
    func matchesPandas(_ name: String, _ result: String, _ on: [String]) throws {
        let ref = StatsReference["join", name]
        let how: TableJoin.How = result.hasPrefix("left") ? .left : .inner
        let t = try TableJoin.join(ref["a"]!.fixtureTable, ref["b"]!.fixtureTable, on: on, how: how)
        Self.expectSame(t, ref[result]!.reference.fixtureTable)
    }

    /// Same names and columns; numbers exactly (NaN where pandas has NaN).
    static func expectSame(_ t: Table, _ want: Table) {
        #expect(t.names == want.names)
        for (j, name) in want.names.enumerated() {
            switch (t.column(name), want.columns[j]) {
            case (.numbers(let a)?, .numbers(let b)): #expect(same(a, b, abs: 0), "column \(name)")
            case (let a?, let b): #expect(a == b, "column \(name)")
            default: Issue.record("column \(name) missing")
            }
        }
    }

    @Test("NaN keys match each other (as pandas); a left join turns b's booleans into 1/0 with NaN where nothing matched")
    func missingKeysAndBooleans() throws {
        let a = Table([("k", .numbers([.nan, 1, 2]))]), b = Table([("k", .numbers([2, .nan])), ("ok", .bools([true, false]))])
        let left = try TableJoin.join(a, b, on: ["k"], how: .left)
        #expect(left.names == ["k", "ok"])
        guard case .numbers(let ok)? = left.column("ok") else { Issue.record("ok is not numbers"); return }
        #expect(same(ok, [0, .nan, 1], abs: 0))
        #expect(try TableJoin.join(a, b, on: ["k"], how: .inner).column("ok") == .bools([false, true]))
    }

    @Test("the key join() takes without on=, every shared column, gives pandas' merge")
    func defaultKey() throws {
        let ref = StatsReference["join", "text_two_keys"]
        let a = ref["a"]!.fixtureTable, b = ref["b"]!.fixtureTable
        let shared = a.names.filter { b.names.contains($0) }
        #expect(shared == ["species", "island"])
        Self.expectSame(try TableJoin.join(a, b, on: shared, how: .inner), ref["inner"]!.reference.fixtureTable)
    }
}

@Suite("The reliability diagram's bins: per-bin Clopper–Pearson intervals against scipy, the ECE")
struct ReliabilityDiagramReferenceTests {
    static let q = StatsReference["reliability_diagram", "q"].doubles
    static let y = StatsReference.labels(StatsReference["reliability_diagram", "y"])

    /// The diagram's bins: the top label of P(y = 1), 15 equal-width bins.
    static var statistics: BinStatistics {
        let top = TopLabel(probabilities: Matrix(rows: q.count, cols: 2, storage: q.flatMap { [1 - $0, $0] }), labels: y)
        return BinStatistics(confidence: top.confidence, correct: top.correct, bins: 15, binning: .width)
    }

    /// The non-empty bins, as the diagram draws them.
    static var rows: [Int] { (0..<statistics.bins).filter { statistics.count[$0] > 0 } }

    @Test("the non-empty bins, their counts, and accuracy to 1e-12")
    func bins() throws {
        let want = StatsReference["reliability_diagram", "rows"].reference.array, s = Self.statistics
        #expect(StatsReference["reliability_diagram", "bins"].double == Double(s.bins))
        #expect(Self.rows.map(Double.init) == want.map { $0["bin"]!.double })
        #expect(Self.rows.map { s.count[$0] } == want.map { $0["count"]!.double })
        #expect(Self.rows.map { s.correctSum[$0] } == want.map { $0["correct"]!.double })
        #expect(same(Self.rows.map { s.correctSum[$0] / s.count[$0] }, want.map { $0["accuracy"]!.double }, abs: 1e-12))
    }

    @Test("each bin's 95% Clopper–Pearson interval (scipy binomtest exact) to 1e-9 abs")
    func intervals() throws {
        let want = StatsReference["reliability_diagram", "rows"].reference.array, s = Self.statistics
        let intervals = Self.rows.map { Binomial.clopperPearson(successes: Int(s.correctSum[$0].rounded()), trials: Int(s.count[$0].rounded()), confidence: 0.95) }
        #expect(same(intervals.map(\.lower), want.map { $0["lower"]!.double }, abs: 1e-9))
        #expect(same(intervals.map(\.upper), want.map { $0["upper"]!.double }, abs: 1e-9))
    }

    @Test("the fixture has bins of fewer than 10 examples, which the diagram fades, and others")
    func thinBins() throws {
        let counts = Self.rows.map { Self.statistics.count[$0] }
        #expect(counts.contains { $0 < 10 } && counts.contains { $0 >= 10 })
    }

    @Test("the ECE over the same bins to 1e-12 abs")
    func ece() throws {
        #expect(agrees(CalibrationError.expected(Self.statistics), StatsReference["reliability_diagram", "ece"].reference.double, abs: 1e-12))
    }
}
