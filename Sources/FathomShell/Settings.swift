import FathomLanguage

/// The session's adjustable settings (`:set NAME VALUE`, and the command-line flags).
public struct Settings: Sendable {
    /// Seed of the session's random generator.
    public var seed: UInt64 = 0
    /// Significant digits when printing numbers.
    public var digits = 6
    /// How plots without `to=` are shown in a terminal.
    public var plots: PlotPreview = .auto
    /// ANSI colours in terminal output.
    public var color = false
    /// Largest number of elements one value may hold.
    public var maxElements = EvaluationContext.defaultMaxElements
    /// Characters per line when printing values. What a session logs, saves and replays is
    /// always rendered at this width, so a transcript does not depend on the terminal it was
    /// made in; only `:set width` changes it (and `:save` keeps that command).
    public var width = 80
    /// The terminal's width, for values shown at the prompt while `width` has not been set.
    public var terminalWidth: Int?
    /// Whether `:set width` chose the width (then the terminal's is not used).
    public var widthChosen = false

    public enum PlotPreview: String, Sendable, CaseIterable {
        /// Sixel graphics when the terminal is known to show them, otherwise text.
        case auto
        case text, sixel, off
    }

    public init() {}

    /// How values are rendered for the log, `:save`, replay, reports and `print`.
    public var renderOptions: RenderOptions {
        RenderOptions(digits: digits, maxRows: 20, width: width)
    }

    /// How cell `cell`'s value is rendered: for the terminal (`display`) at its width unless a
    /// width was chosen, else as logged.
    public func renderOptions(cell: Int?, display: Bool = false) -> RenderOptions {
        var o = renderOptions
        o.cell = cell
        if display, !widthChosen, let terminalWidth { o.width = terminalWidth }
        return o
    }

    /// The names `:set` accepts, with what each takes.
    public static let descriptions: [(name: String, takes: String, doc: String)] = [
        ("seed", "a whole number ≥ 0", "restart the session's random generator from this seed"),
        ("digits", "1 to 17", "significant digits when printing numbers"),
        ("plots", "auto, text, sixel or off", "how plots without to= appear in the terminal"),
        ("color", "on or off", "coloured output in the terminal"),
        ("max_elements", "a whole number ≥ 1", "the most elements one value may hold"),
        ("width", "20 to 1000", "characters per line when printing values"),
    ]

    /// The current value of a setting, as text.
    public func text(of name: String) -> String? {
        switch name {
        case "seed": String(seed)
        case "digits": String(digits)
        case "plots": plots.rawValue
        case "color": color ? "on" : "off"
        case "max_elements": String(maxElements)
        case "width": String(width)
        default: nil
        }
    }

    /// Sets `name` from `text`; returns an error message when either is wrong.
    public mutating func set(_ name: String, _ text: String) -> String? {
        func whole(_ lo: Int, _ hi: Int) -> Int? {
            guard let v = Int(text.filter { $0 != "_" }) ?? Double(text).flatMap({ $0 == $0.rounded() && abs($0) < 9e18 ? Int($0) : nil }), v >= lo, v <= hi else { return nil }
            return v
        }
        let takes = Settings.descriptions.first { $0.name == name }?.takes ?? ""
        switch name {
        case "seed":
            guard let v = whole(0, Int.max) else { return "seed takes \(takes), got '\(text)'" }
            seed = UInt64(v)
        case "digits":
            guard let v = whole(1, 17) else { return "digits takes \(takes), got '\(text)'" }
            digits = v
        case "plots":
            guard let v = PlotPreview(rawValue: text) else { return "plots takes \(takes), got '\(text)'" }
            plots = v
        case "color":
            switch text {
            case "on", "true", "yes": color = true
            case "off", "false", "no": color = false
            default: return "color takes \(takes), got '\(text)'"
            }
        case "max_elements":
            guard let v = whole(1, Int.max) else { return "max_elements takes \(takes), got '\(text)'" }
            maxElements = v
        case "width":
            guard let v = whole(20, 1000) else { return "width takes \(takes), got '\(text)'" }
            width = v
            widthChosen = true
        default:
            return nil
        }
        return nil
    }
}
