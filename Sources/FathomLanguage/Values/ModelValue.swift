import FathomCore

/// A classifier as a value of the language: prints a summary, has fields, saves as Fathom's
/// JSON model format.
public struct ModelValue: DeclaredResult, FileFormatResult, Plottable {
    public let model: Model

    public init(_ model: Model) { self.model = model }

    public var typeName: String { "model" }

    public var described: String { "\(model.kind == .mlp ? "an" : "a") \(model.kind.rawValue) model (\(model.inputCount) inputs, \(model.classCount) classes)" }

    public static let resultName = "model"
    public static let resultDoc = "A classifier (fit_logistic, fit_mlp, finetune, or load of a model file): predict(m, X) gives probabilities, logits(m, X) the scores before softmax. Its JSON is Fathom's model file format (docs/model-format.md)."
    public static let fields: [ResultField<ModelValue>] = [
        ResultField("kind", "softmax-regression or mlp") { .string($0.model.kind.rawValue) },
        ResultField("classes", "the class names, in column order of its predictions") { ModelValue.classesValue($0.model.classes) },
        ResultField("features", "the feature columns it reads from a table, or null") { m in m.model.features.map { .strings($0) } ?? .null },
        ResultField("inputs", "the number of features") { .number(Double($0.model.inputCount)) },
        ResultField("layers", "each layer's weights, bias and activation") { m in
            .list(m.model.layers.map { l in
                .record(Record([("weights", .matrix(l.weights)), ("bias", .numbers(l.bias)), ("activation", .string(l.activation.rawValue))]))
            })
        },
        ResultField("standardize", "the mean and scale applied to inputs first, or null") { m in
            guard let s = m.model.standardize else { return .null }
            return .record(Record([("mean", .numbers(s.mean)), ("scale", .numbers(s.scale))]))
        },
        ResultField("training", "how it was fitted (and fine-tuned: the curves plot(m) draws), or null") { m in m.model.training.map { Value(json: $0) } ?? .null },
    ]

    /// The model's class names when they are text (its predictions' columns carry them, so
    /// text labels find their columns by name), else nil.
    static func textClasses(_ model: Model) -> [String]? {
        let names = model.classes.compactMap { c -> String? in if case .string(let s) = c { return s } else { return nil } }
        return names.count == model.classes.count && !names.isEmpty ? names : nil
    }

    static func classesValue(_ classes: [JSONValue]) -> Value {
        Value(json: .array(classes))
    }

    public func renderText(_ options: RenderOptions) -> String {
        let sizes = [model.inputCount] + model.layers.map(\.weights.rows)
        var lines = ["model \(model.kind.rawValue): \(model.inputCount) inputs → \(model.classCount) classes (\(model.parameterCount) parameters)"]
        lines.append("  layers:      " + sizes.map(String.init).joined(separator: " → ") + "  (" + model.layers.map(\.activation.rawValue).joined(separator: ", ") + ")")
        lines.append("  classes:     " + ModelValue.classesValue(model.classes).renderText(options))
        lines.append("  standardize: " + (model.standardize == nil ? "no" : "yes"))
        if let t = model.training, case .object(let members) = t {
            lines.append("  training:    " + members.map { "\($0.0) \(Value(json: $0.1).renderText(options))" }.joined(separator: ", "))
        }
        // Long metadata is cut at the line width; m.training shows it whole.
        return lines.map { $0.count > options.width ? String($0.prefix(options.width - 1)) + "…" : $0 }.joined(separator: "\n")
    }

    public func json() -> JSONValue { model.json() }

    /// The training curves of a fine-tuned model: the cross-entropy and the forecastability
    /// loss at each step.
    public func figure() throws -> Figure {
        guard case .object(let members)? = model.training, let tune = members.first(where: { $0.0 == "finetune" })?.1,
              case .object(let fields) = tune,
              case .array(let primary)? = fields.first(where: { $0.0 == "primary" })?.1,
              case .array(let forecast)? = fields.first(where: { $0.0 == "forecastability_loss" })?.1 else {
            throw Diagnostic("plot.model", "a model has a plot only once fine-tuned: finetune() or forecastability= in fit_logistic and fit_mlp record its training curves")
        }
        func numbers(_ a: [JSONValue]) -> [Double] { a.map { if case .number(let x) = $0 { return x }; return .nan } }
        let steps = (1...max(1, primary.count)).map(Double.init)
        var ce = Series(.lines, x: steps, y: numbers(primary), label: "cross-entropy")
        ce.color = 0
        var top = Panel(ylabel: "cross-entropy", series: [ce])
        top.heightShare = 0.5
        var f = Series(.lines, x: steps, y: numbers(forecast), label: "forecastability loss")
        f.color = 1
        var bottom = Panel(xlabel: "step", ylabel: "forecast loss", series: [f])
        bottom.heightShare = 0.5
        bottom.logy = numbers(forecast).allSatisfy { !$0.isFinite || $0 > 0 }
        return Figure(kind: "training curves", title: "fine-tuning", panels: [top, bottom])
    }

}

extension Value {
    /// A JSON document as a value: objects are records, arrays of numbers (or booleans, or
    /// strings) are vectors, arrays of equal-length number arrays are matrices, other arrays
    /// lists, null is null.
    public init(json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let x): self = .number(x)
        case .string(let s): self = .string(s)
        case .object(let members): self = .record(Record(members.map { ($0.0, Value(json: $0.1)) }))
        case .array(let items):
            let values = items.map { Value(json: $0) }
            self = (try? ArrayLiteral.build(values, values.map { _ in SourceRange(0, 0) }, at: SourceRange(0, 0), limit: Int.max)) ?? .list(values)
        }
    }
}
