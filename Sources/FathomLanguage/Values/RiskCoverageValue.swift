import FathomCore

/// The risk–coverage curve of a monitor.
public struct RiskCoverageValue: DeclaredResult, OverlayPlottable {
    let coverage: [Double]
    let risk: [Double]
    let aurc: Double
    /// The scores in decreasing order (the threshold at each coverage).
    let scores: [Double]

    public var typeName: String { "risk_coverage" }
    public var described: String { "a risk–coverage curve (\(coverage.count) points)" }
    public static let resultName = "risk_coverage"
    public static let resultDoc = "A risk–coverage curve (risk_coverage): answering the most confident examples first, the error rate among those answered at each coverage."
    public static let fields: [ResultField<RiskCoverageValue>] = [
        ResultField("aurc", "the area under the risk–coverage curve (lower is better)") { .number($0.aurc) },
        ResultField("coverage", "the share of examples answered at each step") { .numbers($0.coverage) },
        ResultField("risk", "the error rate among the answered examples at each step") { .numbers($0.risk) },
        ResultField("table", "coverage, risk and the score threshold at each step") {
            .table(Table([("coverage", .numbers($0.coverage)), ("risk", .numbers($0.risk)), ("threshold", .numbers($0.scores))]))
        },
    ]

    public func renderText(_ options: RenderOptions) -> String {
        let at = [0.5, 0.8, 0.9, 1.0].map { c -> String in
            let j = max(0, min(risk.count - 1, Int((c * Double(risk.count)).rounded(.up)) - 1))
            return "\(Int(c * 100))% \(NumberFormat.short(risk[j], digits: options.digits))"
        }
        return "risk–coverage over \(coverage.count) examples: AURC \(NumberFormat.short(aurc, digits: options.digits)); risk at coverage " + at.joined(separator: ", ")
    }


    /// At most about 2000 points along the curve (it is drawn, not read).
    func thinned() -> (x: [Double], y: [Double]) {
        let step = max(1, coverage.count / 2000)
        var idx = Array(stride(from: 0, to: coverage.count, by: step))
        if idx.last != coverage.count - 1 { idx.append(coverage.count - 1) }
        return (idx.map { coverage[$0] }, idx.map { risk[$0] })
    }

    public func figure() throws -> Figure {
        try figure(overlaying: [], labels: ["AURC \(NumberFormat.short(aurc, digits: 3))"])
    }

    public func figure(overlaying others: [Value], labels: [String]) throws -> Figure {
        var all = [self]
        for v in others {
            guard case .object(let o) = v, let r = o as? RiskCoverageValue else { throw Diagnostic("plot.overlay", "plot() can draw together only risk–coverage results; got \(v.described)") }
            all.append(r)
        }
        let series = all.enumerated().map { k, r -> Series in
            let (x, y) = r.thinned()
            let label = others.isEmpty ? labels[0] : "\(labels[k]) (AURC \(NumberFormat.short(r.aurc, digits: 3)))"
            return Series(.steps, x: x, y: y, label: label)
        }
        var panel = Panel(xlabel: "coverage (share answered)", ylabel: "risk (error rate of answered)", series: series)
        panel.xrange = 0...1
        panel.legend = "top left"
        return Figure(kind: "risk–coverage curve", title: "risk–coverage", panels: [panel])
    }
}
