/// A model file that breaks the format, naming the field.
public struct ModelFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

extension Model {
    /// Whether a JSON document claims to be a Fathom model.
    public static func isModelDocument(_ json: JSONValue) -> Bool {
        json["format"] == .string("fathom-model")
    }

    /// Reads Fathom's JSON model format (docs/model-format.md), checking every rule.
    public init(json: JSONValue) throws {
        guard case .object = json else { throw ModelFormatError("(top level)", "a model file is a JSON object") }
        guard json["format"] == .string("fathom-model") else { throw ModelFormatError("format", "must be \"fathom-model\"") }
        guard case .number(let version)? = json["version"] else { throw ModelFormatError("version", "missing; this reader knows version 1") }
        guard version == 1 else { throw ModelFormatError("version", "is \(JSONValue.numberText(version)); this reader knows version 1") }
        guard case .string(let kindText)? = json["kind"], let kind = Kind(rawValue: kindText) else {
            throw ModelFormatError("kind", "must be \"softmax-regression\" or \"mlp\"")
        }
        guard json["output"] == .string("softmax") else { throw ModelFormatError("output", "must be \"softmax\"") }
        guard case .array(let classes)? = json["classes"], !classes.isEmpty else {
            throw ModelFormatError("classes", "must be a non-empty array of class labels")
        }
        var features: [String]?
        if let f = json["features"], f != .null {
            guard case .array(let items) = f else { throw ModelFormatError("features", "must be an array of names") }
            features = try items.enumerated().map { i, v in
                guard case .string(let s) = v else { throw ModelFormatError("features[\(i)]", "must be a string") }
                return s
            }
        }
        guard case .array(let layerItems)? = json["layers"], !layerItems.isEmpty else {
            throw ModelFormatError("layers", "must be a non-empty array")
        }
        var layers: [Layer] = []
        for (l, item) in layerItems.enumerated() {
            let at = "layers[\(l)]"
            guard case .array(let rows)? = item["weights"], !rows.isEmpty else { throw ModelFormatError("\(at).weights", "must be a non-empty array of rows") }
            let matrix = try ModelFormatError.numbers(rows, field: "\(at).weights")
            guard case .array(let b)? = item["bias"] else { throw ModelFormatError("\(at).bias", "missing") }
            let bias = try ModelFormatError.vector(b, field: "\(at).bias")
            guard bias.count == matrix.rows else {
                throw ModelFormatError("\(at).bias", "has \(bias.count) numbers; the weights have \(matrix.rows) rows")
            }
            guard case .string(let a)? = item["activation"], let act = Activation(rawValue: a) else {
                throw ModelFormatError("\(at).activation", "must be one of " + Activation.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
            }
            if let prev = layers.last, prev.weights.rows != matrix.cols {
                throw ModelFormatError("\(at).weights", "rows have \(matrix.cols) inputs; the previous layer has \(prev.weights.rows) outputs")
            }
            layers.append(Layer(weights: matrix, bias: bias, activation: act))
        }
        guard layers.last!.activation == .identity else { throw ModelFormatError("layers[\(layers.count - 1)].activation", "the last layer gives the logits: it must be \"identity\"") }
        guard layers.last!.weights.rows == classes.count else {
            throw ModelFormatError("classes", "has \(classes.count) labels; the last layer has \(layers.last!.weights.rows) outputs")
        }
        if kind == .softmaxRegression, layers.count != 1 { throw ModelFormatError("layers", "a softmax-regression has exactly one layer") }
        let d = layers[0].weights.cols
        if let features, features.count != d { throw ModelFormatError("features", "has \(features.count) names; the first layer takes \(d) inputs") }
        var standardize: (mean: [Double], scale: [Double])?
        if let s = json["standardize"], s != .null {
            guard case .array(let m)? = s["mean"], case .array(let sc)? = s["scale"] else {
                throw ModelFormatError("standardize", "needs \"mean\" and \"scale\" arrays")
            }
            let mean = try ModelFormatError.vector(m, field: "standardize.mean")
            let scale = try ModelFormatError.vector(sc, field: "standardize.scale")
            guard mean.count == d else { throw ModelFormatError("standardize.mean", "has \(mean.count) numbers; the model takes \(d) inputs") }
            guard scale.count == d else { throw ModelFormatError("standardize.scale", "has \(scale.count) numbers; the model takes \(d) inputs") }
            if let z = scale.firstIndex(of: 0) { throw ModelFormatError("standardize.scale[\(z)]", "is 0; scales must be non-zero") }
            standardize = (mean, scale)
        }
        self.init(kind: kind, classes: classes, features: features, standardize: standardize, layers: layers, training: json["training"])
    }

    /// The model in Fathom's JSON format.
    public func json() -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("format", .string("fathom-model")),
            ("version", .number(1)),
            ("kind", .string(kind.rawValue)),
            ("classes", .array(classes)),
        ]
        if let features { members.append(("features", .array(features.map { .string($0) }))) }
        if let s = standardize {
            members.append(("standardize", .object([("mean", .array(s.mean.map { .number($0) })), ("scale", .array(s.scale.map { .number($0) }))])))
        }
        members.append(("layers", .array(layers.map { l in
            .object([
                ("weights", .array((0..<l.weights.rows).map { i in .array(l.weights.row(i).map { .number($0) }) })),
                ("bias", .array(l.bias.map { .number($0) })),
                ("activation", .string(l.activation.rawValue)),
            ])
        })))
        members.append(("output", .string("softmax")))
        if let training { members.append(("training", training)) }
        return .object(members)
    }
}

extension ModelFormatError {
    static func vector(_ items: [JSONValue], field: String) throws -> [Double] {
        try items.enumerated().map { i, v in
            guard case .number(let x) = v else { throw ModelFormatError("\(field)[\(i)]", "must be a number") }
            guard x.isFinite else { throw ModelFormatError("\(field)[\(i)]", "must be finite") }
            return x
        }
    }

    static func numbers(_ rows: [JSONValue], field: String) throws -> Matrix {
        var storage: [Double] = []
        var width: Int?
        for (i, row) in rows.enumerated() {
            guard case .array(let items) = row else { throw ModelFormatError("\(field)[\(i)]", "must be an array of numbers") }
            if let w = width, w != items.count { throw ModelFormatError("\(field)[\(i)]", "has \(items.count) numbers; row 0 has \(w)") }
            width = items.count
            storage += try vector(items, field: "\(field)[\(i)]")
        }
        guard let w = width, w > 0 else { throw ModelFormatError(field, "rows must not be empty") }
        return Matrix(rows: rows.count, cols: w, storage: storage)
    }
}
