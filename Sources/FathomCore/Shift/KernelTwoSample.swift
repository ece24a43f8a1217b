#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// Two-sample tests on a matrix of pairwise values of the pooled sample: the maximum mean
/// discrepancy (Gretton et al. 2012) with a Gaussian kernel, and the energy distance
/// (Székely & Rizzo), each with a permutation p-value.
///
/// Both statistics depend on the split only through S_XX, S_YY and S_XY, the sums of the
/// pairwise matrix over the within- and between-sample pairs. With the row sums and the total
/// computed once, a permutation needs only the within-sum of the smaller group: Σ over its
/// pairs, about min(m, n)²/2 additions, instead of a product with the whole matrix.
public enum KernelTwoSample {
    public enum Kind: Sendable {
        /// Unbiased MMD² with k(x, y) = exp(−‖x − y‖²/(2σ²)).
        case mmd(sigma: Double?)
        /// 2·mean‖x − y‖ − mean‖x − x′‖ − mean‖y − y′‖ (V-statistics, diagonal included).
        case energy
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

    /// Squared Euclidean distances between all rows of the pooled sample [X; Y], N × N, the
    /// rows of the upper triangle dealt to both cores in turn.
    static func squaredDistances(_ x: Matrix, _ y: Matrix) -> [Double] {
        let d = x.cols, nTotal = x.rows + y.rows
        let pooled = x.storage + y.storage
        var out = [Double](unsafeUninitializedCapacity: nTotal * nTotal) { buffer, initialized in
            buffer.initialize(repeating: 0)
            let target = UnsafeAddress(buffer.baseAddress!)
            pooled.withUnsafeBufferPointer { p in
                let source = UnsafeSource(p.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: 2) { w in
                    var i = w
                    while i < nTotal {
                        let ri = source.pointer + i * d
                        for j in (i + 1)..<max(i + 1, nTotal) {
                            let rj = source.pointer + j * d
                            var s = 0.0
                            for k in 0..<d { let t = ri[k] - rj[k]; s += t * t }
                            target.pointer[i * nTotal + j] = s
                        }
                        i += 2
                    }
                }
            }
            initialized = nTotal * nTotal
        }
        // Mirror the upper triangle.
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<nTotal { for j in 0..<i { o[i * nTotal + j] = o[j * nTotal + i] } }
        }
        return out
    }

    /// Replaces every entry by f(row, column, value), rows dealt to both cores.
    static func transformRows(_ matrix: inout [Double], count n: Int, _ f: @escaping @Sendable (Int, Int, Double) -> Double) {
        matrix.withUnsafeMutableBufferPointer { p in
            let target = UnsafeAddress(p.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: 2) { w in
                var i = w
                while i < n {
                    let row = target.pointer + i * n
                    for j in 0..<n { row[j] = f(i, j, row[j]) }
                    i += 2
                }
            }
        }
    }

    /// The median of the pairwise Euclidean distances (pairs i < j): the average of the two
    /// middle values when their number is even, as numpy.median.
    public static func medianDistance(_ squared: [Double], count n: Int) -> Double {
        var upper: [Double] = []
        upper.reserveCapacity(n * (n - 1) / 2)
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { upper.append(squared[i * n + j]) } }
        guard !upper.isEmpty else { return .nan }
        let count = upper.count
        let hi = count / 2
        let b = select(&upper, hi)
        if count % 2 == 1 { return b.squareRoot() }
        // The largest value below position hi is the max of the left part after selection.
        var a = -Double.infinity
        for k in 0..<hi where upper[k] > a { a = upper[k] }
        return (a.squareRoot() + b.squareRoot()) / 2
    }

    /// Quickselect: after it, x[k] is the k-th smallest, smaller ones before it.
    static func select(_ x: inout [Double], _ k: Int) -> Double {
        var lo = 0, hi = x.count - 1
        while lo < hi {
            let pivot = x[(lo + hi) / 2]
            var i = lo, j = hi
            while i <= j {
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
        var matrix = squaredDistances(x, y)
        try Interruption.check()
        var sigma: Double?
        switch kind {
        case .mmd(let fixed):
            let s = fixed ?? medianDistance(matrix, count: total)
            guard s > 0, s.isFinite else { throw Problem.zeroWidth }
            sigma = s
            let scale = -1 / (2 * s * s)
            transformRows(&matrix, count: total) { i, j, v in i == j ? 0 : exp(v * scale) }
        case .energy:
            transformRows(&matrix, count: total) { _, _, v in v.squareRoot() }
        }
        try Interruption.check()
        // Row sums and the total, diagonal excluded (it is 0 for distances and left out of
        // the unbiased MMD).
        var rowSums = [Double](repeating: 0, count: total)
        matrix.withUnsafeBufferPointer { p in
            let source = UnsafeSource(p.baseAddress!)
            rowSums.withUnsafeMutableBufferPointer { r in
                let target = UnsafeAddress(r.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: 2) { w in
                    var i = w
                    while i < total {
                        var sum = 0.0
                        let row = source.pointer + i * total
                        for j in 0..<total where j != i { sum += row[j] }
                        target.pointer[i] = sum
                        i += 2
                    }
                }
            }
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

        let null = try Parallel.replicates(permutations, random: &random, progress: progress, label: "permutations",
                                           state: { Array(0..<total) }) { indices, g, _ -> Double in
            // A uniformly random group of `small` indices: a partial Fisher–Yates shuffle.
            for k in 0..<small { indices.swapAt(k, k + g.nextInt(below: total - k)) }
            return score(indices[0..<small].sorted())
        }
        let tolerance = 1e-12 * max(1, abs(observed))
        let exceed = null.filter { $0 >= observed - tolerance }.count
        let p = Double(1 + exceed) / Double(1 + permutations)
        return Result(statistic: observed, pvalue: p, sigma: sigma, null: null)
    }
}

/// A raw address handed to worker threads, each writing its own part.
struct UnsafeAddress: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Double>
    init(_ pointer: UnsafeMutablePointer<Double>) { self.pointer = pointer }
}

/// A read-only address shared by worker threads.
struct UnsafeSource: @unchecked Sendable {
    let pointer: UnsafePointer<Double>
    init(_ pointer: UnsafePointer<Double>) { self.pointer = pointer }
}
