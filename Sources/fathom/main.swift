import ArgumentParser
import FathomShell

#if canImport(Glibc)
import Glibc
#endif

extension Settings.PlotPreview: ExpressibleByArgument {}

/// Options every subcommand takes.
struct CommonOptions: ParsableArguments {
    @Option(help: "Seed of the session's random generator.")
    var seed: UInt64 = 0

    @Flag(name: .customLong("no-color"), help: "No colours (also when the NO_COLOR variable is set).")
    var noColor = false

    @Option(help: ArgumentHelp("How plots without to= show in a terminal.", valueName: "auto|text|sixel|off"))
    var plots: Settings.PlotPreview?

    func shellOptions(json: Bool) -> ShellOptions {
        var o = ShellOptions()
        o.seed = seed
        o.colorAllowed = !noColor && !Terminal.noColorRequested
        o.json = json
        o.plots = plots
        return o
    }
}

/// Whether outputs print as JSON. Declared once and shared by the root command and `run`, so
/// `fathom --json run F`, `fathom run --json F` and `fathom run F --json` all reach it.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON object per output cell: {\"cell\": N, \"input\": ..., \"value\": ...}.")
    var json = false
}

/// `-e EXPR`, declared once: the root command evaluates them; the subcommands carry the group
/// hidden only to refuse it (ArgumentParser gives a root option written anywhere on the line
/// to every command that declares it, and would otherwise drop it silently).
struct ExpressionOptions: ParsableArguments {
    @Option(name: .customShort("e"), help: ArgumentHelp("Evaluate EXPR, print its values, and exit (may repeat).", valueName: "EXPR"))
    var expressions: [String] = []
}

/// Refuses root-only options given with a subcommand that would ignore them.
func refuseIgnored(_ subcommand: String, expressions: ExpressionOptions, output: OutputOptions?) throws {
    if !expressions.expressions.isEmpty {
        throw ValidationError("-e evaluates expressions on its own; it cannot be combined with '\(subcommand)' (run the expressions with fathom -e, or put them in a script)")
    }
    if let output, output.json {
        throw ValidationError("--json prints values as JSON for fathom -e, standard input and fathom run; '\(subcommand)' does not print JSON (use fathom run FILE --json)")
    }
}

struct Fathom: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fathom",
        abstract: "An interactive shell for how machine-learning models fail: calibration, shift, rare failures.",
        discussion: """
        With no arguments Fathom opens the interactive shell when standard input and output are a \
        terminal, and otherwise reads statements from standard input (batch mode). Exit status: \
        0 all good; 1 a statement failed; 2 usage error; 3 a check failed or replay --check found \
        a changed output.
        """,
        version: FathomVersion.string,
        subcommands: [Run.self, Replay.self, Tour.self, KernelCommand.self, Docs.self]
    )

    @OptionGroup var evaluate: ExpressionOptions

    @OptionGroup var output: OutputOptions

    @OptionGroup var common: CommonOptions

    func run() throws {
        let json = output.json
        let options = common.shellOptions(json: json)
        let status: Int32
        if !evaluate.expressions.isEmpty {
            status = Frontends.expression(evaluate.expressions.joined(separator: "\n"), options)
        } else if Terminal.isInteractive && !json {
            status = Frontends.interactive(options)
        } else {
            status = Frontends.batch(options)
        }
        throw ExitCode(status)
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run scripts in one session, printing their outputs.")

    @Argument(help: "Scripts (.fathom files) to run in order.")
    var files: [String]

    @Flag(name: .customLong("keep-going"), help: "Carry on after a failing statement (the exit status is still 1).")
    var keepGoing = false

    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("Also write the session as a report: Markdown (plots in NAME_files/ beside it) or one self-contained HTML file.", valueName: "out.md|out.html"))
    var report: String?

    @OptionGroup var common: CommonOptions

    @OptionGroup(visibility: .private) var evaluate: ExpressionOptions

    func validate() throws {
        try refuseIgnored("run", expressions: evaluate, output: nil)
        if files.isEmpty { throw ValidationError("give at least one script to run") }
    }

    func run() throws {
        throw ExitCode(Frontends.run(files, keepGoing: keepGoing, report: report, common.shellOptions(json: output.json)))
    }
}

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay a transcript: show it like a notebook, check its recorded outputs, or update them.",
        discussion: "A transcript is a script whose statements are followed by their outputs in '#> ' lines; '#'' lines are prose.")

    @Argument(help: "The transcript (.fathom file).")
    var file: String

    @Flag(help: "Compare outputs with the recorded ones; exit 3 with a diff if any changed.")
    var check = false

    @Flag(help: "Rewrite the recorded outputs.")
    var update = false

    @OptionGroup var common: CommonOptions

    @OptionGroup(visibility: .private) var evaluate: ExpressionOptions
    @OptionGroup(visibility: .private) var output: OutputOptions

    func validate() throws {
        try refuseIgnored("replay", expressions: evaluate, output: output)
        if check && update { throw ValidationError("--check and --update cannot be used together") }
    }

    func run() throws {
        let mode: Frontends.ReplayMode = check ? .check : update ? .update : .show
        throw ExitCode(Frontends.replay(file, mode: mode, common.shellOptions(json: false)))
    }
}

struct Tour: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lessons on bundled data: list them, or take one step by step.",
        discussion: "In a terminal a lesson runs one step at a time (Enter: next step, s: stop and explore, q: leave) and the shell stays open at the end with the lesson's variables; otherwise it runs straight through.")

    @Argument(help: "The lesson (its name or number); without it, the list.")
    var lesson: String?

    @Option(help: ArgumentHelp("Write the lesson as a Jupyter notebook for the Fathom kernel instead of running it.", valueName: "out.ipynb"))
    var notebook: String?

    @OptionGroup var common: CommonOptions

    @OptionGroup(visibility: .private) var evaluate: ExpressionOptions
    @OptionGroup(visibility: .private) var output: OutputOptions

    func validate() throws {
        try refuseIgnored("tour", expressions: evaluate, output: output)
    }

    func run() throws {
        throw ExitCode(Frontends.tour(lesson, notebook: notebook, common.shellOptions(json: false)))
    }
}

struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "A Jupyter kernel: Fathom in JupyterLab, Notebook and VS Code.",
        discussion: "Jupyter starts 'fathom kernel -f CONNECTION_FILE' itself once the kernel spec is installed with 'fathom kernel install'. Connection file problems exit with 2; a port that cannot be listened on exits with 1.",
        subcommands: [KernelInstall.self])

    @Option(name: .customShort("f"), help: ArgumentHelp("The connection file Jupyter wrote (ports and signing key).", valueName: "CONNECTION_FILE"))
    var connectionFile: String?

    @OptionGroup(visibility: .private) var evaluate: ExpressionOptions
    @OptionGroup(visibility: .private) var output: OutputOptions

    func validate() throws {
        try refuseIgnored("kernel", expressions: evaluate, output: output)
    }

    func run() throws {
        // Checked here, not in validate(): ArgumentParser validates this command for
        // 'fathom kernel install' too.
        guard let connectionFile else {
            throw ValidationError("give the connection file with -f CONNECTION_FILE (Jupyter does this); 'fathom kernel install' installs the kernel spec")
        }
        throw ExitCode(Frontends.kernel(connectionFile: connectionFile))
    }
}

struct KernelInstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the kernel spec so that Jupyter lists Fathom.",
        discussion: "Writes kernels/NAME/kernel.json, which starts this fathom executable, under PREFIX/share/jupyter (--prefix), your Jupyter data folder (--user), or /usr/local/share/jupyter.")

    @Flag(help: "Install for you alone (JUPYTER_DATA_DIR, else ~/.local/share/jupyter).")
    var user = false

    @Option(help: ArgumentHelp("Install under DIR/share/jupyter (a virtual environment's folder, say).", valueName: "DIR"))
    var prefix: String?

    @Option(help: "The kernel's name: letters, digits, '.', '_' and '-'.")
    var name = "fathom"

    @OptionGroup(visibility: .private) var evaluate: ExpressionOptions
    @OptionGroup(visibility: .private) var output: OutputOptions

    func validate() throws {
        try refuseIgnored("kernel install", expressions: evaluate, output: output)
        if user && prefix != nil { throw ValidationError("--user and --prefix cannot be used together") }
    }

    func run() throws {
        throw ExitCode(Frontends.installKernel(name: name, user: user, prefix: prefix))
    }
}

struct Docs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print generated documentation (docs/reference and the README's index of it).",
        shouldDisplay: false)

    @Argument(help: "index (the README's), list (the reference's file names), or a file name from list")
    var section: String

    func run() throws {
        let files = Documentation.referenceFiles()
        switch section {
        case "index": print(Documentation.readmeIndex())
        case "list": print(files.map(\.name).joined(separator: "\n"))
        default:
            guard let file = files.first(where: { $0.name == section }) else {
                throw ValidationError("unknown section '\(section)': index, list, or one of \(files.map(\.name).joined(separator: ", "))")
            }
            print(file.text, terminator: "")
        }
    }
}

do {
    var command = try Fathom.parseAsRoot()
    try command.run()
} catch {
    let code = Fathom.exitCode(for: error)
    if code == .validationFailure {
        // Usage errors exit with 2, as DESIGN.md fixes.
        let message = Fathom.fullMessage(for: error)
        FileHandleLite.writeError(message + "\n")
        exit(2)
    }
    Fathom.exit(withError: error)
}

enum FileHandleLite {
    static func writeError(_ s: String) {
        Console().error(s)
    }
}
