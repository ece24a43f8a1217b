import FathomLanguage

/// Groups input lines into complete chunks: a statement that spans lines (open bracket,
/// trailing operator, trailing `\`) is held until it is finished or a blank line ends it.
/// A line starting with `:` or `?` outside a statement is a chunk on its own (a command).
/// Used by batch input, scripts, replay and the interactive prompt alike, so all read the
/// same language.
public struct ChunkReader {
    private var pending: [String] = []
    private var pendingStart = 0
    /// What the pending lines leave open for the next one: a prefix that puts the lexer in
    /// the same state ("((" for two open brackets, "0+" after a trailing operator or `\`).
    /// Strings end on their line, so nothing else carries over a line break, and each line is
    /// lexed once: a statement of 100 000 lines takes linear time.
    private var openState = ""
    /// The number of the last line added (1-based).
    public private(set) var lineNumber = 0

    public init(firstLine: Int = 1) {
        lineNumber = firstLine - 1
    }

    /// Whether a statement is open and waiting for more lines.
    public var isContinuing: Bool { !pending.isEmpty }

    /// Adds one line (without its line break); returns a chunk when one is complete.
    public mutating func add(_ line: String) -> (text: String, firstLine: Int)? {
        lineNumber += 1
        if pending.isEmpty {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.allSatisfy({ $0 == "\r" }) { return nil }
            if trimmed.hasPrefix(":") || trimmed.hasPrefix("?") { return (line, lineNumber) }
            pending = [line]
            pendingStart = lineNumber
            openState = ""
        } else if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
            // A blank line ends an unfinished statement; the parser reports what is missing.
            defer { pending = [] }
            return (pending.joined(separator: "\n") + "\n", pendingStart)
        } else {
            pending.append(line)
        }
        var lexer = Lexer(SourceFile(name: "", text: openState.isEmpty ? line : openState + "\n" + line))
        lexer.run()
        if lexer.needsMoreInput {
            openState = lexer.openBrackets.isEmpty ? "0+" : String(repeating: "(", count: lexer.openBrackets.count)
            return nil
        }
        defer { pending = [] }
        return (pending.joined(separator: "\n"), pendingStart)
    }

    /// Counts a line that is not code (a comment or blank line kept elsewhere).
    public mutating func skip() { lineNumber += 1 }

    /// At the end of input: whatever is still open, to be run (and reported unfinished).
    public mutating func finish() -> (text: String, firstLine: Int)? {
        guard !pending.isEmpty else { return nil }
        defer { pending = [] }
        return (pending.joined(separator: "\n"), pendingStart)
    }

    /// Drops an unfinished statement (Ctrl-C at a continuation prompt).
    public mutating func cancel() { pending = [] }
}
