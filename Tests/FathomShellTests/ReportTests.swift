import Testing
import Foundation
@testable import FathomShell
import FathomLanguage

/// Reports: `fathom run FILE --report` and `:report`, Markdown with plots beside it and
/// self-contained HTML; grouping of the log into cells; the same session, the same bytes.
@Suite("Reports", .serialized)
struct ReportTests {
    static let script = """
    #' # Digits audit
    #' Is the **MLP** calibrated? `ece` before and after temperature scaling.
    t = load("digits/mlp-test"); v = load("digits/mlp-validation")
    p = softmax(select(t, "logit_*")); y = t.label
    # before recalibration
    ece(p, y)
    plot(reliability(p, y), title="before </svg><script>alert(1)</script> & ```")
    check("calibrated", ece(p, y) < 0.03)

    #' ## After
    cal = temperature(select(v, "logit_*"), v.label)
    q = calibrate(cal, select(t, "logit_*"))
    check("calibrated after", ece(q, y) < 0.03)
    nosuch(1)
    print("```")
    ece(q, y)

    """

    func write(_ dir: URL, _ name: String, _ text: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("Markdown: prose, fenced code and output, plots in NAME_files, failed checks and errors stand out")
    func markdown() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try write(dir, "audit.fathom", ReportTests.script)
        // A stale plot of an earlier report goes; other files stay.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("out_files"), withIntermediateDirectories: true)
        _ = try write(dir, "out_files/cell-99.png", "old")
        _ = try write(dir, "out_files/notes.txt", "mine")

        let r = try Child(["run", "audit.fathom", "--keep-going", "--report", "out.md"], directory: dir.path).communicate("")
        #expect(r.status == 1, "an error still gives status 1: \(r.stderr)")
        #expect(r.stderr.contains("wrote out.md: 7 cells, 1 plot in out_files/, 1 of 2 checks failed"), "\(r.stderr)")
        #expect(r.stdout.contains("0.0483636"), "the script's output still goes to standard output")
        let md = try String(contentsOfFile: dir.appendingPathComponent("out.md").path, encoding: .utf8)
        #expect(md.hasPrefix("# Digits audit\n\n*Fathom \(FathomVersion.string) · audit.fathom · seed 0*\n"))
        #expect(md.contains("> **✗ Checks: 1 of 2 checks failed:**\n> - FAIL calibrated (cell 7)\n"))
        #expect(md.contains("Is the **MLP** calibrated? `ece` before and after temperature scaling.\n"))
        // Statements without output share a cell with the comment and the next statement.
        #expect(md.contains("```fathom\nt = load(\"digits/mlp-test\")\nv = load(\"digits/mlp-validation\")\np = softmax(select(t, \"logit_*\"))\ny = t.label\n# before recalibration\nece(p, y)\n```\n\n```text\n0.0483636\n```\n"))
        // The plot is a picture, not its one-line description.
        #expect(md.contains("](out_files/cell-6.png)\n"))
        #expect(!md.contains("plot: reliability diagram"))
        #expect(md.contains("> **✗ FAIL** calibrated (cell 7)"))
        #expect(md.contains("## After\n"))
        #expect(md.contains("> **Error** (cell 11)\n>\n> ```text\n> audit.fathom:14:1: error: unknown name 'nosuch'\n"))
        // Output holding a fence gets a longer one.
        #expect(md.contains("````text\n```\n````"))
        #expect(md.hasSuffix("```text\n0.0191034\n```\n"))
        let png = try Data(contentsOf: dir.appendingPathComponent("out_files/cell-6.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out_files/cell-99.png").path))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out_files/notes.txt").path))

        // The same script gives the same bytes, plots included.
        _ = try Child(["run", "audit.fathom", "--keep-going", "--report", "again.md"], directory: dir.path).communicate("")
        let again = try String(contentsOfFile: dir.appendingPathComponent("again.md").path, encoding: .utf8)
        #expect(again == md.replacingOccurrences(of: "out_files/", with: "again_files/"))
        #expect(try Data(contentsOf: dir.appendingPathComponent("again_files/cell-6.png")) == png)
    }

    @Test("HTML: one self-contained file, plots as inline SVG with their own ids, text escaped")
    func html() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try write(dir, "audit.fathom", ReportTests.script + "plot(hist(y))\n")
        let r = try Child(["run", "audit.fathom", "--keep-going", "--report", "out.html"], directory: dir.path).communicate("")
        #expect(r.status == 1)
        #expect(r.stderr.contains("wrote out.html: 8 cells, 2 plots, 1 of 2 checks failed"), "\(r.stderr)")
        let html = try String(contentsOfFile: dir.appendingPathComponent("out.html").path, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.contains("<title>Digits audit</title>"))
        #expect(html.contains("<h2>After</h2>"), "prose is rendered from Markdown")
        #expect(html.contains("<strong>MLP</strong>"))
        #expect(html.components(separatedBy: "<svg").count == 3)
        #expect(html.contains("id=\"c6-gnuplot_canvas\""))
        #expect(html.contains("id=\"c14-gnuplot_canvas\""))
        // Nothing runs and nothing is fetched.
        #expect(!html.contains("<script"))
        #expect(!html.contains("src=\""))
        #expect(!html.contains("<link"))
        #expect(html.contains("before &lt;/svg&gt;&lt;script&gt;"))
        #expect(html.contains("<div class=\"summary fail\"><p>✗ Checks: 1 of 2 checks failed:</p>"))
        #expect(html.contains("<li>FAIL calibrated (<a href=\"#cell-7\">cell 7</a>)</li>"))
        #expect(html.contains("<section class=\"cell failed\" id=\"cell-7\">"))
        #expect(html.contains("<p class=\"check pass\">✓ PASS calibrated after</p>"))
        #expect(html.contains("<pre class=\"error\">audit.fathom:14:1: error: unknown name &#39;nosuch&#39;"))
        _ = try Child(["run", "audit.fathom", "--keep-going", "--report", "again.html"], directory: dir.path).communicate("")
        #expect(try String(contentsOfFile: dir.appendingPathComponent("again.html").path, encoding: .utf8) == html)
    }

    @Test("a script that stops at an error says so; bad report paths get one clear message")
    func stopsAndRefuses() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = try write(dir, "s.fathom", "x = 1\nx + nope\nx + 2\n")
        let r = try Child(["run", script, "--report", "s.md"], directory: dir.path).communicate("")
        #expect(r.status == 1)
        let md = try String(contentsOfFile: dir.appendingPathComponent("s.md").path, encoding: .utf8)
        #expect(md.hasPrefix("# s.fathom\n"))
        #expect(md.contains("unknown name 'nope'"))
        #expect(md.hasSuffix("> **The script stopped at this error; fathom run --keep-going runs the statements after it.**\n"))
        #expect(!md.contains("x + 2"))

        let txt = try Child(["run", script, "--report", "s.txt"], directory: dir.path).communicate("")
        #expect(txt.status == 2)
        #expect(txt.stderr == "fathom: --report writes .md or .html, not 's.txt'\n")
        let missing = try Child(["run", script, "--keep-going", "--report", "no/such/s.md"], directory: dir.path).communicate("")
        #expect(missing.status == 1)
        #expect(missing.stderr.hasSuffix("fathom: cannot write no/such/s.md: the folder no/such does not exist\n"), "\(missing.stderr)")
    }

    @Test("without gnuplot the report is still written and says why a plot is missing")
    func noGnuplot() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = try write(dir, "s.fathom", "hist([1, 2, 3])\n")
        let r = try Child(["run", script, "--report", "s.md"], environment: ["PATH": ""], directory: dir.path).communicate("")
        #expect(r.status == 0, "\(r.stderr)")
        let md = try String(contentsOfFile: dir.appendingPathComponent("s.md").path, encoding: .utf8)
        #expect(md.contains("> *The plot of cell 1 could not be drawn: plotting needs gnuplot, which is not installed.*"))
    }

    @Test(":report writes the session so far: typed prose, statements that ran, not the mistakes")
    func sessionReport() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = RecordingSession()
        s.session.logProse("#' # My exploration")
        s.run("x = seq(4)\nmean(x)\nnope")
        s.session.logProse("#' The mean is *1.5*.")
        let path = dir.appendingPathComponent("me.md").path
        #expect(s.run(":report \"\(path)\"") == "wrote \(path): 1 cell\n")
        let md = try String(contentsOfFile: path, encoding: .utf8)
        #expect(md == """
        # My exploration

        *Fathom \(FathomVersion.string) · interactive session · seed 0*

        ```fathom
        x = seq(4)
        mean(x)
        ```

        ```text
        1.5
        ```

        The mean is *1.5*.

        """)
        #expect(s.run(":report").contains("expected a report file, as in :report audit.md"))
        #expect(s.run(":report me.pdf").contains("a report is written as .md or .html; 'me.pdf' is neither"))
        #expect(s.run(":report /nonexistent/me.html").contains("cannot write /nonexistent/me.html: the folder /nonexistent does not exist"))
        #expect(s.session.interpreter.variables["x"] != nil, "the session goes on")
    }

    @Test("grouping: a blank line ends a cell and a paragraph; a title comes from the first heading")
    func grouping() {
        var log: [LoggedCell] = []
        func code(_ input: String, _ n: Int, _ output: String = "") {
            log.append(LoggedCell(input: input, output: output, cell: n))
        }
        log.append(LoggedCell(kind: .prose, input: "#' # Title"))
        log.append(LoggedCell(kind: .prose, input: "#' first paragraph"))
        log.append(LoggedCell(kind: .blank, input: ""))
        log.append(LoggedCell(kind: .prose, input: "#'second"))
        code("a = 1", 1)
        log.append(LoggedCell(kind: .blank, input: ""))
        code("b = 2", 2)
        code("a + b", 3, "3\n")
        let report = Report(log: log, defaultTitle: "x", subtitle: "s", includeFailures: false)
        #expect(report.title == "Title")
        #expect(report.blocks.count == 3)
        if case .prose(let text) = report.blocks[0] { #expect(text == "first paragraph\n\nsecond") } else { Issue.record("prose first") }
        if case .cell(let c) = report.blocks[1] { #expect(c.code == ["a = 1"] && c.output.isEmpty) } else { Issue.record("cell") }
        if case .cell(let c) = report.blocks[2] { #expect(c.code == ["b = 2", "a + b"] && c.label == "cells 2–3") } else { Issue.record("cell") }
        #expect(MarkdownReport.inline("a*b_[c]`<x>") == "a\\*b\\_\\[c\\]\\`\\<x\\>")
        #expect(HTMLReport.escape("<a href='x'>&\"</a>") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;")
    }

    @Test("Markdown: plot links survive spaces, brackets, parentheses and <> in the report's name")
    func markdownImagePaths() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = try write(dir, "s.fathom", "hist([1, 2, 3])\n")
        let name = "my report [v2] (draft) <x>#1"
        let r = try Child(["run", script, "--report", name + ".md"], directory: dir.path).communicate("")
        #expect(r.status == 0, "\(r.stderr)")
        let md = try String(contentsOfFile: dir.appendingPathComponent(name + ".md").path, encoding: .utf8)
        let link = "my%20report%20%5Bv2%5D%20%28draft%29%20%3Cx%3E%231_files/cell-1.png"
        #expect(md.contains("](\(link))\n"), "\(md)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name + "_files/cell-1.png").path))
        // A CommonMark renderer reads it as one image whose source decodes to that file.
        #expect(Markdown.html(md).contains("<img src=\"\(link)\" alt=\"histogram\" />"))
        #expect(link.removingPercentEncoding == name + "_files/cell-1.png")
    }

    @Test("HTML: a Content-Security-Policy forbids scripts; prose's raw HTML and unsafe links arrive as text")
    func htmlIsInert() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try write(dir, "s.fathom", """
        #' # T <b>
        #' z_0 … z_9, failure_probs, a_b_c <script>alert(1)</script> [x](javascript:alert(1))
        1

        """)
        let r = try Child(["run", "s.fathom", "--report", "s.html"], directory: dir.path).communicate("")
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: dir.appendingPathComponent("s.html").path, encoding: .utf8)
        #expect(html.contains("<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n"))
        #expect(html.contains("<title>T &lt;b&gt;</title>"))
        #expect(html.contains("<p>z_0 … z_9, failure_probs, a_b_c &lt;script&gt;alert(1)&lt;/script&gt; x</p>"))
        #expect(!html.contains("javascript:"))
    }

    @Test("inline SVG keeps drawing elements only: no scripts, handlers, foreign content or outside links")
    func svgSanitised() {
        let svg = """
        <?xml version="1.0" encoding="utf-8"?>
        <!DOCTYPE svg>
        <svg width="10" height="10" onload="alert(1)" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
        <title>Gnuplot</title>
        <script>alert(2)</script><script xlink:href="x.js"/>
        <g id="a" onclick='alert(3)' style="fill:url(#grad)"><text>&lt;img src=x onerror=alert(4)> a &amp; b & c</text></g>
        <foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(5)"/></div></foreignObject>
        <use xlink:href="#a"/><use xlink:href="javascript:alert(6)"/><use href="http://evil/x.svg#a"/>
        <rect fill="url(http://evil/p)" stroke="url(#a)" filter="&#117;rl(x)"/>
        <!-- <script>alert(7)</script> --><![CDATA[<script>alert(8)</script>]]>
        <a href="javascript:alert(9)"><text>link</text></a>
        </svg>
        trailing <script>alert(10)</script>
        """
        let out = HTMLReport.inlineSVG(svg, prefix: "c1-", title: "a <b> & c")
        #expect(out == """
        <svg width="10" height="10" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
        <title>a &lt;b&gt; &amp; c</title>

        <g id="c1-a" style="fill:url(#c1-grad)"><text>&lt;img src=x onerror=alert(4)&gt; a &amp; b &amp; c</text></g>

        <use xlink:href="#c1-a"/><use/><use/>
        <rect stroke="url(#c1-a)"/>
        &lt;script&gt;alert(8)&lt;/script&gt;

        </svg>
        """)
    }

    /// The renderer's own bound (< 2 s a line) is MarkdownTests'; this runs the whole binary,
    /// seven such lines, on a shared machine: 10 s still catches quadratic time (hours here).
    @Test("HTML and Markdown: a report of 100 000-character hostile prose lines is written in seconds, without a crash")
    func hostileProse() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = ["[", "[](", "*a_", "`a``", "![", ">", "- "].map { "#' " + String(repeating: $0, count: 100_000 / $0.count) }
        _ = try write(dir, "s.fathom", lines.joined(separator: "\n#'\n") + "\n1\n")
        for report in ["s.html", "s.md"] {
            let start = ContinuousClock.now
            let r = try Child(["run", "s.fathom", "--report", report], directory: dir.path).communicate("")
            let elapsed = ContinuousClock.now - start
            #expect(r.status == 0, "\(report): \(r.stderr.suffix(500))")
            #expect(elapsed < .seconds(10), "\(report): \(elapsed)")
        }
        let html = try String(contentsOfFile: dir.appendingPathComponent("s.html").path, encoding: .utf8)
        #expect(html.contains(String(repeating: "[", count: 1000)))
    }
}
