import FathomLanguage

/// A session as a document: prose in Markdown, and cells of code with their output, plot,
/// checks and error. Built from a session's log; written as Markdown or HTML by
/// ``MarkdownReport`` and ``HTMLReport``.
struct Report {
    struct Cell {
        /// The statements (and comments) of the cell, line by line.
        var code: [String] = []
        /// The number of the cell's first and last statement.
        var firstNumber: Int?
        var lastNumber: Int?
        var output = ""
        /// The plot the cell's last statement showed, with that statement's number.
        var figure: (number: Int, figure: Figure)?
        var checks: [(name: String, passed: Bool)] = []
        var error: String?

        var anchor: String { "cell-\(firstNumber ?? 0)" }

        /// "cell 7" or "cells 7–9".
        var label: String {
            guard let a = firstNumber else { return "" }
            guard let b = lastNumber, b != a else { return "cell \(a)" }
            return "cells \(a)–\(b)"
        }
    }

    enum Block {
        /// Markdown text.
        case prose(String)
        case cell(Cell)
    }

    var title: String
    /// One line under the title: what made the report.
    var subtitle: String
    var blocks: [Block]
    /// Said at the end when the script stopped at an error.
    var stopNote: String?

    /// Every check recorded, with the cell it belongs to.
    var checks: [(name: String, passed: Bool, cell: Cell)] {
        blocks.flatMap { block -> [(name: String, passed: Bool, cell: Cell)] in
            guard case .cell(let c) = block else { return [] }
            return c.checks.map { ($0.name, $0.passed, c) }
        }
    }

    /// The figures to draw, in order, with their cell numbers.
    var figures: [(number: Int, figure: Figure)] {
        blocks.compactMap { block in
            if case .cell(let c) = block { return c.figure }
            return nil
        }
    }

    /// Groups a session's log into blocks. Consecutive statements without output share one
    /// cell; a comment starts or joins the next cell; a blank line ends a cell and separates
    /// paragraphs of prose. A first prose line `# Title` becomes the title.
    init(log: [LoggedCell], defaultTitle: String, subtitle: String, includeFailures: Bool) {
        var blocks: [Block] = []
        var prose: [String] = []
        var cell = Cell()
        func flushProse() {
            while prose.last == "" { prose.removeLast() }
            if !prose.isEmpty { blocks.append(.prose(prose.joined(separator: "\n"))) }
            prose = []
        }
        func flushCell() {
            while cell.code.last?.trimmingSpaces == "" { cell.code.removeLast() }
            if !cell.code.isEmpty { blocks.append(.cell(cell)) }
            cell = Cell()
        }
        for entry in log {
            switch entry.kind {
            case .prose:
                flushCell()
                prose.append(Report.proseText(entry.input))
            case .blank:
                flushCell()
                if !prose.isEmpty { prose.append("") }
            case .comment:
                flushProse()
                cell.code.append(entry.input)
            case .code:
                if entry.error != nil && !includeFailures { continue }
                flushProse()
                cell.code += entry.input.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if let n = entry.cell {
                    if cell.firstNumber == nil { cell.firstNumber = n }
                    cell.lastNumber = n
                }
                // A plot is shown as a picture, not by its one-line description.
                cell.output += entry.figure == nil ? entry.output : entry.printed
                cell.checks += entry.checks
                if let f = entry.figure, let n = entry.cell { cell.figure = (n, f) }
                cell.error = entry.error
                if !cell.output.isEmpty || cell.figure != nil || cell.error != nil || !cell.checks.isEmpty { flushCell() }
            }
        }
        flushCell()
        flushProse()
        var title = defaultTitle
        if case .prose(let text) = blocks.first, text.hasPrefix("# ") {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            title = String(lines.removeFirst().dropFirst(2)).trimmingSpaces
            while lines.first == "" { lines.removeFirst() }
            if lines.isEmpty { blocks.removeFirst() } else { blocks[0] = .prose(lines.joined(separator: "\n")) }
        }
        self.title = title
        self.subtitle = subtitle
        self.blocks = blocks
    }

    /// The Markdown of a `#'` line: the text after the marker and one space.
    static func proseText(_ line: String) -> String {
        var s = Substring(line.trimmingSpaces)
        if s.hasPrefix("#'") { s = s.dropFirst(2) }
        if s.hasPrefix(" ") { s = s.dropFirst() }
        return String(s)
    }

    /// "3 checks: all passed" or "1 of 3 checks failed".
    var checkSummary: String? {
        let all = checks
        guard !all.isEmpty else { return nil }
        let failed = all.filter { !$0.passed }.count
        let noun = all.count == 1 ? "check" : "checks"
        if failed == 0 { return all.count == 1 ? "1 check: passed" : "\(all.count) \(noun): all passed" }
        return "\(failed) of \(all.count) \(noun) failed"
    }
}

/// Where a report goes and what it is.
enum ReportFormat {
    case markdown
    case html

    init?(path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".md") || lower.hasSuffix(".markdown") { self = .markdown }
        else if lower.hasSuffix(".html") || lower.hasSuffix(".htm") { self = .html }
        else { return nil }
    }
}
