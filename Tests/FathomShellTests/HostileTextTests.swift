import Testing
import Foundation
@testable import FathomShell
import FathomCore
import FathomLanguage

/// Terminal escape sequences in data (a CSV's header and cells, a file name, a check's name, a
/// pasted source line) never reach the terminal: every path that shows such text writes its
/// control characters as visible escapes.
@Suite("Control characters from data are shown, never sent")
struct HostileTextTests {
    /// ESC ] (set the window title), ESC [ 2J (clear the screen), BEL, CR and a C1 CSI.
    static let header = "na\u{1B}]0;pwned\u{7}me,va\u{1B}[2Jl\u{8},c,d\u{9B}31m\n"
    static let rows = "x,1,\"a\u{1B}]2;x\u{7}b\",p\ny,2,\"c\rd\u{1B}[31me\",q\n"

    /// The control bytes that must not appear in the output: C0 except line break and tab,
    /// DEL, and C1 (in UTF-8, 0xC2 followed by 0x80–0x9F).
    static func controlBytes(_ bytes: [UInt8]) -> [UInt8] {
        var found: [UInt8] = []
        for (i, b) in bytes.enumerated() {
            if (b < 0x20 && b != 0x0A && b != 0x09) || b == 0x7F { found.append(b) }
            if b == 0xC2, i + 1 < bytes.count, (0x80...0x9F).contains(bytes[i + 1]) { found.append(bytes[i + 1]) }
        }
        return found
    }

    @Test("tables, columns, messages, notes, caret lines, checks and printed text from a hostile CSV")
    func throughTheBinary() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try (HostileTextTests.header + HostileTextTests.rows).write(to: dir.appendingPathComponent("evil.csv"), atomically: true, encoding: .utf8)
        try Data("a,b\n1,\u{0}2\n".utf8).write(to: dir.appendingPathComponent("nul\u{1B}[2J.csv"))
        let script = [
            "t = load(\"evil.csv\")",
            "t",
            "describe(t)",
            "t[0]",
            "t.c",
            "t.zz",
            "mean(t.na)",
            "print(t.c[0])",
            "select(t, \"na*\")",
            "check(t.c[1], false)",
            "load(\"nul\u{1B}[2J.csv\")",
            "x = \"\u{1B}]0;title\u{7}\" + mena",
            "{\"k\u{1B}[2J\": t.c[0]}",
            "[t.c[1], 1]",
        ].joined(separator: "\n") + "\n"
        try script.write(to: dir.appendingPathComponent("hostile.fathom"), atomically: true, encoding: .utf8)
        let child = try Child(["--no-color", "run", "--keep-going", "hostile.fathom"], directory: dir.path)
        let r = child.communicate("", timeout: 120)
        let output = r.stdout + r.stderr
        #expect(HostileTextTests.controlBytes(Array(output.utf8)) == [], "\(output.debugDescription)")
        // The data is there, as escapes.
        #expect(r.stdout.contains("na\\u{1b}]0;pwned\\u{7}me"), "\(r.stdout)")
        #expect(r.stdout.contains("c\\u{d}d\\u{1b}[31me"))
        #expect(r.stderr.contains("did you mean 'na\\u{1b}]0;pwned\\u{7}me'?"), "\(r.stderr)")
        #expect(r.stderr.contains("FAIL  c\\u{d}d\\u{1b}[31me"))
        // The caret still points at `mena` in the quoted line.
        let lines = r.stderr.split(separator: "\n").map(String.init)
        let quoted = try #require(lines.firstIndex { $0.contains("x = \"\\u{1b}]0;title\\u{7}\" + mena") })
        let caretColumn = lines[quoted + 1].firstIndex(of: "^").map { lines[quoted + 1].distance(from: lines[quoted + 1].startIndex, to: $0) }
        let menaColumn = lines[quoted].range(of: "mena").map { lines[quoted].distance(from: lines[quoted].startIndex, to: $0.lowerBound) }
        #expect(caretColumn != nil && caretColumn == menaColumn, "\(lines[quoted])\n\(lines[quoted + 1])")
    }

    @Test("replay shows a statement's control characters as escapes")
    func replayShow() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("t.fathom")
        try "s = \"\u{1B}[2J\"\nprint(s)\n#> \u{1B}]0;old\u{7}\n".write(to: file, atomically: true, encoding: .utf8)
        for mode in [[], ["--check"]] {
            let r = try runFathom(["--no-color", "replay", file.path] + mode, timeout: 120)
            #expect(HostileTextTests.controlBytes(Array((r.stdout + r.stderr).utf8)) == [], "\((r.stdout + r.stderr).debugDescription)")
            #expect(r.stdout.contains("\\u{1b}[2J"))
        }
    }

    @Test("a progress line shows its label's control characters as escapes")
    func progressLabel() {
        let line = TerminalProgress.line("load \u{1B}]0;x\u{7}.csv", fraction: 0.5, secondsLeft: nil)
        // The only escape is the line's own erase-to-end.
        #expect(line.components(separatedBy: "\u{1B}").count == 2)
        #expect(line.hasSuffix("\u{1B}[K"))
        #expect(line.contains("load \\u{1b}]0;x\\u{7}.csv"))
    }

    @Test("completion lists names with control characters as escapes")
    func completionList() {
        let listing = LineEditor.columns(["plain", "na\u{1B}]0;x\u{7}me", "\u{9B}2J"], width: 80)
        #expect(HostileTextTests.controlBytes(Array(listing.utf8)) == [])
        #expect(listing.contains("na\\u{1b}]0;x\\u{7}me"))
    }

    @Test("a quoted source line with control characters keeps the caret under the span", arguments: [
        "\"\u{1B}[2J\" + mena",
        "x = \"\u{7}\u{7}\" + mena",
        "\"" + String(repeating: "\u{1B}", count: 300) + "\" + mena",
        "x = 1 + mena + \"" + String(repeating: "\u{1B}", count: 300) + "\"",
    ])
    func caretAlignment(_ source: String) throws {
        let d = try #require(HostileTextTests.firstError(source))
        let lines = DiagnosticRenderer(width: 100).render(d).split(separator: "\n").map(String.init)
        #expect(HostileTextTests.controlBytes(Array(lines.joined().utf8)) == [])
        let quoted = Array(lines[1]), caret = Array(lines[2])
        let at = try #require(caret.firstIndex(of: "^"))
        #expect(String(quoted[at...]).hasPrefix("mena"), "\(lines[1])\n\(lines[2])")
        #expect(lines[2].hasSuffix("^~~~"))
        // The window stays about as wide as asked, escapes included.
        #expect(quoted.count <= 4 + 100 + 2 + 10)
    }

    static func firstError(_ source: String) -> Diagnostic? {
        let session = Session(settings: Settings())
        var found: Diagnostic?
        session.onEvent = { if case .failed(_, _, let d) = $0, found == nil { found = d } }
        session.run(source, sourceName: "<test>")
        return found
    }
}
