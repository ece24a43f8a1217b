#if canImport(Glibc)
import Glibc
#endif

/// Maximum-likelihood fits of the GEV, the Gumbel and the GPD, with standard errors from the
/// observed information, and the helpers they share.
extension ExtremeValue {
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
