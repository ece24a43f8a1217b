#if canImport(Glibc)
import Glibc
#endif

/// Classical extreme-value models fitted by maximum likelihood, in Coles' (2001)
/// parameterisation: the GEV G(x) = exp{−[1 + ξ(x − μ)/σ]^(−1/ξ)} (ξ > 0 heavy-tailed, ξ → 0
/// the Gumbel), and the generalised Pareto distribution of threshold excesses,
/// H(y) = 1 − (1 + ξy/σ)^(−1/ξ). Standard errors come from the observed information: the
/// inverse of the Hessian of the negative log-likelihood at the optimum.
public enum ExtremeValue {
    public enum Model: String, Sendable {
        case gev, gumbel, gpd
    }

    public enum Problem: Error, Equatable, Sendable {
        case tooFew(Int, need: Int)
        case notFinite(Int)
        case constant
        case noExcesses
        case notConverged
    }

    public struct Fit: Sendable {
        public var model: Model
        /// (μ, σ, ξ) for the GEV, (μ, σ) for the Gumbel, (σ, ξ) for the GPD.
        public var parameters: [Double]
        public var names: [String]
        public var covariance: [[Double]]
        public var nll: Double
        public var n: Int
        /// GPD: the threshold, the exceedance rate ζ_u = n_u/n and the sample size n.
        public var threshold: Double?
        public var rate: Double?
        public var total: Int?
        public var iterations: Int
        public var data: [Double]

        public var standardErrors: [Double] { covariance.indices.map { covariance[$0][$0].squareRoot() } }
    }

    // MARK: - Likelihoods

    /// The GEV negative log-likelihood at (μ, σ, ξ); +∞ outside the support.
    public static func gevNLL(_ x: [Double], _ mu: Double, _ sigma: Double, _ xi: Double) -> Double {
        guard sigma > 0 else { return .infinity }
        var total = Double(x.count) * log(sigma)
        if abs(xi) < 1e-9 {
            for v in x { let z = (v - mu) / sigma; total += z + exp(-z) }
            return total
        }
        for v in x {
            let t = 1 + xi * (v - mu) / sigma
            guard t > 0 else { return .infinity }
            let lt = log(t)
            total += (1 + 1 / xi) * lt + exp(-lt / xi)
        }
        return total
    }

    /// The NLL and its gradient in one pass over the data, split between the cores for large
    /// samples; the same formulas as gevNLL and gevGradient.
    static func gevValueAndGradient(_ x: [Double], _ mu: Double, _ sigma: Double, _ xi: Double) -> (Double, [Double]) {
        guard sigma > 0 else { return (.infinity, [0, 0, 0]) }
        if abs(xi) < 1e-4 { return (gevNLL(x, mu, sigma, xi), gevGradient(x, mu, sigma, xi)) }
        let parts = Parallel.chunks(x.count, threshold: 4000) { range -> [Double] in
            var f = 0.0, gm = 0.0, gs = 0.0, gx = 0.0
            for i in range {
                let z = (x[i] - mu) / sigma
                let t = 1 + xi * z
                guard t > 0 else { return [.infinity, 0, 0, 0] }
                let lt = log(t)
                let w = exp(-lt / xi)
                f += (1 + 1 / xi) * lt + w
                let common = (w - 1 - xi) / t
                gm += common
                gs += z * common
                gx += lt / (xi * xi) * (w - 1) + (z / t) * (1 + (1 - w) / xi)
            }
            return [f, gm, gs, gx]
        }
        var total = [0.0, 0, 0, 0]
        for p in parts { for j in 0..<4 { total[j] += p[j] } }
        let n = Double(x.count)
        return (n * log(sigma) + total[0], [total[1] / sigma, n / sigma + total[2] / sigma, total[3]])
    }

    /// The Gumbel NLL and its gradient in (μ, σ), in one pass split between the cores.
    static func gumbelValueAndGradient(_ x: [Double], _ mu: Double, _ sigma: Double) -> (Double, [Double]) {
        guard sigma > 0 else { return (.infinity, [0, 0]) }
        let parts = Parallel.chunks(x.count, threshold: 4000) { range -> [Double] in
            var f = 0.0, gm = 0.0, gs = 0.0
            for i in range {
                let z = (x[i] - mu) / sigma
                let w = exp(-z)
                f += z + w
                gm += w - 1
                gs += z * (w - 1)
            }
            return [f, gm, gs]
        }
        var total = [0.0, 0, 0]
        for p in parts { for j in 0..<3 { total[j] += p[j] } }
        let n = Double(x.count)
        return (n * log(sigma) + total[0], [total[1] / sigma, n / sigma + total[2] / sigma])
    }

    /// Its gradient in (μ, σ, ξ): analytic in μ and σ; in ξ analytic away from 0 and a central
    /// difference near it, where the analytic form cancels.
    static func gevGradient(_ x: [Double], _ mu: Double, _ sigma: Double, _ xi: Double) -> [Double] {
        var gm = 0.0, gs = Double(x.count) / sigma, gx = 0.0
        let near = abs(xi) < 1e-4
        for v in x {
            let z = (v - mu) / sigma
            let t = 1 + xi * z
            let lt = abs(xi) < 1e-9 ? 0 : log(t)
            let w = abs(xi) < 1e-9 ? exp(-z) : exp(-lt / xi)
            let common = (w - 1 - xi) / t
            gm += common / sigma
            gs += z * common / sigma
            if !near { gx += lt / (xi * xi) * (w - 1) + (z / t) * (1 + (1 - w) / xi) }
        }
        if near {
            let h = 1e-5
            gx = (gevNLL(x, mu, sigma, xi + h) - gevNLL(x, mu, sigma, xi - h)) / (2 * h)
        }
        return [gm, gs, gx]
    }

    /// The GPD negative log-likelihood of excesses y > 0 at (σ, ξ).
    public static func gpdNLL(_ y: [Double], _ sigma: Double, _ xi: Double) -> Double {
        guard sigma > 0 else { return .infinity }
        var total = Double(y.count) * log(sigma)
        if abs(xi) < 1e-9 {
            for v in y { total += v / sigma }
            return total
        }
        for v in y {
            let t = 1 + xi * v / sigma
            guard t > 0 else { return .infinity }
            total += (1 + 1 / xi) * log(t)
        }
        return total
    }

    static func gpdGradient(_ y: [Double], _ sigma: Double, _ xi: Double) -> [Double] {
        var gs = Double(y.count) / sigma, gx = 0.0
        let near = abs(xi) < 1e-4
        for v in y {
            let t = 1 + xi * v / sigma
            // d/dσ of (1 + 1/ξ) log t = (1 + 1/ξ)(−ξ v/σ²)/t = −(1 + ξ) v / (σ² t).
            gs -= (1 + xi) * v / (sigma * sigma * t)
            if !near { gx += -log(t) / (xi * xi) + (1 + 1 / xi) * (v / sigma) / t }
        }
        if near {
            let h = 1e-5
            gx = (gpdNLL(y, sigma, xi + h) - gpdNLL(y, sigma, xi - h)) / (2 * h)
        }
        return [gs, gx]
    }

    // MARK: - Fitting

    static func check(_ x: [Double], need: Int) throws {
        guard x.count >= need else { throw Problem.tooFew(x.count, need: need) }
        if let i = x.firstIndex(where: { !$0.isFinite }) { throw Problem.notFinite(i) }
        guard x.contains(where: { $0 != x[0] }) else { throw Problem.constant }
    }

    /// Minimises `nll` over parameters, some on the log scale, by L-BFGS and then Newton steps
    /// on a finite-difference Hessian of the gradient; returns the optimum and that Hessian.
    static func optimise(start: [Double], logScale: [Bool], nll: @escaping ([Double]) -> Double, gradient: @escaping ([Double]) -> [Double],
                         both: (([Double]) -> (Double, [Double]))? = nil) throws -> (theta: [Double], hessian: [[Double]], iterations: Int) {
        let p = start.count
        func natural(_ u: [Double]) -> [Double] { (0..<p).map { logScale[$0] ? exp(u[$0]) : u[$0] } }
        let u0 = (0..<p).map { logScale[$0] ? log(start[$0]) : start[$0] }
        let result = try LBFGS(maxIterations: 3000, gradientTolerance: 1e-12).minimize(u0) { u, g in
            let theta = natural(u)
            let (f, gt) = both?(theta) ?? { let v = nll(theta); return (v, v.isFinite ? gradient(theta) : []) }()
            guard f.isFinite else { for i in 0..<p { g[i] = 0 }; return .infinity }
            for i in 0..<p { g[i] = logScale[i] ? gt[i] * theta[i] : gt[i] }
            return f
        }
        var theta = natural(result.x)
        guard nll(theta).isFinite else { throw Problem.notConverged }
        func hessian(_ t: [Double]) -> [[Double]] {
            var h = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
            for j in 0..<p {
                let step = 1e-5 * max(1, abs(t[j]))
                var up = t, down = t
                up[j] += step; down[j] -= step
                let gu = gradient(up), gd = gradient(down)
                for i in 0..<p { h[i][j] = (gu[i] - gd[i]) / (2 * step) }
            }
            for i in 0..<p { for j in 0..<i { let s = (h[i][j] + h[j][i]) / 2; h[i][j] = s; h[j][i] = s } }
            return h
        }
        // Newton polish: a few steps, kept only while they lower the NLL.
        for _ in 0..<8 {
            let g = gradient(theta)
            let h = hessian(theta)
            guard let step = SmallDense.solve(Matrix(rowArrays: h), g) else { break }
            var trial = zip(theta, step).map { $0 - $1 }
            var scale = 1.0
            while !(nll(trial) <= nll(theta)) && scale > 1e-6 {
                scale /= 2
                trial = (0..<p).map { theta[$0] - scale * step[$0] }
            }
            if !(nll(trial) <= nll(theta)) { break }
            let moved = (0..<p).map { abs(trial[$0] - theta[$0]) }.max() ?? 0
            theta = trial
            if moved < 1e-13 * max(1, theta.map(abs).max() ?? 1) { break }
        }
        return (theta, hessian(theta), result.iterations)
    }

    static func invert(_ h: [[Double]]) -> [[Double]] {
        let p = h.count
        let m = Matrix(rowArrays: h)
        var columns: [[Double]] = []
        for j in 0..<p {
            var e = [Double](repeating: 0, count: p)
            e[j] = 1
            columns.append(SmallDense.solve(m, e) ?? [Double](repeating: .nan, count: p))
        }
        return (0..<p).map { i in (0..<p).map { j in columns[j][i] } }
    }

    /// Gumbel moment estimates, a start that is always inside the support.
    static func gumbelStart(_ x: [Double]) -> (mu: Double, sigma: Double) {
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let sd = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / max(1, n - 1)).squareRoot()
        let sigma = max(sd * 6.0.squareRoot() / Double.pi, 1e-12)
        return (mean - 0.5772156649015329 * sigma, sigma)
    }

    public static func fitGumbel(_ x: [Double]) throws -> Fit {
        try check(x, need: 3)
        let s = gumbelStart(x)
        let r = try optimise(start: [s.mu, s.sigma], logScale: [false, true],
                             nll: { gevNLL(x, $0[0], $0[1], 0) },
                             gradient: { gumbelValueAndGradient(x, $0[0], $0[1]).1 },
                             both: { gumbelValueAndGradient(x, $0[0], $0[1]) })
        return Fit(model: .gumbel, parameters: r.theta, names: ["mu", "sigma"], covariance: invert(r.hessian),
                   nll: gevNLL(x, r.theta[0], r.theta[1], 0), n: x.count, iterations: r.iterations, data: x)
    }

    public static func fitGEV(_ x: [Double], gumbel: Fit? = nil) throws -> Fit {
        try check(x, need: 4)
        let g = try gumbel ?? fitGumbel(x)
        var best: (theta: [Double], hessian: [[Double]], iterations: Int)?
        // From the Gumbel fit, nudged in ξ; the other way too if that fails or stalls.
        for xi0 in [0.05, -0.05] {
            // A failed start is tried the other way; a Ctrl-C is not a failed start.
            try Interruption.check()
            guard let r = try? optimise(start: [g.parameters[0], g.parameters[1], xi0], logScale: [false, true, false],
                                        nll: { gevNLL(x, $0[0], $0[1], $0[2]) },
                                        gradient: { gevGradient(x, $0[0], $0[1], $0[2]) },
                                        both: { gevValueAndGradient(x, $0[0], $0[1], $0[2]) }) else { continue }
            if best == nil || gevNLL(x, r.theta[0], r.theta[1], r.theta[2]) < gevNLL(x, best!.theta[0], best!.theta[1], best!.theta[2]) { best = r }
            // A converged optimum with a small gradient needs no second start.
            let grad = gevGradient(x, r.theta[0], r.theta[1], r.theta[2])
            if grad.map(abs).max()! <= 1e-6 * max(1, abs(gevNLL(x, r.theta[0], r.theta[1], r.theta[2]))) { break }
        }
        try Interruption.check()
        guard let r = best else { throw Problem.notConverged }
        return Fit(model: .gev, parameters: r.theta, names: ["mu", "sigma", "xi"], covariance: invert(r.hessian),
                   nll: gevNLL(x, r.theta[0], r.theta[1], r.theta[2]), n: x.count, iterations: r.iterations, data: x)
    }

    public static func fitGPD(_ x: [Double], threshold u: Double) throws -> Fit {
        try check(x, need: 3)
        let y = x.filter { $0 > u }.map { $0 - u }
        guard y.count >= 3 else { throw y.isEmpty ? Problem.noExcesses : Problem.tooFew(y.count, need: 3) }
        guard y.contains(where: { $0 != y[0] }) else { throw Problem.constant }
        let mean = y.reduce(0, +) / Double(y.count)
        var best: (theta: [Double], hessian: [[Double]], iterations: Int)?
        for xi0 in [0.1, -0.1] {
            try Interruption.check()
            guard let r = try? optimise(start: [mean * (1 - xi0), xi0], logScale: [true, false],
                                        nll: { gpdNLL(y, $0[0], $0[1]) }, gradient: { gpdGradient(y, $0[0], $0[1]) }) else { continue }
            if best == nil || gpdNLL(y, r.theta[0], r.theta[1]) < gpdNLL(y, best!.theta[0], best!.theta[1]) { best = r }
        }
        try Interruption.check()
        guard let r = best else { throw Problem.notConverged }
        return Fit(model: .gpd, parameters: r.theta, names: ["sigma", "xi"], covariance: invert(r.hessian),
                   nll: gpdNLL(y, r.theta[0], r.theta[1]), n: y.count, threshold: u, rate: Double(y.count) / Double(x.count),
                   total: x.count, iterations: r.iterations, data: x)
    }

    // MARK: - Return levels

    /// y_T = −log(1 − 1/T).
    static func reducedVariate(_ period: Double) -> Double { -log1p(-1 / period) }

    /// The return level and its gradient in the fit's parameters (for the GPD, a third entry
    /// for ζ_u).
    public static func returnLevel(_ fit: Fit, period: Double) -> (level: Double, gradient: [Double]) {
        switch fit.model {
        case .gumbel:
            let (mu, sigma) = (fit.parameters[0], fit.parameters[1])
            let yp = reducedVariate(period)
            return (mu - sigma * log(yp), [1, -log(yp)])
        case .gev:
            let (mu, sigma, xi) = (fit.parameters[0], fit.parameters[1], fit.parameters[2])
            let yp = reducedVariate(period)
            if abs(xi) < 1e-9 { return (mu - sigma * log(yp), [1, -log(yp), sigma * log(yp) * log(yp) / 2]) }
            let power = pow(yp, -xi)
            let level = mu - sigma / xi * (1 - power)
            // Coles (3.11): ∇z = [1, −ξ⁻¹(1 − y^−ξ), σξ⁻²(1 − y^−ξ) − σξ⁻¹ y^−ξ log y].
            return (level, [1, -(1 - power) / xi, sigma / (xi * xi) * (1 - power) - sigma / xi * power * log(yp)])
        case .gpd:
            let (sigma, xi) = (fit.parameters[0], fit.parameters[1])
            let u = fit.threshold ?? 0, zeta = fit.rate ?? 1
            let mz = period * zeta
            if abs(xi) < 1e-9 { return (u + sigma * log(mz), [log(mz), sigma * log(mz) * log(mz) / 2, sigma / zeta]) }
            let power = pow(mz, xi)
            let level = u + sigma / xi * (power - 1)
            return (level, [(power - 1) / xi, -sigma / (xi * xi) * (power - 1) + sigma / xi * power * log(mz), sigma * pow(period, xi) * pow(zeta, xi - 1)])
        }
    }

    /// The delta-method interval: level ± z·√(∇ᵀV∇), V the parameters' covariance (with the
    /// variance ζ(1 − ζ)/n of the exceedance rate for the GPD).
    public static func deltaInterval(_ fit: Fit, period: Double, confidence: Double) -> (level: Double, lower: Double, upper: Double, se: Double) {
        let (level, gradient) = returnLevel(fit, period: period)
        var v = fit.covariance
        if fit.model == .gpd {
            let zeta = fit.rate ?? 0, n = Double(fit.total ?? 1)
            v = v.map { $0 + [0] } + [[0, 0, zeta * (1 - zeta) / n]]
        }
        var variance = 0.0
        for i in gradient.indices { for j in gradient.indices { variance += gradient[i] * v[i][j] * gradient[j] } }
        let se = variance.squareRoot()
        let z = SpecialFunctions.normalQuantile(0.5 + confidence / 2)
        return (level, level - z * se, level + z * se, se)
    }

    // MARK: - Helpers

    /// Maxima of consecutive blocks of `size` values; an incomplete last block is dropped.
    public static func blockMaxima(_ x: [Double], size: Int) -> [Double] {
        stride(from: 0, to: x.count - size + 1, by: size).map { start in x[start..<(start + size)].max()! }
    }

    /// Mean excess over thresholds: for each u, the mean of x − u over x > u and its standard
    /// error sd/√n_u (ddof 1).
    public static func meanExcess(_ x: [Double], thresholds: [Double]) throws -> [(threshold: Double, mean: Double, se: Double, count: Int)] {
        let sorted = Sorting.ascending(x)
        return try thresholds.map { u in
            try Interruption.check()
            let start = SortedSearch.upperBound(sorted, u)
            let excesses = sorted[start...].map { $0 - u }
            let n = Double(excesses.count)
            guard n > 0 else { return (u, .nan, .nan, 0) }
            let mean = excesses.reduce(0, +) / n
            let sd = n > 1 ? (excesses.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot() : .nan
            return (u, mean, sd / n.squareRoot(), excesses.count)
        }
    }

    /// The GEV (or Gumbel) CDF at x.
    public static func cdf(_ fit: Fit, _ v: Double) -> Double {
        switch fit.model {
        case .gumbel: return exp(-exp(-(v - fit.parameters[0]) / fit.parameters[1]))
        case .gev:
            let (mu, sigma, xi) = (fit.parameters[0], fit.parameters[1], fit.parameters[2])
            if abs(xi) < 1e-9 { return exp(-exp(-(v - mu) / sigma)) }
            let t = 1 + xi * (v - mu) / sigma
            if t <= 0 { return xi > 0 ? 0 : 1 }
            return exp(-pow(t, -1 / xi))
        case .gpd:
            let (sigma, xi) = (fit.parameters[0], fit.parameters[1])
            let y = v - (fit.threshold ?? 0)
            if y <= 0 { return 0 }
            if abs(xi) < 1e-9 { return 1 - exp(-y / sigma) }
            let t = 1 + xi * y / sigma
            if t <= 0 { return 1 }
            return 1 - pow(t, -1 / xi)
        }
    }

    /// The quantile of probability q under the fit.
    public static func quantile(_ fit: Fit, _ q: Double) -> Double {
        switch fit.model {
        case .gumbel: return fit.parameters[0] - fit.parameters[1] * log(-log(q))
        case .gev:
            let (mu, sigma, xi) = (fit.parameters[0], fit.parameters[1], fit.parameters[2])
            if abs(xi) < 1e-9 { return mu - sigma * log(-log(q)) }
            return mu - sigma / xi * (1 - pow(-log(q), -xi))
        case .gpd:
            let (sigma, xi) = (fit.parameters[0], fit.parameters[1])
            let u = fit.threshold ?? 0
            if abs(xi) < 1e-9 { return u - sigma * log1p(-q) }
            return u + sigma / xi * (pow(1 - q, -xi) - 1)
        }
    }
}
