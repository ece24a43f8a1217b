#if canImport(Glibc)
import Glibc
#endif
import FathomCore
import Synchronization

/// Draws the progress of long work on standard error when it is a terminal: a bar that
/// appears once the work has run for half a second, redrawn at most ten times a second, with
/// an estimate of the time left, and erased when the work ends. Each phase (a new label, such
/// as "mmd: kernel matrix" then "mmd: permutations") starts its own estimate.
final class TerminalProgress: ProgressReporter {
    private struct State {
        var started: Double?
        var lastDrawn = 0.0
        var drawn = false
        /// The phase being timed: its label, when it started and how far it was then.
        var phase = ""
        var phaseStart = 0.0
        var phaseFraction = 0.0
    }

    private let state = Mutex(State())
    private let clock: @Sendable () -> Double
    private let write: @Sendable (String) -> Void

    init(clock: @escaping @Sendable () -> Double = TerminalProgress.now,
         write: @escaping @Sendable (String) -> Void = { Console.writeAll(2, Array($0.utf8)) }) {
        self.clock = clock
        self.write = write
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    func report(_ label: String, fraction: Double) {
        let t = clock()
        let f = max(0, min(1, fraction))
        let text: String? = state.withLock { s in
            if s.started == nil { s.started = t }
            if label != s.phase { s.phase = label; s.phaseStart = t; s.phaseFraction = f }
            guard t - s.started! > 0.5, t - s.lastDrawn > 0.1 else { return nil }
            s.lastDrawn = t
            s.drawn = true
            let left = TerminalProgress.secondsLeft(elapsed: t - s.phaseStart, from: s.phaseFraction, to: f)
            return TerminalProgress.line(label, fraction: f, secondsLeft: left)
        }
        if let text { write(text) }
    }

    func finish() {
        let erase: Bool = state.withLock { s in
            let drawn = s.drawn
            s = State()
            return drawn
        }
        if erase { write("\r\u{1B}[K") }
    }

    /// The time the phase still needs at the pace it has kept, once it has run a quarter of a
    /// second and moved at least 1 %: nil before (an estimate from too little is noise).
    static func secondsLeft(elapsed: Double, from start: Double, to fraction: Double) -> Double? {
        let moved = fraction - start
        guard elapsed >= 0.25, moved >= 0.01 else { return nil }
        return elapsed / moved * (1 - fraction)
    }

    /// "about 6 s left", "about 2 min left", "under a second left".
    static func timeLeftText(_ seconds: Double) -> String {
        if seconds < 1 { return "under a second left" }
        if seconds < 90 { return "about \(Int(seconds.rounded())) s left" }
        if seconds < 5400 { return "about \(Int((seconds / 60).rounded())) min left" }
        return "about \(Int((seconds / 3600).rounded())) h left"
    }

    /// One redraw: the label, a bar, the percentage, the estimate, then erase the rest of the
    /// line (a shorter line replaces a longer one).
    static func line(_ label: String, fraction f: Double, secondsLeft: Double?) -> String {
        let width = 30
        let filled = Int((f * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let left = secondsLeft.map { " · " + timeLeftText($0) } ?? ""
        return "\r  \(Printable.text(label)) \(bar) \(Int((f * 100).rounded(.down)))%\(left)  (Ctrl-C stops)\u{1B}[K"
    }
}
