import Testing
import FathomTestSupport
import FathomCore
@testable import FathomLanguage

/// median, var, cumsum, cor, auc, f1, confusion, join and the reliability diagram are bound to
/// the core: called as a user calls them on data of
/// Tests/FathomCoreTests/Fixtures/stats/stats.json, each gives what the core function it calls
/// gives, including the language's own input handling (tables, text labels, booleans, a
/// two-column probability matrix, the default key of join). FathomCoreTests/StatsReferenceTests
/// checks those core functions against numpy, scipy, scikit-learn and pandas (made by
/// Scripts/make-fixtures-stats.py).
enum StatsFixture {
    static let root = try! Fixture.json("stats/stats.json")

    static subscript(_ path: String...) -> JSONValue {
        path.reduce(root) { $0[$1]! }
    }
}

@Suite("median, var, cumsum and cor are bound to the core")
struct DescriptiveBindingTests {
    @Test("median, var (ddof=0, 1) and cumsum", arguments: ["normal50", "one"])
    func vector(_ name: String) throws {
        let x = StatsFixture["descriptive", name, "x"].doubles, v: [String: Value] = ["x": .numbers(x)]
        try expectBound("median(x)", v, Descriptive.median(x))
        try expectBound("var(x, ddof=0)", v, Descriptive.variance(x, ddof: 0))
        if x.count > 1 {
            try expectBound("var(x)", v, Descriptive.variance(x, ddof: 1))
        } else {
            #expect(diagnostic("x = [7.5]; var(x)")?.message == "var(x, ddof=1) needs more than 1 value, got 1")
        }
        expectBound(try run("cumsum(x)", v), Descriptive.cumulativeSum(x), "cumsum")
    }

    @Test("cor of two vectors, of a matrix, and of a table labelled with its columns' names")
    func correlation() throws {
        let pair = StatsFixture["cor_pairs", "ties"], x = pair["x"]!.doubles, y = pair["y"]!.doubles
        let v: [String: Value] = ["x": .numbers(x), "y": .numbers(y)]
        try expectBound("cor(x, y)", v, Correlation.coefficient(x, y, method: .pearson))
        try expectBound("cor(x, y, method=\"spearman\")", v, Correlation.coefficient(x, y, method: .spearman))

        let m = StatsFixture["cor_matrix", "x"].fixtureMatrix
        let w: [String: Value] = ["m": .matrix(m), "t": .table(Table((0..<4).map { (["a", "b", "c", "d"][$0], Column.numbers(m.column($0))) }))]
        for method in Correlation.Method.allCases {
            let core = Correlation.matrix(m, method: method)
            expectBound(try run("cor(m, method=\"\(method.rawValue)\")", w), core.storage, "cor of a matrix, \(method)")
            guard case .table(let t) = try run("cor(t, method=\"\(method.rawValue)\")", w) else { Issue.record("not a table"); return }
            #expect(t.names == ["variable", "a", "b", "c", "d"])
            #expect(t.columns[0] == .strings(["a", "b", "c", "d"]))
            for j in 0..<4 { expectBound(.vector(t.columns[j + 1]), core.column(j), "cor of a table, \(method), column \(j)") }
        }
        #expect(try number("cor([1, 1, 1], [1, 2, 3])", [:]).isNaN)
    }
}

@Suite("auc, f1 and confusion are bound to the core")
struct ClassificationBindingTests {
    static let binary: [String: Value] = {
        let b = StatsFixture["binary"]
        return ["y": .numbers(b["y"]!.doubles), "s": .numbers(b["score"]!.doubles), "q": .numbers(b["q"]!.doubles)]
    }()
    static let positive = StatsFixture["binary", "y"].doubles.map { $0 == 1 }

    static let multiclass: [String: Value] = {
        let m = StatsFixture["multiclass"]
        return ["y": .numbers(m["y"]!.doubles), "p": .matrix(m["p"]!.fixtureMatrix)]
    }()

    @Test("binary auc: ROC and PR areas, points, thresholds and counts, from scores and from a two-column probability matrix")
    func binaryCurves() throws {
        let v = Self.binary, s = numbers(v["s"]!), q = numbers(v["q"]!)
        let roc = RankingCurves.roc(scores: s, positive: Self.positive), pr = RankingCurves.precisionRecall(scores: s, positive: Self.positive)
        try expectBound("auc(s, y).auc", v, roc.area)
        try expectBound("auc(q, y).auc", v, RankingCurves.roc(scores: q, positive: Self.positive).area)
        try expectBound("auc(s, y, curve=\"pr\").auc", v, pr.area)
        try expectBound("auc(q, y, curve=\"pr\").auc", v, RankingCurves.precisionRecall(scores: q, positive: Self.positive).area)
        try expectBound("auc(transpose(matmul([[1], [0]], [1 - q]) + matmul([[0], [1]], [q])), y).auc", v, RankingCurves.roc(scores: q, positive: Self.positive).area)
        try expectBound("auc(s, y).positives", v, roc.positives)
        try expectBound("auc(s, y).negatives", v, roc.negatives)
        let r = try run("auc(s, y)", v), p = try run("auc(s, y, curve=\"pr\")", v)
        for (value, core, what) in [(field(r, "fpr"), roc.x, "fpr"), (field(r, "tpr"), roc.y, "tpr"), (field(r, "thresholds"), roc.thresholds, "ROC thresholds"),
                                    (field(p, "recall"), pr.x, "recall"), (field(p, "precision"), pr.y, "precision"), (field(p, "thresholds"), pr.thresholds, "PR thresholds")] {
            expectBound(value, core, what)
        }
    }

    @Test("multiclass auc: the macro mean of the core's one-vs-rest curves, per class and as lists of curves")
    func multiclassCurves() throws {
        let v = Self.multiclass, p = StatsFixture["multiclass", "p"].fixtureMatrix, y = numbers(v["y"]!).map { Int($0) }
        let roc = (0..<p.cols).map { k in RankingCurves.roc(scores: p.column(k), positive: y.map { $0 == k }) }
        let pr = (0..<p.cols).map { k in RankingCurves.precisionRecall(scores: p.column(k), positive: y.map { $0 == k }) }
        try expectBound("auc(p, y).auc", v, roc.map(\.area).reduce(0, +) / Double(roc.count))
        try expectBound("auc(p, y, curve=\"pr\").auc", v, pr.map(\.area).reduce(0, +) / Double(pr.count))
        expectBound(try run("auc(p, y).per_class", v), roc.map(\.area), "ROC per class")
        expectBound(try run("auc(p, y, curve=\"pr\").per_class", v), pr.map(\.area), "PR per class")
        guard case .list(let fpr) = field(try run("auc(p, y)", v), "fpr"), case .list(let precision) = field(try run("auc(p, y, curve=\"pr\")", v), "precision") else {
            Issue.record("per-class curves are not lists"); return
        }
        expectBound(fpr[1], roc[1].x, "fpr of class 1")
        expectBound(precision[2], pr[2].y, "precision of class 2")
    }

    @Test("f1 and confusion: predictions over the classes present, renumbered in confusion(); probabilities by their argmax over all classes")
    func f1AndConfusion() throws {
        let f = StatsFixture["f1", "multiclass"], y = f["y"]!.doubles.map { Int($0) }, pred = f["pred"]!.doubles.map { Int($0) }
        let v: [String: Value] = ["y": .numbers(f["y"]!.doubles), "p": .numbers(f["pred"]!.doubles)]
        let present = Array(Set(y).union(pred)).sorted()
        let m = ConfusionMatrix(truth: y, predicted: pred, classes: (present.last ?? 0) + 1)
        for average in [ConfusionMatrix.Average.macro, .micro, .weighted] {
            try expectBound("f1(p, y, average=\"\(average.rawValue)\")", v, m.f1(average: average, labels: present))
        }
        let position = Dictionary(uniqueKeysWithValues: present.enumerated().map { ($1, $0) })
        let renumbered = ConfusionMatrix(truth: y.map { position[$0]! }, predicted: pred.map { position[$0]! }, classes: present.count)
        expectBound(field(try run("confusion(p, y)", v), "matrix"), renumbered.counts.storage, "confusion of predictions")

        let w = Self.multiclass, p = StatsFixture["multiclass", "p"].fixtureMatrix, labels = numbers(w["y"]!).map { Int($0) }
        let predicted = TopLabel(probabilities: p, labels: labels).prediction
        let c = ConfusionMatrix(truth: labels, predicted: predicted, classes: p.cols)
        try expectBound("f1(p, y)", w, c.f1(average: .macro, labels: Array(Set(labels).union(predicted)).sorted()))
        let confusion = try run("confusion(p, y)", w)
        expectBound(field(confusion, "matrix"), c.counts.storage, "confusion of probabilities")
        expectBound(field(confusion, "normalized"), c.normalized.storage, "normalized")
        let b = StatsFixture["f1", "binary"]
        let binary: [String: Value] = ["y": .numbers(b["y"]!.doubles), "p": .numbers(b["pred"]!.doubles)]
        try expectBound("f1(p, y, average=\"binary\")", binary, ConfusionMatrix(truth: b["y"]!.doubles.map { Int($0) }, predicted: b["pred"]!.doubles.map { Int($0) }, classes: 2).f1(average: .binary, labels: [0, 1]))
    }

    @Test("text labels and predictions name the same classes; booleans are 0 and 1")
    func textAndBools() throws {
        let v: [String: Value] = ["p": .strings(["cat", "dog", "dog", "cat"]), "y": .strings(["cat", "dog", "cat", "cat"])]
        #expect(agrees(try number("f1(p, y, average=\"micro\")", v), 0.75, abs: 1e-15))
        #expect(try evaluate("confusion([\"cat\", \"dog\", \"dog\", \"cat\"], [\"cat\", \"dog\", \"cat\", \"cat\"]).table").contains("cat"))
        #expect(agrees(try number("f1([true, false, true], [true, true, true], average=\"binary\")", [:]), 0.8, abs: 1e-15))
    }
}

@Suite("join is bound to the core")
struct JoinBindingTests {
    /// The fixture frame `{names, columns}` as a table: text (null as empty text), or numbers
    /// (null as NaN).
    static func table(_ frame: JSONValue) -> Table {
        Table(zip(frame["names"]!.array.map(\.text), frame["columns"]!.array).map { name, column in
            let texts: [String?] = column.array.map { value -> String? in
                if case .string(let s) = value { return s }
                return nil
            }
            let c: Column = texts.contains { $0 != nil } ? .strings(texts.map { $0 ?? "" }) : .numbers(column.array.map(\.fixtureNumber))
            return (name, c)
        })
    }

    /// Same names and columns as the core's table; numbers exactly, NaN where it has NaN.
    static func expectSame(_ value: Value, _ core: Table) {
        guard case .table(let t) = value else { Issue.record("not a table"); return }
        #expect(t.names == core.names)
        for (j, name) in core.names.enumerated() {
            switch (t.column(name), core.columns[j]) {
            case (.numbers(let a)?, .numbers(let b)): #expect(agrees(a, b), "column \(name)")
            case (let a?, let b): #expect(a == b, "column \(name)")
            default: Issue.record("column \(name) missing")
            }
        }
    }

    @Test("on= one key or two, how= inner or left, and without on= every shared column", arguments: [
        ("numeric", "on=\"id\", how=\"left\"", ["id"], TableJoin.How.left), ("text_two_keys", "on=\"species\"", ["species"], .inner),
        ("text_two_keys", "on=[\"species\", \"island\"], how=\"left\"", ["species", "island"], .left), ("text_two_keys", "", ["species", "island"], .inner),
    ])
    func join(_ name: String, _ options: String, _ on: [String], _ how: TableJoin.How) throws {
        let frames = StatsFixture["join", name], a = Self.table(frames["a"]!), b = Self.table(frames["b"]!)
        let v: [String: Value] = ["a": .table(a), "b": .table(b)]
        Self.expectSame(try run("join(a, b\(options.isEmpty ? "" : ", ")\(options))", v), try TableJoin.join(a, b, on: on, how: how))
    }

    @Test("NaN keys and boolean columns of tables made with as_table")
    func missingKeysAndBooleans() throws {
        let a = Table([("k", .numbers([.nan, 1, 2]))]), b = Table([("k", .numbers([2, .nan])), ("ok", .bools([true, false]))])
        for how in TableJoin.How.allCases {
            let source = "join(as_table({k: [nan, 1, 2]}), as_table({k: [2, nan], ok: [true, false]}), how=\"\(how.rawValue)\")"
            Self.expectSame(try run(source, [:]), try TableJoin.join(a, b, on: ["k"], how: how))
        }
    }
}

@Suite("Reliability diagram: the core's per-bin intervals as error bars, faded thin bins, the ECE of ece()")
struct ReliabilityDiagramTests {
    static let variables: [String: Value] = {
        let d = StatsFixture["reliability_diagram"]
        return ["q": .numbers(d["q"]!.doubles), "y": .numbers(d["y"]!.doubles)]
    }()

    /// The diagram's bins as the core makes them: 15 equal-width bins of the top label.
    static let statistics: BinStatistics = {
        let q = numbers(variables["q"]!), y = numbers(variables["y"]!).map { Int($0) }
        let top = TopLabel(probabilities: Matrix(rows: q.count, cols: 2, storage: q.flatMap { [1 - $0, $0] }), labels: y)
        return BinStatistics(confidence: top.confidence, correct: top.correct, bins: 15, binning: .width)
    }()

    static func figure(_ source: String) throws -> Figure {
        guard case .object(let o) = try run(source, variables), let p = o as? Plottable else { throw Diagnostic("test", "not plottable") }
        return try p.figure()
    }

    @Test("error bars are each bin's 95% Clopper–Pearson interval from the core; counts are written under the bins")
    func intervals() throws {
        let s = Self.statistics, rows = (0..<s.bins).filter { s.count[$0] > 0 }
        let f = try Self.figure("reliability(q, y)")
        let bars = f.panels[0].series.filter { $0.style == .errorbars }
        #expect(bars.count == 1)
        guard let e = bars.first else { return }
        let intervals = rows.map { Binomial.clopperPearson(successes: Int(s.correctSum[$0].rounded()), trials: Int(s.count[$0].rounded()), confidence: 0.95) }
        #expect(agrees(e.y, rows.map { s.correctSum[$0] / s.count[$0] }, rel: 1e-15))
        #expect(agrees(e.y2, intervals.map(\.lower), rel: 1e-15))
        #expect(agrees(e.y3, intervals.map(\.upper), rel: 1e-15))
        #expect(agrees(e.x, rows.map { (Double($0) + 0.5) / 15 }, abs: 1e-12))
        let written = f.panels[1].series.first { $0.style == .labels }
        #expect(written?.y2 == rows.map { s.count[$0] })
    }

    @Test("bins with fewer than 10 examples are drawn faded, the others solid")
    func faded() throws {
        let s = Self.statistics, rows = (0..<s.bins).filter { s.count[$0] > 0 }
        let f = try Self.figure("reliability(q, y)")
        let bars = f.panels[0].series.filter { $0.style == .bars }
        let thin = rows.filter { s.count[$0] < 10 }.map { (Double($0) + 0.5) / 15 }
        #expect(!thin.isEmpty && thin.count < rows.count, "the fixture has both kinds of bin")
        #expect(agrees(bars.first { $0.faded }?.x ?? [], thin, abs: 1e-12))
        #expect(bars.first { !$0.faded }?.x.count == rows.count - thin.count)
    }

    @Test("the title's ECE is ece() over the same bins, and says which", arguments: [("", "15 equal-width bins"), (", bins=10, binning=\"mass\"", "10 equal-mass bins")])
    func title(_ options: String, _ words: String) throws {
        let ece = try number("ece(q, y\(options))", Self.variables)
        if options.isEmpty { #expect(agrees(ece, CalibrationError.expected(Self.statistics), rel: 1e-15)) }
        #expect(try number("reliability(q, y\(options)).ece", Self.variables) == ece)
        let title = try Self.figure("reliability(q, y\(options))").title ?? ""
        #expect(title.contains("ECE \(NumberFormat.short(ece, digits: 3)) (\(words)"), "\(title)")
    }

    @Test("with weights there are no binomial intervals (weighted sums are not counts)")
    func weighted() throws {
        let f = try Self.figure("reliability(q, y, weights=1 + q)")
        #expect(!f.panels[0].series.contains { $0.style == .errorbars })
    }
}
