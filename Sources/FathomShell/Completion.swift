#if canImport(Glibc)
import Glibc
#endif
import FathomCore
import FathomLanguage

/// What Tab can complete at the end of the typed text.
public struct CompletionResult: Equatable {
    /// The part of the word already typed.
    public var typed: String
    /// Whole words that fit, sorted.
    public var candidates: [String]
    /// Appended when exactly one candidate fits: "(" after a builtin, "/" after a folder.
    public var suffixes: [String: String] = [:]

    /// The text to insert at the cursor: the rest of the single candidate (with its suffix),
    /// or the longest prefix all candidates share.
    public var insertion: String {
        guard let first = candidates.first else { return "" }
        if candidates.count == 1 {
            return String(first.dropFirst(typed.count)) + (suffixes[first] ?? "")
        }
        var common = first
        for c in candidates.dropFirst() {
            while !c.hasPrefix(common) { common.removeLast() }
        }
        return common.count > typed.count ? String(common.dropFirst(typed.count)) : ""
    }
}

extension Session {
    static let keywords = ["true", "false", "null", "and", "or", "not"]

    /// Completions for the text before the cursor: builtins and variables, `:commands`,
    /// fields and columns after `.`, and file paths inside strings.
    public func completions(for text: String) -> CompletionResult {
        let trimmed = String(text.drop { $0 == " " || $0 == "\t" })
        if trimmed.hasPrefix("?") {
            return match(String(trimmed.dropFirst()), helpNames)
        }
        if trimmed.hasPrefix(":") {
            return commandCompletions(trimmed)
        }
        if let content = Session.openString(text) {
            return Session.pathCompletions(content)
        }
        let word = String(text.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
        let before = text.dropLast(word.count)
        if before.hasSuffix(".") {
            let chain = before.dropLast().reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }.reversed()
            let names = String(chain).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !names.isEmpty, !names.contains(""), let f = names.first?.first, !f.isNumber else {
                return CompletionResult(typed: word, candidates: [])
            }
            return match(word, interpreter.fieldNames(of: names))
        }
        guard word.first.map({ !$0.isNumber }) ?? true else { return CompletionResult(typed: word, candidates: []) }
        let builtins = interpreter.registry.builtins.map(\.name)
        var result = match(word, Array(interpreter.variables.keys) + builtins + interpreter.registry.constants.map(\.name) + Session.keywords)
        for b in builtins where interpreter.variables[b] == nil { result.suffixes[b] = "(" }
        return result
    }

    var helpNames: [String] {
        interpreter.registry.allNames + Help.topics.map(\.name)
    }

    private func match(_ typed: String, _ names: [String]) -> CompletionResult {
        let c = Array(Set(names.filter { $0.hasPrefix(typed) })).sorted()
        return CompletionResult(typed: typed, candidates: c)
    }

    private func commandCompletions(_ line: String) -> CompletionResult {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1 {
            var r = match(line, Commands.all.map { ":" + $0.names[0] })
            for c in r.candidates { r.suffixes[c] = " " }
            return r
        }
        let command = String(parts[0].dropFirst())
        let last = parts.last ?? ""
        switch command {
        case "help", "h": return match(last, helpNames)
        case "save", "load":
            return Session.pathCompletions(last.hasPrefix("\"") || last.hasPrefix("'") ? String(last.dropFirst()) : last)
        case "set":
            if parts.count == 2 {
                var r = match(last, Settings.descriptions.map(\.name))
                for c in r.candidates { r.suffixes[c] = " " }
                return r
            }
            switch parts[1] {
            case "plots": return match(last, Settings.PlotPreview.allCases.map(\.rawValue))
            case "color": return match(last, ["on", "off"])
            default: return CompletionResult(typed: last, candidates: [])
            }
        case "clear": return match(last, Array(interpreter.variables.keys))
        default: return CompletionResult(typed: last, candidates: [])
        }
    }

    /// The content of a string left open at the end of `text`, if the cursor is inside one.
    static func openString(_ text: String) -> String? {
        var quote: Character?
        var content = ""
        var escaped = false
        for ch in text {
            if let q = quote {
                if escaped { escaped = false; content.append(ch); continue }
                if ch == "\\" { escaped = true; continue }
                if ch == q { quote = nil; continue }
                content.append(ch)
            } else if ch == "\"" || ch == "'" {
                quote = ch
                content = ""
            } else if ch == "#" {
                return nil
            }
        }
        return quote == nil ? nil : content
    }

    /// File and folder names that continue `path` (folders end in "/").
    static func pathCompletions(_ path: String) -> CompletionResult {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard let dir = opendir(folder.isEmpty ? "." : folder) else { return CompletionResult(typed: base, candidates: []) }
        defer { closedir(dir) }
        var names: [String] = []
        var suffixes: [String: String] = [:]
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            if name.hasPrefix("."), !base.hasPrefix(".") { continue }
            guard name.hasPrefix(base) else { continue }
            names.append(name)
            if FileSystem.isDirectory(folder + name) { suffixes[name] = "/" }
            if names.count > 5000 { break }
        }
        return CompletionResult(typed: base, candidates: names.sorted(), suffixes: suffixes)
    }
}
