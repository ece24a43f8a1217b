import Testing
import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import FathomShell

/// Ctrl-C lands quickly in every long builtin, and a second one does not end the session.
extension TerminalSuites {
    @Suite("Ctrl-C in long work", .serialized)
    struct InterruptTests {
        /// The target is 0.5 s. Measured on a quiet 2-core machine (release build, to the end of
        /// the process): 0.03 s (matmul, mmd, energy) to 0.6 s (sort of 2e7 values). The suite runs
        /// beside the others on two cores, so the test allows 1.5 s: a loop that ignores Ctrl-C
        /// takes seconds to minutes, and still fails.
        static let bound = 1.5

        static func now() -> Double {
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
        }

        /// (name, setup, the long call): each call runs for seconds on its input. (describe, cvm,
        /// ad and isotonic still take 0.7–1.4 s to stop on inputs of this size: O(n) passes after
        /// their sorts do not poll yet.)
        static let cases: [(String, String, String)] = [
            ("sort", "x = runif(2e7, seed=1)", "sort(x)"),
            ("quantile", "x = runif(2e7, seed=1)", "quantile(x, 0.3)"),
            ("unique", "x = round(runif(1e7, seed=1) * 1e6)", "unique(x)"),
            ("table", "x = round(runif(5e6, seed=1) * 1e5)", "table(x)"),
            ("ks", "a = runif(1e7, seed=1); b = runif(1e7, seed=2)", "ks(a, b)"),
            ("matmul", "a = runif(1500, 1500, seed=1)", "matmul(a, a)"),
            ("arithmetic", "x = runif(5e7, seed=1)", "y = x * 2 + x / 3 - x * x"),
            ("mmd", "a = runif(6000, 4, seed=1); b = runif(6000, 4, seed=2)", "mmd(a, b, perms=100000, seed=1)"),
            ("energy", "a = runif(6000, 4, seed=1); b = runif(6000, 4, seed=2)", "energy(a, b, perms=100000, seed=1)"),
        ]

        /// Runs setup, waits for it (it saves a marker file: standard output is buffered), presses
        /// Ctrl-C 150 ms into the call and again 30 ms later (while the first is being honoured),
        /// and returns the seconds from the first Ctrl-C to the end of the process with what it
        /// printed.
        static func interrupt(_ setup: String, _ call: String, environment: [String: String] = [:]) throws -> (Double, ProcessResult) {
            let marker = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-ready-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).csv").path
            defer { unlink(marker) }
            let child = try Child(["-e", "\(setup)\nsave([1], \"\(marker)\")\n\(call)"], environment: environment)
            close(child.stdin)
            let deadline = now() + 300
            while access(marker, F_OK) != 0 && now() < deadline { usleep(2_000) }
            usleep(150_000)
            let start = now()
            kill(child.pid, SIGINT)
            usleep(30_000)
            kill(child.pid, SIGINT)
            let result = child.communicate("")
            return (now() - start, result)
        }

        @Test("Ctrl-C stops the call within half a second, and a second Ctrl-C does not kill the session", arguments: cases)
        func latency(_ name: String, _ setup: String, _ call: String) throws {
            let (seconds, r) = try InterruptTests.interrupt(setup, call)
            #expect(r.stdout.contains("saved"), "\(name): \(r.stderr)")
            #expect(r.status == 130, "\(name): \(r.stderr)")
            // The session's own message: the second Ctrl-C did not end the process from the
            // signal handler.
            #expect(r.stderr.contains("interrupted"), "\(name): \(r.stderr)")
            #expect(seconds < InterruptTests.bound, "\(name) took \(seconds) s to stop")
        }

        @Test("a big CSV load stops within half a second")
        func load() throws {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-interrupt-\(getpid())")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let path = dir.appendingPathComponent("big.csv").path
            var text = "a,b,c,d\n"
            text.reserveCapacity(80 << 20)
            let row = "0.12345678901234,1.5e-3,-42.000001,7\n"
            for _ in 0..<2_000_000 { text += row }
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            for threads in ["1", "2"] {
                let (seconds, r) = try InterruptTests.interrupt("1", "t = load(\"\(path)\")\nt = load(\"\(path)\")", environment: ["FATHOM_THREADS": threads])
                #expect(r.status == 130 && r.stderr.contains("interrupted"), "\(r.stderr)")
                #expect(seconds < InterruptTests.bound, "load with \(threads) threads took \(seconds) s to stop")
            }
        }

        /// A FIFO as a file of each format: `load` waits in open(2) when nothing writes to it,
        /// and in read(2) when a writer holds it open and sends only part of a file.
        @Test("a load waiting on a pipe stops at Ctrl-C", arguments: ["csv", "npy", "npz", "json", ""])
        func pipe(_ ext: String) throws {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-fifo-\(getpid())-\(ext)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            for held in [false, true] {
                let path = dir.appendingPathComponent("data" + (ext.isEmpty ? "" : "." + ext)).path
                unlink(path)
                #expect(mkfifo(path, 0o600) == 0)
                // O_RDWR does not wait for a reader; the bytes stay in the pipe for the load.
                let writer = held ? open(path, O_RDWR | O_NONBLOCK) : -1
                if held { _ = write(writer, "a,b\n1,", 6) }
                let (seconds, r) = try InterruptTests.interrupt("1", "x = load(\"\(path)\")")
                if held { close(writer) }
                #expect(r.status == 130 && r.stderr.contains("interrupted"), "\(ext) held=\(held): \(r.stderr)")
                #expect(seconds < InterruptTests.bound, "\(ext) held=\(held): \(seconds) s to stop")
            }
        }

        @Test("seeded results print the same bytes with 1, 2, 3 and 8 threads")
        func threadCounts() throws {
            let script = "x = randn(3000, seed=1); p = 1 / (1 + exp(-x)); y = runif(3000, seed=2) < p\n"
                + "ece(p, y, ci=0.9, seed=3)\nmmd(randn(60, 2, seed=4), randn(50, 2, seed=5) + 0.3, perms=300, seed=6)\n"
                + "energy(randn(60, 2, seed=4), randn(50, 2, seed=5), perms=300, seed=6)\n"
                + "backtest(runif(5000, seed=7) * 0.01, m=500, n=3000, reps=20, seed=8)\n"
            var outputs: [String] = []
            for threads in ["1", "2", "3", "8"] {
                let r = try runFathom([], input: script, environment: ["FATHOM_THREADS": threads])
                #expect(r.status == 0, "\(r.stderr)")
                outputs.append(r.stdout)
            }
            #expect(!outputs[0].isEmpty)
            #expect(Set(outputs).count == 1, "\(outputs)")
        }
    }
}

@Suite("Progress on the terminal")
struct TerminalProgressTests {
    final class Recorder: @unchecked Sendable {
        var time = 0.0
        var written: [String] = []
    }

    @Test("the bar shows after half a second, with an estimate of the time left per phase")
    func estimate() {
        let r = Recorder()
        let p = TerminalProgress(clock: { r.time }, write: { r.written.append($0) })
        p.report("mmd: kernel matrix", fraction: 0)
        r.time = 0.3
        p.report("mmd: kernel matrix", fraction: 0.1)
        #expect(r.written.isEmpty)
        r.time = 2
        p.report("mmd: kernel matrix", fraction: 0.4)
        #expect(r.written.last?.contains("mmd: kernel matrix") == true)
        #expect(r.written.last?.contains("40% · about 3 s left") == true, "\(r.written)")
        // A new phase starts its own estimate.
        r.time = 3
        p.report("mmd: permutations", fraction: 0)
        r.time = 3.5
        p.report("mmd: permutations", fraction: 0.5)
        #expect(r.written.last?.contains("mmd: permutations") == true)
        #expect(r.written.last?.contains("50% · under a second left") == true, "\(r.written)")
        p.finish()
        #expect(r.written.last == "\r\u{1B}[K")
    }

    @Test("time left in words", arguments: [(0.4, "under a second left"), (6.2, "about 6 s left"), (200, "about 3 min left"), (9000, "about 3 h left")])
    func words(_ seconds: Double, _ text: String) {
        #expect(TerminalProgress.timeLeftText(seconds) == text)
    }

    @Test("no estimate from too little progress")
    func tooEarly() {
        #expect(TerminalProgress.secondsLeft(elapsed: 0.1, from: 0, to: 0.5) == nil)
        #expect(TerminalProgress.secondsLeft(elapsed: 2, from: 0.3, to: 0.305) == nil)
        #expect(TerminalProgress.secondsLeft(elapsed: 2, from: 0, to: 0.5) == 2)
    }
}
