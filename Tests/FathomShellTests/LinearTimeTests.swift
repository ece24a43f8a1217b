import Testing
import Foundation
@testable import FathomShell

/// Inputs that used to take quadratic or exponential time: deeply nested and very wide JSON,
/// long transcripts, long statements, big diffs, Markdown full of brackets. Each now takes
/// time in proportion to its size (bounded below a few seconds here, in a debug build), and
/// what it prints is bounded.
@Suite("Hostile sizes take linear time")
struct LinearTimeTests {
    static func timed<T>(_ work: () throws -> T) rethrows -> (T, Double) {
        let start = Date()
        let value = try work()
        return (value, Date().timeIntervalSince(start))
    }

    @Test("a JSON file 30 levels deep loads and prints at once, the deep levels elided")
    func deepJSON() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = String(repeating: "{\"a\":", count: 30) + "1" + String(repeating: "}", count: 30)
        try text.write(to: dir.appendingPathComponent("deep.json"), atomically: true, encoding: .utf8)
        let (r, seconds) = try LinearTimeTests.timed { try Child(["-e", "x = load(\"deep.json\")", "-e", "x", "-e", "x.a.a.a.a.a.a.a.a.a"], directory: dir.path).communicate("", timeout: 120) }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(seconds < 5, "took \(seconds) s")
        #expect(r.stdout.hasPrefix("a: a: a: a: a: a: a: a: {…}\n"), "\(r.stdout)")
        #expect(r.stdout.split(separator: "\n").count == 2)
    }

    @Test("a JSON object with 100 000 keys loads, prints the first fields, and reads any field")
    func wideJSON() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = "{" + (0..<100_000).map { "\"k\($0)\": \($0)" }.joined(separator: ", ") + "}"
        try text.write(to: dir.appendingPathComponent("wide.json"), atomically: true, encoding: .utf8)
        let (r, seconds) = try LinearTimeTests.timed { try Child(["-e", "x = load(\"wide.json\")", "-e", "x", "-e", "x.k99999"], directory: dir.path).communicate("", timeout: 120) }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(seconds < 5, "took \(seconds) s")
        #expect(r.stdout.hasSuffix("… 99980 more fields\n99999\n"), "\(r.stdout.suffix(200))")
    }

    @Test("replay --check of 100 000 recorded lines, and of one statement 30 000 lines long")
    func longTranscripts() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let many = dir.appendingPathComponent("many.fathom")
        try ("1 + 1\n" + String(repeating: "#> 2\n", count: 100_000)).write(to: many, atomically: true, encoding: .utf8)
        let long = dir.appendingPathComponent("long.fathom")
        try ("x = [\n" + (0..<30_000).map { "  \($0),\n" }.joined() + "  0]\nlen(x)\n#> 30001\n").write(to: long, atomically: true, encoding: .utf8)
        let (first, s1) = try LinearTimeTests.timed { try runFathom(["--no-color", "replay", many.path, "--check"], timeout: 120) }
        #expect(s1 < 5, "took \(s1) s")
        #expect(first.status == 3)
        // The diff is cut to a page: the line both share, 199 removed lines and a count of the rest.
        #expect(first.stdout.contains("  … and 99800 more lines of the diff"), "\(first.stdout.suffix(300))")
        #expect(first.stdout.split(separator: "\n").count < 210)
        let (second, s2) = try LinearTimeTests.timed { try runFathom(["--no-color", "replay", long.path, "--check"], timeout: 120) }
        #expect(s2 < 5, "took \(s2) s")
        #expect(second.status == 0, "\(second.stdout.suffix(300))")
        #expect(second.stdout.hasSuffix("all 2 outputs match\n"))
    }

    @Test("a diff of two long, different outputs is bounded and says where they part")
    func boundedDiff() {
        let old = (0..<5000).map { "old \($0)" }, new = ["same"] + (0..<5000).map { "new \($0)" }
        let (lines, seconds) = LinearTimeTests.timed { Diff.unified(["same"] + old, new) }
        #expect(seconds < 2, "took \(seconds) s")
        #expect(lines == ["  #> same", "- #> old 0", "+ #> new 0",
                          "  … from here the outputs differ in 5000 recorded and 5000 new lines, too many to compare line by line"])
        // Small diffs keep three lines of context around the change.
        let small = Diff.unified((0..<10).map(String.init), (0..<10).map { $0 == 5 ? "five" : String($0) })
        #expect(small == ["  … 2 unchanged lines", "  #> 2", "  #> 3", "  #> 4", "- #> 5", "+ #> five", "  #> 6", "  #> 7", "  #> 8", "  … 1 unchanged line"])
    }

    @Test("#> lines with no statement above them fail --check and go with --update")
    func orphanOutput() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("orphans.fathom")
        try "#> stale\n#> lines\n# a comment\n1 + 1\n#> 2\n\n#> stray\n".write(to: file, atomically: true, encoding: .utf8)
        let check = try runFathom(["--no-color", "replay", file.path, "--check"], timeout: 120)
        #expect(check.status == 3, "\(check.stdout)")
        #expect(check.stdout.contains("orphans.fathom:1-2: 2 #> output lines with no statement above them"), "\(check.stdout)")
        #expect(check.stdout.contains("orphans.fathom:7: a #> output line with no statement above it"))
        #expect(check.stdout.contains("0 of 1 output changed, 3 #> lines with no statement"))
        let update = try runFathom(["--no-color", "replay", file.path, "--update"], timeout: 120)
        #expect(update.status == 0)
        #expect(try String(contentsOf: file, encoding: .utf8) == "# a comment\n1 + 1\n#> 2\n\n")
        #expect(try runFathom(["--no-color", "replay", file.path, "--check"], timeout: 120).status == 0)
    }

    @Test("Markdown prose with 26 or 10 000 [ renders at once in an HTML and a Markdown report", arguments: [26, 10_000])
    func brackets(_ count: Int) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let prose = String(repeating: "[", count: count)
        let script = "#' # Brackets\n#' \(prose) a](b) [c\n#' \(String(repeating: "[a](", count: count / 3))\n1 + 1\n"
        try script.write(to: dir.appendingPathComponent("brackets.fathom"), atomically: true, encoding: .utf8)
        for report in ["out.html", "out.md"] {
            let (r, seconds) = try LinearTimeTests.timed { try Child(["run", "brackets.fathom", "--report", report], directory: dir.path).communicate("", timeout: 120) }
            #expect(r.status == 0, "\(r.stderr)")
            #expect(seconds < 5, "took \(seconds) s")
            let written = try String(contentsOf: dir.appendingPathComponent(report), encoding: .utf8)
            // All but the bracket that opens the link stay text.
            #expect(written.contains(String(repeating: "[", count: count - 1)))
        }
    }
}
