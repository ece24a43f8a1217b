import FathomCore

/// The risk–coverage curve of a monitor.
public struct RiskCoverageValue: ObjectValue, OverlayPlottable {
    let coverage: [Double]
    let risk: [Double]
    let aurc: Double
    /// The scores in decreasing order (the threshold at each coverage).
    let scores: [Double]

    public var typeName: String { "risk_coverage" }
    public var described: String { "a risk–coverage curve (\(coverage.count) points)" }
    public var fieldNames: [String] { ["table", "aurc", "coverage", "risk"] }

    public func field(_ name: String) -> Value? {
        switch name {
        case "aurc": return .number(aurc)
        case "coverage": return .numbers(coverage)
        case "risk": return .numbers(risk)
        case "table": return .table(Table([("coverage", .numbers(coverage)), ("risk", .numbers(risk)), ("threshold", .numbers(scores))]))
        default: return nil
        }
    }

    public func renderText(_ options: RenderOptions) -> String {
        let at = [0.5, 0.8, 0.9, 1.0].map { c -> String in
            let j = max(0, min(risk.count - 1, Int((c * Double(risk.count)).rounded(.up)) - 1))
            return "\(Int(c * 100))% \(NumberFormat.short(risk[j], digits: options.digits))"
        }
        return "risk–coverage over \(coverage.count) examples: AURC \(NumberFormat.short(aurc, digits: options.digits)); risk at coverage " + at.joined(separator: ", ")
    }

    public func json() -> JSONValue {
        .object([("aurc", .number(aurc)), ("coverage", .array(coverage.map { .number($0) })), ("risk", .array(risk.map { .number($0) }))])
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
