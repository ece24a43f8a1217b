/// Slices of a table on which a model fails: the table's columns made into conditions, the
/// SliceLine search, and for each slice found its failure rate with an exact interval and a
/// one-sided Fisher exact test against the rest of the rows, corrected for the number of
/// slices the search could have reported.
public enum SliceDiscovery {
    /// One searched column: its name and its levels, in code order.
    public struct Feature: Sendable {
        /// What rows of a level have in this column.
        public enum Level: Sendable, Equatable {
            case text(String)
            case number(Double)
            /// [lower, upper), or [lower, upper] when `closed`: a quantile bin.
            case interval(Double, Double, closed: Bool)
            case missing
        }
        public var name: String
        public var levels: [Level]
        /// The bins, when the column was numeric and binned by quantiles.
        public var bins: QuantileBins?
    }

    /// A table's columns as features: text and bool columns by value (levels sorted), numeric
    /// columns with at most `bins` distinct values by value, other numeric columns in `bins`
    /// quantile bins (``QuantileBins``). A missing value (NaN, empty text) is a level of its
    /// own, last.
    public static func features(_ table: Table, bins: Int) -> (features: SliceLine.Features, described: [Feature]) {
        var codes: [[Int32]] = [], described: [Feature] = []
        for (name, column) in zip(table.names, table.columns) {
            switch column {
            case .strings(let s):
                let (c, present, missing) = byValue(s, isMissing: { $0.isEmpty })
                codes.append(c)
                described.append(Feature(name: name, levels: present.map { .text($0) } + (missing ? [.missing] : [])))
            case .bools(let b):
                let (c, present, _) = byValue(b.map { $0 ? 1.0 : 0.0 }, isMissing: { _ in false })
                codes.append(c)
                described.append(Feature(name: name, levels: present.map { .text($0 == 1 ? "true" : "false") }))
            case .numbers(let x):
                let hasMissing = x.contains(where: \.isNaN)
                if Set(x.filter { !$0.isNaN }).count <= bins {
                    let (c, present, _) = byValue(x, isMissing: \.isNaN)
                    codes.append(c)
                    described.append(Feature(name: name, levels: present.map { .number($0) } + (hasMissing ? [.missing] : [])))
                } else {
                    let q = QuantileBins(x, bins: bins)!
                    let missing = Int32(q.count)
                    codes.append(x.map { v in q.bin(v).map { Int32($0) } ?? missing })
                    let levels = (0..<q.count).map { b -> Feature.Level in
                        let (lo, hi, closed) = q.interval(b)
                        return .interval(lo, hi, closed: closed)
                    }
                    described.append(Feature(name: name, levels: levels + (hasMissing ? [.missing] : []), bins: q))
                }
            }
        }
        return (SliceLine.Features(codes: codes, levels: described.map(\.levels.count)), described)
    }

    /// Codes by sorted value, with missing values coded last; the values present in order,
    /// and whether any was missing.
    static func byValue<T: Hashable & Comparable>(_ values: [T], isMissing: (T) -> Bool) -> ([Int32], [T], Bool) {
        let present = Set(values.filter { !isMissing($0) }).sorted()
        let index = Dictionary(uniqueKeysWithValues: present.enumerated().map { ($1, Int32($0)) })
        let missing = Int32(present.count)
        var any = false
        let codes = values.map { v -> Int32 in
            if let c = index[v] { return c }
            any = true
            return missing
        }
        return (codes, present, any)
    }

    /// The number of slices of at most `maxLevel` conditions on distinct features with the
    /// given level counts: Σₗ eₗ(c₁, …, c_F), the elementary symmetric polynomials. It is the
    /// size of the family the search chooses from, so the p-values are corrected for it.
    public static func familySize(levels: [Int], maxLevel: Int) -> Double {
        var e = [Double](repeating: 0, count: maxLevel + 1)
        e[0] = 1
        for c in levels {
            for l in stride(from: maxLevel, through: 1, by: -1) { e[l] += e[l - 1] * Double(c) }
        }
        return e.dropFirst().reduce(0, +)
    }

    /// A slice found, with its test against the rest of the rows.
    public struct Finding: Sendable {
        public var slice: SliceLine.Slice
        /// Failures among the other rows over their number (NaN when the slice is every row).
        public var restRate: Double
        /// The exact interval of the slice's failure rate (NaN unless the errors are 0 or 1).
        public var lower: Double
        public var upper: Double
        /// One-sided Fisher exact p-value that the slice fails more than the rest, and the
        /// p-value corrected for the family (NaN unless the errors are 0 or 1).
        public var pvalue: Double
        public var adjusted: Double
    }

    /// Tests each slice of `result` (errors of 0 and 1: failures) against the rest: a
    /// Clopper–Pearson interval at `confidence`, and Fisher's exact test, corrected by
    /// Bonferroni (p·m) or by Benjamini–Hochberg for m hypotheses of which these are the
    /// smallest p-values known (the others counted as larger, which can only raise the
    /// adjusted values). With other errors only the rest's mean error is filled in.
    public static func findings(_ result: SliceLine.Result, errors: [Double], family m: Double, correction: DriftReport.Correction, confidence: Double) -> [Finding] {
        let n = errors.count
        let total = errors.reduce(0, +)
        let binary = errors.allSatisfy { $0 == 0 || $0 == 1 }
        var out = result.slices.map { s -> Finding in
            let restRows = n - s.size
            let rest = restRows > 0 ? (total - s.errorSum) / Double(restRows) : .nan
            guard binary else { return Finding(slice: s, restRate: rest, lower: .nan, upper: .nan, pvalue: .nan, adjusted: .nan) }
            let k = Int(s.errorSum.rounded()), K = Int(total.rounded())
            let ci = Binomial.clopperPearson(successes: k, trials: s.size, confidence: confidence)
            let p = Hypergeometric.upperTail(k, population: n, successes: K, draws: s.size)
            return Finding(slice: s, restRate: rest, lower: ci.lower, upper: ci.upper, pvalue: p, adjusted: .nan)
        }
        guard binary else { return out }
        switch correction {
        case .bonferroni:
            for i in out.indices { out[i].adjusted = min(1, out[i].pvalue * m) }
        case .fdr:
            let order = out.indices.sorted { out[$0].pvalue < out[$1].pvalue }
            var running = 1.0
            for (rank, i) in order.enumerated().reversed() {
                running = min(running, out[i].pvalue * m / Double(rank + 1))
                out[i].adjusted = min(1, running)
            }
        }
        return out
    }
}
