/// Sorting large arrays on all threads, with Ctrl-C polled throughout.
///
/// Runs of 2¹⁶ elements are sorted in parallel, then merged pairwise (stable), the merges of
/// one pass in parallel. Results do not depend on the number of threads.
///
/// These functions do not throw, so that the many statistics built on a sort keep their
/// signatures: when a stop is requested they return early with the elements in an
/// unspecified order (still every element once). Whatever is computed from that is thrown
/// away: the interpreter checks ``Interruption`` after every builtin and operator.
public enum Sorting {
    static let run = 1 << 16

    /// `x` sorted by `less` (a strict weak order), stable.
    public static func sorted<T: BitwiseCopyable>(_ x: [T], by less: @escaping @Sendable (T, T) -> Bool) -> [T] {
        sorted(x, ClosureOrder(compare: less))
    }

    /// `x` in ascending order (no NaN: they have no place in it).
    public static func ascending(_ x: [Double]) -> [Double] { sorted(x, Ascending()) }

    /// `x` in descending order (no NaN).
    public static func descending(_ x: [Double]) -> [Double] { sorted(x, Descending()) }

    static func sorted<O: SortOrder>(_ x: [O.Element], _ order: O) -> [O.Element] {
        // Stopped already: not even the copy (every element is there once, as promised).
        if Interruption.isRequested { return x }
        let n = x.count
        if n <= run {
            var out = x
            out.withUnsafeMutableBufferPointer { order.sortRun($0) }
            return out
        }
        var a = x
        // The merge target: every element is written before it is read.
        var b = [O.Element](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
        let runs = (n + run - 1) / run
        a.withUnsafeMutableBufferPointer { buffer in
            let base = Parallel.Address(buffer.baseAddress!)
            _ = Parallel.map(runs) { k -> Bool in
                if Interruption.isRequested { return false }
                let lo = k * run, hi = min(n, lo + run)
                order.sortRun(UnsafeMutableBufferPointer(start: base.pointer + lo, count: hi - lo))
                return true
            }
        }
        var width = run
        while width < n {
            if Interruption.isRequested { return a }
            let w = width
            let pairs = (n + 2 * w - 1) / (2 * w)
            a.withUnsafeMutableBufferPointer { source in
                b.withUnsafeMutableBufferPointer { target in
                    let from = Parallel.Address(source.baseAddress!), to = Parallel.Address(target.baseAddress!)
                    _ = Parallel.map(pairs) { p -> Bool in
                        let lo = p * 2 * w, mid = min(n, lo + w), hi = min(n, lo + 2 * w)
                        merge(from.pointer, lo, mid, hi, into: to.pointer, order)
                        return true
                    }
                }
            }
            swap(&a, &b)
            width *= 2
        }
        return a
    }

    /// Merges the sorted runs s[lo..<mid] and s[mid..<hi] into t[lo..<hi], taking from the
    /// left run on ties. On Ctrl-C the rest of both runs is copied unmerged.
    static func merge<O: SortOrder>(_ s: UnsafeMutablePointer<O.Element>, _ lo: Int, _ mid: Int, _ hi: Int, into t: UnsafeMutablePointer<O.Element>, _ order: O) {
        var i = lo, j = mid, k = lo
        while i < mid && j < hi {
            if k & 0xFFFF == 0 && Interruption.isRequested { break }
            if order.less(s[j], s[i]) { t[k] = s[j]; j += 1 } else { t[k] = s[i]; i += 1 }
            k += 1
        }
        while i < mid { t[k] = s[i]; i += 1; k += 1 }
        while j < hi { t[k] = s[j]; j += 1; k += 1 }
    }

    /// The positions that order `x` ascending, ties by position (a stable argsort).
    public static func order(_ x: [Double]) -> [Int] {
        sorted(Array(x.indices)) { a, b in x[a] < x[b] || (x[a] == x[b] && a < b) }
    }

    /// The positions that order `x` descending, ties by position.
    public static func orderDescending(_ x: [Double]) -> [Int] {
        sorted(Array(x.indices)) { a, b in x[a] > x[b] || (x[a] == x[b] && a < b) }
    }

    /// Strings in ascending (or descending) order, as the standard library orders them.
    public static func strings(_ x: [String], descending: Bool = false) -> [String] {
        let order = sorted(Array(x.indices)) { a, b in descending ? x[a] > x[b] : x[a] < x[b] }
        return order.map { x[$0] }
    }
}

/// How a sort compares: a type per common order, so that its comparisons are inlined.
protocol SortOrder: Sendable {
    associatedtype Element: BitwiseCopyable
    func less(_ a: Element, _ b: Element) -> Bool
    /// Sorts one run in place.
    func sortRun(_ run: UnsafeMutableBufferPointer<Element>)
}

struct Ascending: SortOrder {
    @inline(__always) func less(_ a: Double, _ b: Double) -> Bool { a < b }
    func sortRun(_ run: UnsafeMutableBufferPointer<Double>) { var r = run; r.sort() }
}

struct Descending: SortOrder {
    @inline(__always) func less(_ a: Double, _ b: Double) -> Bool { a > b }
    func sortRun(_ run: UnsafeMutableBufferPointer<Double>) { var r = run; r.sort(by: >) }
}

struct ClosureOrder<T: BitwiseCopyable>: SortOrder {
    let compare: @Sendable (T, T) -> Bool
    func less(_ a: T, _ b: T) -> Bool { compare(a, b) }
    func sortRun(_ run: UnsafeMutableBufferPointer<T>) { var r = run; r.sort(by: compare) }
}

extension Interruption {
    /// `x.map(f)`, polling Ctrl-C every 2¹⁶ elements: when a stop is requested the rest is
    /// left as the allocator gave it (doubles have no invalid bit patterns; the interpreter
    /// discards the result of an interrupted operation, and not writing the rest saves
    /// touching gigabytes of fresh pages after the user asked to stop).
    public static func map(_ x: [Double], _ f: (Double) -> Double) -> [Double] {
        [Double](unsafeUninitializedCapacity: x.count) { out, initialized in
            x.withUnsafeBufferPointer { v in
                var i = 0
                while i < v.count {
                    if Interruption.isRequested { break }
                    let end = min(v.count, i + 0x10000)
                    while i < end { out[i] = f(v[i]); i += 1 }
                }
            }
            initialized = x.count
        }
    }

    /// `(0..<count).map(f)`, polling Ctrl-C like ``map(_:_:)``.
    public static func generate(_ count: Int, _ f: (Int) -> Double) -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { out, initialized in
            var i = 0
            while i < count {
                if Interruption.isRequested { break }
                let end = min(count, i + 0x10000)
                while i < end { out[i] = f(i); i += 1 }
            }
            initialized = count
        }
    }

    /// `zip(x, y).map(f)` for equal lengths, polling Ctrl-C like ``map(_:_:)``.
    public static func map(_ x: [Double], _ y: [Double], _ f: (Double, Double) -> Double) -> [Double] {
        precondition(x.count == y.count)
        return [Double](unsafeUninitializedCapacity: x.count) { out, initialized in
            x.withUnsafeBufferPointer { u in
                y.withUnsafeBufferPointer { v in
                    var i = 0
                    while i < u.count {
                        if Interruption.isRequested { break }
                        let end = min(u.count, i + 0x10000)
                        while i < end { out[i] = f(u[i], v[i]); i += 1 }
                    }
                }
            }
            initialized = x.count
        }
    }
}
