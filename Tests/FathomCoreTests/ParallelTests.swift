import Testing
import FathomCore

/// Seeded parallel work prints the same bytes with any number of threads.
@Suite("Parallel work does not depend on the number of threads")
struct ParallelTests {
    /// Seeded computations that run on several threads, each reduced to the numbers it
    /// produced (every replicate, not only a summary).
    static let computations: [(String, @Sendable () throws -> [Double])] = [
        ("bootstrap interval", {
            let x = (0..<300).map { Double(($0 * 37) % 101) }
            var g = Xoshiro256(seed: 5)
            let i = try Bootstrap.interval(n: x.count, replicates: 301, confidence: 0.9, random: &g) { idx in idx.reduce(0.0) { $0 + x[$1] } }
            return [i.lower, i.upper, Double(i.replicates), Double(g.next() >> 11)]
        }),
        ("bootstrap replicates of several samples", {
            var g = Xoshiro256(seed: 6)
            let reps = try Bootstrap.replicates(groups: [50, 70], count: 97, random: &g) { idx in [Double(idx[0].reduce(0, +)), Double(idx[1].reduce(0, +))] }
            return reps.flatMap { $0 ?? [] }
        }),
        ("mmd permutations", {
            var g = Xoshiro256(seed: 7)
            let x = Matrix(rows: 40, cols: 2, storage: (0..<80).map { _ in g.nextUniform() })
            let y = Matrix(rows: 30, cols: 2, storage: (0..<60).map { _ in g.nextUniform() + 0.2 })
            let r = try KernelTwoSample.test(x, y, kind: .mmd(sigma: nil), permutations: 203, random: &g)
            return [r.statistic, r.pvalue] + r.null
        }),
        ("energy permutations", {
            var g = Xoshiro256(seed: 8)
            let x = Matrix(rows: 25, cols: 3, storage: (0..<75).map { _ in g.nextUniform() })
            let y = Matrix(rows: 35, cols: 3, storage: (0..<105).map { _ in g.nextUniform() })
            let r = try KernelTwoSample.test(x, y, kind: .energy, permutations: 151, random: &g)
            return [r.statistic, r.pvalue] + r.null
        }),
        ("backtest repetitions", {
            var g = Xoshiro256(seed: 9)
            let pool = (0..<3000).map { _ in g.nextUniform() * 0.01 }
            let reps = try Backtest.run(pool: pool, m: 400, n: 2000, k: 10, repetitions: 37, methods: [.gumbel], random: &g)
            return reps.flatMap { $0.forecasts + [$0.truth] } + (reps[0].evaluationScores ?? [])
        }),
        ("replicates with scratch space", {
            var g = Xoshiro256(seed: 10)
            // The scratch space is reused by a thread: a replicate must not see what the one
            // before it left there.
            return try Parallel.replicates(500, random: &g, progress: SilentProgress(), label: "test", state: { PartialShuffle(100) }) { s, g, r in
                Double(s.draw(5, using: &g).reduce(0, +) * 1000 + r)
            }
        }),
        ("sums over chunks", {
            let x = (0..<200_000).map { 1 / Double($0 + 1) }
            let parts = Parallel.chunks(x.count, threshold: 20_000) { range in range.reduce(0.0) { $0 + x[$1] } }
            return parts + [parts.reduce(0, +)]
        }),
    ]

    @Test("1, 2, 3 and 8 workers give identical results", arguments: computations)
    func sameForAnyWorkers(_ name: String, _ compute: @Sendable () throws -> [Double]) throws {
        let one = try Parallel.withWorkers(1) { try compute() }
        #expect(!one.isEmpty)
        for workers in [2, 3, 8] {
            let other = try Parallel.withWorkers(workers) { try compute() }
            #expect(other.map(\.bitPattern) == one.map(\.bitPattern), "\(name) with \(workers) workers")
        }
    }

    @Test("withWorkers sets the thread count for the work it runs")
    func override() {
        #expect(Parallel.withWorkers(3) { Parallel.workers } == 3)
        #expect(Parallel.workers >= 1)
    }

    @Test("a partial shuffle's draw does not depend on the draws before it")
    func partialShuffle() {
        var fresh = PartialShuffle(50)
        var g = Xoshiro256(seed: 1)
        let first = Array(fresh.draw(10, using: &g))
        var used = PartialShuffle(50)
        var h = Xoshiro256(seed: 2)
        for k in [3, 50, 7] { _ = used.draw(k, using: &h) }
        g = Xoshiro256(seed: 1)
        #expect(Array(used.draw(10, using: &g)) == first)
        #expect(Set(first).count == 10 && first.allSatisfy { (0..<50).contains($0) })
    }

    @Test("pieces depend on the size of the work only", arguments: [(0, 20_000, 1), (19_999, 20_000, 1), (20_000, 20_000, 2), (200_000, 20_000, 20), (10_000_000, 20_000, 64), (2, 0, 2)])
    func pieces(_ n: Int, _ threshold: Int, _ expected: Int) {
        #expect(Parallel.pieceCount(n, threshold: threshold) == expected)
    }

    @Test("a piece that throws stops the others and its error comes back")
    func throwingPiece() {
        struct Stop: Error, Equatable { let at: Int }
        #expect(throws: Stop(at: 5)) {
            try Parallel.withWorkers(4) { try Parallel.map(100) { k throws(Stop) -> Int in if k == 5 || k == 9 { throw Stop(at: k) }; return k } }
        }
        let squares = Parallel.withWorkers(4) { Parallel.map(10) { $0 * $0 } }
        #expect(squares == (0..<10).map { $0 * $0 })
    }
}
