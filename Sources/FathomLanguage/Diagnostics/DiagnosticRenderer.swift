/// Turns diagnostics into text, in the form compilers use:
///
///     <stdin>:3:6: error: unknown name 'mena'
///         x = mena(v)
///             ^~~~
///     note: did you mean 'mean'?
///
/// The quoted line is cut to a window around the caret when it is long, so a 1 MB line prints
/// as a short one.
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
        if let source = d.source, let range = d.range {
            let loc = source.location(of: range.start)
            lines.append(paint("\(source.name):\(loc.line):\(loc.column):", "1") + " " + label + " " + paint(d.message, "1"))
            lines.append(contentsOf: quote(source, range))
        } else {
            lines.append(label + " " + paint(d.message, "1"))
        }
        for n in d.notes { lines.append(paint("note:", "1;36") + " " + n) }
        return lines.joined(separator: "\n")
    }

    /// The short form for transcripts, where the statement is printed just above: the
    /// message and notes, no location.
    public func renderShort(_ d: Diagnostic) -> String {
        ([paint("error:", "1;31") + " " + d.message] + d.notes.map { paint("note:", "1;36") + " " + $0 }).joined(separator: "\n")
    }

    /// The source line of `range.start` and a caret line under the span (first line only).
    func quote(_ source: SourceFile, _ range: SourceRange) -> [String] {
        let li = source.lineIndex(of: min(range.start, source.bytes.count))
        let lineStart = source.lineStart(at: li)
        let text = Array(source.lineText(at: li))
        let startCol = String(decoding: source.bytes[lineStart..<min(range.start, source.bytes.count)], as: UTF8.self).count
        let spanEnd = min(range.end, lineStart + source.lineText(at: li).utf8.count)
        let spanChars = max(1, String(decoding: source.bytes[min(range.start, spanEnd)..<spanEnd], as: UTF8.self).count)

        // Cut long lines to a window around the caret.
        var from = 0, to = text.count
        if text.count > width {
            from = max(0, min(startCol - width / 3, text.count - width))
            to = min(text.count, from + width)
        }
        let visible = text[from..<to].map { $0 == "\t" ? " " : $0 }
        var quoted = String(visible)
        if from > 0 { quoted = "…" + quoted }
        if to < text.count { quoted += "…" }
        let caretStart = max(0, startCol - from) + (from > 0 ? 1 : 0)
        let caretLength = max(1, min(spanChars, to - max(from, startCol)))
        let caret = String(repeating: " ", count: caretStart) + "^" + String(repeating: "~", count: max(0, caretLength - 1))
        let indent = "    "
        return [indent + quoted, indent + paint(caret, "1;32")]
    }
}
