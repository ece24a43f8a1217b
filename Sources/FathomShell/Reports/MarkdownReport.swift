import FathomLanguage

/// A report as Markdown (CommonMark with fenced code): prose as written, each cell's code
/// and output in fences, plots as images in a folder beside the report, failed checks and
/// errors in quotes that stand out.
enum MarkdownReport {
    /// The document; `images[n]` is the relative path of cell n's plot, or nil with a reason
    /// when it could not be drawn.
    static func render(_ report: Report, images: [Int: Result<String, Diagnostic>]) -> String {
        var out: [String] = ["# " + inline(report.title), "", "*" + inline(report.subtitle) + "*", ""]
        if let summary = report.checkSummary {
            let failed = report.checks.filter { !$0.passed }
            if failed.isEmpty {
                out += ["> **Checks:** \(summary).", ""]
            } else {
                out.append("> **✗ Checks: \(summary):**")
                for c in failed { out.append("> - FAIL \(inline(c.name)) (\(c.cell.label))") }
                out.append("")
            }
        }
        for block in report.blocks {
            switch block {
            case .prose(let text):
                out += [text, ""]
            case .cell(let cell):
                out += fenced(cell.code.joined(separator: "\n"), info: "fathom")
                let output = cell.output.hasSuffix("\n") ? String(cell.output.dropLast()) : cell.output
                if !output.isEmpty { out += fenced(output, info: "text") }
                if let (n, figure) = cell.figure {
                    switch images[n] {
                    case .success(let path)?:
                        out += ["![\(inline(figure.title ?? figure.kind))](\(destination(path)))", ""]
                    case .failure(let d)?:
                        out += ["> *The plot of cell \(n) could not be drawn: \(inline(d.message)).*", ""]
                    case nil:
                        break
                    }
                }
                for c in cell.checks where !c.passed {
                    out += ["> **✗ FAIL** \(inline(c.name)) (\(cell.label))", ""]
                }
                if let error = cell.error {
                    out.append("> **Error** (\(cell.label))")
                    out.append(">")
                    out += fenced(error, info: "text").dropLast().map { $0.isEmpty ? ">" : "> " + $0 }
                    out.append("")
                }
            }
        }
        if let note = report.stopNote { out += ["> **" + inline(note) + "**", ""] }
        while out.last == "" { out.removeLast() }
        return out.joined(separator: "\n") + "\n"
    }

    /// `text` in a fence longer than any run of backticks inside it, then a blank line.
    static func fenced(_ text: String, info: String) -> [String] {
        var longest = 0, run = 0
        for ch in text {
            if ch == "`" { run += 1; longest = max(longest, run) } else { run = 0 }
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return [fence + info] + text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) + [fence, ""]
    }

    /// A relative path as a link destination: every byte but letters, digits, `-._~` and `/`
    /// percent-encoded, so that spaces, brackets, parentheses and `<>` in a report's name
    /// cannot end or break the link.
    static func destination(_ path: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in path.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Text for a line of Markdown: characters that would start markup escaped, line breaks
    /// as spaces.
    static func inline(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "#", "|", "!": out.append("\\"); out.append(ch)
            case "\n", "\r": out.append(" ")
            default: out.append(ch)
            }
        }
        return out
    }
}
