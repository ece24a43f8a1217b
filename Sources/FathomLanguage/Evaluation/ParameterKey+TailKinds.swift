import FathomCore

// Kinds of the tail, extreme-value, failure and model builtins: per-query failure
// probabilities, data to fit an extreme-value model to, a model, training labels, and a whole
// number whose range depends on another argument.

extension ParameterKey where T == [Double] {
    /// Per-query failure probabilities: a vector of numbers, not empty, none missing, in
    /// [0, 1], none exactly 1 (which has no finite Gumbel score).
    public static func failureProbabilities(_ name: String, type: String = "vector", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, doc: doc)) { args, name in
            let f = args.builtin.name
            let p: [Double]
            switch try args.required(name) {
            case .vector(.numbers(let v)): p = v
            default: throw args.mismatch(name, expected: "a vector of per-query failure probabilities")
            }
            guard !p.isEmpty else { throw args.invalid(name, "\(f)(): \(name) is empty") }
            if let i = p.firstIndex(where: { $0.isNaN }) {
                throw args.invalid(name, "\(f)(): \(name) holds a missing value (NaN) at position \(i)", notes: ["drop_missing(\(name)) keeps the values that are present"])
            }
            if let i = p.firstIndex(where: { $0 < 0 || $0 > 1 }) {
                throw args.invalid(name, "\(f)(): \(name) holds \(NumberFormat.short(p[i])) at position \(i); failure probabilities lie in [0, 1]")
            }
            if let i = p.firstIndex(where: { $0 == 1 }) {
                throw args.invalid(name, "\(f)(): \(name) is 1 at position \(i), which has no finite score (ψ = −log(−log 1) = ∞): a query that always fails needs no forecast",
                                   notes: ["drop such queries, or estimate probabilities with elicitation(), which never gives exactly 1"])
            }
            return p
        }
    }

    /// Data for an extreme-value fit: a vector of finite numbers, at least `need` of them, not
    /// all equal.
    public static func observations(_ name: String, atLeast need: Int, type: String = "vector", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, doc: doc)) { args, name in
            let f = args.builtin.name
            let x: [Double]
            switch try args.required(name) {
            case .vector(.numbers(let v)): x = v
            default: throw args.mismatch(name, expected: "a vector of numbers")
            }
            if let i = x.firstIndex(where: { $0.isNaN }) {
                throw args.invalid(name, "\(f)(): \(name) holds a missing value (NaN) at position \(i)", notes: ["drop_missing(\(name)) keeps the values that are present"])
            }
            if let i = x.firstIndex(where: { !$0.isFinite }) { throw args.invalid(name, "\(f)(): \(name) holds an infinite value at position \(i)") }
            guard x.count >= need else {
                throw args.invalid(name, "\(f)(): \(name) has \(x.count) value\(x.count == 1 ? "" : "s"); a maximum-likelihood fit of this model needs at least \(need), and many more for stable standard errors")
            }
            guard x.contains(where: { $0 != x[0] }) else { throw args.invalid(name, "\(f)(): every value of \(name) is \(NumberFormat.short(x[0])); a constant sample has no spread to fit") }
            return x
        }
    }
}

extension ParameterKey where T == Model {
    /// A trained classifier (from fit_logistic, fit_mlp or load).
    public static func model(_ name: String = "model", type: String = "model", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, doc: doc)) { args, name in
            guard case .object(let o) = try args.required(name), let mv = o as? ModelValue else {
                throw args.mismatch(name, expected: "a model (from fit_logistic, fit_mlp or load)")
            }
            return mv.model
        }
    }
}

/// Class labels to train on: read with ``Arguments/labels(_:count:)``, which needs the
/// number of examples and finds the classes.
public enum TrainingLabels {}

extension ParameterKey where T == TrainingLabels {
    /// Class labels to train on, read with ``Arguments/labels(_:count:)``.
    public static func trainingLabels(_ name: String, type: String = "vector", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, doc: doc)) { args, name in
            throw Diagnostic("internal.unread-labels", "internal: \(args.builtin.name)() reads the labels \(name) without the number of examples", at: args.callRange)
        }
    }
}

/// A whole number, nil when left out, whose lower bound depends on another argument (m= must
/// exceed k=): read with ``Arguments/optionalWholeNumber(_:atLeast:atMost:)``.
public enum DependentWholeNumber {}

extension ParameterKey where T == DependentWholeNumber {
    /// A whole number that may be left out, read with its bounds by
    /// ``Arguments/optionalWholeNumber(_:atLeast:atMost:)``.
    public static func dependentWholeNumber(_ name: String, absent: String, type: String = "whole number", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, .absent(absent), doc: doc)) { args, name in
            throw Diagnostic("internal.unread-bounds", "internal: \(args.builtin.name)() reads \(name) without its bounds", at: args.callRange)
        }
    }
}

extension Arguments {
    /// The labels of `key` for `count` examples, with their classes (see the string-named form).
    public func labels(_ key: ParameterKey<TrainingLabels>, count: Int) throws -> (labels: [Int], classes: [JSONValue]) {
        try checkDeclared(key.parameter)
        return try labels(key.name, count: count)
    }

    /// The whole number of `key` from `lower` to `upper`, nil when left out.
    public func optionalWholeNumber(_ key: ParameterKey<DependentWholeNumber>, atLeast lower: Int = .min, atMost upper: Int = .max) throws -> Int? {
        try checkDeclared(key.parameter)
        return try optionalWholeNumber(key.name, atLeast: lower, atMost: upper)
    }
}
