import FathomCore

/// Builtins about values and the session rather than data.
enum SessionBuiltins {
    static var all: [Builtin] { [print, type] }

    static let printed: ParameterKey<PositionalArguments> = .variadic("values", type: "any values", doc: "what to print")
    /// x, any value (type, and shape in TableBuiltins).
    static let anyValue: ParameterKey<Value> = .value("x", type: "any value", doc: "the value")

    static let print = Builtin(
        "print", area: .session,
        parameters: declare(printed),
        returns: "null (prints)",
        summary: "print values",
        doc: "print(a, b, …) writes its arguments separated by spaces and ends the line. Strings print without quotes; other values as the shell shows them.",
        examples: ["print(\"mean:\", mean([1, 2, 3]))"]
    ) { args, context in
        let parts = try args[printed].map { $0.0.printedText(context.renderOptions) }
        context.emit(parts.joined(separator: " ") + "\n")
        return .null
    }

    static let type = Builtin(
        "type", area: .session,
        parameters: declare(anyValue),
        returns: "a string",
        summary: "the kind of a value",
        doc: "type(x) names the kind of x: number, bool, string, null, vector, matrix, table, record, list, builtin, or an analysis kind such as model.",
        examples: ["type([1, 2])", "type(mean)"]
    ) { args, _ in
        .string(try args[anyValue].typeName)
    }
}
