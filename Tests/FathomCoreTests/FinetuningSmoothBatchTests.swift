import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import FathomCore

/// The training options of fine-tuning beyond the paper: the smooth maximum of the deployment
/// set (smooth=) and mini-batches (batch=).
@Suite("Fine-tuning: smooth maximum and mini-batches")
struct FinetuningSmoothBatchTests {
    /// A three-class problem on five inputs and a softmax regression with random weights.
    static func problem(rows n: Int = 400, seed: UInt64 = 21) -> (Model, Matrix, [Int]) {
        var r = Xoshiro256(seed: seed)
        let d = 5, k = 3
        let x = Matrix(rows: n, cols: d, storage: (0..<(n * d)).map { _ in gaussian(&r) })
        let y = (0..<n).map { i in x[i, 0] + 0.5 * x[i, 1] > 0.3 ? 0 : (x[i, 2] > 0 ? 1 : 2) }
        let layer = Model.Layer(weights: Matrix(rows: k, cols: d, storage: (0..<(k * d)).map { _ in 0.5 * gaussian(&r) }),
                                bias: (0..<k).map { _ in 0.1 * gaussian(&r) }, activation: .identity)
        return (Model(kind: .softmaxRegression, classes: (0..<k).map { .number(Double($0)) }, layers: [layer]), x, y)
    }

    static func gaussian(_ r: inout Xoshiro256) -> Double {
        let u = max(r.nextUniform(), 1e-300), v = r.nextUniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    static func options(batch: Int? = nil, smoothing: Double? = nil, seed: UInt64 = 3) -> Finetuning.Options {
        var o = Finetuning.Options()
        o.lambda = 0.2; o.steps = 15; o.learningRate = 0.01; o.m = 40; o.n = 120; o.k = 8; o.partitions = 6
        o.batch = batch; o.smoothing = smoothing; o.seed = seed
        return o
    }

    static func weights(_ r: Finetuning.Result) -> [Double] { r.model.layers.flatMap { $0.weights.storage + $0.bias } }

    @Test("the smooth maximum tends to the hard one as τ → 0, within τ·log n above it")
    func smoothToHard() throws {
        var r = Xoshiro256(seed: 4)
        let v = (0..<500).map { _ in -3 + FinetuningSmoothBatchTests.gaussian(&r) }
        let hard = v.max()!
        var previous = Double.infinity
        for tau in [10, 1, 0.1, 0.01, 0.001, 1e-6] {
            let t = Forecastability.smoothMaximum(v, tau).value
            #expect(t >= hard && t <= hard + tau * log(500.0) + 1e-12, "τ = \(tau): \(t) against the maximum \(hard)")
            #expect(t <= previous)
            previous = t
        }
        #expect(abs(Forecastability.smoothMaximum(v, 1e-6).value - hard) < 1e-5)
        // Stable: values far below exp's range change nothing.
        #expect(abs(Forecastability.smoothMaximum([-1e5, -1e5 - 1], 0.5).value - (-1e5 + 0.5 * log1p(exp(-2.0)))) < 1e-9)

        // Through the loss: each partition's realised value, on both scales.
        let (z, y) = ForecastabilityTests.pool(600, classes: 4, seed: 11)
        let parts = ForecastabilityTests.parts(600, m: 80, n: 400, count: 6, seed: 5)
        let l = Forecastability.logFailure(logits: z, labels: y)
        for scale in Forecastability.Scale.allCases {
            let h = try Forecastability.evaluate(logFailure: l, partitions: parts, k: 10, positions: .empirical, scale: scale, gradient: false)
            for tau in [0.5, 0.01, 1e-4] {
                let s = try Forecastability.evaluate(logFailure: l, partitions: parts, k: 10, positions: .empirical, scale: scale, smoothing: tau, gradient: false)
                #expect(s.forecasts == h.forecasts)
                for (a, b) in zip(s.realised, h.realised) { #expect(a >= b && a <= b + tau * log(400.0) + 1e-12, "\(scale) τ = \(tau): \(a) against \(b)") }
            }
        }
    }

    @Test("with a large τ the weights are nearly uniform; with a small one they sit on the arg max")
    func weights() {
        let v = [-2.0, -5, -3.5, -1, -4]
        let wide = Forecastability.smoothMaximum(v, 1e6).weights
        for w in wide { #expect(abs(w - 0.2) < 1e-6) }
        #expect(abs(wide.reduce(0, +) - 1) < 1e-12)
        let narrow = Forecastability.smoothMaximum(v, 0.01).weights
        #expect(abs(narrow[3] - 1) < 1e-12)
    }

    @Test("the smoothed objective's parameter gradient agrees with central differences", arguments: [Forecastability.Scale.log10, .score])
    func smoothGradient(_ scale: Forecastability.Scale) throws {
        let (model, x, y) = FinetuningSmoothBatchTests.problem()
        let layers = model.layers
        var options = FinetuningSmoothBatchTests.options(smoothing: scale == .log10 ? 0.3 : 1.0)
        options.lambda = 0.7; options.scale = scale
        func value(_ layers: [Model.Layer]) throws -> Double {
            var order: [Int] = [], rr = Xoshiro256(seed: 9)
            let (ce, f, _) = try Finetuning.objective(layers, x, y, options, order: &order, random: &rr)
            return ce + options.lambda * f
        }
        var order: [Int] = [], rr = Xoshiro256(seed: 9)
        let (_, f, grads) = try Finetuning.objective(layers, x, y, options, order: &order, random: &rr)
        #expect(f.isFinite && f > 0)
        var hardOptions = options
        hardOptions.smoothing = nil
        var order2: [Int] = [], rr2 = Xoshiro256(seed: 9)
        let (_, hardF, hardGrads) = try Finetuning.objective(layers, x, y, hardOptions, order: &order2, random: &rr2)
        #expect(f != hardF && grads[0].0 != hardGrads[0].0)
        for w in layers[0].weights.storage.indices {
            var up = layers, down = layers
            up[0].weights.storage[w] += 1e-6; down[0].weights.storage[w] -= 1e-6
            let fd = (try value(up) - value(down)) / 2e-6
            #expect(abs(fd - grads[0].0[w]) <= 1e-5 * max(1, abs(fd)), "weight \(w): analytic \(grads[0].0[w]), differences \(fd)")
        }
        for b in layers[0].bias.indices {
            var up = layers, down = layers
            up[0].bias[b] += 1e-6; down[0].bias[b] -= 1e-6
            let fd = (try value(up) - value(down)) / 2e-6
            #expect(abs(fd - grads[0].1[b]) <= 1e-5 * max(1, abs(fd)), "bias \(b): analytic \(grads[0].1[b]), differences \(fd)")
        }
    }

    @Test("smoothed and batched fine-tuning is fixed by its seed and changes with it")
    func seeded() throws {
        let (model, x, y) = FinetuningSmoothBatchTests.problem()
        for (batch, smoothing) in [(nil, 0.3), (200, nil), (200, 0.3)] as [(Int?, Double?)] {
            let a = try Finetuning.finetune(model, x: x, labels: y, options: FinetuningSmoothBatchTests.options(batch: batch, smoothing: smoothing, seed: 3))
            let b = try Finetuning.finetune(model, x: x, labels: y, options: FinetuningSmoothBatchTests.options(batch: batch, smoothing: smoothing, seed: 3))
            let c = try Finetuning.finetune(model, x: x, labels: y, options: FinetuningSmoothBatchTests.options(batch: batch, smoothing: smoothing, seed: 4))
            #expect(FinetuningSmoothBatchTests.weights(a) == FinetuningSmoothBatchTests.weights(b))
            #expect(a.primary == b.primary)
            #expect(FinetuningSmoothBatchTests.weights(a) != FinetuningSmoothBatchTests.weights(c))
        }
    }

    @Test("a batch of the whole pool is exactly the full-batch run")
    func wholePool() throws {
        let (model, x, y) = FinetuningSmoothBatchTests.problem()
        for smoothing in [nil, 0.3] as [Double?] {
            let full = try Finetuning.finetune(model, x: x, labels: y, options: FinetuningSmoothBatchTests.options(smoothing: smoothing))
            let all = try Finetuning.finetune(model, x: x, labels: y, options: FinetuningSmoothBatchTests.options(batch: 400, smoothing: smoothing))
            #expect(FinetuningSmoothBatchTests.weights(full) == FinetuningSmoothBatchTests.weights(all))
            #expect(full.primary == all.primary)
            #expect(full.forecastability.map(\.bitPattern) == all.forecastability.map(\.bitPattern))
            let half = try Finetuning.finetune(model, x: x, labels: y, options: FinetuningSmoothBatchTests.options(batch: 200, smoothing: smoothing))
            #expect(FinetuningSmoothBatchTests.weights(full) != FinetuningSmoothBatchTests.weights(half))
        }
    }

    @Test("the training record holds smooth and batch")
    func recorded() throws {
        let (model, x, y) = FinetuningSmoothBatchTests.problem()
        let t = try Finetuning.finetune(model, x: x, labels: y, options: FinetuningSmoothBatchTests.options(batch: 200, smoothing: 0.3))
        guard case .object(let info)? = t.model.training, case .object(let f)? = info.first(where: { $0.0 == "finetune" })?.1 else {
            Issue.record("no finetune record"); return
        }
        #expect(f.first(where: { $0.0 == "smooth" })?.1 == .number(0.3))
        #expect(f.first(where: { $0.0 == "batch" })?.1 == .number(200))
        let plain = try Finetuning.finetune(model, x: x, labels: y, options: FinetuningSmoothBatchTests.options())
        guard case .object(let info2)? = plain.model.training, case .object(let g)? = info2.first(where: { $0.0 == "finetune" })?.1 else {
            Issue.record("no finetune record"); return
        }
        #expect(g.first(where: { $0.0 == "smooth" })?.1 == .null && g.first(where: { $0.0 == "batch" })?.1 == .null)
    }

    @Test("a batch smaller than m + n or larger than the pool is refused")
    func refused() {
        let (model, x, y) = FinetuningSmoothBatchTests.problem()
        #expect(throws: Finetuning.Problem.batch(batch: 150, pool: 400, need: 160)) {
            try Finetuning.finetune(model, x: x, labels: y, options: FinetuningSmoothBatchTests.options(batch: 150))
        }
        #expect(throws: Finetuning.Problem.batch(batch: 401, pool: 400, need: 160)) {
            try Finetuning.finetune(model, x: x, labels: y, options: FinetuningSmoothBatchTests.options(batch: 401))
        }
    }

    @Test("mini-batch fine-tuning still lowers the loss on the whole pool")
    func falls() throws {
        let (model, x, y) = FinetuningSmoothBatchTests.problem(rows: 2000)
        var o = FinetuningSmoothBatchTests.options(batch: 300, smoothing: 0.3)
        o.steps = 150; o.learningRate = 0.05; o.lambda = 0.05
        let t = try Finetuning.finetune(model, x: x, labels: y, options: o)
        func fullObjective(_ layers: [Model.Layer]) throws -> Double {
            var full = o
            full.m = 200; full.n = 1500; full.partitions = 20; full.smoothing = nil
            var order: [Int] = [], r = Xoshiro256(seed: 77)
            let (ce, f, _) = try Finetuning.objective(layers, x, y, full, order: &order, random: &r)
            return ce + full.lambda * f
        }
        let before = try fullObjective(model.layers), after = try fullObjective(t.model.layers)
        #expect(after < 0.8 * before, "objective \(before) → \(after)")
        let first = t.primary.prefix(10).reduce(0, +), last = t.primary.suffix(10).reduce(0, +)
        #expect(last < first)
    }
}
