/// Split conformal prediction sets for classification (Vovk et al. 2005; Angelopoulos & Bates,
/// "A Gentle Introduction to Conformal Prediction", 2021), computed as MAPIE 1.6 computes them.
///
/// On n labelled calibration rows each row gets a nonconformity score s(x, y); the threshold
/// q̂ is the ⌈(n + 1)(1 − α)⌉-th smallest score, and the set of a new input holds every class
/// whose score would be at most q̂. If the calibration and test rows are exchangeable, the set
/// holds the true class with probability at least 1 − α (and, for continuous scores without
/// ties, at most 1 − α + 1/(n + 1)). Mondrian conformal prediction does this within each
/// group, so the guarantee holds in each group.
public enum ConformalPrediction {
    /// The nonconformity score.
    public enum Score: String, Sendable, CaseIterable {
        /// Least ambiguous set-valued classifier (Sadinle, Lei & Wasserman 2019):
        /// s = 1 − p̂(y). Smallest sets on average; sets may be empty.
        case lac
        /// Adaptive prediction sets (Romano, Sesia & Candès 2020): the probability mass of the
        /// classes ranked at or above y, less u·p̂(y) with u uniform (randomised) or u = 0.
        /// Sets grow with the model's uncertainty; never empty.
        case aps
    }

    /// MAPIE's tolerance in every set-membership comparison (`mapie._machine_precision.EPSILON`).
    public static let tolerance = 1e-8

    /// The classes of a row by decreasing probability, ties broken with the higher class first
    /// (numpy's stable ascending argsort, reversed, as MAPIE sorts).
    @inlinable
    static func ranking(_ p: Matrix, row i: Int, into order: inout [Int]) {
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: 0..<p.cols)
        order.sort { a, b in
            let pa = p[i, a], pb = p[i, b]
            return pa != pb ? pa > pb : a > b
        }
    }

    /// The calibration scores. For APS, `uniforms` (one per row, in [0, 1)) randomise the
    /// score; nil gives the conservative score u = 0.
    public static func scores(_ p: Matrix, labels y: [Int], score: Score, uniforms: [Double]? = nil) -> [Double] {
        precondition(y.count == p.rows && (uniforms?.count ?? p.rows) == p.rows)
        switch score {
        case .lac:
            return (0..<p.rows).map { 1 - p[$0, y[$0]] }
        case .aps:
            var order: [Int] = []
            return (0..<p.rows).map { i in
                ranking(p, row: i, into: &order)
                var mass = 0.0
                for k in order {
                    mass += p[i, k]
                    if k == y[i] { break }
                }
                return mass - (uniforms?[i] ?? 0) * p[i, y[i]]
            }
        }
    }

    /// The rank of the threshold among n sorted scores, ⌈(n + 1)(1 − α)⌉ (1-based), computed in
    /// floating point as MAPIE does; greater than n when α is too small for n rows.
    public static func rank(rows n: Int, alpha: Double) -> Int {
        Int(((Double(n) + 1) * (1 - alpha)).rounded(.up))
    }

    /// The smallest α that n calibration rows can serve with a finite threshold: 1/(n + 1).
    public static func smallestAlpha(rows n: Int) -> Double { 1 / (Double(n) + 1) }

    /// The threshold q̂ from scores sorted ascending: the ⌈(n + 1)(1 − α)⌉-th smallest (numpy's
    /// quantile at that rank / n, method "lower"), or +∞ when the rank exceeds n (every set is
    /// then every class).
    public static func threshold(sortedScores s: [Double], alpha: Double) -> Double {
        let n = s.count
        guard n > 0 else { return .infinity }
        let k = rank(rows: n, alpha: alpha)
        if k > n { return .infinity }
        if k < 1 { return -.infinity }
        let level = Double(k) / Double(n)
        let index = Int((level * Double(n - 1)).rounded(.down))
        return s[min(max(index, 0), n - 1)]
    }

    /// Prediction sets of the rows of `p` at threshold q̂, row-major N×K (true = in the set).
    /// LAC: every class with 1 − p̂ − q̂ ≤ 1e-8. APS (MAPIE's include_last_label=True): walk
    /// the classes by decreasing probability to the first whose cumulative mass reaches
    /// q̂ − 1e-8; the set is every class whose probability is at least that class's less 1e-8
    /// (a last class of probability ≤ 1e-8 is replaced by the row's smallest probability above
    /// it, so classes of zero probability stay out).
    public static func sets(_ p: Matrix, threshold q: Double, score: Score) -> [Bool] {
        var out = [Bool](repeating: false, count: p.rows * p.cols)
        if q == .infinity {
            for i in out.indices { out[i] = true }
            return out
        }
        switch score {
        case .lac:
            for i in 0..<p.rows {
                for k in 0..<p.cols where (1 - p[i, k]) - q <= tolerance { out[i * p.cols + k] = true }
            }
        case .aps:
            var order: [Int] = []
            var cumulative = [Double](repeating: 0, count: p.cols)
            for i in 0..<p.rows {
                ranking(p, row: i, into: &order)
                var mass = 0.0
                for k in order { mass += p[i, k]; cumulative[k] = mass }
                // The masked argmin over classes in their own order: the smallest cumulative
                // mass at or above q̂ − ε, the first class of ties; class 0 when none reaches it.
                var last = -1
                for k in 0..<p.cols where cumulative[k] - q >= -tolerance {
                    if last < 0 || cumulative[k] - q < cumulative[last] - q { last = k }
                }
                if last < 0 { last = 0 }
                var floor = p[i, last]
                if floor <= tolerance {
                    var smallest = Double.infinity
                    for k in 0..<p.cols where p[i, k] >= tolerance { smallest = min(smallest, p[i, k]) }
                    floor = smallest
                }
                for k in 0..<p.cols where p[i, k] - floor >= -tolerance { out[i * p.cols + k] = true }
            }
        }
        return out
    }

    /// A calibrated split-conformal classifier: the sorted calibration scores and the threshold.
    public struct Calibration: Sendable {
        public var score: Score
        public var alpha: Double
        /// Calibration scores, ascending.
        public var sortedScores: [Double]
        public var threshold: Double

        public init(_ p: Matrix, labels y: [Int], score: Score, alpha: Double, uniforms: [Double]? = nil) {
            self.score = score
            self.alpha = alpha
            sortedScores = ConformalPrediction.scores(p, labels: y, score: score, uniforms: uniforms).sorted()
            threshold = ConformalPrediction.threshold(sortedScores: sortedScores, alpha: alpha)
        }

        /// The threshold at another α, from the same scores.
        public func threshold(alpha: Double) -> Double {
            ConformalPrediction.threshold(sortedScores: sortedScores, alpha: alpha)
        }
    }

    /// Sets for Mondrian (group-conditional) conformal prediction: each group of test rows
    /// gets the threshold of its own calibration group. `calibrationGroups` and `testGroups`
    /// are group codes; every test group must occur in calibration (the caller checks).
    public static func mondrian(calibration p: Matrix, labels y: [Int], groups gc: [Int],
                                test t: Matrix, groups gt: [Int], groupCount: Int,
                                score: Score, alpha: Double, uniforms: [Double]? = nil) -> (thresholds: [Double], rows: [Int], sets: [Bool]) {
        var rowsOf = [[Int]](repeating: [], count: groupCount)
        for (i, g) in gc.enumerated() { rowsOf[g].append(i) }
        var thresholds = [Double](repeating: .infinity, count: groupCount), counts = [Int](repeating: 0, count: groupCount)
        for g in 0..<groupCount where !rowsOf[g].isEmpty {
            let c = Calibration(p.selectingRows(rowsOf[g]), labels: rowsOf[g].map { y[$0] }, score: score, alpha: alpha,
                                uniforms: uniforms.map { u in rowsOf[g].map { u[$0] } })
            thresholds[g] = c.threshold
            counts[g] = rowsOf[g].count
        }
        let sets = ConformalPrediction.sets(t, thresholds: thresholds, groups: gt, score: score)
        return (thresholds, counts, sets)
    }

    /// Sets of rows in groups, each group at its own threshold (one threshold and nil groups:
    /// the split sets).
    public static func sets(_ t: Matrix, thresholds q: [Double], groups: [Int]?, score: Score) -> [Bool] {
        guard let groups, q.count > 1 else { return sets(t, threshold: q[0], score: score) }
        var rowsOf = [[Int]](repeating: [], count: q.count)
        for (i, g) in groups.enumerated() { rowsOf[g].append(i) }
        var out = [Bool](repeating: false, count: t.rows * t.cols)
        for g in q.indices where !rowsOf[g].isEmpty {
            let part = sets(t.selectingRows(rowsOf[g]), threshold: q[g], score: score)
            for (j, i) in rowsOf[g].enumerated() {
                for k in 0..<t.cols { out[i * t.cols + k] = part[j * t.cols + k] }
            }
        }
        return out
    }

    /// Set sizes of row-major N×K sets.
    public static func sizes(_ sets: [Bool], classes k: Int) -> [Int] {
        stride(from: 0, to: sets.count, by: k).map { start in
            var c = 0
            for j in start..<(start + k) where sets[j] { c += 1 }
            return c
        }
    }

    /// Whether each row's set holds its label.
    public static func covered(_ sets: [Bool], classes k: Int, labels y: [Int]) -> [Bool] {
        y.indices.map { sets[$0 * k + y[$0]] }
    }
}
