#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Two-sample tests on a matrix of pairwise values of the pooled sample: the maximum mean
/// discrepancy (Gretton et al. 2012) with a Gaussian kernel, and the energy distance
/// (Székely & Rizzo), each with a permutation p-value.
///
/// Both statistics depend on the split only through S_XX, S_YY and S_XY, the sums of the
/// pairwise matrix over the within- and between-sample pairs. With the row sums and the total
/// computed once, a permutation needs only the within-sum of the smaller group: Σ over its
/// pairs, about min(m, n)²/2 additions, instead of a product with the whole matrix.
///
/// Every phase (distances, median distance, kernel matrix, permutations) runs on all threads
/// where it can, reports progress under its own label and stops on Ctrl-C.
public enum KernelTwoSample {
    public enum Kind: Sendable {
        /// Unbiased MMD² with k(x, y) = exp(−‖x − y‖²/(2σ²)).
        case mmd(sigma: Double?)
        /// 2·mean‖x − y‖ − mean‖x − x′‖ − mean‖y − y′‖ (V-statistics, diagonal included).
        case energy

        var name: String {
            switch self {
            case .mmd: return "mmd"
            case .energy: return "energy"
            }
        }
    }

    public enum Problem: Error, Sendable {
        /// The median distance is 0: no kernel width.
        case zeroWidth
    }

    public struct Result: Sendable {
        public var statistic: Double
        public var pvalue: Double
        /// The kernel width used (MMD only).
        public var sigma: Double?
        /// The statistic under each permutation, in order.
        public var null: [Double]
    }

    /// Runs `body(i)` for every row i in 0..<n on all threads (rows dealt to at most 256
    /// pieces in turn, so uneven rows balance out), polling Ctrl-C before each row and
    /// reporting the share of `weight` done under `label`.
    static func forEachRow(_ n: Int, label: String, progress: any ProgressReporter, weight: @escaping @Sendable (Int) -> Int,
                           _ body: @escaping @Sendable (Int) -> Void) throws(Interrupted) {
        let pieces = max(1, min(n, 256))
        let total = Double(max(1, (0..<n).reduce(0) { $0 + weight($1) }))
        let done = Counter()
        _ = try Parallel.map(pieces) { p throws(Interrupted) -> Bool in
            var i = p
            while i < n {
                if Interruption.isRequested { throw Interrupted() }
                body(i)
                let sofar = done.add(weight(i))
                progress.report(label, fraction: Double(sofar) / total)
                i += pieces
            }
            return true
        }
    }

    /// Squared Euclidean distances between all rows of the pooled sample [X; Y], N × N. Row i
    /// computes every entry of its own row, so no thread writes another's rows and both
    /// triangles hold the same bits ((a − b)² = (b − a)²).
    static func squaredDistances(_ x: Matrix, _ y: Matrix, label: String, progress: any ProgressReporter) throws(Interrupted) -> [Double] {
        let d = x.cols, nTotal = x.rows + y.rows
        let pooled = x.storage + y.storage
        // Left uninitialised: each row writes all of its own entries (touching the memory in
        // the row loop, which polls Ctrl-C, rather than in one long zero-fill before it).
        var failure: Interrupted?
        let out = [Double](unsafeUninitializedCapacity: nTotal * nTotal) { buffer, initialized in
            initialized = nTotal * nTotal
            let target = Parallel.Address(buffer.baseAddress!)
            do throws(Interrupted) {
                try forEachRow(nTotal, label: label, progress: progress, weight: { _ in 1 }) { i in
                    pooled.withUnsafeBufferPointer { p in
                        let ri = p.baseAddress! + i * d
                        let row = target.pointer + i * nTotal
                        row[i] = 0
                        for j in 0..<nTotal where j != i {
                            let rj = p.baseAddress! + j * d
                            var s = 0.0
                            for k in 0..<d { let t = ri[k] - rj[k]; s += t * t }
                            row[j] = s
                        }
                    }
                }
            } catch { failure = error }
        }
        if let failure { throw failure }
        return out
    }

    /// Replaces every entry by f(row, column, value) and returns the row sums without the
    /// diagonal, rows on all threads.
    static func transformRows(_ matrix: inout [Double], count n: Int, label: String, progress: any ProgressReporter,
                              _ f: @escaping @Sendable (Int, Int, Double) -> Double) throws(Interrupted) -> [Double] {
        var sums = [Double](repeating: 0, count: n)
        var failure: Interrupted?
        matrix.withUnsafeMutableBufferPointer { m in
            sums.withUnsafeMutableBufferPointer { s in
                let target = Parallel.Address(m.baseAddress!), rowSums = Parallel.Address(s.baseAddress!)
                do throws(Interrupted) {
                    try forEachRow(n, label: label, progress: progress, weight: { _ in 1 }) { i in
                        let row = target.pointer + i * n
                        var sum = 0.0
                        for j in 0..<n {
                            row[j] = f(i, j, row[j])
                            if j != i { sum += row[j] }
                        }
                        rowSums.pointer[i] = sum
                    }
                } catch { failure = error }
            }
        }
        if let failure { throw failure }
        return sums
    }

    /// The median of the pairwise Euclidean distances (pairs i < j): the average of the two
    /// middle values when their number is even, as numpy.median.
    public static func medianDistance(_ squared: [Double], count n: Int, label: String = "median distance",
                                      progress: any ProgressReporter = SilentProgress()) throws(Interrupted) -> Double {
        var upper: [Double] = []
        upper.reserveCapacity(n * (n - 1) / 2)
        for i in 0..<n {
            if Interruption.isRequested { throw Interrupted() }
            let start = i * n
            upper.append(contentsOf: squared[(start + i + 1)..<(start + n)])
        }
        guard !upper.isEmpty else { return .nan }
        let count = upper.count
        let hi = count / 2
        let b = try select(&upper, hi) { progress.report(label, fraction: $0) }
        if count % 2 == 1 { return b.squareRoot() }
        // The largest value below position hi is the max of the left part after selection.
        var a = -Double.infinity
        for k in 0..<hi where upper[k] > a { a = upper[k] }
        return (a.squareRoot() + b.squareRoot()) / 2
    }

    /// Quickselect: after it, x[k] is the k-th smallest, smaller ones before it. Polls
    /// Ctrl-C every 2²⁰ steps of a partition and reports how much of the array is settled.
    static func select(_ x: inout [Double], _ k: Int, report: (Double) -> Void = { _ in }) throws(Interrupted) -> Double {
        var lo = 0, hi = x.count - 1
        let n = Double(max(1, x.count))
        var steps = 0
        while lo < hi {
            report(1 - Double(hi - lo) / n)
            let pivot = x[(lo + hi) / 2]
            var i = lo, j = hi
            while i <= j {
                steps += 1
                if steps & 0xFFFF == 0 && Interruption.isRequested { throw Interrupted() }
                while x[i] < pivot { i += 1 }
                while x[j] > pivot { j -= 1 }
                if i <= j { x.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { break }
        }
        return x[k]
    }

    /// Runs the test on X (m × d) and Y (n × d), m, n ≥ 2. `random` seeds the permutations.
    public static func test(_ x: Matrix, _ y: Matrix, kind: Kind, permutations: Int, random: inout Xoshiro256,
                            progress: any ProgressReporter = SilentProgress()) throws -> Result {
        let m = x.rows, n = y.rows, total = m + n
        let name = kind.name
        var matrix = try squaredDistances(x, y, label: "\(name): distances", progress: progress)
        var sigma: Double?
        let rowSums: [Double]
        // Row sums and the total, diagonal excluded (it is 0 for distances and left out of
        // the unbiased MMD).
        switch kind {
        case .mmd(let fixed):
            let s = try fixed ?? medianDistance(matrix, count: total, label: "\(name): median distance", progress: progress)
            guard s > 0, s.isFinite else { progress.finish(); throw Problem.zeroWidth }
            sigma = s
            let scale = -1 / (2 * s * s)
            rowSums = try transformRows(&matrix, count: total, label: "\(name): kernel matrix", progress: progress) { i, j, v in i == j ? 0 : exp(v * scale) }
        case .energy:
            rowSums = try transformRows(&matrix, count: total, label: "\(name): square roots", progress: progress) { _, _, v in v.squareRoot() }
        }
        let grand = rowSums.reduce(0, +)
        let md = Double(m), nd = Double(n)
        let pairwise = matrix, sums = rowSums
        @Sendable func statistic(_ sxx: Double, _ syy: Double, _ sxy: Double) -> Double {
            switch kind {
            case .mmd: return sxx / (md * (md - 1)) + syy / (nd * (nd - 1)) - 2 * sxy / (md * nd)
            case .energy: return 2 * sxy / (md * nd) - sxx / (md * md) - syy / (nd * nd)
            }
        }
        // The within-sum of a group (sorted indices), each unordered pair twice.
        let small = min(m, n)
        let smallIsX = m <= n
        @Sendable func score(_ group: [Int]) -> Double {
            var within = 0.0
            pairwise.withUnsafeBufferPointer { p in
                group.withUnsafeBufferPointer { g in
                    let count = g.count
                    for a in 0..<count {
                        let row = p.baseAddress! + g[a] * total
                        // Four running sums: the additions do not wait on each other.
                        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                        var b = a + 1
                        while b + 3 < count {
                            s0 += row[g[b]]; s1 += row[g[b + 1]]; s2 += row[g[b + 2]]; s3 += row[g[b + 3]]
                            b += 4
                        }
                        while b < count { s0 += row[g[b]]; b += 1 }
                        within += (s0 + s1) + (s2 + s3)
                    }
                }
            }
            within *= 2
            let rows = group.reduce(0.0) { $0 + sums[$1] }
            let cross = rows - within
            let other = grand - within - 2 * cross
            return smallIsX ? statistic(within, other, cross) : statistic(other, within, cross)
        }
        let observed = score(smallIsX ? Array(0..<m) : Array(m..<total))

        let null = try Parallel.replicates(permutations, random: &random, progress: progress, label: "\(name): permutations",
                                           state: { PartialShuffle(total) }) { shuffle, g, _ -> Double in
            // A uniformly random group of `small` indices.
            score(shuffle.draw(small, using: &g).sorted())
        }
        let tolerance = 1e-12 * max(1, abs(observed))
        let exceed = null.filter { $0 >= observed - tolerance }.count
        let p = Double(1 + exceed) / Double(1 + permutations)
        return Result(statistic: observed, pvalue: p, sigma: sigma, null: null)
    }
}

/// A count shared by worker threads.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    /// Adds `k` and returns the new total.
    func add(_ k: Int) -> Int { value.wrappingAdd(k, ordering: .relaxed).newValue }
}
