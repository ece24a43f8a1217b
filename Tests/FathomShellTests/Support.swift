import Foundation
@testable import FathomShell
import FathomLanguage

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The built `fathom` binary: FATHOM_BIN (Scripts/test sets it) or the debug build.
let fathomBinary: String = ProcessInfo.processInfo.environment["FATHOM_BIN"] ?? repositoryRoot.appendingPathComponent(".build/debug/fathom").path

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the binary with `arguments`, feeding `input` to standard input.
func runFathom(_ arguments: [String], input: String = "", environment: [String: String] = [:], directory: URL? = nil) throws -> ProcessResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: fathomBinary)
    p.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = nil
    for (k, v) in environment { env[k] = v }
    p.environment = env
    if let directory { p.currentDirectoryURL = directory }
    let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
    p.standardInput = inPipe
    p.standardOutput = outPipe
    p.standardError = errPipe
    try p.run()
    let writer = Thread {
        inPipe.fileHandleForWriting.write(Data(input.utf8))
        try? inPipe.fileHandleForWriting.close()
    }
    writer.start()
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let done = DispatchSemaphore(value: 0)
    let errReader = Thread {
        errBox.data = errPipe.fileHandleForReading.readDataToEndOfFile()
        done.signal()
    }
    errReader.start()
    let out = outPipe.fileHandleForReading.readDataToEndOfFile()
    done.wait()
    p.waitUntilExit()
    let err = errBox.data
    return ProcessResult(status: p.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
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
