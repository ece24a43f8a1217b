import FathomCore

/// Turns diagnostics into text, in the form compilers use:
///
///     <stdin>:3:6: error: unknown name 'mena'
///         x = mena(v)
///             ^~~~
///     note: did you mean 'mean'?
///
/// The quoted line is cut to a window around the caret when it is long, so a 1 MB line prints
/// as a short one. Control characters in the message, the notes and the quoted line (a column
/// name or a cell from a file, a pasted escape sequence) print as `\u{1b}` escapes, so a
/// diagnostic can never drive the terminal; the caret still points at the right place.
public struct DiagnosticRenderer: Sendable {
    public var color: Bool
    /// Widest quoted source line before it is cut around the caret.
    public var width: Int

    public init(color: Bool = false, width: Int = 100) {
        self.color = color
        self.width = width
    }

    private func paint(_ s: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }

    /// The full form: location, message, quoted line with caret, notes.
    public func render(_ d: Diagnostic) -> String {
        var lines: [String] = []
        let label = paint("error:", "1;31")
        let message = Printable.text(d.message, keepTabs: true)
        if let source = d.source, let range = d.range {
            let loc = source.location(of: range.start)
            lines.append(paint("\(Printable.text(source.name)):\(loc.line):\(loc.column):", "1") + " " + label + " " + paint(message, "1"))
            lines.append(contentsOf: quote(source, range))
        } else {
            lines.append(label + " " + paint(message, "1"))
        }
        for n in d.notes { lines.append(paint("note:", "1;36") + " " + Printable.lines(n)) }
        return lines.joined(separator: "\n")
    }

    /// The short form for transcripts, where the statement is printed just above: the
    /// message and notes, no location.
    public func renderShort(_ d: Diagnostic) -> String {
        let message = paint("error:", "1;31") + " " + Printable.text(d.message, keepTabs: true)
        let notes = d.notes.map { paint("note:", "1;36") + " " + Printable.lines($0) }
        return ([message] + notes).joined(separator: "\n")
    }

    /// The source line of `range.start` and a caret line under the span (first line only).
    func quote(_ source: SourceFile, _ range: SourceRange) -> [String] {
        let li = source.lineIndex(of: min(range.start, source.bytes.count))
        let lineStart = source.lineStart(at: li)
        let text = Array(source.lineText(at: li))
        let startCol = String(decoding: source.bytes[lineStart..<min(range.start, source.bytes.count)], as: UTF8.self).count
        let spanEnd = min(range.end, lineStart + source.lineText(at: li).utf8.count)
        let spanChars = max(1, String(decoding: source.bytes[min(range.start, spanEnd)..<spanEnd], as: UTF8.self).count)

        // Each character as it is shown: a tab as a space, a control character as its escape.
        // Columns count shown characters, so the caret stays under the span.
        let shownText = text.map { $0 == "\t" ? " " : Printable.text(String($0)) }
        var offsets = [0]
        offsets.reserveCapacity(text.count + 1)
        for piece in shownText { offsets.append(offsets.last! + piece.count) }
        func column(_ i: Int) -> Int { offsets[min(max(0, i), text.count)] }

        // Cut long lines to a window `width` columns wide, the caret a third of the way in (or
        // the window flush with the end of the line).
        var from = 0, to = text.count
        if column(text.count) > width {
            from = min(startCol, text.count)
            while from > 0, column(startCol) - column(from - 1) <= width / 3 { from -= 1 }
            to = from
            while to < text.count, column(to + 1) - column(from) <= width { to += 1 }
            while to == text.count, from > 0, column(to) - column(from - 1) <= width { from -= 1 }
        }
        var quoted = shownText[from..<to].joined()
        if from > 0 { quoted = "…" + quoted }
        if to < text.count { quoted += "…" }
        let caretStart = max(0, column(startCol) - column(from)) + (from > 0 ? 1 : 0)
        let caretLength = max(1, column(min(startCol + spanChars, to)) - column(max(from, startCol)))
        let caret = String(repeating: " ", count: caretStart) + "^" + String(repeating: "~", count: max(0, caretLength - 1))
        let indent = "    "
        return [indent + quoted, indent + paint(caret, "1;32")]
    }
}
