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
}
