import FathomCore

/// Each result's table form: what `as_table(r)` gives, and what `save(r, "r.csv")` and
/// `save(r, "r.parquet")` write, so that a pandas user reads a result with one line. A type
/// whose result is rows (a drift report's columns, a reliability diagram's bins, a backtest's
/// repetitions) gives those rows; any other gives one row of its scalar fields. Models,
/// calibrators and plots have none: they are saved in their own formats.
extension DeclaredResult {
    public static var tableDoc: String? {
        "one row of its scalar fields (numbers, text, booleans; a record of them as name_key columns; null as missing); fields holding vectors are left out"
    }

    public var resultTable: Table? { ResultTables.oneRow(presentFields) }
}

enum ResultTables {
    /// One row: each scalar field a column; a record of scalars as `name_key` columns; null as
    /// a missing number. Vectors, tables and nested results are left out.
    static func oneRow(_ fields: [(name: String, value: Value)]) -> Table {
        var columns: [(String, Column)] = []
        var seen = Set<String>()
        func add(_ name: String, _ value: Value, nested: Bool) {
            let column: Column
            switch value {
            case .number(let x): column = .numbers([x])
            case .string(let s): column = .strings([s])
            case .bool(let b): column = .bools([b])
            case .null: column = .numbers([.nan])
            case .record(let r) where !nested:
                for (k, v) in r.pairs { add("\(name)_\(k)", v, nested: true) }
                return
            default: return
            }
            guard seen.insert(name).inserted else { return }
            columns.append((name, column))
        }
        for (name, value) in fields { add(name, value, nested: false) }
        return Table(columns)
    }

    /// Why `value` has no table form, for the message that refuses it; nil when it has one or
    /// is no result.
    static func noTableReason(_ value: Value) -> (message: String, note: String)? {
        if case .object(let o) = value, let source = o as? SQLSourceValue {
            let query = source.query.count > 60 ? String(source.query.prefix(57)) + "…" : source.query
            return ("\(o.described) names rows without loading them", "sql(\"\(query)\") loads them as a table; statistics such as ece(s.p, s.y) run in SQL without loading")
        }
        guard case .object(let o) = value, let r = o as? any DeclaredResult, r.resultTable == nil else { return nil }
        if o is any FileFormatResult {
            return ("\(o.described) has no table form", "save(\(o.typeName == "model" ? "m" : "c"), \"x.json\") writes it in its file format, which load() reads back")
        }
        return ("\(o.described) has no table form", "save it as a picture with save(p, \"p.png\") or \"p.svg\"; its fields (p.panels) hold the points it draws")
    }
}

extension TestResultValue {
    public static var tableDoc: String? {
        "one row of its scalar fields, with the sample sizes as n_a and n_b, then the test's own fields"
    }

    public var resultTable: Table? {
        ResultTables.oneRow(presentFields.flatMap { field -> [(name: String, value: Value)] in
            guard field.name == "n", case .vector(.numbers(let sizes)) = field.value else { return [field] }
            let names = sizes.count == 2 ? ["n_a", "n_b"] : sizes.indices.map { "n_\($0 + 1)" }
            return zip(names, sizes).map { ($0, .number($1)) }
        })
    }
}

extension DriftValue {
    public static var tableDoc: String? { "its table: one row per column compared" }
    public var resultTable: Table? { table }
}

extension PriorShiftValue {
    public static var tableDoc: String? { "its table: one row per class" }
    public var resultTable: Table? { table }
}

extension HarmValue {
    public static var tableDoc: String? { "its table: one row per metric" }
    public var resultTable: Table? { table }
}

extension ReliabilityValue {
    public static var tableDoc: String? { "its table: one row per non-empty bin" }
    public var resultTable: Table? { table }
}

extension MeanExcessValue {
    public static var tableDoc: String? { "its table: one row per threshold" }
    public var resultTable: Table? { table }
}

extension RiskCoverageValue {
    public static var tableDoc: String? { "its table: coverage, risk and threshold, one row per step" }
    public var resultTable: Table? {
        Table([("coverage", .numbers(coverage)), ("risk", .numbers(risk)), ("threshold", .numbers(scores))])
    }
}

extension ConfusionValue {
    public static var tableDoc: String? { "its table: the counts, one row per true class and a column per predicted class" }
    public var resultTable: Table? { labelled(matrix.counts, kind: .integer) }
}

extension CurveValue {
    public static var tableDoc: String? {
        "the curve's points (fpr, tpr or recall, precision, and threshold), one row each; one-vs-rest curves one after another under a class column"
    }

    public var resultTable: Table? {
        guard let names = classNames else { return points(curves[0]) }
        var classColumn: [String] = [], x: [Double] = [], y: [Double] = [], thresholds: [Double] = []
        for (name, c) in zip(names, curves) {
            classColumn += Array(repeating: name, count: c.x.count)
            x += c.x
            y += c.y
            thresholds += c.thresholds
        }
        return Table([("class", .strings(classColumn)), (xName, .numbers(x)), (yName, .numbers(y)), ("threshold", .numbers(thresholds))])
    }
}

extension BacktestValue {
    public static var tableDoc: String? {
        "its repetitions: the realised truth and each method's forecast, one row per repetition (the per-method summary is the table b.summary)"
    }

    public var resultTable: Table? { repetitionTable }
}

extension ForecastabilityValue {
    public static var tableDoc: String? {
        "one row per partition: its forecast, the realised worst query, and the error (forecast − realised), on the result's scale"
    }

    public var resultTable: Table? {
        let f = evaluation.forecasts, r = evaluation.realised
        return Table([
            ("partition", .numbers(f.indices.map { Double($0 + 1) })), ("forecast", .numbers(f)), ("realised", .numbers(r)),
            ("error", .numbers(zip(f, r).map { $0 - $1 })),
        ])
    }
}

extension ModelValue {
    public static var tableDoc: String? { nil }
    public var resultTable: Table? { nil }
}

extension CalibratorValue {
    public static var tableDoc: String? { nil }
    public var resultTable: Table? { nil }
}

extension FigureValue {
    public static var tableDoc: String? { nil }
    public var resultTable: Table? { nil }
}
