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
    /// The line numbers (from 1) of `#>` lines with no statement above them: output that
    /// belongs to nothing. `replay --check` reports them; `--update` removes them.
    public var orphanLines: [Int] = []

    /// Splits `text` into segments, in time proportional to its length.
    public init(parsing text: String) {
        var segments: [Segment] = []
        var reader = ChunkReader()
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        // The segment being filled, kept apart until it is complete: appending to one inside
        // `segments` would copy its lines each time.
        var code: (text: String, firstLine: Int, recorded: [String])?
        var other: [String] = []
        func finishCode() {
            if let c = code { segments.append(.code(text: c.text, firstLine: c.firstLine, recorded: c.recorded)) }
            code = nil
        }
        func finishOther() {
            if !other.isEmpty { segments.append(.other(other)) }
            other = []
        }
        for (number, line) in zip(1..., lines) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if !reader.isContinuing, trimmed.hasPrefix("#>") {
                reader.skip()
                if code != nil {
                    code!.recorded.append(Transcript.outputText(of: String(trimmed)))
                } else {
                    // Output with no statement above it is kept as a comment, and noted.
                    orphanLines.append(number)
                    other.append(line)
                }
                continue
            }
            if !reader.isContinuing, trimmed.isEmpty || trimmed.hasPrefix("#") {
                reader.skip()
                finishCode()
                other.append(line)
                continue
            }
            if let chunk = reader.add(line) {
                finishCode()
                finishOther()
                code = (chunk.text, chunk.firstLine, [])
            }
        }
        finishCode()
        finishOther()
        if let chunk = reader.finish() {
            segments.append(.code(text: chunk.text, firstLine: chunk.firstLine, recorded: []))
        }
        self.segments = segments
    }

    /// Line numbers in increasing order grouped into runs of consecutive lines.
    static func runs(_ numbers: [Int]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        for n in numbers {
            if let last = out.last, last.upperBound == n {
                out[out.count - 1] = last.lowerBound..<(n + 1)
            } else {
                out.append(n..<(n + 1))
            }
        }
        return out
    }

    /// Whether a line kept verbatim is output that belongs to no statement.
    static func isOrphanOutput(_ line: String) -> Bool {
        line.drop { $0 == " " || $0 == "\t" }.hasPrefix("#>")
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
    /// code segment, in order) and output that belongs to no statement left out.
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
                for l in lines where !Transcript.isOrphanOutput(l) { out += l + "\n" }
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
