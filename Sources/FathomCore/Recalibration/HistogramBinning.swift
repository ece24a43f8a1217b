/// Histogram binning (Zadrozny & Elkan 2001) as netcal's `HistogramBinning` does it: B
/// equal-width bins of a class's probability, each mapped to the share of examples in it that
/// belong to the class.
///
/// netcal's edges are eᵢ = i·(1/B) in double precision (e_B = 1), which for some B puts an
/// edge a hair above the decimal i/B. Fitting clips scores to [ε, 1 − ε] and bins them as
/// [eᵢ, eᵢ₊₁); an empty bin maps to its midpoint. Applying the map does not clip and bins as
/// (eᵢ, eᵢ₊₁] (scores ≤ 0 go to the first bin, scores > 1 to the last).
public enum HistogramBinning {
    static let epsilon = 2.220446049250313e-16

    @inline(__always) static func edge(_ i: Int, bins: Int) -> Double {
        i == bins ? 1 : Double(i) * (1 / Double(bins))
    }

    /// The bin of a fitting score: the largest i < B with eᵢ ≤ s, s clipped to [ε, 1 − ε].
    public static func fitBin(_ s: Double, bins: Int) -> Int {
        let v = min(1 - epsilon, max(epsilon, s))
        var i = min(max(Int(v * Double(bins)), 0), bins - 1)
        while i > 0 && edge(i, bins: bins) > v { i -= 1 }
        while i < bins - 1 && edge(i + 1, bins: bins) <= v { i += 1 }
        return i
    }

    /// The bin a score is mapped through: the smallest i with s ≤ eᵢ₊₁, within 0…B − 1.
    public static func applyBin(_ s: Double, bins: Int) -> Int {
        guard s > 0 else { return 0 }
        guard s <= 1 else { return bins - 1 }
        var i = min(max(Int((s * Double(bins)).rounded(.up)) - 1, 0), bins - 1)
        while i > 0 && s <= edge(i, bins: bins) { i -= 1 }
        while i < bins - 1 && s > edge(i + 1, bins: bins) { i += 1 }
        return i
    }

    /// The bin values for one column of scores and whether each example is of the class. A
    /// class with no example gets the map 0 everywhere (netcal fits no model for it).
    public static func fit(scores s: [Double], positive: [Bool], bins: Int) -> [Double] {
        guard positive.contains(true) else { return [Double](repeating: 0, count: bins) }
        var count = [Double](repeating: 0, count: bins), hits = count
        for i in s.indices {
            let b = fitBin(s[i], bins: bins)
            count[b] += 1
            if positive[i] { hits[b] += 1 }
        }
        return (0..<bins).map { b in
            count[b] > 0 ? hits[b] / count[b] : (edge(b, bins: bins) + edge(b + 1, bins: bins)) / 2
        }
    }

    /// The mapped value of one score (NaN stays NaN).
    public static func apply(_ s: Double, values: [Double]) -> Double {
        s.isNaN ? .nan : min(1, max(0, values[applyBin(s, bins: values.count)]))
    }
}
