import FathomCore

/// What data holds: its size, each column's statistics, counts of values, and summaries per
/// group.
extension TableBuiltins {
    static let countedValues = ParameterKey(Parameter("x", "vector", doc: "values to count")) { args, name -> Column in
        guard case .vector(let c) = try args.required(name) else { throw args.mismatch(name, expected: "a vector") }
        return c
    }
    static let groupColumn: ParameterKey<String> = .string("by", doc: "the column whose values form the groups")
    static let groupSummary = ParameterKey(Parameter("fn", "builtin", .value(.null), doc: "a summary of a vector, such as mean, sum, sd, min, max or count (default mean)")) { args, name -> Builtin? in
        guard let f = args.value(name), !f.isNull else { return nil }
        guard case .builtin(let b) = f else { throw args.mismatch(name, expected: "a builtin such as mean, sum or sd") }
        return b
    }

    static let describe = Builtin(
        "describe", area: .data,
        parameters: declare(data),
        returns: "a table, one row per column",
        summary: "summary statistics of each column",
        doc: "describe(t) has one row per column: its kind, how many values are present and missing, and for numbers the mean, standard deviation (ddof=1), minimum, quartiles and maximum of the present values; for text and booleans the number of distinct values and the most frequent one. Missing values are NaN in numeric columns and empty text in text columns.",
        examples: ["describe(load(\"penguins/penguins\"))", "describe(randn(100, 2, seed=1))"]
    ) { args, _ in
        guard let t = DataFiles.asTable(try args[data]) else { throw args.mismatch(data, expected: "a table, matrix or vector") }
        return .table(TableOperations.describe(t))
    }

    static let nrow = Builtin(
        "nrow", area: .data, parameters: declare(data), returns: "a number",
        summary: "number of rows",
        doc: "nrow(x) is the number of rows of a table or matrix (the length of a vector).",
        examples: ["nrow(randn(5, 2, seed=1))"]
    ) { args, _ in
        .number(Double(try args[sizedData].1))
    }

    static let ncol = Builtin(
        "ncol", area: .data, parameters: declare(data), returns: "a number",
        summary: "number of columns",
        doc: "ncol(x) is the number of columns of a table or matrix (1 for a vector).",
        examples: ["ncol(randn(5, 2, seed=1))"]
    ) { args, _ in
        switch try args[data] {
        case .table(let t): return .number(Double(t.columnCount))
        case .matrix(let m): return .number(Double(m.cols))
        case .vector: return .number(1)
        default: throw args.mismatch(data, expected: "a table, matrix or vector")
        }
    }

    static let shape = Builtin(
        "shape", area: .data, parameters: declare(SessionBuiltins.anyValue), returns: "a vector [rows, columns]",
        summary: "rows and columns",
        doc: "shape(x) is [rows, columns] of a matrix or table, [length] of a vector or list, and [] of a number.",
        examples: ["shape(randn(5, 2, seed=1))"]
    ) { args, _ in
        switch try args[SessionBuiltins.anyValue] {
        case .table(let t): return .numbers([Double(t.rowCount), Double(t.columnCount)])
        case .matrix(let m): return .numbers([Double(m.rows), Double(m.cols)])
        case .vector(let c): return .numbers([Double(c.count)])
        case .list(let l): return .numbers([Double(l.count)])
        default: return .numbers([])
        }
    }

    static let table = Builtin(
        "table", area: .data,
        parameters: declare(countedValues),
        returns: "a table (value, count, share)",
        summary: "counts of each distinct value",
        doc: "table(v) counts each distinct value of v (sorted; missing values counted as their own row) with its share of the total.",
        examples: ["table([\"a\", \"b\", \"a\"])", "table(load(\"penguins/penguins\").species)"]
    ) { args, _ in
        let c = try args[countedValues]
        let groups = TableOperations.groups(c)
        let keys = c.gather(groups.map { $0.rows[0] })
        let counts = groups.map { Double($0.rows.count) }
        var t = Table()
        t.setColumn("value", keys)
        t.setColumn("count", .numbers(counts), kind: .integer)
        t.setColumn("share", .numbers(counts.map { $0 / Double(max(1, c.count)) }), kind: .float)
        return .table(t)
    }

    static let aggregate = Builtin(
        "aggregate", area: .data,
        parameters: declare(tableArgument, groupColumn, groupSummary),
        returns: "a table: the group, its size n, and fn of every other numeric column",
        summary: "summaries per group",
        doc: "aggregate(t, \"island\", mean) groups the rows by a column and summarises every other numeric column within each group with fn (a builtin taking a vector and returning a number), next to the group's size n. Groups are sorted by their value.",
        examples: ["aggregate(load(\"penguins/penguins\"), \"species\", mean)", "aggregate(load(\"penguins/penguins\"), \"island\", count)"]
    ) { args, context in
        let t = try args[tableArgument]
        let byName = try args[groupColumn]
        guard let by = t.index(of: byName) else { throw Access.missing("aggregate(): the table has no column '\(byName)'", byName, t.names, at: try args.range(groupColumn)) }
        let fn = try args[groupSummary] ?? BuiltinRegistry.standard.builtin(named: "mean")!
        let fnRange = try args.range(groupSummary)
        let groups = TableOperations.groups(t.columns[by])
        var out = Table()
        out.setColumn(byName, t.columns[by].gather(groups.map { $0.rows[0] }), kind: t.kinds[by])
        out.setColumn("n", .numbers(groups.map { Double($0.rows.count) }), kind: .integer)
        for (j, column) in t.columns.enumerated() where j != by {
            guard case .numbers(let v) = column else { continue }
            let values = try groups.map { g -> Double in
                let r = try fn.call([(.numbers(g.rows.map { v[$0] }), fnRange)], named: [], at: args.callRange, context: context)
                guard case .number(let x) = r else {
                    throw args.invalid(groupSummary, "aggregate(): \(fn.name)() returned \(r.described), not a number")
                }
                return x
            }
            out.setColumn(t.names[j], .numbers(values), kind: .float)
        }
        return .table(out)
    }
}
