#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// The interactive history on disk: `${XDG_STATE_HOME:-~/.local/state}/fathom/history`, in a
/// folder only the user can read (0700), in a file only the user can read (0600), in
/// libedit's format (a `_HiStOrY_V2_` line, then one line per entry with its special
/// characters escaped as `strvis` does).
///
/// Several shells share the file. Each appends the lines it accepts, one `write` per line
/// under an exclusive `flock`, and never rewrites the file, so no shell loses another's
/// lines and no line is torn. Only when the file has grown to twice the history size is it
/// cut back to the newest entries, under the lock, by a rename that every writer notices
/// (it checks, once it holds the lock, that the path still names the file it locked). A file
/// that is not in this format is never written: it is kept as it is, and the session says so
/// once.
final class HistoryFile {
    /// The first line of a libedit history file.
    static let header = "_HiStOrY_V2_"
    /// Entries the editor keeps; the file is cut back to these past twice as many.
    static let size = 5000

    let path: String
    private var lastAppended: String?

    private init(path: String) {
        self.path = path
    }

    /// The history file's path, or nil when neither XDG_STATE_HOME nor HOME is set.
    static var defaultPath: String? {
        guard let folder = folder else { return nil }
        return folder + "/history"
    }

    static var folder: String? {
        if let state = FileSystem.environment("XDG_STATE_HOME"), state.hasPrefix("/") {
            return state + "/fathom"
        }
        guard let home = FileSystem.environment("HOME"), !home.isEmpty else { return nil }
        return home + "/.local/state/fathom"
    }

    /// Opens the history for this session: creates the folder (and its parents) and the file
    /// when missing, with the modes above, and cuts an overgrown file back. Nil when it cannot
    /// be made, or when the file is not a history file (then `warn` hears why, once); the
    /// session then keeps its history in memory only.
    static func open(warn: (String) -> Void) -> HistoryFile? {
        guard let folder, let path = defaultPath else { return nil }
        var partial = ""
        for component in folder.split(separator: "/") {
            partial += "/" + component
            if !FileSystem.isDirectory(partial) {
                let isLast = partial == folder
                if mkdir(partial, isLast ? 0o700 : 0o755) != 0, errno != EEXIST { return nil }
            }
        }
        chmod(folder, 0o700)
        let history = HistoryFile(path: path)
        let usable: Bool? = history.locked(LOCK_EX) { fd in
            fchmod(fd, 0o600)
            guard let bytes = try? FileSystem.readBytes(path) else { return false }
            guard HistoryFile.isHistory(bytes) else {
                warn("fathom: \(Printable.text(path)) is not a history file Fathom can read (its first line is not \(header)); it is left as it is, and this session's lines are not saved\n")
                return false
            }
            history.cutBack(bytes)
            return true
        }
        return usable == true ? history : nil
    }

    /// Whether `bytes` is empty or starts with the libedit header line.
    static func isHistory(_ bytes: [UInt8]) -> Bool {
        bytes.isEmpty || bytes.starts(with: Array((header + "\n").utf8))
    }

    /// Hands the path to `read` (libedit's loader) while no shell is appending.
    func load(_ read: (String) -> Void) {
        _ = locked(LOCK_SH) { _ in read(path) }
    }

    /// Appends one accepted line (not a repeat of the line before it).
    func append(_ line: String) {
        guard line != lastAppended else { return }
        lastAppended = line
        let entry = Array((HistoryFile.encode(line) + "\n").utf8)
        _ = locked(LOCK_EX) { fd -> Bool in
            var st = stat()
            let bytes = fstat(fd, &st) == 0 && st.st_size == 0 ? Array((HistoryFile.header + "\n").utf8) + entry : entry
            Console.writeAll(fd, bytes)
            return true
        }
    }

    /// Runs `body` with the history file open for appending and locked with `operation`; nil
    /// when it cannot be opened or locked. The path is checked to still name the locked file
    /// (a cut-back may have replaced it while this process waited), and opened again if not.
    private func locked<T>(_ operation: Int32, _ body: (Int32) -> T) -> T? {
        for _ in 0..<10 {
            let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            while flock(fd, operation) != 0 {
                guard errno == EINTR else { return nil }
            }
            var locked = stat(), named = stat()
            guard fstat(fd, &locked) == 0, stat(path, &named) == 0,
                  locked.st_ino == named.st_ino, locked.st_dev == named.st_dev else { continue }
            return body(fd)
        }
        return nil
    }

    /// With the lock held: replaces a file of more than twice ``size`` entries by one of the
    /// newest ``size``, written beside it and renamed over it.
    private func cutBack(_ bytes: [UInt8]) {
        let lines = bytes.split(separator: 10, omittingEmptySubsequences: false).dropFirst().dropLast()
        guard lines.count > 2 * HistoryFile.size else { return }
        var kept = Array((HistoryFile.header + "\n").utf8)
        for line in lines.suffix(HistoryFile.size) { kept += line; kept.append(10) }
        try? FileSystem.writeAtomically(path, kept, mode: 0o600)
    }

    /// A line as libedit's `strvis(VIS_WHITE)` writes it and `strunvis` reads it back:
    /// backslash doubled; space, tab, line breaks and other control characters as `\ooo`.
    static func encode(_ line: String) -> String {
        var out: [UInt8] = []
        for b in line.utf8 {
            switch b {
            case UInt8(ascii: "\\"): out += [b, b]
            case 0..<0x21, 0x7F: out += [UInt8(ascii: "\\"), 48 + (b >> 6), 48 + ((b >> 3) & 7), 48 + (b & 7)]
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
