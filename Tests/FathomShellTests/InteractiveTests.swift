import Testing
import Foundation

/// The interactive shell through a pseudo-terminal: typing, completion, continuation,
/// interruption, leaving, and history that survives to the next session.
extension TerminalSuites {
    @Suite("Interactive shell", .serialized)
    struct InteractiveTests {
        static func environment(_ state: URL) -> [String: String] {
            [
                "TERM": "xterm",
                "HOME": state.path,
                "XDG_STATE_HOME": state.appendingPathComponent("state").path,
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                "LANG": "C.UTF-8",
            ]
        }

        @Test("type, complete, continue, interrupt, leave; history next time")
        func session() throws {
            let home = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: home) }
            let tty = try PseudoTerminal(fathomBinary, environment: InteractiveTests.environment(home))
            #expect(tty.expect("[1]>"), "\(tty.transcript)")

            tty.type("x = 41\r")
            #expect(tty.expect("[2]>"))

            // Tab completes the builtin name and its bracket.
            tty.type("roun\t")
            #expect(tty.expect("round("))
            tty.type("x) + 1\r")
            #expect(tty.expect("Out[2]: 42"), "\(tty.transcript)")

            // An open bracket continues the statement.
            tty.type("y = [1,\r")
            #expect(tty.expect("...>"))
            tty.type("2]\r")
            tty.type("len(y)\r")
            #expect(tty.expect("Out[4]: 2"), "\(tty.transcript)")

            // An error shows the caret and the session goes on.
            tty.type("mena(y)\r")
            #expect(tty.expect("^~~~"))
            #expect(tty.expect("did you mean 'mean'?"))

            // Ctrl-C stops a long computation; the variable keeps its value.
            #expect(tty.expect("[6]>"))
            tty.type("x = sum(randn(2e8))\r")
            #expect(tty.expect("x = sum(randn(2e8))\n"))
            usleep(500_000)
            tty.type("\u{3}")
            #expect(tty.expect("interrupted"), "\(tty.transcript)")
            tty.type("x\r")
            #expect(tty.expect("Out[7]: 41"), "\(tty.transcript)")

            // Ctrl-C at the prompt clears the line.
            #expect(tty.expect("[8]>"))
            tty.type("this is not finished")
            #expect(tty.expect("this is not finished"))
            tty.type("\u{3}")
            #expect(tty.expect("[8]>"), "\(tty.transcript.debugDescription)")
            tty.type("x * 2\r")
            #expect(tty.expect("Out[8]: 82"), "\(tty.transcript)")

            // A plot without to= is drawn in the terminal (as text here: xterm has no sixel).
            #expect(tty.expect("[9]>"))
            tty.type("hist([1, 2, 2, 3, 3, 3], title=\"preview\")\r")
            #expect(tty.expect("preview"), "\(tty.transcript)")
            #expect(tty.expect("+-----"))

            // Ctrl-D leaves with status 0 (typed at the prompt, once the editor reads keys).
            #expect(tty.expect("[10]>"))
            #expect(tty.leave() == 0, "\(tty.lastWaitError ?? "") \(tty.raw.suffix(300).debugDescription)")

            // The history file exists, private to the user.
            let historyPath = home.appendingPathComponent("state/fathom/history").path
            let attributes = try FileManager.default.attributesOfItem(atPath: historyPath)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            let folder = try FileManager.default.attributesOfItem(atPath: home.appendingPathComponent("state/fathom").path)
            #expect((folder[.posixPermissions] as? Int) == 0o700)

            // Next time, Up brings back the last line.
            let again = try PseudoTerminal(fathomBinary, environment: InteractiveTests.environment(home))
            #expect(again.expect("[1]>"))
            again.type("x = 5\r")
            #expect(again.expect("[2]>"))
            again.type("\u{1B}[A\u{1B}[A\u{1B}[A\r")
            #expect(again.expect("Out[2]: 10"), "\(again.transcript)")
            #expect(again.expect("[3]>"))
            again.type(":quit\r")
            #expect(again.waitForExit() == 0)
        }

        @Test("a long bootstrap shows its progress and stops on Ctrl-C; the session goes on")
        func bootstrapProgress() throws {
            let home = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: home) }
            let tty = try PseudoTerminal(fathomBinary, environment: InteractiveTests.environment(home))
            #expect(tty.expect("[1]>"))
            tty.type("t = load(\"digits/mlp-test\"); p = softmax(select(t, \"logit_*\"))\r")
            #expect(tty.expect("[3]>"))
            tty.type("ece(p, t.label, ci=0.95, boot=1000000)\r")
            #expect(tty.expect("(Ctrl-C stops)"), "\(tty.transcript)")
            #expect(tty.expect("bootstrap"))
            tty.type("\u{3}")
            #expect(tty.expect("interrupted"), "\(tty.transcript)")
            tty.type("round(ece(p, t.label), digits=4)\r")
            #expect(tty.expect("0.0484"), "\(tty.transcript)")
            #expect(tty.leave() == 0, "\(tty.lastWaitError ?? "") \(tty.raw.suffix(300).debugDescription)")
        }

        @Test("colour in a terminal, none with NO_COLOR or --no-color", arguments: [
            ([String](), [String: String](), true),
            ([], ["NO_COLOR": "1"], false),
            (["--no-color"], [:], false),
        ])
        func color(_ arguments: [String], _ extra: [String: String], _ colored: Bool) throws {
            let home = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: home) }
            let env = InteractiveTests.environment(home).merging(extra) { $1 }
            let tty = try PseudoTerminal(fathomBinary, arguments: arguments, environment: env)
            #expect(tty.expect("[1]>"))
            tty.type("1 + 1\r")
            #expect(tty.expect("Out[1]: 2"))
            #expect(tty.expect("[2]>"))
            #expect(tty.leave() == 0, "\(tty.lastWaitError ?? "") \(tty.raw.suffix(300).debugDescription)")
            #expect(tty.raw.contains("\u{1B}[31mOut[1]:") == colored)
        }

        @Test("errors at the prompt name the input cell, In[N]:line:column, as IPython does")
        func errorsNameTheCell() throws {
            let home = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: home) }
            let tty = try PseudoTerminal(fathomBinary, environment: InteractiveTests.environment(home))
            #expect(tty.expect("[1]>"))
            tty.type("x = 1; y = 2\r")
            #expect(tty.expect("[3]>"))
            tty.type("mena(x)\r")
            #expect(tty.expect("In[3]:1:1: error: unknown name 'mena'"), "\(tty.transcript)")
            #expect(tty.expect("[4]>"))
            tty.type("z = [1,\r")
            #expect(tty.expect("...>"))
            tty.type("  2 +]\r")
            #expect(tty.expect("In[4]:2:"), "\(tty.transcript)")
            #expect(tty.leave() == 0, "\(tty.lastWaitError ?? "") \(tty.raw.suffix(300).debugDescription)")
        }

        @Test("a plot's one-line description names its cell, and following the hint writes that plot")
        func plotHintNamesTheCell() throws {
            let home = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: home) }
            let png = home.appendingPathComponent("plot.png").path
            let tty = try PseudoTerminal(fathomBinary, arguments: ["--plots", "off"], environment: InteractiveTests.environment(home))
            #expect(tty.expect("[1]>"))
            tty.type("p = [0.9, 0.1]\r")
            #expect(tty.expect("[2]>"))
            tty.type("hist([1, 2, 2, 3], title=\"h\")\r")
            #expect(tty.expect("plot(_2, to=\"plot.png\") writes it"), "\(tty.transcript)")
            #expect(tty.expect("[3]>"))
            tty.type("plot(_2, to=\"\(png)\")\r")
            #expect(tty.expect("[4]>"), "\(tty.transcript)")
            #expect(tty.leave() == 0)
            let head = try Data(contentsOf: URL(fileURLWithPath: png)).prefix(4)
            #expect(Array(head) == [0x89, 0x50, 0x4E, 0x47])
        }

        @Test("a session saved in a wide terminal replays with --check in a narrow one", arguments: [UInt16(160), 60])
        func savedTranscriptIgnoresWidth(_ columns: UInt16) throws {
            let home = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: home) }
            let file = home.appendingPathComponent("wide.fathom").path
            let tty = try PseudoTerminal(fathomBinary, environment: InteractiveTests.environment(home), columns: columns)
            #expect(tty.expect("[1]>"))
            tty.type("r = {model: \"softmax regression on digits\", accuracy: 0.955556, ece: 0.0484, bins: 15, note: \"a record long enough to wrap\"}\r")
            #expect(tty.expect("[2]>"))
            tty.type("r\r")
            #expect(tty.expect("[3]>"))
            tty.type("seq(40)\r")
            #expect(tty.expect("[4]>"))
            tty.type(":save \(file)\r")
            #expect(tty.expect("[4]>"), "\(tty.transcript)")
            #expect(tty.leave() == 0)
            let r = try runFathom(["replay", file, "--check"])
            #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
            #expect(r.stdout.contains("all 3 outputs match"), "\(r.stdout)")
        }
    }
}
