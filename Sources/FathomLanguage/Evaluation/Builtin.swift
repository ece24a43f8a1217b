/// Where a builtin is listed in `:help` and the README.
public enum BuiltinArea: String, Sendable, CaseIterable {
    case math = "Arithmetic and math"
    case statistics = "Statistics"
    case vectors = "Vectors"
    case random = "Random numbers"
    case data = "Data: files and tables"
    case matrices = "Matrices and scores"
    case models = "Models"
    case reliability = "Reliability: calibration"
    case recalibration = "Recalibration"
    case monitors = "Monitors and deferral"
    case failures = "Failures, thresholds and checks"
    case shift = "Shift: two-sample tests and drift"
    case labelShift = "Label shift and harm"
    case tails = "Rare failures: tail forecasts and backtests"
    case extremes = "Extreme values"
    case plots = "Plots"
    case session = "Session"
}

/// One parameter of a builtin, as the docs, the binder and the error messages see it.
public struct Parameter: Sendable {
    public enum Default: Sendable {
        /// The caller must pass it.
        case required
        /// Filled in when omitted.
        case value(Value)
        /// May be omitted; the builtin decides what absence means (the text says what, for
        /// the docs: "the session generator").
        case absent(String)
    }

    public let name: String
    /// The expected kind, in words: "number", "whole number", "vector", "probabilities".
    public let type: String
    public let defaultValue: Default
    public let doc: String
    /// Collects every remaining positional argument (`print(a, b, c)`).
    public let variadic: Bool

    public init(_ name: String, _ type: String, _ defaultValue: Default = .required, doc: String = "", variadic: Bool = false) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.doc = doc
        self.variadic = variadic
    }

    public var isRequired: Bool {
        if case .required = defaultValue { return !variadic }
        return false
    }

    /// How the parameter reads in a signature: `x`, `bins=15`, `seed=`, `values...`.
    public var signatureText: String {
        if variadic { return "\(name)..." }
        switch defaultValue {
        case .required: return name
        case .value(let v): return "\(name)=\(v.renderText(RenderOptions(width: 40)))"
        case .absent: return "\(name)="
        }
    }
}

/// A function of the language, declared once with everything that documents it.
public final class Builtin: Sendable {
    public typealias Body = @Sendable (Arguments, EvaluationContext) throws -> Value

    public let name: String
    public let area: BuiltinArea
    public let parameters: [Parameter]
    /// One line for listings and completion.
    public let summary: String
    /// Paragraphs: the definition, the reference it agrees with, edge cases.
    public let doc: String
    /// What it returns, in words.
    public let returns: String
    /// Lines a user can type; the README and `?name` show them.
    public let examples: [String]
    /// Whether named arguments it does not declare are kept for it to pass on (by() hands them
    /// to the metric it calls) instead of being refused.
    public let forwardsNamedArguments: Bool
    let body: Body

    public init(_ name: String, area: BuiltinArea, parameters: [Parameter], returns: String, summary: String, doc: String = "", examples: [String],
                forwardsNamedArguments: Bool = false, body: @escaping Body) {
        self.forwardsNamedArguments = forwardsNamedArguments
        self.name = name
        self.area = area
        self.parameters = parameters
        self.returns = returns
        self.summary = summary
        self.doc = doc
        self.examples = examples
        self.body = body
    }

    /// `randn(n, d=1, seed=)`.
    public var signature: String {
        "\(name)(" + parameters.map(\.signatureText).joined(separator: ", ") + ")"
    }

    /// Binds call arguments to parameters and runs the builtin.
    public func call(_ positional: [(Value, SourceRange)], named: [(String, SourceRange, Value, SourceRange)], at range: SourceRange, context: EvaluationContext) throws -> Value {
        let arguments = try Arguments.bind(self, positional: positional, named: named, callRange: range)
        return try body(arguments, context)
    }
}
