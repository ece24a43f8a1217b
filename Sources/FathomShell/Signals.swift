#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// Ctrl-C: the handler only sets ``Interruption``'s flag, which running computations poll;
/// a second Ctrl-C while the first is still pending ends the process with status 130, for
/// the rare computation that does not poll.
enum Signals {
    nonisolated(unsafe) private static var installed = false

    static func installInterruptHandler() {
        guard !installed else { return }
        installed = true
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            if Interruption.isRequested { _exit(130) }
            Interruption.request()
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
