#if canImport(Glibc)
import Glibc
#endif
import FathomCore
import FathomLanguage

/// The one gnuplot process of a session: started on the first plot, sent `reset session` and a
/// whole script per plot, then a handshake that prints gnuplot's error number and message, so
/// a gnuplot error becomes a Fathom error carrying gnuplot's words. It runs in its own process
/// group (the terminal's Ctrl-C does not reach it); Ctrl-C in Fathom stops the plot and the
/// process, which starts again at the next plot.
final class GnuplotDriver: PlotRenderer {
    private var pid: pid_t = 0
    private var input: Int32 = -1
    private var output: Int32 = -1
    private var errors: Int32 = -1
    /// The executable, or nil when gnuplot is not installed.
    let executable: String?

    init(path: String? = FileSystem.environment("PATH")) {
        executable = GnuplotDriver.find("gnuplot", in: path ?? "")
    }

    deinit { shutdown() }

    static func find(_ program: String, in path: String) -> String? {
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(program)"
            if access(candidate, X_OK) == 0, !FileSystem.isDirectory(candidate) { return candidate }
        }
        return nil
    }

    static let missing = Diagnostic("plot.missing", "plotting needs gnuplot, which is not installed", notes: [
        "install it with: sudo apt-get install gnuplot-nox (./Scripts/fathom does this for you)",
        "everything else works without it",
    ])

    // MARK: - Drawing

    func render(_ figure: Figure, to path: String) throws {
        guard let terminal = GnuplotScript.Terminal.forPath(path, width: figure.width, height: figure.height) else {
            throw Diagnostic("plot.format", "a plot is saved as .png, .svg, .pdf or .txt; '\(path)' is none of these")
        }
        let absolute = FileSystem.absolute(path)
        let folder = FileSystem.parentFolder(absolute)
        guard FileSystem.isDirectory(folder) else {
            throw Diagnostic("plot.folder", "cannot write \(path): the folder \(FileSystem.parentFolder(path)) does not exist")
        }
        if FileSystem.isDirectory(absolute) { throw Diagnostic("plot.folder", "cannot write \(path): it is a folder") }
        // gnuplot writes a hidden file beside the target; it is renamed over the target only
        // once complete.
        let temporary = folder + "/.fathom-plot-" + GnuplotScript.randomHex() + "." + (path.split(separator: ".").last.map(String.init) ?? "out")
        defer { unlink(temporary) }
        try run(GnuplotScript.script(figure, terminal: terminal, output: temporary))
        if terminal.isText {
            try write(Array(GnuplotDriver.cleanText(try FileSystem.readBytes(temporary)).utf8), to: path)
        } else {
            guard FileSystem.exists(temporary) else { throw Diagnostic("plot.gnuplot", "gnuplot wrote no file for \(path)") }
            do { try FileSystem.replace(absolute, with: temporary) } catch let e as FileError {
                throw Diagnostic("plot.folder", "cannot write \(path): \(e.reason)")
            }
        }
    }

    private func write(_ bytes: [UInt8], to path: String) throws {
        do { try FileSystem.writeAtomically(path, bytes) } catch let e as FileError {
            throw Diagnostic("plot.folder", "cannot write \(path): \(e.reason)")
        }
    }

    /// The plot as text for a terminal of `columns` × `rows`, without the leading form feed.
    func text(_ figure: Figure, columns: Int, rows: Int) throws -> String {
        GnuplotDriver.cleanText(try scratch(figure, terminal: .text(columns: columns, rows: rows), suffix: "txt"))
    }

    /// The dumb terminal's output without its leading form feed, trailing spaces, or blank
    /// lines at the top and bottom.
    static func cleanText(_ bytes: [UInt8]) -> String {
        var text = String(decoding: bytes.first == 0x0C ? Array(bytes.dropFirst()) : bytes, as: UTF8.self)
        if text.hasPrefix("\r\n") { text.removeFirst() }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(line.reversed().drop { $0 == " " || $0 == "\r" }.reversed())
        }
        while lines.first == "" { lines.removeFirst() }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The plot as sixel graphics.
    func sixel(_ figure: Figure, width: Int, height: Int) throws -> [UInt8] {
        try scratch(figure, terminal: .sixel(width: width, height: height), suffix: "six")
    }

    /// The plot as a PNG image (for notebooks).
    func png(_ figure: Figure) throws -> [UInt8] {
        try scratch(figure, terminal: .png(width: figure.width, height: figure.height), suffix: "png")
    }

    /// The plot as an SVG document (for reports).
    func svg(_ figure: Figure) throws -> [UInt8] {
        try scratch(figure, terminal: .svg(width: figure.width, height: figure.height), suffix: "svg")
    }

    private func scratch(_ figure: Figure, terminal: GnuplotScript.Terminal, suffix: String) throws -> [UInt8] {
        let folder = FileSystem.environment("TMPDIR").flatMap { FileSystem.isDirectory($0) ? $0 : nil } ?? "/tmp"
        let path = folder + "/fathom-preview-\(getpid())-" + GnuplotScript.randomHex() + "." + suffix
        defer { unlink(path) }
        try run(GnuplotScript.script(figure, terminal: terminal, output: path))
        return try FileSystem.readBytes(path)
    }

    // MARK: - The process

    /// Sends `script` and the handshake; throws gnuplot's error as a diagnostic.
    func run(_ script: [UInt8]) throws {
        guard executable != nil else { throw GnuplotDriver.missing }
        if pid == 0 { try start() }
        let token = "FATHOM_DONE_" + GnuplotScript.randomHex()
        let handshake = "set print '-'\nprint sprintf('\(token) %d %s', GPVAL_ERRNO, GPVAL_ERRMSG)\nreset errors\n"
        var toSend = script + Array(handshake.utf8)
        var sent = 0
        var stdoutText = ""
        var stderrText = ""
        let deadline = TerminalProgress.now() + 60
        while true {
            if Interruption.isRequested {
                kill9()
                throw Interrupted()
            }
            if TerminalProgress.now() > deadline {
                kill9()
                throw Diagnostic("plot.gnuplot", "gnuplot did not finish the plot within a minute; it was stopped")
            }
            var fds = [pollfd(fd: output, events: Int16(POLLIN), revents: 0), pollfd(fd: errors, events: Int16(POLLIN), revents: 0)]
            if sent < toSend.count { fds.append(pollfd(fd: input, events: Int16(POLLOUT), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), 100)
            if ready < 0 {
                if errno == EINTR { continue }
                kill9()
                throw Diagnostic("plot.gnuplot", "lost contact with gnuplot: \(FileSystem.reason())")
            }
            if fds.count == 3, fds[2].revents & Int16(POLLOUT) != 0 {
                let n = toSend.withUnsafeBytes { Glibc.write(input, $0.baseAddress! + sent, min(65536, $0.count - sent)) }
                if n > 0 { sent += n }
                if n < 0, errno != EAGAIN, errno != EINTR {
                    let why = stderrText
                    kill9()
                    throw Diagnostic("plot.gnuplot", "gnuplot stopped unexpectedly" + (why.isEmpty ? "" : ": " + why.trimmingSpaces))
                }
                if sent == toSend.count { toSend = [] ; sent = 0 }
            }
            var closed = false
            for (k, fd) in [output, errors].enumerated() where fds[k].revents & Int16(POLLIN | POLLHUP) != 0 {
                var buffer = [UInt8](repeating: 0, count: 65536)
                let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    let text = String(decoding: buffer[0..<n], as: UTF8.self)
                    if k == 0 { stdoutText += text } else { stderrText += text }
                } else if n == 0 {
                    closed = true
                }
            }
            if let range = stdoutText.firstRange(of: token + " ") {
                let rest = stdoutText[range.upperBound...]
                guard let newline = rest.firstIndex(of: "\n") else { continue }
                let answer = rest[..<newline]
                let parts = answer.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                let number = Int(parts.first ?? "0") ?? 0
                if number != 0 {
                    let message = parts.count > 1 ? String(parts[1]) : stderrText
                    throw Diagnostic("plot.gnuplot", "gnuplot could not draw the plot: \(message.trimmingSpaces)")
                }
                return
            }
            if closed {
                let why = stderrText
                reap()
                throw Diagnostic("plot.gnuplot", "gnuplot stopped unexpectedly" + (why.isEmpty ? "" : ": " + why.trimmingSpaces))
            }
        }
    }

    private func start() throws {
        guard let executable else { throw GnuplotDriver.missing }
        let child: PipedChild
        do {
            child = try PipedChild.start(executable, arguments: ["gnuplot"])
        } catch .pipes(let reason) {
            throw Diagnostic("plot.gnuplot", "cannot start gnuplot: \(reason)")
        } catch .spawn(let reason) {
            throw Diagnostic("plot.gnuplot", "cannot start gnuplot (\(executable)): \(reason)")
        }
        pid = child.pid
        input = child.input
        output = child.output
        errors = child.errors
    }

    private func kill9() {
        guard pid != 0 else { return }
        kill(pid, SIGKILL)
        reap()
    }

    private func reap() {
        guard pid != 0 else { return }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        for fd in [input, output, errors] where fd >= 0 { close(fd) }
        pid = 0
        input = -1; output = -1; errors = -1
    }

    /// Asks gnuplot to quit and waits for it (a second at most).
    func shutdown() {
        guard pid != 0 else { return }
        let quit = Array("quit\n".utf8)
        _ = quit.withUnsafeBytes { Glibc.write(input, $0.baseAddress, $0.count) }
        close(input)
        input = -1
        for _ in 0..<100 {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                for fd in [output, errors] where fd >= 0 { close(fd) }
                pid = 0; output = -1; errors = -1
                return
            }
            usleep(10_000)
        }
        kill9()
    }
}
