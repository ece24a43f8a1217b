import Foundation
import Testing
import FathomTestSupport
import FathomCore
@testable import FathomLanguage

/// median, var, cor, cumsum, auc, f1, confusion and join against the reference values in
/// Tests/FathomCoreTests/Fixtures/stats/stats.json (numpy, scipy, scikit-learn, pandas; made by
/// Scripts/make-fixtures-stats.py), called as a user calls them.
enum StatsFixture {
    static let root: JSONValue = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FathomCoreTests/Fixtures/stats/stats.json")
        return try! JSONValue.parse(try! FileSystem.readBytes(url.path))
    }()

    static subscript(_ path: String...) -> JSONValue {
        path.reduce(root) { $0[$1]! }
    }
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

/// Whether two arrays agree elementwise within `tolerance` (NaN matches NaN, ±∞ itself).
func same(_ a: [Double], _ b: [Double], abs tolerance: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { x, y in
        (x.isNaN && y.isNaN) || x == y || abs(x - y) <= tolerance
    }
}

@Suite("median, var, cor and cumsum against numpy, scipy and pandas")
struct DescriptiveReferenceTests {
    static let vectors = ["normal50", "ties", "even", "one", "large"]

    @Test("median, var(ddof=0, 1) and cumsum to 1e-12 rel", arguments: vectors)
    func vector(_ name: String) throws {
        let ref = StatsFixture["descriptive", name]
        let v: [String: Value] = ["x": .numbers(ref["x"]!.doubles)]
        #expect(agrees(try number("median(x)", v), ref["median"]!.reference.double, rel: 1e-12))
        #expect(agrees(try number("var(x, ddof=0)", v), ref["var0"]!.reference.double, rel: 1e-12))
        if case .number(let want) = ref["var1"]!.reference {
            #expect(agrees(try number("var(x)", v), want, rel: 1e-12))
        } else {
            #expect(diagnostic("x = [7.5]; var(x)")?.message == "var(x, ddof=1) needs more than 1 value, got 1")
        }
        let sums = numbers(try run("cumsum(x)", v)), want = ref["cumsum"]!.reference.doubles
        #expect(sums.count == want.count && zip(sums, want).allSatisfy { agrees($0, $1, rel: 1e-12) })
    }

    @Test("cor of two vectors, Pearson and Spearman (ties averaged), to 1e-12 abs", arguments: ["continuous", "ties"])
    func pairs(_ name: String) throws {
        let ref = StatsFixture["cor_pairs", name]
        let v: [String: Value] = ["x": .numbers(ref["x"]!.doubles), "y": .numbers(ref["y"]!.doubles)]
        #expect(agrees(try number("cor(x, y)", v), ref["pearson"]!.reference.double, abs: 1e-12))
        #expect(agrees(try number("cor(x, y, method=\"spearman\")", v), ref["spearman"]!.reference.double, abs: 1e-12))
    }

    @Test("cor of a matrix (numpy, scipy) and of a table (pandas) to 1e-12 abs", arguments: ["pearson", "spearman"])
    func matrix(_ method: String) throws {
        let ref = StatsFixture["cor_matrix"]
        let m = Matrix(rowArrays: ref["x"]!.array.map(\.doubles))
        let v: [String: Value] = ["m": .matrix(m), "t": .table(Table((0..<4).map { (["a", "b", "c", "d"][$0], Column.numbers(m.column($0))) }))]
        #expect(same(numbers(try run("cor(m, method=\"\(method)\")", v)), ref[method]!.reference.fixtureNumbers))
        guard case .table(let t) = try run("cor(t, method=\"\(method)\")", v) else { Issue.record("not a table"); return }
        #expect(t.names == ["variable", "a", "b", "c", "d"])
        #expect(t.columns[0] == .strings(["a", "b", "c", "d"]))
        let values = (0..<4).flatMap { i in (1...4).map { j in numbers(.vector(t.columns[j]))[i] } }
        #expect(same(values, ref["pandas_\(method)"]!.reference.fixtureNumbers))
    }

    @Test("a constant vector has no correlation (NaN, as numpy); NaN propagates through median and cumsum")
    func undefined() throws {
        #expect(try number("cor([1, 1, 1], [1, 2, 3])", [:]).isNaN)
        #expect(try number("median([1, nan, 3])", [:]).isNaN)
        #expect(same(numbers(try run("cumsum([1, 2, nan, 4])", [:])), [1, 3, .nan, .nan]))
        #expect(same(numbers(try run("cor([[1, 2], [1, 3], [1, 5]])", [:])), [.nan, .nan, .nan, 1]))
    }
}

@Suite("auc, f1 and confusion against scikit-learn")
struct ClassificationReferenceTests {
    static let binary: [String: Value] = {
        let b = StatsFixture["binary"]
        return ["y": .numbers(b["y"]!.doubles), "s": .numbers(b["score"]!.doubles), "q": .numbers(b["q"]!.doubles)]
    }()

    static let multiclass: [String: Value] = {
        let m = StatsFixture["multiclass"]
        return ["y": .numbers(m["y"]!.doubles), "p": .matrix(Matrix(rowArrays: m["p"]!.array.map(\.doubles)))]
    }()

    @Test("binary ROC AUC and average precision, with tied scores, to 1e-12 abs")
    func binaryAreas() throws {
        let ref = StatsFixture["binary"], v = Self.binary
        #expect(agrees(try number("auc(s, y).auc", v), ref["roc_auc_score"]!.reference.double, abs: 1e-12))
        #expect(agrees(try number("auc(q, y).auc", v), ref["roc_auc_q"]!.reference.double, abs: 1e-12))
        #expect(agrees(try number("auc(s, y, curve=\"pr\").auc", v), ref["average_precision"]!.reference.double, abs: 1e-12))
        #expect(agrees(try number("auc(q, y, curve=\"pr\").auc", v), ref["average_precision_q"]!.reference.double, abs: 1e-12))
        // A two-column probability matrix ranks by P(y = 1).
        #expect(agrees(try number("auc(transpose(matmul([[1], [0]], [1 - q]) + matmul([[0], [1]], [q])), y).auc", v), ref["roc_auc_q"]!.reference.double, abs: 1e-12))
        #expect(try number("auc(s, y).positives", v) == Double(ref["positives"]!.double))
        #expect(try number("auc(s, y).negatives", v) == Double(ref["negatives"]!.double))
    }

    @Test("the curves' points and thresholds are scikit-learn's roc_curve and precision_recall_curve")
    func binaryPoints() throws {
        let ref = StatsFixture["binary"], v = Self.binary
        let roc = try run("auc(s, y)", v)
        #expect(same(numbers(field(roc, "fpr")), ref["roc"]!["fpr"]!.fixtureNumbers))
        #expect(same(numbers(field(roc, "tpr")), ref["roc"]!["tpr"]!.fixtureNumbers))
        #expect(same(numbers(field(roc, "thresholds")), ref["roc"]!["thresholds"]!.fixtureNumbers))
        let pr = try run("auc(s, y, curve=\"pr\")", v)
        #expect(same(numbers(field(pr, "recall")), ref["pr"]!["recall"]!.fixtureNumbers))
        #expect(same(numbers(field(pr, "precision")), ref["pr"]!["precision"]!.fixtureNumbers))
        #expect(same(numbers(field(pr, "thresholds")), ref["pr"]!["thresholds"]!.fixtureNumbers))
    }

    @Test("multiclass: one-vs-rest macro ROC AUC and average precision, per class, to 1e-12 abs")
    func multiclassAreas() throws {
        let ref = StatsFixture["multiclass"], v = Self.multiclass
        #expect(agrees(try number("auc(p, y).auc", v), ref["roc_auc_ovr_macro"]!.reference.double, abs: 1e-12))
        #expect(same(numbers(try run("auc(p, y).per_class", v)), ref["roc_auc_per_class"]!.reference.doubles))
        #expect(agrees(try number("auc(p, y, curve=\"pr\").auc", v), ref["average_precision_macro"]!.reference.double, abs: 1e-12))
        #expect(same(numbers(try run("auc(p, y, curve=\"pr\").per_class", v)), ref["average_precision_per_class"]!.reference.doubles))
        guard case .list(let fpr) = field(try run("auc(p, y)", v), "fpr"), case .list(let prec) = field(try run("auc(p, y, curve=\"pr\")", v), "precision") else {
            Issue.record("per-class curves are not lists"); return
        }
        #expect(same(numbers(fpr[1]), ref["roc_class1"]!["fpr"]!.fixtureNumbers))
        #expect(same(numbers(prec[2]), ref["pr_class2"]!["precision"]!.fixtureNumbers))
    }

    @Test("f1 with every average, from predictions and from probabilities, to 1e-12 abs", arguments: ["multiclass", "binary", "probabilities"])
    func f1(_ name: String) throws {
        let ref = StatsFixture["f1", name]
        let v: [String: Value] = name == "probabilities" ? ["y": Self.multiclass["y"]!, "p": Self.multiclass["p"]!]
            : ["y": .numbers(ref["y"]!.doubles), "p": .numbers(ref["pred"]!.doubles)]
        for average in ["macro", "micro", "weighted", "binary"] {
            guard let want = ref[average] else { continue }
            #expect(agrees(try number("f1(p, y, average=\"\(average)\")", v), want.reference.double, abs: 1e-12), "average=\(average)")
        }
        let c = try run("confusion(p, y)", v)
        #expect(numbers(field(c, "matrix")) == ref["confusion"]!.reference.fixtureNumbers)
        if let normalized = ref["normalized"] {
            #expect(same(numbers(field(c, "normalized")), normalized.reference.fixtureNumbers))
        }
    }

    @Test("text labels and predictions name the same classes; booleans are 0 and 1")
    func textAndBools() throws {
        let v: [String: Value] = ["p": .strings(["cat", "dog", "dog", "cat"]), "y": .strings(["cat", "dog", "cat", "cat"])]
        #expect(agrees(try number("f1(p, y, average=\"micro\")", v), 0.75, abs: 1e-15))
        #expect(try evaluate("confusion([\"cat\", \"dog\", \"dog\", \"cat\"], [\"cat\", \"dog\", \"cat\", \"cat\"]).table").contains("cat"))
        #expect(agrees(try number("f1([true, false, true], [true, true, true], average=\"binary\")", [:]), 0.8, abs: 1e-15))
    }
}

@Suite("join against pandas merge")
struct JoinReferenceTests {
    @Test("inner and left joins on one numeric key, on two text keys, and on a key that repeats", arguments: [
        ("numeric", "inner", "on=\"id\""), ("numeric", "left", "on=\"id\""),
        ("text_two_keys", "inner", "on=[\"species\", \"island\"]"), ("text_two_keys", "left", "on=[\"species\", \"island\"]"),
        ("text_two_keys", "inner_species", "on=\"species\""), ("text_two_keys", "left_species", "on=\"species\""),
    ])
    func matchesPandas(_ name: String, _ result: String, _ on: String) throws {
        let ref = StatsFixture["join", name]
        let how = result.hasPrefix("left") ? "left" : "inner"
        let v: [String: Value] = ["a": .table(ref["a"]!.fixtureTable), "b": .table(ref["b"]!.fixtureTable)]
        guard case .table(let t) = try run("join(a, b, \(on), how=\"\(how)\")", v) else { Issue.record("not a table"); return }
        expectSame(t, ref[result]!.reference.fixtureTable)
    }

    /// Same names and columns; numbers exactly (NaN where pandas has NaN).
    func expectSame(_ t: Table, _ want: Table) {
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
        guard case .table(let t) = try run("join(as_table({k: [nan, 1, 2]}), as_table({k: [2, nan], ok: [true, false]}), how=\"left\")", [:]) else {
            Issue.record("not a table"); return
        }
        #expect(t.names == ["k", "ok"])
        #expect(same(numbers(.vector(t.column("ok")!)), [0, .nan, 1], abs: 0))
        guard case .table(let inner) = try run("join(as_table({k: [nan, 1, 2]}), as_table({k: [2, nan], ok: [true, false]}))", [:]) else {
            Issue.record("not a table"); return
        }
        #expect(inner.column("ok") == .bools([false, true]))
    }

    @Test("without on=, the key is every shared column")
    func defaultKey() throws {
        let ref = StatsFixture["join", "text_two_keys"]
        let v: [String: Value] = ["a": .table(ref["a"]!.fixtureTable), "b": .table(ref["b"]!.fixtureTable)]
        guard case .table(let t) = try run("join(a, b)", v) else { Issue.record("not a table"); return }
        expectSame(t, ref["inner"]!.reference.fixtureTable)
    }
}

@Suite("Reliability diagram: per-bin intervals against scipy, faded thin bins, the ECE of ece()")
struct ReliabilityDiagramTests {
    static let variables: [String: Value] = {
        let d = StatsFixture["reliability_diagram"]
        return ["q": .numbers(d["q"]!.doubles), "y": .numbers(d["y"]!.doubles)]
    }()

    static func figure(_ source: String) throws -> Figure {
        guard case .object(let o) = try run(source, variables), let p = o as? Plottable else { throw Diagnostic("test", "not plottable") }
        return try p.figure()
    }

    @Test("error bars are each bin's 95% Clopper–Pearson interval (scipy binomtest exact, 1e-9 abs); counts are written under the bins")
    func intervals() throws {
        let rows = StatsFixture["reliability_diagram", "rows"].reference.array
        let f = try Self.figure("reliability(q, y)")
        let bars = f.panels[0].series.filter { $0.style == .errorbars }
        #expect(bars.count == 1)
        guard let e = bars.first else { return }
        #expect(same(e.y, rows.map { $0["accuracy"]!.double }, abs: 1e-12))
        #expect(same(e.y2, rows.map { $0["lower"]!.double }, abs: 1e-9))
        #expect(same(e.y3, rows.map { $0["upper"]!.double }, abs: 1e-9))
        #expect(same(e.x, rows.map { (Double($0["bin"]!.double) + 0.5) / 15 }, abs: 1e-12))
        let written = f.panels[1].series.first { $0.style == .labels }
        #expect(written?.y2 == rows.map { $0["count"]!.double })
    }

    @Test("bins with fewer than 10 examples are drawn faded, the others solid")
    func faded() throws {
        let rows = StatsFixture["reliability_diagram", "rows"].reference.array
        let f = try Self.figure("reliability(q, y)")
        let bars = f.panels[0].series.filter { $0.style == .bars }
        let thin = rows.filter { $0["count"]!.double < 10 }.map { (Double($0["bin"]!.double) + 0.5) / 15 }
        #expect(!thin.isEmpty && thin.count < rows.count, "the fixture has both kinds of bin")
        #expect(same(bars.first { $0.faded }?.x ?? [], thin, abs: 1e-12))
        #expect(bars.first { !$0.faded }?.x.count == rows.count - thin.count)
    }

    @Test("the title's ECE is ece() over the same bins, and says which", arguments: [("", "15 equal-width bins"), (", bins=10, binning=\"mass\"", "10 equal-mass bins")])
    func title(_ options: String, _ words: String) throws {
        let ece = try number("ece(q, y\(options))", Self.variables)
        if options.isEmpty { #expect(agrees(ece, StatsFixture["reliability_diagram", "ece"].reference.double, abs: 1e-12)) }
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
