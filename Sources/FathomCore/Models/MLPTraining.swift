#if canImport(Glibc)
import Glibc
#endif

/// Trains a small dense network (one or more hidden layers, softmax output) by minibatch Adam
/// (Kingma & Ba 2015) on the mean cross-entropy plus (λ/2)·Σ‖W‖². Weights start Glorot-
/// uniform (bound √(6/(fan_in + fan_out))) from a seeded generator and minibatches are drawn
/// by a seeded shuffle each epoch, so a seed gives the same network every time.
public enum MLPTraining {
    public struct Options: Sendable {
        public var hidden: [Int] = [64]
        public var activation: Model.Activation = .relu
        public var epochs = 100
        public var batchSize = 64
        public var learningRate = 0.001
        public var l2 = 1e-4
        public var seed: UInt64 = 0
        public var standardize = true

        public init() {}
    }

    public struct Fit: Sendable {
        public var model: Model
        /// Mean training loss (cross-entropy plus penalty) after each epoch.
        public var losses: [Double]
    }

    public static func fit(_ x: Matrix, labels: [Int], classes: Int, options: Options, progress: any ProgressReporter = SilentProgress()) throws -> Fit {
        precondition(x.rows == labels.count && x.rows > 0 && classes >= 2)
        var data = x
        var scaling: (mean: [Double], scale: [Double])?
        if options.standardize {
            let s = Standardization.fit(x)
            data = s.apply(x)
            scaling = (s.mean, s.scale)
        }
        var random = Xoshiro256(seed: options.seed)
        let sizes = [data.cols] + options.hidden + [classes]
        var layers: [Model.Layer] = []
        for l in 1..<sizes.count {
            let fanIn = sizes[l - 1], fanOut = sizes[l]
            let bound = (6.0 / Double(fanIn + fanOut)).squareRoot()
            let w = (0..<(fanIn * fanOut)).map { _ in (2 * random.nextUniform() - 1) * bound }
            let b = (0..<fanOut).map { _ in (2 * random.nextUniform() - 1) * bound }
            layers.append(Model.Layer(weights: Matrix(rows: fanOut, cols: fanIn, storage: w), bias: b, activation: l == sizes.count - 1 ? .identity : options.activation))
        }
        var adam = layers.map { AdamState(weights: $0.weights.count, bias: $0.bias.count) }
        let n = data.rows
        var order = Array(0..<n)
        var losses: [Double] = []
        var step = 0
        defer { progress.finish() }
        for epoch in 0..<options.epochs {
            for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, random.nextInt(below: i + 1)) }
            var epochLoss = 0.0
            var start = 0
            while start < n {
                try Interruption.check()
                let batch = Array(order[start..<min(n, start + options.batchSize)])
                start += options.batchSize
                let xb = data.selectingRows(batch)
                let yb = batch.map { labels[$0] }
                let (loss, gradients) = lossAndGradients(layers, xb, yb, l2: options.l2)
                epochLoss += loss * Double(batch.count)
                step += 1
                for l in layers.indices {
                    adam[l].update(&layers[l], gradients[l], step: step, rate: options.learningRate)
                }
            }
            losses.append(epochLoss / Double(n))
            progress.report("training", fraction: Double(epoch + 1) / Double(options.epochs))
        }
        let model = Model(kind: .mlp, classes: (0..<classes).map { .number(Double($0)) }, standardize: scaling, layers: layers,
                          training: .object([("estimator", .string("fit_mlp")), ("hidden", .array(options.hidden.map { .number(Double($0)) })),
                                             ("epochs", .number(Double(options.epochs))), ("seed", .number(Double(options.seed))), ("l2", .number(options.l2))]))
        return Fit(model: model, losses: losses)
    }

    /// The batch loss and each layer's gradient (weights, bias).
    static func lossAndGradients(_ layers: [Model.Layer], _ x: Matrix, _ y: [Int], l2: Double) -> (Double, [([Double], [Double])]) {
        let inputs = forward(layers, x)
        let b = Double(x.rows)
        let probabilities = RowOperations.softmax(inputs[inputs.count - 1])
        var delta = probabilities
        var loss = 0.0
        for i in 0..<x.rows {
            loss -= log(max(probabilities[i, y[i]], 1e-300))
            delta[i, y[i]] -= 1
        }
        loss /= b
        delta.storage = delta.storage.map { $0 / b }
        let (gradients, penalty) = backward(layers, inputs, delta, l2: l2)
        return (loss + penalty, gradients)
    }

    /// Every layer's input, then the logits: `[x, h1, …, logits]`.
    static func forward(_ layers: [Model.Layer], _ x: Matrix) -> [Matrix] {
        var inputs: [Matrix] = [x]
        var h = x
        for layer in layers {
            var z = h.multipliedTransposed(layer.weights)
            let m = z.cols
            z.storage.withUnsafeMutableBufferPointer { p in
                for i in 0..<z.rows { for j in 0..<m { p[i * m + j] = layer.activation.apply(p[i * m + j] + layer.bias[j]) } }
            }
            h = z
            inputs.append(z)
        }
        return inputs
    }

    /// Each layer's gradient (weights, bias) from dLoss/dlogits, by backpropagation through
    /// the activations `forward` kept, plus the penalty (l2/2)·Σ‖W‖² and its gradient.
    static func backward(_ layers: [Model.Layer], _ inputs: [Matrix], _ logitDelta: Matrix, l2: Double) -> ([([Double], [Double])], Double) {
        var delta = logitDelta
        var penalty = 0.0
        var gradients: [([Double], [Double])] = Array(repeating: ([], []), count: layers.count)
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let a = inputs[l]
            let layer = layers[l]
            var gw = [Double](repeating: 0, count: layer.weights.count)
            var gb = [Double](repeating: 0, count: layer.bias.count)
            let out = layer.weights.rows, inn = layer.weights.cols
            // gw += deltaᵀ·a, row by row of a: each term is an axpy on contiguous memory.
            delta.storage.withUnsafeBufferPointer { d in
                a.storage.withUnsafeBufferPointer { x in
                    gw.withUnsafeMutableBufferPointer { w in
                        for i in 0..<a.rows {
                            let row = x.baseAddress! + i * inn
                            for o in 0..<out {
                                let dlt = d[i * out + o]
                                if dlt == 0 { continue }
                                gb[o] += dlt
                                let target = w.baseAddress! + o * inn
                                for j in 0..<inn { target[j] += dlt * row[j] }
                            }
                        }
                    }
                }
            }
            for k in 0..<gw.count {
                gw[k] += l2 * layer.weights.storage[k]
                penalty += 0.5 * l2 * layer.weights.storage[k] * layer.weights.storage[k]
            }
            gradients[l] = (gw, gb)
            if l > 0 {
                var back = delta.multiplied(by: layer.weights)
                let below = layers[l - 1].activation
                let act = inputs[l]
                for k in 0..<back.storage.count {
                    let v = act.storage[k]
                    switch below {
                    case .relu: if v <= 0 { back.storage[k] = 0 }
                    case .tanh: back.storage[k] *= 1 - v * v
                    case .logistic: back.storage[k] *= v * (1 - v)
                    case .identity: break
                    }
                }
                delta = back
            }
        }
        return (gradients, penalty)
    }
}

/// Adam's moment estimates for one layer.
struct AdamState {
    var mw: [Double], vw: [Double], mb: [Double], vb: [Double]

    init(weights: Int, bias: Int) {
        mw = [Double](repeating: 0, count: weights); vw = mw
        mb = [Double](repeating: 0, count: bias); vb = mb
    }

    mutating func update(_ layer: inout Model.Layer, _ g: ([Double], [Double]), step: Int, rate: Double) {
        let b1 = 0.9, b2 = 0.999, eps = 1e-8
        let c1 = 1 - pow(b1, Double(step)), c2 = 1 - pow(b2, Double(step))
        for k in 0..<mw.count {
            mw[k] = b1 * mw[k] + (1 - b1) * g.0[k]
            vw[k] = b2 * vw[k] + (1 - b2) * g.0[k] * g.0[k]
            layer.weights.storage[k] -= rate * (mw[k] / c1) / ((vw[k] / c2).squareRoot() + eps)
        }
        for k in 0..<mb.count {
            mb[k] = b1 * mb[k] + (1 - b1) * g.1[k]
            vb[k] = b2 * vb[k] + (1 - b2) * g.1[k] * g.1[k]
            layer.bias[k] -= rate * (mb[k] / c1) / ((vb[k] / c2).squareRoot() + eps)
        }
    }
}
