/// Pairwise summation, as numpy's `add.reduce`: blocks of 128 summed with eight running
/// partial sums, blocks combined pairwise. The rounding error grows as O(log n) rather than
/// O(n), and the eight independent accumulators let the loop vectorise.
public func pairwiseSum(_ x: UnsafeBufferPointer<Double>) -> Double {
    let n = x.count
    if n < 8 {
        var s = 0.0
        for v in x { s += v }
        return s
    }
    if n <= 128 {
        var r0 = x[0], r1 = x[1], r2 = x[2], r3 = x[3]
        var r4 = x[4], r5 = x[5], r6 = x[6], r7 = x[7]
        var i = 8
        while i + 8 <= n {
            r0 += x[i]; r1 += x[i + 1]; r2 += x[i + 2]; r3 += x[i + 3]
            r4 += x[i + 4]; r5 += x[i + 5]; r6 += x[i + 6]; r7 += x[i + 7]
            i += 8
        }
        var s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n { s += x[i]; i += 1 }
        return s
    }
    var half = n / 2
    half -= half % 8
    let left = UnsafeBufferPointer(rebasing: x[0..<half])
    let right = UnsafeBufferPointer(rebasing: x[half..<n])
    return pairwiseSum(left) + pairwiseSum(right)
}

/// The sum of `x` by pairwise summation.
public func pairwiseSum(_ x: [Double]) -> Double {
    x.withUnsafeBufferPointer { pairwiseSum($0) }
}
