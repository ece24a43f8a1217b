import Synchronization

/// The process-wide "stop what you are doing" flag.
///
/// The shell's SIGINT handler calls ``request()``; long computations call ``check()`` every
/// million iterations or so (per permutation, per bootstrap replicate) and unwind with
/// ``Interrupted``. The session clears the flag before each statement, so an interrupted
/// computation leaves every variable as it was.
public enum Interruption {
    private static let flag = Atomic<Bool>(false)

    /// Ask running work to stop. Async-signal-safe: a single relaxed atomic store.
    public static func request() { flag.store(true, ordering: .relaxed) }

    /// Forget a pending request (called before each statement).
    public static func clear() { flag.store(false, ordering: .relaxed) }

    /// Whether a stop has been requested and not yet cleared.
    public static var isRequested: Bool { flag.load(ordering: .relaxed) }

    /// Throws ``Interrupted`` when a stop has been requested.
    @inlinable
    public static func check() throws {
        if isRequested { throw Interrupted() }
    }
}

/// Thrown by a computation that stopped because the user pressed Ctrl-C.
public struct Interrupted: Error, Sendable, Equatable {
    public init() {}
}
