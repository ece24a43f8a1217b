import FathomCore

/// Looking at and reshaping tables.
enum TableBuiltins {
    static var all: [Builtin] {
        [head, tail, describe, columns, nrow, ncol, shape, select, filter, sortBy, split, concat, table, aggregate, asTable, dropMissing]
    }

    static func rows(_ v: Value, _ range: Range<Int>) -> Value {
        switch v {
        case .table(let t): return .table(t.slicingRows(range.clamped(to: 0..<t.rowCount)))
        case .matrix(let m): return .matrix(m.selectingRows(Array(range.clamped(to: 0..<m.rows))))
        case .vector(let c): return .vector(c.slice(range.clamped(to: 0..<c.count)))
        case .list(let l): return .list(Array(l[range.clamped(to: 0..<l.count)]))
        default: return v
        }
    }

    static func count(_ v: Value) -> Int? {
        switch v {
        case .table(let t): return t.rowCount
        case .matrix(let m): return m.rows
        case .vector(let c): return c.count
        case .list(let l): return l.count
        default: return nil
        }
    }

    static let rowsParameters = [
        Parameter("x", "table, matrix, vector or list", doc: "the data"),
        Parameter("n", "whole number", .value(.number(6)), doc: "how many rows"),
    ]

    static let head = Builtin(
        "head", area: .data, parameters: rowsParameters, returns: "the same kind as x",
        summary: "the first rows",
        doc: "head(x, n=6) is the first n rows of a table or matrix, or the first n elements of a vector or list.",
        examples: ["head(seq(100))", "head(randn(50, 3, seed=1), 3)"]
    ) { args, _ in
        let x = try args.required("x")
        guard let total = count(x) else { throw args.mismatch("x", expected: "a table, matrix, vector or list") }
        let n = try args.wholeNumber("n", atLeast: 0)
        return rows(x, 0..<min(n, total))
    }

    static let tail = Builtin(
        "tail", area: .data, parameters: rowsParameters, returns: "the same kind as x",
        summary: "the last rows",
        doc: "tail(x, n=6) is the last n rows of a table or matrix, or the last n elements of a vector or list.",
        examples: ["tail(seq(100), 3)"]
    ) { args, _ in
        let x = try args.required("x")
        guard let total = count(x) else { throw args.mismatch("x", expected: "a table, matrix, vector or list") }
        let n = try args.wholeNumber("n", atLeast: 0)
        return rows(x, max(0, total - n)..<total)
    }

    static let describe = Builtin(
        "describe", area: .data,
        parameters: [Parameter("x", "table, matrix or vector", doc: "the data")],
        returns: "a table, one row per column",
        summary: "summary statistics of each column",
        doc: "describe(t) has one row per column: its kind, how many values are present and missing, and for numbers the mean, standard deviation (ddof=1), minimum, quartiles and maximum of the present values; for text and booleans the number of distinct values and the most frequent one. Missing values are NaN in numeric columns and empty text in text columns.",
        examples: ["describe(load(\"penguins/penguins\"))", "describe(randn(100, 2, seed=1))"]
    ) { args, _ in
        let x = try args.required("x")
        guard let t = DataFiles.asTable(x) else { throw args.mismatch("x", expected: "a table, matrix or vector") }
        return .table(TableOperations.describe(t))
    }

    static let columns = Builtin(
        "columns", area: .data,
        parameters: [Parameter("x", "table or record", doc: "the table")],
        returns: "a vector of strings",
        summary: "column names",
        doc: "columns(t) lists a table's column names in order (a record's field names).",
        examples: ["columns(load(\"digits/test\"))[0:3]"]
    ) { args, _ in
        switch try args.required("x") {
        case .table(let t): return .strings(t.names)
        case .record(let r): return .strings(r.keys)
        case .object(let o): return .strings(o.fieldNames)
        default: throw args.mismatch("x", expected: "a table or a record")
        }
    }

    static let nrow = Builtin(
        "nrow", area: .data, parameters: [Parameter("x", "table, matrix or vector", doc: "the data")], returns: "a number",
        summary: "number of rows",
        doc: "nrow(x) is the number of rows of a table or matrix (the length of a vector).",
        examples: ["nrow(randn(5, 2, seed=1))"]
    ) { args, _ in
        guard let n = count(try args.required("x")) else { throw args.mismatch("x", expected: "a table, matrix or vector") }
        return .number(Double(n))
    }

    static let ncol = Builtin(
        "ncol", area: .data, parameters: [Parameter("x", "table, matrix or vector", doc: "the data")], returns: "a number",
        summary: "number of columns",
        doc: "ncol(x) is the number of columns of a table or matrix (1 for a vector).",
        examples: ["ncol(randn(5, 2, seed=1))"]
    ) { args, _ in
        switch try args.required("x") {
        case .table(let t): return .number(Double(t.columnCount))
        case .matrix(let m): return .number(Double(m.cols))
        case .vector: return .number(1)
        default: throw args.mismatch("x", expected: "a table, matrix or vector")
        }
    }

    static let shape = Builtin(
        "shape", area: .data, parameters: [Parameter("x", "any value", doc: "the value")], returns: "a vector [rows, columns]",
        summary: "rows and columns",
        doc: "shape(x) is [rows, columns] of a matrix or table, [length] of a vector or list, and [] of a number.",
        examples: ["shape(randn(5, 2, seed=1))"]
    ) { args, _ in
        switch try args.required("x") {
        case .table(let t): return .numbers([Double(t.rowCount), Double(t.columnCount)])
        case .matrix(let m): return .numbers([Double(m.rows), Double(m.cols)])
        case .vector(let c): return .numbers([Double(c.count)])
        case .list(let l): return .numbers([Double(l.count)])
        default: return .numbers([])
        }
    }

    /// Column positions matching `pattern`: a glob (`*`, `?`) or an exact name.
    static func matching(_ pattern: String, in names: [String]) -> [Int] {
        names.indices.filter { Glob.matches(pattern, names[$0]) }
    }

    static let select = Builtin(
        "select", area: .data,
        parameters: [
            Parameter("t", "table", doc: "the table"),
            Parameter("columns", "string or vector of strings", doc: "a name, a glob such as \"logit_*\", or a list of names and globs"),
        ],
        returns: "a matrix, columns in table order (in list order for a list)",
        summary: "numeric columns as a matrix",
        doc: "select(t, \"logit_*\") gathers the columns whose names match into an N×k matrix, in the table's column order; a list of names gives that order. The matrix remembers the column names: text labels are matched to probability columns by them (p_cat is the class cat). Globs use * for any run of characters and ? for one. Booleans become 0 and 1; text columns are refused.",
        examples: ["z = select(load(\"digits/mlp-test\"), \"logit_*\")", "select(load(\"penguins/penguins\"), [\"bill_length_mm\", \"bill_depth_mm\"])"]
    ) { args, _ in
        if case .object(let o)? = args.value("t"), let source = o as? SQLSourceValue { return try SQLPushdown.select(source, args) }
        let t = try args.table("t")
        let chosen = try chosenColumns(args, in: t.names)
        var storage = [Double](repeating: 0, count: t.rowCount * chosen.count)
        for (k, j) in chosen.enumerated() {
            let values: [Double]
            switch t.columns[j] {
            case .numbers(let v): values = v
            case .bools(let b): values = b.map { $0 ? 1 : 0 }
            case .strings: throw args.invalid("columns", "select(): column '\(t.names[j])' holds text, not numbers")
            }
            for i in 0..<t.rowCount { storage[i * chosen.count + k] = values[i] }
        }
        return .matrix(Matrix(rows: t.rowCount, cols: chosen.count, storage: storage).named(chosen.map { t.names[$0] }))
    }

    /// The positions of the columns select()'s `columns` names among `names`: in `names` order
    /// for one pattern, in list order for a list.
    static func chosenColumns(_ args: Arguments, in names: [String]) throws -> [Int] {
        let patterns: [String]
        switch try args.required("columns") {
        case .string(let s): patterns = [s]
        case .vector(.strings(let s)): patterns = s
        default: throw args.mismatch("columns", expected: "a column name, a glob, or a list of them")
        }
        var chosen: [Int] = []
        for p in patterns {
            let found = matching(p, in: names)
            if found.isEmpty {
                var notes: [String] = []
                if let hint = Suggestions.note(for: p, in: names) { notes.append(hint) }
                notes.append("the columns are " + names.prefix(10).joined(separator: ", ") + (names.count > 10 ? ", …" : ""))
                throw Diagnostic("argument.value", "select(): no column matches \"\(p)\"", at: args.range("columns"), notes: notes)
            }
            chosen += found.filter { !chosen.contains($0) }
        }
        if patterns.count == 1 { chosen.sort() }
        return chosen
    }

    static let filter = Builtin(
        "filter", area: .data,
        parameters: [Parameter("x", "table, matrix or vector", doc: "the data"), Parameter("mask", "vector of bools", doc: "one per row: keep the true ones")],
        returns: "the same kind as x",
        summary: "rows where a condition holds",
        doc: "filter(t, mask) keeps the rows where mask is true; the same as t[mask]. The mask is usually a comparison of a column: filter(d, d.label == 3).",
        examples: ["v = seq(10); filter(v, v % 2 == 0)"]
    ) { args, _ in
        let x = try args.required("x")
        guard case .vector(.bools(let mask)) = try args.required("mask") else { throw args.mismatch("mask", expected: "a vector of bools, such as d.label == 3") }
        guard let n = count(x) else { throw args.mismatch("x", expected: "a table, matrix or vector") }
        guard mask.count == n else { throw args.invalid("mask", "filter(): the mask has \(mask.count) entries but x has \(n) rows") }
        let keep = mask.indices.filter { mask[$0] }
        switch x {
        case .table(let t): return .table(t.selectingRows(keep))
        case .matrix(let m): return .matrix(m.selectingRows(keep))
        case .vector(let c): return .vector(c.gather(keep))
        case .list(let l): return .list(keep.map { l[$0] })
        default: return x
        }
    }

    static let sortBy = Builtin(
        "sort_by", area: .data,
        parameters: [
            Parameter("t", "table", doc: "the table"),
            Parameter("by", "string or vector of strings", doc: "the column (or columns, first key first)"),
            Parameter("desc", "bool", .value(.bool(false)), doc: "largest first"),
        ],
        returns: "a table",
        summary: "rows in order of columns",
        doc: "sort_by(t, \"col\") orders the rows by a column (several columns break ties in turn). The sort is stable; missing values (NaN, empty text) go last.",
        examples: ["sort_by(load(\"penguins/penguins\"), \"body_mass_g\", desc=true)"]
    ) { args, _ in
        let t = try args.table("t")
        let names: [String]
        switch try args.required("by") {
        case .string(let s): names = [s]
        case .vector(.strings(let s)): names = s
        default: throw args.mismatch("by", expected: "a column name or a list of them")
        }
        let keys = try names.map { n -> Int in
            guard let j = t.index(of: n) else { throw Access.missing("sort_by(): the table has no column '\(n)'", n, t.names, at: args.range("by")) }
            return j
        }
        return .table(t.selectingRows(TableOperations.order(t, by: keys, descending: try args.bool("desc"))))
    }

    static let split = Builtin(
        "split", area: .data,
        parameters: [
            Parameter("x", "table, matrix or vector", doc: "the data"),
            Parameter("fractions", "number or vector", .value(.number(0.8)), doc: "the share of each part; what is left over is one more part"),
            Parameter("seed", "whole number", .absent("the session generator"), doc: "a seed for the shuffle"),
        ],
        returns: "a list of parts",
        summary: "random disjoint parts",
        doc: "split(t, 0.8) shuffles the rows and cuts them into a part of 80% and the rest; split(t, [0.6, 0.2, 0.2]) into three. Part sizes are rounded down except the last, which takes the remainder. Seeded like every random builtin.",
        examples: ["parts = split(seq(10), [0.5, 0.3], seed=1); parts[0]"]
    ) { args, context in
        let x = try args.required("x")
        guard let n = count(x) else { throw args.mismatch("x", expected: "a table, matrix or vector") }
        var fractions = try args.vector("fractions")
        if let bad = fractions.first(where: { !($0 > 0 && $0 <= 1) }) { throw args.invalid("fractions", "split(): each fraction must be in (0, 1], got \(NumberFormat.short(bad))") }
        let total = fractions.reduce(0, +)
        if total > 1 + 1e-12 { throw args.invalid("fractions", "split(): the fractions add up to \(NumberFormat.short(total)), more than 1") }
        if total < 1 - 1e-12 { fractions.append(1 - total) }
        var g = try args.optionalSeed().map { Xoshiro256(seed: $0) }
        let order = g != nil ? try g!.sampleIndices(n, n) : try context.random.sampleIndices(n, n)
        var parts: [Value] = []
        var start = 0
        for (k, f) in fractions.enumerated() {
            let size = k == fractions.count - 1 ? n - start : Int((f * Double(n)).rounded(.down))
            let idx = Array(order[start..<min(n, start + size)])
            start += size
            switch x {
            case .table(let t): parts.append(.table(t.selectingRows(idx)))
            case .matrix(let m): parts.append(.matrix(m.selectingRows(idx)))
            case .vector(let c): parts.append(.vector(c.gather(idx)))
            case .list(let l): parts.append(.list(idx.map { l[$0] }))
            default: break
            }
        }
        return .list(parts)
    }

    static let concat = Builtin(
        "concat", area: .data,
        parameters: [Parameter("parts", "tables, matrices or vectors", doc: "what to stack, of one kind", variadic: true)],
        returns: "the same kind",
        summary: "stack rows",
        doc: "concat(a, b, …) stacks tables with the same column names (matched by name), matrices with the same number of columns, or vectors of one element type, in order. A list of parts can be passed as one argument.",
        examples: ["concat([1, 2], [3])", "concat(randn(2, 3, seed=1), randn(1, 3, seed=2))"]
    ) { args, _ in
        var parts = args.rest
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

    static let table = Builtin(
        "table", area: .data,
        parameters: [Parameter("x", "vector", doc: "values to count")],
        returns: "a table (value, count, share)",
        summary: "counts of each distinct value",
        doc: "table(v) counts each distinct value of v (sorted; missing values counted as their own row) with its share of the total.",
        examples: ["table([\"a\", \"b\", \"a\"])", "table(load(\"penguins/penguins\").species)"]
    ) { args, _ in
        guard case .vector(let c) = try args.required("x") else { throw args.mismatch("x", expected: "a vector") }
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
        parameters: [
            Parameter("t", "table", doc: "the table"),
            Parameter("by", "string", doc: "the column whose values form the groups"),
            Parameter("fn", "builtin", .value(.null), doc: "a summary of a vector, such as mean, sum, sd, min, max or count (default mean)"),
        ],
        returns: "a table: the group, its size n, and fn of every other numeric column",
        summary: "summaries per group",
        doc: "aggregate(t, \"island\", mean) groups the rows by a column and summarises every other numeric column within each group with fn (a builtin taking a vector and returning a number), next to the group's size n. Groups are sorted by their value.",
        examples: ["aggregate(load(\"penguins/penguins\"), \"species\", mean)", "aggregate(load(\"penguins/penguins\"), \"island\", count)"]
    ) { args, context in
        let t = try args.table("t")
        let byName = try args.string("by")
        guard let by = t.index(of: byName) else { throw Access.missing("aggregate(): the table has no column '\(byName)'", byName, t.names, at: args.range("by")) }
        var fn = BuiltinRegistry.standard.builtin(named: "mean")!
        if let f = args.value("fn"), !f.isNull {
            guard case .builtin(let b) = f else { throw args.mismatch("fn", expected: "a builtin such as mean, sum or sd") }
            fn = b
        }
        let groups = TableOperations.groups(t.columns[by])
        var out = Table()
        out.setColumn(byName, t.columns[by].gather(groups.map { $0.rows[0] }), kind: t.kinds[by])
        out.setColumn("n", .numbers(groups.map { Double($0.rows.count) }), kind: .integer)
        for (j, column) in t.columns.enumerated() where j != by {
            guard case .numbers(let v) = column else { continue }
            let values = try groups.map { g -> Double in
                let r = try fn.call([(.numbers(g.rows.map { v[$0] }), args.range("fn"))], named: [], at: args.callRange, context: context)
                guard case .number(let x) = r else {
                    throw args.invalid("fn", "aggregate(): \(fn.name)() returned \(r.described), not a number")
                }
                return x
            }
            out.setColumn(t.names[j], .numbers(values), kind: .float)
        }
        return .table(out)
    }

    static let asTable = Builtin(
        "as_table", area: .data,
        parameters: [
            Parameter("x", "record, matrix, vector or result", doc: "the data, or an analysis result"),
            Parameter("names", "vector of strings", .absent("c0, c1, … for a matrix"), doc: "column names for a matrix"),
        ],
        returns: "a table",
        summary: "make a table",
        doc: "as_table({a: [1, 2], b: [\"x\", \"y\"]}) builds a table from a record of equal-length vectors; as_table(m) makes a matrix's columns into table columns (named c0, c1, … or by names=). as_table(r) gives an analysis result as a table: the rows it is made of (a drift report's columns, a reliability diagram's bins, a backtest's repetitions, a curve's points), or one row of its scalar fields (a test, a forecast, a fit); :help results says which for each kind. save(r, \"r.csv\") and save(r, \"r.parquet\") write that table, so pandas reads it with pd.read_csv or pd.read_parquet. Models, calibrators and plots have no table form.",
        examples: ["as_table({id: seq(3), score: [0.2, 0.9, 0.4]})", "as_table(randn(3, 2, seed=1), names=[\"x\", \"y\"])",
                   "as_table(ks(randn(100, seed=1), randn(100, seed=2) + 0.5))",
                   "z = load(\"digits/mlp-test\"); as_table(reliability(softmax(select(z, \"logit_*\")), z.label))"]
    ) { args, _ in
        let x = try args.required("x")
        var names: [String]?
        if let n = args.value("names"), !n.isNull {
            guard case .vector(.strings(let s)) = n else { throw args.mismatch("names", expected: "a vector of strings") }
            if case .object = x { throw args.invalid("names", "as_table(): names= names a matrix's columns; a result's table has its own column names") }
            names = s
        }
        if let (message, note) = ResultTables.noTableReason(x) { throw args.invalid("x", "as_table(): \(message)", notes: [note]) }
        guard let t = DataFiles.asTable(x, names: names) else {
            if case .matrix(let m) = x, let names { throw args.invalid("names", "as_table(): \(names.count) names for \(m.cols) columns") }
            throw args.mismatch("x", expected: "a record of equal-length vectors, a matrix, a vector or an analysis result")
        }
        return .table(t)
    }

    static let dropMissing = Builtin(
        "drop_missing", area: .data,
        parameters: [
            Parameter("t", "table or vector", doc: "the table (or a vector)"),
            Parameter("columns", "vector of strings", .absent("every column"), doc: "only look for missing values in these"),
        ],
        returns: "a table (a vector for a vector)",
        summary: "rows without missing values",
        doc: "drop_missing(t) keeps the rows that have no missing value (NaN in a numeric column, empty text in a text column); with columns=, only those columns are checked. For a vector, it keeps the values that are not missing.",
        examples: ["nrow(drop_missing(load(\"penguins/penguins\")))", "drop_missing([1, nan, 3])"]
    ) { args, _ in
        switch try args.required("t") {
        case .vector(.numbers(let v)): return .numbers(v.filter { !$0.isNaN })
        case .vector(.strings(let v)): return .strings(v.filter { !$0.isEmpty })
        case .vector(let v): return .vector(v)
        default: break
        }
        let t = try args.table("t")
        var check = Array(t.columns.indices)
        if let c = args.value("columns"), !c.isNull {
            guard case .vector(.strings(let names)) = c else { throw args.mismatch("columns", expected: "a vector of column names") }
            check = try names.map { n in
                guard let j = t.index(of: n) else { throw Access.missing("drop_missing(): the table has no column '\(n)'", n, t.names, at: args.range("columns")) }
                return j
            }
        }
        let keep = (0..<t.rowCount).filter { i in
            check.allSatisfy { j in
                switch t.columns[j] {
                case .numbers(let v): return !v[i].isNaN
                case .strings(let s): return !s[i].isEmpty
                case .bools: return true
                }
            }
        }
        return .table(t.selectingRows(keep))
    }
}

/// Shell-style name patterns: `*` any run of characters, `?` one character.
enum Glob {
    static func matches(_ pattern: String, _ name: String) -> Bool {
        let p = Array(pattern), s = Array(name)
        var pi = 0, si = 0, star = -1, mark = 0
        while si < s.count {
            if pi < p.count, p[pi] == "?" || p[pi] == s[si] { pi += 1; si += 1 }
            else if pi < p.count, p[pi] == "*" { star = pi; mark = si; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; si = mark }
            else { return false }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
