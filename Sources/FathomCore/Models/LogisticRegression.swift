#if canImport(Glibc)
import Glibc
#endif

/// Logistic (softmax) regression by maximum likelihood with an L2 penalty, fitted by L-BFGS.
///
/// Minimises (1/N)·Σᵢ −log p(yᵢ | xᵢ) + (λ/2)·‖W‖², the intercept unpenalised. With K > 2
/// classes p is the softmax of W·x + b (W: K × d, multinomial); with K = 2 it is binary
/// logistic regression, p(y = 1 | x) = σ(w·x + b). This is the minimiser scikit-learn's
/// `LogisticRegression(C = 1/(λ·N), solver="lbfgs")` finds, written as a model with two
/// logits [0, w·x + b] for two classes.
public enum LogisticRegression {
    public struct Fit: Sendable {
        public var model: Model
        public var iterations: Int
        public var converged: Bool
        /// The objective at the solution.
        public var objective: Double
    }

    /// Fits on `x` (N × d) and labels in 0..<classes.
    public static func fit(_ x: Matrix, labels: [Int], classes: Int, l2: Double, standardize: Bool = false, tolerance: Double = 1e-10) throws -> Fit {
        precondition(x.rows == labels.count && classes >= 2)
        var data = x
        var scaling: (mean: [Double], scale: [Double])?
        if standardize {
            let s = Standardization.fit(x)
            data = s.apply(x)
            scaling = (s.mean, s.scale)
        }
        let d = data.cols
        let n = Double(data.rows)
        let optimizer = LBFGS(maxIterations: 5000, gradientTolerance: tolerance)
        let layer: Model.Layer
        let result: LBFGS.Result
        if classes == 2 {
            result = try optimizer.minimize([Double](repeating: 0, count: d + 1)) { theta, grad in
                binaryObjective(data, labels, theta, l2, n, &grad)
            }
            let w = Array(result.x[0..<d])
            layer = Model.Layer(weights: Matrix(rows: 2, cols: d, storage: [Double](repeating: 0, count: d) + w),
                                bias: [0, result.x[d]], activation: .identity)
        } else {
            let k = classes
            result = try optimizer.minimize([Double](repeating: 0, count: k * d + k)) { theta, grad in
                multinomialObjective(data, labels, k, theta, l2, n, &grad)
            }
            var bias = Array(result.x[(k * d)...])
            let mean = bias.reduce(0, +) / Double(k)
            bias = bias.map { $0 - mean }
            layer = Model.Layer(weights: Matrix(rows: k, cols: d, storage: Array(result.x[0..<(k * d)])), bias: bias, activation: .identity)
        }
        let model = Model(kind: .softmaxRegression, classes: (0..<classes).map { .number(Double($0)) }, standardize: scaling, layers: [layer],
                          training: .object([("estimator", .string("fit_logistic")), ("l2", .number(l2)), ("iterations", .number(Double(result.iterations)))]))
        return Fit(model: model, iterations: result.iterations, converged: result.converged, objective: result.value)
    }

    static func binaryObjective(_ x: Matrix, _ y: [Int], _ theta: [Double], _ l2: Double, _ n: Double, _ grad: inout [Double]) -> Double {
        let d = x.cols
        for i in 0..<grad.count { grad[i] = 0 }
        var loss = 0.0
        x.storage.withUnsafeBufferPointer { p in
            for i in 0..<x.rows {
                let row = p.baseAddress! + i * d
                var z = theta[d]
                for j in 0..<d { z += row[j] * theta[j] }
                let t = Double(y[i])
                // −log σ(z) for y = 1, −log(1 − σ(z)) for y = 0, computed stably.
                let m = t == 1 ? -z : z
                loss += SpecialFunctions.softplus(m)
                let prob = 1 / (1 + exp(-z))
                let r = prob - t
                for j in 0..<d { grad[j] += r * row[j] }
                grad[d] += r
            }
        }
        var penalty = 0.0
        for j in 0..<d {
            grad[j] = grad[j] / n + l2 * theta[j]
            penalty += theta[j] * theta[j]
        }
        grad[d] /= n
        return loss / n + 0.5 * l2 * penalty
    }

    static func multinomialObjective(_ x: Matrix, _ y: [Int], _ k: Int, _ theta: [Double], _ l2: Double, _ n: Double, _ grad: inout [Double]) -> Double {
        let d = x.cols
        for i in 0..<grad.count { grad[i] = 0 }
        var loss = 0.0
        var z = [Double](repeating: 0, count: k)
        theta.withUnsafeBufferPointer { w in
            grad.withUnsafeMutableBufferPointer { g in
                x.storage.withUnsafeBufferPointer { p in
                    for i in 0..<x.rows {
                        let row = p.baseAddress! + i * d
                        var m = -Double.infinity
                        for c in 0..<k {
                            var s = w[k * d + c]
                            let wc = w.baseAddress! + c * d
                            for j in 0..<d { s += row[j] * wc[j] }
                            z[c] = s
                            if s > m { m = s }
                        }
                        var total = 0.0
                        for c in 0..<k { z[c] = exp(z[c] - m); total += z[c] }
                        loss += log(total) + m - (log(z[y[i]]) + m)
                        for c in 0..<k {
                            let r = z[c] / total - (c == y[i] ? 1 : 0)
                            let gc = g.baseAddress! + c * d
                            for j in 0..<d { gc[j] += r * row[j] }
                            g[k * d + c] += r
                        }
                    }
                }
            }
        }
        var penalty = 0.0
        for j in 0..<(k * d) {
            grad[j] = grad[j] / n + l2 * theta[j]
            penalty += theta[j] * theta[j]
        }
        for c in 0..<k { grad[k * d + c] /= n }
        return loss / n + 0.5 * l2 * penalty
    }
}

/// Centring and scaling each column to unit standard deviation (population, ddof 0, as
/// scikit-learn's StandardScaler; a constant column keeps scale 1).
public struct Standardization: Sendable {
    public var mean: [Double]
    public var scale: [Double]

    public static func fit(_ x: Matrix) -> Standardization {
        let mean = (0..<x.cols).map { Descriptive.mean(x.column($0)) }
        let scale = (0..<x.cols).map { j -> Double in
            let s = Descriptive.standardDeviation(x.column(j), ddof: 0)
            return s > 0 && s.isFinite ? s : 1
        }
        return Standardization(mean: mean, scale: scale)
    }

    public func apply(_ x: Matrix) -> Matrix {
        var out = x
        out.storage.withUnsafeMutableBufferPointer { p in
            for i in 0..<x.rows { for j in 0..<x.cols { p[i * x.cols + j] = (p[i * x.cols + j] - mean[j]) / scale[j] } }
        }
        return out
    }
}
