#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// Arithmetic, comparison and logic on values, broadcasting as numpy does: a number with
/// anything, vectors of equal length (or length 1) elementwise, a matrix with a matrix of the
/// same shape, and a matrix with a vector that matches its columns (applied to each row) or,
/// failing that, its rows (applied to each column). Booleans count as 0 and 1 in arithmetic.
enum Operators {
    static func unary(_ op: UnaryOperator, _ v: Value, at range: SourceRange) throws -> Value {
        switch (op, v) {
        case (.negate, .number(let x)): return .number(-x)
        case (.negate, .vector(.numbers(let a))): return .numbers(Interruption.map(a) { -$0 })
        case (.negate, .matrix(let m)): return .matrix(Matrix(rows: m.rows, cols: m.cols, storage: Interruption.map(m.storage) { -$0 }))
        case (.plus, .number), (.plus, .vector(.numbers)), (.plus, .matrix): return v
        case (.not, .bool(let b)): return .bool(!b)
        case (.not, .vector(.bools(let a))): return .bools(a.map { !$0 })
        case (.not, _):
            throw Diagnostic("operator.type", "'not' needs a bool or a vector of bools, got \(v.described)", at: range)
        default:
            throw Diagnostic("operator.type", "unary '\(op.rawValue)' needs numbers, got \(v.described)", at: range)
        }
    }

    static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value, at range: SourceRange, context: EvaluationContext) throws -> Value {
        // The common scalar case first, without allocating.
        if case .number(let x) = a, case .number(let y) = b {
            return scalar(op, x, y) ?? .bool(compare(op, x, y))
        }
        switch op {
        case .and, .or:
            return try logical(op, a, b, at: range)
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            return try comparison(op, a, b, at: range)
        default:
            if a.stringOperand != nil, b.stringOperand != nil, op == .add {
                let result = try concatenate(a, b, at: range)
                if case .string(let s) = result { try context.checkSize(Double(s.utf8.count), at: range, what: "bytes", bytesEach: 1) }
                return result
            }
            return try arithmetic(op, a, b, at: range, context: context)
        }
    }

    // MARK: - Numbers

    @inline(__always)
    static func apply(_ op: BinaryOperator, _ x: Double, _ y: Double) -> Double {
        switch op {
        case .add: return x + y
        case .subtract: return x - y
        case .multiply: return x * y
        case .divide: return x / y
        case .remainder:
            // Floored, like Python: the result has the sign of the divisor.
            if y == 0 || !x.isFinite { return .nan }
            let r = fmod(x, y)
            return (r != 0 && (r < 0) != (y < 0)) ? r + y : r
        case .power: return pow(x, y)
        default: return .nan
        }
    }

    @inline(__always)
    static func compare(_ op: BinaryOperator, _ x: Double, _ y: Double) -> Bool {
        switch op {
        case .equal: return x == y
        case .notEqual: return x != y
        case .less: return x < y
        case .lessEqual: return x <= y
        case .greater: return x > y
        case .greaterEqual: return x >= y
        default: return false
        }
    }

    static func scalar(_ op: BinaryOperator, _ x: Double, _ y: Double) -> Value? {
        switch op {
        case .add, .subtract, .multiply, .divide, .remainder, .power: return .number(apply(op, x, y))
        default: return nil
        }
    }

    /// A numeric operand: a scalar, a vector or a matrix.
    enum Shape {
        case scalar(Double)
        case vector([Double])
        case matrix(Matrix)
    }

    static func shape(_ v: Value) -> Shape? {
        switch v {
        case .number(let x): return .scalar(x)
        case .bool(let b): return .scalar(b ? 1 : 0)
        case .vector(.numbers(let a)): return .vector(a)
        case .vector(.bools(let a)): return .vector(a.map { $0 ? 1 : 0 })
        case .matrix(let m): return .matrix(m)
        default: return nil
        }
    }

    /// Applies `f` elementwise after broadcasting; the result has the operands' common shape.
    static func broadcast(_ a: Shape, _ b: Shape, _ what: String, at range: SourceRange, aValue: Value, bValue: Value, _ f: (Double, Double) -> Double) throws -> Shape {
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)):
            return .scalar(f(x, y))
        case (.scalar(let x), .vector(let v)):
            return .vector(Interruption.map(v) { f(x, $0) })
        case (.vector(let v), .scalar(let y)):
            return .vector(Interruption.map(v) { f($0, y) })
        case (.vector(let u), .vector(let v)):
            if u.count == v.count { return .vector(Interruption.map(u, v, f)) }
            if u.count == 1 { return .vector(Interruption.map(v) { f(u[0], $0) }) }
            if v.count == 1 { return .vector(Interruption.map(u) { f($0, v[0]) }) }
            throw Diagnostic("operator.shape", "\(what) needs vectors of the same length, got \(aValue.described) and \(bValue.described)", at: range)
        case (.scalar(let x), .matrix(let m)):
            return .matrix(Matrix(rows: m.rows, cols: m.cols, storage: Interruption.map(m.storage) { f(x, $0) }))
        case (.matrix(let m), .scalar(let y)):
            return .matrix(Matrix(rows: m.rows, cols: m.cols, storage: Interruption.map(m.storage) { f($0, y) }))
        case (.matrix(let m), .matrix(let n)):
            guard m.rows == n.rows, m.cols == n.cols else {
                throw Diagnostic("operator.shape", "\(what) needs matrices of the same shape, got \(m.rows)×\(m.cols) and \(n.rows)×\(n.cols)", at: range)
            }
            return .matrix(Matrix(rows: m.rows, cols: m.cols, storage: Interruption.map(m.storage, n.storage, f)))
        case (.matrix(let m), .vector(let v)):
            return .matrix(try rowOrColumn(m, v, what, at: range) { f($0, $1) })
        case (.vector(let v), .matrix(let m)):
            return .matrix(try rowOrColumn(m, v, what, at: range) { f($1, $0) })
        }
    }

    /// Combines each element of `m` with the vector element of its column (when the vector
    /// matches the columns) or of its row (when it matches the rows).
    static func rowOrColumn(_ m: Matrix, _ v: [Double], _ what: String, at range: SourceRange, _ f: (Double, Double) -> Double) throws -> Matrix {
        var out = m.storage
        if v.count == m.cols {
            for i in 0..<m.rows where !Interruption.isRequested { for j in 0..<m.cols { out[i * m.cols + j] = f(m.storage[i * m.cols + j], v[j]) } }
        } else if v.count == m.rows {
            for i in 0..<m.rows where !Interruption.isRequested { for j in 0..<m.cols { out[i * m.cols + j] = f(m.storage[i * m.cols + j], v[i]) } }
        } else if v.count == 1 {
            out = Interruption.map(m.storage) { f($0, v[0]) }
        } else {
            throw Diagnostic("operator.shape", "\(what) of a \(m.rows)×\(m.cols) matrix and a vector of \(v.count) numbers: the vector must match the columns (\(m.cols)) or the rows (\(m.rows))", at: range)
        }
        return Matrix(rows: m.rows, cols: m.cols, storage: out)
    }

    static func value(_ s: Shape) -> Value {
        switch s {
        case .scalar(let x): .number(x)
        case .vector(let v): .numbers(v)
        case .matrix(let m): .matrix(m)
        }
    }

    static func size(_ s: Shape) -> Int {
        switch s {
        case .scalar: 1
        case .vector(let v): v.count
        case .matrix(let m): m.count
        }
    }

    static func arithmetic(_ op: BinaryOperator, _ a: Value, _ b: Value, at range: SourceRange, context: EvaluationContext) throws -> Value {
        guard let sa = shape(a), let sb = shape(b) else {
            let bad = shape(a) == nil ? a : b
            var notes: [String] = []
            if case .string = bad, op == .add { notes.append("'+' joins two strings; to show text and numbers together, print(\"total:\", x)") }
            throw Diagnostic("operator.type", "'\(op.rawValue)' needs numbers, got \(bad.described)", at: range, notes: notes)
        }
        try context.checkSize(Double(max(size(sa), size(sb))), at: range)
        return value(try broadcast(sa, sb, "'\(op.rawValue)'", at: range, aValue: a, bValue: b) { apply(op, $0, $1) })
    }

    // MARK: - Comparisons

    static func comparison(_ op: BinaryOperator, _ a: Value, _ b: Value, at range: SourceRange) throws -> Value {
        if let sa = shape(a), let sb = shape(b), !isBoolish(a) || !isBoolish(b) || op == .equal || op == .notEqual {
            let r = try broadcast(sa, sb, "'\(op.rawValue)'", at: range, aValue: a, bValue: b) { compare(op, $0, $1) ? 1 : 0 }
            switch r {
            case .scalar(let x): return .bool(x != 0)
            case .vector(let v): return .bools(v.map { $0 != 0 })
            case .matrix(let m): return .matrix(m)
            }
        }
        if let x = a.stringOperand, let y = b.stringOperand {
            return try compareStrings(op, x, y, a, b, at: range)
        }
        if op == .equal || op == .notEqual {
            let same: Bool
            switch (a, b) {
            case (.null, .null): same = true
            case (.bool(let x), .bool(let y)): same = x == y
            default: same = false
            }
            return .bool(op == .equal ? same : !same)
        }
        throw Diagnostic("operator.type", "cannot order \(a.described) and \(b.described) with '\(op.rawValue)'", at: range)
    }

    static func isBoolish(_ v: Value) -> Bool {
        switch v {
        case .bool, .vector(.bools): true
        default: false
        }
    }

    /// A string operand: one string, or a vector of them.
    enum StringOperand {
        case string(String)
        case strings([String])
    }

    static func compareStrings(_ op: BinaryOperator, _ x: StringOperand, _ y: StringOperand, _ a: Value, _ b: Value, at range: SourceRange) throws -> Value {
        func test(_ p: String, _ q: String) -> Bool {
            switch op {
            case .equal: return p == q
            case .notEqual: return p != q
            case .less: return p < q
            case .lessEqual: return p <= q
            case .greater: return p > q
            case .greaterEqual: return p >= q
            default: return false
            }
        }
        switch (x, y) {
        case (.string(let p), .string(let q)): return .bool(test(p, q))
        case (.strings(let ps), .string(let q)): return .bools(ps.map { test($0, q) })
        case (.string(let p), .strings(let qs)): return .bools(qs.map { test(p, $0) })
        case (.strings(let ps), .strings(let qs)):
            guard ps.count == qs.count else {
                throw Diagnostic("operator.shape", "'\(op.rawValue)' needs vectors of the same length, got \(a.described) and \(b.described)", at: range)
            }
            return .bools(zip(ps, qs).map { test($0, $1) })
        }
    }

    static func concatenate(_ a: Value, _ b: Value, at range: SourceRange) throws -> Value {
        guard let x = a.stringOperand, let y = b.stringOperand else { return .null }
        switch (x, y) {
        case (.string(let p), .string(let q)): return .string(p + q)
        case (.strings(let ps), .string(let q)): return .strings(ps.map { $0 + q })
        case (.string(let p), .strings(let qs)): return .strings(qs.map { p + $0 })
        case (.strings(let ps), .strings(let qs)):
            guard ps.count == qs.count else {
                throw Diagnostic("operator.shape", "'+' needs vectors of the same length, got \(a.described) and \(b.described)", at: range)
            }
            return .strings(zip(ps, qs).map { $0 + $1 })
        }
    }

    // MARK: - Logic

    static func logical(_ op: BinaryOperator, _ a: Value, _ b: Value, at range: SourceRange) throws -> Value {
        func bools(_ v: Value) -> [Bool]? {
            switch v {
            case .bool(let x): return [x]
            case .vector(.bools(let xs)): return xs
            default: return nil
            }
        }
        guard let x = bools(a), let y = bools(b) else {
            let bad = bools(a) == nil ? a : b
            throw Diagnostic("operator.type", "'\(op.rawValue)' needs bools or vectors of bools, got \(bad.described)", at: range)
        }
        let f: (Bool, Bool) -> Bool = op == .and ? { $0 && $1 } : { $0 || $1 }
        if case .bool = a, case .bool = b { return .bool(f(x[0], y[0])) }
        if x.count == y.count { return .bools(zip(x, y).map(f)) }
        if x.count == 1, case .bool = a { return .bools(y.map { f(x[0], $0) }) }
        if y.count == 1, case .bool = b { return .bools(x.map { f($0, y[0]) }) }
        throw Diagnostic("operator.shape", "'\(op.rawValue)' needs vectors of the same length, got \(a.described) and \(b.described)", at: range)
    }
}

extension Value {
    var stringOperand: Operators.StringOperand? {
        switch self {
        case .string(let s): .string(s)
        case .vector(.strings(let v)): .strings(v)
        default: nil
        }
    }
}
