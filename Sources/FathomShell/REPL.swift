import FathomCore
import FathomLanguage

extension Frontends {
    /// The interactive shell: numbered prompts, libedit editing and history, Tab completion,
    /// a continuation prompt for unfinished statements, Ctrl-C to clear the line or stop a
    /// computation, Ctrl-D to leave.
    public static func interactive(_ options: ShellOptions) -> Int32 {
        let console = Console()
        let session = makeSession(options, console: console, style: .interactive, terminal: true)
        defer { session.close() }
        Signals.installInterruptHandler()
        return shell(session, console: console, options: options,
                     banner: "Fathom \(FathomVersion.string): how models fail. ?name explains a builtin, :help lists everything, Ctrl-D leaves.")
    }

    /// The prompt loop on an open session (a new one, or a lesson's at the end of the tour).
    static func shell(_ session: Session, console: Console, options: ShellOptions, banner: String) -> Int32 {
        guard let editor = LineEditor(program: "fathom") else {
            console.error("fathom: the line editor could not start; reading input without editing\n")
            return batch(options)
        }
        let history = HistoryFile.open { console.error($0) }
        history?.load { editor.loadHistory($0) }
        editor.complete = { [unowned session] text in
            let r = session.completions(for: text)
            return LineEditor.Completion(insert: r.insertion, candidates: r.candidates)
        }
        let color = session.settings.color
        func paint(_ s: String, _ code: String) -> String {
            color ? "\u{1}\u{1B}[\(code)m\u{1}\(s)\u{1}\u{1B}[0m\u{1}" : s
        }
        console.write(banner + "\n")
        var reader = ChunkReader()
        var inputCell = session.nextCell
        while !session.quitRequested {
            console.flush()
            let number = "[\(session.nextCell)]>"
            let prompt = reader.isContinuing
                ? paint(String(repeating: ".", count: number.count - 1) + ">", "2") + " "
                : paint(number, "32") + " "
            switch editor.read(prompt: prompt) {
            case .endOfInput:
                console.write("\n")
                console.flush()
                return ExitStatus.ok
            case .interrupted:
                Interruption.clear()
                reader.cancel()
                console.write("\n")
            case .line(let line):
                if !line.trimmingSpaces.isEmpty {
                    editor.addToHistory(line)
                    history?.append(line)
                    session.remember(line)
                }
                if !reader.isContinuing, line.trimmingSpaces.hasPrefix("#'") {
                    session.logProse(line.trimmingSpaces)
                    continue
                }
                if !reader.isContinuing { inputCell = session.nextCell }
                if let chunk = reader.add(line) {
                    // Errors name the input as IPython does: In[30]:2:5 is line 2, column 5 of
                    // what was typed at the prompt [30]>.
                    session.run(chunk.text, sourceName: "In[\(inputCell)]", firstLine: 1)
                }
            }
        }
        console.flush()
        return ExitStatus.ok
    }
}

/// The version `fathom --version` prints.
public enum FathomVersion {
    public static let string = "0.1.0"
}
