import FathomCore

/// Looking at and reshaping tables: the rows (TableBuiltins+Rows), the columns
/// (TableBuiltins+Columns), summaries (TableBuiltins+Summaries) and building tables
/// (TableBuiltins+Building).
enum TableBuiltins {
    static var all: [Builtin] {
        [head, tail, describe, columns, nrow, ncol, shape, select, filter, sortBy, split, concat, table, aggregate, asTable, dropMissing]
    }

    /// t, the table select, sort_by and aggregate work on.
    static let tableArgument: ParameterKey<Table> = .table("t", doc: "the table")
    /// x, rows of data: describe, nrow, ncol, filter and split take it.
    static let data: ParameterKey<Value> = .value("x", type: "table, matrix or vector", doc: "the data")
    /// x read with its number of rows (the length of a vector).
    static let sizedData = data.reading { args, name -> (Value, Int) in
        let x = try args.required(name)
        guard let n = count(x) else { throw args.mismatch(name, expected: "a table, matrix or vector") }
        return (x, n)
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
}
