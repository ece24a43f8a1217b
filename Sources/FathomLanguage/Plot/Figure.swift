import FathomCore

/// A plot as data: panels of series with their axes and labels. A figure is a value; it is
/// drawn only when shown or saved, by whatever implements ``PlotRenderer`` (the shell's
/// gnuplot driver), so the language knows nothing of gnuplot.
public struct Figure: Sendable {
    /// A short name of what it shows ("reliability diagram", "histogram"): for descriptions.
    public var kind: String
    public var title: String?
    /// Pixels (PNG, SVG; a PDF gets the same shape at 100 pixels to the inch).
    public var width = 800
    public var height = 500
    /// Stacked top to bottom, each with its share of the height.
    public var panels: [Panel]

    public init(kind: String, title: String? = nil, panels: [Panel]) {
        self.kind = kind
        self.title = title
        self.panels = panels
    }

    public var seriesCount: Int { panels.reduce(0) { $0 + $1.series.count } }
    public var pointCount: Int { panels.reduce(0) { $0 + $1.series.reduce(0) { $0 + $1.x.count } } }
}

/// One set of axes.
public struct Panel: Sendable {
    public var xlabel: String?
    public var ylabel: String?
    public var logx = false
    public var logy = false
    public var xrange: ClosedRange<Double>?
    public var yrange: ClosedRange<Double>?
    /// Share of the figure's height (panels are stacked top to bottom).
    public var heightShare = 1.0
    public var series: [Series]
    /// Where the legend sits: "top left", "bottom right", …
    public var legend = "top left"
    /// Distance between y tics (nil: gnuplot chooses).
    public var yticStep: Double?
    /// Named x positions (categories), replacing the numeric tics.
    public var xtics: [(Double, String)]?
    /// Named y positions, replacing the numeric tics.
    public var ytics: [(Double, String)]?
    /// The label of the colour scale, for panels with a heat map.
    public var colorLabel: String?

    public init(xlabel: String? = nil, ylabel: String? = nil, series: [Series]) {
        self.xlabel = xlabel
        self.ylabel = ylabel
        self.series = series
    }
}

/// One drawn data set.
public struct Series: Sendable {
    public enum Style: String, Sendable {
        case lines, points, linespoints, steps, impulses
        /// Large open circles drawn around points that need attention (an alert, say).
        case rings
        /// Bars centred on x with the given width.
        case bars
        /// The area between y and `y2`.
        case band
        /// Points with vertical error bars from `y2` (low) to `y3` (high).
        case errorbars
        /// Unit cells centred on (x, y) coloured by `y2` in [0, 1], white to blue (a heat map).
        case heatmap
        /// The number `y2` written at (x, y).
        case labels
    }

    public var style: Style
    public var x: [Double]
    public var y: [Double]
    public var y2: [Double] = []
    public var y3: [Double] = []
    /// Legend text; nil leaves the series out of the legend.
    public var label: String?
    /// Palette position (0…7), or nil for the next in turn.
    public var color: Int?
    /// A grey, dashed reference line (the diagonal of a reliability diagram).
    public var reference = false
    /// Bar width for `.bars`.
    public var barWidth: Double?
    /// Drawn lighter (bars with a fainter fill and a dashed border): data too thin to read
    /// as firmly as the rest.
    public var faded = false

    public init(_ style: Style, x: [Double], y: [Double], label: String? = nil) {
        self.style = style
        self.x = x
        self.y = y
        self.label = label
    }
}

/// Draws figures to files (the shell's gnuplot driver implements it).
public protocol PlotRenderer: AnyObject {
    /// Writes `figure` to `path` in the format its extension names (.png, .svg, .pdf, .txt),
    /// atomically. Errors are ``Diagnostic``s without a place (the caller adds it).
    func render(_ figure: Figure, to path: String) throws
}

/// An analysis value that can be plotted: `plot(x)` draws ``figure()``. Adding a renderer
/// for a new kind of result means conforming to this, and nothing else.
public protocol Plottable {
    func figure() throws -> Figure
}

/// A plottable result whose pictures can be drawn together: `plot([r1, r2])` overlays
/// several models or calibrators on one figure.
public protocol OverlayPlottable: Plottable {
    /// One figure showing this result with `others` (of the same kind), labelled `labels`.
    func figure(overlaying others: [Value], labels: [String]) throws -> Figure
}

/// A figure as a value of the language.
public struct FigureValue: DeclaredResult, Plottable {
    public var content: Figure

    public init(_ figure: Figure) { content = figure }

    public func figure() throws -> Figure { content }

    public var typeName: String { "plot" }

    public var described: String { "a plot (\(content.kind))" }

    public static let resultName = "plot"
    public static let resultDoc = "A plot: its data and layout, drawn when shown or saved (plot(x, to=\"f.png\"), save(x, \"f.svg\"))."
    public static let fields: [ResultField<FigureValue>] = [
        ResultField("kind", "what it shows: histogram, reliability diagram, ECDF comparison, …") { .string($0.content.kind) },
        ResultField("title", "its title, or null") { f in f.content.title.map { .string($0) } ?? .null },
        ResultField("series", "the number of series drawn") { .number(Double($0.content.seriesCount)) },
        ResultField("points", "the number of points drawn") { .number(Double($0.content.pointCount)) },
        ResultField("size", "width and height in pixels") { .numbers([Double($0.content.width), Double($0.content.height)]) },
        ResultField("panels", "each panel's axis labels and series (style, label, x, y)") { f in
            .list(f.content.panels.map { p in
                .record(Record([
                    ("xlabel", p.xlabel.map { .string($0) } ?? .null),
                    ("ylabel", p.ylabel.map { .string($0) } ?? .null),
                    ("series", .list(p.series.map { s in
                        .record(Record([("style", .string(s.style.rawValue)), ("label", s.label.map { .string($0) } ?? .null),
                                        ("x", .numbers(s.x)), ("y", .numbers(s.y))]))
                    })),
                ]))
            })
        },
    ]

    /// The one line a plot shows where it cannot be drawn (batch mode, plots off).
    public func renderText(_ options: RenderOptions) -> String {
        let n = content.seriesCount
        let title = content.title.map { " \"\($0)\"" } ?? ""
        let head = "plot: \(content.kind)\(title), \(n) series, \(content.pointCount) points"
        guard let cell = options.cell else { return head }
        return head + "; plot(_\(cell), to=\"plot.png\") writes it"
    }

}
