#if canImport(Glibc)
import Glibc
#endif

/// A file that could not be read or written, with the reason in words.
public struct FileError: Error, Sendable, Equatable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var message: String { "\(path): \(reason)" }
}

/// Plain POSIX file access: whole-file reads and atomic whole-file writes.
public enum FileSystem {
    /// The reason for the current `errno`, in words.
    public static func reason(_ code: Int32 = errno) -> String {
        switch code {
        case ENOENT: return "no such file or folder"
        case EACCES, EPERM: return "permission denied"
        case EISDIR: return "is a folder, not a file"
        case ENOTDIR: return "a part of the path is not a folder"
        case ENOSPC: return "no space left on the device"
        case EROFS: return "the file system is read-only"
        default: return String(cString: strerror(code))
        }
    }

    /// Whether `path` names a folder.
    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether anything exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    /// Asks the kernel to back a large, freshly allocated buffer with transparent huge pages
    /// before it is written: filling 160 MB then takes a few hundred page faults instead of
    /// forty thousand. Only advice; ignored where unsupported.
    public static func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
        let huge = 2 << 20
        guard let base = buffer.baseAddress, buffer.count >= 4 * huge else { return }
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + buffer.count) & ~(huge - 1)
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, end - start, 14) // MADV_HUGEPAGE
    }

    /// Opens `path` for reading. Opening a FIFO waits for a writer: Ctrl-C (a signal, which
    /// interrupts the wait) ends the wait with ``Interrupted``.
    public static func openForReading(_ path: String) throws -> Int32 {
        while true {
            try Interruption.check()
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw FileError(path: path, reason: reason())
        }
    }

    /// `read(2)` into `buffer`, retried when a signal interrupts it, except Ctrl-C, which ends
    /// the read with ``Interrupted`` (a pipe that never delivers cannot hold the session).
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
        while true {
            try Interruption.check()
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw FileError(path: path, reason: reason())
        }
    }

    /// The largest file ``readBytes(_:atMost:)`` reads (a pipe that never ends stops here).
    public static let maximumReadSize = 8 << 30

    /// Every byte of the file at `path` (a regular file, a pipe, or a file such as those in
    /// /proc that reports no size but has content; devices are refused). More than `atMost`
    /// bytes (at most ``maximumReadSize``) is an error naming the limit.
    public static func readBytes(_ path: String, atMost: Int = maximumReadSize) throws -> [UInt8] {
        let limit = min(max(0, atMost), maximumReadSize)
        let fd = try openForReading(path)
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError(path: path, reason: reason()) }
        let kind = st.st_mode & S_IFMT
        if kind == S_IFDIR { throw FileError(path: path, reason: reason(EISDIR)) }
        if kind == S_IFCHR || kind == S_IFBLK || kind == S_IFSOCK {
            throw FileError(path: path, reason: "is a device, not a file")
        }
        func tooLarge() -> FileError {
            let size = InputSize.bytesText(limit)
            return FileError(path: path, reason: "larger than \(size)\(size.hasSuffix(" bytes") ? "" : " (\(limit) bytes)"), the most Fathom reads\(limit < maximumReadSize ? " for this file" : "")")
        }
        if kind == S_IFREG, Int(st.st_size) > limit { throw tooLarge() }
        var out: [UInt8] = []
        // The size the file reports: a hint only (0 for /proc files, changing for a growing log).
        out.reserveCapacity(min(Int(st.st_size), limit) + 1)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try read(fd, into: $0, path: path) }
            if n == 0 { break }
            if out.count + n > limit { throw tooLarge() }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    /// The first `count` bytes of a file (fewer when it is shorter).
    public static func readPrefix(_ path: String, count: Int) throws -> [UInt8] {
        let fd = try openForReading(path)
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: count)
        let n = try out.withUnsafeMutableBytes { try read(fd, into: $0, path: path) }
        return n > 0 ? Array(out[0..<n]) : []
    }

    /// The file at `path` as UTF-8 text; invalid UTF-8 is an error naming the byte. A leading
    /// byte-order mark (which some editors write) is dropped.
    public static func readText(_ path: String) throws -> String {
        var bytes = try readBytes(path)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let bad = firstInvalidUTF8(bytes) {
            throw FileError(path: path, reason: "not UTF-8 at byte \(bad)")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The offset of the first byte that is not valid UTF-8, or nil.
    public static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { b -> Int? in
            guard let base = b.baseAddress else { return nil }
            var from = 0
            while true {
                switch UTF8Check.firstProblem(base, from: from, to: b.count) {
                case nil: return nil
                case .invalid(let i): return i
                case .nul(let i): from = i + 1
                }
            }
        }
    }

    /// Writes `bytes` to `path` atomically: into a temporary file in the same folder, flushed,
    /// then renamed over `path`. A failure leaves any earlier file untouched and no partial one.
    /// The file gets `mode` when given, else the mode of the file it replaces (a private file
    /// stays private), else what the umask allows (0666 less the umask, as `open` gives).
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t? = nil) throws {
        let folder = parentFolder(path)
        if !isDirectory(folder) {
            throw FileError(path: path, reason: exists(folder) ? "\(folder) is not a folder" : "the folder \(folder) does not exist")
        }
        if isDirectory(path) { throw FileError(path: path, reason: reason(EISDIR)) }
        var template = Array((folder == "." && !path.hasPrefix("./") ? "" : (folder.hasSuffix("/") ? folder : folder + "/")).utf8CString.dropLast())
        template += Array(".\(baseName(path)).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw FileError(path: path, reason: reason()) }
        let tmpPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ok = false
        defer { if !ok { unlink(tmpPath) } }
        fchmod(fd, mode ?? modeForReplacing(path))
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let r = reason()
                close(fd)
                throw FileError(path: path, reason: r)
            }
            written += n
        }
        if fsync(fd) != 0 || close(fd) != 0 { throw FileError(path: path, reason: reason()) }
        guard rename(tmpPath, path) == 0 else { throw FileError(path: path, reason: reason()) }
        ok = true
    }

    /// Puts the finished file `temporary` (in the same folder, written by another program such
    /// as gnuplot) in the place of `path` in one step, with the mode ``writeAtomically(_:_:mode:)``
    /// would give it.
    public static func replace(_ path: String, with temporary: String) throws {
        if chmod(temporary, modeForReplacing(path)) != 0 || rename(temporary, path) != 0 {
            throw FileError(path: path, reason: reason())
        }
    }

    /// The permission bits a file written over `path` gets: those of the regular file there,
    /// else 0666 less the umask.
    public static func modeForReplacing(_ path: String) -> mode_t {
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { return st.st_mode & 0o777 }
        return 0o666 & ~processUmask
    }

    /// The process's umask, read once: from /proc (which leaves it alone), else by setting
    /// and restoring it before other threads start writing files.
    static let processUmask: mode_t = {
        if let status = try? readBytes("/proc/self/status") {
            for line in String(decoding: status, as: UTF8.self).split(separator: "\n") where line.hasPrefix("Umask:") {
                if let value = mode_t(String(line.dropFirst(6).filter { $0 != " " && $0 != "\t" }), radix: 8) { return value }
            }
        }
        let mask = umask(0o022)
        umask(mask)
        return mask
    }()

    /// Text version of ``writeAtomically(_:_:mode:)``.
    public static func writeAtomically(_ path: String, text: String) throws {
        try writeAtomically(path, Array(text.utf8))
    }

    /// The folder part of a path ("." when there is none).
    public static func parentFolder(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let p = String(path[..<slash])
        return p.isEmpty ? "/" : p
    }

    /// The last component of a path.
    /// The process's working folder, where relative paths are read from, or nil if it cannot
    /// be named (removed, or too long).
    public static func currentFolder() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Makes `folder` the working folder; false if it cannot be entered.
    @discardableResult
    public static func changeFolder(_ folder: String) -> Bool {
        chdir(folder) == 0
    }

    /// `path` made absolute against the working folder (unchanged when already absolute).
    public static func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/"), let here = currentFolder() else { return path }
        return here + "/" + path
    }

    public static func baseName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// The names in a folder (without "." and ".."), unsorted; empty when it cannot be read.
    public static func folderEntries(_ folder: String) -> [String] {
        guard let dir = opendir(folder) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The nearest folder at or above the running executable's folder (up to `levels` steps)
    /// for which `matches` holds: how Fathom finds what ships beside it in the repository it
    /// was built in (Datasets/, Lessons/).
    public static func aboveExecutable(levels: Int = 6, where matches: (String) -> Bool) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, 4095)
        guard n > 0 else { return nil }
        var folder = parentFolder(String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        for _ in 0..<levels {
            if matches(folder) { return folder }
            let up = parentFolder(folder)
            if up == folder { break }
            folder = up
        }
        return nil
    }

    /// The environment variable `name`, if set.
    public static func environment(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        return String(cString: v)
    }
}
