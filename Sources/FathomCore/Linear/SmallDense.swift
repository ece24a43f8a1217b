#if canImport(Glibc)
import Glibc
#endif

/// Dense linear algebra for small square systems (a K × K confusion matrix): solving by
/// Gaussian elimination with partial pivoting, and singular values by one-sided Jacobi
/// rotations (accurate to working precision, including the small ones a condition number
/// needs).
public enum SmallDense {
    /// Solves A·x = b; nil when A is singular to working precision.
    public static func solve(_ a: Matrix, _ b: [Double]) -> [Double]? {
        let n = a.rows
        precondition(a.cols == n && b.count == n)
        var m = a.storage, x = b
        let scale = m.map(abs).max() ?? 0
        guard scale > 0 else { return nil }
        for col in 0..<n {
            var pivot = col
            for r in (col + 1)..<max(col + 1, n) where abs(m[r * n + col]) > abs(m[pivot * n + col]) { pivot = r }
            if abs(m[pivot * n + col]) <= 1e-14 * scale { return nil }
            if pivot != col {
                for c in 0..<n { m.swapAt(col * n + c, pivot * n + c) }
                x.swapAt(col, pivot)
            }
            for r in (col + 1)..<max(col + 1, n) {
                let f = m[r * n + col] / m[col * n + col]
                if f == 0 { continue }
                for c in col..<n { m[r * n + c] -= f * m[col * n + c] }
                x[r] -= f * x[col]
            }
        }
        for r in stride(from: n - 1, through: 0, by: -1) {
            var s = x[r]
            for c in (r + 1)..<max(r + 1, n) { s -= m[r * n + c] * x[c] }
            x[r] = s / m[r * n + r]
        }
        return x
    }

    /// Singular values, largest first.
    public static func singularValues(_ a: Matrix) -> [Double] {
        let rows = a.rows, cols = a.cols
        // Columns of A, rotated pairwise until orthogonal; their norms are the singular values.
        var u = (0..<cols).map { j in (0..<rows).map { a[$0, j] } }
        for _ in 0..<60 {
            var rotated = false
            for p in 0..<cols {
                for q in (p + 1)..<max(p + 1, cols) {
                    var alpha = 0.0, beta = 0.0, gamma = 0.0
                    for i in 0..<rows {
                        alpha += u[p][i] * u[p][i]
                        beta += u[q][i] * u[q][i]
                        gamma += u[p][i] * u[q][i]
                    }
                    if abs(gamma) <= 1e-15 * (alpha * beta).squareRoot() || gamma == 0 { continue }
                    rotated = true
                    let zeta = (beta - alpha) / (2 * gamma)
                    let t = (zeta >= 0 ? 1 : -1) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                    let c = 1 / (1 + t * t).squareRoot(), s = c * t
                    for i in 0..<rows {
                        let up = u[p][i], uq = u[q][i]
                        u[p][i] = c * up - s * uq
                        u[q][i] = s * up + c * uq
                    }
                }
            }
            if !rotated { break }
        }
        return u.map { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }.sorted(by: >)
    }

    /// The 2-norm condition number σ_max/σ_min (∞ when singular).
    public static func conditionNumber(_ a: Matrix) -> Double {
        let s = singularValues(a)
        guard let largest = s.first, let smallest = s.last else { return .nan }
        return smallest > 0 ? largest / smallest : .infinity
    }
}
