import Testing
import Foundation
@testable import FathomShell

/// `fathom tour`: the list, a lesson straight through in batch mode, and step by step in a
/// terminal (Enter, s to explore, q to leave, the shell open at the end).
extension TerminalSuites {
    @Suite("Tour", .serialized)
    struct TourTests {
        static let lessonNames = ["failures", "calibration", "deferral", "covariate-shift", "label-shift", "rare-failures", "extremes", "training"]

        @Test("fathom tour lists the eight lessons in order, with titles")
        func listing() throws {
            let r = try runFathom(["tour"])
            #expect(r.status == 0)
            let lines = r.stdout.split(separator: "\n").dropFirst()
            #expect(lines.map { $0.split(separator: " ")[1] }.map(String.init) == TourTests.lessonNames, "\(r.stdout)")
            let bad = try runFathom(["tour", "calibraton"])
            #expect(bad.status == 2)
            #expect(bad.stderr.hasPrefix("fathom: no lesson called 'calibraton'; did you mean 'calibration'?\nLessons:"))
            let none = try runFathom(["tour"], environment: ["FATHOM_LESSONS": "/nonexistent"])
            #expect(none.stdout == "no lessons found\n")
        }

        @Test("a lesson runs straight through without a terminal, by name or number")
        func batch() throws {
            let r = try runFathom(["tour", "2"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.isEmpty, "\(r.stderr)")
            #expect(r.stdout.hasPrefix("CALIBRATION"), "the title leads, in capitals without colour")
            #expect(r.stdout.contains("\n> "), "statements are shown before their output")
            #expect(!r.stdout.contains("#'"), "prose markers are gone")
        }

        func tty(_ lesson: String, _ home: URL) throws -> PseudoTerminal {
            var env = TerminalSuites.InteractiveTests.environment(home)
            env["FATHOM_LESSONS"] = repositoryRoot.appendingPathComponent("Lessons").path
            return try PseudoTerminal(fathomBinary, arguments: ["tour", lesson, "--plots", "off"], environment: env)
        }

        @Test("in a terminal: Enter steps, s stops and leaves the variables to explore")
        func stepAndExplore() throws {
            let home = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: home) }
            let t = try tty("failures", home)
            #expect(t.expect("Lesson 1 of 8"), "\(t.transcript)")
            #expect(t.expect("step 1 of"), "\(t.transcript)")
            usleep(100_000)
            t.type("\r")
            #expect(t.expect("step 2 of"), "\(t.transcript)")
            usleep(100_000)
            t.type("s")
            #expect(t.expect("Stopped at step 2 of"), "\(t.transcript)")
            #expect(t.expect("]>"))
            t.type(":vars\r")
            #expect(t.expect("d "), "\(t.transcript)")
            #expect(t.leave() == 0, "\(t.transcript)")
        }

        @Test("in a terminal: q leaves; at the end the shell stays open")
        func leaveAndFinish() throws {
            let home = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: home) }
            let q = try tty("extremes", home)
            #expect(q.expect("step 1 of"), "\(q.transcript)")
            usleep(100_000)
            q.type("q")
            #expect(q.expect("Left the lesson; `fathom tour extremes` starts it again."), "\(q.transcript)")
            #expect(q.waitForExit() == 0)

            let t = try tty("extremes", home)
            var steps = 0
            while !t.transcript.contains("End of the lesson"), steps < 60 {
                if t.expect("Enter: next", timeout: 5) { usleep(50_000); t.type("\r") }
                steps += 1
                _ = t.expect("", timeout: 0.1)
            }
            #expect(t.expect("End of the lesson"), "\(t.transcript)")
            #expect(t.expect("]>"))
            t.type("1 + 1\r")
            #expect(t.expect("Out["), "\(t.transcript)")
            #expect(t.leave() == 0)
        }
    }
}
