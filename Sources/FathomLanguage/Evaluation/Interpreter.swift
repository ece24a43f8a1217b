import FathomCore

/// Runs statements: holds the variables and evaluates expressions against them and the
/// builtin registry. It knows nothing of terminals or files of statements; the shell's
/// ``Session`` drives it.
public final class Interpreter {
    public var variables: [String: Value] = [:]
    public let context: EvaluationContext
    public let registry: BuiltinRegistry
    /// Resolves names the session owns (`_`, `_3`) before builtins; nil when unknown.
    public var sessionNames: (String) -> Value? = { _ in nil }

    public enum Outcome {
        /// An expression statement and its value.
        case value(Value)
        /// An assignment: the variable and the value it now holds.
        case assigned(String, Value)
    }

    public init(context: EvaluationContext = EvaluationContext(), registry: BuiltinRegistry = .standard) {
        self.context = context
        self.registry = registry
    }

    /// Runs one statement. Errors are ``Diagnostic`` (with the statement's source attached) or
    /// ``Interrupted``.
    public func run(_ statement: Statement) throws -> Outcome {
        do {
            switch statement.kind {
            case .expression(let e):
                return .value(try evaluate(e))
            case .assignment(let target, let valueExpr):
                let value = try evaluate(valueExpr)
                let name = try assign(value, to: target)
                return .assigned(name, variables[name] ?? value)
            }
        } catch var d as Diagnostic {
            // Work stopped early by Ctrl-C may trip over its own partial result: it was
            // interrupted, whatever it reports.
            if Interruption.isRequested { throw Interrupted() }
            if d.source == nil { d.source = statement.source }
            throw d
        }
    }

    /// The value of `name` as an expression would see it, or nil.
    public func lookup(_ name: String) -> Value? {
        if let v = variables[name] { return v }
        if let v = sessionNames(name) { return v }
        if let b = registry.builtin(named: name) { return .builtin(b) }
        return registry.constant(named: name)
    }

    /// Names for suggestions and completion: variables, then builtins and constants.
    public var knownNames: [String] {
        variables.keys.sorted() + registry.allNames
    }
}

extension Interpreter {
    /// The fields or columns of the value that `chain` names (`["d"]`, `["r", "inner"]`),
    /// resolved without calling anything; empty when the chain names nothing with fields.
    /// Completion after `.` uses this.
    public func fieldNames(of chain: [String]) -> [String] {
        guard let first = chain.first, var value = lookup(first) else { return [] }
        for name in chain.dropFirst() {
            guard let next = try? Access.member(value, name, at: SourceRange(0, 0)) else { return [] }
            value = next
        }
        switch value {
        case .record(let r): return r.keys
        case .table(let t): return t.names
        case .object(let o): return o.fieldNames
        default: return []
        }
    }
}
