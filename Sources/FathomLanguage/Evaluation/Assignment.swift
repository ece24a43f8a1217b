import FathomCore

extension Interpreter {
    /// Stores `value` at `target` (a name, or a name followed by `.field` and `[index]` steps)
    /// and returns the name of the variable that changed. On error nothing changes.
    func assign(_ value: Value, to target: Expr) throws -> String {
        var steps: [Update.Step] = []
        var node = target
        while true {
            switch node.kind {
            case .name(let root):
                steps.reverse()
                if steps.isEmpty {
                    variables[root] = value
                    return root
                }
                guard var base = variables.removeValue(forKey: root) else {
                    if lookup(root) != nil {
                        throw Diagnostic("assign.not-variable", "'\(root)' is not a variable; assign it first (\(root) = ...)", at: node.range)
                    }
                    _ = try resolve(root, at: node.range)
                    throw Diagnostic("name.unknown", "unknown name '\(root)'", at: node.range)
                }
                do {
                    base = try Update.set(value, in: base, steps[...], context: context)
                } catch {
                    variables[root] = base
                    throw error
                }
                variables[root] = base
                return root
            case .member(let b, let name, let range):
                steps.append(.member(name, range))
                node = b
            case .index(let b, let subs):
                steps.append(.index(try evaluateSubscripts(subs), node.range))
                node = b
            default:
                throw Diagnostic("syntax.bad-assignment-target", "cannot assign to this expression", at: node.range)
            }
        }
    }
}

/// Writing parts of values: the inverse of ``Access``.
enum Update {
    enum Step {
        case member(String, SourceRange)
        case index([EvaluatedSubscript], SourceRange)
    }

    static func set(_ new: Value, in base: Value, _ steps: ArraySlice<Step>, context: EvaluationContext) throws -> Value {
        guard let first = steps.first else { return new }
        if steps.count == 1 { return try setDirect(new, in: base, first, context: context) }
        let child: Value
        switch first {
        case .member(let name, let range): child = try Access.member(base, name, at: range)
        case .index(let subs, let range): child = try Access.index(base, subs, at: range)
        }
        let updated = try set(new, in: child, steps.dropFirst(), context: context)
        return try setDirect(updated, in: base, first, context: context)
    }

    static func setDirect(_ new: Value, in base: Value, _ step: Step, context: EvaluationContext) throws -> Value {
        switch (base, step) {
        case (.record(var r), .member(let name, let range)):
            r[name] = new
            try Nesting.check(.record(r), at: range, limit: context.maxElements)
            return .record(r)
        case (.table(var t), .member(let name, let range)):
            t.setColumn(name, try column(new, rows: t.rowCount, tableIsEmpty: t.columnCount == 0, at: range))
            return .table(t)
        case (.record(var r), .index(let subs, let range)):
            guard subs.count == 1, case .value(.string(let key), _) = subs[0] else {
                throw Diagnostic("index.type", "a record is indexed by a field name (a string)", at: range)
            }
            r[key] = new
            try Nesting.check(.record(r), at: range, limit: context.maxElements)
            return .record(r)
        case (.table(var t), .index(let subs, let range)):
            guard subs.count == 1, case .value(.string(let name), _) = subs[0] else {
                throw Diagnostic("assign.table-cell", "set a table's column with t[\"name\"] = vector; to change some rows write t.column[rows] = values", at: range)
            }
            t.setColumn(name, try column(new, rows: t.rowCount, tableIsEmpty: t.columnCount == 0, at: range))
            return .table(t)
        case (.vector(let c), .index(let subs, let range)):
            guard subs.count == 1 else { throw Diagnostic("index.arity", "a vector takes one index, got \(subs.count)", at: range) }
            let sel = try Selection.resolve(subs[0], count: c.count, of: base.described)
            return .vector(try put(new, into: c, at: sel.indices, range: range))
        case (.matrix(var m), .index(let subs, let range)):
            guard subs.count == 1 || subs.count == 2 else {
                throw Diagnostic("index.arity", "a matrix takes one index (rows) or two (rows, columns), got \(subs.count)", at: range)
            }
            let rows = try Selection.resolve(subs[0], count: m.rows, of: "the \(m.rows) rows of a \(m.rows)×\(m.cols) matrix").indices
            let cols = subs.count == 2 ? try Selection.resolve(subs[1], count: m.cols, of: "the \(m.cols) columns of a \(m.rows)×\(m.cols) matrix").indices : Array(0..<m.cols)
            let n = rows.count * cols.count
            let source: [Double]
            switch new {
            case .number(let x): source = [Double](repeating: x, count: n)
            case .vector(.numbers(let v)) where v.count == n: source = v
            case .vector(.numbers(let v)) where v.count == cols.count: source = Array(repeating: v, count: rows.count).flatMap { $0 }
            case .matrix(let src) where src.rows == rows.count && src.cols == cols.count: source = src.storage
            default:
                throw Diagnostic("assign.shape", "cannot put \(new.described) into \(rows.count)×\(cols.count) matrix cells", at: range)
            }
            var k = 0
            for i in rows { for j in cols { m[i, j] = source[k]; k += 1 } }
            return .matrix(m)
        case (.list(var l), .index(let subs, let range)):
            guard subs.count == 1, case .one(let i) = try Selection.resolve(subs[0], count: l.count, of: base.described) else {
                throw Diagnostic("assign.list", "replace one list element at a time: l[i] = value", at: range)
            }
            l[i] = new
            try Nesting.check(.list(l), at: range, limit: context.maxElements)
            return .list(l)
        case (_, .member(_, let range)), (_, .index(_, let range)):
            throw Diagnostic("assign.unsupported", "cannot change part of \(base.described)", at: range)
        }
    }

    /// A table column from a vector of the table's length, or one value repeated.
    static func column(_ v: Value, rows: Int, tableIsEmpty: Bool, at range: SourceRange) throws -> Column {
        switch v {
        case .number(let x): return .numbers([Double](repeating: x, count: rows))
        case .bool(let b): return .bools([Bool](repeating: b, count: rows))
        case .string(let s): return .strings([String](repeating: s, count: rows))
        case .vector(let c):
            guard tableIsEmpty || c.count == rows else {
                throw Diagnostic("assign.shape", "a new column needs \(NumberFormat.count(rows, "value")), one per row; got \(c.count)", at: range)
            }
            return c
        default:
            throw Diagnostic("assign.type", "a table column must be a vector or one value to repeat, got \(v.described)", at: range)
        }
    }

    /// `c` with the elements at `indices` replaced by `new` (one value, repeated, or one per
    /// index), keeping the vector's element type.
    static func put(_ new: Value, into c: Column, at indices: [Int], range: SourceRange) throws -> Column {
        func values<T>(_ one: T?, _ many: [T]?) throws -> [T] {
            if let one { return [T](repeating: one, count: indices.count) }
            if let many, many.count == indices.count { return many }
            if let many {
                throw Diagnostic("assign.shape", "cannot put \(NumberFormat.count(many.count, "value")) into \(NumberFormat.count(indices.count, "position"))", at: range)
            }
            throw Diagnostic("assign.type", "cannot put \(new.described) into a vector of \(c.elementName)s", at: range)
        }
        switch c {
        case .numbers(var v):
            var one: Double?, many: [Double]?
            switch new {
            case .number(let x): one = x
            case .vector(.numbers(let xs)): many = xs
            default: break
            }
            for (k, x) in try values(one, many).enumerated() { v[indices[k]] = x }
            return .numbers(v)
        case .bools(var v):
            var one: Bool?, many: [Bool]?
            switch new {
            case .bool(let x): one = x
            case .vector(.bools(let xs)): many = xs
            default: break
            }
            for (k, x) in try values(one, many).enumerated() { v[indices[k]] = x }
            return .bools(v)
        case .strings(var v):
            var one: String?, many: [String]?
            switch new {
            case .string(let x): one = x
            case .vector(.strings(let xs)): many = xs
            default: break
            }
            for (k, x) in try values(one, many).enumerated() { v[indices[k]] = x }
            return .strings(v)
        }
    }
}
