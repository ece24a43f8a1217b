/// How the tests compare a computed number with a reference value: |a − b| ≤ abs + rel·|b|,
/// where b is the reference. NaN agrees only with NaN and an infinity only with itself, because
/// fixtures record undefined results (a test with no data, an unbounded interval) and those
/// must match too. (swift-numerics' `isApproximatelyEqual` scales by the larger magnitude and
/// never equates NaNs, so it cannot express "the reference says undefined".)
public func agrees(_ a: Double, _ b: Double, rel: Double = 0, abs tolerance: Double = 0) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if a.isInfinite || b.isInfinite { return a == b }
    return Swift.abs(a - b) <= tolerance + rel * Swift.abs(b)
}

/// Elementwise ``agrees(_:_:rel:abs:)`` over arrays of equal length.
public func agrees(_ a: [Double], _ b: [Double], rel: Double = 0, abs tolerance: Double = 0) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { agrees($0, $1, rel: rel, abs: tolerance) }
}

/// max |a − b| over two equal-length arrays (∞ when the lengths differ), for messages.
public func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { Swift.abs($0 - $1) }.max() ?? 0
}
