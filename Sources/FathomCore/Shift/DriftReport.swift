/// Drift across many columns: a two-sample test per column, the p-values corrected for testing
/// many (``MultipleTesting``), the columns ordered by effect size. The language layer words the
/// report; this is the computation, called with the columns already paired.
public struct DriftReport: Sendable {
    /// The test for numeric columns; text columns always get a chi-squared test.
    public enum Test: String, Sendable, CaseIterable {
        /// Kolmogorov–Smirnov; the effect is D.
        case ks
        /// Cramér–von Mises; the effect is KS D, comparable across columns.
        case cvm
        /// The population stability index over 10 quantile bins; no p-value, flagged above 0.25.
        case psi
    }

    /// How the p-values are corrected for the number of columns tested.
    public enum Correction: String, Sendable, CaseIterable {
        /// Family-wise: flags adjusted p ≤ α, that is p ≤ α/d.
        case bonferroni
        /// Benjamini–Hochberg: at most a share α of the flags false, on average.
        case fdr
    }

    /// One column's values in the two samples.
    public enum Column: Sendable {
        case numbers([Double], [Double])
        case categories([String], [String])
    }

    /// One tested column.
    public struct Row: Sendable {
        public var column: String
        /// "ks", "cvm", "psi" or "chisq".
        public var test: String
        public var statistic: Double
        public var pvalue: Double
        /// The p-value corrected for multiplicity (NaN when the test gives none).
        public var adjusted: Double
        /// KS D, PSI or Cramér's V; NaN when a sample had no values.
        public var effect: Double
        public var flagged: Bool
        /// The values used in each sample (missing ones left out).
        public var n: (Int, Int)
    }

    /// By effect, largest first; untested columns (NaN effect) last; ties in column order.
    public let rows: [Row]
    public let alpha: Double
    /// The correction applied; nil for PSI, which flags by its size.
    public let correction: Correction?

    public var flagged: [String] { rows.filter(\.flagged).map(\.column) }
    /// Columns with no values in one of the samples.
    public var untested: [String] { rows.filter { $0.effect.isNaN }.map(\.column) }

    /// Tests each of `columns` (NaN and empty text left out per column), corrects the p-values
    /// and sorts by effect. Polls ``Interruption`` between columns.
    public init(columns: [(String, Column)], test: Test, correction: Correction, alpha: Double) throws {
        var rows: [Row] = []
        for (name, data) in columns {
            try Interruption.check()
            rows.append(Self.row(name, data, test: test))
        }
        let tested = rows.indices.filter { rows[$0].pvalue.isFinite }
        let p = tested.map { rows[$0].pvalue }
        if !p.isEmpty {
            switch correction {
            case .fdr:
                let adjusted = MultipleTesting.benjaminiHochberg(p)
                for (k, i) in tested.enumerated() { rows[i].adjusted = adjusted[k]; rows[i].flagged = adjusted[k] <= alpha }
            case .bonferroni:
                let adjusted = MultipleTesting.bonferroniAdjusted(p), rejected = MultipleTesting.bonferroni(p, alpha: alpha)
                for (k, i) in tested.enumerated() { rows[i].adjusted = adjusted[k]; rows[i].flagged = rejected[k] }
            }
        }
        self.rows = rows.enumerated().sorted { a, b in
            if a.element.effect.isNaN != b.element.effect.isNaN { return !a.element.effect.isNaN }
            if a.element.effect != b.element.effect, !a.element.effect.isNaN { return a.element.effect > b.element.effect }
            return a.offset < b.offset
        }.map(\.element)
        self.alpha = alpha
        self.correction = test == .psi ? nil : correction
    }

    static func row(_ name: String, _ data: Column, test: Test) -> Row {
        switch data {
        case .numbers(let x0, let y0):
            let x = x0.filter(\.isFinite), y = y0.filter(\.isFinite)
            let n = (x.count, y.count)
            guard !x.isEmpty, !y.isEmpty else {
                return Row(column: name, test: test.rawValue, statistic: .nan, pvalue: .nan, adjusted: .nan, effect: .nan, flagged: false, n: n)
            }
            switch test {
            case .cvm where x.count + y.count >= 3:
                let r = CramerVonMises.twoSample(x, y)
                return Row(column: name, test: "cvm", statistic: r.statistic, pvalue: r.pvalue, adjusted: .nan, effect: KolmogorovSmirnov.twoSample(x, y).statistic, flagged: false, n: n)
            case .psi:
                let r = PopulationStability.index(x, y, bins: 10)
                return Row(column: name, test: "psi", statistic: r.value, pvalue: .nan, adjusted: .nan, effect: r.value, flagged: r.value > 0.25, n: n)
            default:
                let r = KolmogorovSmirnov.twoSample(x, y)
                return Row(column: name, test: "ks", statistic: r.statistic, pvalue: r.pvalue, adjusted: .nan, effect: r.statistic, flagged: false, n: n)
            }
        case .categories(let x0, let y0):
            let x = x0.filter { !$0.isEmpty }, y = y0.filter { !$0.isEmpty }
            let n = (x.count, y.count)
            guard !x.isEmpty, !y.isEmpty else {
                return Row(column: name, test: "chisq", statistic: .nan, pvalue: .nan, adjusted: .nan, effect: .nan, flagged: false, n: n)
            }
            let r = ChiSquareHomogeneity.test(x, y)
            guard r.categories.count >= 2 else {
                return Row(column: name, test: "chisq", statistic: 0, pvalue: 1, adjusted: .nan, effect: 0, flagged: false, n: n)
            }
            return Row(column: name, test: "chisq", statistic: r.statistic, pvalue: r.pvalue, adjusted: .nan, effect: r.cramersV, flagged: false, n: n)
        }
    }
}
