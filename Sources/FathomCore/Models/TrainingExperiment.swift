#if canImport(Glibc)
import Glibc
#endif

/// Does fine-tuning for forecastable failures (``Finetuning``) buy anything that plain
/// fine-tuning, temperature scaling or supervised up-weighting does not? An experiment over
/// several data splits: each seed splits the pool's source groups at random into three thirds,
/// tunes on the first, chooses λ on the second and judges every method on the third.
///
/// Methods, all from the same base model:
/// - base: the model as given;
/// - plain: fine-tuned on the tuning third, cross-entropy alone (λ = 0);
/// - temperature: plain with its logits divided by the temperature T whose validation ECE
///   matches the chosen λ model's (within 0.002, the T nearest 1; else the closest): is the
///   λ model just a more or less confident plain model?
/// - upweighted: plain fine-tuning with the tuning third's rare rows repeated `upweight` more
///   times (the supervised baseline, which needs to know the rare rows);
/// - forecastability: fine-tuned with the λ of `lambdas` whose forecastability loss on the
///   validation third is smallest.
///
/// With `tuneSeeds` > 1 every split is fine-tuned again under further fine-tuning seeds (the
/// seed of the training partitions and mini-batches; the split and the judging partitions
/// stay), so that the spread the fine-tuning's own randomness adds can be told from the spread
/// across splits. Full-batch fine-tuning with λ = 0 draws nothing at random, so plain and
/// up-weighted are fine-tuned once per split then, and reused.
///
/// Each is judged on the held-out third over the same random partitions: the forecast error
/// F − T split into under-prediction (mean of max(0, T − F)) and over-prediction (mean of
/// max(0, F − T)), the failure rate on ordinary rows, top-label ECE (15 equal-width bins) and
/// the rare rows' mean failure probability.
public enum TrainingExperiment {
    public enum Method: String, Sendable, CaseIterable {
        case base, plain, temperature, upweighted, forecastability
    }

    public struct Metrics: Sendable {
        public var under = Double.nan, over = Double.nan, meanAbsolute = Double.nan
        public var ordinaryFailure = Double.nan, ece = Double.nan, rareFailure = Double.nan
        /// Partitions of the held-out third with a forecast.
        public var forecasts = 0
    }

    public struct Run: Sendable {
        /// The split's seed (1…seeds) and the fine-tuning seed's index within it (1…tuneSeeds).
        public var seed: Int
        public var tuneSeed = 1
        public var lambda: Double
        public var temperature: Double
        /// Rare rows in the tuning, validation and held-out thirds.
        public var rareRows: [Int]
        public var metrics: [Method: Metrics]
    }

    public struct Setup: Sendable {
        /// Fine-tuning settings (λ is set per method; `seed` is replaced per run).
        public var options = Finetuning.Options()
        public var lambdas: [Double] = [0.01, 0.03, 0.1]
        public var seeds = 5
        /// Fine-tuning seeds per split.
        public var tuneSeeds = 1
        public var upweight = 20
        /// Partitions of the validation and held-out thirds the methods are judged on.
        public var judgePartitions = 200
        public init() {}
    }

    /// The rows of each third for `seed`: the groups shuffled and dealt round-robin.
    public static func thirds(groups: [Int], groupCount: Int, seed: UInt64) -> [[Int]] {
        var order = Array(0..<groupCount)
        var random = Xoshiro256(seed: seed)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, random.nextInt(below: i + 1)) }
        var third = [Int](repeating: 0, count: groupCount)
        for (position, g) in order.enumerated() { third[g] = position % 3 }
        var out: [[Int]] = [[], [], []]
        for (i, g) in groups.enumerated() { out[third[g]].append(i) }
        return out
    }

    /// The fine-tuning seed of split `split` (1-based) under its `tune`-th fine-tuning seed
    /// (1-based): the split's own seed first, so that one fine-tuning seed per split is the
    /// design without them.
    public static func tuningSeed(split: Int, tune: Int) -> UInt64 {
        UInt64(split) &+ UInt64(tune - 1) &* 0x9E37_79B9
    }

    /// The model with its output logits divided by `t`.
    public static func scaled(_ model: Model, temperature t: Double) -> Model {
        var m = model
        let last = m.layers.count - 1
        m.layers[last].weights.storage = m.layers[last].weights.storage.map { $0 / t }
        m.layers[last].bias = m.layers[last].bias.map { $0 / t }
        return m
    }

    static func ece(_ logits: Matrix, _ y: [Int]) -> Double {
        let top = TopLabel(probabilities: RowOperations.softmax(logits), labels: y)
        return CalibrationError.expected(BinStatistics(confidence: top.confidence, correct: top.correct, bins: 15, binning: .width))
    }

    /// The methods judged on `rows` of the standardised pool over fixed partitions.
    static func judge(_ model: Model, x: Matrix, y: [Int], rare: [Bool], partitions: [Forecastability.Partition], options: Finetuning.Options) throws -> Metrics {
        let z = try model.logits(x)
        let l = Forecastability.logFailure(logits: z, labels: y)
        let e = try Forecastability.evaluate(logFailure: l, partitions: partitions, k: options.k, positions: options.positions, scale: options.scale, gradient: false)
        var m = Metrics()
        let errors = e.errors
        let count = Double(max(errors.count, 1))
        m.forecasts = errors.count
        m.under = errors.reduce(0) { $0 + max(0, -$1) } / count
        m.over = errors.reduce(0) { $0 + max(0, $1) } / count
        m.meanAbsolute = errors.isEmpty ? .nan : e.meanAbsoluteError
        m.ece = ece(z, y)
        let p = RowOperations.softmax(z)
        var ordinary = 0.0, ordinaryCount = 0.0, rareSum = 0.0, rareCount = 0.0
        for i in 0..<z.rows {
            if rare[i] { rareSum += 1 - p[i, y[i]]; rareCount += 1 } else {
                var best = 0
                for k in 1..<p.cols where p[i, k] > p[i, best] { best = k }
                ordinary += best == y[i] ? 0 : 1
                ordinaryCount += 1
            }
        }
        m.ordinaryFailure = ordinary / max(ordinaryCount, 1)
        m.rareFailure = rareCount > 0 ? rareSum / rareCount : .nan
        return m
    }

    /// Runs the experiment. `x` is the pool's features (raw; the model standardises), `groups`
    /// the source group of each row coded 0..<groupCount, `rare` the rare rows (used only by
    /// the up-weighted baseline and to report). Throws when a third is too small for m + n.
    public static func run(base: Model, x: Matrix, labels y: [Int], groups: [Int], groupCount: Int, rare: [Bool], setup: Setup,
                           progress: any ProgressReporter = SilentProgress()) throws -> [Run] {
        var runs: [Run] = []
        let o = setup.options
        // Fine-tunings: per split, plain and up-weighted (once when they draw nothing at
        // random), and every λ under every fine-tuning seed.
        let shared = o.batch == nil
        let perSplit = (shared ? 2 : 2 * setup.tuneSeeds) + setup.tuneSeeds * setup.lambdas.count
        let total = Double(setup.seeds * perSplit)
        var done = 0.0
        defer { progress.finish() }
        for s in 0..<setup.seeds {
            let seed = UInt64(s + 1)
            let parts = thirds(groups: groups, groupCount: groupCount, seed: seed)
            let pick = { (rows: [Int]) in (x.selectingRows(rows), rows.map { y[$0] }, rows.map { rare[$0] }) }
            let (xt, yt, rt) = pick(parts[0]), (xv, yv, rv) = pick(parts[1]), (xh, yh, rh) = pick(parts[2])
            var random = Xoshiro256(seed: seed &* 0x9E37_79B9_7F4A_7C15)
            var order: [Int] = []
            let validation = try Forecastability.partitions(pool: xv.rows, m: o.m, n: o.n, count: setup.judgePartitions, order: &order, random: &random)
            order = []
            let held = try Forecastability.partitions(pool: xh.rows, m: o.m, n: o.n, count: setup.judgePartitions, order: &order, random: &random)
            func tune(_ lambda: Double, _ xs: Matrix, _ ys: [Int], seed: UInt64) throws -> Model {
                var options = o
                options.lambda = lambda
                options.seed = seed
                let model = try Finetuning.finetune(base, x: xs, labels: ys, options: options).model
                done += 1
                progress.report("training experiment", fraction: done / total)
                return model
            }
            // The up-weighted baseline's pool: the rare tuning rows repeated.
            let rareRows = parts[0].indices.filter { rt[$0] }
            var upRows = Array(0..<xt.rows)
            for _ in 0..<setup.upweight { upRows += rareRows }
            let xu = xt.selectingRows(upRows), yu = upRows.map { yt[$0] }
            var baselines: (plain: Model, upweighted: Model)?
            for t in 1...setup.tuneSeeds {
                let tuneSeed = tuningSeed(split: s + 1, tune: t)
                let (plain, upweighted): (Model, Model)
                if shared, let b = baselines { (plain, upweighted) = b } else {
                    (plain, upweighted) = (try tune(0, xt, yt, seed: tuneSeed), try tune(0, xu, yu, seed: tuneSeed))
                    baselines = (plain, upweighted)
                }
                var best: (lambda: Double, model: Model, loss: Double)?
                for lambda in setup.lambdas {
                    let model = try tune(lambda, xt, yt, seed: tuneSeed)
                    let l = Forecastability.logFailure(logits: try model.logits(xv), labels: yv)
                    let loss = (try? Forecastability.evaluate(logFailure: l, partitions: validation, k: o.k, positions: o.positions, scale: o.scale, gradient: false).loss) ?? .infinity
                    if best == nil || loss < best!.loss { best = (lambda, model, loss) }
                }
                guard let chosen = best else { continue }
                // The temperature whose validation ECE matches the chosen model's: of the grid
                // temperatures within 0.002 of it, the one nearest 1 (the least change to plain);
                // when none is that close, the nearest in ECE.
                let plainLogits = try plain.logits(xv)
                let target = ece(try chosen.model.logits(xv), yv)
                var bestT = 1.0, bestKey = (Double.infinity, Double.infinity)
                for j in 0...120 {
                    let t = exp(-1.5 + 3 * Double(j) / 120)
                    let gap = abs(ece(Matrix(rows: plainLogits.rows, cols: plainLogits.cols, storage: plainLogits.storage.map { $0 / t }), yv) - target)
                    let key = gap <= 0.002 ? (0, abs(log(t))) : (gap, abs(log(t)))
                    if key < bestKey { bestKey = key; bestT = t }
                }
                let models: [(Method, Model)] = [(.base, base), (.plain, plain), (.temperature, scaled(plain, temperature: bestT)),
                                                 (.upweighted, upweighted), (.forecastability, chosen.model)]
                var metrics: [Method: Metrics] = [:]
                for (method, model) in models {
                    try Interruption.check()
                    metrics[method] = try judge(model, x: xh, y: yh, rare: rh, partitions: held, options: o)
                }
                runs.append(Run(seed: Int(seed), tuneSeed: t, lambda: chosen.lambda, temperature: bestT,
                                rareRows: [rt.filter { $0 }.count, rv.filter { $0 }.count, rh.filter { $0 }.count], metrics: metrics))
            }
        }
        return runs
    }
}
