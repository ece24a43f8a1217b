/// Correlation coefficients of paired samples.
public enum Correlation {
    public enum Method: String, Sendable, CaseIterable {
        /// Pearson's product-moment correlation (numpy `corrcoef`).
        case pearson
        /// Spearman's rank correlation: Pearson's on average ranks (scipy `spearmanr`).
        case spearman
    }

    /// Pearson's r = Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)² · Σ(y − ȳ)²), two-pass with pairwise
    /// sums (numpy `corrcoef`, which agrees to ~1e-15). Clipped to [−1, 1] as numpy does.
    /// NaN when either sample is constant (0/0, as numpy and pandas) or holds a NaN.
    /// `x` and `y` have the same, non-zero length.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count && !x.isEmpty)
        let n = x.count
        let mx = Descriptive.mean(x), my = Descriptive.mean(y)
        var xy = [Double](repeating: 0, count: n), xx = xy, yy = xy
        x.withUnsafeBufferPointer { a in
            y.withUnsafeBufferPointer { b in
                for i in 0..<n {
                    let dx = a[i] - mx, dy = b[i] - my
                    xy[i] = dx * dy
                    xx[i] = dx * dx
                    yy[i] = dy * dy
                }
            }
        }
        let r = pairwiseSum(xy) / (pairwiseSum(xx).squareRoot() * pairwiseSum(yy).squareRoot())
        return r.isNaN ? r : min(1, max(-1, r))
    }

    /// The coefficient by `method`. For Spearman, ties share their average rank
    /// (scipy `spearmanr`, pandas `corr(method="spearman")`). NaN in either sample gives NaN.
    public static func coefficient(_ x: [Double], _ y: [Double], method: Method) -> Double {
        switch method {
        case .pearson: return pearson(x, y)
        case .spearman:
            if x.contains(where: \.isNaN) || y.contains(where: \.isNaN) { return .nan }
            let rx = Descriptive.averageRanks(x)
            if Interruption.isRequested { return .nan }
            return pearson(rx, Descriptive.averageRanks(y))
        }
    }

    /// The d × d matrix of coefficients between the columns of `data` (numpy
    /// `corrcoef(rowvar=False)`, scipy `spearmanr(matrix)`, pandas `DataFrame.corr`). The
    /// diagonal is 1 except for a constant column or one with NaN, whose row and column are NaN.
    public static func matrix(_ data: Matrix, method: Method) -> Matrix {
        let d = data.cols
        var columns = (0..<d).map { data.column($0) }
        if method == .spearman {
            columns = columns.map { $0.contains(where: \.isNaN) ? $0 : Descriptive.averageRanks($0) }
        }
        var out = Matrix(rows: d, cols: d, storage: [Double](repeating: 0, count: d * d))
        for i in 0..<d {
            for j in i..<d {
                var r = pearson(columns[i], columns[j])
                if i == j && !r.isNaN { r = 1 }
                out.storage[i * d + j] = r
                out.storage[j * d + i] = r
            }
        }
        return out
    }
}
