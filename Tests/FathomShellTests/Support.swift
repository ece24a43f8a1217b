import Testing
import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import FathomShell
import FathomLanguage

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The built `fathom` binary: FATHOM_BIN (Scripts/test sets it) or the debug build.
let fathomBinary: String = ProcessInfo.processInfo.environment["FATHOM_BIN"].map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    ?? repositoryRoot.appendingPathComponent(".build/debug/fathom").path

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// A child process with pipes, started with posix_spawn and waited for by pid. (Foundation's
/// Process reaps children from a SIGCHLD handler, which races with the pseudo-terminal tests'
/// own waitpid; spawning directly keeps every test in charge of its own children.)
final class Child {
    let pid: pid_t
    let stdin: Int32, stdout: Int32, stderr: Int32

    /// `directory`: the child's working directory (the test's own when nil); `umask`: the
    /// child's umask (the test's own when nil).
    /// `program`: what to run (the fathom binary when nil).
    init(_ arguments: [String], program: String? = nil, environment: [String: String] = [:], directory: String? = nil, umask: mode_t? = nil) throws {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw POSIXError(.EMFILE) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in inPipe + outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = nil
        for (k, v) in environment { env[k] = v }
        // A working directory through env -C (glibc's addchdir_np is not visible from Swift).
        let executable = program ?? fathomBinary
        var command = (directory.map { ["/usr/bin/env", "-C", $0, executable] } ?? [executable]) + arguments
        if let umask { command = ["/bin/sh", "-c", "umask \(String(umask, radix: 8)) && exec \"$@\"", "sh"] + command }
        let program = command[0]
        let argv = command.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, program, &actions, &attributes, argv, envp)
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        pid = child
        stdin = inPipe[1]
        stdout = outPipe[0]
        stderr = errPipe[0]
    }

    /// Writes `input`, closes standard input, reads both outputs to the end, waits. With a
    /// `timeout`, a child still running after that many seconds is killed (a hang fails its
    /// test instead of stalling the suite).
    func communicate(_ input: String, timeout: Double? = nil) -> ProcessResult {
        final class Box: @unchecked Sendable { var data: [UInt8] = [] }
        final class Finished: @unchecked Sendable { let lock = NSLock(); var done = false }
        let finished = Finished()
        if let timeout {
            let pid = self.pid
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                finished.lock.lock()
                defer { finished.lock.unlock() }
                if !finished.done { kill(pid, SIGKILL) }
            }
        }
        let out = Box(), err = Box()
        let group = DispatchGroup()
        for (fd, box) in [(stdout, out), (stderr, err)] {
            group.enter()
            Thread {
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n <= 0 { if n < 0 && errno == EINTR { continue }; break }
                    box.data += buffer[0..<n]
                }
                close(fd)
                group.leave()
            }.start()
        }
        let bytes = Array(input.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(stdin, $0.baseAddress! + done, $0.count - done) }
            if n <= 0 { if n < 0 && errno == EINTR { continue }; break }
            done += n
        }
        close(stdin)
        group.wait()
        // The child is not reaped yet, so its pid cannot have been reused by now.
        finished.lock.lock()
        finished.done = true
        finished.lock.unlock()
        return ProcessResult(status: wait(), stdout: String(decoding: out.data, as: UTF8.self), stderr: String(decoding: err.data, as: UTF8.self))
    }

    /// The exit status (128 + signal for a signal).
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}

/// Runs the binary with `arguments`, feeding `input` to standard input.
func runFathom(_ arguments: [String], input: String = "", environment: [String: String] = [:], timeout: Double? = nil) throws -> ProcessResult {
    try Child(arguments, environment: environment).communicate(input, timeout: timeout)
}

/// A session that records what it reports, as text.
final class RecordingSession {
    let session: Session
    var out = ""
    var errors: [Diagnostic] = []
    var values: [(Int, Value)] = []

    init(settings: Settings = Settings()) {
        session = Session(settings: settings)
        session.onEvent = { [unowned self] event in
            switch event {
            case .value(let cell, _, let v):
                values.append((cell, v))
                out += v.renderText(session.settings.renderOptions) + "\n"
            case .printed(_, let t): out += t
            case .info(let t): out += t + "\n"
            case .failed(_, _, let d): errors.append(d); out += DiagnosticRenderer().renderShort(d) + "\n"
            case .interrupted: out += "interrupted\n"
            }
        }
    }

    /// Runs lines through a chunk reader, as batch input would.
    @discardableResult
    func run(_ text: String) -> String {
        out = ""
        var reader = ChunkReader()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let c = reader.add(String(line)) { session.run(c.text, sourceName: "<test>", firstLine: c.firstLine) }
        }
        if let c = reader.finish() { session.run(c.text, sourceName: "<test>", firstLine: c.firstLine) }
        return out
    }
}

func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// The suites that drive the binary through a pseudo-terminal or time its response to
/// Ctrl-C, run one after another: the Ctrl-C tests load both cores for seconds, which would
/// starve a pseudo-terminal session waiting for its prompt, and stretch their own timings.
@Suite("Terminal and signals", .serialized)
struct TerminalSuites {}

/// Whether DuckDB's program is named in FATHOM_DUCKDB (Scripts/test installs it); when it is
/// not, records an issue saying so, so that a test needing it fails rather than passes empty.
func duckDBInstalled() -> Bool {
    guard let path = ProcessInfo.processInfo.environment["FATHOM_DUCKDB"], FileManager.default.isExecutableFile(atPath: path) else {
        Issue.record("FATHOM_DUCKDB does not name DuckDB's program: run ./Scripts/test, which installs it")
        return false
    }
    return true
}
