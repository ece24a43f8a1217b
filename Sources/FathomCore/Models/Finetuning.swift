#if canImport(Glibc)
import Glibc
#endif

/// Fine-tuning a classifier for predictable failures: Adam on the mean cross-entropy +
/// (l2/2)·Σ‖W‖² + λ·forecastability loss (``Forecastability``), with fresh random partitions
/// at every step, from a seeded generator; full-batch, or on a random mini-batch of rows per
/// step from which the partitions are then drawn.
public enum Finetuning {
    public struct Options: Sendable {
        /// λ, the weight of the forecastability loss (0: cross-entropy alone).
        public var lambda = 1.0
        public var steps = 200
        /// Small on purpose: a standardised input that was nearly constant in training turns a
        /// small weight change into a large logit change for the rows where it is not (the
        /// rare rows of digits-rare move by ±5 logits per 0.01), and the forecastability
        /// gradient on those rows changes sign from partition to partition.
        public var learningRate = 0.002
        public var l2 = 0.0
        /// Evaluation and deployment sizes of each partition, and the tail size k.
        public var m = 1000
        public var n = 10_000
        public var k = 10
        public var partitions = 32
        public var positions: GumbelTail.Positions = .empirical
        public var scale: Forecastability.Scale = .log10
        public var seed: UInt64 = 0
        /// τ of the smooth maximum of each deployment set in the forecastability loss
        /// (``Forecastability/smoothMaximum(_:_:weights:)``); nil: the hard maximum.
        public var smoothing: Double? = nil
        /// Rows per Adam step, drawn without replacement from the pool at each step (at least
        /// m + n, at most the pool); nil: the whole pool.
        public var batch: Int? = nil

        public init() {}
    }

    public enum Problem: Error, Equatable, Sendable {
        /// The objective or its gradient stopped being finite at this step (1-based): the
        /// steps were too large for the loss's curvature.
        case diverged(step: Int)
        /// The batch is smaller than m + n (`need`) or larger than the pool.
        case batch(batch: Int, pool: Int, need: Int)
    }

    public struct Result: Sendable {
        public var model: Model
        /// Per step, before its update: the mean cross-entropy and the forecastability loss
        /// (NaN at a step where no partition had a forecast).
        public var primary: [Double]
        public var forecastability: [Double]
    }

    public static func finetune(_ model: Model, x: Matrix, labels: [Int], options: Options, progress: any ProgressReporter = SilentProgress()) throws -> Result {
        precondition(x.rows == labels.count && x.cols == model.inputCount)
        if let b = options.batch, b < options.m + options.n || b > x.rows {
            throw Problem.batch(batch: b, pool: x.rows, need: options.m + options.n)
        }
        var data = x
        if let s = model.standardize { data = Standardization(mean: s.mean, scale: s.scale).apply(x) }
        var layers = model.layers
        var adam = layers.map { AdamState(weights: $0.weights.count, bias: $0.bias.count) }
        var random = Xoshiro256(seed: options.seed)
        var order = Array(0..<(options.batch ?? x.rows))
        // The batches come from a stream of their own, so that the partitions of a batch of
        // the whole pool are those of the full-batch run.
        var batchRandom = Xoshiro256(seed: options.seed ^ 0xBA7C_4ED5_0F1E_5EED)
        var rows = Array(0..<x.rows)
        var primary: [Double] = [], forecast: [Double] = []
        defer { progress.finish() }
        for step in 1...options.steps {
            try Interruption.check()
            let (ce, f, grads): (Double, Double, [([Double], [Double])])
            if let b = options.batch {
                let (bx, by) = draw(b, from: data, labels, rows: &rows, random: &batchRandom)
                (ce, f, grads) = try objective(layers, bx, by, options, order: &order, random: &random)
            } else {
                (ce, f, grads) = try objective(layers, data, labels, options, order: &order, random: &random)
            }
            guard ce.isFinite, grads.allSatisfy({ $0.0.allSatisfy(\.isFinite) && $0.1.allSatisfy(\.isFinite) }) else {
                throw Problem.diverged(step: step)
            }
            primary.append(ce)
            forecast.append(f)
            for l in layers.indices { adam[l].update(&layers[l], grads[l], step: step, rate: options.learningRate) }
            progress.report("fine-tuning", fraction: Double(step) / Double(options.steps))
        }
        var tuned = model
        tuned.layers = layers
        var info: [(String, JSONValue)] = []
        if case .object(let members)? = model.training { info = members.filter { $0.0 != "finetune" } }
        info.append(("finetune", .object([
            ("forecastability", .number(options.lambda)), ("steps", .number(Double(options.steps))),
            ("lr", .number(options.learningRate)), ("m", .number(Double(options.m))), ("n", .number(Double(options.n))),
            ("k", .number(Double(options.k))), ("partitions", .number(Double(options.partitions))),
            ("method", .string(options.positions.rawValue)), ("scale", .string(options.scale.rawValue)), ("seed", .number(Double(options.seed))),
            ("smooth", options.smoothing.map { .number($0) } ?? .null), ("batch", options.batch.map { .number(Double($0)) } ?? .null),
            ("primary", .array(primary.map { .number($0) })), ("forecastability_loss", .array(forecast.map { $0.isFinite ? .number($0) : .null })),
        ])))
        tuned.training = .object(info)
        return Result(model: tuned, primary: primary, forecastability: forecast)
    }

    /// `b` rows drawn without replacement (a partial Fisher–Yates shuffle of `rows`, which is
    /// left permuted), in the pool's order: all of them, for b = the pool, are the pool itself.
    static func draw(_ b: Int, from data: Matrix, _ labels: [Int], rows: inout [Int], random: inout Xoshiro256) -> (Matrix, [Int]) {
        let pool = data.rows
        for i in 0..<b { rows.swapAt(i, i + random.nextInt(below: pool - i)) }
        let chosen = rows[0..<b].sorted()
        return (data.selectingRows(chosen), chosen.map { labels[$0] })
    }

    /// One step's cross-entropy, forecastability loss and parameter gradients of the whole
    /// objective, on data already standardised.
    static func objective(_ layers: [Model.Layer], _ data: Matrix, _ labels: [Int], _ options: Options, order: inout [Int], random: inout Xoshiro256) throws -> (Double, Double, [([Double], [Double])]) {
        let inputs = MLPTraining.forward(layers, data)
        let logits = inputs[inputs.count - 1]
        let n = Double(data.rows)
        let q = RowOperations.softmax(logits)
        var delta = q
        var ce = 0.0
        for i in 0..<data.rows {
            ce -= log(max(q[i, labels[i]], 1e-300))
            delta[i, labels[i]] -= 1
        }
        ce /= n
        delta.storage.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] /= n } }
        var fLoss = Double.nan
        if options.lambda != 0 {
            let l = Forecastability.logFailure(logits: logits, labels: labels)
            let parts = try Forecastability.partitions(pool: data.rows, m: options.m, n: options.n, count: options.partitions, order: &order, random: &random)
            if let e = try? Forecastability.evaluate(logFailure: l, partitions: parts, k: options.k, positions: options.positions, scale: options.scale,
                                                         smoothing: options.smoothing, gradient: true),
               let g = e.gradient {
                fLoss = e.loss
                let gz = Forecastability.logitGradient(logits: logits, labels: labels, g)
                let lambda = options.lambda
                delta.storage.withUnsafeMutableBufferPointer { p in
                    gz.storage.withUnsafeBufferPointer { z in for i in p.indices { p[i] += lambda * z[i] } }
                }
            }
        }
        let (grads, _) = MLPTraining.backward(layers, inputs, delta, l2: options.l2)
        return (ce, fLoss, grads)
    }
}
