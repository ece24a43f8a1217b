#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// Draws the progress of long work on standard error when it is a terminal: a bar that
/// appears once the work has run for half a second, redrawn at most ten times a second, and
/// erased when the work ends.
final class TerminalProgress: ProgressReporter, @unchecked Sendable {
    private let mutex = PthreadMutex()
    private var started: Double?
    private var lastDrawn = 0.0
    private var drawn = false

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    func report(_ label: String, fraction: Double) {
        mutex.lock()
        defer { mutex.unlock() }
        let t = TerminalProgress.now()
        if started == nil { started = t }
        guard t - started! > 0.5, t - lastDrawn > 0.1 else { return }
        lastDrawn = t
        let f = max(0, min(1, fraction))
        let width = 30
        let filled = Int((f * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let text = "\r  \(label) \(bar) \(Int((f * 100).rounded(.down)))%  (Ctrl-C stops)"
        Console.writeAll(2, Array(text.utf8))
        drawn = true
    }

    func finish() {
        mutex.lock()
        defer { mutex.unlock() }
        if drawn { Console.writeAll(2, Array("\r\u{1B}[K".utf8)) }
        drawn = false
        started = nil
        lastDrawn = 0
    }
}
