#if canImport(Glibc)
import Glibc
#endif
import FathomCore
import FathomLanguage

extension Kernel {
    static var kernelInfo: JSONValue {
        .object([
            ("status", .string("ok")),
            ("protocol_version", .string(JupyterMessage.protocolVersion)),
            ("implementation", .string("fathom")),
            ("implementation_version", .string(FathomVersion.string)),
            ("language_info", .object([
                ("name", .string("fathom")),
                ("version", .string(FathomVersion.string)),
                ("mimetype", .string("text/x-fathom")),
                ("file_extension", .string(".fathom")),
            ])),
            ("banner", .string("Fathom \(FathomVersion.string): how models fail. ?name explains a builtin, :help lists everything.")),
            ("help_links", .array([])),
        ])
    }

    /// The reply content to a shell request other than execute, or nil for an unknown type.
    func answer(_ request: JupyterMessage) -> JSONValue? {
        let c = request.content
        switch request.type {
        case "kernel_info_request": return Kernel.kernelInfo
        case "complete_request": return complete(c["code"]?.stringValue ?? "", cursor: c["cursor_pos"]?.numberValue.map(Int.init))
        case "inspect_request": return inspect(c["code"]?.stringValue ?? "", cursor: c["cursor_pos"]?.numberValue.map(Int.init))
        case "is_complete_request": return Kernel.isComplete(c["code"]?.stringValue ?? "")
        case "history_request": return historyReply(c)
        case "comm_info_request": return .object([("status", .string("ok")), ("comms", .object([]))])
        default: return nil
        }
    }

    /// The code before the cursor (`cursor` counts Unicode code points, as the protocol says).
    static func prefix(_ code: String, cursor: Int?) -> String {
        let scalars = code.unicodeScalars
        let n = max(0, min(cursor ?? scalars.count, scalars.count))
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars.prefix(n))
        return String(s)
    }

    /// complete_request: the shell's Tab completion at the cursor.
    func complete(_ code: String, cursor: Int?) -> JSONValue {
        let before = Kernel.prefix(code, cursor: cursor)
        let position = before.unicodeScalars.count
        let r = session.completions(for: before)
        let matches = r.candidates.map { $0 + (r.suffixes[$0] == "/" ? "/" : "") }
        return .object([
            ("status", .string("ok")),
            ("matches", .array(matches.map { .string($0) })),
            ("cursor_start", .number(Double(position - r.typed.unicodeScalars.count))),
            ("cursor_end", .number(Double(position))),
            ("metadata", .object([])),
        ])
    }

    /// inspect_request: the help `?name` shows for the name at the cursor, or what a variable
    /// holds.
    func inspect(_ code: String, cursor: Int?) -> JSONValue {
        let before = Kernel.prefix(code, cursor: cursor)
        let after = code.unicodeScalars.dropFirst(before.unicodeScalars.count)
        func isName(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" }
        var name = String.UnicodeScalarView()
        name.append(contentsOf: before.unicodeScalars.reversed().prefix(while: isName).reversed())
        name.append(contentsOf: after.prefix(while: isName))
        let word = String(name)
        var text: String?
        if let help = session.helpText(word) {
            text = help
        } else if let v = session.interpreter.variables[word] {
            text = "\(word): \(v.described)"
        }
        guard let text else {
            return .object([("status", .string("ok")), ("found", .bool(false)), ("data", .object([])), ("metadata", .object([]))])
        }
        return .object([
            ("status", .string("ok")), ("found", .bool(true)),
            ("data", .object([("text/plain", .string(Printable.lines(text)))])), ("metadata", .object([])),
        ])
    }

    /// is_complete_request by the shell's continuation rules: an open bracket, a trailing
    /// operator or `\` wants more lines (incomplete); a finished statement that does not parse
    /// is invalid.
    static func isComplete(_ code: String) -> JSONValue {
        var reader = ChunkReader()
        var chunks: [String] = []
        for line in code.split(separator: "\n", omittingEmptySubsequences: false) {
            if let c = reader.add(String(line)) { chunks.append(c.text) }
        }
        if reader.isContinuing {
            return .object([("status", .string("incomplete")), ("indent", .string("    "))])
        }
        for chunk in chunks {
            let t = chunk.trimmingSpaces
            if t.hasPrefix(":") || t.hasPrefix("?") { continue }
            for parsed in Parser.parse(SourceFile(name: "", text: chunk)) {
                if case .failure = parsed { return .object([("status", .string("invalid"))]) }
            }
        }
        return .object([("status", .string("complete"))])
    }

    /// The history session number (one session per kernel process).
    static let historySession = 1

    /// history_request: `tail` (the last n cells), `range` (cells start..<stop of this
    /// session) or `search` (cells matching a glob pattern, `unique`, the last n).
    func historyReply(_ c: JSONValue) -> JSONValue {
        let output = c["output"]?.boolValue ?? false
        var entries: [(count: Int, input: String, output: String)]
        switch c["hist_access_type"]?.stringValue ?? "" {
        case "tail":
            let n = Int(c["n"]?.numberValue ?? 10)
            entries = Array(history.suffix(max(0, n)))
        case "range":
            let s = Int(c["session"]?.numberValue ?? 0)
            let start = Int(c["start"]?.numberValue ?? 0)
            let stop = c["stop"]?.numberValue.map(Int.init)
            let current = s <= 0 || s == Kernel.historySession
            entries = current ? history.filter { e in e.count >= start && (stop.map { e.count < $0 } ?? true) } : []
        case "search":
            let pattern = c["pattern"]?.stringValue ?? "*"
            entries = history.filter { fnmatch(pattern, $0.input, 0) == 0 }
            if c["unique"]?.boolValue ?? false {
                var seen = Set<String>()
                entries = entries.reversed().filter { seen.insert($0.input).inserted }.reversed()
            }
            if let n = c["n"]?.numberValue.map(Int.init) { entries = Array(entries.suffix(max(0, n))) }
        default:
            entries = []
        }
        let items: [JSONValue] = entries.map { e in
            let third: JSONValue = output ? .array([.string(e.input), .string(e.output)]) : .string(e.input)
            return .array([.number(Double(Kernel.historySession)), .number(Double(e.count)), third])
        }
        return .object([("status", .string("ok")), ("history", .array(items))])
    }
}
