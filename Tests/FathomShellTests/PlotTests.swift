import Testing
import Foundation
@testable import FathomShell
import FathomLanguage
import FathomCore

@Suite("Plots through gnuplot", .serialized)
struct PlotTests {
    static func run(_ text: String) -> RecordingSession {
        let s = RecordingSession()
        s.run(text)
        return s
    }

    @Test("PNG, SVG, PDF and text files are complete and well formed", arguments: [
        ("png", [UInt8]([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])),
        ("svg", Array("<?xml".utf8)),
        ("pdf", Array("%PDF-".utf8)),
        ("txt", []),
    ])
    func formats(_ ext: String, _ magic: [UInt8]) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("plot.\(ext)").path
        let s = PlotTests.run("p = hist(randn(1000, seed=1), randn(1000, seed=2) + 1, labels=[\"a\", \"b\"], title=\"two\")\nsave(p, \"\(path)\")")
        #expect(s.errors.isEmpty, "\(s.errors.map(\.message))")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.count > 1000)
        #expect(Array(bytes.prefix(magic.count)) == magic)
        if ext == "pdf" { #expect(String(decoding: bytes.suffix(32), as: UTF8.self).contains("%%EOF"), "the PDF is complete") }
        if ext == "txt" { #expect(bytes.first != 0x0C && String(decoding: bytes, as: UTF8.self).contains("two")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["plot.\(ext)"], "no temporary file is left")
        s.session.close()
    }

    static let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    @Test("text plots match golden output", arguments: [
        ("line", "x = seq(0, 10, by=0.5); p = line(x, x / 10, sqrt(x) / 4, labels=[\"linear\", \"sqrt\"], title=\"two lines\", xlabel=\"x\", ylabel=\"y\")"),
        ("hist", "p = hist([1, 2, 2, 3, 3, 3, 4, 4, 5], bins=5, title=\"counts\")"),
        ("ecdf", "p = ecdf([1, 2, 3, 4, 5], [2, 3, 4, 5, 6], labels=[\"a\", \"b\"], title=\"ecdf\")"),
        ("logy", "p = line([1, 2, 3, 4], [1, 10, 100, 1000], logy=true, title=\"log y\")"),
        ("reliability", "p = plot(reliability([0.9, 0.8, 0.3, 0.6, 0.95, 0.7, 0.85, 0.99, 0.97, 0.92, 0.91, 0.93, 0.96, 0.94, 0.98], [1, 1, 0, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1], bins=5))"),
        ("confusion", "p = plot(confusion([\"cat\", \"dog\", \"dog\", \"cat\", \"bird\"], [\"cat\", \"dog\", \"cat\", \"cat\", \"dog\"]))"),
        ("roc", "p = plot(auc([0.1, 0.4, 0.35, 0.8, 0.7, 0.2], [0, 0, 1, 1, 1, 0]))"),
    ])
    func golden(_ name: String, _ source: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("\(name).txt").path
        let s = PlotTests.run(source + "\nsave(p, \"\(path)\")")
        #expect(s.errors.isEmpty, "\(s.errors.map(\.message))")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let golden = PlotTests.goldenFolder.appendingPathComponent("plot-\(name).txt")
        if ProcessInfo.processInfo.environment["FATHOM_RECORD"] == "1" { try text.write(to: golden, atomically: true, encoding: .utf8) }
        #expect(text == (try String(contentsOf: golden, encoding: .utf8)))
        s.session.close()
    }

    @Test("no title, key, column name or file name can make gnuplot run a command")
    func injection() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let marker = dir.appendingPathComponent("markers").path
        try FileManager.default.createDirectory(atPath: marker, withIntermediateDirectories: true)
        // Each attack would create a file in `marker` if anything ran it.
        let attacks = [
            "`touch \(marker)/a1`",
            "' . system('touch \(marker)/a2') . '",
            "x\n!touch \(marker)/a3",
            "x'\nsystem(\"touch \(marker)/a4\")\n'",
            "\nset output '| touch \(marker)/a5'\nplot 1\n",
            "'< touch \(marker)/a6'",
            "\\\nprint system('touch \(marker)/a7')",
            "$s0 << EOF\n!touch \(marker)/a8\nEOF",
        ]
        func lit(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\""
        }
        var script = "t = as_table({x: [1, 2, 3]})\n"
        for (k, a) in attacks.enumerated() {
            script += "t[\(lit(a))] = [\(k), 2, 3]\n"
            script += "p = plot(t, title=\(lit(a)), xlabel=\(lit(a)), ylabel=\(lit(a)))\n"
            script += "save(line([1, 2], [3, 4], labels=[\(lit(a))], title=\(lit(a))), \"\(dir.path)/ok\(k).svg\")\n"
            // Class names become the tics of a heat map.
            script += "save(plot(confusion([\(lit(a)), \"ok\"], [\"ok\", \(lit(a))])), \"\(dir.path)/cm\(k).png\")\n"
        }
        script += "save(p, \"\(dir.path)/table.png\")\n"
        // Output names: the relative ones are tried in a scratch folder as the working directory.
        for name in ["| touch \(marker)/b1.png", "< touch \(marker)/b2.png", " | touch b3.png", "'; !touch b4 #.png", "`touch b5`.txt", "x'\n!touch b6\n'.pdf"] {
            script += "save(p, \(lit(name)))\n"
        }
        let scriptPath = dir.appendingPathComponent("attack.fathom").path
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let scratch = dir.appendingPathComponent("cwd").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let child = try Child(["run", "--keep-going", scriptPath], directory: scratch)
        let r = child.communicate("")
        let created = try FileManager.default.contentsOfDirectory(atPath: marker)
        #expect(created.isEmpty, "commands ran: \(created)")
        for b in ["b3", "b4", "b5", "b6", "b3.png"] { #expect(!FileManager.default.fileExists(atPath: "\(scratch)/\(b)")) }
        // The strange names are saved as the plain files they are, in the working directory.
        #expect(FileManager.default.fileExists(atPath: "\(scratch)/`touch b5`.txt"), "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("table.png").path), "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("ok0.svg").path))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("cm\(attacks.count - 1).png").path), "\(r.stderr)")
    }

    @Test("without gnuplot, plotting says how to install it and everything else works")
    func missingGnuplot() throws {
        let r = try runFathom(["-e", "p = hist([1, 2, 3]); save(p, \"/tmp/never.png\"); 1 + 1"], environment: ["PATH": ""])
        #expect(r.status == 1)
        #expect(r.stdout == "2\n")
        #expect(r.stderr.contains("error: plotting needs gnuplot, which is not installed"))
        #expect(r.stderr.contains("note: install it with: sudo apt-get install gnuplot-nox"))
    }

    @Test("a gnuplot error becomes a Fathom error with gnuplot's message; the session goes on")
    func gnuplotError() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bad.png").path
        try "previous".write(toFile: path, atomically: true, encoding: .utf8)
        let s = PlotTests.run("plot(line([1, 2], [-1, -2]), to=\"\(path)\", logy=true)\nx = 1 + 1\nsave(hist([1, 2]), \"\(dir.path)/good.png\")")
        #expect(s.errors.count == 1)
        #expect(s.errors.first?.message.hasPrefix("gnuplot could not draw the plot: ") == true, "\(s.errors.map(\.message))")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "previous", "a failed plot leaves the old file alone")
        #expect(s.session.interpreter.variables["x"] != nil)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("good.png").path), "the next plot works")
        s.session.close()
    }

    @Test("bad destinations are clear errors", arguments: [
        ("save(hist([1]), \"/nonexistent-folder/p.png\")", "cannot write /nonexistent-folder/p.png: the folder /nonexistent-folder does not exist"),
        ("plot(hist([1]), to=\"p.gif\")", "a plot is saved as .png, .svg, .pdf or .txt; 'p.gif' is none of these"),
        ("save([1, 2], \"x.png\")", "save() writes plots to .png, .svg, .pdf, .txt, not a vector of 2 numbers"),
        ("plot({a: 1})", "plot() expects value: a plot (from line, scatter, hist or ecdf), an analysis result, a vector, a matrix or a table, got a record"),
        ("line([1, 2], [1])", "line(): series 1 has 1 value but x has 2"),
        ("hist([nan])", "hist(): the samples hold no finite values"),
        ("plot(hist([1]), size=[10, 10])", "plot(): size is [width, height] in pixels, each from 100 to 10000"),
    ])
    func badDestinations(_ source: String, _ message: String) {
        let s = PlotTests.run(source)
        #expect(s.errors.first?.message == message)
        s.session.close()
    }

    @Test("in a script a plot without to= prints one line describing it")
    func batchDescription() throws {
        let r = try runFathom(["-e", "hist(randn(100, seed=1), title=\"h\")"])
        #expect(r.stdout == "plot: histogram \"h\", 1 series, 30 points; plot(_1, to=\"plot.png\") writes it\n")
        // Inside a list no cell names the plot on its own: no hint.
        let listed = try runFathom(["-e", "[hist([1, 2], title=\"a\"), 1]"])
        #expect(!listed.stdout.contains("to="), "\(listed.stdout)")
    }

    /// A result type of a later analysis, made plottable by this one conformance.
    struct Custom: ObjectValue, Plottable {
        var typeName: String { "custom" }
        var described: String { "a custom result" }
        var fieldNames: [String] { [] }
        func field(_ name: String) -> Value? { nil }
        func renderText(_ options: RenderOptions) -> String { "custom" }
        func json() -> JSONValue { .null }
        func figure() throws -> Figure { Figure(kind: "custom", panels: [Panel(series: [Series(.linespoints, x: [0, 1], y: [1, 0], label: "custom")])]) }
    }

    @Test("a new plottable result needs only its figure")
    func extensionPoint() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = RecordingSession()
        s.session.interpreter.variables["c"] = .object(Custom())
        s.run("plot(c, to=\"\(dir.path)/c.txt\", title=\"mine\")")
        #expect(s.errors.isEmpty)
        #expect(try String(contentsOfFile: dir.appendingPathComponent("c.txt").path, encoding: .utf8).contains("mine"))
        s.session.close()
    }
}
