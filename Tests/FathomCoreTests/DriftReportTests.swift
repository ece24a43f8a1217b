import Testing
@testable import FathomCore

/// The drift report's computation, called directly: the test per column, the correction, the
/// order, and the columns it cannot test.
@Suite("Drift report")
struct DriftReportTests {
    /// a moved by 3, b unchanged, c empty in one sample, d text that moved.
    static let columns: [(String, DriftReport.Column)] = {
        let x = (0..<200).map { Double($0 % 17) }, shifted = x.map { $0 + 3 }
        return [
            ("b", .numbers(x, x)),
            ("a", .numbers(x, shifted)),
            ("c", .numbers([.nan, .nan], x)),
            ("d", .categories(Array(repeating: "sun", count: 100) + Array(repeating: "fog", count: 100),
                              Array(repeating: "sun", count: 40) + Array(repeating: "fog", count: 160))),
        ]
    }()

    @Test("KS per numeric column and chi-squared per text column, Bonferroni over the tested ones, largest effect first, untested last")
    func bonferroni() throws {
        let r = try DriftReport(columns: Self.columns, test: .ks, correction: .bonferroni, alpha: 0.05)
        #expect(r.rows.map(\.column) == ["d", "a", "b", "c"] || r.rows.map(\.column) == ["a", "d", "b", "c"])
        #expect(Set(r.flagged) == ["a", "d"])
        #expect(r.untested == ["c"])
        #expect(r.correction == .bonferroni)
        let a = try #require(r.rows.first { $0.column == "a" })
        let ks = KolmogorovSmirnov.twoSample((0..<200).map { Double($0 % 17) }, (0..<200).map { Double($0 % 17) + 3 })
        #expect(a.statistic == ks.statistic && a.effect == ks.statistic)
        #expect(a.adjusted == min(1, ks.pvalue * 3), "three columns have p-values")
        let c = try #require(r.rows.last)
        #expect(c.n == (0, 200) && c.pvalue.isNaN && !c.flagged)
        #expect(r.rows.first { $0.column == "d" }?.test == "chisq")
        for i in 1..<3 { #expect(r.rows[i - 1].effect >= r.rows[i].effect) }
    }

    @Test("fdr flags by Benjamini–Hochberg; psi flags by size and reports no correction")
    func fdrAndPSI() throws {
        let fdr = try DriftReport(columns: Self.columns, test: .ks, correction: .fdr, alpha: 0.05)
        let p = fdr.rows.filter { $0.pvalue.isFinite }
        let adjusted = MultipleTesting.benjaminiHochberg(p.map(\.pvalue))
        #expect(p.map(\.adjusted) == adjusted)
        let psi = try DriftReport(columns: Self.columns, test: .psi, correction: .bonferroni, alpha: 0.05)
        #expect(psi.correction == nil)
        let a = try #require(psi.rows.first { $0.column == "a" })
        #expect(a.test == "psi" && a.pvalue.isNaN && a.flagged == (a.effect > 0.25))
    }
}
