#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import FathomCore
import FathomTestSupport

/// SliceLine against an independent brute force: every conjunction of at most max_level
/// conditions on distinct features, scored by the published function, ranked as
/// `rankdata(-score, method="min") <= k`. The pruned lattice search must give the same slices
/// with the same statistics, whatever the data, the weight, the support and the depth.
@Suite("SliceLine: pruned search against brute force")
struct SliceLineBruteForceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var seed: UInt64, rows: Int, levels: [Int], alpha: Double, k: Int, maxLevel: Int, minSupport: Int, binary: Bool
        var testDescription: String { "seed \(seed), \(rows) rows, levels \(levels), α \(alpha), k \(k), L \(maxLevel), support \(minSupport)\(binary ? ", failures" : "")" }
    }

    static let cases: [Case] = [
        Case(seed: 1, rows: 800, levels: [3, 4, 2], alpha: 0.95, k: 5, maxLevel: 2, minSupport: 10, binary: true),
        Case(seed: 2, rows: 1500, levels: [2, 3, 4, 5], alpha: 0.9, k: 8, maxLevel: 3, minSupport: 15, binary: false),
        Case(seed: 3, rows: 600, levels: [4, 4, 4, 3], alpha: 0.97, k: 3, maxLevel: 4, minSupport: 5, binary: false),
        Case(seed: 4, rows: 2000, levels: [6, 2, 3], alpha: 0.99, k: 20, maxLevel: 3, minSupport: 40, binary: true),
        Case(seed: 5, rows: 300, levels: [2, 2, 2, 2, 2], alpha: 0.9, k: 50, maxLevel: 5, minSupport: 3, binary: true),
        Case(seed: 6, rows: 1000, levels: [10, 3], alpha: 1.0, k: 4, maxLevel: 2, minSupport: 1, binary: false),
    ]

    /// Random codes, with errors raised on a planted two-condition slice.
    static func data(_ c: Case) -> (SliceLine.Features, [Double]) {
        var g = Xoshiro256(seed: c.seed)
        let codes = c.levels.map { l in (0..<c.rows).map { _ in Int32(g.nextInt(below: l)) } }
        let errors = (0..<c.rows).map { i -> Double in
            let planted = codes[0][i] == 0 && codes[1][i] == 1
            let u = g.nextUniform()
            if c.binary { return u < (planted ? 0.45 : 0.08) ? 1 : 0 }
            return -log(1 - u) * (planted ? 6 : 1)
        }
        return (SliceLine.Features(codes: codes, levels: c.levels), errors)
    }

    static func bruteForce(_ f: SliceLine.Features, _ e: [Double], _ p: SliceLine.Parameters) -> [SliceLine.Slice] {
        let n = f.rows, average = e.reduce(0, +) / Double(n)
        var all: [SliceLine.Slice] = []
        func visit(_ from: Int, _ chosen: [SliceLine.Predicate]) {
            if !chosen.isEmpty {
                var size = 0, sum = 0.0, largest = 0.0
                for i in 0..<n where chosen.allSatisfy({ Int(f.codes[$0.feature][i]) == $0.level }) {
                    size += 1; sum += e[i]; largest = max(largest, e[i])
                }
                let score = SliceLine.score(size: Double(size), errorSum: sum, rows: Double(n), average: average, alpha: p.alpha)
                if size >= p.minSupport, sum > 0, score > 0 {
                    all.append(SliceLine.Slice(predicates: chosen, size: size, errorSum: sum, maxError: largest, score: score))
                }
            }
            guard chosen.count < p.maxLevel else { return }
            for j in from..<f.codes.count {
                for v in 0..<f.levels[j] { visit(j + 1, chosen + [SliceLine.Predicate(feature: j, level: v)]) }
            }
        }
        visit(0, [])
        let sorted = all.sorted { $0.score > $1.score }
        guard sorted.count > p.k else { return sorted }
        let cut = sorted[p.k - 1].score
        return sorted.filter { $0.score >= cut }
    }

    @Test("the same top slices and statistics as enumerating every conjunction", arguments: cases)
    func matchesBruteForce(_ c: Case) throws {
        let (f, e) = Self.data(c)
        let p = SliceLine.Parameters(alpha: c.alpha, k: c.k, maxLevel: c.maxLevel, minSupport: c.minSupport)
        let found = try SliceLine.search(f, errors: e, p)
        let expected = Self.bruteForce(f, e, p)
        #expect(!expected.isEmpty)
        #expect(found.slices.map(\.predicates).sorted { $0.lexicographicallyPrecedes($1) } == expected.map(\.predicates).sorted { $0.lexicographicallyPrecedes($1) })
        for s in found.slices {
            guard let b = expected.first(where: { $0.predicates == s.predicates }) else { continue }
            #expect(s.size == b.size)
            #expect(agrees(s.errorSum, b.errorSum, rel: 1e-12))
            #expect(s.maxError == b.maxError)
            #expect(agrees(s.score, b.score, rel: 1e-12, abs: 1e-15))
        }
        for i in found.slices.indices.dropFirst() { #expect(found.slices[i - 1].score >= found.slices[i].score) }
        #expect(found.evaluated <= Int(SliceDiscovery.familySize(levels: c.levels, maxLevel: c.maxLevel)))
    }

    @Test("the same answer with 1, 2 and 8 workers")
    func workers() throws {
        let c = Self.cases[1]
        let (f, e) = Self.data(c)
        let p = SliceLine.Parameters(alpha: c.alpha, k: c.k, maxLevel: c.maxLevel, minSupport: c.minSupport)
        let one = try Parallel.withWorkers(1) { try SliceLine.search(f, errors: e, p) }
        for w in [2, 8] {
            let other = try Parallel.withWorkers(w) { try SliceLine.search(f, errors: e, p) }
            #expect(other.slices.map(\.predicates) == one.slices.map(\.predicates))
            #expect(other.slices.map(\.errorSum) == one.slices.map(\.errorSum))
        }
    }

    @Test("no errors at all, or no slice above the support, finds nothing")
    func nothing() throws {
        let f = SliceLine.Features(codes: [[0, 1, 0, 1]], levels: [2])
        #expect(try SliceLine.search(f, errors: [0, 0, 0, 0], SliceLine.Parameters(alpha: 0.9, k: 3, maxLevel: 2, minSupport: 1)).slices.isEmpty)
        #expect(try SliceLine.search(f, errors: [1, 0, 0, 0], SliceLine.Parameters(alpha: 0.9, k: 3, maxLevel: 2, minSupport: 3)).slices.isEmpty)
    }

    @Test("a simulated Ctrl-C stops the search")
    func interrupted() throws {
        let c = Self.cases[1]
        let (f, e) = Self.data(c)
        let flag = Interruption.Flag()
        flag.request()
        #expect(throws: Interrupted.self) {
            try Interruption.withFlag(flag) { try SliceLine.search(f, errors: e, SliceLine.Parameters(alpha: 0.6, k: 5, maxLevel: 3, minSupport: 5)) }
        }
    }

    @Test("the family size is Σ eₗ(c₁…c_F): 4+3+4 levels give 11 single conditions and 40 pairs")
    func family() {
        #expect(SliceDiscovery.familySize(levels: [4, 3, 4], maxLevel: 1) == 11)
        #expect(SliceDiscovery.familySize(levels: [4, 3, 4], maxLevel: 2) == 51)
        #expect(SliceDiscovery.familySize(levels: [4, 3, 4], maxLevel: 3) == 51 + 48)
        #expect(SliceDiscovery.familySize(levels: [2, 2], maxLevel: 5) == 8)
    }
}
