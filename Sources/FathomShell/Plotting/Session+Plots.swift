import FathomLanguage

extension Session {
    /// A plot drawn for the terminal, as `:set plots` asks: sixel graphics or text sized to the
    /// window; nil when previews are off. A drawing error is reported and nil returned.
    /// The plot drawn for the output, or nil to show its one-line description instead. In the
    /// interactive shell `auto` draws (sixel where the terminal shows it, else text); a script
    /// or piped input draws only when asked (`--plots text|sixel`, `:set plots text`).
    func preview(_ figure: Figure, interactive: Bool) -> [UInt8]? {
        var mode = settings.plots
        if mode == .auto { mode = interactive ? (Terminal.supportsSixel ? .sixel : .text) : .off }
        do {
            switch mode {
            case .off, .auto:
                return nil
            case .sixel:
                return try plots.sixel(figure, width: figure.width, height: figure.height) + [10]
            case .text:
                let columns = max(40, min(160, Terminal.columns()))
                let rows = max(15, min(40, Terminal.rows() - 4))
                return Array(try plots.text(figure, columns: columns, rows: rows).utf8)
            }
        } catch let d as Diagnostic {
            onEvent(.failed(cell: nil, input: "", diagnostic: d))
            return Array("".utf8)
        } catch {
            return nil
        }
    }
}
