import FathomCore

/// A parameter declared once with its type: the ``Parameter`` that help, the signature and the
/// binder see, and the reader that turns the bound argument into a `T`, with the range check
/// and the error message of its kind. A builtin lists its keys in `parameters:` (through
/// ``declaration``) and reads them as `try args[bins]`, so a misspelled name does not compile.
///
/// Reading a key the builtin does not declare throws an `internal.undeclared-parameter`
/// diagnostic instead of stopping the shell; every builtin's examples run in the tests, which
/// catch such a read.
public struct ParameterKey<T>: Sendable {
    public let parameter: Parameter
    let read: @Sendable (Arguments, ParameterName) throws -> T

    public init(_ parameter: Parameter, read: @escaping @Sendable (Arguments, ParameterName) throws -> T) {
        self.parameter = parameter
        self.read = read
    }

    /// The declared name, as the accessors of ``Arguments`` take it.
    public var name: ParameterName { ParameterName(parameter.name) }

    /// Another reading of the same declared parameter: `calibrate(cal, x)` reads x as logits,
    /// probabilities or scores by the calibrator.
    public func reading<U>(_ read: @escaping @Sendable (Arguments, ParameterName) throws -> U) -> ParameterKey<U> {
        ParameterKey<U>(parameter, read: read)
    }

    /// The same key with another line of documentation (help differs by builtin: "number of
    /// bins B", "equal-width bins on [0, 1]").
    public func documented(_ doc: String) -> ParameterKey<T> {
        ParameterKey(Parameter(parameter.name, parameter.type, parameter.defaultValue, doc: doc, variadic: parameter.variadic), read: read)
    }
}

/// The name of a declared parameter, as the accessors of ``Arguments`` take it. Only a
/// ``ParameterKey`` makes one (the initialiser is private to this file), so a builtin cannot
/// read an argument by a name written by hand: it reads `args[key]`, and a misspelled key does
/// not compile. A key's own reader receives its name to pass on to those accessors.
public struct ParameterName: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    fileprivate init(_ text: String) { self.text = text }
    public var description: String { text }
}

/// What every key is, whatever it reads: a declaration for the builtin's parameter list.
public protocol ParameterDeclaration: Sendable {
    var parameter: Parameter { get }
}

extension ParameterKey: ParameterDeclaration {}

extension Parameter: ParameterDeclaration {
    public var parameter: Parameter { self }
}

/// The parameter list of a builtin from its keys (and plain parameters not yet typed), in order.
public func declare(_ items: any ParameterDeclaration...) -> [Parameter] {
    items.map(\.parameter)
}

/// Class labels: a key of this kind declares `y` and is read with
/// ``Arguments/classLabels(_:rows:classes:counted:columns:of:)``, which needs the row count
/// and the classes.
public enum ClassLabels {}

/// Per-example weights: read with ``Arguments/weights(_:rows:)``, which needs the row count.
public enum ExampleWeights {}

extension Arguments {
    /// The argument of `key`, read and checked as its declaration says.
    public subscript<T>(_ key: ParameterKey<T>) -> T {
        get throws {
            try checkDeclared(key.parameter)
            return try key.read(self, key.name)
        }
    }

    /// The bound value of `key` as it is (nil when absent), for a builtin that reads it one way
    /// or another by its kind.
    public func value<T>(_ key: ParameterKey<T>) throws -> Value? {
        try checkDeclared(key.parameter)
        return value(key.name)
    }

    /// Whether `key` has a value: given, or by its default.
    public func has<T>(_ key: ParameterKey<T>) throws -> Bool {
        try checkDeclared(key.parameter)
        return has(key.name)
    }

    /// The bound value of `key`; a missing argument is refused as the binder words it.
    public func required<T>(_ key: ParameterKey<T>) throws -> Value {
        try checkDeclared(key.parameter)
        return try required(key.name)
    }

    /// The error for a wrong kind of argument to `key` (see the string-named form).
    public func mismatch<T>(_ key: ParameterKey<T>, expected: String, got value: Value? = nil) -> Diagnostic {
        mismatch(key.name, expected: expected, got: value)
    }

    /// Whether the caller wrote `key` (a default does not count).
    public func given<T>(_ key: ParameterKey<T>) throws -> Bool {
        try checkDeclared(key.parameter)
        return given(key.name)
    }

    /// Where `key` was written, or the whole call when it was not.
    public func range<T>(_ key: ParameterKey<T>) throws -> SourceRange {
        try checkDeclared(key.parameter)
        return range(key.name)
    }

    /// The error for a problem with the content of `key`'s argument.
    public func invalid<T>(_ key: ParameterKey<T>, _ message: String, notes: [String] = []) -> Diagnostic {
        invalid(key.name, message, notes: notes)
    }

    /// Class labels of `key`, one per row (see the string-named form for the rules).
    public func classLabels(_ key: ParameterKey<ClassLabels>, rows: Int, classes: Int, counted: String? = nil, columns: [String]? = nil, of probabilities: ParameterName? = nil) throws -> [Int] {
        try checkDeclared(key.parameter)
        return try classLabels(key.name, rows: rows, classes: classes, counted: counted, columns: columns, of: probabilities)
    }

    /// Probabilities and labels with their top-label view (see the string-named form).
    public func topLabel(_ p: ParameterKey<ProbabilityInput>, labels y: ParameterKey<ClassLabels>) throws -> (matrix: Matrix, binary: Bool, labels: [Int], top: TopLabel) {
        try checkDeclared(p.parameter)
        try checkDeclared(y.parameter)
        return try topLabel(p.name, labels: y.name)
    }

    /// The weights of `key`, one per row, or nil when absent.
    public func weights(_ key: ParameterKey<ExampleWeights>, rows: Int) throws -> [Double]? {
        try checkDeclared(key.parameter)
        return try weights(key.name, rows: rows)
    }

    /// The confidence level asked for with `ci`, or nil; the keys in `dependents` (boot=, seed=)
    /// are refused without it, where they would be ignored.
    public func intervalLevel(_ ci: ParameterKey<Double?>, bootstrap dependents: [any ParameterDeclaration]) throws -> Double? {
        try checkDeclared(ci.parameter)
        for d in dependents { try checkDeclared(d.parameter) }
        let level = try self[ci]
        if level == nil, let unused = dependents.map({ ParameterName($0.parameter.name) }).first(where: given) {
            throw invalid(unused, "\(builtin.name)(): \(unused)= sets the bootstrap of an interval, but no interval was asked for", notes: ["add ci=0.95 for a 95% interval, or leave \(unused)= out"])
        }
        return level
    }

    /// Throws unless the builtin declares `parameter` (by name and kind).
    func checkDeclared(_ parameter: Parameter) throws {
        guard builtin.parameters.contains(where: { $0.name == parameter.name && $0.type == parameter.type }) else {
            throw Diagnostic("internal.undeclared-parameter", "internal: \(builtin.name)() reads a parameter it does not declare: '\(parameter.name)' (\(parameter.type))", at: callRange)
        }
    }
}

/// Probabilities as read: the N×K matrix and whether it came as a vector of P(y = 1).
public typealias ProbabilityInput = (matrix: Matrix, binary: Bool)
