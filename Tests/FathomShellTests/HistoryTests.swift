import Testing
import Foundation
@testable import FathomShell

/// The history file shared by every shell of a user: lines appended under a lock by shells
/// typing at the same moment all survive, whole; a file Fathom did not write is never
/// replaced; an overgrown file is cut back to the newest entries.
extension TerminalSuites {
    @Suite("History shared by shells", .serialized)
    struct HistoryTests {
        static func historyPath(_ home: URL) -> URL { home.appendingPathComponent("state/fathom/history") }

        /// Starts a shell, types `lines`, and leaves with :quit.
        static func session(_ home: URL, _ lines: [String]) throws -> PseudoTerminal {
            let tty = try PseudoTerminal(fathomBinary, environment: InteractiveTests.environment(home))
            #expect(tty.expect("[1]>"), "\(tty.transcript)")
            for line in lines { tty.type(line + "\r") }
            #expect(tty.expect("[\(lines.count + 1)]>"), "\(tty.transcript)")
            tty.type(":quit\r")
            #expect(tty.waitForExit() == 0)
            return tty
        }

        @Test("two shells typing at once keep every line of both, whole")
        func concurrentShells() throws {
            let home = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: home) }
            _ = try HistoryTests.session(home, ["earlier = 0"])

            let n = 40
            let a = try PseudoTerminal(fathomBinary, environment: InteractiveTests.environment(home))
            let b = try PseudoTerminal(fathomBinary, environment: InteractiveTests.environment(home))
            #expect(a.expect("[1]>") && b.expect("[1]>"))
            // Both shells get all their lines at once and accept them as fast as they can.
            a.type((1...n).map { "a\($0) = \($0)\r" }.joined())
            b.type((1...n).map { "b\($0) = \($0)\r" }.joined())
            #expect(a.expect("[\(n + 1)]>"), "\(a.transcript)")
            #expect(b.expect("[\(n + 1)]>"), "\(b.transcript)")
            a.type(":quit\r")
            b.type(":quit\r")
            #expect(a.waitForExit() == 0 && b.waitForExit() == 0)

            let bytes = try [UInt8](Data(contentsOf: HistoryTests.historyPath(home)))
            #expect(!bytes.contains(0))
            let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.first == "_HiStOrY_V2_")
            #expect(lines.last == "")
            let entries = lines.dropFirst().dropLast()
            let expected = ["earlier = 0"] + (1...n).map { "a\($0) = \($0)" } + (1...n).map { "b\($0) = \($0)" }
            for line in expected {
                #expect(entries.filter { $0 == HistoryFile.encode(line) }.count == 1, "\(line)")
            }
            #expect(entries.count == expected.count + 3, "\(entries)")

        }

        @Test("a history file Fathom did not write is kept as it is, and the shell says so once")
        func foreignFile() throws {
            let home = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: home) }
            let path = HistoryTests.historyPath(home)
            try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
            let original = "ls -la\ncd ~/projects\n"
            try original.write(to: path, atomically: true, encoding: .utf8)
            let tty = try HistoryTests.session(home, ["x = 1", "y = 2"])
            #expect(tty.transcript.components(separatedBy: "is not a history file Fathom can read").count == 2, "\(tty.transcript)")
            #expect(try String(contentsOf: path, encoding: .utf8) == original)
        }

        @Test("lines with spaces, tabs, backslashes and non-ASCII text come back as typed")
        func encoding() {
            #expect(HistoryFile.encode("x = \"a\\tb\" # é") == "x\\040=\\040\"a\\\\tb\"\\040#\\040é")
            #expect(HistoryFile.encode("a\tb\u{1B}") == "a\\011b\\033")
        }

        @Test("a history grown past twice its size is cut back to the newest entries")
        func cutBack() throws {
            let home = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: home) }
            let path = HistoryTests.historyPath(home)
            try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
            let old = (0..<(2 * HistoryFile.size + 1)).map { "old\($0)" }
            try ("_HiStOrY_V2_\n" + old.map { $0 + "\n" }.joined()).write(to: path, atomically: true, encoding: .utf8)
            _ = try HistoryTests.session(home, ["new = 1"])
            let entries = try String(contentsOf: path, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(entries.first == "_HiStOrY_V2_")
            #expect(Array(entries.dropFirst().prefix(HistoryFile.size)) == Array(old.suffix(HistoryFile.size)))
            #expect(entries.suffix(2) == [HistoryFile.encode("new = 1"), HistoryFile.encode(":quit")])
            let attributes = try FileManager.default.attributesOfItem(atPath: path.path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
    }
}
