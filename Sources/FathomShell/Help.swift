import FathomLanguage

/// Help text, generated from the builtin registry and the reference texts, for `?name`,
/// `:help` and the README.
public enum Help {
    /// `?mean` and `:help mean`.
    public static func builtin(_ b: Builtin) -> String {
        var lines = ["\(b.signature)  —  \(b.summary)", ""]
        if !b.doc.isEmpty {
            lines += wrap(b.doc, width: 76).map { "  " + $0 }
            lines.append("")
        }
        if !b.parameters.isEmpty {
            lines.append("  Parameters")
            let w = b.parameters.map { $0.signatureText.count }.max() ?? 0
            for p in b.parameters {
                let head = "    " + p.signatureText.padding(w) + "  "
                let text = "\(p.type)" + (p.doc.isEmpty ? "" : ": \(p.doc)") + defaultNote(p)
                let body = wrap(text, width: max(30, 76 - head.count))
                lines.append(head + body[0])
                for more in body.dropFirst() { lines.append(String(repeating: " ", count: head.count) + more) }
            }
            lines.append("")
        }
        lines.append("  Returns  \(b.returns)")
        if !b.examples.isEmpty {
            lines.append("")
            lines.append("  Examples")
            for e in b.examples { lines.append("    " + e) }
        }
        return lines.joined(separator: "\n")
    }

    static func defaultNote(_ p: Parameter) -> String {
        if case .absent(let what) = p.defaultValue { return " (if omitted: \(what))" }
        return ""
    }

    /// `:help` with no topic: how to get around, then every builtin by area.
    public static func overview(_ registry: BuiltinRegistry) -> String {
        var lines = [
            "Fathom: type an expression and press Enter. ?name or :help name explains a builtin.",
            "",
            "Topics (:help TOPIC)",
        ]
        let tw = topics.map(\.name.count).max() ?? 0
        for t in topics { lines.append("  " + t.name.padding(tw) + "  " + t.summary) }
        if conceptTopics.isEmpty {
            lines.append("  (the concept pages are missing: no docs/help folder beside fathom; FATHOM_HELP names one)")
        }
        lines += ["", "Commands"]
        for c in Commands.all { lines.append("  " + c.usage.padding(22) + c.summary) }
        for area in BuiltinArea.allCases {
            let bs = registry.builtins.filter { $0.area == area }
            if bs.isEmpty { continue }
            lines.append("")
            lines.append(area.rawValue)
            let w = bs.map(\.name.count).max() ?? 0
            for b in bs { lines.append("  " + b.name.padding(w) + "  " + b.summary) }
        }
        lines.append("")
        lines.append("Constants")
        for c in registry.constants { lines.append("  " + c.name.padding(4) + "  " + c.doc) }
        return lines.joined(separator: "\n")
    }

    /// A page of `:help TOPIC`.
    struct Topic {
        let name: String
        let summary: String
        let text: String
    }

    /// A topic shown after the builtin of the same name: a rule with the topic's name, then
    /// its page.
    static func topicBesideBuiltin(_ topic: Topic) -> String {
        "── topic \(topic.name) " + String(repeating: "─", count: max(3, 68 - topic.name.count)) + "\n\n" + topic.text
    }

    /// Help topics: the concepts (with their builtins and lesson), then the parts of the
    /// shell, each a page of text.
    static var topics: [Topic] {
        conceptTopics + [
            Topic(name: "language", summary: "expressions, vectors, tables, indexing, functions", text: LanguageReference.text),
            Topic(name: "commands", summary: "the : commands of the shell", text: commandsText),
            Topic(name: "keys", summary: "editing keys, history and completion", text: keysText),
            Topic(name: "results", summary: "the fields of every kind of result", text: resultsText),
        ]
    }

    /// `:help results`: each result type with its fields, from the types' declarations (the
    /// same ones that give field access and JSON).
    static var resultsText: String {
        let fileFormats = ResultTypes.documentation.filter(\.jsonIsFileFormat).map(\.name).joined(separator: " and ")
        var lines = ["Results: what analyses return. r.name reads a field, columns(r) lists them,",
                     "--json prints them all (\(fileFormats) print their file format instead).",
                     "as_table(r) gives a result as a table, and save(r, \"r.csv\") or \"r.parquet\"",
                     "writes that table (save(r, \"r.json\") writes its fields).", ""]
        for t in ResultTypes.documentation {
            lines.append(t.name)
            lines += wrap(t.doc, width: 76).map { "  " + $0 }
            let width = min(16, t.fields.map(\.name.count).max() ?? 0)
            for f in t.fields {
                let head = "    " + f.name.padding(width) + "  "
                let body = wrap(f.doc, width: max(30, 78 - head.count))
                lines.append(head + (body.first ?? ""))
                lines += body.dropFirst().map { String(repeating: " ", count: head.count) + $0 }
            }
            let table = wrap("as_table: " + (t.table ?? "none; it has no table form"), width: 76)
            lines += table.map { "  " + $0 }
            lines.append("")
        }
        return lines.dropLast().joined(separator: "\n")
    }

    /// The Markdown reference of result types for the README.
    public static func markdownResults() -> String {
        var out: [String] = []
        for t in ResultTypes.documentation {
            out.append("## `\(t.name)`")
            out.append("")
            out.append(t.doc)
            out.append("")
            for f in t.fields { out.append("- `\(f.name)` — \(f.doc)") }
            out.append("")
            out.append("`as_table` gives " + (t.table.map { $0 + "." } ?? "nothing: it has no table form."))
            out.append("")
        }
        return out.dropLast().joined(separator: "\n")
    }

    static var commandsText: String {
        (["Commands start with ':' at the beginning of a line.", ""] + Commands.all.map { "  " + $0.usage.padding(22) + $0.summary }
            + ["", "  ?name                 the same as :help name"]).joined(separator: "\n")
    }

    static let keysText = """
    Editing keys (emacs style)
      Tab          complete a builtin, variable, :command, field or column after '.',
                   or a file path inside a string
      Ctrl-R       search the history backwards; Up and Down step through it
      Ctrl-A/E     start / end of the line     Ctrl-K  delete to the end
      Ctrl-C       clear the line; while a computation runs, stop it (variables survive)
      Ctrl-D       leave (on an empty line)
    History is kept in ${XDG_STATE_HOME:-~/.local/state}/fathom/history.
    """

    /// The line at the top of every generated reference file.
    static let generatedNote = "<!-- Generated by Scripts/update-readme from the builtin registry and the result declarations; do not edit. -->"

    static let resultsIntro = "What analyses return: `r.name` reads a field, `columns(r)` lists them, `--json` prints every field (a model and a calibrator print their file format instead), and `as_table(r)` gives the result as a table, which `save(r, \"r.csv\")` and `save(r, \"r.parquet\")` write. Generated from each result type's one declaration, which also drives field access, completion, JSON and `:help results`."

    /// The anchor GitHub gives a builtin's heading (its name, then its parameters).
    static func anchor(_ name: String) -> String { name.lowercased() }

    /// The Markdown reference of one area's builtins, or nil when it has none. Each builtin's
    /// heading is an HTML anchor by its name, then its signature.
    public static func markdownArea(_ area: BuiltinArea, _ registry: BuiltinRegistry) -> String? {
        let bs = registry.builtins.filter { $0.area == area }
        if bs.isEmpty { return nil }
        var out: [String] = []
        for b in bs {
            out.append("<a id=\"\(anchor(b.name))\"></a>")
            out.append("## `\(b.signature)`")
            out.append("")
            let summary = b.summary.prefix(1).uppercased() + b.summary.dropFirst()
            out.append(summary + (summary.hasSuffix("?") || summary.hasSuffix(".") ? " " : ". ") + b.doc)
            out.append("")
            for p in b.parameters {
                out.append("- `\(p.signatureText)` — \(p.type)" + (p.doc.isEmpty ? "" : ": \(p.doc)") + defaultNote(p))
            }
            out.append("- returns: \(b.returns)")
            out.append("")
            out.append("```")
            out.append(contentsOf: b.examples)
            out.append("```")
            out.append("")
        }
        return out.dropLast().joined(separator: "\n")
    }

    /// The Markdown list of the language's constants.
    public static func markdownConstants(_ registry: BuiltinRegistry) -> String {
        registry.constants.map { "- `\($0.name)` — \($0.doc)" }.joined(separator: "\n")
    }

    /// Words of `text` in lines of at most `width` characters.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                if line.isEmpty { line = String(word) }
                else if line.count + 1 + word.count <= width { line += " " + word }
                else { lines.append(line); line = String(word) }
            }
            lines.append(line)
        }
        return lines
    }
}

extension String {
    /// Padded with spaces on the right to `width` characters.
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
