import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The "stop what you are doing" flag.
///
/// The shell's SIGINT handler calls ``request()``; long computations call ``check()`` every
/// million iterations or so (per permutation, per bootstrap replicate) and unwind with
/// ``Interrupted``. The session clears the flag before each statement, so an interrupted
/// computation leaves every variable as it was.
///
/// There is one flag for the process. ``withFlag(_:_:)`` gives a computation a flag of its
/// own instead (the tests interrupt one call while others run beside it in the same process);
/// the threads of ``Parallel`` inherit the flag of the thread that starts them.
public enum Interruption {
    /// A flag that work started under ``withFlag(_:_:)`` polls instead of the process's.
    public final class Flag: Sendable {
        let raised = Atomic<Bool>(false)
        public init() {}
        /// Ask the work polling this flag to stop (async-signal-safe: one relaxed store).
        public func request() { raised.store(true, ordering: .relaxed) }
        public func clear() { raised.store(false, ordering: .relaxed) }
        public var isRequested: Bool { raised.load(ordering: .relaxed) }
    }

    /// The process's flag, which the SIGINT handler raises.
    public static let process = Flag()

    /// The calling thread's flag when it is not the process's (a pthread key: cheap to read
    /// from hot loops, and set by ``Parallel`` on its worker threads).
    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }()

    /// The flag the calling thread polls.
    public static var current: Flag {
        guard let p = pthread_getspecific(key) else { return process }
        return Unmanaged<Flag>.fromOpaque(p).takeUnretainedValue()
    }

    /// Runs `body` on this thread with `flag` as its interruption flag, then restores the
    /// previous one.
    public static func withFlag<R, E: Error>(_ flag: Flag, _ body: () throws(E) -> R) throws(E) -> R {
        let previous = pthread_getspecific(key)
        pthread_setspecific(key, flag === process ? nil : Unmanaged.passUnretained(flag).toOpaque())
        defer { pthread_setspecific(key, previous) }
        return try body()
    }

    /// Ask running work to stop. Async-signal-safe: a single relaxed atomic store.
    public static func request() { process.request() }

    /// Forget a pending request (called before each statement).
    public static func clear() { current.clear() }

    /// Whether a stop has been requested and not yet cleared.
    public static var isRequested: Bool { current.isRequested }

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
