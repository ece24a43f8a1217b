#if canImport(Glibc)
import Glibc
#endif

extension SpecialFunctions {
    /// The regularised lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a), a > 0, x ≥ 0.
    public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x.isInfinite { return 1 }
        return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x)
    }

    /// The regularised upper incomplete gamma function Q(a, x) = 1 − P(a, x), computed
    /// directly in the tail so that small values keep their relative accuracy.
    public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        if x.isInfinite { return 0 }
        return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x)
    }

    /// P(a, x) by its power series (Numerical Recipes §6.2), for x < a + 1.
    static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1 / a, sum = term, ap = a
        for _ in 0..<10_000 {
            ap += 1
            term *= x / ap
            sum += term
            if abs(term) < abs(sum) * 1e-17 { break }
        }
        return sum * exp(-x + a * log(x) - logGamma(a))
    }

    /// Q(a, x) by its continued fraction (modified Lentz), for x ≥ a + 1.
    static func gammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(-x + a * log(x) - logGamma(a)) * h
    }

    /// The modified Bessel function of the second kind K_ν(x), x > 0, from
    /// K_ν(x) = ∫₀^∞ exp(−x·cosh t)·cosh(νt) dt by the trapezoidal rule, which converges
    /// geometrically for this smooth, doubly exponentially decaying integrand.
    public static func besselK(_ nu: Double, _ x: Double) -> Double {
        guard x > 0 else { return .infinity }
        // Beyond t_max the integrand is below e^-745 · cosh(ν t): nothing left in double.
        let tMax = acosh(max(1, 745 / x)) + 1
        func integral(_ h: Double) -> Double {
            var sum = 0.5 * exp(-x)
            var t = h
            while t <= tMax {
                sum += exp(-x * cosh(t)) * cosh(nu * t)
                t += h
            }
            return sum * h
        }
        var h = 0.25
        var previous = integral(h)
        for _ in 0..<8 {
            h /= 2
            let next = integral(h)
            if abs(next - previous) <= 1e-15 * abs(next) { return next }
            previous = next
        }
        return previous
    }

    /// The standard normal CDF Φ(z).
    public static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }
}

/// Tail probabilities of the distributions the tests refer to.
public enum Distribution {
    /// P(χ²_k > x).
    public static func chiSquareSurvival(_ x: Double, degrees k: Double) -> Double {
        SpecialFunctions.regularizedGammaQ(k / 2, x / 2)
    }

    /// P(X ≥ k) for X ~ Binomial(n, p): I_p(k, n − k + 1).
    public static func binomialUpperTail(_ k: Int, trials n: Int, probability p: Double) -> Double {
        if k <= 0 { return 1 }
        if k > n { return 0 }
        return SpecialFunctions.regularizedIncompleteBeta(p, Double(k), Double(n - k + 1))
    }
}
