import FathomCore

/// Reading parts of values: `r.field`, `t.column`, `v[i]`, `m[i, j]`, `t[mask]`, `s[0:3]`.
enum Access {
    static func member(_ base: Value, _ name: String, at range: SourceRange) throws -> Value {
        switch base {
        case .record(let r):
            if let v = r[name] { return v }
            throw missing("the record has no field '\(name)'", name, r.keys, at: range)
        case .table(let t):
            if let c = t.column(name) { return .vector(c) }
            throw missing("the table has no column '\(name)'", name, t.names, at: range)
        case .object(let o):
            if let v = o.field(name) { return v }
            throw missing("\(o.described) has no field '\(name)'", name, o.fieldNames, at: range)
        default:
            var notes: [String] = []
            switch base {
            case .vector, .matrix, .string, .list: notes.append("for the size, use len(x)")
            default: break
            }
            throw Diagnostic("member.none", "\(base.described) has no fields; '.' reads a record's field or a table's column", at: range, notes: notes)
        }
    }

    static func missing(_ message: String, _ name: String, _ names: [String], at range: SourceRange) -> Diagnostic {
        var notes: [String] = []
        if let hint = Suggestions.note(for: name, in: names) { notes.append(hint) }
        else if !names.isEmpty, names.count <= 12 { notes.append("it has: " + names.joined(separator: ", ")) }
        return Diagnostic("member.unknown", message, at: range, notes: notes)
    }

    static func index(_ base: Value, _ subs: [EvaluatedSubscript], at range: SourceRange) throws -> Value {
        switch base {
        case .vector(let c):
            try expect(subs, 1, "a vector takes one index", at: range)
            switch try Selection.resolve(subs[0], count: c.count, of: base.described) {
            case .one(let i): return element(c, i)
            case .run(let r): return .vector(c.slice(r))
            case .list(let l): return .vector(c.gather(l))
            }
        case .matrix(let m):
            return try matrix(m, subs, base, at: range)
        case .table(let t):
            return try table(t, subs, at: range)
        case .record(let r):
            try expect(subs, 1, "a record takes one index, a field name", at: range)
            guard case .value(.string(let key), let keyRange) = subs[0] else {
                throw Diagnostic("index.type", "a record is indexed by a field name (a string)", at: subs[0].range)
            }
            if let v = r[key] { return v }
            throw missing("the record has no field '\(key)'", key, r.keys, at: keyRange)
        case .list(let l):
            try expect(subs, 1, "a list takes one index", at: range)
            switch try Selection.resolve(subs[0], count: l.count, of: base.described) {
            case .one(let i): return l[i]
            case .run(let r): return .list(Array(l[r]))
            case .list(let idx): return .list(idx.map { l[$0] })
            }
        case .string(let s):
            try expect(subs, 1, "a string takes one index", at: range)
            let chars = Array(s)
            switch try Selection.resolve(subs[0], count: chars.count, of: "a string of \(chars.count) characters") {
            case .one(let i): return .string(String(chars[i]))
            case .run(let r): return .string(String(chars[r]))
            case .list(let idx): return .string(String(idx.map { chars[$0] }))
            }
        default:
            throw Diagnostic("index.none", "cannot index \(base.described)", at: range)
        }
    }

    static func expect(_ subs: [EvaluatedSubscript], _ n: Int, _ message: String, at range: SourceRange) throws {
        if subs.count != n { throw Diagnostic("index.arity", message + ", got \(subs.count)", at: range) }
    }

    static func element(_ c: Column, _ i: Int) -> Value {
        switch c {
        case .numbers(let v): .number(v[i])
        case .bools(let v): .bool(v[i])
        case .strings(let v): .string(v[i])
        }
    }

    static func matrix(_ m: Matrix, _ subs: [EvaluatedSubscript], _ base: Value, at range: SourceRange) throws -> Value {
        guard subs.count == 1 || subs.count == 2 else {
            throw Diagnostic("index.arity", "a matrix takes one index (rows) or two (rows, columns), got \(subs.count)", at: range)
        }
        let rows = try Selection.resolve(subs[0], count: m.rows, of: "the \(m.rows) rows of a \(m.rows)×\(m.cols) matrix")
        if subs.count == 1 {
            if case .one(let i) = rows { return .numbers(m.row(i)) }
            return .matrix(m.selectingRows(rows.indices))
        }
        let cols = try Selection.resolve(subs[1], count: m.cols, of: "the \(m.cols) columns of a \(m.rows)×\(m.cols) matrix")
        switch (rows, cols) {
        case (.one(let i), .one(let j)): return .number(m[i, j])
        case (.one(let i), _): return .numbers(cols.indices.map { m[i, $0] })
        case (_, .one(let j)):
            if case .run(let r) = rows, r == 0..<m.rows { return .numbers(m.column(j)) }
            return .numbers(rows.indices.map { m[$0, j] })
        default:
            return .matrix(m.selectingRows(rows.indices).selectingColumns(cols.indices))
        }
    }

    static func table(_ t: Table, _ subs: [EvaluatedSubscript], at range: SourceRange) throws -> Value {
        guard subs.count == 1 || subs.count == 2 else {
            throw Diagnostic("index.arity", "a table takes one index (rows or column names) or two (rows, columns), got \(subs.count)", at: range)
        }
        if subs.count == 1 {
            if let named = try columns(t, subs[0]) {
                if case .value(.string, _) = subs[0] { return .vector(t.columns[named[0]]) }
                return .table(t.selectingColumns(named))
            }
            let rows = try Selection.resolve(subs[0], count: t.rowCount, of: "the \(t.rowCount) rows of the table")
            return rowsOf(t, rows)
        }
        let rows = try Selection.resolve(subs[0], count: t.rowCount, of: "the \(t.rowCount) rows of the table")
        let picked = rowsOf(t, rows)
        let colIdx: [Int]
        if let named = try columns(t, subs[1]) {
            colIdx = named
            if case .value(.string, _) = subs[1] {
                if case .record(let r) = picked { return r[t.names[named[0]]] ?? .null }
                if case .table(let sub) = picked { return .vector(sub.columns[named[0]]) }
            }
        } else {
            let cols = try Selection.resolve(subs[1], count: t.columnCount, of: "the \(t.columnCount) columns of the table")
            if case .one(let j) = cols {
                if case .record(let r) = picked { return r[t.names[j]] ?? .null }
                if case .table(let sub) = picked { return .vector(sub.columns[j]) }
            }
            colIdx = cols.indices
        }
        switch picked {
        case .record(let r): return .record(Record(colIdx.map { (t.names[$0], r[t.names[$0]] ?? .null) }))
        case .table(let sub): return .table(sub.selectingColumns(colIdx))
        default: return picked
        }
    }

    /// Column positions when the subscript names columns (a string or strings), else nil.
    static func columns(_ t: Table, _ s: EvaluatedSubscript) throws -> [Int]? {
        guard case .value(let v, let range) = s else { return nil }
        let names: [String]
        switch v {
        case .string(let n): names = [n]
        case .vector(.strings(let ns)): names = ns
        default: return nil
        }
        return try names.map { n in
            guard let i = t.index(of: n) else { throw missing("the table has no column '\(n)'", n, t.names, at: range) }
            return i
        }
    }

    static func rowsOf(_ t: Table, _ rows: Selection) -> Value {
        switch rows {
        case .one(let i):
            return .record(Record(zip(t.names, t.columns).map { ($0, element($1, i)) }))
        case .run(let r):
            return .table(t.slicingRows(r))
        case .list(let l):
            return .table(t.selectingRows(l))
        }
    }
}
