/// Equal-width bins over [lo, hi] that place every finite value, whatever the range: a
/// single value (widened to a unit, or a relative, interval around it), a range too narrow to
/// split in doubles (`[0, 5e-324]`), or one wider than the largest double (`[-1e308, 1e308]`,
/// worked in halves so nothing overflows).
public struct EqualWidthBins: Sendable {
    public let lo: Double
    public let hi: Double
    public let bins: Int
    /// The width of a bin (finite and positive).
    public let width: Double

    /// `lo` and `hi` finite with lo ≤ hi; `bins` ≥ 1.
    public init(lo: Double, hi: Double, bins: Int) {
        precondition(bins >= 1 && lo.isFinite && hi.isFinite && lo <= hi)
        var lo = lo, hi = hi
        // Too narrow to split into `bins` normal widths: centre an interval of a sensible size.
        let narrow = (hi / 2 - lo / 2) / Double(bins) < Double.leastNormalMagnitude * 4
        if lo == hi || narrow {
            let mid = lo / 2 + hi / 2
            let pad = Swift.max(0.5, abs(mid) * 1e-9)
            lo = mid - pad
            hi = mid + pad
        }
        self.lo = lo
        self.hi = hi
        self.bins = bins
        halves = !(hi - lo).isFinite
        // One bin over the whole double range is wider than the largest double: capped.
        width = halves ? Swift.min(Double.greatestFiniteMagnitude, (hi / 2 - lo / 2) / Double(bins) * 2) : (hi - lo) / Double(bins)
    }

    /// Whether hi − lo overflows, so positions are worked out in halves.
    let halves: Bool

    /// The middle of bin `i`.
    public func centre(_ i: Int) -> Double {
        halves ? (lo / 2 + (Double(i) + 0.5) * (width / 2)) * 2 : lo + (Double(i) + 0.5) * width
    }

    /// The bin of a finite value `v`, within 0…bins − 1 (values outside [lo, hi] go to the
    /// nearest end bin).
    public func index(_ v: Double) -> Int {
        let position = halves ? (v / 2 - lo / 2) / (width / 2) : (v - lo) / width
        guard position > 0 else { return 0 }
        guard position < Double(bins) else { return bins - 1 }
        return Swift.min(bins - 1, Int(position))
    }
}
