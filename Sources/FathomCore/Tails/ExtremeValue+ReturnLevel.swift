#if canImport(Glibc)
import Glibc
#endif

/// Return levels of a fit and their delta-method intervals (the profile-likelihood intervals
/// are in ExtremeValue+Profile.swift).
extension ExtremeValue {
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
}
