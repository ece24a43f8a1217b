#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// A fitted calibrator as a value: prints its parameters, applies with `calibrate`, saves and
/// loads as JSON, and plots its map (before → after).
public struct CalibratorValue: DeclaredResult, FileFormatResult, Plottable {
    public let calibrator: Calibrator
    /// Top-label confidence before and after on the data it was fitted on (empty when loaded).
    let before: [Double]
    let after: [Double]
    /// Mean NLL before and after on the fitting data, when known.
    let nll: (before: Double, after: Double)?
    let examples: Int?

    public init(_ calibrator: Calibrator, before: [Double] = [], after: [Double] = [], nll: (Double, Double)? = nil, examples: Int? = nil) {
        self.calibrator = calibrator
        self.before = before
        self.after = after
        self.nll = nll
        self.examples = examples
    }

    public var typeName: String { "calibrator" }
    public var described: String { "a \(calibrator.name) calibrator" }

    public static let resultName = "calibrator"
    public static let resultDoc = "A fitted recalibration map (temperature, vector_scaling, platt, beta_calibration, isotonic, histogram_binning): apply it with calibrate(cal, x). Besides the fields below it has its method's parameters: temperature; w and b (vector scaling); A and B (Platt); a, b and c (beta); maps (isotonic: x and y of each class's map); bins and values (histogram binning); and nll_before and nll_after when fitted here. Its JSON is Fathom's calibrator file format."
    public static let fields: [ResultField<CalibratorValue>] = [
        ResultField("method", "temperature, vector_scaling, platt, beta, isotonic or histogram") { .string($0.calibrator.name) },
        ResultField("classes", "the number of classes it was fitted on") { .number(Double($0.calibrator.classes)) },
        ResultField("input", "what it reads: logits, probabilities or scores") { .string($0.calibrator.input.rawValue) },
    ]

    public var extraFields: [(name: String, value: Value)] {
        var extra: [(name: String, value: Value)]
        switch calibrator.method {
        case .temperature(let t): extra = [("temperature", .number(t))]
        case .vectorScaling(let w, let b): extra = [("w", .numbers(w)), ("b", .numbers(b))]
        case .platt(let a, let b): extra = [("A", .number(a)), ("B", .number(b))]
        case .beta(let a, let b, let c): extra = [("a", .number(a)), ("b", .number(b)), ("c", .number(c))]
        case .isotonic(let fits): extra = [("maps", .list(fits.map { .record(Record([("x", .numbers($0.x)), ("y", .numbers($0.y))])) }))]
        case .histogram(let b, let v): extra = [("bins", .number(Double(b))), ("values", .list(v.map { .numbers($0) }))]
        }
        if let nll { extra += [("nll_before", .number(nll.before)), ("nll_after", .number(nll.after))] }
        return extra
    }

    public func renderText(_ options: RenderOptions) -> String {
        func n(_ x: Double) -> String { NumberFormat.short(x, digits: options.digits) }
        let params: String
        switch calibrator.method {
        case .temperature(let t): params = "T = \(n(t))"
        case .vectorScaling(let w, let b): params = "w = \(Value.numbers(w).renderText(options)), b = \(Value.numbers(b).renderText(options))"
        case .platt(let a, let b): params = "A = \(n(a)), B = \(n(b))"
        case .beta(let a, let b, let c): params = "a = \(n(a)), b = \(n(b)), c = \(n(c))"
        case .isotonic(let fits): params = "\(fits.count) map\(fits.count == 1 ? "" : "s"), \(fits.map(\.x.count).reduce(0, +)) points"
        case .histogram(let bins, let values): params = "\(bins) bins, \(values.count) map\(values.count == 1 ? "" : "s")"
        }
        var line = "calibrator \(calibrator.name): \(params)"
        if let nll, let examples { line += "\n  fitted on \(examples) examples: NLL \(n(nll.before)) → \(n(nll.after))" }
        return line
    }

    public func json() -> JSONValue { calibrator.json() }

    /// The map: calibrated against original confidence on the fitting data, with the one-
    /// dimensional map drawn as a curve where there is one, and the diagonal.
    public func figure() throws -> Figure {
        var series: [Series] = []
        let grid = (0...200).map { Double($0) / 200 }
        switch calibrator.method {
        case .platt, .beta, .isotonic, .histogram:
            if calibrator.classes == 2 || calibrator.input == .scores {
                var xs = grid
                if case .platt = calibrator.method, let lo = before.min(), let hi = before.max(), lo < 0 || hi > 1 {
                    xs = (0...200).map { lo + (hi - lo) * Double($0) / 200 }
                }
                series.append(Series(.lines, x: xs, y: calibrator.apply(vector: xs), label: "map"))
            }
        case .temperature(let t):
            // Two classes with logit difference d: σ(d) ↦ σ(d / T).
            let d = (0...200).map { -12 + 24 * Double($0) / 200 }
            series.append(Series(.lines, x: d.map { 1 / (1 + exp(-$0)) }, y: d.map { 1 / (1 + exp(-$0 / t)) }, label: "map (two classes)"))
        case .vectorScaling:
            break
        }
        if !before.isEmpty {
            var points = Series(.points, x: before, y: after, label: "fitting data")
            points.color = 1
            series.append(points)
        }
        guard !series.isEmpty else {
            throw Diagnostic("plot.empty", "this calibrator was loaded without its fitting data and has no one-dimensional map to draw")
        }
        var diagonal = Series(.lines, x: [0, 1], y: [0, 1], label: "unchanged")
        diagonal.reference = true
        series.append(diagonal)
        let (xlabel, ylabel): (String, String)
        switch (calibrator.method, calibrator.input) {
        case (_, .scores): (xlabel, ylabel) = ("score", "calibrated P(y = 1)")
        case (.temperature, _), (.vectorScaling, _): (xlabel, ylabel) = ("top-label confidence before", "top-label confidence after")
        default: (xlabel, ylabel) = calibrator.classes == 2 ? ("P(y = 1) before", "P(y = 1) after") : ("top-label confidence before", "top-label confidence after")
        }
        var panel = Panel(xlabel: xlabel, ylabel: ylabel, series: series)
        if calibrator.input != .scores || before.allSatisfy({ $0 >= 0 && $0 <= 1 }) {
            panel.xrange = 0...1
        }
        panel.yrange = 0...1
        return Figure(kind: "calibration map", title: "\(calibrator.name) map", panels: [panel])
    }
}
