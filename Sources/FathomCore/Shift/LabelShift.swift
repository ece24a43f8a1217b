#if canImport(Glibc)
import Glibc
#endif

/// Label shift: the class prior moves, p(x | y) stays. Estimating the new prior from a
/// model's outputs on unlabelled target data, and correcting for it.
public enum LabelShift {
    public enum Problem: Error, Equatable, Sendable {
        /// A class the model never predicts on the validation data (a zero row of C).
        case neverPredicted(Int)
        /// A class absent from the validation labels (a zero column of C).
        case neverSeen(Int)
        /// C is singular to working precision for another reason.
        case singular
    }

    /// The validation label frequencies, π_s.
    public static func prior(_ y: [Int], classes k: Int) -> [Double] {
        var counts = [Double](repeating: 0, count: k)
        for label in y { counts[label] += 1 }
        return counts.map { $0 / Double(y.count) }
    }

    public struct BBSE: Sendable {
        /// C[i, j] = P(prediction i, label j) on validation data.
        public var confusion: Matrix
        /// μ[i] = P(prediction i) on the target.
        public var targetPredictions: [Double]
        /// w = C⁻¹μ with negative entries set to 0: the importance weight of each class.
        public var weights: [Double]
        public var sourcePrior: [Double]
        /// q = w ⊙ π_s.
        public var targetPrior: [Double]
        public var conditionNumber: Double
    }

    /// Black-box shift estimation (Lipton, Wang & Smola 2018). `soft` uses the probabilities
    /// instead of the hard predictions for C and μ.
    public static func bbse(validation p: Matrix, labels y: [Int], target q: Matrix, soft: Bool) throws -> BBSE {
        let k = p.cols
        var c = Matrix(rows: k, cols: k)
        let n = Double(p.rows)
        if soft {
            for r in 0..<p.rows { for i in 0..<k { c[i, y[r]] += p[r, i] / n } }
        } else {
            let predicted = RowOperations.argmax(p)
            for r in 0..<p.rows { c[predicted[r], y[r]] += 1 / n }
        }
        var mu = [Double](repeating: 0, count: k)
        if soft {
            for r in 0..<q.rows { for i in 0..<k { mu[i] += q[r, i] } }
        } else {
            for i in RowOperations.argmax(q) { mu[i] += 1 }
        }
        mu = mu.map { $0 / Double(q.rows) }
        for i in 0..<k where (0..<k).allSatisfy({ c[i, $0] == 0 }) { throw Problem.neverPredicted(i) }
        for j in 0..<k where (0..<k).allSatisfy({ c[$0, j] == 0 }) { throw Problem.neverSeen(j) }
        guard let w = SmallDense.solve(c, mu) else { throw Problem.singular }
        let weights = w.map { max(0, $0) }
        let source = prior(y, classes: k)
        return BBSE(confusion: c, targetPredictions: mu, weights: weights, sourcePrior: source,
                    targetPrior: zip(weights, source).map { $0 * $1 }, conditionNumber: SmallDense.conditionNumber(c))
    }

    /// Saerens, Latinne & Decaestecker (2002): EM for the target prior. From π_t = π_s,
    /// repeat p_t(y | x) ∝ p(y | x)·π_t(y)/π_s(y), π_t = mean p_t(y | x), until
    /// max |Δπ| < tolerance. Returns the prior and the iterations used.
    public static func expectationMaximization(target q: Matrix, sourcePrior source: [Double], tolerance: Double = 1e-10, maxIterations: Int = 10_000) throws -> (prior: [Double], iterations: Int) {
        let k = q.cols, n = q.rows
        var prior = source
        let storage = q.storage
        for iteration in 1...maxIterations {
            if iteration % 64 == 0 { try Interruption.check() }
            let ratio = (0..<k).map { source[$0] > 0 ? prior[$0] / source[$0] : 0 }
            let parts = Parallel.chunks(n, threshold: 20_000) { range -> [Double] in
                var sums = [Double](repeating: 0, count: k)
                var row = [Double](repeating: 0, count: k)
                storage.withUnsafeBufferPointer { s in
                    for r in range {
                        var total = 0.0
                        for j in 0..<k { row[j] = s[r * k + j] * ratio[j]; total += row[j] }
                        if total > 0 { for j in 0..<k { sums[j] += row[j] / total } }
                    }
                }
                return sums
            }
            var next = [Double](repeating: 0, count: k)
            for part in parts { for j in 0..<k { next[j] += part[j] } }
            next = next.map { $0 / Double(n) }
            let change = zip(next, prior).map { abs($0 - $1) }.max() ?? 0
            prior = next
            if change < tolerance { return (prior, iteration) }
        }
        return (prior, maxIterations)
    }

    /// Bias-corrected temperature scaling (Alexandari, Kundaje & Shrikumar 2020): the T > 0
    /// and per-class biases b minimising the mean NLL of softmax(z/T + b) on validation data.
    /// The biases are defined up to a common constant and returned centred.
    public static func biasCorrectedTemperature(logits z: Matrix, labels y: [Int]) throws -> (temperature: Double, bias: [Double], nll: Double) {
        let k = z.cols, n = Double(z.rows)
        let storage = z.storage
        // θ = (log T, b₁ … b_K).
        let start = [0.0] + [Double](repeating: 0, count: k)
        let result = try LBFGS(maxIterations: 5000, gradientTolerance: 1e-12).minimize(start) { theta, grad in
            let beta = exp(-theta[0])
            let parts = Parallel.chunks(z.rows) { range -> [Double] in
                var g = [Double](repeating: 0, count: k + 2)
                var u = [Double](repeating: 0, count: k)
                storage.withUnsafeBufferPointer { s in
                    for i in range {
                        let row = s.baseAddress! + i * k
                        var m = -Double.infinity
                        for j in 0..<k { u[j] = row[j] * beta + theta[1 + j]; if u[j] > m { m = u[j] } }
                        var total = 0.0
                        for j in 0..<k { u[j] = exp(u[j] - m); total += u[j] }
                        let yi = y[i]
                        g[k + 1] += log(total) + m - (log(u[yi]) + m)
                        // d/dlogT of u_j = −z_j·β.
                        var dT = 0.0
                        for j in 0..<k {
                            let r = u[j] / total - (j == yi ? 1 : 0)
                            g[1 + j] += r
                            dT += r * (-row[j] * beta)
                        }
                        g[0] += dT
                    }
                }
                return g
            }
            var f = 0.0
            for j in 0...k { grad[j] = 0 }
            for part in parts {
                for j in 0...k { grad[j] += part[j] }
                f += part[k + 1]
            }
            for j in 0...k { grad[j] /= n }
            return f / n
        }
        var b = Array(result.x[1...])
        let mean = b.reduce(0, +) / Double(k)
        b = b.map { $0 - mean }
        return (exp(result.x[0]), b, result.value)
    }

    /// Probabilities softmax(z/T + b).
    public static func applyBiasCorrectedTemperature(_ z: Matrix, temperature t: Double, bias b: [Double]) -> Matrix {
        var u = z
        let k = z.cols
        u.storage.withUnsafeMutableBufferPointer { s in
            for i in 0..<z.rows { for j in 0..<k { s[i * k + j] = s[i * k + j] / t + b[j] } }
        }
        return RowOperations.softmax(u)
    }

    /// Posteriors adjusted to a new prior: p(y | x) ⊙ w, each row renormalised (a row that
    /// becomes all zeros stays as it was).
    public static func reweight(_ p: Matrix, weights w: [Double]) -> Matrix {
        var out = p
        let k = p.cols
        for i in 0..<p.rows {
            var total = 0.0
            for j in 0..<k { total += p[i, j] * w[j] }
            guard total > 0 else { continue }
            for j in 0..<k { out[i, j] = p[i, j] * w[j] / total }
        }
        return out
    }
}
