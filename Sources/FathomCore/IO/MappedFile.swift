#if canImport(Glibc)
import Glibc
#endif

/// A whole file's bytes for reading: memory-mapped when the file is a regular file (so a
/// large file is not copied and pages already parsed can be returned to the system with
/// ``release(upTo:)``), read into memory otherwise (pipes).
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let count: Int
    public let base: UnsafePointer<UInt8>
    private let mapped: Bool
    private let owned: UnsafeMutablePointer<UInt8>?

    public init(path: String) throws {
        self.path = path
        let fd = try FileSystem.openForReading(path)
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError(path: path, reason: FileSystem.reason()) }
        let kind = st.st_mode & S_IFMT
        if kind == S_IFDIR { throw FileError(path: path, reason: FileSystem.reason(EISDIR)) }
        // A regular file that reports a size is mapped; one that reports none (files in /proc
        // have content but st_size 0) is read like a pipe.
        if kind == S_IFREG && st.st_size > 0 {
            count = Int(st.st_size)
            guard let p = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
                throw FileError(path: path, reason: FileSystem.reason())
            }
            _ = madvise(p, count, MADV_SEQUENTIAL)
            base = UnsafePointer(p.assumingMemoryBound(to: UInt8.self))
            mapped = true
            owned = nil
        } else {
            let bytes = try FileSystem.readBytes(path)
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
            bytes.withUnsafeBufferPointer { b in if let a = b.baseAddress { p.initialize(from: a, count: b.count) } }
            owned = p
            base = UnsafePointer(p)
            count = bytes.count
            mapped = false
        }
    }

    /// In-memory bytes (for text already in hand, and for tests).
    public init(bytes: [UInt8], name: String) {
        path = name
        count = bytes.count
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
        bytes.withUnsafeBufferPointer { b in if let a = b.baseAddress { p.initialize(from: a, count: b.count) } }
        owned = p
        base = UnsafePointer(p)
        mapped = false
    }

    deinit {
        if mapped { munmap(UnsafeMutableRawPointer(mutating: base), count) }
        owned?.deallocate()
    }

    /// Lets the system drop the pages of [from, to) from this process's memory (they are read
    /// again from the page cache if touched). Only whole pages inside the range are released.
    public func release(from: Int, to: Int) {
        guard mapped else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (from + page - 1) / page * page
        let end = min(to, count) / page * page
        guard end > start else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }
}
