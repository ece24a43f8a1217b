#if canImport(Glibc)
import Glibc
#endif
import FathomCore
import Synchronization

/// Ctrl-C: the handler only sets ``Interruption``'s flag, which running computations poll
/// (every loop over data does, within a fraction of a second). A second Ctrl-C while the
/// first is being honoured changes nothing, so the session and its variables survive an
/// impatient double press. Only when a request has gone unanswered for more than three
/// seconds (a computation that does not poll: a bug) does a further Ctrl-C end the process,
/// with status 130.
enum Signals {
    nonisolated(unsafe) private static var installed = false
    /// When the pending request was made (CLOCK_MONOTONIC nanoseconds), 0 when none is.
    private static let pendingSince = Atomic<Int>(0)
    /// How long a request may go unanswered before a further Ctrl-C ends the process.
    static let patience = 3_000_000_000

    static func monotonicNanoseconds() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)  // async-signal-safe
        return ts.tv_sec * 1_000_000_000 + ts.tv_nsec
    }

    /// What a Ctrl-C does, given the time now: async-signal-safe (atomics and clock_gettime).
    /// Returns true when the process should end.
    static func interrupt(now: Int) -> Bool {
        if Interruption.isRequested {
            let since = pendingSince.load(ordering: .relaxed)
            return since > 0 && now - since > patience
        }
        pendingSince.store(now, ordering: .relaxed)
        Interruption.request()
        return false
    }

    static func installInterruptHandler() {
        guard !installed else { return }
        installed = true
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            if Signals.interrupt(now: Signals.monotonicNanoseconds()) {
                let message: StaticString = "\nfathom: the computation does not respond to Ctrl-C; leaving\n"
                _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
                _exit(130)
            }
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: a blocking read returns EINTR
        sigaction(SIGINT, &action, nil)
        // A parent may have spawned us with SIGINT blocked (the mask is inherited): unblock it.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigprocmask(SIG_UNBLOCK, &set, nil)
        // A closed pipe (gnuplot gone, `fathom … | head`) is an error to handle, not a death.
        signal(SIGPIPE, SIG_IGN)
    }
}
