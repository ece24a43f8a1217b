/// Percentile bootstrap intervals: resample the examples with replacement, recompute the
/// statistic, take the α/2 and 1 − α/2 quantiles (numpy's linear method) of the replicates.
/// Replicates run on all cores, each with its own generator derived from the caller's, so a
/// seed gives the same interval however many threads run them. Polls Ctrl-C per replicate and
/// reports progress.
public enum Bootstrap {
    public struct Interval: Sendable {
        public var lower: Double
        public var upper: Double
        /// Replicates that gave a finite value.
        public var replicates: Int
    }

    /// `statistic` receives the resampled row indices (length n) and returns a number.
    public static func interval(n: Int, replicates: Int, confidence: Double, random: inout Xoshiro256, progress: any ProgressReporter = SilentProgress(),
                                statistic: @escaping @Sendable ([Int]) -> Double) throws -> Interval {
        precondition(n > 0 && replicates > 0)
        let values = try Parallel.replicates(replicates, random: &random, progress: progress, label: "bootstrap",
                                             state: { [Int](repeating: 0, count: n) }) { indices, g, _ -> Double in
            for i in 0..<n { indices[i] = g.nextInt(below: n) }
            return statistic(indices)
        }
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty else { return Interval(lower: .nan, upper: .nan, replicates: 0) }
        let alpha = 1 - confidence
        let q = Descriptive.quantiles(finite, [alpha / 2, 1 - alpha / 2])
        return Interval(lower: q[0], upper: q[1], replicates: finite.count)
    }

    /// Replicates of a vector-valued statistic of several independent samples, each resampled
    /// with replacement (sizes `groups`); `statistic` gets one index array per sample and
    /// returns nil when a resample cannot be scored. On all cores like `interval`, so a seed
    /// gives the same replicates however many threads run them.
    public static func replicates(groups: [Int], count: Int, random: inout Xoshiro256, progress: any ProgressReporter = SilentProgress(),
                                  statistic: @escaping @Sendable ([[Int]]) -> [Double]?) throws -> [[Double]?] {
        try Parallel.replicates(count, random: &random, progress: progress, label: "bootstrap", state: { () }) { _, g, _ in
            statistic(groups.map { n in (0..<n).map { _ in g.nextInt(below: n) } })
        }
    }

    /// Percentile intervals of each component over the replicates that succeeded.
    public static func componentIntervals(_ replicates: [[Double]?], confidence: Double) -> (lower: [Double], upper: [Double], used: Int) {
        let good = replicates.compactMap { $0 }
        guard let width = good.first?.count else { return ([], [], 0) }
        let alpha = 1 - confidence
        var lower: [Double] = [], upper: [Double] = []
        for j in 0..<width {
            let values = good.map { $0[j] }.filter(\.isFinite)
            let q = values.isEmpty ? [Double.nan, .nan] : Descriptive.quantiles(values, [alpha / 2, 1 - alpha / 2])
            lower.append(q[0])
            upper.append(q[1])
        }
        return (lower, upper, good.count)
    }
}
