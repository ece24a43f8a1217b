#if canImport(Glibc)
import Glibc
#endif

/// Lines from a file descriptor (standard input in batch mode), read with `getline`.
final class LineInput {
    private let file: UnsafeMutablePointer<FILE>?
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0

    init(fd: Int32 = 0) {
        file = fdopen(dup(fd), "r")
    }

    deinit {
        free(buffer)
        if let file { fclose(file) }
    }

    /// The next line without its line break (and without a CR before it), or nil at the end.
    func next() -> String? {
        guard let file else { return nil }
        while true {
            let n = getline(&buffer, &capacity, file)
            if n < 0 {
                if errno == EINTR, ferror(file) != 0 { clearerr(file); errno = 0; return nil }
                return nil
            }
            guard let buffer else { return nil }
            var len = n
            if len > 0, buffer[len - 1] == 10 { len -= 1 }
            if len > 0, buffer[len - 1] == 13 { len -= 1 }
            return buffer.withMemoryRebound(to: UInt8.self, capacity: len) {
                String(decoding: UnsafeBufferPointer(start: $0, count: len), as: UTF8.self)
            }
        }
    }
}
