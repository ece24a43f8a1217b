#if canImport(Glibc)
import Glibc
#endif
import FathomCore
import FathomLanguage

/// Exit statuses, as DESIGN.md fixes them.
public enum ExitStatus {
    public static let ok: Int32 = 0
    /// A statement failed.
    public static let failed: Int32 = 1
    /// The command line was wrong, or a script could not be read.
    public static let usage: Int32 = 2
    /// A check failed, or `replay --check` found a changed output.
    public static let check: Int32 = 3
    /// Ctrl-C stopped a script.
    public static let interrupted: Int32 = 130
}

/// Options shared by every way of running Fathom.
public struct ShellOptions: Sendable {
    public var seed: UInt64 = 0
    /// False with `--no-color` or the NO_COLOR variable.
    public var colorAllowed = true
    public var json = false
    public var plots: Settings.PlotPreview?

    public init() {}

    /// Settings for a new session, with colour only when `terminal` and allowed.
    func settings(terminal: Bool) -> Settings {
        var s = Settings()
        s.seed = seed
        s.color = terminal && colorAllowed
        if let plots { s.plots = plots }
        if terminal { s.terminalWidth = max(40, min(200, Terminal.columns())) }
        return s
    }
}

/// The non-interactive ways in: standard input, `-e`, `run` and `replay`.
public enum Frontends {
    /// The exit status once a script has run: a failed statement (1) wins; otherwise failed
    /// checks give 3, after a summary on standard error listing them.
    static func finalStatus(_ status: Int32, _ session: Session, _ console: Console) -> Int32 {
        let checks = session.interpreter.context.checks
        let failed = checks.filter { !$0.passed }
        guard !failed.isEmpty else { return status }
        console.error("\(failed.count) of \(checks.count) check\(checks.count == 1 ? "" : "s") failed:\n" + failed.map { "  FAIL  \(Printable.text($0.name))\n" }.joined())
        return status == ExitStatus.ok ? ExitStatus.check : status
    }

    static func makeSession(_ options: ShellOptions, console: Console, style: EventPrinter.Style, terminal: Bool = false) -> Session {
        let session = Session(settings: options.settings(terminal: terminal))
        if Terminal.isTerminal(2) { session.interpreter.context.progress = TerminalProgress() }
        let printer = EventPrinter(console: console, style: style, errorColor: options.colorAllowed && Terminal.isTerminal(2)) { [unowned session] in session.settings }
        if style != .json {
            let interactive = style == .interactive
            printer.preview = { [unowned session] figure in session.preview(figure, interactive: interactive) }
        }
        session.onEvent = printer.handle
        return session
    }

    /// Batch mode: statements from standard input, no prompt, errors to standard error with
    /// `<stdin>:line:column`, carrying on after errors; exit 1 at the end if any failed.
    public static func batch(_ options: ShellOptions) -> Int32 {
        let console = Console()
        let session = makeSession(options, console: console, style: options.json ? .json : .plain)
        defer { session.close() }
        Signals.installInterruptHandler()
        let input = LineInput()
        var reader = ChunkReader()
        var failed = false
        func run(_ chunk: (text: String, firstLine: Int)) -> Bool {
            let outcome = session.run(chunk.text, sourceName: "<stdin>", firstLine: chunk.firstLine)
            failed = failed || outcome.failed
            return !outcome.interrupted && !session.quitRequested
        }
        while let line = input.next() {
            session.remember(line)
            if let chunk = reader.add(line), !run(chunk) {
                console.flush()
                return session.quitRequested ? (failed ? ExitStatus.failed : ExitStatus.ok) : ExitStatus.interrupted
            }
        }
        if let chunk = reader.finish() { _ = run(chunk) }
        console.flush()
        return finalStatus(failed ? ExitStatus.failed : ExitStatus.ok, session, console)
    }

    /// `fathom -e 'EXPR; EXPR'`: evaluate, print, exit.
    public static func expression(_ text: String, _ options: ShellOptions) -> Int32 {
        let console = Console()
        let session = makeSession(options, console: console, style: options.json ? .json : .plain)
        defer { session.close() }
        Signals.installInterruptHandler()
        let status = runText(text, name: "<-e>", session: session, stopAtError: false)
        console.flush()
        return status == ExitStatus.interrupted ? status : finalStatus(status, session, console)
    }

    /// Runs `text` chunk by chunk; returns the exit status.
    static func runText(_ text: String, name: String, session: Session, stopAtError: Bool) -> Int32 {
        var reader = ChunkReader()
        var failed = false
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var chunks: [(text: String, firstLine: Int)] = []
        for line in lines {
            if let c = reader.add(line.hasSuffix("\r") ? String(line.dropLast()) : line) { chunks.append(c) }
        }
        if let c = reader.finish() { chunks.append(c) }
        for c in chunks {
            let outcome = session.run(c.text, sourceName: name, firstLine: c.firstLine, stopAtError: stopAtError)
            if outcome.interrupted { return ExitStatus.interrupted }
            if outcome.failed {
                failed = true
                if stopAtError { return ExitStatus.failed }
            }
            if session.quitRequested { break }
        }
        return failed ? ExitStatus.failed : ExitStatus.ok
    }

    /// `fathom run FILE...`: each file in turn in one session; stops at the first failing
    /// statement unless `keepGoing`. With `report`, the session is also written as a report
    /// (Markdown or HTML), errors included.
    public static func run(_ files: [String], keepGoing: Bool, report: String? = nil, _ options: ShellOptions) -> Int32 {
        let console = Console()
        if let report, ReportFormat(path: report) == nil {
            console.error("fathom: --report writes .md or .html, not '\(Printable.text(report))'\n")
            return ExitStatus.usage
        }
        let session = makeSession(options, console: console, style: options.json ? .json : .plain)
        defer { session.close() }
        Signals.installInterruptHandler()
        var texts: [(String, String)] = []
        for f in files {
            do {
                texts.append((f, try FileSystem.readText(f)))
            } catch let e as FileError {
                console.error("fathom: cannot read \(Printable.text(e.message))\n")
                return ExitStatus.usage
            } catch {
                console.error("fathom: cannot read \(Printable.text(f))\n")
                return ExitStatus.usage
            }
        }
        session.logsFailures = report != nil
        var status = ExitStatus.ok
        var stopNote: String?
        for (name, text) in texts {
            let s = report == nil
                ? runText(text, name: name, session: session, stopAtError: !keepGoing)
                : runNotebook(text, name: name, session: session, stopAtError: !keepGoing)
            if s == ExitStatus.interrupted { console.flush(); return s }
            if s != ExitStatus.ok {
                status = s
                if !keepGoing {
                    stopNote = "The script stopped at this error; fathom run --keep-going runs the statements after it."
                    break
                }
            }
            if session.quitRequested { break }
        }
        if let report {
            do {
                let title = FileSystem.baseName(files[0])
                let line = try session.writeReport(to: report, defaultTitle: title, origin: files.map(FileSystem.baseName).joined(separator: ", "), includeFailures: true, stopNote: stopNote)
                console.flush()
                console.error(Printable.text(line) + "\n")
            } catch let d as Diagnostic {
                console.flush()
                console.error("fathom: " + Printable.text(d.message) + "\n")
                return ExitStatus.failed
            } catch {
                console.flush()
                return ExitStatus.interrupted
            }
        }
        console.flush()
        return finalStatus(status, session, console)
    }

    /// Runs a script as a notebook: its prose, comments and blank lines enter the session's
    /// log between the statements (for a report); recorded `#>` outputs are skipped.
    static func runNotebook(_ text: String, name: String, session: Session, stopAtError: Bool) -> Int32 {
        var failed = false
        for segment in Transcript(parsing: text).segments {
            switch segment {
            case .other(let lines):
                for line in lines where !line.trimmingSpaces.hasPrefix("#>") { session.logOther(line) }
            case .code(let code, let firstLine, _):
                let outcome = session.run(code, sourceName: name, firstLine: firstLine, stopAtError: stopAtError)
                if outcome.interrupted { return ExitStatus.interrupted }
                if outcome.failed {
                    failed = true
                    if stopAtError { return ExitStatus.failed }
                }
                if session.quitRequested { return failed ? ExitStatus.failed : ExitStatus.ok }
            }
        }
        return failed ? ExitStatus.failed : ExitStatus.ok
    }
}
