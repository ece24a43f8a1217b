import FathomCore
import FathomLanguage

/// The `:` commands of the shell, and `?name`.
struct Commands {
    struct Command: Sendable {
        let names: [String]
        let usage: String
        let summary: String
        /// Runs with the words after the command; the ranges locate each word for errors.
        let run: @Sendable (Session, [(String, SourceRange)], SourceFile) throws -> Void
    }

    static let all: [Command] = [
        Command(names: ["help", "h"], usage: ":help [TOPIC|NAME]", summary: "help on a topic or builtin; alone, everything") { s, words, src in
            try s.help(words.first, src)
        },
        Command(names: ["vars"], usage: ":vars", summary: "the variables and what they hold") { s, _, _ in
            s.showVariables()
        },
        Command(names: ["save"], usage: ":save FILE", summary: "write this session as a script with its outputs") { s, words, src in
            try s.save(try single(words, "a file name, as in :save audit.fathom", src))
        },
        Command(names: ["report"], usage: ":report FILE", summary: "write this session as a report: .md (plots beside it) or .html") { s, words, src in
            let (file, range) = try single(words, "a report file, as in :report audit.md or :report audit.html", src)
            do {
                s.onEvent(.info(try s.writeReport(to: file, defaultTitle: "Fathom session", origin: "interactive session", includeFailures: false)))
            } catch var d as Diagnostic {
                if d.range == nil { d.range = range; d.source = src }
                throw d
            }
        },
        Command(names: ["load"], usage: ":load FILE", summary: "run a script in this session") { s, words, src in
            try s.load(try single(words, "a script file, as in :load audit.fathom", src))
        },
        Command(names: ["history"], usage: ":history [N]", summary: "the lines entered in this session (the last N)") { s, words, src in
            var n: Int?
            if let w = words.first {
                guard let v = Int(w.0), v > 0 else {
                    throw Diagnostic("command.argument", ":history takes a positive count, got '\(w.0)'", at: w.1, source: src)
                }
                n = v
            }
            s.showHistory(last: n)
        },
        Command(names: ["set"], usage: ":set [NAME VALUE]", summary: "change a setting (seed, digits, plots, color, …); alone, list them") { s, words, src in
            try s.set(words, src)
        },
        Command(names: ["clear"], usage: ":clear [NAME...]", summary: "forget the named variables, or all variables and cell values") { s, words, _ in
            let n = s.clear(words.map(\.0))
            s.onEvent(.info(words.isEmpty ? "cleared \(n) variable\(n == 1 ? "" : "s") and every cell value" : "cleared \(n) variable\(n == 1 ? "" : "s")"))
        },
        Command(names: ["quit", "q", "exit"], usage: ":quit", summary: "leave (Ctrl-D does the same)") { s, _, _ in
            s.requestQuit()
        },
    ]

    static func find(_ name: String) -> Command? {
        all.first { $0.names.contains(name) }
    }

    static func single(_ words: [(String, SourceRange)], _ expected: String, _ src: SourceFile) throws -> (String, SourceRange) {
        guard words.count == 1 else {
            let range = words.count > 1 ? words[1].1 : SourceRange(src.bytes.count, src.bytes.count)
            throw Diagnostic("command.argument", "expected \(expected)", at: range, source: src)
        }
        return words[0]
    }

    /// Splits a command line into words with their byte ranges; a word may be quoted
    /// ("my file.fathom") to hold spaces.
    static func words(_ src: SourceFile, from start: Int) -> [(String, SourceRange)] {
        let b = src.bytes
        var out: [(String, SourceRange)] = []
        var i = start
        while i < b.count {
            while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 13 || b[i] == 10 { i += 1 }
            guard i < b.count else { break }
            let s = i
            if b[i] == 34 || b[i] == 39 {
                let q = b[i]
                i += 1
                while i < b.count, b[i] != q { i += 1 }
                out.append((String(decoding: b[(s + 1)..<min(i, b.count)], as: UTF8.self), SourceRange(s, min(i + 1, b.count))))
                i += 1
            } else {
                while i < b.count, !(b[i] == 32 || b[i] == 9 || b[i] == 13 || b[i] == 10) { i += 1 }
                out.append((String(decoding: b[s..<i], as: UTF8.self), SourceRange(s, i)))
            }
        }
        return out
    }
}

extension Session {
    /// Runs `:command args` or `?name`; `offset` is where the `:` or `?` sits.
    func runCommand(_ source: SourceFile, offset: Int) -> Outcome {
        let b = source.bytes
        do {
            if b[offset] == UInt8(ascii: "?") {
                let words = Commands.words(source, from: offset + 1)
                try help(words.first, source)
                return Outcome()
            }
            var end = offset + 1
            while end < b.count, b[end] != 32, b[end] != 9, b[end] != 13, b[end] != 10 { end += 1 }
            let name = String(decoding: b[(offset + 1)..<end], as: UTF8.self)
            guard let command = Commands.find(name) else {
                var notes = Suggestions.note(for: name, in: Commands.all.flatMap(\.names)).map { [$0] } ?? []
                notes.append(":help lists the commands")
                throw Diagnostic("command.unknown", name.isEmpty ? "expected a command name after ':'" : "unknown command ':\(name)'", at: SourceRange(offset, end), notes: notes, source: source)
            }
            loadOutcome = Outcome()
            try command.run(self, Commands.words(source, from: end), source)
            if command.names[0] == "set" { logCommand(source.text.trimmingSpaces) }
            // A :load'ed script's failure is the command's: `fathom run` exits 1 for it.
            return loadOutcome
        } catch var d as Diagnostic {
            if d.source == nil { d.source = source }
            onEvent(.failed(cell: nil, input: source.text, diagnostic: d))
            return Outcome(failed: true)
        } catch {
            onEvent(.failed(cell: nil, input: source.text, diagnostic: Diagnostic("command.failed", "\(error)", source: source)))
            return Outcome(failed: true)
        }
    }

    func help(_ word: (String, SourceRange)?, _ src: SourceFile) throws {
        guard let (name, range) = word else {
            onEvent(.info(Help.overview(interpreter.registry)))
            return
        }
        if let text = helpText(name) {
            onEvent(.info(text))
        } else {
            let candidates = interpreter.registry.allNames + Help.topics.map(\.name)
            var notes = Suggestions.note(for: name, in: candidates).map { [$0] } ?? []
            notes.append(":help lists every topic and builtin")
            throw Diagnostic("help.unknown", "no help for '\(name)'", at: range, notes: notes, source: src)
        }
    }

    /// The help `?name` shows for a builtin, topic, constant or command; nil for other names.
    /// A name that is both a builtin and a topic (reliability) shows both, the builtin first,
    /// so that neither page is out of reach.
    func helpText(_ name: String) -> String? {
        let topic = Help.topics.first(where: { $0.name == name })
        if let b = interpreter.registry.builtin(named: name) {
            guard let topic else { return Help.builtin(b) }
            return Help.builtin(b) + "\n\n" + Help.topicBesideBuiltin(topic)
        }
        if let topic { return topic.text }
        if let c = interpreter.registry.constants.first(where: { $0.name == name }) { return "\(c.name)  —  constant: \(c.doc)" }
        if let command = Commands.find(name.hasPrefix(":") ? String(name.dropFirst()) : name) { return "\(command.usage)  —  \(command.summary)" }
        return nil
    }

    func showVariables() {
        let vars = interpreter.variables.sorted { $0.key < $1.key }
        guard !vars.isEmpty else {
            onEvent(.info("no variables yet; assign one with name = value"))
            return
        }
        let w = vars.map(\.key.count).max() ?? 0
        onEvent(.info(vars.map { $0.key.padding(w) + "  " + $0.value.described }.joined(separator: "\n")))
    }

    func showHistory(last: Int?) {
        let lines = inputHistory
        let start = max(0, lines.count - (last ?? lines.count))
        let w = String(lines.count).count
        var out: [String] = []
        for i in start..<lines.count {
            out.append(String(i + 1).leftPadded(w) + "  " + lines[i])
        }
        onEvent(.info(out.isEmpty ? "no history yet" : out.joined(separator: "\n")))
    }

    func set(_ words: [(String, SourceRange)], _ src: SourceFile) throws {
        if words.isEmpty {
            let w = Settings.descriptions.map(\.name.count).max() ?? 0
            onEvent(.info(Settings.descriptions.map { d in
                d.name.padding(w) + "  " + (settings.text(of: d.name) ?? "").padding(10) + "  " + d.doc
            }.joined(separator: "\n")))
            return
        }
        let (name, nameRange) = words[0]
        guard settings.text(of: name) != nil else {
            var notes = Suggestions.note(for: name, in: Settings.descriptions.map(\.name)).map { [$0] } ?? []
            notes.append("settings: " + Settings.descriptions.map(\.name).joined(separator: ", "))
            throw Diagnostic("command.setting", "unknown setting '\(name)'", at: nameRange, notes: notes, source: src)
        }
        guard words.count == 2 else {
            if words.count == 1 {
                onEvent(.info("\(name) = \(settings.text(of: name) ?? "")"))
                return
            }
            throw Diagnostic("command.argument", ":set takes a name and one value", at: words[2].1, source: src)
        }
        if let problem = settings.set(name, words[1].0) {
            throw Diagnostic("command.setting", problem, at: words[1].1, source: src)
        }
        applySettings(reseed: name == "seed")
    }

    func save(_ file: (String, SourceRange)) throws {
        var text = ""
        let kept = log.filter { $0.error == nil }
        for cell in kept {
            text += cell.input + "\n"
            for line in Transcript.outputLines(cell.output) { text += line.isEmpty ? "#>\n" : "#> " + line + "\n" }
        }
        do {
            try FileSystem.writeAtomically(file.0, text: text)
        } catch let e as FileError {
            throw Diagnostic("command.save", "cannot save: \(e.reason)", at: file.1)
        }
        onEvent(.info("saved \(kept.count) cell\(kept.count == 1 ? "" : "s") to \(file.0)"))
    }

    func load(_ file: (String, SourceRange)) throws {
        guard loadDepth < 16 else {
            throw Diagnostic("command.load", "scripts loading scripts nest more than 16 deep; does \(file.0) load itself?", at: file.1)
        }
        loadDepth += 1
        defer { loadDepth -= 1 }
        let text: String
        do {
            text = try FileSystem.readText(file.0)
        } catch let e as FileError {
            throw Diagnostic("command.load", "cannot load \(file.0): \(e.reason)", at: file.1)
        }
        var reader = ChunkReader()
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var chunks: [(text: String, firstLine: Int)] = []
        for line in lines { if let chunk = reader.add(line) { chunks.append(chunk) } }
        if let chunk = reader.finish() { chunks.append(chunk) }
        var outcome = Outcome()
        // Like `fathom run`, a loaded script stops at its first failing statement.
        for chunk in chunks {
            let o = run(chunk.text, sourceName: file.0, firstLine: chunk.firstLine, stopAtError: true)
            outcome.failed = outcome.failed || o.failed
            outcome.interrupted = o.interrupted
            if o.failed || o.interrupted { break }
        }
        loadOutcome = outcome
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s = s.dropLast() }
        return String(s)
    }

    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
