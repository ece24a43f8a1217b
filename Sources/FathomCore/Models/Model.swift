#if canImport(Glibc)
import Glibc
#endif

/// A classifier: optional standardisation, then dense layers, then softmax over the last
/// layer's outputs (the logits). Fathom's JSON model format (docs/model-format.md) stores
/// exactly this.
public struct Model: Sendable {
    public enum Kind: String, Sendable {
        case softmaxRegression = "softmax-regression"
        case mlp
    }

    public enum Activation: String, Sendable, CaseIterable {
        case relu, tanh, logistic, identity

        @inline(__always)
        func apply(_ x: Double) -> Double {
            switch self {
            case .relu: return x > 0 ? x : 0
            case .tanh: return Glibc.tanh(x)
            case .logistic: return 1 / (1 + exp(-x))
            case .identity: return x
            }
        }
    }

    /// One dense layer: outputs = activation(weights · inputs + bias).
    public struct Layer: Sendable {
        /// out × in: one row per output unit.
        public var weights: Matrix
        public var bias: [Double]
        public var activation: Activation

        public init(weights: Matrix, bias: [Double], activation: Activation) {
            self.weights = weights
            self.bias = bias
            self.activation = activation
        }
    }

    public var kind: Kind
    /// The class labels in logit order (numbers or strings, as the file gave them).
    public var classes: [JSONValue]
    public var features: [String]?
    /// x ↦ (x − mean) / scale before the first layer.
    public var standardize: (mean: [Double], scale: [Double])?
    public var layers: [Layer]
    /// Free-form: where the model came from.
    public var training: JSONValue?

    public init(kind: Kind, classes: [JSONValue], features: [String]? = nil, standardize: (mean: [Double], scale: [Double])? = nil, layers: [Layer], training: JSONValue? = nil) {
        self.kind = kind
        self.classes = classes
        self.features = features
        self.standardize = standardize
        self.layers = layers
        self.training = training
    }

    /// d, the number of inputs.
    public var inputCount: Int { layers.first?.weights.cols ?? 0 }
    /// K, the number of classes.
    public var classCount: Int { layers.last?.weights.rows ?? 0 }
    /// Weights and biases in all.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.weights.count + $1.bias.count } }

    /// The logits for each row of `x` (N × d) as an N × K matrix. Polls Ctrl-C per block of
    /// rows.
    public func logits(_ x: Matrix) throws -> Matrix {
        precondition(x.cols == inputCount, "input width differs from the model's")
        var h = x
        if let s = standardize {
            h.storage.withUnsafeMutableBufferPointer { p in
                for i in 0..<h.rows {
                    for j in 0..<h.cols { p[i * h.cols + j] = (p[i * h.cols + j] - s.mean[j]) / s.scale[j] }
                }
            }
        }
        for layer in layers {
            try Interruption.check()
            var z = h.multipliedTransposed(layer.weights)
            let m = z.cols
            let act = layer.activation
            z.storage.withUnsafeMutableBufferPointer { p in
                for i in 0..<z.rows {
                    for j in 0..<m { p[i * m + j] = act.apply(p[i * m + j] + layer.bias[j]) }
                }
            }
            h = z
        }
        return h
    }

    /// Class probabilities: the softmax of ``logits(_:)``.
    public func probabilities(_ x: Matrix) throws -> Matrix {
        RowOperations.softmax(try logits(x))
    }
}
