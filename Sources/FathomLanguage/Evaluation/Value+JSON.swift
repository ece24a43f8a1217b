import FathomCore

extension Value {
    /// The value as JSON, numbers at full precision: vectors are arrays, matrices arrays of
    /// rows, tables objects of columns, records objects.
    public func json() -> JSONValue {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let x): return .number(x)
        case .string(let s): return .string(s)
        case .vector(let c): return Value.json(c)
        case .matrix(let m):
            return .array((0..<m.rows).map { i in .array(m.row(i).map { .number($0) }) })
        case .table(let t):
            return .object(zip(t.names, t.columns).map { ($0, Value.json($1)) })
        case .record(let r): return .object(r.pairs.map { ($0, $1.json()) })
        case .list(let l): return .array(l.map { $0.json() })
        case .builtin(let b): return .object([("builtin", .string(b.name))])
        case .object(let o): return o.json()
        }
    }

    static func json(_ c: Column) -> JSONValue {
        switch c {
        case .numbers(let v): .array(v.map { .number($0) })
        case .bools(let v): .array(v.map { .bool($0) })
        case .strings(let v): .array(v.map { .string($0) })
        }
    }
}
