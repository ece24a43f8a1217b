import FathomCore
import FathomLanguage

extension Frontends {
    public enum ReplayMode: Sendable {
        /// Show statements and outputs like a notebook.
        case show
        /// Compare with the recorded outputs; exit 3 with a diff when any changed.
        case check
        /// Rewrite the recorded outputs.
        case update
    }

    /// Runs every code segment of a transcript in one session and returns each segment's
    /// output as transcript lines (values, printed text, errors in short form).
    static func replayOutputs(_ transcript: Transcript, name: String, options: ShellOptions, onSegment: (Int, [String]) -> Void = { _, _ in }) -> (outputs: [[String]], failed: Bool, interrupted: Bool) {
        var current = ""
        let session = Session(settings: options.settings(terminal: false))
        defer { session.close() }
        session.onEvent = { [unowned session] event in
            switch event {
            case .value(let cell, _, let v): current += v.renderText(session.settings.renderOptions(cell: cell)) + "\n"
            case .printed(_, let text): current += text
            case .info(let text): current += text.hasSuffix("\n") ? text : text + "\n"
            case .failed(_, _, let d): current += DiagnosticRenderer().renderShort(d) + "\n"
            case .interrupted: current += "interrupted\n"
            }
        }
        Signals.installInterruptHandler()
        var outputs: [[String]] = []
        var failed = false
        for (i, segment) in transcript.codeSegments.enumerated() {
            current = ""
            let outcome = session.run(segment.text, sourceName: name, firstLine: segment.firstLine)
            failed = failed || outcome.failed
            let lines = Transcript.outputLines(current)
            outputs.append(lines)
            onSegment(i, lines)
            if outcome.interrupted {
                return (outputs, failed, true)
            }
        }
        return (outputs, failed, false)
    }

    /// `fathom replay FILE [--check | --update]`. The transcript runs in its own folder, as a
    /// notebook does: relative paths in it mean the same wherever it is replayed from.
    public static func replay(_ file: String, mode: ReplayMode, _ options: ShellOptions) -> Int32 {
        let path = FileSystem.absolute(file)
        if let here = FileSystem.currentFolder(), FileSystem.changeFolder(FileSystem.parentFolder(path)) {
            defer { FileSystem.changeFolder(here) }
            return replayHere(file, path: path, mode: mode, options)
        }
        return replayHere(file, path: path, mode: mode, options)
    }

    private static func replayHere(_ file: String, path: String, mode: ReplayMode, _ options: ShellOptions) -> Int32 {
        let console = Console()
        let text: String
        do {
            text = try FileSystem.readText(path)
        } catch let e as FileError {
            console.error("fathom: cannot read \(e.message)\n")
            return ExitStatus.usage
        } catch {
            return ExitStatus.usage
        }
        let transcript = Transcript(parsing: text)
        let segments = transcript.codeSegments
        let color = options.colorAllowed && Terminal.isTerminal(1)
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

        let result = replayOutputs(transcript, name: file, options: options) { i, lines in
            guard mode == .show else { return }
            for (k, l) in segments[i].text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                console.write(paint(k == 0 ? "> " : "  ", "32") + l + "\n")
            }
            for l in lines { console.write(l + "\n") }
        }
        if result.interrupted {
            console.flush()
            console.error("interrupted\n")
            return ExitStatus.interrupted
        }
        switch mode {
        case .show:
            console.flush()
            return result.failed ? ExitStatus.failed : ExitStatus.ok
        case .update:
            let updated = transcript.rendered(outputs: result.outputs)
            let changed = zip(segments, result.outputs).filter { $0.0.recorded != $0.1 }.count
            if updated != text {
                do {
                    try FileSystem.writeAtomically(path, text: updated)
                } catch let e as FileError {
                    console.error("fathom: cannot write \(e.message)\n")
                    return ExitStatus.failed
                } catch {
                    return ExitStatus.failed
                }
            }
            console.write("\(file): \(changed) output\(changed == 1 ? "" : "s") updated\n")
            console.flush()
            return ExitStatus.ok
        case .check:
            var changed = 0
            for (segment, output) in zip(segments, result.outputs) where segment.recorded != output {
                changed += 1
                console.write(paint("\(file):\(segment.firstLine): output changed", "1") + "\n")
                for l in segment.text.split(separator: "\n", omittingEmptySubsequences: false) { console.write("  " + l + "\n") }
                console.write(Diff.unified(segment.recorded, output).map { line in
                    line.hasPrefix("-") ? paint(line, "31") : line.hasPrefix("+") ? paint(line, "32") : line
                }.joined(separator: "\n") + "\n")
            }
            if changed > 0 {
                console.write("\(file): \(changed) of \(segments.count) output\(segments.count == 1 ? "" : "s") changed; `fathom replay \(file) --update` records the new ones\n")
                console.flush()
                return ExitStatus.check
            }
            console.write("\(file): all \(segments.count) output\(segments.count == 1 ? "" : "s") match\n")
            console.flush()
            return ExitStatus.ok
        }
    }
}

/// A line diff for recorded against new output.
enum Diff {
    /// Lines prefixed "- " (recorded only), "+ " (new only) and "  " (both), by longest
    /// common subsequence; every line is a transcript line, shown with its `#>` marker.
    static func unified(_ old: [String], _ new: [String]) -> [String] {
        let n = old.count, m = new.count
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    lcs[i][j] = old[i] == new[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
                }
            }
        }
        func shown(_ l: String) -> String { l.isEmpty ? "#>" : "#> " + l }
        var out: [String] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, old[i] == new[j] {
                out.append("  " + shown(old[i])); i += 1; j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                out.append("- " + shown(old[i])); i += 1
            } else {
                out.append("+ " + shown(new[j])); j += 1
            }
        }
        return out
    }
}
