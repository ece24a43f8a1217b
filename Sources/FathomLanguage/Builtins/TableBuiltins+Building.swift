import FathomCore

/// Making tables: stacking parts, and a table from a record, a matrix or a result.
extension TableBuiltins {
    static let parts: ParameterKey<PositionalArguments> = .variadic("parts", type: "tables, matrices or vectors", doc: "what to stack, of one kind")
    static let convertible: ParameterKey<Value> = .value("x", type: "record, matrix, vector or result", doc: "the data, or an analysis result")
    static let columnNames: ParameterKey<[String]?> = .optionalStrings("names", absent: "c0, c1, … for a matrix", doc: "column names for a matrix", expected: "a vector of strings")

    static let concat = Builtin(
        "concat", area: .data,
        parameters: declare(parts),
        returns: "the same kind",
        summary: "stack rows",
        doc: "concat(a, b, …) stacks tables with the same column names (matched by name), matrices with the same number of columns, or vectors of one element type, in order. A list of parts can be passed as one argument.",
        examples: ["concat([1, 2], [3])", "concat(randn(2, 3, seed=1), randn(1, 3, seed=2))"]
    ) { args, _ in
        var parts = try args[parts]
        if parts.count == 1, case .list(let l) = parts[0].0 { parts = l.map { ($0, parts[0].1) } }
        guard let (first, firstRange) = parts.first else { throw Diagnostic("call.missing-argument", "concat() needs at least one part", at: args.callRange) }
        switch first {
        case .table(let t0):
            var columns = t0.columns
            for (v, r) in parts.dropFirst() {
                guard case .table(let t) = v else { throw Diagnostic("argument.type", "concat() expects tables like the first part, got \(v.described)", at: r) }
                guard Set(t.names) == Set(t0.names) else {
                    let missing = Set(t0.names).symmetricDifference(t.names).sorted()
                    throw Diagnostic("argument.value", "concat(): the tables' columns differ (\(missing.prefix(5).joined(separator: ", ")))", at: r)
                }
                for j in columns.indices {
                    let other = t.column(t0.names[j])!
                    switch (columns[j], other) {
                    case (.numbers(let a), .numbers(let b)): columns[j] = .numbers(a + b)
                    case (.strings(let a), .strings(let b)): columns[j] = .strings(a + b)
                    case (.bools(let a), .bools(let b)): columns[j] = .bools(a + b)
                    default: throw Diagnostic("argument.value", "concat(): column '\(t0.names[j])' holds \(columns[j].elementName)s in one table and \(other.elementName)s in another", at: r)
                    }
                }
            }
            var out = Table()
            for j in columns.indices { out.setColumn(t0.names[j], columns[j], kind: t0.kinds[j]) }
            return .table(out)
        case .matrix(let m0):
            var storage = m0.storage
            var rows = m0.rows
            for (v, r) in parts.dropFirst() {
                guard case .matrix(let m) = v, m.cols == m0.cols else {
                    throw Diagnostic("argument.value", "concat() expects matrices with \(m0.cols) columns like the first, got \(v.described)", at: r)
                }
                storage += m.storage
                rows += m.rows
            }
            return .matrix(Matrix(rows: rows, cols: m0.cols, storage: storage))
        case .vector, .number, .string, .bool:
            var values: [Value] = []
            for (v, r) in parts {
                switch v {
                case .vector(let c): values += (0..<c.count).map { Access.element(c, $0) }
                case .number, .string, .bool: values.append(v)
                default: throw Diagnostic("argument.type", "concat() expects vectors like the first part, got \(v.described)", at: r)
                }
            }
            let joined = try ArrayLiteral.build(values, values.map { _ in firstRange }, at: args.callRange, limit: Int.max)
            if case .list = joined, !values.isEmpty { throw Diagnostic("argument.value", "concat(): the vectors hold different kinds of elements", at: args.callRange) }
            return joined
        default:
            throw Diagnostic("argument.type", "concat() stacks tables, matrices or vectors, not \(first.described)", at: firstRange)
        }
    }

    static let asTable = Builtin(
        "as_table", area: .data,
        parameters: declare(convertible, columnNames),
        returns: "a table",
        summary: "make a table",
        doc: "as_table({a: [1, 2], b: [\"x\", \"y\"]}) builds a table from a record of equal-length vectors; as_table(m) makes a matrix's columns into table columns (named c0, c1, … or by names=). as_table(r) gives an analysis result as a table: the rows it is made of (a drift report's columns, a reliability diagram's bins, a backtest's repetitions, a curve's points), or one row of its scalar fields (a test, a forecast, a fit); :help results says which for each kind. save(r, \"r.csv\") and save(r, \"r.parquet\") write that table, so pandas reads it with pd.read_csv or pd.read_parquet. Models, calibrators and plots have no table form.",
        examples: ["as_table({id: seq(3), score: [0.2, 0.9, 0.4]})", "as_table(randn(3, 2, seed=1), names=[\"x\", \"y\"])",
                   "as_table(ks(randn(100, seed=1), randn(100, seed=2) + 0.5))",
                   "z = load(\"digits/mlp-test\"); as_table(reliability(softmax(select(z, \"logit_*\")), z.label))"]
    ) { args, _ in
        let x = try args[convertible]
        let names = try args[columnNames]
        if names != nil, case .object = x { throw args.invalid(columnNames, "as_table(): names= names a matrix's columns; a result's table has its own column names") }
        if let (message, note) = ResultTables.noTableReason(x) { throw args.invalid(convertible, "as_table(): \(message)", notes: [note]) }
        guard let t = DataFiles.asTable(x, names: names) else {
            if case .matrix(let m) = x, let names { throw args.invalid(columnNames, "as_table(): \(NumberFormat.count(names.count, "name")) for \(NumberFormat.count(m.cols, "column"))") }
            if case .record(let r) = x, let problem = DataFiles.recordProblem(r) { throw args.invalid(convertible, "as_table(): \(problem)") }
            throw args.mismatch(convertible, expected: "a record of equal-length vectors, a matrix, a vector or an analysis result")
        }
        return .table(t)
    }
}
