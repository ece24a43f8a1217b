import FathomCore

/// The arguments of one call, bound to the builtin's parameters, with typed accessors whose
/// errors name the builtin, the parameter and what was expected, placed at the argument.
public struct Arguments {
    public let builtin: Builtin
    private var values: [Value?]
    private var ranges: [SourceRange?]
    /// The whole call, for errors about the call itself.
    public let callRange: SourceRange
    /// Extra positional arguments collected by a variadic parameter.
    public private(set) var rest: [(Value, SourceRange)] = []
    /// Named arguments the builtin does not declare, kept when it forwards them.
    public private(set) var forwarded: [(String, SourceRange, Value, SourceRange)] = []

    static func bind(_ builtin: Builtin, positional: [(Value, SourceRange)], named: [(String, SourceRange, Value, SourceRange)], callRange: SourceRange) throws -> Arguments {
        let params = builtin.parameters
        var args = Arguments(builtin: builtin, values: Array(repeating: nil, count: params.count), ranges: Array(repeating: nil, count: params.count), callRange: callRange)
        let fixed = params.firstIndex(where: \.variadic) ?? params.count
        for (i, (value, range)) in positional.enumerated() {
            if i < fixed {
                args.values[i] = value
                args.ranges[i] = range
            } else if fixed < params.count {
                args.rest.append((value, range))
            } else {
                let expected = params.filter { !$0.variadic }.count
                throw Diagnostic(
                    "call.too-many-arguments",
                    "\(builtin.name)() takes at most \(expected) positional argument\(expected == 1 ? "" : "s"), got \(positional.count)",
                    at: range,
                    notes: ["usage: \(builtin.signature)"])
            }
        }
        for (label, labelRange, value, range) in named {
            guard let i = params.firstIndex(where: { $0.name == label && !$0.variadic }) else {
                if builtin.forwardsNamedArguments {
                    args.forwarded.append((label, labelRange, value, range))
                    continue
                }
                var notes = ["usage: \(builtin.signature)"]
                if let hint = Suggestions.note(for: label, in: params.map(\.name)) { notes.insert(hint, at: 0) }
                throw Diagnostic("call.unknown-parameter", "\(builtin.name)() has no parameter '\(label)'", at: labelRange, notes: notes)
            }
            if args.values[i] != nil {
                throw Diagnostic("call.duplicate-argument", "\(builtin.name)() got '\(label)' twice: by position and by name", at: labelRange, notes: ["usage: \(builtin.signature)"])
            }
            args.values[i] = value
            args.ranges[i] = range
        }
        for (i, p) in params.enumerated() where args.values[i] == nil {
            switch p.defaultValue {
            case .required where !p.variadic:
                throw Diagnostic("call.missing-argument", "\(builtin.name)() needs \(p.name): \(p.type)", at: callRange, notes: ["usage: \(builtin.signature)"])
            case .value(let v):
                args.values[i] = v
            default:
                break
            }
        }
        if let v = params.firstIndex(where: \.variadic), case .required = params[v].defaultValue, args.rest.isEmpty {
            throw Diagnostic("call.missing-argument", "\(builtin.name)() needs at least one \(params[v].name): \(params[v].type)", at: callRange, notes: ["usage: \(builtin.signature)"])
        }
        return args
    }

    // The accessors take a ``ParameterName``, which only a ``ParameterKey`` makes: builtins
    // read `args[key]`, and a key's reader passes its name on to these. A name the builtin
    // does not declare reads as absent, placed at the whole call, and ``required(_:)``
    // refuses it with an internal diagnostic: a mistake in a builtin never stops the shell.

    private func slot(_ name: String) -> Int? {
        builtin.parameters.firstIndex { $0.name == name }
    }

    /// Whether the caller gave `name` (or it has a default).
    public func has(_ name: ParameterName) -> Bool { value(name) != nil }

    /// The raw value of `name`, nil when absent.
    public func value(_ name: ParameterName) -> Value? { slot(name.text).flatMap { values[$0] } }

    /// Where `name` was written, or the whole call when it was not.
    public func range(_ name: ParameterName) -> SourceRange { slot(name.text).flatMap { ranges[$0] } ?? callRange }

    /// Whether the caller wrote `name` (a default does not count).
    public func given(_ name: ParameterName) -> Bool { slot(name.text).flatMap { ranges[$0] } != nil }

    /// The error for a wrong argument: "randn() expects n: a whole number ≥ 0, got -3".
    public func mismatch(_ name: ParameterName, expected: String, got value: Value? = nil) -> Diagnostic {
        let v = value ?? self.value(name) ?? .null
        return Diagnostic("argument.type", "\(builtin.name)() expects \(name): \(expected), got \(v.described)", at: range(name))
    }

    /// A problem with an argument's content rather than its type; `message` is a whole
    /// sentence that names the builtin where that helps.
    public func invalid(_ name: ParameterName, _ message: String, notes: [String] = []) -> Diagnostic {
        Diagnostic("argument.value", message, at: range(name), notes: notes)
    }

    public func required(_ name: ParameterName) throws -> Value {
        guard slot(name.text) != nil else {
            throw Diagnostic("internal.undeclared-parameter", "internal: \(builtin.name)() reads a parameter it does not declare: '\(name)'", at: callRange)
        }
        guard let v = value(name) else {
            throw Diagnostic("call.missing-argument", "\(builtin.name)() needs \(name)", at: callRange, notes: ["usage: \(builtin.signature)"])
        }
        return v
    }

    // MARK: - Typed accessors

    public func number(_ name: ParameterName) throws -> Double {
        switch try required(name) {
        case .number(let x): return x
        case .vector(.numbers(let v)) where v.count == 1: return v[0]
        default: throw mismatch(name, expected: "a number")
        }
    }

    public func optionalNumber(_ name: ParameterName) throws -> Double? {
        guard let v = value(name), !v.isNull else { return nil }
        return try number(name)
    }

    /// A whole number in `range` (given as a double in the language: `1e6` is fine).
    public func wholeNumber(_ name: ParameterName, atLeast lower: Int = Int.min, atMost upper: Int = Int.max) throws -> Int {
        let x = try number(name)
        var expected = "a whole number"
        if lower != Int.min && upper != Int.max { expected += " from \(lower) to \(upper)" }
        else if lower != Int.min { expected += " ≥ \(lower)" }
        else if upper != Int.max { expected += " ≤ \(upper)" }
        guard x.isFinite, x == x.rounded() else { throw mismatch(name, expected: expected) }
        guard x >= Double(lower), x <= Double(upper), abs(x) < 9.2e18 else { throw mismatch(name, expected: expected) }
        return Int(x)
    }

    public func optionalWholeNumber(_ name: ParameterName, atLeast lower: Int = Int.min, atMost upper: Int = Int.max) throws -> Int? {
        guard let v = value(name), !v.isNull else { return nil }
        return try wholeNumber(name, atLeast: lower, atMost: upper)
    }

    /// A seed: any whole number ≥ 0 below 2⁶³.
    public func optionalSeed(_ name: ParameterName) throws -> UInt64? {
        guard let s = try optionalWholeNumber(name, atLeast: 0) else { return nil }
        return UInt64(s)
    }

    public func bool(_ name: ParameterName) throws -> Bool {
        guard case .bool(let b) = try required(name) else { throw mismatch(name, expected: "true or false") }
        return b
    }

    public func string(_ name: ParameterName) throws -> String {
        guard case .string(let s) = try required(name) else { throw mismatch(name, expected: "a string") }
        return s
    }

    /// One of a fixed set of strings.
    public func choice(_ name: ParameterName, _ options: [String]) throws -> String {
        let list = options.map { "\"\($0)\"" }.joined(separator: ", ")
        guard case .string(let s) = try required(name) else { throw mismatch(name, expected: "one of \(list)") }
        guard options.contains(s) else {
            var notes: [String] = []
            if let hint = Suggestions.note(for: s, in: options) { notes.append(hint) }
            throw Diagnostic("argument.value", "\(builtin.name)() expects \(name) to be one of \(list), got \"\(s)\"", at: range(name), notes: notes)
        }
        return s
    }

    /// Numbers from a number, a numeric or boolean vector (true is 1), or a matrix (all its
    /// elements, row by row).
    public func numbers(_ name: ParameterName, expected: String = "numbers (a vector or a number)") throws -> [Double] {
        let v = try required(name)
        guard let xs = v.numericElements else { throw mismatch(name, expected: expected) }
        return xs
    }

    /// A numeric vector (a number counts as a vector of one; booleans count as 0 and 1).
    public func vector(_ name: ParameterName) throws -> [Double] {
        switch try required(name) {
        case .number(let x): return [x]
        case .vector(.numbers(let v)): return v
        case .vector(.bools(let b)): return b.map { $0 ? 1 : 0 }
        default: throw mismatch(name, expected: "a vector of numbers")
        }
    }
}

extension Value {
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The value's numbers when it is numeric: a number, a vector of numbers or booleans, or a
    /// matrix (row-major).
    public var numericElements: [Double]? {
        switch self {
        case .number(let x): return [x]
        case .bool(let b): return [b ? 1 : 0]
        case .vector(.numbers(let v)): return v
        case .vector(.bools(let b)): return b.map { $0 ? 1 : 0 }
        case .matrix(let m): return m.storage
        default: return nil
        }
    }
}
