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
            console.error("fathom: cannot read \(Printable.text(e.message))\n")
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
                console.write(paint(k == 0 ? "> " : "  ", "32") + Printable.text(String(l), keepTabs: true) + "\n")
            }
            for l in lines { console.write(Printable.text(l, keepTabs: true) + "\n") }
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
            let changed = zip(segments, result.outputs).filter { $0.0.recorded != $0.1 }.count + transcript.orphanLines.count
            if updated != text {
                do {
                    try FileSystem.writeAtomically(path, text: updated)
                } catch let e as FileError {
                    console.error("fathom: cannot write \(Printable.text(e.message))\n")
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
            for run in Transcript.runs(transcript.orphanLines) {
                let where_ = run.count == 1 ? "\(run.lowerBound)" : "\(run.lowerBound)-\(run.upperBound - 1)"
                let what = run.count == 1 ? "a #> output line with no statement above it" : "\(run.count) #> output lines with no statement above them"
                console.write(paint("\(file):\(where_): \(what)", "1") + "\n")
            }
            for (segment, output) in zip(segments, result.outputs) where segment.recorded != output {
                changed += 1
                console.write(paint("\(file):\(segment.firstLine): output changed", "1") + "\n")
                let statement = segment.text.split(separator: "\n", omittingEmptySubsequences: false)
                for l in statement.prefix(Diff.maxLines) { console.write("  " + Printable.text(String(l), keepTabs: true) + "\n") }
                if statement.count > Diff.maxLines { console.write("  … \(statement.count - Diff.maxLines) more lines of the statement\n") }
                console.write(Diff.unified(segment.recorded, output).map { Printable.text($0, keepTabs: true) }.map { line in
                    line.hasPrefix("-") ? paint(line, "31") : line.hasPrefix("+") ? paint(line, "32") : line
                }.joined(separator: "\n") + "\n")
            }
            let orphans = transcript.orphanLines.count
            if changed > 0 || orphans > 0 {
                var what = "\(changed) of \(segments.count) output\(segments.count == 1 ? "" : "s") changed"
                if orphans > 0 { what += ", \(orphans) #> line\(orphans == 1 ? "" : "s") with no statement" }
                let fix = orphans > 0 ? "records the new ones and removes the stray lines" : "records the new ones"
                console.write("\(file): \(what); `fathom replay \(file) --update` \(fix)\n")
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
    /// Unchanged lines shown on each side of a change; longer unchanged runs are elided.
    static let context = 3
    /// The largest comparison (recorded lines × new lines, after the common start and end are
    /// set aside) done line by line; past it the diff shows where the outputs first differ.
    static let maxCells = 4_000_000
    /// The most diff lines shown; the rest are counted.
    static let maxLines = 200

    /// Lines prefixed "- " (recorded only), "+ " (new only) and "  " (both), by longest
    /// common subsequence; every line is a transcript line, shown with its `#>` marker. Time
    /// and memory are linear in the lines plus at most ``maxCells``.
    static func unified(_ old: [String], _ new: [String]) -> [String] {
        var start = 0
        while start < old.count, start < new.count, old[start] == new[start] { start += 1 }
        var endOld = old.count, endNew = new.count
        while endOld > start, endNew > start, old[endOld - 1] == new[endNew - 1] { endOld -= 1; endNew -= 1 }
        var out = unchanged(old[..<start], leading: true)
        let a = old[start..<endOld], b = new[start..<endNew]
        if a.count * b.count <= maxCells {
            out += lcs(Array(a), Array(b))
        } else {
            out.append("- " + shown(a.first!))
            out.append("+ " + shown(b.first!))
            out.append("  … from here the outputs differ in \(a.count) recorded and \(b.count) new lines, too many to compare line by line")
        }
        out += unchanged(old[endOld...], leading: false)
        if out.count > maxLines {
            let rest = out.count - maxLines
            out.removeLast(rest)
            out.append("  … and \(rest) more line\(rest == 1 ? "" : "s") of the diff")
        }
        return out
    }

    static func shown(_ l: String) -> String { l.isEmpty ? "#>" : "#> " + l }

    /// A run of lines both outputs share, cut to the ``context`` lines next to the change.
    static func unchanged(_ lines: ArraySlice<String>, leading: Bool) -> [String] {
        let kept = leading ? lines.suffix(context) : lines.prefix(context)
        let note = lines.count > kept.count ? ["  … \(lines.count - kept.count) unchanged line\(lines.count - kept.count == 1 ? "" : "s")"] : []
        let shownLines = kept.map { "  " + shown($0) }
        return leading ? note + shownLines : shownLines + note
    }

    /// The line diff by longest common subsequence, in one flat table.
    static func lcs(_ old: [String], _ new: [String]) -> [String] {
        let n = old.count, m = new.count
        let width = m + 1
        var table = [Int](repeating: 0, count: (n + 1) * width)
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    table[i * width + j] = old[i] == new[j] ? table[(i + 1) * width + j + 1] + 1
                        : max(table[(i + 1) * width + j], table[i * width + j + 1])
                }
            }
        }
        var out: [String] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, old[i] == new[j] {
                out.append("  " + shown(old[i])); i += 1; j += 1
            } else if i < n, j == m || table[(i + 1) * width + j] >= table[i * width + j + 1] {
                out.append("- " + shown(old[i])); i += 1
            } else {
                out.append("+ " + shown(new[j])); j += 1
            }
        }
        return out
    }
}
