import FathomCore

// The kinds of parameter builtins take, each a factory that writes the declaration (the type
// in words, the default, the doc) and reads through the one accessor of ``Arguments`` that
// words its error, so a key's check and message are those of its kind.

extension ParameterKey where T == Double {
    /// A significance level α in (0, 1).
    public static func significance(_ name: String = "alpha", default value: Double, type: String = "number", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, .value(.number(value)), doc: doc)) { args, name in try args.significance(name) }
    }

    /// A number; `valid` and `message` add a check of the value, worded by the builtin's name
    /// and the value: "finetune(): lr must be a positive number".
    public static func number(_ name: String, _ defaultValue: Parameter.Default = .required, type: String = "number", doc: String,
                              where valid: (@Sendable (Double) -> Bool)? = nil, otherwise message: (@Sendable (_ builtin: String, _ value: Double) -> String)? = nil) -> ParameterKey {
        ParameterKey(Parameter(name, type, defaultValue, doc: doc)) { args, name in
            let x = try args.number(name)
            if let valid, let message, !valid(x) { throw args.invalid(name, message(args.builtin.name, x)) }
            return x
        }
    }
}

extension ParameterKey where T == Double? {
    /// A number that may be left out (nil).
    public static func optionalNumber(_ name: String, absent: String, type: String = "number", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, .absent(absent), doc: doc)) { args, name in try args.optionalNumber(name) }
    }

    /// A confidence level such as 0.95 (true means 0.95), nil when not asked for.
    public static func confidenceLevel(_ name: String = "ci", _ defaultValue: Parameter.Default, type: String = "number", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, defaultValue, doc: doc)) { args, name in try args.confidenceLevel(name) }
    }
}

extension ParameterKey where T == Int {
    /// A whole number from `lower` to `upper` (either may be open).
    public static func wholeNumber(_ name: String, _ defaultValue: Parameter.Default = .required, atLeast lower: Int = .min, atMost upper: Int = .max,
                                   type: String = "whole number", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, defaultValue, doc: doc)) { args, name in try args.wholeNumber(name, atLeast: lower, atMost: upper) }
    }

    /// A whole number with a default, written as a number in the docs.
    public static func wholeNumber(_ name: String, default value: Int, atLeast lower: Int = .min, atMost upper: Int = .max,
                                   type: String = "whole number", doc: String) -> ParameterKey {
        wholeNumber(name, .value(.number(Double(value))), atLeast: lower, atMost: upper, type: type, doc: doc)
    }
}

extension ParameterKey where T == Int? {
    /// A whole number that may be left out (nil); its range is checked when given.
    public static func optionalWholeNumber(_ name: String, absent: String, atLeast lower: Int = .min, atMost upper: Int = .max,
                                           type: String = "whole number", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, .absent(absent), doc: doc)) { args, name in try args.optionalWholeNumber(name, atLeast: lower, atMost: upper) }
    }
}

extension ParameterKey where T == UInt64? {
    /// A seed: a whole number ≥ 0, nil when left out.
    public static func seed(_ name: String = "seed", absent: String, type: String = "whole number", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, .absent(absent), doc: doc)) { args, name in try args.optionalSeed(name) }
    }
}

extension ParameterKey where T == UInt64 {
    /// A seed with a default: a whole number ≥ 0.
    public static func seed(_ name: String = "seed", default value: Int, type: String = "whole number", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, .value(.number(Double(value))), doc: doc)) { args, name in UInt64(try args.wholeNumber(name, atLeast: 0)) }
    }
}

extension ParameterKey where T == Bool {
    public static func bool(_ name: String, default value: Bool, type: String = "bool", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, .value(.bool(value)), doc: doc)) { args, name in try args.bool(name) }
    }
}

extension ParameterKey where T == String {
    /// A string the caller must give.
    public static func string(_ name: String, type: String = "string", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, doc: doc)) { args, name in try args.string(name) }
    }

    /// One of `options`; a wrong string is answered with the list and the nearest option.
    public static func choice(_ name: String, _ options: [String], default value: String, type: String = "string", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, .value(.string(value)), doc: doc)) { args, name in try args.choice(name, options) }
    }
}

extension ParameterKey where T: RawRepresentable & Sendable, T.RawValue == String {
    /// One of the cases `options`, named by their raw values, in that order in messages.
    public static func choice(_ name: String, _ options: [T], default value: T, type: String = "string", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, .value(.string(value.rawValue)), doc: doc)) { args, name in
            T(rawValue: try args.choice(name, options.map(\.rawValue)))!
        }
    }
}

extension ParameterKey where T == String? {
    /// A string that may be left out (nil, as is null).
    public static func optionalString(_ name: String, absent: String, type: String = "string", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, .absent(absent), doc: doc)) { args, name in
            guard let v = args.value(name), !v.isNull else { return nil }
            return try args.string(name)
        }
    }
}

extension ParameterKey where T == [Double] {
    /// A sample for a two-sample test: a non-empty vector of numbers, none missing.
    public static func sample(_ name: String, type: String = "vector", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, doc: doc)) { args, name in try args.sample(name) }
    }
}

extension ParameterKey where T == Matrix {
    /// A multivariate sample: a matrix, a vector or a table of numbers, with at least
    /// `minimum` rows and no missing values.
    public static func multivariateSample(_ name: String, minimum: Int = 2, type: String = "matrix", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, doc: doc)) { args, name in try args.multivariateSample(name, minimum: minimum) }
    }
}

extension ParameterKey where T == [String] {
    /// Two names for the samples in plots and tables (["a", "b"] when left out).
    public static func sampleLabels(_ name: String = "labels", type: String = "two strings", absent: String, doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, .absent(absent), doc: doc)) { args, name in try args.sampleLabels(name) }
    }
}

extension ParameterKey where T == Value {
    /// The argument as it is, for a builtin that reads it one way or another by its kind.
    public static func value(_ name: String, _ defaultValue: Parameter.Default = .required, type: String, doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, defaultValue, doc: doc)) { args, name in try args.required(name) }
    }
}

extension ParameterKey where T == ProbabilityInput {
    /// Class probabilities: an N×K matrix with rows summing to 1, or a vector of P(y = 1).
    public static func probabilities(_ name: String, type: String = "probabilities", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, doc: doc)) { args, name in try args.probabilities(name) }
    }
}

extension ParameterKey where T == ClassLabels {
    /// Class labels, read with ``Arguments/classLabels(_:rows:classes:counted:columns:of:)``.
    public static func classLabels(_ name: String, _ defaultValue: Parameter.Default = .required, type: String = "vector of labels", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, defaultValue, doc: doc)) { args, name in
            throw Diagnostic("internal.unread-labels", "internal: \(args.builtin.name)() reads the labels \(name) without the rows they belong to", at: args.callRange)
        }
    }
}

extension ParameterKey where T == ExampleWeights {
    /// Per-example weights, read with ``Arguments/weights(_:rows:)``.
    public static func weights(_ name: String = "weights", absent: String, type: String = "vector", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, .absent(absent), doc: doc)) { args, name in
            throw Diagnostic("internal.unread-weights", "internal: \(args.builtin.name)() reads the weights \(name) without the rows they belong to", at: args.callRange)
        }
    }
}

extension ParameterKey where T == [Double] {
    /// A vector of numbers (booleans read as 0 and 1).
    public static func vector(_ name: String, _ defaultValue: Parameter.Default = .required, type: String = "vector", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, defaultValue, doc: doc)) { args, name in try args.vector(name) }
    }

    /// Numbers: a vector or a single number (as a vector of one).
    public static func numbers(_ name: String, _ defaultValue: Parameter.Default = .required, type: String = "numbers", doc: String,
                               expected: String = "numbers (a vector or a number)") -> ParameterKey {
        ParameterKey(Parameter(name, type, defaultValue, doc: doc)) { args, name in try args.numbers(name, expected: expected) }
    }
}

extension ParameterKey where T == Table {
    /// A table.
    public static func table(_ name: String, _ defaultValue: Parameter.Default = .required, type: String = "table", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, defaultValue, doc: doc)) { args, name in try args.table(name) }
    }
}

extension ParameterKey where T == Matrix {
    /// A numeric matrix (vectors are not accepted).
    public static func matrix(_ name: String, _ defaultValue: Parameter.Default = .required, type: String = "matrix", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, defaultValue, doc: doc)) { args, name in try args.matrix(name) }
    }
}

/// Features as read: the matrix and, when they came from a table, its column names.
public typealias FeatureInput = (matrix: Matrix, names: [String]?)

extension ParameterKey where T == FeatureInput {
    /// A numeric matrix: a matrix, a vector as one column, or a table's numeric columns.
    public static func features(_ name: String, _ defaultValue: Parameter.Default = .required, type: String = "matrix or table", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, defaultValue, doc: doc)) { args, name in try args.features(name) }
    }
}

extension ParameterKey where T == Value? {
    /// The argument as it is, nil when left out (a builtin that treats absence specially).
    public static func optionalValue(_ name: String, _ defaultValue: Parameter.Default, type: String, doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, defaultValue, doc: doc)) { args, name in args.value(name) }
    }
}
