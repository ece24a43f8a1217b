import Testing
@testable import FathomCore

/// The corrections the drift report uses, called directly.
@Suite("Multiple testing")
struct MultipleTestingTests {
    @Test("Bonferroni: adjusted p-values min(1, p·d), rejections exactly below α/d")
    func bonferroni() {
        let p = [0.001, 0.0125, 0.0124, 0.3, 0.9]
        #expect(MultipleTesting.bonferroniAdjusted(p) == [0.005, 0.0625, 0.062, 1, 1])
        #expect(MultipleTesting.bonferroni(p, alpha: 0.0625) == [true, false, true, false, false], "p = α/d is not below it")
        #expect(MultipleTesting.bonferroniAdjusted([]) == [])
    }

    @Test("Benjamini–Hochberg: a hand-worked case")
    func benjaminiHochberg() {
        // Sorted p 0.01, 0.02, 0.03, 0.5 with d = 4: 0.04, 0.04, 0.04, 0.5 after the running minimum.
        let adjusted = MultipleTesting.benjaminiHochberg([0.03, 0.5, 0.01, 0.02])
        let expected = [0.04, 0.5, 0.04, 0.04]
        for (a, e) in zip(adjusted, expected) { #expect(abs(a - e) < 1e-15) }
    }
}
