import FathomCore

/// The result of a two-sample test: the statistic, the p-value and the decision at α, an
/// effect size, the sample sizes, and a sentence saying what it means. Each test adds its own
/// fields (where the KS gap is, the kernel width, the degrees of freedom, …) and knows its
/// picture.
public struct TestResultValue: DeclaredResult, Plottable {
    /// What plot() draws.
    enum Picture: Sendable {
        /// Both ECDFs (sorted samples), the largest gap marked at `location` (KS).
        case ecdf(a: [Double], b: [Double], labels: [String], location: Double?, statistic: Double)
        /// The statistic under the permutations against the observed value.
        case null(values: [Double], observed: Double, name: String)
        /// Shares of each category in both samples.
        case categories(names: [String], a: [Double], b: [Double], labels: [String])
        /// Shares of the PSI bins (edges inside) in both samples.
        case bins(edges: [Double], a: [Double], b: [Double], labels: [String])
        case none
    }

    /// "ks", "mmd", …: the builtin that made it.
    let test: String
    /// "Kolmogorov–Smirnov two-sample test".
    let title: String
    let statisticName: String
    let statistic: Double
    let pvalue: Double?
    let alpha: Double
    /// Whether the test rejects "no shift" (for PSI, which has no p-value: PSI > 0.25).
    let reject: Bool
    let effectName: String
    let effect: Double
    let sizes: [Int]
    /// How the p-value was found: "exact", "asymptotic", "1000 permutations", ….
    let method: String
    let meaning: String
    let extra: [(String, Value)]
    let picture: Picture

    public var typeName: String { "test" }
    public var described: String { "a \(title) result" }
    public static let resultName = "test"
    public static let resultDoc = "A two-sample test (ks, cvm, ad, chisq, psi, mmd, energy, c2st): the statistic, its p-value and the decision at α, an effect size and a sentence saying what it means. Each test adds its own fields after these (where the KS gap is, the kernel bandwidth, the degrees of freedom, …)."
    public static let fields: [ResultField<TestResultValue>] = [
        ResultField("test", "the builtin that made it: ks, cvm, ad, chisq, psi, mmd, energy or c2st") { .string($0.test) },
        ResultField("title", "the test's full name") { .string($0.title) },
        ResultField("statistic", "the test statistic") { .number($0.statistic) },
        ResultField("pvalue", "the p-value (null for psi, which has none)") { r in r.pvalue.map { .number($0) } ?? .null },
        ResultField("reject", "whether it rejects \"no difference\" at alpha (psi: PSI > 0.25)") { .bool($0.reject) },
        ResultField("alpha", "the level of the decision") { .number($0.alpha) },
        ResultField("effect", "the effect size (effect_name says which)") { .number($0.effect) },
        ResultField("effect_name", "what the effect size is") { .string($0.effectName) },
        ResultField("n", "the sample sizes") { .numbers($0.sizes.map(Double.init)) },
        ResultField("method", "how the p-value was found: exact, asymptotic, N permutations, …") { .string($0.method) },
        ResultField("meaning", "one sentence saying what the test found") { .string($0.meaning) },
    ]

    public var extraFields: [(name: String, value: Value)] { extra.map { ($0.0, $0.1) } }

    public func renderText(_ options: RenderOptions) -> String {
        func n(_ x: Double) -> String { NumberFormat.short(x, digits: options.digits) }
        var line = "\(title) (\(method)): \(statisticName) = \(n(statistic))"
        if let p = pvalue { line += ", p = \(n(p))" }
        if effectName != statisticName { line += ", \(effectName) = \(n(effect))" }
        line += ", n = " + sizes.map(String.init).joined(separator: " and ")
        return line + "\n" + meaning
    }


    public func figure() throws -> Figure {
        func short(_ x: Double) -> String { NumberFormat.short(x, digits: 3) }
        switch picture {
        case .ecdf(let a, let b, let labels, let location, let d):
            var panel = StandardFigures.ecdfPanel([a, b], labels: labels)
            if let x = location {
                let fa = Double(SortedSearch.upperBound(a, x)) / Double(a.count)
                let fb = Double(SortedSearch.upperBound(b, x)) / Double(b.count)
                var gap = Series(.linespoints, x: [x, x], y: [fa, fb], label: "\(statisticName) = \(short(d))")
                gap.color = 6
                panel.series.append(gap)
            }
            panel.legend = "top left"
            return Figure(kind: "ECDF comparison", title: title, panels: [panel])
        case .null(let values, let observed, let name):
            let finite = values.filter(\.isFinite)
            var panel = StandardFigures.histogramPanel([finite], labels: ["under permutations"], bins: 40, density: false)
            let top = panel.yrange?.upperBound ?? 1
            var line = Series(.lines, x: [observed, observed], y: [0, top], label: "observed \(name) = \(short(observed))")
            line.color = 1
            panel.series.append(line)
            panel.xlabel = name
            let lo = min(finite.min() ?? observed, observed), hi = max(finite.max() ?? observed, observed)
            let pad = (hi - lo) * 0.05 + 1e-12
            panel.xrange = (lo - pad)...(hi + pad)
            return Figure(kind: "permutation null", title: "\(title): null distribution", panels: [panel])
        case .categories(let names, let a, let b, let labels):
            return Self.groupedBars(names: names, a: a, b: b, labels: labels, title: title, kind: "category shares")
        case .bins(let edges, let a, let b, let labels):
            // Enough digits to tell neighbouring edges apart.
            var digits = 3
            while digits < 12 && Set(edges.map { NumberFormat.short($0, digits: digits) }).count < Set(edges).count { digits += 1 }
            func edge(_ x: Double) -> String { NumberFormat.short(x, digits: digits) }
            var names: [String] = []
            for j in 0..<a.count {
                let lo = j == 0 ? "−∞" : edge(edges[j - 1]), hi = j == a.count - 1 ? "∞" : edge(edges[j])
                names.append("\(lo)…\(hi)")
            }
            return Self.groupedBars(names: names, a: a, b: b, labels: labels, title: title, kind: "bin shares")
        case .none:
            throw Diagnostic("plot.empty", "a \(title) result has no picture")
        }
    }

    /// Side-by-side bars of two share vectors, one pair per name.
    static func groupedBars(names: [String], a: [Double], b: [Double], labels: [String], title: String, kind: String) -> Figure {
        let xs = names.indices.map(Double.init)
        var left = Series(.bars, x: xs.map { $0 - 0.2 }, y: a, label: labels[0])
        left.barWidth = 0.4
        var right = Series(.bars, x: xs.map { $0 + 0.2 }, y: b, label: labels[1])
        right.barWidth = 0.4
        var panel = Panel(ylabel: "share", series: [left, right])
        panel.xtics = zip(xs, names).map { ($0, $1) }
        panel.xrange = -0.7...(Double(names.count) - 0.3)
        panel.yrange = 0...max(1e-9, (a + b).max() ?? 1) * 1.1
        panel.legend = "top right"
        return Figure(kind: kind, title: title, panels: [panel])
    }
}
