/// Isotonic regression by pool-adjacent-violators: the non-decreasing step function of the
/// score closest (in squared error) to the labels, interpolated linearly between the fitted
/// points and clipped outside the fitted range — scikit-learn's
/// `IsotonicRegression(out_of_bounds="clip")`, which fits on the sorted distinct scores with
/// the labels of tied scores averaged.
public struct IsotonicFit: Sendable {
    /// Distinct scores where the function is defined, ascending.
    public var x: [Double]
    /// Fitted values there, non-decreasing, in [0, 1].
    public var y: [Double]

    public init(x: [Double], y: [Double]) {
        self.x = x
        self.y = y
    }

    public static func fit(scores s: [Double], targets t: [Double], weights w: [Double]? = nil) -> IsotonicFit {
        let order = Sorting.order(s)
        // Merge tied scores: weighted mean of their targets.
        var xs: [Double] = [], ys: [Double] = [], ws: [Double] = []
        // On Ctrl-C the loops stop early (the interpreter discards the result).
        for (position, i) in order.enumerated() {
            if position & 0xFFFF == 0 && Interruption.isRequested { break }
            let wi = w?[i] ?? 1
            if let last = xs.last, last == s[i] {
                let k = ys.count - 1
                ys[k] = (ys[k] * ws[k] + t[i] * wi) / (ws[k] + wi)
                ws[k] += wi
            } else {
                xs.append(s[i]); ys.append(t[i]); ws.append(wi)
            }
        }
        // Pool adjacent violators.
        var blockValue: [Double] = [], blockWeight: [Double] = [], blockCount: [Int] = []
        for k in ys.indices {
            if k & 0xFFFF == 0 && Interruption.isRequested { break }
            blockValue.append(ys[k]); blockWeight.append(ws[k]); blockCount.append(1)
            while blockValue.count > 1, blockValue[blockValue.count - 2] > blockValue[blockValue.count - 1] {
                let b = blockValue.count - 1
                let merged = (blockValue[b - 1] * blockWeight[b - 1] + blockValue[b] * blockWeight[b]) / (blockWeight[b - 1] + blockWeight[b])
                blockValue[b - 1] = merged
                blockWeight[b - 1] += blockWeight[b]
                blockCount[b - 1] += blockCount[b]
                blockValue.removeLast(); blockWeight.removeLast(); blockCount.removeLast()
            }
        }
        var fitted: [Double] = []
        fitted.reserveCapacity(xs.count)
        for (v, c) in zip(blockValue, blockCount) { fitted.append(contentsOf: repeatElement(min(1, max(0, v)), count: c)) }
        return IsotonicFit(x: xs, y: fitted)
    }

    /// The fitted function at `v`: linear between fitted points, constant beyond them.
    public func value(_ v: Double) -> Double {
        guard let first = x.first, let last = x.last else { return .nan }
        if v.isNaN { return .nan }
        if v <= first { return y[0] }
        if v >= last { return y[y.count - 1] }
        var lo = 0, hi = x.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if x[mid] <= v { lo = mid } else { hi = mid }
        }
        let f = (v - x[lo]) / (x[hi] - x[lo])
        return y[lo] + f * (y[hi] - y[lo])
    }
}
