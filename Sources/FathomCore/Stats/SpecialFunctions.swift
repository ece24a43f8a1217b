#if canImport(Glibc)
import Glibc
#endif

/// Special functions: the regularised incomplete beta function and its inverse, from which
/// binomial tail probabilities and Clopper–Pearson intervals follow.
public enum SpecialFunctions {
    /// ln Γ(x) for x > 0 (glibc's lgamma_r: thread-safe).
    public static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// log(1 + eˣ) without overflow for large x or loss of precision for very negative x.
    @inline(__always)
    public static func softplus(_ x: Double) -> Double {
        x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))
    }

    /// The logistic function 1/(1 + e⁻ˣ), without overflow on either side.
    @inline(__always)
    public static func sigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }

    /// ln B(a, b).
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        logGamma(a) + logGamma(b) - logGamma(a + b)
    }

    /// The regularised incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b), for a, b > 0
    /// and x in [0, 1]: the continued fraction of Numerical Recipes §6.4 (modified Lentz),
    /// evaluated directly where it converges fast and through I_x(a, b) = 1 − I_{1−x}(b, a)
    /// elsewhere. Relative accuracy about 1e-14.
    public static func regularizedIncompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let front = exp(a * log(x) + b * log1p(-x) - logBeta(a, b))
        if x < (a + 1) / (a + b + 2) {
            return front * continuedFraction(x, a, b) / a
        }
        return 1 - front * continuedFraction(1 - x, b, a) / b
    }

    static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300, eps = 1e-16
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < eps { break }
        }
        return h
    }

    /// The x in [0, 1] with I_x(a, b) = p, by bisection to full double precision (I is
    /// increasing in x).
    public static func inverseRegularizedIncompleteBeta(_ p: Double, _ a: Double, _ b: Double) -> Double {
        if p <= 0 { return 0 }
        if p >= 1 { return 1 }
        var lo = 0.0, hi = 1.0
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if mid <= lo || mid >= hi { break }
            if regularizedIncompleteBeta(mid, a, b) < p { lo = mid } else { hi = mid }
        }
        return 0.5 * (lo + hi)
    }
}

/// Binomial proportions.
public enum Binomial {
    /// The Clopper–Pearson ("exact") interval for k successes in n trials at `confidence`:
    /// lower = Beta⁻¹(α/2; k, n − k + 1) (0 when k = 0), upper = Beta⁻¹(1 − α/2; k + 1, n − k)
    /// (1 when k = n). Agrees with scipy's `binomtest(k, n).proportion_ci(method="exact")`.
    public static func clopperPearson(successes k: Int, trials n: Int, confidence: Double) -> (lower: Double, upper: Double) {
        precondition(n > 0 && k >= 0 && k <= n)
        let alpha = 1 - confidence
        let lower = k == 0 ? 0 : SpecialFunctions.inverseRegularizedIncompleteBeta(alpha / 2, Double(k), Double(n - k + 1))
        let upper = k == n ? 1 : SpecialFunctions.inverseRegularizedIncompleteBeta(1 - alpha / 2, Double(k + 1), Double(n - k))
        return (lower, upper)
    }

    /// The one-sided Clopper–Pearson upper bound at level `delta`: the p at which k or fewer
    /// successes in n trials have probability delta, Beta⁻¹(1 − δ; k + 1, n − k) (1 when k = n).
    public static func upperBound(successes k: Int, trials n: Int, delta: Double) -> Double {
        k >= n ? 1 : SpecialFunctions.inverseRegularizedIncompleteBeta(1 - delta, Double(k + 1), Double(n - k))
    }
}
