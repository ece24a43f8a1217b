/// Slice finding: the conjunctions of feature conditions ("weather = fog and lighting = night")
/// on which a model errs most, by the SliceLine algorithm of Sagadeeva & Boehm (SIGMOD 2021).
///
/// A slice S of n_S rows with error sum e_S scores
///
///     sc(S) = α·((e_S / n_S) / ē − 1) − (1 − α)·(n / n_S − 1)
///
/// where ē is the mean error over all n rows: the first term rewards a high mean error, the
/// second large slices; α in (0, 1] weighs them. A slice counts when n_S ≥ the minimum support,
/// e_S > 0 and sc > 0. The search walks the lattice of conjunctions level by level (level L:
/// L conditions on L distinct features): a level-L candidate joins two level-(L−1) slices that
/// share L−2 conditions, exists only when all its L parents were kept, and is pruned without
/// being evaluated when an upper bound of its score (from its parents' sizes, error sums and
/// largest errors) cannot beat the current top k. The result is the exact top k of every
/// conjunction of at most `maxLevel` conditions: pruning only skips slices that cannot enter it.
/// Slices tied with the k-th score are all kept, as `scipy.stats.rankdata(method="min") <= k`.
public enum SliceLine {
    /// The search's settings.
    public struct Parameters: Sendable {
        /// Weight of the error term against the size term, in (0, 1].
        public var alpha: Double
        /// How many slices to keep (more when the k-th score is tied).
        public var k: Int
        /// The most conditions in a slice.
        public var maxLevel: Int
        /// The fewest rows a slice may have.
        public var minSupport: Int

        public init(alpha: Double, k: Int, maxLevel: Int, minSupport: Int) {
            self.alpha = alpha
            self.k = k
            self.maxLevel = maxLevel
            self.minSupport = minSupport
        }
    }

    /// A condition: feature `feature` has level `level`.
    public struct Predicate: Hashable, Sendable, Comparable {
        public var feature: Int
        public var level: Int
        public init(feature: Int, level: Int) {
            self.feature = feature
            self.level = level
        }
        public static func < (a: Predicate, b: Predicate) -> Bool { (a.feature, a.level) < (b.feature, b.level) }
    }

    /// A scored slice: its conditions (sorted by feature) and statistics.
    public struct Slice: Sendable {
        public var predicates: [Predicate]
        public var size: Int
        public var errorSum: Double
        public var maxError: Double
        public var score: Double
        public var averageError: Double { errorSum / Double(size) }
    }

    /// The top slices, best first, with what the search did.
    public struct Result: Sendable {
        public var slices: [Slice]
        /// The mean error over all rows, ē.
        public var averageError: Double
        /// Slices whose statistics were computed (the rest were pruned unseen).
        public var evaluated: Int
        /// The deepest level the search reached.
        public var levels: Int
    }

    /// Features for the search: per feature, a level code 0..<levels[j] for every row.
    public struct Features: Sendable {
        public let codes: [[Int32]]
        public let levels: [Int]
        public var rows: Int { codes.first?.count ?? 0 }

        /// Codes per feature; every code must lie in 0..<levels[j] and every feature have the
        /// same number of rows.
        public init(codes: [[Int32]], levels: [Int]) {
            precondition(codes.count == levels.count && Set(codes.map(\.count)).count <= 1)
            self.codes = codes
            self.levels = levels
        }
    }

    /// sc(S) for a slice of `size` rows with error sum `errorSum`, among `rows` rows of mean
    /// error `average`; −∞ for an empty slice.
    public static func score(size: Double, errorSum: Double, rows: Double, average: Double, alpha: Double) -> Double {
        guard size > 0 else { return -.infinity }
        let s = alpha * ((errorSum / size) / average - 1) - (1 - alpha) * (rows / size - 1)
        return s.isNaN ? -.infinity : s
    }

    /// An upper bound of the score of any slice of at most `size` rows (and at least the
    /// minimum support), error sum at most `errorSum` and largest error at most `maxError`: the
    /// score probed at the points where it can peak (Sagadeeva & Boehm, §3.2).
    static func scoreBound(size: Double, errorSum: Double, maxError: Double, rows: Double, average: Double, p: Parameters) -> Double {
        let minSup = Double(max(1, p.minSupport))
        let points = [minSup, max(maxError > 0 ? errorSum / maxError : minSup, minSup), size]
        var best = -Double.infinity
        for ss in points where ss > 0 {
            let e = min(ss * maxError, errorSum)
            best = max(best, (p.alpha * (e / average - ss) - (1 - p.alpha) * (rows - ss)) / ss)
        }
        return best
    }

    /// The top slices of `features` by the errors `errors` (finite, ≥ 0, one per row).
    public static func search(_ features: Features, errors: [Double], _ p: Parameters, progress: any ProgressReporter = SilentProgress()) throws -> Result {
        let n = features.rows
        precondition(errors.count == n)
        let average = n == 0 ? 0 : errors.reduce(0, +) / Double(n)
        guard n > 0, average > 0 else { return Result(slices: [], averageError: average, evaluated: 0, levels: 0) }
        defer { progress.finish() }
        var top = TopK(k: p.k)

        // Level 1: every (feature, level) in one pass per feature.
        var basics: [Slice] = []
        for (j, codes) in features.codes.enumerated() {
            try Interruption.check()
            var size = [Int](repeating: 0, count: features.levels[j])
            var sum = [Double](repeating: 0, count: features.levels[j]), largest = sum
            for i in 0..<n {
                let c = Int(codes[i])
                size[c] += 1
                sum[c] += errors[i]
                largest[c] = max(largest[c], errors[i])
            }
            for v in 0..<features.levels[j] where size[v] >= p.minSupport && sum[v] > 0 {
                basics.append(Slice(predicates: [Predicate(feature: j, level: v)], size: size[v], errorSum: sum[v], maxError: largest[v],
                                    score: score(size: Double(size[v]), errorSum: sum[v], rows: Double(n), average: average, alpha: p.alpha)))
            }
        }
        top.add(basics, minSupport: p.minSupport)
        var evaluated = basics.count
        var level = 1
        let deepest = min(features.codes.count, p.maxLevel)
        guard deepest > 1, !basics.isEmpty else { return Result(slices: top.slices, averageError: average, evaluated: evaluated, levels: level) }

        // The rows of each basic slice as a bitset, to intersect for deeper slices.
        let words = (n + 63) / 64
        let basicIndex = Dictionary(uniqueKeysWithValues: basics.enumerated().map { ($1.predicates[0], $0) })
        let basicPredicates = basics.map { $0.predicates[0] }
        let bitsets: [[UInt64]] = Parallel.map(basicPredicates.count) { b in
            let pred = basicPredicates[b]
            let codes = features.codes[pred.feature]
            var bits = [UInt64](repeating: 0, count: words)
            for i in 0..<n where Int(codes[i]) == pred.level { bits[i >> 6] |= 1 << UInt64(i & 63) }
            return bits
        }

        var current = basics
        while level < deepest, !current.isEmpty {
            level += 1
            progress.report("slices, level \(level)", fraction: Double(level - 1) / Double(deepest))
            try Interruption.check()
            let parents = current.filter { $0.size >= p.minSupport && $0.errorSum > 0 }
            let candidates = join(parents, level: level, rows: Double(n), average: average, p: p, threshold: top.threshold)
            try Interruption.check()
            let scored: [Slice] = try Parallel.map(candidates.count) { c in
                if c & 63 == 0 { try Interruption.check() }
                return evaluate(candidates[c], basicIndex: basicIndex, bitsets: bitsets, words: words, errors: errors, rows: n, average: average, alpha: p.alpha)
            }
            evaluated += scored.count
            top.add(scored, minSupport: p.minSupport)
            current = scored
        }
        return Result(slices: top.slices, averageError: average, evaluated: evaluated, levels: level)
    }

    /// The level-`level` candidates from the kept level-(level−1) slices: joined in pairs that
    /// share all but their last condition (so each candidate is made once), kept when every
    /// one of its parents is among `parents`, and when the bound of its score (from the
    /// smallest size, error sum and largest error among its parents) can still enter the top k.
    static func join(_ parents: [Slice], level: Int, rows: Double, average: Double, p: Parameters, threshold: Double?) -> [[Predicate]] {
        var byPredicates: [[Predicate]: Int] = [:]
        for (i, s) in parents.enumerated() { byPredicates[s.predicates] = i }
        var byPrefix: [[Predicate]: [Int]] = [:]
        for (i, s) in parents.enumerated() { byPrefix[Array(s.predicates.dropLast()), default: []].append(i) }
        var out: [[Predicate]] = []
        for prefix in byPrefix.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let group = byPrefix[prefix]!.sorted { parents[$0].predicates.last! < parents[$1].predicates.last! }
            for a in 0..<group.count {
                let last = parents[group[a]].predicates.last!
                for b in (a + 1)..<max(a + 1, group.count) {
                    let other = parents[group[b]].predicates.last!
                    guard other.feature != last.feature else { continue }
                    let candidate = prefix + [last, other]
                    var size = Int.max, errorSum = Double.infinity, maxError = Double.infinity
                    var complete = true
                    for drop in 0..<candidate.count {
                        var parent = candidate
                        parent.remove(at: drop)
                        guard let k = byPredicates[parent] else { complete = false; break }
                        size = min(size, parents[k].size)
                        errorSum = min(errorSum, parents[k].errorSum)
                        maxError = min(maxError, parents[k].maxError)
                    }
                    guard complete, size >= p.minSupport else { continue }
                    let bound = scoreBound(size: Double(size), errorSum: errorSum, maxError: maxError, rows: rows, average: average, p: p)
                    guard bound > 0, threshold.map({ bound >= $0 }) ?? true else { continue }
                    out.append(candidate)
                }
            }
        }
        return out
    }

    /// The statistics of the slice with conditions `predicates`, from the basic bitsets.
    static func evaluate(_ predicates: [Predicate], basicIndex: [Predicate: Int], bitsets: [[UInt64]], words: Int, errors: [Double], rows: Int, average: Double, alpha: Double) -> Slice {
        let sets = predicates.map { bitsets[basicIndex[$0]!] }
        var size = 0, errorSum = 0.0, maxError = 0.0
        errors.withUnsafeBufferPointer { e in
            for w in 0..<words {
                var bits = sets[0][w]
                for s in sets.dropFirst() { bits &= s[w] }
                guard bits != 0 else { continue }
                size += bits.nonzeroBitCount
                while bits != 0 {
                    let i = w << 6 | bits.trailingZeroBitCount
                    errorSum += e[i]
                    maxError = max(maxError, e[i])
                    bits &= bits - 1
                }
            }
        }
        return Slice(predicates: predicates, size: size, errorSum: errorSum, maxError: maxError,
                     score: score(size: Double(size), errorSum: errorSum, rows: Double(rows), average: average, alpha: alpha))
    }

    /// The best slices so far: every valid slice ranked (by the lowest rank among ties) at
    /// most k, best first; ties in the order of level, then conditions.
    struct TopK {
        let k: Int
        var slices: [Slice] = []

        /// The score a candidate's bound must reach to matter: the k-th best score once k
        /// slices are held, nil before.
        var threshold: Double? { slices.count >= k ? slices[k - 1].score : nil }

        mutating func add(_ new: [Slice], minSupport: Int) {
            let valid = new.filter { $0.size >= minSupport && $0.score > 0 }
            guard !valid.isEmpty else { return }
            var all = slices + valid
            all.sort { a, b in
                if a.score != b.score { return a.score > b.score }
                if a.predicates.count != b.predicates.count { return a.predicates.count < b.predicates.count }
                return a.predicates.lexicographicallyPrecedes(b.predicates)
            }
            guard all.count > k else { slices = all; return }
            let cut = all[k - 1].score
            slices = Array(all.prefix { $0.score >= cut })
        }
    }
}
