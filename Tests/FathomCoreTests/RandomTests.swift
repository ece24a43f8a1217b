import Testing
import FathomCore
import FathomTestSupport

@Suite("xoshiro256** and the draws built on it")
struct RandomTests {
    struct Case: Sendable {
        let seed: UInt64
        let raw: [UInt64]
        let uniform: [Double]
        let normal: [Double]
    }

    static let cases: [Case] = {
        let fixture = try! Fixture.json("xoshiro.json")
        return fixture["cases"]!.array.map { c in
            Case(seed: UInt64(c["seed"]!.text)!,
                 raw: c["raw"]!.array.map { UInt64($0.text)! },
                 uniform: c["uniform"]!.doubles,
                 normal: c["normal"]!.doubles)
        }
    }()

    @Test("raw outputs match the reference C code", arguments: cases)
    func rawOutputs(_ c: Case) {
        var g = Xoshiro256(seed: c.seed)
        #expect((0..<c.raw.count).map { _ in g.next() } == c.raw)
    }

    @Test("uniforms are the top 53 bits scaled by 2^-53", arguments: cases)
    func uniforms(_ c: Case) {
        var g = Xoshiro256(seed: c.seed)
        for u in c.uniform { #expect(g.nextUniform() == u) }
    }

    @Test("normals follow Box–Muller on the same stream", arguments: cases)
    func normals(_ c: Case) throws {
        var g = Xoshiro256(seed: c.seed)
        var out = [Double](repeating: 0, count: c.normal.count)
        try out.withUnsafeMutableBufferPointer { try g.fillNormal($0) }
        for (a, b) in zip(out, c.normal) { #expect(agrees(a, b, rel: 1e-14, abs: 1e-15)) }
    }

    @Test("normal draws have mean 0 and standard deviation 1")
    func normalMoments() throws {
        var g = Xoshiro256(seed: 7)
        var out = [Double](repeating: 0, count: 200_000)
        try out.withUnsafeMutableBufferPointer { try g.fillNormal($0) }
        // Standard errors: 1/sqrt(n) ≈ 0.0022 for the mean, ≈ 0.0016 for the sd.
        #expect(Swift.abs(Descriptive.mean(out)) < 0.01)
        #expect(Swift.abs(Descriptive.standardDeviation(out) - 1) < 0.01)
    }

    @Test("bounded integers are unbiased and in range")
    func boundedIntegers() {
        var g = Xoshiro256(seed: 3)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[g.nextInt(below: 7)] += 1 }
        // Each count is Binomial(70000, 1/7): sd ≈ 92.6; allow 5 sd.
        for c in counts { #expect(Swift.abs(c - 10_000) < 463) }
    }

    @Test("sampling without replacement gives distinct indices in range")
    func sampling() throws {
        var g = Xoshiro256(seed: 11)
        let s = try g.sampleIndices(100, 40)
        #expect(s.count == 40)
        #expect(Set(s).count == 40)
        #expect(s.allSatisfy { $0 >= 0 && $0 < 100 })
        let all = try g.sampleIndices(10, 10)
        #expect(all.sorted() == Array(0..<10))
    }

    @Test("the same seed gives the same stream; another seed another")
    func determinism() {
        var a = Xoshiro256(seed: 5), b = Xoshiro256(seed: 5), c = Xoshiro256(seed: 6)
        let xa = (0..<10).map { _ in a.next() }
        #expect(xa == (0..<10).map { _ in b.next() })
        #expect(xa != (0..<10).map { _ in c.next() })
    }
}
