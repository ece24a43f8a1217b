/// Conformal risk control (Angelopoulos, Bates, Fisch, Lei & Schuster, "Conformal Risk
/// Control", ICLR 2024) for set-valued classifiers: the set of a row is every class whose
/// probability exceeds a threshold t, C_t(x) = {k : p̂_k(x) > t}, and the loss of a row is
/// the weighted share of its true classes left out, L(t) = Σ_{k ∈ Y, p̂_k ≤ t} w_k, bounded by
/// B and nondecreasing in t. With n exchangeable calibration rows, the threshold
///
///     t̂ = the largest candidate t with (n·R̂(t) + B) / (n + 1) ≤ α   (R̂ the mean loss)
///
/// gives E[L(t̂)] ≤ α on a new row. The false-negative rate of multi-label sets (w_k = 1/|Y|),
/// miscoverage of single-label sets (w = 1) and a cost-weighted miscoverage (w = cost of the
/// class) are all such losses. MAPIE's MultiLabelClassificationController (method "crc",
/// recall) computes the same over the grid 0, 0.01, …, 0.99.
public enum ConformalRiskControl {
    /// The true classes of the calibration rows with their loss weights: row i's pairs are
    /// `classes[offsets[i]..<offsets[i+1]]`, `weights` alike.
    public struct Positives: Sendable {
        public var offsets: [Int]
        public var classes: [Int]
        public var weights: [Double]
        public var rows: Int { offsets.count - 1 }

        /// Multi-label rows (a 0/1 matrix): each true class weighs 1/|Y| (the false-negative
        /// rate); a row without a true class has loss 0.
        public init(multiLabel y: Matrix) {
            offsets = [0]; classes = []; weights = []
            for i in 0..<y.rows {
                var row: [Int] = []
                for k in 0..<y.cols where y[i, k] != 0 { row.append(k) }
                classes += row
                weights += Array(repeating: row.isEmpty ? 0 : 1 / Double(row.count), count: row.count)
                offsets.append(classes.count)
            }
        }

        /// Single labels, each weighing `costs[y]` (1 when nil: miscoverage).
        public init(labels y: [Int], costs: [Double]? = nil) {
            offsets = Array(0...y.count)
            classes = y
            weights = y.map { costs?[$0] ?? 1 }
        }
    }

    public struct Result: Sendable {
        /// The chosen threshold: sets are {k : p̂_k > threshold}.
        public var threshold: Double
        /// The mean calibration loss at the threshold.
        public var calibrationRisk: Double
        /// (n·R̂ + B)/(n + 1) at the threshold.
        public var bound: Double
        /// False when no candidate meets the bound, not even the full sets (t = 0 with every
        /// probability above it); the threshold is then the smallest candidate.
        public var controlled: Bool
    }

    /// The loss of each row at threshold t.
    public static func losses(_ p: Matrix, _ positives: Positives, threshold t: Double) -> [Double] {
        (0..<positives.rows).map { i in
            var loss = 0.0
            for j in positives.offsets[i]..<positives.offsets[i + 1] where p[i, positives.classes[j]] <= t { loss += positives.weights[j] }
            return loss
        }
    }

    /// The sets {k : p̂_k > t}, row-major.
    public static func sets(_ p: Matrix, threshold t: Double) -> [Bool] {
        p.storage.map { $0 > t }
    }

    /// Calibrates the threshold. Candidates are `grid` when given (searched in increasing
    /// order, as MAPIE searches its grid), else 0 and every distinct calibration probability.
    /// The risk is nondecreasing in t, so the answer is the last candidate before the first
    /// one that breaks the bound.
    public static func calibrate(_ p: Matrix, _ positives: Positives, alpha: Double, bound B: Double, grid: [Double]? = nil) -> Result {
        let n = Double(positives.rows)
        // Every (row, true class) pair as (probability, weight / n), sorted by probability:
        // R̂(t) is the summed weight of the pairs with probability ≤ t.
        var pairs: [(p: Double, w: Double)] = []
        pairs.reserveCapacity(positives.classes.count)
        for i in 0..<positives.rows {
            for j in positives.offsets[i]..<positives.offsets[i + 1] { pairs.append((p[i, positives.classes[j]], positives.weights[j] / n)) }
        }
        pairs.sort { $0.p < $1.p }
        var candidates: [Double]
        if let grid { candidates = grid.sorted() } else {
            candidates = [0] + p.storage.filter { $0 > 0 }.sorted()
            var unique: [Double] = []
            unique.reserveCapacity(candidates.count)
            for c in candidates where unique.last != c { unique.append(c) }
            candidates = unique
        }
        var best: Result?
        var j = 0, risk = 0.0
        for t in candidates {
            while j < pairs.count && pairs[j].p <= t { risk += pairs[j].w; j += 1 }
            let bound = (n * risk + B) / (n + 1)
            if bound > alpha { break }
            best = Result(threshold: t, calibrationRisk: risk, bound: bound, controlled: true)
        }
        if let best { return best }
        let t = candidates.first ?? 0
        let r = losses(p, positives, threshold: t).reduce(0, +) / max(n, 1)
        return Result(threshold: t, calibrationRisk: r, bound: (n * r + B) / (n + 1), controlled: false)
    }
}
