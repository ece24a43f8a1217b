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
