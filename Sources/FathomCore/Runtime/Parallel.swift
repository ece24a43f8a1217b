import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Splitting work over the machine's cores.
///
/// Everything here gives results that do not depend on the number of threads: work is cut
/// into pieces that depend only on its size, the pieces' results come back in order, and a
/// random replicate draws from a generator of its own, derived from one draw of the caller's
/// generator and the replicate's index. So a seed prints the same bytes on a laptop, on a
/// 64-core server and with `FATHOM_THREADS=1`.
public enum Parallel {
    /// The threads to use: `FATHOM_THREADS` when set to a whole number from 1 to 1024, else the
    /// processors this process may run on. ``withWorkers(_:_:)`` overrides it for a task.
    public static var workers: Int { override ?? defaultWorkers }

    static let defaultWorkers: Int = {
        if let text = FileSystem.environment("FATHOM_THREADS"), let n = Int(text), (1...1024).contains(n) { return n }
        // The processors online (what Foundation's activeProcessorCount reads on Linux).
        return max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }()

    @TaskLocal static var override: Int?

    /// Runs `body` with `workers` threads for the work it starts from the calling task (tests
    /// compare 1, 2, 3 and 8 workers bit for bit).
    public static func withWorkers<R>(_ workers: Int, _ body: () throws -> R) rethrows -> R {
        try $override.withValue(max(1, workers)) { try body() }
    }

    /// Runs `body(k)` for every k in 0..<count on up to ``workers`` threads, each taking the
    /// next piece not yet taken, and returns the results in order. When a piece throws, pieces
    /// not yet started are skipped and the error of the first failed piece is thrown.
    public static func map<T, E: Error>(_ count: Int, _ body: @Sendable (Int) throws(E) -> T) throws(E) -> [T] {
        let threads = min(workers, count)
        if threads <= 1 {
            var out: [T] = []
            out.reserveCapacity(count)
            for k in 0..<count { out.append(try body(k)) }
            return out
        }
        let shared = Pieces<Result<T, E>>(count)
        let flag = Interruption.current
        DispatchQueue.concurrentPerform(iterations: threads) { _ in Interruption.withFlag(flag) {
            while !shared.failed.load(ordering: .relaxed), let k = shared.claim() {
                do throws(E) {
                    shared.slots[k] = .success(try body(k))
                } catch {
                    shared.slots[k] = .failure(error)
                    shared.failed.store(true, ordering: .relaxed)
                }
            }
        } }
        if shared.failed.load(ordering: .relaxed) {
            for k in 0..<count { if case .failure(let e)? = shared.slots[k] { throw e } }
        }
        return (0..<count).map { k in
            guard case .success(let v)? = shared.slots[k] else { preconditionFailure("a parallel piece did not run") }
            return v
        }
    }

    /// Runs `body` on contiguous pieces of 0..<n and returns the pieces' results in order: one
    /// piece, on the caller's thread, when n is below `threshold`; otherwise between 2 and 64
    /// pieces of at least threshold/2 elements, shared among the threads. The pieces depend on
    /// n and `threshold` only, so sums over them come out the same with any number of threads.
    public static func chunks<T, E: Error>(_ n: Int, threshold: Int = 20_000, _ body: @Sendable (Range<Int>) throws(E) -> T) throws(E) -> [T] {
        let pieces = pieceCount(n, threshold: threshold)
        if pieces == 1 { return [try body(0..<n)] }
        return try map(pieces) { k throws(E) in try body((k * n / pieces)..<((k + 1) * n / pieces)) }
    }

    /// How many pieces ``chunks(_:threshold:_:)`` cuts 0..<n into.
    public static func pieceCount(_ n: Int, threshold: Int) -> Int {
        guard n >= max(2, threshold) else { return 1 }
        return max(2, min(64, n / max(1, threshold / 2)))
    }

    /// Writes a new array of n elements in contiguous pieces (as ``chunks(_:threshold:_:)``):
    /// `body(range, out)` sets `out[i]` for every i in range, `out` addressing the whole array.
    public static func fill<T: BitwiseCopyable, E: Error>(_ n: Int, repeating initial: T, threshold: Int = 20_000,
                                                          _ body: @Sendable (Range<Int>, UnsafeMutablePointer<T>) throws(E) -> Void) throws(E) -> [T] {
        var out = [T](repeating: initial, count: n)
        try update(&out, threshold: threshold, body)
        return out
    }

    /// Rewrites `array` in contiguous pieces: `body(range, base)` may read and write
    /// `base[i]` for i in range (and only there).
    public static func update<T: BitwiseCopyable, E: Error>(_ array: inout [T], threshold: Int = 20_000,
                                                            _ body: @Sendable (Range<Int>, UnsafeMutablePointer<T>) throws(E) -> Void) throws(E) {
        let n = array.count
        guard n > 0 else { return }
        var failure: E?
        array.withUnsafeMutableBufferPointer { buffer in
            let base = Address(buffer.baseAddress!)
            do throws(E) {
                _ = try chunks(n, threshold: threshold) { range throws(E) in try body(range, base.pointer) }
            } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// An address that worker threads share, each touching only its own elements.
    public struct Address<T>: @unchecked Sendable {
        public let pointer: UnsafeMutablePointer<T>
        public init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
    }
}

/// The pieces of one parallel run: the next piece to take, whether one failed, and one
/// result slot per piece, each written by the one thread that ran that piece and read after
/// all threads have finished (through a raw pointer, so no thread touches another's slot or a
/// shared array header).
final class Pieces<T>: @unchecked Sendable {
    let slots: UnsafeMutablePointer<T?>
    let count: Int
    private let next = Atomic<Int>(0)
    let failed = Atomic<Bool>(false)
    let done = Atomic<Int>(0)

    init(_ count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    /// The next piece nobody has taken, nil when none is left.
    func claim() -> Int? {
        let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
        return k < count ? k : nil
    }
}

extension Parallel {
    /// Runs `count` random replicates (bootstrap resamples, permutations, backtest splits) on
    /// ``workers`` threads. Replicate r draws from its own generator,
    /// `Xoshiro256(base: b, stream: r)` with b one draw of `random`, so a seed gives the same
    /// results however many threads there are and however they are scheduled. `state` makes
    /// each thread's scratch space, kept across the replicates that thread runs: a replicate
    /// may reuse its memory but must not depend on what an earlier replicate left in it.
    /// Reports progress and stops on Ctrl-C (throwing ``Interrupted``).
    public static func replicates<State, T>(_ count: Int, random: inout Xoshiro256, progress: any ProgressReporter, label: String,
                                            state: @escaping @Sendable () -> State,
                                            _ body: @escaping @Sendable (inout State, inout Xoshiro256, Int) -> T) throws -> [T] {
        let base = random.next()
        let shared = Pieces<T>(count)
        let every = max(1, count / 200)
        let threads = min(workers, count)
        defer { progress.finish() }
        let work: @Sendable (Int) -> Void = { _ in
            var scratch = state()
            while let r = shared.claim() {
                if Interruption.isRequested { shared.failed.store(true, ordering: .relaxed); return }
                var g = Xoshiro256(base: base, stream: r)
                shared.slots[r] = body(&scratch, &g, r)
                let done = shared.done.wrappingAdd(1, ordering: .relaxed).newValue
                if done % every == 0 { progress.report(label, fraction: Double(done) / Double(count)) }
            }
        }
        let flag = Interruption.current
        if threads <= 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: threads) { i in Interruption.withFlag(flag) { work(i) } } }
        if shared.failed.load(ordering: .relaxed) { throw Interrupted() }
        return (0..<count).map { shared.slots[$0]! }
    }
}

extension Xoshiro256 {
    /// The generator of stream `index` under `base`: seeded by the SplitMix64 output for
    /// base + (index + 1)·γ, a strong mix, so neighbouring indices get unrelated streams.
    public init(base: UInt64, stream index: Int) {
        var z = base &+ (UInt64(truncatingIfNeeded: index) &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        self.init(seed: z ^ (z >> 31))
    }
}

/// A uniformly random ordered choice of k of 0..<n (a partial Fisher–Yates shuffle of
/// 0, 1, …, n − 1). The swaps of a draw are undone before the next (or the identity rewritten,
/// when that is cheaper), so each draw starts from the identity: scratch space reused across
/// replicates, whose results must not depend on which replicates a thread ran before.
public struct PartialShuffle: Sendable {
    public private(set) var indices: [Int]
    /// The swaps of the last draw, when undoing them is cheaper than rewriting the identity.
    private var swaps: [Int] = []
    /// The last draw swapped too much to undo: rewrite the identity.
    private var rewrite = false

    public init(_ n: Int) { indices = Array(0..<n) }

    /// The first k of a fresh random order.
    public mutating func draw(_ k: Int, using g: inout Xoshiro256) -> ArraySlice<Int> {
        let n = indices.count
        if rewrite {
            indices.withUnsafeMutableBufferPointer { p in for i in 0..<n { p[i] = i } }
        } else {
            for i in stride(from: swaps.count - 1, through: 0, by: -1) { indices.swapAt(i, swaps[i]) }
        }
        swaps.removeAll(keepingCapacity: true)
        // Many swaps: rewriting 0, 1, …, n − 1 in order next time is cheaper than undoing them.
        let rewriteNext = k * 4 > n
        var recorded = swaps
        indices.withUnsafeMutableBufferPointer { p in
            for i in 0..<k {
                let j = i + g.nextInt(below: n - i)
                if !rewriteNext { recorded.append(j) }
                p.swapAt(i, j)
            }
        }
        swaps = recorded
        rewrite = rewriteNext
        return indices[0..<k]
    }
}
