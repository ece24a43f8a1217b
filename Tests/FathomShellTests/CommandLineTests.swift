import Testing
import Foundation
import FathomShell
#if canImport(Glibc)
import Glibc
#endif

/// The built binary, end to end: exit statuses, streams and formats.
@Suite("Command line")
struct CommandLineTests {
    @Test("piped input prints values, nothing else")
    func batch() throws {
        let r = try runFathom([], input: "1 + 1\n")
        #expect(r.status == 0)
        #expect(r.stdout == "2\n")
        #expect(r.stderr == "")
    }

    @Test("batch errors go to standard error with <stdin>:line:column; evaluation goes on; exit 1")
    func batchErrors() throws {
        let r = try runFathom([], input: "x = 1\nx +\n\nmena(x)\nx + 1\n")
        #expect(r.status == 1)
        #expect(r.stdout == "2\n")
        #expect(r.stderr.contains("<stdin>:2:3: error: expected a value after '+'"))
        #expect(r.stderr.contains("<stdin>:4:1: error: unknown name 'mena'\n    mena(x)\n    ^~~~\nnote: did you mean 'mean'?"))
    }

    @Test("-e evaluates, prints and exits")
    func expression() throws {
        let r = try runFathom(["-e", "x = 2; x * 21", "-e", "x"])
        #expect(r.status == 0)
        #expect(r.stdout == "42\n2\n")
        let bad = try runFathom(["-e", "1 +"])
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("<-e>:1:3: error: expected a value after '+'"))
    }

    @Test("--json prints one object per cell that shows a value; assignments are silent")
    func json() throws {
        let r = try runFathom(["--json", "-e", "x = [0.1, 2]; x; {a: 1/3}; print(\"hi\")"])
        #expect(r.stdout == """
        {"cell":2,"input":"x","value":[0.1,2]}
        {"cell":3,"input":"{a: 1/3}","value":{"a":0.3333333333333333}}
        {"cell":4,"printed":"hi\\n"}

        """)
    }

    @Test("run stops at the first failing statement unless --keep-going")
    func run() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("a.fathom")
        try "x = 1\nx\n\ny = [1,\n  oops]\nx + 1\n".write(to: file, atomically: true, encoding: .utf8)
        let stop = try runFathom(["run", file.path])
        #expect(stop.status == 1)
        #expect(stop.stdout == "1\n")
        #expect(stop.stderr.hasPrefix("\(file.path):5:3: error: unknown name 'oops'"))
        let go = try runFathom(["run", "--keep-going", file.path])
        #expect(go.status == 1)
        #expect(go.stdout == "1\n2\n")
        let second = dir.appendingPathComponent("b.fathom")
        try "x * 10\n".write(to: second, atomically: true, encoding: .utf8)
        let fine = dir.appendingPathComponent("c.fathom")
        try "x = 4\n".write(to: fine, atomically: true, encoding: .utf8)
        let two = try runFathom(["run", fine.path, second.path])
        #expect(two.status == 0)
        #expect(two.stdout == "40\n")
    }

    @Test("checks gate the exit status: a failed check exits 3 with a summary, an error still exits 1")
    func checks() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("gate.fathom")
        try """
        t = load("digits/mlp-test"); p = softmax(select(t, "logit_*"))
        check("accurate", accuracy(p, t.label) > 0.9)
        check("calibrated", ece(p, t.label) < 0.03)
        check("every class seen", [true, false])
        "done"

        """.write(to: script, atomically: true, encoding: .utf8)
        let failing = try runFathom(["run", script.path])
        #expect(failing.status == 3)
        #expect(failing.stdout == "PASS  accurate\nFAIL  calibrated\nFAIL  every class seen\n\"done\"\n")
        #expect(failing.stderr == "2 of 3 checks failed:\n  FAIL  calibrated\n  FAIL  every class seen\n")

        let fixed = dir.appendingPathComponent("fixed.fathom")
        try """
        v = load("digits/mlp-validation"); t = load("digits/mlp-test")
        p2 = calibrate(temperature(select(v, "logit_*"), v.label), select(t, "logit_*"))
        check("calibrated", ece(p2, t.label) < 0.03)

        """.write(to: fixed, atomically: true, encoding: .utf8)
        let passing = try runFathom(["run", fixed.path])
        #expect(passing.status == 0)
        #expect(passing.stdout == "PASS  calibrated\n")
        #expect(passing.stderr == "")

        // The same through standard input and -e; an error outranks a failed check.
        #expect(try runFathom([], input: "check(\"x\", false)\n").status == 3)
        #expect(try runFathom(["-e", "check(\"x\", 1 > 2)"]).status == 3)
        let both = try runFathom([], input: "check(\"x\", false)\nnope\n")
        #expect(both.status == 1)
        #expect(both.stderr.contains("1 of 1 check failed:\n  FAIL  x\n"))
    }

    @Test("missing files and bad usage exit 2 with a message")
    func usage() throws {
        let missing = try runFathom(["run", "/nonexistent/script.fathom"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "fathom: cannot read /nonexistent/script.fathom: no such file or folder\n")
        let flag = try runFathom(["--nonsense"])
        #expect(flag.status == 2)
        #expect(flag.stderr.contains("--nonsense"))
        let both = try runFathom(["replay", "x.fathom", "--check", "--update"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("--check and --update cannot be used together"))
        let none = try runFathom(["run"])
        #expect(none.status == 2)
    }

    @Test("--version, --help and shell completion scripts")
    func meta() throws {
        let v = try runFathom(["--version"])
        #expect(v.status == 0 && v.stdout == "0.1.0\n")
        let h = try runFathom(["--help"])
        #expect(h.status == 0 && h.stdout.contains("USAGE") && h.stdout.contains("replay"))
        let c = try runFathom(["--generate-completion-script", "bash"])
        #expect(c.status == 0 && c.stdout.contains("complete"))
    }

    @Test("--seed seeds the session generator; runs print the same bytes every time")
    func determinism() throws {
        let a = try runFathom(["--seed", "4", "-e", "randn(3); sample(seq(5))"])
        let b = try runFathom(["--seed", "4", "-e", "randn(3); sample(seq(5))"])
        let c = try runFathom(["--seed", "5", "-e", "randn(3); sample(seq(5))"])
        #expect(a.stdout == b.stdout)
        #expect(a.stdout != c.stdout)
    }

    @Test("replay --check passes on a faithful transcript and exits 3 with a diff when an output changed")
    func replayCheck() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("t.fathom")
        try "#' prose\nx = 2\nx * 2\n#> 4\nx + 1\n#> 4\n".write(to: file, atomically: true, encoding: .utf8)
        let check = try runFathom(["replay", file.path, "--check"])
        #expect(check.status == 3)
        #expect(check.stdout.contains("\(file.path):5: output changed\n  x + 1\n- #> 4\n+ #> 3\n"))
        let update = try runFathom(["replay", file.path, "--update"])
        #expect(update.status == 0)
        #expect(try String(contentsOf: file, encoding: .utf8) == "#' prose\nx = 2\nx * 2\n#> 4\nx + 1\n#> 3\n")
        let again = try runFathom(["replay", file.path, "--check"])
        #expect(again.status == 0)
        let show = try runFathom(["replay", file.path])
        #expect(show.status == 0)
        #expect(show.stdout == "> x = 2\n> x * 2\n4\n> x + 1\n3\n")
    }

    @Test("a few thousand hostile lines do not crash the shell; the next good line evaluates")
    func hostileInput() throws {
        var g = SystemRandomNumberGenerator()
        var lines: [String] = [
            String(repeating: "(", count: 10_000) + String(repeating: ")", count: 10_000),
            String(repeating: "[", count: 10_000),
            "",
            String(repeating: "x", count: 1_000_000),
            "seq(0, 1e12)", "randn(1e6, 1e6)", "\"\u{0}\u{7}\u{1B}[2J\"", ":load /dev/zero", ":save /", "?", ":",
            "l = [1]", "l = [l, l]", "-" + String(repeating: "-", count: 100_000) + "1",
            "1" + String(repeating: "+1", count: 300_000), "\\", "\"\\", "#", "'", "_", "_0", "_-1",
            "1e999999", "0x10", "1__2", "..", "...", "a.b.c.d.e", "{", "}", "{a:}", "f(=1)", ":set seed -1",
        ]
        let alphabet = Array("()[]{}+-*/%^<>=!|.,:;\"'#\\ abcxyz019_\t")
        for _ in 0..<3000 {
            let n = Int.random(in: 0..<60, using: &g)
            lines.append(String((0..<n).map { _ in alphabet.randomElement(using: &g)! }))
        }
        lines.append("")
        lines.append("ok = 40 + 2")
        lines.append("ok")
        let r = try runFathom([], input: lines.joined(separator: "\n") + "\n")
        #expect(r.status == 1)
        #expect(r.stdout.hasSuffix("42\n"))
        #expect(!r.stderr.contains("Fatal error"))
    }

    @Test("interrupting long work stops it with status 130", arguments: [
        // A permutation test, fine-tuning, and a plain script; microseconds before Ctrl-C.
        ("mmd(randn(3000, 8, seed=1), randn(3000, 8, seed=2), perms=1000000, seed=1)", UInt32(1_500_000)),
        ("X = randn(20000, 16, seed=1); y = X[:, 0] > 0; m = fit_logistic(X, y)\nfinetune(m, X, y, forecastability=0.1, steps=1000000, seed=1)", 1_500_000),
        ("x = sum(randn(2e8))", 400_000),
    ])
    func interrupt(_ script: String, _ wait: UInt32) throws {
        let child = try Child(["-e", script])
        close(child.stdin)
        usleep(wait)
        kill(child.pid, SIGINT)
        let r = child.communicate("")
        #expect(r.status == 130)
        #expect(r.stderr.contains("interrupted"))
    }
}

/// A script saved with a byte-order mark runs like any other.
@Suite("Script encodings")
struct ScriptEncodingTests {
    @Test("a UTF-8 byte-order mark at the start of a script is dropped", arguments: ["run", "replay"])
    func bom(_ command: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bom.fathom")
        try Data([0xEF, 0xBB, 0xBF] + Array("x = 2\nx * 21\n".utf8)).write(to: file)
        let r = try runFathom([command, file.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("42"))
    }
}

/// A script's failure inside `:load` is the run's failure.
@Suite("Loaded scripts")
struct LoadedScriptTests {
    @Test("an error in a :load'ed script fails fathom run (exit 1) and stops it", arguments: ["x = [1,\n  oops]\n", "y = 1 +\n", "mena(2)\n"])
    func loadFails(_ bad: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inner = dir.appendingPathComponent("inner.fathom")
        try ("a = 1\n" + bad + "b = 2\n").write(to: inner, atomically: true, encoding: .utf8)
        let outer = dir.appendingPathComponent("outer.fathom")
        try ":load \(inner.path)\n\"after\"\n".write(to: outer, atomically: true, encoding: .utf8)
        let r = try runFathom(["run", outer.path])
        #expect(r.status == 1, "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("\(inner.path):"), "\(r.stderr)")
        #expect(!r.stdout.contains("after"))
        let going = try runFathom(["run", outer.path, "--keep-going"])
        #expect(going.status == 1)
        #expect(going.stdout.contains("after"))
    }
}

/// Every documented option of every subcommand, in every position ArgumentParser accepts it,
/// does what `--help` says or is refused with a usage error — never silently ignored.
@Suite("Command-line options, end to end")
struct OptionMatrixTests {
    static func script(_ text: String) throws -> (dir: URL, file: String) {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("s.fathom")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return (dir, file.path)
    }

    static func allJSON(_ out: String) -> Bool {
        let lines = out.split(separator: "\n")
        return !lines.isEmpty && lines.allSatisfy { l in
            (try? JSONSerialization.jsonObject(with: Data(l.utf8))) is [String: Any]
        }
    }

    @Test("--json before the subcommand, after it, or after the file: run prints JSON", arguments: [
        ["--json", "run", "FILE"], ["run", "--json", "FILE"], ["run", "FILE", "--json"], ["--json", "run", "FILE", "--keep-going"],
    ])
    func runJSON(_ pattern: [String]) throws {
        let (dir, file) = try OptionMatrixTests.script("x = 2\nx * 21\nprint(\"hi\")\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try runFathom(pattern.map { $0 == "FILE" ? file : $0 })
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "{\"cell\":2,\"input\":\"x * 21\",\"value\":42}\n{\"cell\":3,\"printed\":\"hi\\n\"}\n", "\(pattern)")
    }

    @Test("--json with -e and with piped input")
    func otherJSON() throws {
        #expect(try runFathom(["-e", "1 + 1", "--json"]).stdout == "{\"cell\":1,\"input\":\"1 + 1\",\"value\":2}\n")
        #expect(try runFathom(["--json"], input: "1 + 1\n").stdout == "{\"cell\":1,\"input\":\"1 + 1\",\"value\":2}\n")
    }

    @Test("subcommands that print no JSON refuse --json, and -e refuses a subcommand", arguments: [
        ["--json", "replay", "FILE"], ["replay", "FILE", "--json"], ["replay", "--check", "--json", "FILE"],
        ["--json", "tour"], ["tour", "failures", "--json"], ["-e", "1", "run", "FILE"], ["run", "FILE", "-e", "1"], ["replay", "FILE", "-e", "1"],
        ["replay", "FILE", "--check", "--update"], ["run"], ["run", "FILE", "--report", "out.pdf"], ["--plots", "colour", "-e", "1"],
    ])
    func refused(_ pattern: [String]) throws {
        let (dir, file) = try OptionMatrixTests.script("1\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try runFathom(pattern.map { $0 == "FILE" ? file : $0 })
        #expect(r.status == 2, "\(pattern): \(r.status) \(r.stdout) \(r.stderr)")
        #expect(r.stdout.isEmpty, "\(pattern)")
        #expect(!r.stderr.isEmpty, "\(pattern)")
    }

    @Test("--seed in any position seeds the session", arguments: [
        ["--seed", "5", "run", "FILE"], ["run", "--seed", "5", "FILE"], ["run", "FILE", "--seed", "5"], ["--seed", "5", "-e", "runif(1)"], ["-e", "runif(1)", "--seed", "5"],
    ])
    func seed(_ pattern: [String]) throws {
        let (dir, file) = try OptionMatrixTests.script("runif(1)\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let seeded = try runFathom(pattern.map { $0 == "FILE" ? file : $0 })
        let reference = try runFathom(["-e", "runif(1, seed=5)"])
        let unseeded = try runFathom(["run", file])
        #expect(seeded.status == 0)
        #expect(seeded.stdout == reference.stdout, "\(pattern)")
        #expect(seeded.stdout != unseeded.stdout)
    }

    @Test("replay --seed: a transcript recorded with a seed checks with it and not without")
    func replaySeed() throws {
        let (dir, file) = try OptionMatrixTests.script("runif(2)\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try runFathom(["replay", file, "--update", "--seed", "9"]).status == 0)
        #expect(try runFathom(["--seed", "9", "replay", "--check", file]).status == 0)
        let unseeded = try runFathom(["replay", file, "--check"])
        #expect(unseeded.status == 3)
        #expect(unseeded.stdout.contains("output changed"))
        let shown = try runFathom(["replay", file, "--seed", "9", "--no-color"])
        #expect(shown.status == 0)
        #expect(shown.stdout.hasPrefix("> runif(2)\n"))
        #expect(!shown.stdout.contains("\u{1B}"))
    }

    @Test("--plots text draws a script's plots as text, in any position; off and the default print one line", arguments: [
        (["run", "FILE", "--plots", "text"], true), (["--plots", "text", "run", "FILE"], true), (["--plots", "text"], true),
        (["run", "FILE", "--plots", "off"], false), (["run", "FILE"], false), ([], false),
    ])
    func plots(_ pattern: [String], _ drawn: Bool) throws {
        let (dir, file) = try OptionMatrixTests.script("hist([1, 2, 2, 3, 3, 3], title=\"h\")\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try runFathom(pattern.map { $0 == "FILE" ? file : $0 }, input: pattern.contains("FILE") ? "" : "hist([1, 2, 2, 3, 3, 3], title=\"h\")\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("+-----") == drawn, "\(pattern): \(r.stdout)")
        #expect(r.stdout.contains("plot(_1, to=") == !drawn, "\(pattern): \(r.stdout)")
    }

    @Test("--report and --json together: JSON on standard output, the report on disk")
    func reportAndJSON() throws {
        let (dir, file) = try OptionMatrixTests.script("#' # Title\nx = 3\nx\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("r.md").path
        let r = try runFathom(["run", file, "--report", out, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(OptionMatrixTests.allJSON(r.stdout), "\(r.stdout)")
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("# Title"))
    }

    @Test("--version, --help and completion scripts work for the root and every subcommand", arguments: ["", "run", "replay", "tour", "kernel", "kernel install"])
    func versionAndHelp(_ sub: String) throws {
        let prefix = sub.split(separator: " ").map(String.init)
        let version = try runFathom(prefix + ["--version"])
        #expect(version.status == 0)
        #expect(version.stdout == FathomVersion.string + "\n")
        let help = try runFathom(prefix + ["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: fathom"))
        #expect(help.stdout.contains("--json") == (sub == "" || sub == "run"), "\(sub)")
        if sub == "kernel" { #expect(help.stdout.contains("-f <CONNECTION_FILE>") && help.stdout.contains("install")) }
        if sub == "kernel install" { #expect(["--user", "--prefix <DIR>", "--name <name>"].allSatisfy(help.stdout.contains), "\(help.stdout)") }
        if sub.isEmpty {
            let completion = try runFathom(["--generate-completion-script", "bash"])
            #expect(completion.status == 0)
            #expect(completion.stdout.contains("_fathom"))
        }
    }
}
