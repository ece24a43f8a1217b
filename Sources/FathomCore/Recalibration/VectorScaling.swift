#if canImport(Glibc)
import Glibc
#endif

/// Vector scaling (Guo et al. 2017): p = softmax(z ⊙ w + b), the K scales w and offsets b
/// fitted by maximum likelihood (mean NLL, optionally plus (λ/2)·(Σ(w − 1)² + Σb²)) with L-BFGS
/// from w = 1, b = 0. The offsets are defined up to a common constant; they are returned
/// centred to mean 0.
public enum VectorScaling {
    /// A class whose own logit separates it from the rest in the fitting data, which leaves the
    /// unpenalised likelihood without a maximum (its scale and offset grow without bound).
    public struct Separation: Sendable, Equatable {
        public var label: Int
        /// The class's examples all have z_k ≥ `inside` (≤ when `above` is false), all the
        /// others z_k ≤ `outside` (≥ when `above` is false), strictly apart; a class with no
        /// example has NaNs.
        public var inside: Double
        public var outside: Double
        public var above: Bool
    }

    /// The classes separated by their own logit, or absent from the labels.
    public static func separatedClasses(logits z: Matrix, labels y: [Int]) -> [Separation] {
        let k = z.cols
        var minIn = [Double](repeating: .infinity, count: k), maxIn = [Double](repeating: -.infinity, count: k)
        var minOut = minIn, maxOut = maxIn
        for i in 0..<z.rows {
            for j in 0..<k {
                let v = z[i, j]
                if y[i] == j { minIn[j] = min(minIn[j], v); maxIn[j] = max(maxIn[j], v) } else { minOut[j] = min(minOut[j], v); maxOut[j] = max(maxOut[j], v) }
            }
        }
        var found: [Separation] = []
        for j in 0..<k {
            if minIn[j] == .infinity { found.append(Separation(label: j, inside: .nan, outside: .nan, above: true)); continue }
            if maxOut[j] == -.infinity { continue }
            if minIn[j] > maxOut[j] { found.append(Separation(label: j, inside: minIn[j], outside: maxOut[j], above: true)) }
            else if maxIn[j] < minOut[j] { found.append(Separation(label: j, inside: maxIn[j], outside: minOut[j], above: false)) }
        }
        return found
    }

    public static func fit(logits z: Matrix, labels y: [Int], l2: Double = 0) throws -> (w: [Double], b: [Double], nll: Double) {
        let k = z.cols, n = Double(z.rows)
        let storage = z.storage
        let start = [Double](repeating: 1, count: k) + [Double](repeating: 0, count: k)
        let result = try LBFGS(maxIterations: 5000, gradientTolerance: 1e-11).minimize(start) { theta, grad in
            let parts = Parallel.chunks(z.rows) { range -> [Double] in
                var g = [Double](repeating: 0, count: 2 * k + 1)
                var u = [Double](repeating: 0, count: k)
                storage.withUnsafeBufferPointer { s in
                    for i in range {
                        let row = s.baseAddress! + i * k
                        var m = -Double.infinity
                        for j in 0..<k { u[j] = row[j] * theta[j] + theta[k + j]; if u[j] > m { m = u[j] } }
                        var total = 0.0
                        for j in 0..<k { u[j] = exp(u[j] - m); total += u[j] }
                        g[2 * k] += log(total) + m - (log(u[y[i]]) + m)
                        for j in 0..<k {
                            let r = u[j] / total - (j == y[i] ? 1 : 0)
                            g[j] += r * row[j]
                            g[k + j] += r
                        }
                    }
                }
                return g
            }
            var f = 0.0
            for j in 0..<(2 * k) { grad[j] = 0 }
            for part in parts {
                for j in 0..<(2 * k) { grad[j] += part[j] }
                f += part[2 * k]
            }
            for j in 0..<(2 * k) { grad[j] /= n }
            var penalty = 0.0
            if l2 > 0 {
                for j in 0..<k {
                    penalty += (theta[j] - 1) * (theta[j] - 1) + theta[k + j] * theta[k + j]
                    grad[j] += l2 * (theta[j] - 1)
                    grad[k + j] += l2 * theta[k + j]
                }
            }
            return f / n + l2 / 2 * penalty
        }
        var b = Array(result.x[k...])
        let mean = b.reduce(0, +) / Double(k)
        b = b.map { $0 - mean }
        return (Array(result.x[0..<k]), b, result.value)
    }

    public static func apply(_ z: Matrix, w: [Double], b: [Double]) -> Matrix {
        var u = z
        let k = z.cols
        u.storage.withUnsafeMutableBufferPointer { s in
            for i in 0..<z.rows { for j in 0..<k { s[i * k + j] = s[i * k + j] * w[j] + b[j] } }
        }
        return RowOperations.softmax(u)
    }
}

/// Beta calibration (Kull, Silva Filho & Flach 2017), the `betacal` package's "abm" form:
/// logistic regression of the label on [ln s, −ln(1 − s)] (s clipped to [ε, 1 − ε]); when the
/// first coefficient comes out negative it is refitted on −ln(1 − s) alone (a = 0), when the
/// second does, on ln s alone (b = 0). The map is
/// p = 1 / (1 + exp(−(a·ln s − b·ln(1 − s) + c))).
public enum BetaCalibration {
    public static let epsilon = 2.220446049250313e-16

    public static func fit(scores s: [Double], labels y: [Int]) throws -> (a: Double, b: Double, c: Double) {
        let clipped = s.map { min(1 - epsilon, max(epsilon, $0)) }
        let f1 = clipped.map { log($0) }, f2 = clipped.map { -log(1 - $0) }
        // betacal fits scikit-learn's LogisticRegression(C=99999999999): an L2 penalty of
        // 1/(C·N), as good as none.
        let l2 = 1 / (99_999_999_999 * Double(s.count))
        func fitColumns(_ columns: [[Double]]) throws -> (coefficients: [Double], intercept: Double) {
            try Interruption.check()
            // Row-major, filled column by column (a small array per row took longer than the fit).
            let d = columns.count
            var storage = [Double](repeating: 0, count: s.count * d)
            for (j, column) in columns.enumerated() { for i in column.indices { storage[i * d + j] = column[i] } }
            let x = Matrix(rows: s.count, cols: d, storage: storage)
            let model = try LogisticRegression.fit(x, labels: y, classes: 2, l2: l2, tolerance: 1e-12).model
            let layer = model.layers[0]
            return ((0..<columns.count).map { layer.weights[1, $0] }, layer.bias[1])
        }
        let both = try fitColumns([f1, f2])
        if both.coefficients[0] < 0 {
            let one = try fitColumns([f2])
            return (0, one.coefficients[0], one.intercept)
        }
        if both.coefficients[1] < 0 {
            let one = try fitColumns([f1])
            return (one.coefficients[0], 0, one.intercept)
        }
        return (both.coefficients[0], both.coefficients[1], both.intercept)
    }

    public static func apply(_ s: Double, a: Double, b: Double, c: Double) -> Double {
        let v = min(1 - epsilon, max(epsilon, s))
        let u = a * log(v) - b * log(1 - v) + c
        return SpecialFunctions.sigmoid(u)
    }
}
