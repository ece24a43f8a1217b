import Dispatch

/// Splitting work over the machine's cores (two here) in contiguous chunks.
public enum Parallel {
    public static let workers = 2

    /// Runs `body` on contiguous chunks of 0..<n — on two threads when n is at least
    /// `threshold`, else on the caller's — and returns the chunks' results in order.
    public static func chunks<T: Sendable>(_ n: Int, threshold: Int = 20_000, _ body: @escaping @Sendable (Range<Int>) -> T) -> [T] {
        guard n >= threshold else { return [body(0..<n)] }
        let w = workers
        let size = (n + w - 1) / w
        let results = ResultSlots<T>(w)
        DispatchQueue.concurrentPerform(iterations: w) { k in
            results.slots[k] = body((k * size)..<min(n, (k + 1) * size))
        }
        return (0..<w).map { results.slots[$0]! }
    }
}

/// One slot per worker, each written by its own thread only (through a raw pointer, so no
/// thread touches another's memory or a shared array header).
final class ResultSlots<T>: @unchecked Sendable {
    let slots: UnsafeMutablePointer<T?>
    let count: Int

    init(_ count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
}

extension Parallel {
    /// Runs `count` random replicates (bootstrap resamples, permutations, backtest splits) on
    /// both cores. Each worker gets its own generator split off `random`, in order, and takes
    /// replicates w, w + workers, …, so a seed gives the same results however the threads are
    /// scheduled. `state` makes each worker's scratch space, kept across its replicates.
    /// Reports progress and stops on Ctrl-C (throwing ``Interrupted``).
    public static func replicates<State, T>(_ count: Int, random: inout Xoshiro256, progress: any ProgressReporter, label: String,
                                            state: @escaping @Sendable () -> State,
                                            _ body: @escaping @Sendable (inout State, inout Xoshiro256, Int) -> T) throws -> [T] {
        let generators = (0..<workers).map { _ in random.split() }
        let shared = ReplicateResults<T>(count)
        let every = max(1, count / 100)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var g = generators[w]
            var scratch = state()
            var r = w
            while r < count {
                if Interruption.isRequested { shared.lock.lock(); shared.stopped = true; shared.lock.unlock(); return }
                let result = body(&scratch, &g, r)
                shared.lock.lock()
                shared.results[r] = result
                shared.done += 1
                let done = shared.done
                shared.lock.unlock()
                if done % every == 0 { progress.report(label, fraction: Double(done) / Double(count)) }
                r += workers
            }
        }
        progress.finish()
        if shared.stopped { throw Interrupted() }
        return shared.results.map { $0! }
    }
}

/// Where the replicate workers leave their results, under a lock.
final class ReplicateResults<T>: @unchecked Sendable {
    var results: [T?]
    var done = 0
    var stopped = false
    let lock = PthreadMutex()
    init(_ n: Int) { results = Array(repeating: nil, count: n) }
}
