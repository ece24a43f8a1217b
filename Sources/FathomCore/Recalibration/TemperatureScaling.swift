#if canImport(Glibc)
import Glibc
#endif

/// Temperature scaling (Guo, Pleiss, Sun & Weinberger 2017): the T > 0 minimising the mean
/// negative log-likelihood of softmax(z / T). The NLL is convex in the inverse temperature
/// β = 1/T, so Newton's method on β with exact first and second derivatives, safeguarded by
/// bisection on a bracket, converges in a few passes; it stops when |ΔT| < 1e-10·T. Each pass
/// over the logits is split between the cores.
public enum TemperatureScaling {
    public struct Fit: Sendable {
        public var temperature: Double
        /// Mean NLL at the solution.
        public var nll: Double
        public var iterations: Int
    }

    /// Mean NLL and its first two derivatives in β at `beta`.
    static func derivatives(_ z: Matrix, _ y: [Int], _ beta: Double) -> (f: Double, d1: Double, d2: Double) {
        let n = z.rows, k = z.cols
        let storage = z.storage
        let parts = Parallel.chunks(n) { range -> [Double] in
            storage.withUnsafeBufferPointer { s in
                var f = 0.0, d1 = 0.0, d2 = 0.0
                for i in range {
                    let row = s.baseAddress! + i * k
                    var m = -Double.infinity
                    for j in 0..<k where row[j] > m { m = row[j] }
                    // With u_j = β z_j: log Σ exp(u) and the mean and variance of z under softmax(u).
                    var total = 0.0, mean = 0.0, second = 0.0
                    for j in 0..<k {
                        let e = exp(beta * (row[j] - m))
                        total += e
                        mean += e * row[j]
                        second += e * row[j] * row[j]
                    }
                    mean /= total
                    second /= total
                    f += beta * m + log(total) - beta * row[y[i]]
                    d1 += mean - row[y[i]]
                    d2 += second - mean * mean
                }
                return [f, d1, d2]
            }
        }
        let t = parts.reduce([0, 0, 0]) { [$0[0] + $1[0], $0[1] + $1[1], $0[2] + $1[2]] }
        return (t[0] / Double(n), t[1] / Double(n), t[2] / Double(n))
    }

    /// The NLL has no minimum with T in [10⁻³, 10⁶]: it keeps falling as T → 0 (every
    /// example's label has the largest logit, so sharper is always better) or as T → ∞ (the
    /// logits are no better than uniform).
    public enum Unbounded: Error, Sendable {
        case towardZero
        case towardInfinity
    }

    public static func fit(logits z: Matrix, labels y: [Int]) throws -> Fit {
        precondition(z.rows == y.count && z.rows > 0)
        // Bracket the minimum in β: the derivative is increasing.
        var lo = 1e-6, hi = 1e3
        if derivatives(z, y, hi).d1 <= 0 { throw Unbounded.towardZero }
        if derivatives(z, y, lo).d1 >= 0 { throw Unbounded.towardInfinity }
        var beta = 1.0
        var iterations = 0
        var previousT = Double.infinity
        while iterations < 200 {
            try Interruption.check()
            iterations += 1
            let (_, d1, d2) = derivatives(z, y, beta)
            if d1 > 0 { hi = beta } else { lo = beta }
            var next = d2 > 0 ? beta - d1 / d2 : .nan
            if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
            beta = next
            let t = 1 / beta
            if abs(t - previousT) < 1e-10 * t || hi - lo < 1e-15 * hi { break }
            previousT = t
        }
        return Fit(temperature: 1 / beta, nll: derivatives(z, y, beta).f, iterations: iterations)
    }
}
