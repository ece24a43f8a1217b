#if canImport(Glibc)
import Glibc
#endif

/// Platt scaling (Platt 1999): P(y = 1 | s) = 1 / (1 + exp(A·s + B)) fitted by maximum
/// likelihood against Platt's smoothed targets t₊ = (N₊ + 1)/(N₊ + 2) and t₋ = 1/(N₋ + 2),
/// the objective scikit-learn's `_sigmoid_calibration` minimises; solved by L-BFGS to a
/// gradient below 1e-12.
public enum PlattScaling {
    public static func fit(scores s: [Double], labels y: [Int]) throws -> (a: Double, b: Double) {
        let positives = Double(y.filter { $0 == 1 }.count)
        let negatives = Double(y.count) - positives
        let tPos = (positives + 1) / (positives + 2), tNeg = 1 / (negatives + 2)
        let t = y.map { $0 == 1 ? tPos : tNeg }
        // Start where scikit-learn starts: A = 0, B = log((N₋ + 1)/(N₊ + 1)).
        let start = [0.0, log((negatives + 1) / (positives + 1))]
        let result = try LBFGS(maxIterations: 5000, gradientTolerance: 1e-12).minimize(start) { p, g in
            var f = 0.0, ga = 0.0, gb = 0.0
            for i in s.indices {
                let u = p[0] * s[i] + p[1]
                // log(1 + e^u) stably; P(y=1) = 1/(1 + e^u).
                let log1pExp = SpecialFunctions.softplus(u)
                f += t[i] * log1pExp + (1 - t[i]) * (log1pExp - u)
                let q = 1 / (1 + exp(-u))
                ga += (q - (1 - t[i])) * s[i]
                gb += q - (1 - t[i])
            }
            g[0] = ga
            g[1] = gb
            return f
        }
        return (result.x[0], result.x[1])
    }

    public static func apply(_ s: Double, a: Double, b: Double) -> Double {
        let u = a * s + b
        return u >= 0 ? exp(-u) / (1 + exp(-u)) : 1 / (1 + exp(u))
    }
}
