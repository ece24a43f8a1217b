extension Descriptive {
    /// The middle value of the sorted input; for an even count the mean of the two middle
    /// values (numpy `median`). NaN when any element is NaN (numpy propagates it), and when
    /// the input is empty (callers reject that with a message first).
    public static func median(_ x: [Double]) -> Double {
        guard !x.isEmpty, !x.contains(where: \.isNaN) else { return .nan }
        let s = Sorting.ascending(x)
        let n = s.count
        // numpy takes the mean of the two middle values: (a + b) / 2.
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }

    /// Running sums: out[i] = x[0] + … + x[i], added left to right as numpy `cumsum` does (so
    /// the last element can differ from the pairwise ``sum(_:)`` in the last bits). A NaN
    /// makes that position and every later one NaN.
    public static func cumulativeSum(_ x: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                var s = 0.0
                for i in 0..<v.count {
                    s += v[i]
                    o[i] = s
                }
            }
        }
        return out
    }

    /// Ranks 1…n with ties given the mean of the ranks they span (scipy `rankdata(method=
    /// "average")`). NaN is not ranked: callers reject it first.
    public static func averageRanks(_ x: [Double]) -> [Double] {
        let n = x.count
        let order = Sorting.order(x)
        var ranks = [Double](repeating: 0, count: n)
        // The sort returned early on Ctrl-C; the ranks would be discarded.
        if Interruption.isRequested { return ranks }
        var i = 0
        while i < n {
            var j = i
            while j + 1 < n && x[order[j + 1]] == x[order[i]] { j += 1 }
            // Positions i…j (0-based) share ranks i+1…j+1: their mean is (i + j)/2 + 1.
            let rank = Double(i + j) / 2 + 1
            for t in i...j { ranks[order[t]] = rank }
            i = j + 1
        }
        return ranks
    }
}
