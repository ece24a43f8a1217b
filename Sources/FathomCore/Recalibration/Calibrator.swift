#if canImport(Glibc)
import Glibc
#endif

/// A fitted recalibration map, ready to apply to new scores, and its JSON form.
public struct Calibrator: Sendable {
    public enum Method: Sendable {
        /// softmax(z / T) on logits.
        case temperature(Double)
        /// softmax(z ⊙ w + b) on logits.
        case vectorScaling(w: [Double], b: [Double])
        /// 1 / (1 + exp(A·s + B)) on a binary score.
        case platt(a: Double, b: Double)
        /// Beta calibration on a binary probability.
        case beta(a: Double, b: Double, c: Double)
        /// One isotonic map per class (one for a binary score); rows renormalised.
        case isotonic([IsotonicFit])
        /// Equal-width bins on [0, 1] mapped to values, one map per class (one for binary).
        case histogram(bins: Int, values: [[Double]])
    }

    /// What the map reads.
    public enum Input: String, Sendable {
        /// An N×K matrix of logits (probabilities are taken as log-probabilities).
        case logits
        /// An N×K probability matrix, or a vector of P(y = 1).
        case probabilities
        /// A vector of real-valued binary scores.
        case scores
    }

    public var method: Method
    public var classes: Int
    public var input: Input

    public init(method: Method, classes: Int, input: Input) {
        self.method = method
        self.classes = classes
        self.input = input
    }

    public var name: String {
        switch method {
        case .temperature: "temperature"
        case .vectorScaling: "vector_scaling"
        case .platt: "platt"
        case .beta: "beta_calibration"
        case .isotonic: "isotonic"
        case .histogram: "histogram_binning"
        }
    }

    /// Applies a matrix map (temperature, vector scaling, multiclass isotonic or histogram) to
    /// an N×K matrix: logits for the first two, probabilities for the others.
    public func apply(matrix x: Matrix) -> Matrix {
        switch method {
        case .temperature(let t):
            return RowOperations.softmax(Matrix(rows: x.rows, cols: x.cols, storage: x.storage.map { $0 / t }))
        case .vectorScaling(let w, let b):
            return VectorScaling.apply(x, w: w, b: b)
        case .isotonic(let fits):
            return Calibrator.renormalised(x) { j, v in fits[j].value(v) }
        case .histogram(_, let values):
            return Calibrator.renormalised(x) { j, v in HistogramBinning.apply(v, values: values[j]) }
        case .platt, .beta:
            return x
        }
    }

    /// Applies a one-dimensional map to each value.
    public func apply(vector s: [Double]) -> [Double] {
        switch method {
        case .platt(let a, let b): return s.map { PlattScaling.apply($0, a: a, b: b) }
        case .beta(let a, let b, let c): return s.map { BetaCalibration.apply($0, a: a, b: b, c: c) }
        case .isotonic(let fits): return s.map { fits[0].value($0) }
        case .histogram(_, let values): return s.map { HistogramBinning.apply($0, values: values[0]) }
        case .temperature(let t): return s.map { 1 / (1 + exp(-$0 / t)) }
        case .vectorScaling: return s
        }
    }

    /// Each column mapped by `f(column, value)`, rows renormalised to sum 1 (a row that maps to
    /// all zeros becomes uniform).
    static func renormalised(_ x: Matrix, _ f: (Int, Double) -> Double) -> Matrix {
        var out = x
        let k = x.cols
        for i in 0..<x.rows {
            var sum = 0.0
            for j in 0..<k {
                let v = f(j, x[i, j])
                out[i, j] = v
                sum += v
            }
            for j in 0..<k { out[i, j] = sum > 0 ? out[i, j] / sum : 1 / Double(k) }
        }
        return out
    }

    // MARK: - JSON

    public func json() -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("format", .string("fathom-calibrator")), ("version", .number(1)),
            ("method", .string(name)), ("classes", .number(Double(classes))), ("input", .string(input.rawValue)),
        ]
        func numbers(_ v: [Double]) -> JSONValue { .array(v.map { .number($0) }) }
        switch method {
        case .temperature(let t): members.append(("temperature", .number(t)))
        case .vectorScaling(let w, let b): members += [("w", numbers(w)), ("b", numbers(b))]
        case .platt(let a, let b): members += [("A", .number(a)), ("B", .number(b))]
        case .beta(let a, let b, let c): members += [("a", .number(a)), ("b", .number(b)), ("c", .number(c))]
        case .isotonic(let fits): members.append(("maps", .array(fits.map { .object([("x", numbers($0.x)), ("y", numbers($0.y))]) })))
        case .histogram(let bins, let values): members += [("bins", .number(Double(bins))), ("values", .array(values.map(numbers)))]
        }
        return .object(members)
    }

    public static func isCalibratorDocument(_ json: JSONValue) -> Bool {
        json["format"] == .string("fathom-calibrator")
    }

    /// Reads the JSON form, checking it names the field that is wrong.
    public init(json: JSONValue) throws {
        func number(_ key: String) throws -> Double {
            guard case .number(let x)? = json[key], x.isFinite else { throw ModelFormatError(key, "must be a finite number") }
            return x
        }
        func numbers(_ v: JSONValue?, _ key: String) throws -> [Double] {
            guard case .array(let items)? = v else { throw ModelFormatError(key, "must be an array of numbers") }
            return try ModelFormatError.vector(items, field: key)
        }
        guard json["version"] == .number(1) else { throw ModelFormatError("version", "this reader knows version 1") }
        guard case .string(let method)? = json["method"] else { throw ModelFormatError("method", "missing") }
        let classes = Int(try number("classes"))
        guard case .string(let inputText)? = json["input"], let input = Input(rawValue: inputText) else { throw ModelFormatError("input", "must be logits, probabilities or scores") }
        let m: Method
        switch method {
        case "temperature":
            let t = try number("temperature")
            guard t > 0 else { throw ModelFormatError("temperature", "must be positive") }
            m = .temperature(t)
        case "vector_scaling":
            let w = try numbers(json["w"], "w"), b = try numbers(json["b"], "b")
            guard w.count == classes, b.count == classes else { throw ModelFormatError("w", "w and b need one number per class") }
            m = .vectorScaling(w: w, b: b)
        case "platt": m = .platt(a: try number("A"), b: try number("B"))
        case "beta_calibration": m = .beta(a: try number("a"), b: try number("b"), c: try number("c"))
        case "isotonic":
            guard case .array(let maps)? = json["maps"], !maps.isEmpty else { throw ModelFormatError("maps", "must be a non-empty array") }
            m = .isotonic(try maps.enumerated().map { k, v in
                let x = try numbers(v["x"], "maps[\(k)].x"), y = try numbers(v["y"], "maps[\(k)].y")
                guard x.count == y.count, !x.isEmpty else { throw ModelFormatError("maps[\(k)]", "x and y must have the same non-zero length") }
                return IsotonicFit(x: x, y: y)
            })
        case "histogram_binning":
            let bins = Int(try number("bins"))
            guard case .array(let rows)? = json["values"] else { throw ModelFormatError("values", "must be an array") }
            let values = try rows.enumerated().map { try numbers($1, "values[\($0)]") }
            guard bins > 0, values.allSatisfy({ $0.count == bins }) else { throw ModelFormatError("values", "each map needs one value per bin") }
            m = .histogram(bins: bins, values: values)
        default:
            throw ModelFormatError("method", "unknown method '\(method)'")
        }
        self.init(method: m, classes: classes, input: input)
    }
}
