import FathomCore

// Kinds of parameter the data builtins take (tables, files, SQL): names of columns, strings
// with a default, the positional arguments a variadic parameter collects, and the argument
// of a parameter some other builtin declares.

extension ParameterKey where T == String {
    /// A string with a default, or one the caller may leave out when the builtin first checks
    /// that it was given.
    public static func string(_ name: String, _ defaultValue: Parameter.Default, type: String = "string", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, defaultValue, doc: doc)) { args, name in try args.string(name) }
    }
}

extension ParameterKey where T == [String] {
    /// Names: one string, or a vector of strings, in the order given; anything else is refused
    /// as "expects name: `expected`".
    public static func names(_ name: String, type: String = "string or vector of strings", doc: String, expected: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, doc: doc)) { args, name in
            switch try args.required(name) {
            case .string(let s): return [s]
            case .vector(.strings(let s)): return s
            default: throw args.mismatch(name, expected: expected)
            }
        }
    }
}

extension ParameterKey where T == [String]? {
    /// A vector of strings that may be left out (nil, as is null); anything else is refused as
    /// "expects name: `expected`".
    public static func optionalStrings(_ name: String, absent: String, type: String = "vector of strings", doc: String, expected: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, .absent(absent), doc: doc)) { args, name in
            guard let v = args.value(name), !v.isNull else { return nil }
            guard case .vector(.strings(let s)) = v else { throw args.mismatch(name, expected: expected) }
            return s
        }
    }
}

/// The positional arguments a variadic parameter collects, each with where it was written.
public typealias PositionalArguments = [(Value, SourceRange)]

extension ParameterKey where T == PositionalArguments {
    /// A variadic parameter: every remaining positional argument (``Arguments/rest``).
    public static func variadic(_ name: String, _ defaultValue: Parameter.Default = .required, type: String, doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, defaultValue, doc: doc, variadic: true)) { args, _ in args.rest }
    }
}

extension ParameterKey where T == Value? {
    /// The argument of `parameter`, as it is (nil when absent), for code that looks at every
    /// argument of a builtin it does not declare itself: sql_for() and the statistics pushed
    /// into SQL find the columns of a SQL source among any builtin's arguments.
    public static func declared(_ parameter: Parameter) -> ParameterKey {
        ParameterKey(parameter) { args, name in args.value(name) }
    }
}
