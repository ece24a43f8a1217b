#if canImport(Glibc)
import Glibc
#endif

extension ExtremeValue {
    /// The profile-likelihood interval of a GEV or Gumbel return level: μ rewritten through the
    /// level z, the likelihood maximised over the other parameters for each z, and the z where
    /// 2(ℓ_max − ℓ_prof(z)) reaches the χ²₁ quantile, bracketed outwards and then bisected.
    public static func profileInterval(_ fit: Fit, period: Double, confidence: Double) throws -> (lower: Double, upper: Double) {
        guard fit.model != .gpd, fit.model == .gumbel || fit.parameters[2] > -1 else { throw Problem.notConverged }
        let (level, _) = returnLevel(fit, period: period)
        // The χ²₁ quantile at the confidence level: the squared normal quantile.
        let chi = pow(SpecialFunctions.normalQuantile(0.5 + confidence / 2), 2)
        let profile = ReturnLevelProfile(fit, period: period)
        func excess(_ z: Double) throws -> Double { 2 * (try profile.nll(z) - fit.nll) - chi }
        let se = deltaInterval(fit, period: period, confidence: confidence).se
        let scale = max(abs(level), fit.parameters[1], 1e-300)
        func root(_ direction: Double) throws -> Double {
            // Outwards in steps that grow by half each time, from a quarter of the delta-method
            // half-width, until the deviance passes the quantile.
            var inside = level, step = max(se.isFinite ? 0.25 * se : 0, 1e-6 * scale)
            var outside = level + direction * step
            var tries = 0
            while try excess(outside) < 0 {
                inside = outside
                step *= 1.5
                outside = inside + direction * step
                tries += 1
                if tries > 120 { throw Problem.notConverged }
            }
            for _ in 0..<200 {
                let mid = (inside + outside) / 2
                if try excess(mid) < 0 { inside = mid } else { outside = mid }
                if abs(outside - inside) <= 1e-9 * scale { break }
            }
            return (inside + outside) / 2
        }
        return (try root(-1), try root(1))
    }
}

/// The profile negative log-likelihood of a GEV or Gumbel return level z_T: the NLL minimised
/// over (σ, ξ) (the Gumbel: over σ) with μ = z − σ·g(ξ), g(ξ) = expm1(−ξ log y_T)/ξ (→ −log y_T
/// as ξ → 0). Every inner fit starts inside the support, 1 + ξ(x − μ)/σ > 0 for all x, which at
/// fixed z reads σ > σ_min(ξ) = y_T^ξ · max(0, ξ(z − x_min), ξ(z − x_max)); a start outside it
/// has an infinite NLL, which used to be read as "z lies outside the interval". ξ is kept above
/// −1, where the likelihood is unbounded (Coles 2001, §3.3.2).
final class ReturnLevelProfile {
    let fit: ExtremeValue.Fit
    let x: [Double]
    let logY: Double
    let lowest: Double, highest: Double
    /// The optimum (σ, ξ) at each z evaluated so far: warm starts for the next z.
    private(set) var solutions: [(z: Double, theta: [Double])] = []

    init(_ fit: ExtremeValue.Fit, period: Double) {
        self.fit = fit
        x = fit.data
        logY = log(ExtremeValue.reducedVariate(period))
        lowest = x.min() ?? 0
        highest = x.max() ?? 0
    }

    /// g(ξ) = expm1(−ξ log y)/ξ and its derivative, by their series where the closed forms cancel.
    func g(_ xi: Double) -> (value: Double, slope: Double) {
        let w = -xi * logY
        if abs(w) < 0.1 {
            // g = Σ_{k≥1} (−log y)^k ξ^(k−1)/k!, g′ = Σ_{k≥2} (k − 1)(−log y)^k ξ^(k−2)/k!.
            let a = -logY
            // t_k = a^k ξ^(k−2)/k!, so that g = a + Σ t_k ξ and g′ = Σ (k − 1) t_k.
            var value = a, slope = 0.0, t = a * a / 2
            for k in 2...40 {
                value += t * xi
                slope += Double(k - 1) * t
                if abs(t) * Double(k) < 1e-17 * abs(slope) { break }
                t *= w / Double(k + 1)
            }
            return (value, slope)
        }
        let em = expm1(w)
        return (em / xi, -logY * exp(w) / xi - em / (xi * xi))
    }

    /// The smallest σ inside the support at level z and shape ξ.
    func sigmaMin(_ z: Double, _ xi: Double) -> Double {
        exp(xi * logY) * max(0, xi * (z - lowest), xi * (z - highest))
    }

    func nll(_ z: Double, _ sigma: Double, _ xi: Double) -> Double {
        guard sigma > 0, xi > -1 else { return .infinity }
        if fit.model == .gumbel { return ExtremeValue.gevNLL(x, z + sigma * logY, sigma, 0) }
        return ExtremeValue.gevNLL(x, z - sigma * g(xi).value, sigma, xi)
    }

    /// The NLL at (σ, ξ) and its gradient in (log σ, ξ).
    func valueAndGradient(_ z: Double, _ u: [Double]) -> (Double, [Double]) {
        let sigma = exp(u[0]), xi = u[1]
        guard xi > -1 else { return (.infinity, [0, 0]) }
        let (gv, gs) = g(xi)
        let (f, d) = ExtremeValue.gevValueAndGradient(x, z - sigma * gv, sigma, xi)
        guard f.isFinite else { return (.infinity, [0, 0]) }
        // μ = z − σ g(ξ): ∂μ/∂σ = −g, ∂μ/∂ξ = −σ g′.
        return (f, [sigma * (d[1] - d[0] * gv), d[2] - d[0] * sigma * gs])
    }

    /// The best σ at fixed (z, ξ): a grid over log(σ − σ_min) spanning 10⁻⁵ to 50 times the
    /// fitted σ, then golden-section search between the best point's neighbours.
    func bestSigma(_ z: Double, _ xi: Double) -> (sigma: Double, value: Double) {
        let floor = sigmaMin(z, xi)
        let s0 = log(fit.parameters[1])
        func f(_ u: Double) -> Double { nll(z, floor + exp(u), xi) }
        let grid = (0...32).map { s0 - 11.5 + 15.5 * Double($0) / 32 }
        let values = grid.map(f)
        guard let best = values.indices.min(by: { values[$0] < values[$1] }), values[best].isFinite else { return (floor + exp(s0), .infinity) }
        var lo = grid[max(0, best - 1)], hi = grid[min(grid.count - 1, best + 1)]
        let phi = (5.0.squareRoot() - 1) / 2
        var a = hi - phi * (hi - lo), b = lo + phi * (hi - lo)
        var fa = f(a), fb = f(b)
        for _ in 0..<80 where hi - lo > 1e-12 {
            if fa < fb { hi = b; b = a; fb = fa; a = hi - phi * (hi - lo); fa = f(a) } else { lo = a; a = b; fa = fb; b = lo + phi * (hi - lo); fb = f(b) }
        }
        let u = fa < fb ? a : b
        let v = min(fa, fb)
        return v <= values[best] ? (floor + exp(u), v) : (floor + exp(grid[best]), values[best])
    }

    /// ℓ_prof(z) as a negative log-likelihood.
    func nll(_ z: Double) throws -> Double {
        try Interruption.check()
        if fit.model == .gumbel { return bestSigma(z, 0).value }
        let xiHat = fit.parameters[2]
        // Starts: the nearest level's optimum, the fit's ξ and either side of it, each with its
        // best σ (always inside the support).
        var shapes = [xiHat, xiHat - 0.2, xiHat + 0.2, 0]
        if let near = solutions.min(by: { abs($0.z - z) < abs($1.z - z) }) { shapes.insert(near.theta[1], at: 0) }
        let starts = shapes.map { xi -> (theta: [Double], value: Double) in
            let s = bestSigma(z, max(xi, -0.95))
            return ([s.sigma, max(xi, -0.95)], s.value)
        }.filter { $0.value.isFinite }.sorted { $0.value < $1.value }
        var best: (theta: [Double], value: Double)?
        for start in starts.prefix(2) {
            let r = try LBFGS(maxIterations: 500, gradientTolerance: 1e-10).minimize([log(start.theta[0]), start.theta[1]]) { u, grad in
                let (f, d) = valueAndGradient(z, u)
                grad[0] = d[0]; grad[1] = d[1]
                return f
            }
            let candidate = r.value.isFinite && r.value <= start.value ? ([exp(r.x[0]), r.x[1]], r.value) : start
            if best == nil || candidate.1 < best!.value { best = candidate }
        }
        guard let best else { return .infinity }
        solutions.append((z, best.theta))
        return best.value
    }
}
