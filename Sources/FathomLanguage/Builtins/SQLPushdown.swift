import FathomCore

/// Statistics that merge, pushed into SQL where the rows live: `sql_source()` names rows that
/// stay in their files; `ece`, `mce`, `ace`, `failure_rate` and `chisq` given its columns send
/// one portable query (``PortableSQL``) to DuckDB, get back a few sums, and finish in Swift with
/// the same code as on vectors in memory. `sql_for()` shows that query, which runs unchanged on
/// Spark SQL over a table or view of the source's name.
enum SQLPushdown {
    static var all: [Builtin] { [sqlSource, sqlFor] }

    static let sourceQuery: ParameterKey<String> = .string("query", .absent("give file= instead"), doc: "one SELECT statement for DuckDB, e.g. select p, y from 'preds/*.parquet' where split = 'test'")
    static let sourceFile: ParameterKey<String> = .string("file", .absent("give query instead"), doc: "a Parquet file or glob, read whole")
    static let sourceName: ParameterKey<String> = .string("name", .value(.string("fathom_source")), doc: "the table name the generated SQL reads (sql_for); a plain SQL name")
    static let metricArgument: ParameterKey<Value> = .value("metric", type: "builtin", doc: "ece, mce, ace, failure_rate or chisq")
    static let metricArguments: ParameterKey<PositionalArguments> = .variadic("args", type: "values", doc: "the metric's arguments, columns of one SQL source in place of vectors (s.p, s.y, bins=10)")

    static let example = "s = sql_source(\"select * from (values (0.9, 1), (0.8, 1), (0.7, 0), (0.3, 0), (0.6, 1)) as t(p, y)\")"

    static let sqlSource = Builtin(
        "sql_source", area: .data,
        parameters: declare(sourceQuery, sourceFile, sourceName),
        returns: "a SQL source: its columns are its fields (s.p), for ece, mce, ace, failure_rate and chisq to compute in SQL",
        summary: "rows that stay in their files: statistics computed in SQL",
        doc: """
        sql_source(query) names rows that stay where they are, without loading them: a DuckDB SELECT over Parquet or CSV files and globs (or sql_source(file="preds/*.parquet")). Its columns are its fields, s.p, and select(s, "p_*") takes several. Given such columns instead of vectors, ece, mce, ace and failure_rate compute in SQL: ece(s.p, s.y, bins=15) sends DuckDB one query that returns, per bin, the count, the sum of confidence and the number correct, and finishes the ECE with the same code as ece on vectors, so the two agree to the last bits of a sum (bins as in memory: min(⌊c·B⌋, B − 1), so c = 1 is in the last bin and an edge k/B opens bin k). A probability column alone is P(y = 1); select(s, "p_*") gives class probabilities (top-label confidence, ties to the lowest class). Rows with a NULL, a probability outside [0, 1] or NaN, a row that does not sum to 1, or a label that is not a class are refused with their count, as ece refuses them in memory. failure_rate(s.loss, δ) counts in SQL, and chisq(s.a, b) counts each category of a column in SQL (either sample, or both; NULL and NaN refused with their count). Only equal-width bins without weights or bootstrap are pushed down (those need every row). The columns must be numbers (booleans for labels) with plain names (letters, digits, _). sql_for(ece, s.p, s.y) shows the query, which runs unchanged on Spark SQL over a table or view called name.
        """,
        examples: [example, "ece(s.p, s.y, bins=5)", "failure_rate(s.p, 0.75)"]
    ) { args, context in
        let query: String
        let written = try args.value(sourceQuery).flatMap { $0.isNull ? nil : $0 }, file = try args.value(sourceFile).flatMap { $0.isNull ? nil : $0 }
        switch (written, file) {
        case (nil, nil):
            throw Diagnostic("call.missing-argument", "sql_source() needs query (a SELECT statement) or file= (a Parquet file or glob)", at: args.callRange, notes: ["usage: \(args.builtin.signature)"])
        case (.some, .some):
            throw args.invalid(sourceFile, "sql_source(): give query or file=, not both; to read a file in a query, name it in quotes: select * from 'preds/*.parquet'")
        case (.some, nil):
            query = trimmedQuery(try args[sourceQuery])
            if query.isEmpty { throw args.invalid(sourceQuery, "sql_source(): the query is empty") }
        case (nil, .some):
            let path = try args[sourceFile]
            guard SQLFiles.isParquet(path) else {
                throw args.invalid(sourceFile, "sql_source(): file= reads Parquet (a name ending in .parquet, globs allowed); for other files write the query, e.g. select * from read_csv('x.csv')")
            }
            query = "select * from read_parquet(\(SQLFiles.literal(FileSystem.absolute(path))))"
        }
        let name = try args[sourceName]
        guard PortableSQL.isPlainIdentifier(name) else {
            throw args.invalid(sourceName, "sql_source(): name is the table name the generated SQL reads, so it must be a plain SQL name (a letter or _, then letters, digits or _), not '\(Printable.text(name))'")
        }
        let range = try args.given(sourceFile) ? args.range(sourceFile) : args.range(sourceQuery)
        // Each name and type travels behind a prefix, so a name such as 1 stays text.
        let described = try SQLFiles.table("select 'c:' || column_name as name, 't:' || column_type as type from (describe select * from (\n\(query)\n) as fathom_source)",
                                           context: context, at: range, counted: false, typed: false)
        guard case .table(let t) = described, case .strings(let names)? = t.column("name"), case .strings(let types)? = t.column("type") else {
            throw Diagnostic("sql.engine", "sql_source(): DuckDB did not describe the query's columns", at: range)
        }
        let columns = zip(names, types).map { SQLSourceValue.SQLColumn(name: String($0.dropFirst(2)), type: String($1.dropFirst(2))) }
        return .object(SQLSourceValue(query: query, name: name, columns: columns))
    }

    static let sqlFor = Builtin(
        "sql_for", area: .data,
        parameters: declare(metricArgument, metricArguments),
        returns: "a string: one SQL query (for chisq over two SQL sources, a vector of two)",
        summary: "the SQL a statistic runs over a SQL source",
        doc: "sql_for(ece, s.p, s.y, bins=15) is the query ece(s.p, s.y, bins=15) runs, in the SQL that DuckDB and Apache Spark SQL share (CASE, CAST AS DOUBLE, FLOOR, LEAST, GREATEST, SUM, COUNT, GROUP BY). It reads a table or view named as the source (name=, fathom_source by default): in a warehouse, create that view over the predictions and run the query there. For ece, mce and ace it returns one row per non-empty bin (bin, n, confidence_sum, correct_sum) and a row with a negative bin for each kind of unusable row (−1 NULL, −2 a probability outside [0, 1], −3 a row not summing to 1, −4 a label that is not a class); for failure_rate one row: n, missing, failures; for chisq one row per category: category, n, missing (1 for the group of NULL or NaN).",
        examples: [example + "; sql_for(ece, s.p, s.y, bins=10)"],
        forwardsNamedArguments: true
    ) { args, _ in
        guard case .builtin(let metric) = try args[metricArgument] else { throw args.mismatch(metricArgument, expected: "a builtin: ece, mce, ace, failure_rate or chisq") }
        let bound = try Arguments.bind(metric, positional: try args[metricArguments], named: args.forwarded, callRange: args.callRange)
        guard try hasColumns(bound) else {
            throw args.invalid(metricArguments, "sql_for(): none of the arguments is a column of a SQL source; give columns such as s.p from s = sql_source(…)")
        }
        guard let statistic = statistics[ObjectIdentifier(metric)] else { throw unavailable(bound) }
        let queries = try statistic.plan(bound).queries.map(\.sql)
        return queries.count == 1 ? .string(queries[0]) : .strings(queries)
    }

    /// What a pushed-down statistic sends and how it finishes.
    struct Plan {
        /// The portable queries, each reading its source's name.
        let queries: [(source: SQLSourceValue, sql: String)]
        /// The result from the engine's answers, one table per query.
        let finish: ([Table]) throws -> Value

        init(source: SQLSourceValue, sql: String, finish: @escaping (Table) throws -> Value) {
            queries = [(source, sql)]
            self.finish = { try finish($0[0]) }
        }

        init(queries: [(source: SQLSourceValue, sql: String)], finish: @escaping ([Table]) throws -> Value) {
            self.queries = queries
            self.finish = finish
        }
    }

    /// Which binned calibration error a pushed-down plan finishes with.
    enum CalibrationStatistic { case expected, maximum, average }

    /// The statistics that compute in SQL; each builtin says which it is when it calls run.
    enum Statistic {
        case calibration(CalibrationStatistic)
        case failureRate
        case chisq

        func plan(_ args: Arguments) throws -> Plan {
            switch self {
            case .calibration(let kind): return try calibrationPlan(args, kind)
            case .failureRate: return try failurePlan(args)
            case .chisq: return try chisqPlan(args)
            }
        }
    }

    /// The statistic of each builtin that computes in SQL, for sql_for(metric, …).
    static let statistics: [ObjectIdentifier: Statistic] = [
        ObjectIdentifier(ReliabilityBuiltins.ece): .calibration(.expected),
        ObjectIdentifier(ReliabilityBuiltins.mce): .calibration(.maximum),
        ObjectIdentifier(ReliabilityBuiltins.ace): .calibration(.average),
        ObjectIdentifier(FailureBuiltins.failureRate): .failureRate,
        ObjectIdentifier(ShiftBuiltins.chisq): .chisq,
    ]

    /// The statistic computed in SQL when any of its arguments is a column of a SQL source;
    /// nil when none is (the caller computes in memory).
    static func run(_ args: Arguments, _ context: EvaluationContext, _ statistic: Statistic) throws -> Value? {
        guard try hasColumns(args) else { return nil }
        let plan = try statistic.plan(args)
        let answers = try plan.queries.map { source, sql in
            let query = "with \(source.name) as (\n\(source.query)\n)\n" + sql
            guard case .table(let t) = try SQLFiles.table(query, context: context, at: args.callRange, counted: false, typed: false) else {
                throw Diagnostic("sql.engine", "\(args.builtin.name)(): DuckDB's answer is not a table", at: args.callRange)
            }
            return t
        }
        return try plan.finish(answers)
    }

    /// The refusal of sql_for(metric, …) for a metric that does not compute in SQL.
    static func unavailable(_ args: Arguments) -> Diagnostic {
        Diagnostic("argument.value", "\(args.builtin.name)() does not compute in SQL; ece, mce, ace, failure_rate and chisq do", at: args.callRange,
                   notes: ["load the values with sql(\"select … \") and call \(args.builtin.name)() on them"])
    }

    static func sqlColumns<T>(_ args: Arguments, _ key: ParameterKey<T>) throws -> SQLColumnsValue? {
        if case .object(let o)? = try args.value(key) { return o as? SQLColumnsValue }
        return nil
    }

    /// Whether any argument of the call, whatever its builtin, is a column of a SQL source.
    static func hasColumns(_ args: Arguments) throws -> Bool {
        try args.builtin.parameters.contains { try sqlColumns(args, ParameterKey<Value?>.declared($0)) != nil }
    }

    /// `select(s, "p_*")` on a SQL source: the matching columns, in the source's order.
    static func select(_ source: SQLSourceValue, _ args: Arguments) throws -> Value {
        let chosen = try TableBuiltins.chosenColumns(args, in: source.columns.map(\.name))
        return .object(SQLColumnsValue(source: source, columns: chosen.map { source.columns[$0].name }))
    }

    // MARK: - Checks

    /// The columns given for `key`, which must come from `source` (when given) and be numeric
    /// (or boolean, with `booleans`) with plain names.
    static func columns<T>(_ args: Arguments, _ key: ParameterKey<T>, of source: SQLSourceValue?, what: String, booleans: Bool = false, anyType: Bool = false) throws -> SQLColumnsValue {
        let f = args.builtin.name, name = key.name
        guard let c = try sqlColumns(args, key) else {
            let other = source.map { "\($0.name)" } ?? "a SQL source"
            let given = try args.value(key)?.described ?? "missing"
            throw args.invalid(key, "\(f)(): the other arguments are columns of \(other), so \(name) must be a column of it too (such as s.\(name)), not \(given)",
                               notes: ["a statistic in SQL reads every column from one source; to mix in values from memory, load the source with sql()"])
        }
        if let source, !c.source.isSame(source) {
            throw args.invalid(key, "\(f)(): \(name) is a column of a different SQL source; a statistic in SQL reads one source, so select every column in one query")
        }
        for column in c.columns {
            guard PortableSQL.isPlainIdentifier(column) else {
                throw args.invalid(key, "\(f)(): the column '\(Printable.text(column))' has a name portable SQL cannot write without quotes (which differ between engines)",
                                   notes: ["rename it in the source query: select \"\(Printable.text(column))\" as \(name) …"])
            }
            let type = c.source.column(column)?.type ?? "?"
            if anyType {
                guard isNumeric(type) || ["BOOLEAN", "VARCHAR"].contains(type.uppercased()) else {
                    throw args.invalid(key, "\(f)(): the column '\(column)' of \(c.source.name) is \(type); \(what) are text, numbers or booleans", notes: ["cast it in the source query, e.g. cast(\(column) as varchar)"])
                }
                continue
            }
            guard isNumeric(type) || (booleans && type.uppercased() == "BOOLEAN") else {
                var notes: [String] = []
                if booleans && type.uppercased().hasPrefix("VARCHAR") { notes.append("map text labels to class numbers in the source query: case when \(column) = 'cat' then 0 … end as \(name)") }
                throw args.invalid(key, "\(f)(): the column '\(column)' of \(c.source.name) is \(type); \(what) are numbers\(booleans ? " (or booleans)" : "")", notes: notes)
            }
        }
        return c
    }

    static func isNumeric(_ type: String) -> Bool {
        let t = type.uppercased()
        return ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE"].contains(t) || t.hasPrefix("DECIMAL")
    }

    /// An argument that needs every row (a bootstrap, weights, equal-mass bins): refused on a
    /// SQL source, unless its value is one that computes in SQL.
    struct InMemoryOnly: Sendable {
        let parameter: Parameter
        let why: String
        let inSQL: @Sendable (Value) -> Bool

        init(_ declaration: any ParameterDeclaration, _ why: String, inSQL: @escaping @Sendable (Value) -> Bool = { _ in false }) {
            parameter = declaration.parameter
            self.why = why
            self.inSQL = inSQL
        }
    }

    /// What ece, mce and ace take that is not pushed into SQL, in the order it is refused.
    static let calibrationInMemoryOnly: [InMemoryOnly] = [
        InMemoryOnly(ReliabilityBuiltins.binning, "equal-mass bins need every confidence sorted") { if case .string("width") = $0 { return true } else { return false } },
        InMemoryOnly(ReliabilityBuiltins.mode, "the classwise ECE is not pushed into SQL") { if case .string("top") = $0 { return true } else { return false } },
        InMemoryOnly(ReliabilityBuiltins.weights, "weights are not pushed into SQL"),
        InMemoryOnly(ReliabilityBuiltins.ci, "a bootstrap resamples every row") { if case .bool(false) = $0 { return true } else { return false } },
        InMemoryOnly(ReliabilityBuiltins.boot, "a bootstrap resamples every row"),
        InMemoryOnly(ReliabilityBuiltins.seed, "a bootstrap resamples every row"),
        InMemoryOnly(ClassNames.parameter, "labels in SQL are class numbers"),
    ]

    /// Refuses the arguments of `refused` that the builtin takes and the caller gave.
    static func refuseInMemoryOnly(_ args: Arguments, _ refused: [InMemoryOnly]) throws {
        for r in refused {
            guard let declared = args.builtin.parameters.first(where: { $0.name == r.parameter.name }) else { continue }
            let key = ParameterKey<Value?>.declared(declared)
            guard try args.given(key), let v = try args[key], !v.isNull, !r.inSQL(v) else { continue }
            throw args.invalid(key, "\(args.builtin.name)(): \(key.name)= is not available on a SQL source: \(r.why)", notes: ["load the columns with sql(\"select … \") to compute it in memory"])
        }
    }

    /// "3 of 1000 rows of fathom_source".
    static func share(_ k: Double, _ n: Double, _ source: SQLSourceValue) -> String {
        "\(NumberFormat.short(k, digits: 17)) of \(NumberFormat.short(n, digits: 17)) row\(n == 1 ? "" : "s") of \(source.name)"
    }

    /// Column `name` of the engine's answer as numbers (NULL as NaN).
    static func numbers(_ t: Table, _ name: String) throws -> [Double] {
        switch t.column(name) {
        case .numbers(let v)?: return v
        case .strings(let s)? where s.allSatisfy(\.isEmpty): return s.map { _ in .nan }
        default: throw Diagnostic("sql.engine", "the SQL engine's answer has no numeric column \(name)")
        }
    }

    // MARK: - Calibration

    static func calibrationPlan(_ args: Arguments, _ kind: CalibrationStatistic) throws -> Plan {
        let f = args.builtin.name
        let pKey = ReliabilityBuiltins.p, yKey = ReliabilityBuiltins.y
        let p = try columns(args, pKey, of: try sqlColumns(args, yKey)?.source, what: "probabilities")
        let y = try columns(args, yKey, of: p.source, what: "labels", booleans: true)
        guard y.columns.count == 1 else { throw args.invalid(yKey, "\(f)(): y is \(y.described); the labels are one column") }
        try refuseInMemoryOnly(args, calibrationInMemoryOnly)
        let probabilities: PortableSQL.Probabilities
        if p.columns.count == 1 {
            probabilities = .binary(p.columns[0])
        } else {
            guard p.columns.count <= 1000 else { throw args.invalid(pKey, "\(f)(): p has \(p.columns.count) columns; at most 1000 classes are pushed into SQL") }
            if let named = ClassNames.numbered(p.columns), named != Array(0..<p.columns.count) {
                throw args.invalid(pKey, "\(f)(): the columns of p are named for classes \(named.map(String.init).joined(separator: ", ")) (\(ClassNames.listed(p.columns))), so the numeric labels of y, which are column positions, are ambiguous",
                                   notes: ["put the columns in class order, e.g. select(s, [\(ClassNames.ordered(p.columns).map { "\"\($0)\"" }.joined(separator: ", "))])"])
            }
            probabilities = .classes(p.columns)
        }
        let bins = try args[ReliabilityBuiltins.bins]
        var norm = 1, debias = false
        if kind == .expected {
            norm = try args[ReliabilityBuiltins.norm]
            debias = try args[ReliabilityBuiltins.debias]
            if debias && norm == 1 { throw args.invalid(ReliabilityBuiltins.debias, "ece(): debias=true needs norm=2 (the debiased estimator is for the squared gap)") }
        }
        let sql = PortableSQL.calibrationBins(from: p.source.name, probabilities: probabilities, label: y.columns[0], bins: bins, rowSumTolerance: ProbabilityCheck.rowSumTolerance)
        let k = probabilities.classCount, source = p.source
        return Plan(source: source, sql: sql) { t in
            let bin = try numbers(t, "bin"), n = try numbers(t, "n"), conf = try numbers(t, "confidence_sum"), correct = try numbers(t, "correct_sum")
            var count = [Double](repeating: 0, count: bins), confidenceSum = count, correctSum = count
            var refused: [PortableSQL.Refused: Double] = [:]
            for i in bin.indices {
                let b = Int(exactly: bin[i]) ?? Int.min
                if b >= 0 && b < bins {
                    count[b] = n[i]; confidenceSum[b] = conf[i]; correctSum[b] = correct[i]
                } else if let r = PortableSQL.Refused(rawValue: b) {
                    refused[r] = n[i]
                } else {
                    throw Diagnostic("sql.engine", "\(f)(): the SQL engine answered with bin \(NumberFormat.short(bin[i])), outside 0…\(bins - 1)", at: args.callRange)
                }
            }
            let total = n.reduce(0, +)
            guard total > 0 else { throw args.invalid(pKey, "\(f)(): \(source.name) has no rows; there is nothing to measure") }
            if let m = refused[.missing] {
                throw args.invalid(pKey, "\(f)(): \(share(m, total, source)) have a missing value (NULL) in p or y; a missing probability or label cannot be binned",
                                   notes: ["leave them out in the source query: where … is not null"])
            }
            if let m = refused[.outOfRange] {
                throw args.invalid(pKey, "\(f)(): \(share(m, total, source)) have a probability outside [0, 1] or not a number (NaN, ±∞) in p",
                                   notes: [k == 2 && p.columns.count == 1 ? "if these are scores or logits, apply 1 / (1 + exp(-x)) in the source query" : "if these are logits, turn them into probabilities (softmax) before saving them"])
            }
            if let m = refused[.rowSum] {
                throw args.invalid(pKey, "\(f)(): \(share(m, total, source)) have probabilities that do not sum to 1 (within \(NumberFormat.short(ProbabilityCheck.rowSumTolerance)))")
            }
            if let m = refused[.label] {
                throw args.invalid(yKey, "\(f)(): \(share(m, total, source)) have a label in y that is not a class number 0…\(k - 1)")
            }
            let s = BinStatistics(equalWidthCount: count, confidenceSum: confidenceSum, correctSum: correctSum)
            switch kind {
            case .maximum: return .number(CalibrationError.maximum(s))
            case .average: return .number(CalibrationError.average(s))
            case .expected: return .number(CalibrationError.expected(s, norm: norm, debias: debias))
            }
        }
    }

    // MARK: - Failures

    static func failurePlan(_ args: Arguments) throws -> Plan {
        let lossKey = FailureBuiltins.loss
        let loss = try columns(args, lossKey, of: nil, what: "losses", booleans: true)
        guard loss.columns.count == 1 else { throw args.invalid(lossKey, "failure_rate(): loss is \(loss.described); the loss is one column") }
        let delta = try args[FailureBuiltins.delta]
        guard delta.isFinite else { throw args.invalid(FailureBuiltins.delta, "failure_rate(): on a SQL source δ must be finite, not \(NumberFormat.short(delta))") }
        let level = try args[FailureBuiltins.level] ?? 0.95
        let source = loss.source
        let sql = PortableSQL.failureCounts(from: source.name, loss: loss.columns[0], delta: delta)
        return Plan(source: source, sql: sql) { t in
            let n = try numbers(t, "n").first ?? 0
            guard n > 0 else { throw args.invalid(lossKey, "failure_rate(): \(source.name) has no rows; there is nothing to measure") }
            let missing = (try numbers(t, "missing").first).flatMap { $0.isNaN ? nil : $0 } ?? 0
            if missing > 0 {
                throw args.invalid(lossKey, "failure_rate(): the loss is missing (NULL or NaN) in \(share(missing, n, source)); a missing loss is neither a failure nor a success",
                                   notes: ["count it as you mean to in the source query: leave the row out, or set its loss above δ to count it as a failure"])
            }
            let failures = (try numbers(t, "failures").first).flatMap { $0.isNaN ? nil : $0 } ?? 0
            return FailureBuiltins.rate(failures: Int(failures), n: Int(n), level: level)
        }
    }

    // MARK: - Categories

    /// chisq(a, b) with either sample, or both, a column of a SQL source: its categories are
    /// counted in SQL (NULL and NaN refused with their count), the other's in memory.
    static func chisqPlan(_ args: Arguments) throws -> Plan {
        var queries: [(source: SQLSourceValue, sql: String)] = []
        var sides: [(key: ParameterKey<[String]>, query: Int?, local: [String])] = []
        for key in [ShiftBuiltins.categoriesA, ShiftBuiltins.categoriesB] {
            if try sqlColumns(args, key) != nil {
                let c = try columns(args, key, of: nil, what: "categories", anyType: true)
                guard c.columns.count == 1 else { throw args.invalid(key, "chisq(): \(key.name) is \(c.described); a sample of categories is one column") }
                let type = c.source.column(c.columns[0])?.type.uppercased() ?? ""
                queries.append((c.source, PortableSQL.categoryCounts(from: c.source.name, column: c.columns[0], floating: type == "DOUBLE" || type == "FLOAT")))
                sides.append((key, queries.count - 1, []))
            } else {
                sides.append((key, nil, try args[key]))
            }
        }
        let alpha = try args[ShiftBuiltins.alpha]
        let labels = try args[ShiftBuiltins.labels]
        return Plan(queries: queries) { answers in
            var counts: [[String: Double]] = []
            for side in sides {
                guard let q = side.query else {
                    guard !side.local.isEmpty else { throw args.invalid(side.key, "chisq(): \(side.key.name) is empty") }
                    counts.append(side.local.reduce(into: [:]) { $0[$1, default: 0] += 1 })
                    continue
                }
                let t = answers[q], source = queries[q].source
                let n = try numbers(t, "n"), missing = try numbers(t, "missing")
                let total = n.reduce(0, +)
                guard total > 0 else { throw args.invalid(side.key, "chisq(): \(side.key.name) has no rows in \(source.name)") }
                let absent = zip(n, missing).filter { $1 > 0 }.map(\.0).reduce(0, +)
                if absent > 0 {
                    throw args.invalid(side.key, "chisq(): \(side.key.name) is missing (NULL or NaN) in \(share(absent, total, source))",
                                       notes: ["leave those rows out in the source query, or make them a category of their own: coalesce(…, 'missing')"])
                }
                let keys: [String]
                switch t.column("category") {
                case .strings(let v)?: keys = v
                case .bools(let v)?: keys = v.map { $0 ? "true" : "false" }
                case .numbers(let v)?: keys = v.map { NumberFormat.short($0, digits: 17) }
                case nil: keys = []
                }
                counts.append(Dictionary(zip(keys, n), uniquingKeysWith: +))
            }
            let categories = Sorting.strings(Array(Set(counts[0].keys).union(counts[1].keys)))
            let table = counts.map { side in categories.map { side[$0] ?? 0 } }
            return try ShiftBuiltins.chisqResult(ChiSquareHomogeneity.test(counts: table, categories: categories), args, alpha: alpha, labels: labels)
        }
    }

    /// The query without trailing semicolons and blanks (it goes inside parentheses).
    static func trimmedQuery(_ text: String) -> String {
        var s = Substring(text)
        while let last = s.last, last == ";" || last.isWhitespace { s = s.dropLast() }
        while let first = s.first, first.isWhitespace { s = s.dropFirst() }
        return String(s)
    }
}
