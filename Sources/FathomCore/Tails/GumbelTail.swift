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
        guard k < x.count else { return x.sorted(by: >) }
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

    /// The share of queries with p > τ, read off the fitted tail: exp(a·ψ_τ + b).
    public static func frequency(_ fit: Fit, tau: Double) -> Double {
        exp(fit.a * score(tau) + fit.b)
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
        let lambda = -fit.a
        let c = exp(-threshold)
        let tailMean = exp(SpecialFunctions.logGamma(lambda + 1) - lambda * log(c)) * SpecialFunctions.regularizedGammaP(lambda, c)
        let mean = Double(m - k) / Double(m) * bodyMean + Double(k) / Double(m) * tailMean
        let naiveMean = p.reduce(0, +) / Double(m)
        let logNone = n * log1p(-mean)
        return (-expm1(logNone), mean, -expm1(n * log1p(-naiveMean)), logNone)
    }
}
