import FathomCore
import FathomLanguage

/// Renders session events for one kind of front end. Text from data (values, what `print`
/// writes, command output) reaches the terminal with its control characters shown as escapes
/// (line breaks and tabs kept): only the shell's own colours drive the terminal.
public final class EventPrinter {
    public enum Style {
        /// Values as they are, errors with their location: batch input, scripts, `-e`.
        case plain
        /// Values labelled `Out[N]:`, in colour when enabled: the interactive shell.
        case interactive
        /// One JSON object per line: `--json`.
        case json
    }

    let console: Console
    let style: Style
    var settings: () -> Settings
    /// Whether standard error is a terminal that takes colour.
    var errorColor: Bool
    /// Draws a plot for the terminal (interactive mode), or nil to print its description.
    var preview: ((Figure) -> [UInt8]?)?

    public init(console: Console, style: Style, errorColor: Bool, settings: @escaping () -> Settings) {
        self.console = console
        self.style = style
        self.errorColor = errorColor
        self.settings = settings
    }

    private func paint(_ s: String, _ code: String) -> String {
        settings().color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }

    public func handle(_ event: SessionEvent) {
        let s = settings()
        switch (style, event) {
        case (.json, .value(let cell, let input, let value)):
            var line = ""
            JSONValue.object([("cell", .number(Double(cell))), ("input", .string(input)), ("value", value.json())]).write(to: &line)
            console.write(line + "\n")
        case (.json, .printed(let cell, let text)):
            console.write(JSONValue.object([("cell", .number(Double(cell))), ("printed", .string(text))]).serialized() + "\n")
        case (.json, .info(let text)):
            console.write(JSONValue.object([("info", .string(text))]).serialized() + "\n")
        case (.plain, .value(let cell, _, .object(let o))) where o is FigureValue && preview != nil:
            if let drawing = preview?((o as! FigureValue).content) {
                console.flush()
                Console.writeAll(1, drawing)
                return
            }
            console.write(Printable.lines(o.renderText(s.renderOptions(cell: cell))) + "\n")
        case (.interactive, .value(let cell, _, .object(let o))) where o is FigureValue && preview != nil:
            let figure = (o as! FigureValue).content
            if let drawing = preview?(figure) {
                console.flush()
                Console.writeAll(1, drawing)
                return
            }
            console.write(paint("Out[\(cell)]:", "31") + " " + Printable.lines(o.renderText(s.renderOptions(cell: cell, display: true))) + "\n")
        case (.interactive, .value(let cell, _, let value)):
            let label = paint("Out[\(cell)]:", "31")
            let text = Printable.lines(value.renderText(s.renderOptions(cell: cell, display: true)))
            console.write(label + (text.contains("\n") ? "\n" : " ") + text + "\n")
        case (_, .value(let cell, _, let value)):
            console.write(Printable.lines(value.renderText(s.renderOptions(cell: cell))) + "\n")
        case (_, .printed(_, let text)):
            console.write(Printable.lines(text))
        case (_, .info(let text)):
            console.write(Printable.lines(text.hasSuffix("\n") ? text : text + "\n"))
        case (_, .failed(_, _, let d)):
            console.error(DiagnosticRenderer(color: errorColor).render(d) + "\n")
        case (_, .interrupted(let cell)):
            // In a terminal the ^C echo sits at the end of the line: start a new one.
            let lead = style == .interactive ? "\n" : ""
            let note = style == .interactive ? "; every variable is as it was" : ""
            console.error(lead + paint("interrupted", "1;33") + " (cell \(cell))\(note)\n")
        }
    }
}
