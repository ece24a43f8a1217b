#if canImport(Glibc)
import Glibc
#endif

/// Standard output and standard error. Output is buffered and flushed before anything goes to
/// standard error, before reading input, and at exit, so the two streams interleave in order.
public final class Console {
    private var buffer: [UInt8] = []
    private let outFD: Int32
    private let errFD: Int32

    public init(out: Int32 = 1, err: Int32 = 2) {
        outFD = out
        errFD = err
        buffer.reserveCapacity(1 << 16)
    }

    public func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    public func error(_ s: String) {
        flush()
        Console.writeAll(errFD, Array(s.utf8))
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        Console.writeAll(outFD, buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            done += n
        }
    }
}
