import FathomCore
import FathomLanguage

/// A `.fathom` file read as a notebook: code chunks, each followed by its recorded output in
/// `#> ` lines, with prose (`#' ` lines), comments and blank lines kept as they are.
public struct Transcript {
    public enum Segment: Equatable {
        /// A chunk of statements (or a command) and the output recorded beneath it.
        case code(text: String, firstLine: Int, recorded: [String])
        /// Lines kept verbatim: prose, comments, blank lines.
        case other([String])
    }

    public var segments: [Segment]

    /// Splits `text` into segments.
    public init(parsing text: String) {
        var segments: [Segment] = []
        var reader = ChunkReader()
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        func appendOther(_ line: String) {
            if case .other(var ls) = segments.last {
                ls.append(line)
                segments[segments.count - 1] = .other(ls)
            } else {
                segments.append(.other([line]))
            }
        }
        for line in lines {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if !reader.isContinuing, trimmed.hasPrefix("#>") {
                reader.skip()
                if case .code(let t, let f, var rec) = segments.last {
                    rec.append(Transcript.outputText(of: String(trimmed)))
                    segments[segments.count - 1] = .code(text: t, firstLine: f, recorded: rec)
                } else {
                    // Output with no statement above it is kept as a comment.
                    appendOther(line)
                }
                continue
            }
            if !reader.isContinuing, trimmed.isEmpty || trimmed.hasPrefix("#") {
                reader.skip()
                appendOther(line)
                continue
            }
            if let chunk = reader.add(line) {
                segments.append(.code(text: chunk.text, firstLine: chunk.firstLine, recorded: []))
            }
        }
        if let chunk = reader.finish() {
            segments.append(.code(text: chunk.text, firstLine: chunk.firstLine, recorded: []))
        }
        self.segments = segments
    }

    /// The text after `#>` (and one space).
    static func outputText(of line: String) -> String {
        var s = line.dropFirst(2)
        if s.hasPrefix(" ") { s = s.dropFirst() }
        return String(s)
    }

    /// Output text as the lines a transcript records: split at line breaks, trailing spaces
    /// dropped (editors strip them), no final empty line.
    public static func outputLines(_ output: String) -> [String] {
        guard !output.isEmpty else { return [] }
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var l = Substring(line)
            while l.last == " " || l.last == "\t" || l.last == "\r" { l = l.dropLast() }
            return String(l)
        }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The file text with each code segment's output replaced by `outputs[i]` (one entry per
    /// code segment, in order).
    public func rendered(outputs: [[String]]) -> String {
        var out = ""
        var k = 0
        for segment in segments {
            switch segment {
            case .code(let text, _, _):
                out += text + "\n"
                for line in outputs[k] { out += line.isEmpty ? "#>\n" : "#> " + line + "\n" }
                k += 1
            case .other(let lines):
                for l in lines { out += l + "\n" }
            }
        }
        return out
    }

    /// The code segments, in order.
    public var codeSegments: [(text: String, firstLine: Int, recorded: [String])] {
        segments.compactMap {
            if case .code(let t, let f, let r) = $0 { return (t, f, r) }
            return nil
        }
    }
}
