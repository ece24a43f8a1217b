#if canImport(Glibc)
import Glibc
#endif

/// The forecastability loss (after Schwarzer & Niekum 2026, in Fathom's own formulation; the
/// paper gives no code): how badly the Gumbel-tail forecast from an evaluation set of m
/// queries misses the realised worst query among n deployment queries, averaged over random
/// disjoint partitions of a pool, and its gradient with respect to the pool's logits.
///
/// For a classifier the per-query failure probability is p_i = 1 − softmax(z_i)[y_i]; Fathom
/// works with ℓ_i = log p_i = LSE_{c≠y}(z_i) − LSE(z_i), which keeps full precision when p_i
/// is tiny. Per partition r with evaluation set E and deployment set D:
///
///   scores ψ_i = −log(−ℓ_i); top k of E, least squares y_j ≈ a·ψ_(j) + b (GumbelTail.fit);
///   Q = −(log n + b)/a; forecast F_r = log10 p̂ = −exp(−Q)/ln 10;
///   realised T_r = max_{i∈D} ℓ_i / ln 10;  loss = mean_r (F_r − T_r)².
///
/// With `scale: .score` (Fathom's extension) F_r = Q and T_r = max_{i∈D} ψ_i instead: the
/// same comparison on the score axis, which stays informative when the worst failure
/// probabilities approach 1 (where log10 p ≈ −(1 − p)/ln 10 flattens every error).
///
/// The gradient is exact through the scores, the top-k selection (a fixed set almost
/// everywhere), the least-squares fit and the forecast; the deployment maximum takes its
/// subgradient (all of it on the arg max). With `smoothing: τ` the hard maximum is replaced by
/// the smooth maximum T_r = τ·log Σ_{i∈D} exp(v_i/τ) of the values v_i on the comparison scale
/// (ℓ_i/ln 10, or ψ_i), computed as max v + τ·log Σ exp((v_i − max v)/τ); it lies in
/// [max v, max v + τ·log n], and its gradient spreads the weights softmax(v/τ) over D instead
/// of putting all of it on the arg max (a training objective's choice: the realised worst
/// query itself is the hard maximum). A partition whose fit has no falling tail (a ≥ 0)
/// or whose top scores are all equal has no forecast and is left out of the mean.
public enum Forecastability {
    public struct Partition: Sendable {
        public var evaluation: [Int]
        public var deployment: [Int]
        public init(evaluation: [Int], deployment: [Int]) {
            self.evaluation = evaluation
            self.deployment = deployment
        }
    }

    public enum Problem: Error, Equatable, Sendable {
        /// m + n is more than the pool holds.
        case poolTooSmall(pool: Int, need: Int)
        /// No partition had a forecast (every fitted tail rose or was flat).
        case noForecast(partitions: Int)
    }

    /// `count` random disjoint (evaluation m, deployment n) partitions of 0..<pool: a partial
    /// Fisher–Yates shuffle of `order` (any permutation; it is left permuted) per partition.
    public static func partitions(pool: Int, m: Int, n: Int, count: Int, order: inout [Int], random: inout Xoshiro256) throws -> [Partition] {
        guard m + n <= pool else { throw Problem.poolTooSmall(pool: pool, need: m + n) }
        if order.count != pool { order = Array(0..<pool) }
        var out: [Partition] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            for i in 0..<(m + n) { order.swapAt(i, i + random.nextInt(below: pool - i)) }
            out.append(Partition(evaluation: Array(order[0..<m]), deployment: Array(order[m..<(m + n)])))
        }
        return out
    }

    /// The largest ℓ kept: log p_fail is held at or below −1e-300, so every score
    /// ψ = −log(−ℓ) stays finite (at most ≈ 690.8) however wrong the model is.
    public static let largestLogFailure = -1e-300

    /// ℓ_i = log(1 − softmax(z_i)[y_i]) for each row of the logits, computed as −softplus(d_i)
    /// with the margin d_i = z_iy − LSE_{c≠y}(z_i): exact both when p_fail is tiny (a confident
    /// right answer) and when it is close to 1 (a confident wrong one, where 1 − p_fail would
    /// round away), and capped at ``largestLogFailure``.
    public static func logFailure(logits z: Matrix, labels y: [Int]) -> [Double] {
        let k = z.cols
        var out = [Double](repeating: 0, count: z.rows)
        z.storage.withUnsafeBufferPointer { p in
            for i in 0..<z.rows {
                let s = sums(p, row: i * k, classes: k, label: y[i])
                let d = p[i * k + y[i]] - (s.topOther + log(s.other))
                out[i] = min(-SpecialFunctions.softplus(d), largestLogFailure)
            }
        }
        return out
    }

    /// dL/dz from dL/dℓ: dℓ_i/dz_ic = q_iy·r_ic for c ≠ y_i and −q_iy for c = y_i, with q the
    /// softmax of the row and r the softmax over the classes other than y_i (the same as
    /// [c ≠ y]·r − q, written without the cancellation of r − q when q_iy is tiny).
    public static func logitGradient(logits z: Matrix, labels y: [Int], _ dl: [Double]) -> Matrix {
        let k = z.cols
        var g = Matrix(rows: z.rows, cols: k, storage: [Double](repeating: 0, count: z.count))
        z.storage.withUnsafeBufferPointer { p in
            g.storage.withUnsafeMutableBufferPointer { out in
                for i in 0..<z.rows where dl[i] != 0 {
                    let row = i * k
                    let s = sums(p, row: row, classes: k, label: y[i])
                    // q_y = σ(d) with d = z_y − LSE_{c≠y} z.
                    let d = p[row + y[i]] - (s.topOther + log(s.other))
                    let qy = SpecialFunctions.sigmoid(d)
                    for c in 0..<k {
                        let r = c == y[i] ? -1 : exp(p[row + c] - s.topOther) / s.other
                        out[row + c] = dl[i] * qy * r
                    }
                }
            }
        }
        return g
    }

    /// The scale on which forecast and realised maximum are compared.
    public enum Scale: String, Sendable, CaseIterable {
        /// log10 of the failure probability (the paper's choice): informative when the worst
        /// probabilities are small, nearly flat when they approach 1.
        case log10
        /// The Gumbel score ψ = −log(−log p) (Fathom's extension): stays informative when
        /// the worst probabilities approach 1, where log10 p saturates at 0.
        case score
    }

    /// A row's largest logit and Σ exp(z − largest), over all classes and over the classes
    /// other than `label`: the two log-sum-exps of ℓ.
    @inline(__always)
    static func sums(_ p: UnsafeBufferPointer<Double>, row: Int, classes k: Int, label: Int) -> (top: Double, all: Double, topOther: Double, other: Double) {
        var top = -Double.infinity, topOther = -Double.infinity
        for c in 0..<k {
            top = max(top, p[row + c])
            if c != label { topOther = max(topOther, p[row + c]) }
        }
        var all = 0.0, other = 0.0
        for c in 0..<k {
            all += exp(p[row + c] - top)
            if c != label { other += exp(p[row + c] - topOther) }
        }
        return (top, all, topOther, other)
    }

    public struct Evaluation: Sendable {
        /// mean over the partitions with a forecast of (F − T)².
        public var loss: Double
        /// Per partition: log10 forecast and log10 realised maximum (NaN forecast when none).
        public var forecasts: [Double]
        public var realised: [Double]
        /// Partitions left out (no falling tail).
        public var skipped: Int
        /// dL/dℓ, when asked for.
        public var gradient: [Double]?

        /// F − T of each partition with a forecast.
        public var errors: [Double] { zip(forecasts, realised).compactMap { $0.0.isFinite ? $0.0 - $0.1 : nil } }

        /// Mean |F − T| over the partitions with a forecast.
        public var meanAbsoluteError: Double { mean(errors.map(abs)) }

        /// Mean F − T (its sign is the bias) over the partitions with a forecast.
        public var meanError: Double { mean(errors) }

        /// Share of partitions with a forecast below the realised maximum.
        public var underPrediction: Double { mean(errors.map { $0 < 0 ? 1 : 0 }) }

        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(max(1, v.count)) }
    }

    /// The loss over `partitions` of the pool's ℓ, with dL/dℓ when `gradient`.
    /// `smoothing`: τ > 0 for the smooth maximum of the deployment set, nil for the hard one.
    public static func evaluate(logFailure l: [Double], partitions: [Partition], k: Int, positions: GumbelTail.Positions, scale: Scale = .log10,
                                smoothing: Double? = nil, gradient: Bool) throws -> Evaluation {
        precondition(smoothing.map { $0 > 0 && $0.isFinite } ?? true, "the smoothing temperature must be a finite number > 0")
        let ln10 = log(10.0)
        var forecasts = [Double](repeating: .nan, count: partitions.count)
        var realised = [Double](repeating: .nan, count: partitions.count)
        // Per partition: the top-k indices and the derivative of F with respect to their ℓ,
        // and the deployment rows T depends on with dT/dℓ of each (the arg max alone for the
        // hard maximum).
        var parts: [(top: [Int], dF: [Double], tail: [Int], dT: [Double])?] = Array(repeating: nil, count: partitions.count)
        var skipped = 0
        for (r, part) in partitions.enumerated() {
            precondition(k >= 2 && k < part.evaluation.count, "k must be at least 2 and below m")
            var best = part.deployment[0]
            for i in part.deployment where l[i] > l[best] { best = i }
            realised[r] = value(l[best], scale)
            var smoothWeights: [Double] = []
            if let tau = smoothing { (realised[r], smoothWeights) = smoothMaximum(part.deployment.map { value(l[$0], scale) }, tau, weights: gradient) }
            // The top k of the evaluation set by ℓ (the same order as by ψ), largest first.
            let top = topIndices(part.evaluation, by: l, k)
            let s = top.map { -log(-l[$0]) }
            guard let fit = try? GumbelTail.fit(top: s, m: part.evaluation.count, positions: positions), fit.a < 0 else {
                skipped += 1
                continue
            }
            let n = Double(part.deployment.count)
            let q = GumbelTail.quantile(fit, n: n)
            let f = scale == .log10 ? -exp(-q) / ln10 : q
            forecasts[r] = f
            guard gradient else { continue }
            let kd = Double(k)
            let mx = s.reduce(0, +) / kd, my = fit.y.reduce(0, +) / kd
            var sxx = 0.0
            for v in s { sxx += (v - mx) * (v - mx) }
            let dFdQ = scale == .log10 ? exp(-q) / ln10 : 1
            let dQda = (log(n) + fit.b) / (fit.a * fit.a)
            let dQdb = -1 / fit.a
            var dF = [Double](repeating: 0, count: k)
            for j in 0..<k {
                let da = ((fit.y[j] - my) - 2 * fit.a * (s[j] - mx)) / sxx
                let db = -mx * da - fit.a / kd
                let dQds = dQda * da + dQdb * db
                // dψ/dℓ = −1/ℓ.
                dF[j] = dFdQ * dQds * (-1 / l[top[j]])
            }
            if smoothing != nil {
                parts[r] = (top, dF, part.deployment, zip(part.deployment, smoothWeights).map { $1 * slope(l[$0], scale) })
            } else {
                parts[r] = (top, dF, [best], [slope(l[best], scale)])
            }
        }
        let used = partitions.count - skipped
        guard used > 0 else { throw Problem.noForecast(partitions: partitions.count) }
        var loss = 0.0
        for r in partitions.indices where forecasts[r].isFinite {
            let e = forecasts[r] - realised[r]
            loss += e * e
        }
        loss /= Double(used)
        var grad: [Double]?
        if gradient {
            var g = [Double](repeating: 0, count: l.count)
            for r in partitions.indices {
                guard let p = parts[r] else { continue }
                let e2 = 2 * (forecasts[r] - realised[r]) / Double(used)
                for j in 0..<p.top.count { g[p.top[j]] += e2 * p.dF[j] }
                for j in 0..<p.tail.count { g[p.tail[j]] -= e2 * p.dT[j] }
            }
            grad = g
        }
        return Evaluation(loss: loss, forecasts: forecasts, realised: realised, skipped: skipped, gradient: grad)
    }

    /// A log failure probability on the comparison scale: ℓ/ln 10, or the score ψ = −log(−ℓ).
    @inline(__always)
    static func value(_ l: Double, _ scale: Scale) -> Double { scale == .log10 ? l / log(10.0) : -log(-l) }

    /// d value/dℓ: 1/ln 10 on the log10 scale, dψ/dℓ = −1/ℓ on the score scale.
    @inline(__always)
    static func slope(_ l: Double, _ scale: Scale) -> Double { scale == .log10 ? 1 / log(10.0) : -1 / l }

    /// The smooth maximum τ·log Σ exp(v_i/τ), as max v + τ·log Σ exp((v_i − max v)/τ), and
    /// (when `weights`) its gradient softmax(v/τ).
    public static func smoothMaximum(_ v: [Double], _ tau: Double, weights: Bool = true) -> (value: Double, weights: [Double]) {
        let top = v.max() ?? -.infinity
        var w = v.map { exp(($0 - top) / tau) }
        let sum = w.reduce(0, +)
        let value = top + tau * log(sum)
        guard weights else { return (value, []) }
        for i in w.indices { w[i] /= sum }
        return (value, w)
    }

    /// The `k` indices of `set` with the largest values, largest first (ties by position).
    static func topIndices(_ set: [Int], by value: [Double], _ k: Int) -> [Int] {
        // A running top-k by insertion: k is small (10–50) against m.
        var top: [Int] = []
        top.reserveCapacity(k + 1)
        for i in set {
            let v = value[i]
            if top.count == k, v <= value[top[k - 1]] { continue }
            var at = top.count
            while at > 0, value[top[at - 1]] < v { at -= 1 }
            top.insert(i, at: at)
            if top.count > k { top.removeLast() }
        }
        return top
    }
}
