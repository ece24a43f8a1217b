#if canImport(Glibc)
import Glibc
#endif

/// Forecasting the worst query among many from a few (Jones et al. 2025): per-query failure
/// probabilities p become scores ψ = −log(−log p), whose upper tail is taken as Gumbel-like,
/// so that log-survival falls on a straight line in ψ fitted to the evaluation set's top k.
public enum GumbelTail {
    /// How the top k scores are placed on the log-survival axis.
    public enum Positions: String, Sendable, CaseIterable {
        /// y_j = log(j/m), Jones et al.
        case empirical = "gumbel"
        /// y_j = E[log U_(j:m)] = digamma(j) − digamma(m + 1).
        case unbiased = "gumbel-unbiased"
    }

    public enum Method: String, Sendable, CaseIterable {
        case gumbel
        case gumbelUnbiased = "gumbel-unbiased"
        case lognormal
    }

    public enum Problem: Error, Equatable, Sendable {
        /// p = 1 at this position: no finite score.
        case certainFailure(Int)
        /// Fewer than k + 1 queries with p > 0 (finite scores).
        case tooFewPositive(have: Int, need: Int)
        /// k must be at least 2 and below m.
        case badK(k: Int, m: Int)
        /// The top k scores are all equal: no slope.
        case constantTop
        /// The fitted log-survival does not fall with the score (a ≥ 0).
        case risingTail(Double)
        /// A score that is −∞ (p = 0) where every score must be finite (lognormal).
        case zeroProbability(Int)
    }

    /// ψ = −log(−log p). p = 0 gives −∞; p = 1 has no finite score.
    @inline(__always) public static func score(_ p: Double) -> Double {
        -log(-log(p))
    }

    /// p = exp(−exp(−ψ)).
    @inline(__always) public static func probability(_ psi: Double) -> Double {
        exp(-exp(-psi))
    }

    public struct Fit: Sendable {
        public var a: Double
        public var b: Double
        public var k: Int
        public var m: Int
        public var r2: Double
        public var positions: Positions
        /// The top k scores, largest first, and their positions y_j.
        public var top: [Double]
        public var y: [Double]
    }

    /// The k largest values of x, largest first (a partial selection, then a sort of k).
    public static func largest(_ x: [Double], _ k: Int) -> [Double] {
        guard k < x.count else { return Sorting.descending(x) }
        var work = x
        // Quickselect the (k−1)-th largest: everything before it is at least as large.
        var lo = 0, hi = work.count - 1
        let target = k - 1
        while lo < hi {
            let pivot = work[(lo + hi) / 2]
            var i = lo, j = hi
            while i <= j {
                while work[i] > pivot { i += 1 }
                while work[j] < pivot { j -= 1 }
                if i <= j { work.swapAt(i, j); i += 1; j -= 1 }
            }
            if target <= j { hi = j } else if target >= i { lo = i } else { break }
        }
        return Array(work[0..<k]).sorted(by: >)
    }

    /// Scores of a pool, checking that no p is 1.
    public static func scores(_ p: [Double]) throws -> [Double] {
        if let i = p.firstIndex(where: { $0 >= 1 }) { throw Problem.certainFailure(i) }
        return p.map(score)
    }

    /// OLS of y_j on the top k scores.
    public static func fit(scores s: [Double], k: Int, positions: Positions = .empirical) throws -> Fit {
        let m = s.count
        guard k >= 2, k < m else { throw Problem.badK(k: k, m: m) }
        let finite = s.reduce(0) { $0 + ($1.isFinite ? 1 : 0) }
        guard finite >= k + 1 else { throw Problem.tooFewPositive(have: finite, need: k + 1) }
        let top = largest(s, k)
        return try fit(top: top, m: m, positions: positions)
    }

    /// The fit from the top k scores (largest first) of m.
    public static func fit(top: [Double], m: Int, positions: Positions) throws -> Fit {
        let k = top.count
        let y: [Double] = (1...k).map { j in
            switch positions {
            case .empirical: return log(Double(j) / Double(m))
            case .unbiased: return SpecialFunctions.digamma(Double(j)) - SpecialFunctions.digamma(Double(m + 1))
            }
        }
        let kd = Double(k)
        let mx = top.reduce(0, +) / kd, my = y.reduce(0, +) / kd
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        for j in 0..<k {
            let dx = top[j] - mx, dy = y[j] - my
            sxx += dx * dx; sxy += dx * dy; syy += dy * dy
        }
        guard sxx > 0 else { throw Problem.constantTop }
        let a = sxy / sxx, b = my - a * mx
        guard a < 0 else { throw Problem.risingTail(a) }
        var ssRes = 0.0
        for j in 0..<k { let r = y[j] - (a * top[j] + b); ssRes += r * r }
        return Fit(a: a, b: b, k: k, m: m, r2: syy > 0 ? 1 - ssRes / syy : .nan, positions: positions, top: top, y: y)
    }

    /// The score quantile the forecast rests on: Q_ψ(n) = −(log n + b)/a.
    public static func quantile(_ fit: Fit, n: Double) -> Double {
        -(log(n) + fit.b) / fit.a
    }

    public struct Forecast: Sendable {
        /// The worst-query risk: the p of the 1 − 1/n score quantile.
        public var estimate: Double
        public var scoreQuantile: Double
        public var fit: Fit?
        /// For the log-normal method: μ and σ of the scores.
        public var normal: (mu: Double, sigma: Double)?
    }

    /// The worst-query risk among n deployment queries from the evaluation scores.
    public static func forecast(scores s: [Double], n: Double, k: Int, method: Method) throws -> Forecast {
        switch method {
        case .gumbel, .gumbelUnbiased:
            let f = try fit(scores: s, k: k, positions: method == .gumbel ? .empirical : .unbiased)
            let q = quantile(f, n: n)
            return Forecast(estimate: probability(q), scoreQuantile: q, fit: f, normal: nil)
        case .lognormal:
            if let i = s.firstIndex(where: { !$0.isFinite }) { throw Problem.zeroProbability(i) }
            let m = Double(s.count)
            let mu = s.reduce(0, +) / m
            let sigma = (s.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / m).squareRoot()
            // Φ⁻¹(1 − 1/n) evaluated as −Φ⁻¹(1/n): the same number, without rounding 1 − 1/n first.
            let q = mu - sigma * SpecialFunctions.normalQuantile(1 / n)
            return Forecast(estimate: probability(q), scoreQuantile: q, fit: nil, normal: (mu, sigma))
        }
    }

    /// Probabilities within this of 1 are saturated: a double keeps 1 − p to fewer than seven
    /// significant digits there, so their scores ψ = −log(−log p) (above −log 10⁻⁹ ≈ 20.7) are set
    /// by rounding rather than by the data, and a forecast there prints as 1.
    public static let saturationMargin = 1e-9
    public static let saturationScore = -log(saturationMargin)

    /// How many of the top scores, and whether the forecast's score quantile, lie at or above
    /// the saturation score.
    public static func saturation(top: [Double], quantile: Double?) -> (top: Int, forecast: Bool) {
        (top.filter { $0 >= saturationScore }.count, (quantile ?? -.infinity) >= saturationScore)
    }

    public struct Bootstrap: Sendable {
        public var level: Double
        /// The interval on the score axis and as probabilities.
        public var scoreLower: Double, scoreUpper: Double
        public var lower: Double, upper: Double
        public var replicates: Int
        /// Resamples whose tail could not be fitted (a rising or flat top k), left out.
        public var failed: Int
    }

    /// The percentile bootstrap of a forecast: `replicates` resamples of the m evaluation
    /// scores with replacement (replicate r draws m indices uniformly from its own generator of
    /// `Parallel.replicates`), each forecast as the original, and the (1 ∓ level)/2 quantiles
    /// (numpy's linear rule) of the replicate score quantiles Q_ψ, mapped to p (a monotone map,
    /// so these are the percentiles of the forecasts themselves, interpolated on the score
    /// axis). Resamples without a forecast are left out and counted. Nil when fewer than two
    /// gave one.
    public static func bootstrap(scores s: [Double], n: Double, k: Int, method: Method, level: Double, replicates: Int,
                                 random: inout Xoshiro256, progress: any ProgressReporter = SilentProgress()) throws -> Bootstrap? {
        let m = s.count
        let quantiles = try Parallel.replicates(replicates, random: &random, progress: progress, label: "bootstrap",
                                                state: { [Double](repeating: 0, count: m) }) { sample, g, _ -> Double in
            for i in 0..<m { sample[i] = s[g.nextInt(below: m)] }
            return (try? forecast(scores: sample, n: n, k: k, method: method).scoreQuantile) ?? .nan
        }
        let valid = quantiles.filter { !$0.isNaN }
        guard valid.count >= 2 else { return nil }
        let q = Descriptive.quantiles(valid, [(1 - level) / 2, (1 + level) / 2])
        return Bootstrap(level: level, scoreLower: q[0], scoreUpper: q[1], lower: probability(q[0]), upper: probability(q[1]),
                         replicates: replicates, failed: replicates - valid.count)
    }

    /// The share of queries with p > τ, read off the fitted tail: exp(a·ψ_τ + b).
    public static func frequency(_ fit: Fit, tau: Double) -> Double {
        exp(fit.a * score(tau) + fit.b)
    }

    /// The tail's E[p] = Γ(λ + 1)·c^(−λ)·P(λ, c) = λ·c^(−λ)·γ(λ, c), without forming either
    /// factor: for large λ, Γ(λ + 1)·c^(−λ) overflows while P(λ, c) underflows (from λ ≈ 235 on
    /// the bundled pools). For c < λ + 1 the power series of P gives it as
    /// e^(−c)·Σ_{j≥0} c^j/((λ + 1)…(λ + j)), whose terms fall from the first; otherwise
    /// 1 − P = Q(λ, c) comes from its continued fraction and the factor Γ(λ + 1)·c^(−λ) ≤ 1
    /// cannot overflow.
    public static func tailMean(lambda: Double, c: Double) -> Double {
        guard c > 0 else { return 1 }
        if c < lambda + 1 {
            var term = 1.0, sum = 1.0, denominator = lambda
            for _ in 0..<100_000 {
                denominator += 1
                term *= c / denominator
                sum += term
                if term < sum * 1e-17 { break }
            }
            return exp(-c) * sum
        }
        return exp(SpecialFunctions.logGamma(lambda + 1) - lambda * log(c)) * SpecialFunctions.regularizedGammaP(lambda, c)
    }

    /// The chance that at least one of n deployment queries fails, each query's p drawn from
    /// the evaluation set: its m − k smaller probabilities as they are (weight (m − k)/m), and
    /// above the k-th largest score the fitted tail, ψ = ψ_(k) + E/λ with E ~ Exp(1) and λ = −a
    /// (weight k/m). With independent queries that chance is exactly 1 − (1 − E[p])ⁿ. The
    /// tail's E[p] = ∫₀^∞ e^(−e) exp(−exp(−ψ_(k) − e/λ)) de has the closed form
    /// Γ(λ + 1)·c^(−λ)·P(λ, c) with c = exp(−ψ_(k)) and P the regularised incomplete gamma
    /// function. Also returns log P(no failure) = n·log(1 − E[p]), which keeps its precision
    /// when the chance itself rounds to 1.
    public static func aggregate(p: [Double], fit: Fit, n: Double) -> (estimate: Double, meanP: Double, naive: Double, logNone: Double) {
        let m = p.count, k = fit.k
        // The body: the m − k probabilities outside the top k (ties at the k-th score split as
        // a stable order would).
        let threshold = fit.top[k - 1]
        var bodySum = 0.0, bodyCount = 0, tiesAllowed = fit.top.filter { $0 == threshold }.count
        for v in p {
            let s = score(v)
            if s > threshold { continue }
            if s == threshold && tiesAllowed > 0 { tiesAllowed -= 1; continue }
            bodySum += v
            bodyCount += 1
        }
        let bodyMean = bodyCount > 0 ? bodySum / Double(bodyCount) : 0
        let tailMean = self.tailMean(lambda: -fit.a, c: exp(-threshold))
        let mean = Double(m - k) / Double(m) * bodyMean + Double(k) / Double(m) * tailMean
        let naiveMean = p.reduce(0, +) / Double(m)
        let logNone = n * log1p(-mean)
        return (-expm1(logNone), mean, -expm1(n * log1p(-naiveMean)), logNone)
    }
}
