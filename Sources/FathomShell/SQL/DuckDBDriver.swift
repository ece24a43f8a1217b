#if canImport(Glibc)
import Glibc
#endif
import FathomCore
import FathomLanguage

/// The session's DuckDB: its command-line program (PyPI `duckdb-cli`), started on first use as
/// one persistent child process in its own process group, fed SQL on standard input.
///
/// Nothing a user or a dataset supplies reaches the program as text it parses line by line: the
/// user's query (and every file name, inside the query Fathom writes for it) travels base64
/// encoded into DuckDB's `query()` table function, which runs a single SELECT. So no line can
/// start a dot command (`.shell`, `.output`, …) and no quote can end a literal early. Each
/// request ends with `select '<marker>'`, a random nonce per session. Results travel as CSV
/// written by DuckDB's `COPY` into a private temporary folder (round-trip exact doubles), read
/// by Fathom's CSV reader. Ctrl-C stops the program; the next query starts it again.
final class DuckDBDriver: SQLEngine {
    private var pid: pid_t = 0
    private var input: Int32 = -1
    private var output: Int32 = -1
    private var errors: Int32 = -1
    private let marker = "FATHOM_END_" + GnuplotScript.randomHex()
    private var folder: String?
    private var counter = 0
    /// The process group of the last DuckDB started (its pid), for the tests.
    private(set) var lastGroup: pid_t = 0
    /// The executable: FATHOM_DUCKDB, else `duckdb` on PATH; nil when neither exists.
    let executable: String?

    init(explicit: String? = FileSystem.environment("FATHOM_DUCKDB"), path: String? = FileSystem.environment("PATH")) {
        if let explicit, !explicit.isEmpty {
            executable = access(explicit, X_OK) == 0 ? explicit : nil
        } else {
            executable = GnuplotDriver.find("duckdb", in: path ?? "")
        }
    }

    deinit { shutdown() }

    // MARK: - SQLEngine

    func select(_ query: String, maxRows: Int?) throws -> String {
        let relation = DuckDBDriver.relation(query)
        if let maxRows { try refuseBeyond(maxRows, relation) }
        let target = try resultFolder() + "/result-\(counter).csv"
        counter += 1
        _ = try run("copy (select * from \(relation)) to \(SQLFiles.literal(target)) (format csv, header true, nullstr '');")
        return target
    }

    private func refuseBeyond(_ maxRows: Int, _ relation: String) throws {
        let counted = try run("select count(*) from \(relation);")
        guard let rows = Int(counted.trimmingSpaces) else {
            throw Diagnostic("sql.engine", "DuckDB answered the row count with \(counted.trimmingSpaces.debugDescription)")
        }
        if rows > maxRows {
            throw Diagnostic("sql.too_large", "the query's result has \(rows) rows, more than max_elements (\(maxRows))",
                             notes: ["aggregate in SQL, or raise the limit with :set max_elements N if the machine has the memory"])
        }
    }

    func writeParquet(csv: [UInt8], types: [(name: String, type: String)], to path: String) throws {
        let source = try resultFolder() + "/table-\(counter).csv"
        counter += 1
        defer { unlink(source) }
        do { try FileSystem.writeAtomically(source, csv) } catch let e as FileError {
            throw Diagnostic("sql.engine", "cannot write the table for DuckDB: \(e.reason)")
        }
        let folder = FileSystem.parentFolder(path)
        guard FileSystem.isDirectory(folder) else { throw Diagnostic("save.folder", "cannot write \(path): the folder \(folder) does not exist") }
        if FileSystem.isDirectory(path) { throw Diagnostic("save.folder", "cannot write \(path): it is a folder") }
        let columns = types.map { "\(SQLFiles.literal($0.name)): \(SQLFiles.literal($0.type))" }.joined(separator: ", ")
        let query = "select * from read_csv(\(SQLFiles.literal(source)), header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', nullstr = '', columns = {\(columns)})"
        let temporary = folder + "/.fathom-parquet-" + GnuplotScript.randomHex() + ".parquet"
        defer { unlink(temporary) }
        _ = try run("copy (select * from \(DuckDBDriver.relation(query))) to (\(DuckDBDriver.encoded(temporary))) (format parquet);")
        do { try FileSystem.replace(path, with: temporary) } catch let e as FileError {
            throw Diagnostic("save.folder", "cannot write \(path): \(e.reason)")
        }
    }

    /// `query()` over `sql`, which reaches DuckDB base64-encoded.
    static func relation(_ sql: String) -> String { "query(\(encoded(sql)))" }

    /// A SQL expression for `text` that holds nothing but base64 characters.
    static func encoded(_ text: String) -> String { "decode(from_base64('\(base64(Array(text.utf8)))'))" }

    func discard(_ path: String) {
        unlink(path)
    }

    /// A folder only this process can use, made on first use.
    private func resultFolder() throws -> String {
        if let folder { return folder }
        var base = FileSystem.environment("TMPDIR").flatMap { FileSystem.isDirectory($0) ? $0 : nil } ?? "/tmp"
        // The folder's name goes into a SQL literal on one line: keep it plain.
        if base.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "'") }) { base = "/tmp" }
        var template = Array((base + "/fathom-sql-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw Diagnostic("sql.engine", "cannot make a temporary folder for DuckDB's results: \(FileSystem.reason())")
        }
        folder = String(cString: made)
        return folder!
    }

    static let missing = Diagnostic("sql.missing", "SQL and Parquet need DuckDB's command-line program, which was not found", notes: [
        "install it with: pip install duckdb-cli==1.5.6, then put duckdb on PATH or name it in FATHOM_DUCKDB (./Scripts/fathom does this)",
        "everything else works without it",
    ])

    /// The standard base64 alphabet with padding.
    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = Int(bytes[i]), b1 = i + 1 < bytes.count ? Int(bytes[i + 1]) : 0, b2 = i + 2 < bytes.count ? Int(bytes[i + 2]) : 0
            out.append(alphabet[b0 >> 2])
            out.append(alphabet[((b0 & 3) << 4) | (b1 >> 4)])
            out.append(i + 1 < bytes.count ? alphabet[((b1 & 15) << 2) | (b2 >> 6)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[b2 & 63] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - The process

    /// Sends one line of Fathom's own SQL and the end marker; returns what it printed, or throws
    /// DuckDB's error message.
    private func run(_ statement: String) throws -> String {
        guard executable != nil else { throw DuckDBDriver.missing }
        if pid == 0 { try start() }
        var toSend = Array((statement + "\nselect '\(marker)';\n").utf8)
        var sent = 0
        var stdoutText = "", stderrText = ""
        while true {
            if Interruption.isRequested {
                kill9()
                throw Interrupted()
            }
            var fds = [pollfd(fd: output, events: Int16(POLLIN), revents: 0), pollfd(fd: errors, events: Int16(POLLIN), revents: 0)]
            if sent < toSend.count { fds.append(pollfd(fd: input, events: Int16(POLLOUT), revents: 0)) }
            if poll(&fds, nfds_t(fds.count), 100) < 0 {
                if errno == EINTR { continue }
                kill9()
                throw Diagnostic("sql.engine", "lost contact with DuckDB: \(FileSystem.reason())")
            }
            if fds.count == 3, fds[2].revents & Int16(POLLOUT) != 0 {
                let n = toSend.withUnsafeBytes { Glibc.write(input, $0.baseAddress! + sent, min(65536, $0.count - sent)) }
                if n > 0 { sent += n }
                if sent == toSend.count { toSend = []; sent = 0 }
            }
            var closed = false
            for (k, fd) in [output, errors].enumerated() where fds[k].revents & Int16(POLLIN | POLLHUP) != 0 {
                var buffer = [UInt8](repeating: 0, count: 65536)
                let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    let text = String(decoding: buffer[0..<n], as: UTF8.self)
                    if k == 0 { stdoutText += text } else { stderrText += text }
                } else if n == 0 {
                    closed = true
                }
            }
            if let end = stdoutText.firstRange(of: marker + "\n") {
                // DuckDB wrote any error before it ran the marker's statement.
                stderrText += drain(errors)
                if !stderrText.isEmpty { throw Diagnostic("sql.error", "DuckDB: " + DuckDBDriver.message(stderrText)) }
                return String(stdoutText[..<end.lowerBound])
            }
            if closed {
                reap()
                throw Diagnostic("sql.engine", "DuckDB stopped unexpectedly" + (stderrText.isEmpty ? "" : ": " + DuckDBDriver.message(stderrText)))
            }
        }
    }

    /// The first paragraph of DuckDB's error text (the rest points into Fathom's wrapper query).
    static func message(_ text: String) -> String {
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = String(line).trimmingSpaces
            if trimmed.isEmpty { if lines.isEmpty { continue } else { break } }
            lines.append(trimmed)
        }
        return lines.joined(separator: " ")
    }

    private func drain(_ fd: Int32) -> String {
        var text = ""
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return text }
            text += String(decoding: buffer[0..<n], as: UTF8.self)
        }
    }

    private func start() throws {
        guard let executable else { throw DuckDBDriver.missing }
        let child: PipedChild
        do {
            child = try PipedChild.start(executable, arguments: ["duckdb", "-no-init", "-batch", "-csv", "-noheader", ":memory:"])
        } catch .pipes(let reason) {
            throw Diagnostic("sql.engine", "cannot start DuckDB: \(reason)")
        } catch .spawn(let reason) {
            throw Diagnostic("sql.engine", "cannot start DuckDB (\(executable)): \(reason)")
        }
        pid = child.pid
        lastGroup = child.pid
        input = child.input
        output = child.output
        errors = child.errors
        // No network at run time: never fetch an extension.
        _ = try run("set autoinstall_known_extensions = false; set autoload_known_extensions = false; set enable_progress_bar = false;")
    }

    /// Ends the whole process group: PyPI's `duckdb` is a wrapper that runs the real program as
    /// its own child, which would otherwise keep running.
    private func kill9() {
        guard pid != 0 else { return }
        kill(-pid, SIGKILL)
        reap()
    }

    private func reap() {
        guard pid != 0 else { return }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        for fd in [input, output, errors] where fd >= 0 { close(fd) }
        pid = 0
        input = -1; output = -1; errors = -1
    }

    /// Ends DuckDB (closing its input ends it) and removes the results folder.
    func shutdown() {
        if pid != 0 {
            close(input)
            input = -1
            kill9()
        }
        if let folder {
            for name in FileSystem.folderEntries(folder) { unlink(folder + "/" + name) }
            rmdir(folder)
            self.folder = nil
        }
    }
}
