import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Drives a program through a pseudo-terminal, the way a person at a terminal would: it types
/// bytes and waits for text to appear (escape sequences stripped).
final class PseudoTerminal {
    let master: Int32
    let pid: pid_t
    private(set) var transcript = ""
    /// Everything read, escape sequences included.
    private(set) var raw = ""
    private var consumed = 0

    init(_ executable: String, arguments: [String] = [], environment: [String: String], columns: UInt16 = 100, rows: UInt16 = 30) throws {
        // posix_openpt, unlockpt and ptsname, as Linux implements them (Swift's Glibc module
        // does not export them): open /dev/ptmx, unlock, ask for the number.
        let m = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        guard m >= 0 else { throw POSIXError(.EIO) }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        let TIOCSPTLCK: UInt = 0x4004_5431, TIOCGPTN: UInt = 0x8004_5430
        guard ioctl(m, TIOCSPTLCK, &unlock) == 0, ioctl(m, TIOCGPTN, &number) == 0 else { close(m); throw POSIXError(.EIO) }
        let slavePath = "/dev/pts/\(number)"
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(m, UInt(TIOCSWINSZ), &size)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened after setsid, the terminal becomes the child's controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        posix_spawn_file_actions_addclose(&actions, m)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        let setsid: Int16 = 0x80  // POSIX_SPAWN_SETSID
        posix_spawnattr_setflags(&attributes, setsid | Int16(POSIX_SPAWN_SETSIGDEF) | Int16(POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { close(m); throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        master = m
        pid = child
        _ = fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(master)
    }

    func type(_ text: String) {
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(master, $0.baseAddress! + done, $0.count - done) }
            if n > 0 { done += n } else { usleep(1000) }
        }
    }

    /// Reads what is available within `timeout` seconds.
    private func pump(_ timeout: Double) {
        var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&fds, 1, Int32(timeout * 1000)) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            let text = String(decoding: buffer[0..<n], as: UTF8.self)
            raw += text
            transcript += PseudoTerminal.strip(text)
        }
    }

    /// Waits until `text` appears after what earlier waits consumed; returns whether it did.
    @discardableResult
    func expect(_ text: String, timeout: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let unread = transcript.dropFirst(consumed)
            if let r = unread.range(of: text) {
                consumed = transcript.distance(from: transcript.startIndex, to: r.upperBound)
                return true
            }
            pump(0.05)
        }
        return false
    }

    /// Types Ctrl-D at a prompt and waits for the program to leave. A prompt can be on screen
    /// a moment before the editor has put the terminal in raw mode, and a Ctrl-D that lands in
    /// that moment is an end-of-file the editor never sees: so wait a little first, and type it
    /// again if nothing happens.
    func leave(timeout: Double = 20) -> Int32? {
        usleep(100_000)
        type("\u{4}")
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = waitForExit(timeout: 2) { return status }
            type("\u{4}")
        }
        return nil
    }

    /// Waits for the program to exit; returns its status, or nil on timeout.
    func waitForExit(timeout: Double = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            pump(0.02)
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid {
                return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            }
            if r < 0 { lastWaitError = "waitpid: errno \(errno)" }
        }
        let state = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8))?.split(separator: "\n").filter { $0.hasPrefix("State") || $0.hasPrefix("Sig") }.joined(separator: "; ") ?? "no /proc entry"
        let stack = (try? String(contentsOfFile: "/proc/\(pid)/wchan", encoding: .utf8)) ?? ""
        lastWaitError = (lastWaitError ?? "") + " state: \(state) wchan: \(stack)"
        return nil
    }

    var lastWaitError: String?

    /// Text without ANSI escape sequences and carriage returns.
    static func strip(_ s: String) -> String {
        var out = ""
        var it = s.unicodeScalars.makeIterator()
        while let c = it.next() {
            if c == "\u{1B}" {
                guard let n = it.next() else { break }
                if n == "[" {
                    while let k = it.next(), !(k.value >= 0x40 && k.value <= 0x7E) {}
                } else if n == "]" {
                    while let k = it.next(), k != "\u{7}", k != "\u{1B}" {}
                }
                continue
            }
            if c == "\r" || c == "\u{7}" { continue }
            out.unicodeScalars.append(c)
        }
        return out
    }
}
