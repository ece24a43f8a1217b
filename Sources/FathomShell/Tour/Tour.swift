#if canImport(Glibc)
import Glibc
#endif
import FathomCore
import FathomLanguage

/// A lesson cut into steps: each step is prose followed by the statements up to the next
/// prose.
struct LessonSteps {
    struct Step {
        var prose: [String] = []
        var code: [(text: String, firstLine: Int)] = []
    }

    var steps: [Step]

    init(_ text: String) {
        var steps: [Step] = []
        var current = Step()
        for segment in Transcript(parsing: text).segments {
            switch segment {
            case .other(let lines):
                for line in lines {
                    let t = line.trimmingSpaces
                    if t.hasPrefix("#'") {
                        if !current.code.isEmpty {
                            steps.append(current)
                            current = Step()
                        }
                        current.prose.append(Report.proseText(t))
                    } else if t.isEmpty, !current.prose.isEmpty, current.code.isEmpty {
                        current.prose.append("")
                    }
                }
            case .code(let text, let firstLine, _):
                current.code.append((text, firstLine))
            }
        }
        if !current.prose.isEmpty || !current.code.isEmpty { steps.append(current) }
        self.steps = steps
    }
}

extension Frontends {
    /// `fathom tour`: the list of lessons. `fathom tour NAME`: one lesson, step by step in a
    /// terminal (Enter for the next step, `s` to stop and explore, `q` to leave; the shell
    /// stays open at the end with the lesson's variables), straight through otherwise.
    /// With `notebook`, the lesson is written there as a Jupyter notebook instead of run.
    public static func tour(_ name: String?, notebook: String? = nil, _ options: ShellOptions) -> Int32 {
        let console = Console()
        guard let folder = LessonCatalog.locate() else {
            console.error("fathom: the lessons are not installed (no Lessons folder beside fathom; FATHOM_LESSONS names one)\n")
            return ExitStatus.usage
        }
        let lessons = LessonCatalog.lessons(in: folder)
        guard let name else {
            if notebook != nil {
                console.error("fathom: --notebook writes one lesson: give its name (fathom tour NAME --notebook out.ipynb)\n" + listing(lessons))
                return ExitStatus.usage
            }
            console.write(listing(lessons))
            console.flush()
            return ExitStatus.ok
        }
        guard let lesson = lessons.first(where: { $0.name == name || String($0.number) == name }) else {
            var message = "fathom: no lesson called '\(name)'"
            if let note = Suggestions.note(for: name, in: lessons.map(\.name)) { message += "; \(note)" }
            console.error(message + "\n" + listing(lessons))
            return ExitStatus.usage
        }
        let text: String
        do {
            text = try FileSystem.readText(lesson.path)
        } catch let e as FileError {
            console.error("fathom: cannot read \(Printable.text(e.message))\n")
            return ExitStatus.usage
        } catch {
            return ExitStatus.usage
        }
        let steps = LessonSteps(text).steps
        if let notebook {
            do {
                try FileSystem.writeAtomically(notebook, text: LessonNotebook.json(steps))
            } catch let e as FileError {
                console.error("fathom: cannot write \(Printable.text(e.message))\n")
                return ExitStatus.failed
            } catch {
                return ExitStatus.failed
            }
            console.write("wrote lesson \(lesson.number), \(Printable.text(lesson.title)), as the notebook \(Printable.text(notebook))\n")
            console.flush()
            return ExitStatus.ok
        }
        let interactive = Terminal.isInteractive && !options.json
        let session = makeSession(options, console: console, style: interactive ? .interactive : .plain, terminal: interactive)
        defer { session.close() }
        Signals.installInterruptHandler()
        let color = session.settings.color
        let prose = ProseStyle(color: color)
        var failed = false
        if interactive {
            console.write(prose.dim("Lesson \(lesson.number) of \(lessons.count) · \(steps.count) steps · Enter: next step · s: stop here and explore · q: leave") + "\n\n")
        }
        for (i, step) in steps.enumerated() {
            for line in prose.render(step.prose) { console.write(line + "\n") }
            if !step.prose.isEmpty { console.write("\n") }
            for code in step.code {
                let lines = code.text.split(separator: "\n", omittingEmptySubsequences: false)
                for (k, l) in lines.enumerated() {
                    let mark = interactive ? (k == 0 ? "[\(session.nextCell)]>" : "...>") : (k == 0 ? ">" : " ")
                    console.write(prose.paint(mark, "32") + " " + l + "\n")
                }
                let outcome = session.run(code.text, sourceName: lesson.path, firstLine: code.firstLine)
                failed = failed || outcome.failed
                if outcome.interrupted { console.flush(); return ExitStatus.interrupted }
            }
            console.write("\n")
            guard interactive, i < steps.count - 1 else { continue }
            console.write(prose.dim("── step \(i + 1) of \(steps.count) done · Enter: next · s: explore · q: leave ──"))
            console.flush()
            let key = Terminal.readKey()
            console.write("\r\u{1B}[2K")
            switch key {
            case UInt8(ascii: "q"), UInt8(ascii: "Q"), 3, 4, nil:
                console.write("Left the lesson; `fathom tour \(lesson.name)` starts it again.\n")
                console.flush()
                return ExitStatus.ok
            case UInt8(ascii: "s"), UInt8(ascii: "S"):
                return shell(session, console: console, options: options,
                             banner: "Stopped at step \(i + 1) of \(steps.count). The lesson's variables are yours (:vars lists them); Ctrl-D leaves.")
            default:
                continue
            }
        }
        guard interactive else {
            console.flush()
            return failed ? ExitStatus.failed : ExitStatus.ok
        }
        return shell(session, console: console, options: options,
                     banner: "End of the lesson. Its variables are yours (:vars lists them): try the ideas above. Ctrl-D leaves.")
    }

    /// The lessons, numbered, with their titles.
    static func listing(_ lessons: [Lesson]) -> String {
        guard !lessons.isEmpty else { return "no lessons found\n" }
        let w = lessons.map(\.name.count).max() ?? 0
        var out = "Lessons: fathom tour NAME runs one (step by step in a terminal)\n"
        for l in lessons { out += "  \(l.number)  " + l.name.padding(w) + "  " + l.title + "\n" }
        return out
    }
}

/// Prose of a lesson for a terminal: the title in capitals, sections marked, `code` in colour,
/// `**strong**` bold and `*emphasis*` in italics;
/// without colour, the text as written.
struct ProseStyle {
    var color: Bool

    func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    func dim(_ s: String) -> String { paint(s, "2") }

    func render(_ lines: [String]) -> [String] {
        lines.map { line in
            if line.hasPrefix("#") {
                let text = String(line.drop { $0 == "#" }).trimmingSpaces
                return paint(line.hasPrefix("# ") ? text.uppercased() : "── " + text, "1")
            }
            return "  " + (color ? spans(line) : line)
        }
    }

    /// `code` in cyan and `**strong**` in bold, markers removed.
    func spans(_ line: String) -> String {
        var out = ""
        var rest = Substring(line)
        while let ch = rest.first {
            if ch == "`", let end = rest.dropFirst().firstIndex(of: "`") {
                out += paint(String(rest[rest.index(after: rest.startIndex)..<end]), "36")
                rest = rest[rest.index(after: end)...]
            } else if rest.hasPrefix("**"), let end = rest.dropFirst(2).firstRange(of: "**") {
                out += paint(String(rest[rest.index(rest.startIndex, offsetBy: 2)..<end.lowerBound]), "1")
                rest = rest[end.upperBound...]
            } else if ch == "*", let next = rest.dropFirst().first, next != " ", let end = rest.dropFirst().firstIndex(of: "*") {
                out += paint(String(rest[rest.index(after: rest.startIndex)..<end]), "3")
                rest = rest[rest.index(after: end)...]
            } else {
                out.append(ch)
                rest = rest.dropFirst()
            }
        }
        return out
    }
}
