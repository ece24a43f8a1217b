/// Histogram binning (Zadrozny & Elkan 2001): B equal-width bins on [0, 1] of a class's
/// probability, each mapped to the share of examples in it that belong to the class.
public enum HistogramBinning {
    /// The bin values for one column of scores in [0, 1] and whether each example is of the
    /// class. An empty bin keeps its midpoint.
    public static func fit(scores s: [Double], positive: [Bool], bins: Int) -> [Double] {
        var count = [Double](repeating: 0, count: bins), hits = count
        for i in s.indices {
            let b = min(max(0, Int(s[i] * Double(bins))), bins - 1)
            count[b] += 1
            if positive[i] { hits[b] += 1 }
        }
        return (0..<bins).map { count[$0] > 0 ? hits[$0] / count[$0] : (Double($0) + 0.5) / Double(bins) }
    }
}
