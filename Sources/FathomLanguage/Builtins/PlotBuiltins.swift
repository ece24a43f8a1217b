import FathomCore

/// Plots: `plot` draws any plottable value to a file or the terminal; `line`, `scatter`,
/// `hist` and `ecdf` make generic plots.
enum PlotBuiltins {
    static var all: [Builtin] { [plot, line, scatter, hist, ecdf] }

    static let title: ParameterKey<String?> = .optionalString("title", absent: "none", doc: "the title")
    static let xlabel: ParameterKey<String?> = .optionalString("xlabel", absent: "none", doc: "the x-axis label")
    static let ylabel: ParameterKey<String?> = .optionalString("ylabel", absent: "none", doc: "the y-axis label")
    static let logx: ParameterKey<Bool> = .bool("logx", default: false, doc: "a logarithmic x axis")
    static let logy: ParameterKey<Bool> = .bool("logy", default: false, doc: "a logarithmic y axis")

    /// Titles and axes every plot builtin takes.
    static let labelling = declare(title, xlabel, ylabel, logx, logy)

    static let seriesLabels: ParameterKey<Value?> = .optionalValue("labels", .absent("series 1, 2, …"), type: "vector of strings", doc: "legend text, one per series")
    static let plottable: ParameterKey<Value> = .value("value", type: "plot or plottable value", doc: "a plot from line, scatter, hist or ecdf, an analysis result, a vector, a matrix or a table")
    static let file: ParameterKey<String?> = .optionalString("to", absent: "show it", doc: "a file: .png, .svg, .pdf or .txt (text)")
    /// The size in pixels, nil when not given.
    static let size = ParameterKey(Parameter("size", "vector", .absent("[800, 500]"), doc: "[width, height] in pixels")) { args, name -> (width: Int, height: Int)? in
        guard let s = args.value(name), !s.isNull else { return nil }
        let v = try args.vector(name)
        guard v.count == 2, v.allSatisfy({ $0 >= 100 && $0 <= 10_000 && $0 == $0.rounded() }) else {
            throw args.invalid(name, "plot(): size is [width, height] in pixels, each from 100 to 10000")
        }
        return (Int(v[0]), Int(v[1]))
    }
    static let resultLabels: ParameterKey<Value?> = .optionalValue("labels", .absent("their own labels, or model 1, 2, …"), type: "vector of strings", doc: "legend names when drawing a list of results together")
    static let lineX = positions(doc: "positions on the x axis (alone: the values, against their positions)")
    static let scatterX = positions(doc: "x coordinates")
    static let samples = Parameter("samples", "vectors", doc: "one or more samples, overlaid", variadic: true)
    static let bins: ParameterKey<Int> = .wholeNumber("bins", default: 30, atLeast: 1, atMost: 10_000, doc: "equal-width bins across all samples")
    static let density: ParameterKey<Bool> = .bool("density", default: false, doc: "heights as densities (area 1) instead of counts")

    /// x of a line or scatter plot: numbers, refused with the argument's place.
    static func positions(doc: String) -> ParameterKey<[Double]> {
        ParameterKey(Parameter("x", "vector", doc: doc)) { args, name in try numbers(try args.required(name), args.range(name), args.builtin.name) }
    }

    /// Applies title=, xlabel=, ylabel=, logx= and logy= when given.
    static func applyLabels(_ args: Arguments, to figure: inout Figure) throws {
        if let t = try args[title] { figure.title = t }
        if let x = try args[xlabel] { figure.panels[figure.panels.count - 1].xlabel = x }
        if let y = try args[ylabel] { figure.panels[0].ylabel = y }
        if case .bool(true)? = try args.value(logx) { for i in figure.panels.indices { figure.panels[i].logx = true } }
        if case .bool(true)? = try args.value(logy) { figure.panels[0].logy = true }
    }

    static func labels(_ args: Arguments, count: Int) throws -> [String] {
        guard let l = try args[seriesLabels], !l.isNull else {
            return count == 1 ? [""] : (1...count).map { "series \($0)" }
        }
        switch l {
        case .string(let s) where count == 1: return [s]
        case .vector(.strings(let s)) where s.count == count: return s
        default: throw args.invalid(seriesLabels, "\(args.builtin.name)(): labels needs \(count) string\(count == 1 ? "" : "s"), one per series")
        }
    }

    /// Numbers of a series argument, refusing non-numeric values with the argument's place.
    static func numbers(_ v: Value, _ range: SourceRange, _ builtin: String) throws -> [Double] {
        switch v {
        case .vector(.numbers(let x)): return x
        case .vector(.bools(let b)): return b.map { $0 ? 1 : 0 }
        case .number(let x): return [x]
        default: throw Diagnostic("argument.type", "\(builtin)() plots vectors of numbers, got \(v.described)", at: range)
        }
    }

    static let plot = Builtin(
        "plot", area: .plots,
        parameters: declare(plottable, file) + labelling + declare(size, resultLabels),
        returns: "the plot; with to=, null (the file is the result)",
        summary: "draw a plot to a file or the terminal",
        doc: "plot(x) draws any plottable value: a plot made by line, scatter, hist or ecdf; an analysis result that knows its picture (a list of results of one kind, such as reliability results of several models, is drawn together, named by labels=); a vector (against its positions), a matrix (a line per column) or a table (a line per numeric column, keyed by column name). With to=, the file's extension picks the format — PNG, SVG, PDF, or text as a terminal would show it — and the file is written whole or not at all. Without to=, an interactive shell shows the plot in the terminal (as sixel graphics where the terminal supports them, otherwise as text; :set plots off turns this off) and a script prints a line describing it. Every title, label and name reaches gnuplot quoted, so none can run a command.",
        examples: ["plot(hist(randn(1000, seed=1), randn(1000, seed=2) + 1, labels=[\"a\", \"b\"]), to=\"/tmp/hist.png\", title=\"two samples\")", "plot(seq(10) ^ 2)"]
    ) { args, context in
        var figure = try figureOf(try args[plottable], args)
        try applyLabels(args, to: &figure)
        if let (width, height) = try args[size] {
            figure.width = width
            figure.height = height
        }
        if let path = try args[file] {
            try draw(figure, to: path, context: context, at: try args.range(file))
            return .null
        }
        return .object(FigureValue(figure))
    }

    /// The figure for a plottable value.
    static func figureOf(_ v: Value, _ args: Arguments) throws -> Figure {
        switch v {
        case .object(let o):
            guard let p = o as? Plottable else { throw args.mismatch(plottable, expected: "something plottable") }
            return try p.figure()
        case .list(let items):
            // Several results of one kind drawn together.
            guard case .object(let first)? = items.first, let overlay = first as? OverlayPlottable else {
                throw args.mismatch(plottable, expected: "a plot, or a list of results that can be drawn together (such as reliability results)")
            }
            var labels = items.enumerated().map { k, v -> String in
                if case .object(let o) = v, let named = o.field("label"), case .string(let s) = named { return s }
                return "model \(k + 1)"
            }
            if let given = try args[resultLabels], !given.isNull {
                guard case .vector(.strings(let names)) = given, names.count == items.count else {
                    throw args.invalid(resultLabels, "plot(): labels needs \(items.count) strings, one per result")
                }
                labels = names
            }
            return try overlay.figure(overlaying: Array(items.dropFirst()), labels: labels)
        case .vector(.numbers(let y)):
            return Figure(kind: "line", panels: [Panel(xlabel: "position", series: [Series(.lines, x: (0..<y.count).map(Double.init), y: y)])])
        case .matrix(let m):
            let x = (0..<m.rows).map(Double.init)
            return Figure(kind: "line", panels: [Panel(xlabel: "row", series: (0..<m.cols).map { Series(.lines, x: x, y: m.column($0), label: "column \($0)") })])
        case .table(let t):
            let x = (0..<t.rowCount).map(Double.init)
            let series = zip(t.names, t.columns).compactMap { name, c -> Series? in
                guard case .numbers(let y) = c else { return nil }
                return Series(.lines, x: x, y: y, label: name)
            }
            guard !series.isEmpty else { throw args.invalid(plottable, "plot(): the table has no numeric columns") }
            return Figure(kind: "line", panels: [Panel(xlabel: "row", series: series)])
        default:
            throw args.mismatch(plottable, expected: "a plot (from line, scatter, hist or ecdf), an analysis result, a vector, a matrix or a table")
        }
    }

    /// Renders through the session's renderer, or explains how to get one.
    static func draw(_ figure: Figure, to path: String, context: EvaluationContext, at range: SourceRange) throws {
        guard let renderer = context.plotRenderer else {
            throw Diagnostic("plot.unavailable", "plots are not available in this session", at: range)
        }
        do {
            try renderer.render(figure, to: path)
        } catch let d as Diagnostic {
            throw d.located(at: range)
        }
        context.emit("saved \(figure.kind) to \(path)\n")
    }

    static let line = Builtin(
        "line", area: .plots,
        parameters: declare(lineX, Parameter("y", "vectors or a matrix", doc: "one or more series, each as long as x (matrix columns are series)", variadic: true), seriesLabels) + labelling,
        returns: "a plot",
        summary: "lines through points",
        doc: "line(x, y) joins the points (x, y) in order; line(x, y1, y2, …) draws several series with a legend (labels=). line(v) alone draws v against its positions.",
        examples: ["x = seq(0, 6.3, by=0.1); p = line(x, sqrt(x), x / 3, labels=[\"sqrt\", \"x/3\"])"]
    ) { args, _ in
        var x = try args[lineX]
        var ys: [[Double]] = []
        for (v, r) in args.rest {
            if case .matrix(let m) = v { ys += (0..<m.cols).map { m.column($0) } } else { ys.append(try numbers(v, r, "line")) }
        }
        if ys.isEmpty {
            ys = [x]
            x = (0..<x.count).map(Double.init)
        }
        for (k, y) in ys.enumerated() where y.count != x.count {
            throw args.invalid(lineX, "line(): series \(k + 1) has \(NumberFormat.count(y.count, "value")) but x has \(x.count)")
        }
        let names = try labels(args, count: ys.count)
        var figure = Figure(kind: "line", panels: [Panel(series: zip(ys, names).map { Series(.lines, x: x, y: $0, label: $1.isEmpty ? nil : $1) })])
        try applyLabels(args, to: &figure)
        return .object(FigureValue(figure))
    }

    static let scatter = Builtin(
        "scatter", area: .plots,
        parameters: declare(scatterX, Parameter("y", "vectors", doc: "y coordinates: one series or more, each as long as x", variadic: true), seriesLabels) + labelling,
        returns: "a plot",
        summary: "points",
        doc: "scatter(x, y) marks each point (x, y); several y vectors make several series with a legend.",
        examples: ["x = randn(300, seed=1); p = scatter(x, 2 * x + randn(300, seed=2))"]
    ) { args, _ in
        let x = try args[scatterX]
        let ys = try args.rest.map { try numbers($0.0, $0.1, "scatter") }
        for (k, y) in ys.enumerated() where y.count != x.count {
            throw args.invalid(scatterX, "scatter(): series \(k + 1) has \(NumberFormat.count(y.count, "value")) but x has \(x.count)")
        }
        let names = try labels(args, count: ys.count)
        var figure = Figure(kind: "scatter", panels: [Panel(series: zip(ys, names).map { Series(.points, x: x, y: $0, label: $1.isEmpty ? nil : $1) })])
        try applyLabels(args, to: &figure)
        return .object(FigureValue(figure))
    }

    static let hist = Builtin(
        "hist", area: .plots,
        parameters: declare(samples, bins, density, seriesLabels) + labelling,
        returns: "a plot",
        summary: "histograms, overlaid",
        doc: "hist(a, b, …) counts each sample in the same equal-width bins (spanning all the samples' finite values) and overlays them with a legend; density=true scales each to unit area so samples of different sizes compare. NaN and infinite values are left out.",
        examples: ["p = hist(randn(2000, seed=1), randn(2000, seed=2) * 1.5, labels=[\"source\", \"target\"], bins=40)"]
    ) { args, _ in
        let samples = try args.rest.map { try numbers($0.0, $0.1, "hist").filter(\.isFinite) }
        guard !samples.isEmpty else { throw Diagnostic("call.missing-argument", "hist() needs at least one sample", at: args.callRange) }
        let bins = try args[bins]
        let density = try args[density]
        guard samples.contains(where: { !$0.isEmpty }) else { throw Diagnostic("argument.value", "hist(): the samples hold no finite values", at: args.callRange) }
        let names = try labels(args, count: samples.count)
        let panel = StandardFigures.histogramPanel(samples, labels: names, bins: bins, density: density)
        var figure = Figure(kind: "histogram", panels: [panel])
        try applyLabels(args, to: &figure)
        return .object(FigureValue(figure))
    }

    static let ecdf = Builtin(
        "ecdf", area: .plots,
        parameters: declare(samples, seriesLabels) + labelling,
        returns: "a plot",
        summary: "empirical distribution functions, overlaid",
        doc: "ecdf(a, b, …) draws each sample's empirical cumulative distribution function, the share of values ≤ x, as a step curve; the largest vertical gap between two curves is the two-sample Kolmogorov–Smirnov statistic. Samples over 4000 values are drawn through 2000 evenly spaced order statistics (indistinguishable at screen resolution).",
        examples: ["p = ecdf(randn(500, seed=1), randn(500, seed=2) + 0.3, labels=[\"before\", \"after\"])"]
    ) { args, _ in
        let samples = try args.rest.map { Descriptive.sorted(try numbers($0.0, $0.1, "ecdf").filter(\.isFinite)) }
        guard !samples.isEmpty else { throw Diagnostic("call.missing-argument", "ecdf() needs at least one sample", at: args.callRange) }
        let names = try labels(args, count: samples.count)
        let panel = StandardFigures.ecdfPanel(samples, labels: names)
        var figure = Figure(kind: "ECDF", panels: [panel])
        try applyLabels(args, to: &figure)
        return .object(FigureValue(figure))
    }
}
