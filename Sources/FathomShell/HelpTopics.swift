import FathomCore

extension Help {
    /// Concept topics for `:help TOPIC`: what the idea is, how Fathom computes it, which
    /// builtins to use and which lesson teaches it. Each is a Markdown page in `docs/help`
    /// (``HelpPages``), in the order of the numbers their file names start with.
    static let conceptTopics: [Topic] = HelpPages.locate().map(HelpPages.topics(in:)) ?? []
}

/// The concept pages, kept as Markdown where readers look for them (`docs/help/NN-name.md`)
/// and shown in the terminal as text. A page is
///
///     <!-- summary: the line :help lists -->
///     # Title
///     prose, with code in ``` fences
///     Builtins: …\
///     Lesson:   …
///
/// and its terminal text is the page without the summary line, the `# ` of the title, the
/// fence lines and the backslashes that end a line (Markdown's line breaks).
public enum HelpPages {
    /// The folder of pages: `FATHOM_HELP`, or `docs/help` beside the executable or up to six
    /// folders above it (as the lessons and the bundled datasets are found).
    public static func locate() -> String? {
        if let env = FileSystem.environment("FATHOM_HELP"), !env.isEmpty { return env }
        return FileSystem.aboveExecutable(levels: 7) { FileSystem.isDirectory($0 + "/docs/help") }.map { $0 + "/docs/help" }
    }

    /// The topics of the pages in `folder`, by the number their names start with; files that
    /// are not pages (no number, no summary line) are left out.
    static func topics(in folder: String) -> [Help.Topic] {
        let pages: [(Int, Help.Topic)] = FileSystem.folderEntries(folder).compactMap { file in
            guard file.hasSuffix(".md"), let dash = file.firstIndex(of: "-"), let number = Int(file[..<dash]),
                  let text = try? FileSystem.readText(folder + "/" + file) else { return nil }
            let name = String(file[file.index(after: dash)...].dropLast(".md".count))
            return page(name, markdown: text).map { (number, $0) }
        }
        return pages.sorted { ($0.0, $0.1.name) < ($1.0, $1.1.name) }.map(\.1)
    }

    static let summaryPrefix = "<!-- summary: ", summarySuffix = " -->"

    /// The topic `name` from its Markdown page, or nil when the page has no summary line.
    static func page(_ name: String, markdown: String) -> Help.Topic? {
        var lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" { lines.removeLast() }
        guard let first = lines.first, first.hasPrefix(summaryPrefix), first.hasSuffix(summarySuffix) else { return nil }
        let summary = String(first.dropFirst(summaryPrefix.count).dropLast(summarySuffix.count))
        var text: [String] = []
        for line in lines.dropFirst() {
            if line.hasPrefix("```") { continue }
            if text.isEmpty, line.hasPrefix("# ") { text.append(String(line.dropFirst(2))); continue }
            text.append(line.hasSuffix("\\") ? String(line.dropLast()) : line)
        }
        return Help.Topic(name: name, summary: summary, text: text.joined(separator: "\n"))
    }
}
