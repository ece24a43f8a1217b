import FathomLanguage

/// A report as one self-contained HTML file: prose rendered from Markdown by ``Markdown``
/// (raw HTML escaped, only safe link schemes), code and output escaped in `<pre>`, plots
/// inline as sanitised SVG, a small stylesheet, and a Content-Security-Policy that lets no
/// script run and nothing be fetched.
enum HTMLReport {
    /// The document; `svgs[n]` is cell n's plot as SVG, or the reason it could not be drawn.
    static func render(_ report: Report, svgs: [Int: Result<String, Diagnostic>]) -> String {
        var out = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="Fathom \(FathomVersion.string)">
        <title>\(escape(report.title))</title>
        <style>
        \(stylesheet)
        </style>
        </head>
        <body>
        <main>
        <header>
        <h1>\(escape(report.title))</h1>
        <p class="subtitle">\(escape(report.subtitle))</p>

        """
        if let summary = report.checkSummary {
            let failed = report.checks.filter { !$0.passed }
            if failed.isEmpty {
                out += "<p class=\"summary pass\">✓ Checks: \(escape(summary)).</p>\n"
            } else {
                out += "<div class=\"summary fail\"><p>✗ Checks: \(escape(summary)):</p>\n<ul>\n"
                for c in failed {
                    out += "<li>FAIL \(escape(c.name)) (<a href=\"#\(c.cell.anchor)\">\(escape(c.cell.label))</a>)</li>\n"
                }
                out += "</ul></div>\n"
            }
        }
        out += "</header>\n"
        for block in report.blocks {
            switch block {
            case .prose(let text):
                out += "<section class=\"prose\">\n" + Markdown.html(text) + "\n</section>\n"
            case .cell(let cell):
                let failed = cell.error != nil || cell.checks.contains { !$0.passed }
                out += "<section class=\"cell\(failed ? " failed" : "")\" id=\"\(cell.anchor)\">\n"
                let number = cell.firstNumber.map { "[\($0)]" } ?? ""
                out += "<div class=\"in\"><span class=\"n\">\(number)</span><pre><code>\(escape(cell.code.joined(separator: "\n")))</code></pre></div>\n"
                let output = cell.output.hasSuffix("\n") ? String(cell.output.dropLast()) : cell.output
                if !output.isEmpty { out += "<pre class=\"out\">\(escape(output))</pre>\n" }
                if let (n, figure) = cell.figure {
                    switch svgs[n] {
                    case .success(let svg)?:
                        out += "<figure>\n\(svg)\n</figure>\n"
                    case .failure(let d)?:
                        out += "<p class=\"note\">The plot (\(escape(figure.kind))) could not be drawn: \(escape(d.message)).</p>\n"
                    case nil:
                        break
                    }
                }
                for c in cell.checks {
                    out += "<p class=\"check \(c.passed ? "pass" : "fail")\">\(c.passed ? "✓ PASS" : "✗ FAIL") \(escape(c.name))</p>\n"
                }
                if let error = cell.error { out += "<pre class=\"error\">\(escape(error))</pre>\n" }
                out += "</section>\n"
            }
        }
        if let note = report.stopNote { out += "<p class=\"stopped\">\(escape(note))</p>\n" }
        out += "</main>\n</body>\n</html>\n"
        return out
    }

    /// No scripts, no plug-ins, no fetches but the page's own images and data URLs (the
    /// plots are inline), inline styles for the stylesheet and gnuplot's SVG.
    static let contentSecurityPolicy = "default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

    /// Text safe inside HTML elements and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// gnuplot's SVG document as an element to inline: sanitised by ``InlineSVG`` (the XML
    /// prolog dropped, only drawing elements and attributes kept), every id prefixed with
    /// `prefix` (so several plots in one page do not share ids), the title set to `title`,
    /// and sized by the stylesheet.
    static func inlineSVG(_ document: String, prefix: String, title: String) -> String {
        InlineSVG.sanitize(document, prefix: prefix, title: title)
    }

    static let stylesheet = """
    :root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --code: #f6f8fa;
      --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9; }
    body { margin: 0; color: var(--fg); background: #fff;
      font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
    main { max-width: 52rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
    h1 { font-size: 1.9rem; margin: 0 0 .25rem; }
    h2 { font-size: 1.35rem; margin: 2rem 0 .5rem; padding-bottom: .2rem; border-bottom: 1px solid var(--line); }
    h3 { font-size: 1.1rem; margin: 1.5rem 0 .4rem; }
    .subtitle { color: var(--muted); margin: 0 0 1rem; }
    code, pre { font: 13.5px/1.45 ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; }
    p code, li code { background: var(--code); padding: .1em .3em; border-radius: 4px; }
    pre { margin: 0; padding: .6rem .8rem; overflow-x: auto; white-space: pre; }
    .cell { margin: 1rem 0 1.25rem; }
    .in { display: flex; align-items: flex-start; background: var(--code); border: 1px solid var(--line); border-radius: 6px; }
    .in .n { color: var(--muted); font: 12px/1 ui-monospace, monospace; padding: .85rem 0 0 .6rem; min-width: 2.6rem; }
    .in pre { padding-left: .4rem; flex: 1; }
    .out { border-left: 3px solid var(--line); margin-top: .35rem; }
    figure { margin: .6rem 0 0; }
    figure svg { display: block; max-width: 100%; height: auto; }
    .check { margin: .4rem 0 0; padding: .3rem .7rem; border-radius: 6px; font-weight: 600; }
    .check.pass { color: var(--pass); background: var(--pass-bg); }
    .check.fail, .summary.fail { color: var(--fail); background: var(--fail-bg); border: 1px solid var(--fail); }
    .cell.failed .in { border-color: var(--fail); }
    .error { margin-top: .35rem; color: var(--fail); background: var(--fail-bg); border-left: 3px solid var(--fail); }
    .summary { padding: .5rem .9rem; border-radius: 6px; font-weight: 600; }
    .summary p, .summary ul { margin: .2rem 0; }
    .summary.pass { color: var(--pass); background: var(--pass-bg); }
    .summary a { color: inherit; }
    .note { color: var(--muted); font-style: italic; }
    .stopped { color: var(--fail); font-weight: 600; }
    """
}

extension String {
    /// Every occurrence of `target` replaced by `replacement`.
    func replacingAll(_ target: String, with replacement: String) -> String {
        let b = Array(utf8), t = Array(target.utf8), r = Array(replacement.utf8)
        guard !t.isEmpty, b.count >= t.count else { return self }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == t[0], i + t.count <= b.count, b[i..<(i + t.count)].elementsEqual(t) {
                out += r
                i += t.count
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
