/// An expression with the source range it was parsed from.
public struct Expr: Sendable {
    public var kind: Kind
    public var range: SourceRange
    /// Levels of nesting below and including this node; the parser refuses trees deeper than
    /// ``Parser/maximumDepth`` so evaluation can never exhaust the stack.
    public var depth: Int

    public init(_ kind: Kind, _ range: SourceRange, depth: Int = 1) {
        self.kind = kind
        self.range = range
        self.depth = depth
    }

    public indirect enum Kind: Sendable {
        case number(Double)
        case string(String)
        case bool(Bool)
        case null
        case name(String)
        /// `[a, b, c]`: a vector, a matrix (rows of vectors) or a list.
        case array([Expr])
        /// `{key: value, ...}`.
        case record([RecordField])
        case unary(UnaryOperator, Expr)
        case binary(BinaryOperator, Expr, Expr)
        /// `callee(arguments)`.
        case call(Expr, [Argument])
        /// `base.name`; the second range covers the name.
        case member(Expr, String, SourceRange)
        /// `base[i]`, `base[i, j]`, `base[a:b]`.
        case index(Expr, [Subscript])
        /// `value |> f(args)`: calls f with value as its first argument.
        case pipe(Expr, Expr)
    }
}

public enum UnaryOperator: String, Sendable {
    case negate = "-", plus = "+", not = "not"
}

public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%", power = "^"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and, or

    var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: true
        default: false
        }
    }
}

public struct RecordField: Sendable {
    public var key: String
    public var keyRange: SourceRange
    public var value: Expr
}

/// A call argument: positional (`label == nil`) or named (`bins=15`).
public struct Argument: Sendable {
    public var label: String?
    public var labelRange: SourceRange?
    public var value: Expr
}

/// One position inside `[...]`: an expression or a slice `start:stop:step`.
public enum Subscript: Sendable {
    case value(Expr)
    case slice(start: Expr?, stop: Expr?, step: Expr?, range: SourceRange)

    public var range: SourceRange {
        switch self {
        case .value(let e): e.range
        case .slice(_, _, _, let r): r
        }
    }
}

/// A statement: an expression whose value is shown, or an assignment, which is silent.
public struct Statement: Sendable {
    public enum Kind: Sendable {
        case expression(Expr)
        /// `target = value`; the target is a name, or a name followed by `.field` and `[index]`
        /// steps (`t.score = ...`, `v[0] = ...`).
        case assignment(target: Expr, value: Expr)
    }

    public var kind: Kind
    public var range: SourceRange
    public var source: SourceFile

    /// The statement's own text, as typed.
    public var text: String { source.text(in: range) }
}
