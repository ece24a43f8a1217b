#if canImport(Glibc)
import Glibc
#endif

extension Matrix {
    /// The matrix product self · other (self.cols == other.rows), accumulated in i-k-j order
    /// so the inner loop runs over contiguous rows of both; rows on all threads (each output
    /// row is the same whichever thread computes it). On Ctrl-C the rows not yet computed
    /// stay 0 (the interpreter discards the result).
    public func multiplied(by other: Matrix) -> Matrix {
        precondition(cols == other.rows, "inner dimensions differ")
        var out = [Double](repeating: 0, count: rows * other.cols)
        let n = other.cols, cols = self.cols, left = storage, right = other.storage
        out.withUnsafeMutableBufferPointer { c in
            let target = Parallel.Address(c.baseAddress!)
            _ = Parallel.chunks(rows, threshold: max(2, (1 << 17) / max(1, cols * n))) { range -> Bool in
                left.withUnsafeBufferPointer { a in
                    right.withUnsafeBufferPointer { b in
                    for i in range where !Interruption.isRequested {
                        let ci = target.pointer + i * n
                        for k in 0..<cols {
                            let aik = a[i * cols + k]
                            if aik == 0 { continue }
                            let bk = b.baseAddress! + k * n
                            for j in 0..<n { ci[j] += aik * bk[j] }
                        }
                    }
                    }
                }
                return true
            }
        }
        return Matrix(rows: rows, cols: n, storage: out)
    }

    /// self · otherᵀ, where `other` holds one row per output (a layer's weights, out × in):
    /// each result entry is a dot product of two contiguous rows.
    public func multipliedTransposed(_ other: Matrix) -> Matrix {
        precondition(cols == other.cols, "inner dimensions differ")
        var out = [Double](repeating: 0, count: rows * other.rows)
        let d = cols, m = other.rows
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { c in
                    for i in 0..<rows {
                        let ai = a.baseAddress! + i * d
                        for j in 0..<m {
                            let wj = w.baseAddress! + j * d
                            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                            var k = 0
                            while k + 4 <= d {
                                s0 += ai[k] * wj[k]; s1 += ai[k + 1] * wj[k + 1]
                                s2 += ai[k + 2] * wj[k + 2]; s3 += ai[k + 3] * wj[k + 3]
                                k += 4
                            }
                            var s = (s0 + s1) + (s2 + s3)
                            while k < d { s += ai[k] * wj[k]; k += 1 }
                            c[i * m + j] = s
                        }
                    }
                }
            }
        }
        return Matrix(rows: rows, cols: m, storage: out)
    }
}

/// Row-wise operations on score matrices: one row per example, one column per class.
public enum RowOperations {
    /// softmax of each row: p_k = exp(z_k − max z) / Σ_j exp(z_j − max z).
    public static func softmax(_ z: Matrix) -> Matrix {
        var out = z.storage
        let k = z.cols
        guard k > 0 else { return z }
        out.withUnsafeMutableBufferPointer { p in
            for i in 0..<z.rows {
                let row = p.baseAddress! + i * k
                var m = -Double.infinity
                for j in 0..<k where row[j] > m { m = row[j] }
                if !m.isFinite { m = m.isNaN ? 0 : (m > 0 ? m : 0) }
                var s = 0.0
                for j in 0..<k { row[j] = exp(row[j] - m); s += row[j] }
                for j in 0..<k { row[j] /= s }
            }
        }
        return Matrix(rows: z.rows, cols: k, storage: out)
    }

    /// log softmax of each row: z_k − max z − log Σ_j exp(z_j − max z).
    public static func logSoftmax(_ z: Matrix) -> Matrix {
        var out = z.storage
        let k = z.cols
        guard k > 0 else { return z }
        out.withUnsafeMutableBufferPointer { p in
            for i in 0..<z.rows {
                let row = p.baseAddress! + i * k
                var m = -Double.infinity
                for j in 0..<k where row[j] > m { m = row[j] }
                var s = 0.0
                for j in 0..<k { s += exp(row[j] - m) }
                let l = m + log(s)
                for j in 0..<k { row[j] -= l }
            }
        }
        return Matrix(rows: z.rows, cols: k, storage: out)
    }

    /// The position of each row's largest entry (ties: the lowest position; a NaN is the largest).
    public static func argmax(_ z: Matrix) -> [Int] {
        var out = [Int](repeating: 0, count: z.rows)
        let k = z.cols
        z.storage.withUnsafeBufferPointer { p in
            for i in 0..<z.rows {
                var best = 0
                var value = -Double.infinity
                for j in 0..<k {
                    let v = p[i * k + j]
                    // NaN is the largest, as numpy's argmax (and max) treat it.
                    if v.isNaN { best = j; break }
                    if v > value { value = v; best = j }
                }
                out[i] = best
            }
        }
        return out
    }

    /// Σ over each row.
    public static func rowSums(_ m: Matrix) -> [Double] {
        (0..<m.rows).map { i in m.storage.withUnsafeBufferPointer { pairwiseSum(UnsafeBufferPointer(rebasing: $0[(i * m.cols)..<((i + 1) * m.cols)])) } }
    }

    /// Σ over each column.
    public static func columnSums(_ m: Matrix) -> [Double] {
        (0..<m.cols).map { j in pairwiseSum(m.column(j)) }
    }
}
