import FathomCore
import FathomLanguage

/// What a session reports while it runs; each front end (terminal, batch, JSON, replay)
/// renders these its own way.
public enum SessionEvent {
    /// An expression statement produced a value worth showing (not null).
    case value(cell: Int, input: String, value: Value)
    /// A builtin such as `print` wrote text during cell `cell`.
    case printed(cell: Int, text: String)
    /// A statement failed; the diagnostic has its source attached.
    case failed(cell: Int?, input: String, diagnostic: Diagnostic)
    /// Output of a `:` command or `?name`.
    case info(String)
    /// Ctrl-C stopped cell `cell`; every variable is as it was before it.
    case interrupted(cell: Int)
}

/// One entry of a session's log, as `:save` writes it back and a report shows it: a
/// statement with what it printed, or a line of prose or comment.
public struct LoggedCell: Sendable {
    public enum Kind: Sendable, Equatable {
        /// A statement, or a `:set` command.
        case code
        /// A `#'` line: Markdown text of the notebook.
        case prose
        /// A `#` comment between statements.
        case comment
        /// A blank line between statements (it ends a paragraph of prose).
        case blank
    }

    public var kind: Kind = .code
    public var input: String
    public var output: String
    /// The cell number of a statement.
    public var cell: Int?
    /// The plot the statement showed, if it showed one.
    public var figure: Figure?
    /// What the statement printed before its value (a report shows this above a plot instead
    /// of the plot's one-line description).
    public var printed = ""
    /// The checks the statement recorded, in order.
    public var checks: [(name: String, passed: Bool)] = []
    /// The rendered error of a statement that failed (kept only when the log records failures).
    public var error: String?

    public init(kind: Kind = .code, input: String, output: String = "", cell: Int? = nil) {
        self.kind = kind
        self.input = input
        self.output = output
        self.cell = cell
    }
}

/// One analysis session: the interpreter and its variables, numbered cells with `_` and `_N`,
/// the settings, and a log of what ran. It reads no terminal and writes nothing itself: it
/// reports ``SessionEvent``s to its front end.
public final class Session {
    public let interpreter: Interpreter
    public var settings: Settings
    public var onEvent: (SessionEvent) -> Void
    /// The number the next statement will get.
    public private(set) var nextCell = 1
    private var cellValues: [Int: Value] = [:]
    private var lastValue: Value?
    /// Successful statements and commands worth keeping, for `:save` and `:report`; failed
    /// statements too when ``logsFailures`` is set (a script run for a report).
    public private(set) var log: [LoggedCell] = []
    /// Whether failed statements enter the log, with their error.
    public var logsFailures = false
    /// Every line the user entered, for `:history`.
    public private(set) var inputHistory: [String] = []
    /// Set by `:quit`.
    public private(set) var quitRequested = false
    /// The session's gnuplot, started at the first plot.
    let plots = GnuplotDriver()
    /// The session's DuckDB, started at the first `sql()` or Parquet load.
    let sqlEngine = DuckDBDriver()
    private var currentCell = 0
    var loadDepth = 0
    /// How the last `:load` ended (its failure is the command's).
    var loadOutcome = Outcome()
    private var currentOutput = ""

    /// How a chunk of input ended.
    public struct Outcome: Equatable {
        public var failed = false
        public var interrupted = false
    }

    /// `registry` holds the builtins the session knows: help, completion and calls all read
    /// it, so a builtin registered there (CONTRIBUTING.md) is everywhere at once.
    public init(settings: Settings = Settings(), datasets: DatasetCatalog? = DatasetCatalog.locate(), registry: BuiltinRegistry = .standard,
                onEvent: @escaping (SessionEvent) -> Void = { _ in }) {
        self.settings = settings
        self.onEvent = onEvent
        let context = EvaluationContext(seed: settings.seed)
        context.maxElements = settings.maxElements
        context.renderOptions = settings.renderOptions
        context.datasets = datasets
        context.plotRenderer = plots
        context.sqlEngine = sqlEngine
        interpreter = Interpreter(context: context, registry: registry)
        context.emit = { [unowned self] text in
            self.currentOutput += text
            self.onEvent(.printed(cell: self.currentCell, text: text))
        }
        interpreter.sessionNames = { [unowned self] name in self.sessionValue(name) }
    }

    /// `_` is the last value shown; `_N` the value of cell N.
    private func sessionValue(_ name: String) -> Value? {
        guard name.hasPrefix("_") else { return nil }
        if name == "_" { return lastValue }
        guard let n = Int(name.dropFirst()), name.count > 1, name.dropFirst().allSatisfy(\.isNumber) else { return nil }
        return cellValues[n]
    }

    /// Ends the session's helpers (gnuplot). Call before exiting.
    public func close() {
        plots.shutdown()
        sqlEngine.shutdown()
    }

    /// Records a line of input for `:history`.
    public func remember(_ line: String) {
        inputHistory.append(line)
    }

    /// Runs one complete chunk of input (one or more statements, or a `:` command, or
    /// `?name`). `firstLine` is the chunk's first line number within `sourceName`.
    /// With `stopAtError`, statements after a failing one are skipped.
    @discardableResult
    public func run(_ text: String, sourceName: String, firstLine: Int = 1, stopAtError: Bool = false) -> Outcome {
        let trimmed = text.drop { $0 == " " || $0 == "\t" }
        if trimmed.hasPrefix(":") || trimmed.hasPrefix("?") {
            let source = SourceFile(name: sourceName, text: text, firstLine: firstLine)
            return runCommand(source, offset: text.utf8.count - trimmed.utf8.count)
        }
        let source = SourceFile(name: sourceName, text: text, firstLine: firstLine)
        var outcome = Outcome()
        for parsed in Parser.parse(source) {
            let cell = nextCell
            nextCell += 1
            switch parsed {
            case .failure(let d):
                let input = d.range.map { source.lineText(at: source.lineIndex(of: $0.start)) } ?? text
                onEvent(.failed(cell: cell, input: input, diagnostic: d))
                logFailure(input, cell: cell, d)
                outcome.failed = true
            case .success(let statement):
                let result = execute(statement, cell: cell)
                if result.interrupted { outcome.interrupted = true; return outcome }
                if result.failed { outcome.failed = true }
            }
            if outcome.failed && stopAtError { return outcome }
        }
        return outcome
    }

    private func execute(_ statement: Statement, cell: Int) -> Outcome {
        Interruption.clear()
        currentCell = cell
        currentOutput = ""
        defer { Interruption.clear() }
        let checksBefore = interpreter.context.checks.count
        var entry = LoggedCell(input: statement.text, cell: cell)
        func recordChecks() {
            entry.checks = Array(interpreter.context.checks[min(checksBefore, interpreter.context.checks.count)...])
        }
        do {
            switch try interpreter.run(statement) {
            case .value(let v):
                cellValues[cell] = v
                var shown = ""
                if !v.isNull {
                    lastValue = v
                    shown = v.renderText(settings.renderOptions(cell: cell))
                    onEvent(.value(cell: cell, input: statement.text, value: v))
                    if case .object(let o) = v, let f = o as? FigureValue { entry.figure = f.content }
                }
                entry.printed = currentOutput
                entry.output = currentOutput + (shown.isEmpty ? "" : shown + "\n")
            case .assigned(_, let v):
                cellValues[cell] = v
                entry.output = currentOutput
            }
            recordChecks()
            log.append(entry)
            return Outcome()
        } catch is Interrupted {
            onEvent(.interrupted(cell: cell))
            if logsFailures {
                entry.output = currentOutput
                entry.error = "interrupted"
                log.append(entry)
            }
            return Outcome(failed: true, interrupted: true)
        } catch {
            let d = error as? Diagnostic ?? Diagnostic("internal", "\(error)", at: statement.range, source: statement.source)
            onEvent(.failed(cell: cell, input: statement.text, diagnostic: d))
            recordChecks()
            logFailure(statement.text, cell: cell, d, output: currentOutput, checks: entry.checks)
            return Outcome(failed: true)
        }
    }

    private func logFailure(_ input: String, cell: Int, _ d: Diagnostic, output: String = "", checks: [(name: String, passed: Bool)] = []) {
        guard logsFailures else { return }
        var entry = LoggedCell(input: input, output: output, cell: cell)
        entry.checks = checks
        entry.error = DiagnosticRenderer(color: false).render(d)
        log.append(entry)
    }

    /// Appends a line to the log as it is (prose typed as `#'` lines).
    public func logProse(_ line: String) {
        log.append(LoggedCell(kind: .prose, input: line))
    }

    /// Appends a comment or blank line of a script (kept for reports).
    public func logOther(_ line: String) {
        let trimmed = line.trimmingSpaces
        log.append(LoggedCell(kind: trimmed.isEmpty ? .blank : trimmed.hasPrefix("#'") ? .prose : .comment, input: trimmed))
    }

    func logCommand(_ text: String) {
        log.append(LoggedCell(input: text))
    }

    /// Ends the session at the next prompt.
    func requestQuit() { quitRequested = true }

    /// Forgets variables (all, or the named ones) and, when clearing all, the cell values.
    func clear(_ names: [String]) -> Int {
        if names.isEmpty {
            let n = interpreter.variables.count
            interpreter.variables.removeAll()
            cellValues.removeAll()
            lastValue = nil
            return n
        }
        return names.reduce(0) { $0 + (interpreter.variables.removeValue(forKey: $1) == nil ? 0 : 1) }
    }

    /// Applies a changed setting to the interpreter.
    func applySettings(reseed: Bool) {
        let c = interpreter.context
        c.maxElements = settings.maxElements
        c.renderOptions = settings.renderOptions
        if reseed { c.reseed(settings.seed) }
    }
}
