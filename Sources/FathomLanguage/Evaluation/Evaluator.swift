import FathomCore

extension Interpreter {
    /// Evaluates an expression to a value.
    public func evaluate(_ expr: Expr) throws -> Value {
        switch expr.kind {
        case .number(let x): return .number(x)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .null: return .null
        case .name(let name): return try resolve(name, at: expr.range)
        case .array(let items): return try array(items, at: expr.range)
        case .record(let fields): return try record(fields, at: expr.range)
        case .unary(let op, let operand):
            let v = try Operators.unary(op, try evaluate(operand), at: expr.range)
            try Interruption.check()
            return v
        case .binary(.and, let l, let r), .binary(.or, let l, let r):
            return try logical(expr, l, r)
        case .binary(let op, let l, let r):
            let a = try evaluate(l), b = try evaluate(r)
            let v = try Operators.binary(op, a, b, at: expr.range, context: context)
            try Interruption.check()
            return v
        case .call(let callee, let arguments):
            return try call(callee, arguments, piped: nil, at: expr.range)
        case .pipe(let lhs, let rhs):
            let input = try evaluate(lhs)
            if case .call(let callee, let arguments) = rhs.kind {
                return try call(callee, arguments, piped: (input, lhs.range), at: expr.range)
            }
            return try call(rhs, [], piped: (input, lhs.range), at: expr.range)
        case .member(let base, let name, let nameRange):
            return try Access.member(try evaluate(base), name, at: nameRange)
        case .index(let base, let subscripts):
            let target = try evaluate(base)
            return try Access.index(target, try evaluateSubscripts(subscripts), at: expr.range)
        }
    }

    func resolve(_ name: String, at range: SourceRange) throws -> Value {
        if let v = lookup(name) { return v }
        var notes: [String] = []
        if let hint = Suggestions.note(for: name, in: knownNames) { notes.append(hint) }
        if name.hasPrefix("_"), name.dropFirst().allSatisfy(\.isNumber), name.count > 1 {
            notes = ["cell \(name.dropFirst()) has no value (it failed, was an assignment of nothing, or has not run yet)"]
        }
        throw Diagnostic("name.unknown", "unknown name '\(name)'", at: range, notes: notes)
    }

    private func logical(_ expr: Expr, _ l: Expr, _ r: Expr) throws -> Value {
        guard case .binary(let op, _, _) = expr.kind else { fatalError("not a logical operator") }
        let a = try evaluate(l)
        // Scalars short-circuit: `false and f()` does not call f.
        if case .bool(let x) = a {
            if op == .and && !x { return .bool(false) }
            if op == .or && x { return .bool(true) }
        }
        let b = try evaluate(r)
        return try Operators.binary(op, a, b, at: expr.range, context: context)
    }

    private func array(_ items: [Expr], at range: SourceRange) throws -> Value {
        let values = try items.map { try evaluate($0) }
        return try ArrayLiteral.build(values, items.map(\.range), at: range, limit: context.maxElements)
    }

    private func record(_ fields: [RecordField], at range: SourceRange) throws -> Value {
        var r = Record()
        for f in fields {
            let v = try evaluate(f.value)
            r[f.key] = v
        }
        try Nesting.check(.record(r), at: range, limit: context.maxElements)
        return .record(r)
    }

    func evaluateSubscripts(_ subscripts: [Subscript]) throws -> [EvaluatedSubscript] {
        try subscripts.map { s in
            switch s {
            case .value(let e):
                return .value(try evaluate(e), e.range)
            case .slice(let start, let stop, let step, let range):
                return .slice(try start.map { try evaluate($0) }, try stop.map { try evaluate($0) }, try step.map { try evaluate($0) }, range)
            }
        }
    }

    private func call(_ calleeExpr: Expr, _ arguments: [Argument], piped: (Value, SourceRange)?, at range: SourceRange) throws -> Value {
        let callee = try evaluate(calleeExpr)
        guard case .builtin(let builtin) = callee else {
            var notes: [String] = []
            if case .name(let n) = calleeExpr.kind, registry.builtin(named: n) != nil {
                notes.append("the variable '\(n)' hides the builtin \(n)(); rename the variable to call the builtin")
            }
            throw Diagnostic("call.not-callable", "cannot call \(callee.described): only builtins can be called", at: calleeExpr.range, notes: notes)
        }
        var positional: [(Value, SourceRange)] = []
        var named: [(String, SourceRange, Value, SourceRange)] = []
        if let piped { positional.append(piped) }
        for a in arguments {
            let v = try evaluate(a.value)
            if let label = a.label {
                named.append((label, a.labelRange ?? a.value.range, v, a.value.range))
            } else {
                positional.append((v, a.value.range))
            }
        }
        do {
            let result = try builtin.call(positional, named: named, at: range, context: context)
            // Work that saw Ctrl-C but cannot throw (a sort, an element-wise map) stops early
            // with a partial result: discard it here.
            try Interruption.check()
            try Nesting.check(result, at: range, limit: context.maxElements)
            return result
        } catch let d as Diagnostic {
            throw d.located(at: range)
        }
    }
}

/// A subscript after evaluation: a value, or a slice's parts.
public enum EvaluatedSubscript {
    case value(Value, SourceRange)
    case slice(Value?, Value?, Value?, SourceRange)

    var range: SourceRange {
        switch self {
        case .value(_, let r), .slice(_, _, _, let r): r
        }
    }
}

/// Records and lists may nest only so deep, so that printing and serialising them can never
/// exhaust the stack; and together they may hold only so many elements, so that a list built
/// from itself (`l = [l, l]`, repeated) cannot grow without bound.
enum Nesting {
    static let maximum = 64

    static func check(_ v: Value, at range: SourceRange, limit: Int = EvaluationContext.defaultMaxElements) throws {
        switch v {
        case .record, .list: break
        default: return
        }
        var size = Size(limit: limit)
        let (depth, elements) = size.measure(v, level: 1)
        if depth > maximum {
            throw Diagnostic("resource.too-deep", "records and lists may nest at most \(maximum) levels deep", at: range)
        }
        if elements > limit {
            throw Diagnostic("resource.too-large", "refused: this record or list would hold more than \(limit) elements in all", at: range,
                             notes: ["raise the limit with :set max_elements N if the machine has the memory"])
        }
    }

    /// The depth and element count of a value, each record or list measured once however
    /// often it is shared: `r = {a: r, b: r}` repeated n times holds one record 2ⁿ times, and
    /// a walk along every path would take 2ⁿ steps. A shared record or list is known by its
    /// storage, which cannot change or be freed while the value being measured holds it.
    struct Size {
        /// Element counts stop growing past this (they would overflow an Int).
        let limit: Int
        private var measured: [UnsafeRawPointer: (depth: Int, elements: Int)] = [:]

        init(limit: Int) { self.limit = limit }

        /// Levels of records and lists (0 for anything else; past ``Nesting/maximum`` the
        /// depth is not followed further) and elements, at most `limit + 1`.
        mutating func measure(_ v: Value, level: Int) -> (depth: Int, elements: Int) {
            let parts: [Value]
            switch v {
            case .record(let r): parts = r.values
            case .list(let l): parts = l
            case .vector(let c): return (0, c.count)
            case .matrix(let m): return (0, m.count)
            case .table(let t): return (0, t.rowCount * max(1, t.columnCount))
            default: return (0, 1)
            }
            if level > Nesting.maximum { return (1, 1) }
            let key = parts.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
            if let key, let known = measured[key] { return known }
            var depth = 0, elements = 1
            for x in parts {
                let (d, e) = measure(x, level: level + 1)
                depth = max(depth, d)
                let (sum, overflow) = elements.addingReportingOverflow(e)
                let cap = limit == Int.max ? Int.max : limit + 1
                elements = overflow ? cap : min(cap, sum)
            }
            let result = (depth + 1, elements)
            if let key { measured[key] = result }
            return result
        }
    }
}

/// `[a, b, c]`: numbers make a vector, booleans a boolean vector, strings a string vector,
/// equal-length numeric vectors the rows of a matrix; anything else is a list.
enum ArrayLiteral {
    static func build(_ values: [Value], _ ranges: [SourceRange], at range: SourceRange, limit: Int) throws -> Value {
        if values.isEmpty { return .numbers([]) }
        if values.allSatisfy({ if case .number = $0 { return true }; return false }) {
            return .numbers(values.map { if case .number(let x) = $0 { return x }; return 0 })
        }
        if values.allSatisfy({ if case .bool = $0 { return true }; return false }) {
            return .bools(values.map { if case .bool(let b) = $0 { return b }; return false })
        }
        if values.allSatisfy({ if case .string = $0 { return true }; return false }) {
            return .strings(values.map { if case .string(let s) = $0 { return s }; return "" })
        }
        let rows: [[Double]] = values.compactMap {
            if case .vector(.numbers(let v)) = $0 { return v }
            return nil
        }
        if rows.count == values.count {
            let cols = rows[0].count
            if let bad = rows.firstIndex(where: { $0.count != cols }) {
                throw Diagnostic("value.ragged", "matrix rows differ in length: row 0 has \(cols) value\(cols == 1 ? "" : "s"), row \(bad) has \(rows[bad].count)", at: ranges[bad])
            }
            return .matrix(Matrix(rowArrays: rows))
        }
        let list = Value.list(values)
        try Nesting.check(list, at: range, limit: limit)
        return list
    }
}
