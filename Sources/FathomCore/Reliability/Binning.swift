/// How confidences are grouped into bins.
public enum Binning: String, Sendable {
    /// B bins of equal width on [0, 1]: bin(c) = min(⌊c·B⌋, B − 1).
    case width
    /// B bins of (nearly) equal count: sort by confidence (stably), split into B groups whose
    /// sizes differ by at most one, as numpy's array_split.
    case mass
}

/// Per-bin sums of a binned sample.
public struct BinStatistics: Sendable {
    public var count: [Double]
    public var confidenceSum: [Double]
    public var correctSum: [Double]
    /// The confidence range each bin covers (for equal-mass bins: the smallest and largest
    /// confidence in it).
    public var lower: [Double]
    public var upper: [Double]

    public var bins: Int { count.count }
    public var total: Double { count.reduce(0, +) }

    /// Equal-width bins from sums worked out elsewhere (a SQL engine's GROUP BY): bin b holds
    /// `count[b]` examples whose confidences sum to `confidenceSum[b]` and correctness to
    /// `correctSum[b]`, binned as bin(c) = min(⌊c·B⌋, B − 1).
    public init(equalWidthCount count: [Double], confidenceSum: [Double], correctSum: [Double]) {
        precondition(!count.isEmpty && count.count == confidenceSum.count && count.count == correctSum.count)
        let b = count.count
        self.count = count
        self.confidenceSum = confidenceSum
        self.correctSum = correctSum
        lower = (0..<b).map { Double($0) / Double(b) }
        upper = (0..<b).map { Double($0 + 1) / Double(b) }
    }

    /// Equal-width bins of the examples at `indices` (repeats count again): the bootstrap's
    /// resamples, binned without copying the data.
    public init(confidence: [Double], correct: [Double], weights: [Double]?, indices: [Int], bins b: Int) {
        count = [Double](repeating: 0, count: b)
        confidenceSum = count
        correctSum = count
        lower = (0..<b).map { Double($0) / Double(b) }
        upper = (0..<b).map { Double($0 + 1) / Double(b) }
        let scale = Double(b)
        confidence.withUnsafeBufferPointer { c in
            correct.withUnsafeBufferPointer { r in
                for i in indices {
                    let j = min(Int(c[i] * scale), b - 1)
                    let w = weights?[i] ?? 1
                    count[j] += w
                    confidenceSum[j] += w * c[i]
                    correctSum[j] += w * r[i]
                }
            }
        }
    }

    /// Bins `confidence` and sums per bin, each example counted with its weight (1 without).
    public init(confidence: [Double], correct: [Double], weights: [Double]? = nil, bins b: Int, binning: Binning) {
        precondition(b > 0)
        count = [Double](repeating: 0, count: b)
        confidenceSum = count
        correctSum = count
        switch binning {
        case .width:
            lower = (0..<b).map { Double($0) / Double(b) }
            upper = (0..<b).map { Double($0 + 1) / Double(b) }
            let scale = Double(b)
            confidence.withUnsafeBufferPointer { c in
                correct.withUnsafeBufferPointer { r in
                    for i in 0..<c.count {
                        let j = min(Int(c[i] * scale), b - 1)
                        let w = weights?[i] ?? 1
                        count[j] += w
                        confidenceSum[j] += w * c[i]
                        correctSum[j] += w * r[i]
                    }
                }
            }
        case .mass:
            let order = Sorting.order(confidence)
            let n = order.count
            lower = [Double](repeating: .nan, count: b)
            upper = lower
            // numpy.array_split: the first n % b groups have one more element.
            var start = 0
            for j in 0..<b {
                let size = n / b + (j < n % b ? 1 : 0)
                for t in start..<(start + size) {
                    let i = order[t]
                    let w = weights?[i] ?? 1
                    count[j] += w
                    confidenceSum[j] += w * confidence[i]
                    correctSum[j] += w * correct[i]
                }
                if size > 0 {
                    lower[j] = confidence[order[start]]
                    upper[j] = confidence[order[start + size - 1]]
                }
                start += size
            }
        }
    }
}
