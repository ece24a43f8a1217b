import FathomCore

/// Choosing and ordering rows: the first and last, those a mask keeps, sorted, shuffled into
/// parts, and those without missing values.
extension TableBuiltins {
    static let rowsSource: ParameterKey<Value> = .value("x", type: "table, matrix, vector or list", doc: "the data")
    /// x read with its number of rows (elements of a vector or list).
    static let sizedRows = rowsSource.reading { args, name -> (Value, Int) in
        let x = try args.required(name)
        guard let total = count(x) else { throw args.mismatch(name, expected: "a table, matrix, vector or list") }
        return (x, total)
    }
    static let rowCount: ParameterKey<Int> = .wholeNumber("n", default: 6, atLeast: 0, doc: "how many rows")
    static let mask = ParameterKey(Parameter("mask", "vector of bools", doc: "one per row: keep the true ones")) { args, name -> [Bool] in
        guard case .vector(.bools(let mask)) = try args.required(name) else { throw args.mismatch(name, expected: "a vector of bools, such as d.label == 3") }
        return mask
    }
    static let sortKeys: ParameterKey<[String]> = .names("by", doc: "the column (or columns, first key first)", expected: "a column name or a list of them")
    static let descending: ParameterKey<Bool> = .bool("desc", default: false, doc: "largest first")
    static let fractions: ParameterKey<[Double]> = .vector("fractions", .value(.number(0.8)), type: "number or vector", doc: "the share of each part; what is left over is one more part")
    static let shuffleSeed: ParameterKey<UInt64?> = .seed(absent: "the session generator", doc: "a seed for the shuffle")
    static let dropSource: ParameterKey<Table> = .table("t", type: "table or vector", doc: "the table (or a vector)")
    static let checkedColumns: ParameterKey<[String]?> = .optionalStrings("columns", absent: "every column", doc: "only look for missing values in these", expected: "a vector of column names")

    static let rowsParameters = declare(rowsSource, rowCount)

    static let head = Builtin(
        "head", area: .data, parameters: rowsParameters, returns: "the same kind as x",
        summary: "the first rows",
        doc: "head(x, n=6) is the first n rows of a table or matrix, or the first n elements of a vector or list.",
        examples: ["head(seq(100))", "head(randn(50, 3, seed=1), 3)"]
    ) { args, _ in
        let (x, total) = try args[sizedRows]
        let n = try args[rowCount]
        return rows(x, 0..<min(n, total))
    }

    static let tail = Builtin(
        "tail", area: .data, parameters: rowsParameters, returns: "the same kind as x",
        summary: "the last rows",
        doc: "tail(x, n=6) is the last n rows of a table or matrix, or the last n elements of a vector or list.",
        examples: ["tail(seq(100), 3)"]
    ) { args, _ in
        let (x, total) = try args[sizedRows]
        let n = try args[rowCount]
        return rows(x, max(0, total - n)..<total)
    }

    static let filter = Builtin(
        "filter", area: .data,
        parameters: declare(data, mask),
        returns: "the same kind as x",
        summary: "rows where a condition holds",
        doc: "filter(t, mask) keeps the rows where mask is true; the same as t[mask]. The mask is usually a comparison of a column: filter(d, d.label == 3).",
        examples: ["v = seq(10); filter(v, v % 2 == 0)"]
    ) { args, _ in
        let x = try args[data]
        let mask = try args[mask]
        guard let n = count(x) else { throw args.mismatch(data, expected: "a table, matrix or vector") }
        guard mask.count == n else { throw args.invalid(TableBuiltins.mask, "filter(): the mask has \(mask.count) entries but x has \(NumberFormat.count(n, "row"))") }
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
        parameters: declare(tableArgument, sortKeys, descending),
        returns: "a table",
        summary: "rows in order of columns",
        doc: "sort_by(t, \"col\") orders the rows by a column (several columns break ties in turn). The sort is stable; missing values (NaN, empty text) go last.",
        examples: ["sort_by(load(\"penguins/penguins\"), \"body_mass_g\", desc=true)"]
    ) { args, _ in
        let t = try args[tableArgument]
        let names = try args[sortKeys]
        let at = try args.range(sortKeys)
        let keys = try names.map { n -> Int in
            guard let j = t.index(of: n) else { throw Access.missing("sort_by(): the table has no column '\(n)'", n, t.names, at: at) }
            return j
        }
        return .table(t.selectingRows(TableOperations.order(t, by: keys, descending: try args[descending])))
    }

    static let split = Builtin(
        "split", area: .data,
        parameters: declare(data, fractions, shuffleSeed),
        returns: "a list of parts",
        summary: "random disjoint parts",
        doc: "split(t, 0.8) shuffles the rows and cuts them into a part of 80% and the rest; split(t, [0.6, 0.2, 0.2]) into three. Part sizes are rounded down except the last, which takes the remainder. Seeded like every random builtin.",
        examples: ["parts = split(seq(10), [0.5, 0.3], seed=1); parts[0]"]
    ) { args, context in
        let (x, n) = try args[sizedData]
        var fractions = try args[fractions]
        if let bad = fractions.first(where: { !($0 > 0 && $0 <= 1) }) { throw args.invalid(TableBuiltins.fractions, "split(): each fraction must be in (0, 1], got \(NumberFormat.short(bad))") }
        let total = fractions.reduce(0, +)
        if total > 1 + 1e-12 { throw args.invalid(TableBuiltins.fractions, "split(): the fractions add up to \(NumberFormat.short(total)), more than 1") }
        if total < 1 - 1e-12 { fractions.append(1 - total) }
        let order = try context.withGenerator(seed: try args[shuffleSeed]) { try $0.sampleIndices(n, n) }
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

    static let dropMissing = Builtin(
        "drop_missing", area: .data,
        parameters: declare(dropSource, checkedColumns),
        returns: "a table (a vector for a vector)",
        summary: "rows without missing values",
        doc: "drop_missing(t) keeps the rows that have no missing value (NaN in a numeric column, empty text in a text column); with columns=, only those columns are checked. For a vector, it keeps the values that are not missing.",
        examples: ["nrow(drop_missing(load(\"penguins/penguins\")))", "drop_missing([1, nan, 3])"]
    ) { args, _ in
        switch try args.required(dropSource) {
        case .vector(.numbers(let v)): return .numbers(v.filter { !$0.isNaN })
        case .vector(.strings(let v)): return .strings(v.filter { !$0.isEmpty })
        case .vector(let v): return .vector(v)
        default: break
        }
        let t = try args[dropSource]
        var check = Array(t.columns.indices)
        if let names = try args[checkedColumns] {
            let at = try args.range(checkedColumns)
            check = try names.map { n in
                guard let j = t.index(of: n) else { throw Access.missing("drop_missing(): the table has no column '\(n)'", n, t.names, at: at) }
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
