import Foundation
import Testing
@testable import FathomLanguage
@testable import FathomShell
import FathomCore

/// DuckDB's command-line program, which Scripts/test installs and names in FATHOM_DUCKDB.
func duckdb() throws -> String {
    guard let path = ProcessInfo.processInfo.environment["FATHOM_DUCKDB"], FileManager.default.isExecutableFile(atPath: path) else {
        Issue.record("FATHOM_DUCKDB does not name DuckDB's program: run ./Scripts/test, which installs it")
        throw CancellationError()
    }
    return path
}

/// Runs `sql` in a fresh DuckDB in `folder` (to write the Parquet files the tests read).
func runDuckDB(_ sql: String, in folder: URL) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: try duckdb())
    p.arguments = ["-no-init", "-batch", ":memory:", "-c", sql]
    p.currentDirectoryURL = folder
    try p.run()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
}

@Suite("SQL and Parquet through DuckDB")
struct SQLTests {
    @Test("columns arrive typed, NULL as missing, globs read every file")
    func typedColumnsAndGlobs() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try runDuckDB("""
            copy (select range::bigint as id, range * 0.1::double as x, range % 2 = 0 as even, 'r' || range as name, case when range = 3 then null else range::double end as maybe from range(5)) to 'a.parquet';
            copy (select range::bigint + 5 as id, range * 0.1 as x, false as even, 'r' || range as name, null::double as maybe from range(3)) to 'b.parquet';
            """, in: dir)
        let s = RecordingSession()
        s.run("t = load(\"\(dir.path)/a.parquet\")\ng = load(\"\(dir.path)/*.parquet\")")
        #expect(s.errors.isEmpty, "\(s.errors)")
        let out = s.run("nrow(g)\nsum(t.id)\nt.x[3] == 3 * 0.1\nt.x[3] == 0.3\nt.even[0]\nt.name[4]\nt.maybe")
        #expect(out == "8\n10\ntrue\nfalse\ntrue\n\"r4\"\n[0, 1, 2, NaN, 4]\n", Comment(rawValue: out))
        let q = s.run("r = sql(\"select id, x from '\(dir.path)/*.parquet' where id >= 6 order by id\")\nr.id\nr.x")
        #expect(q == "[6, 7]\n[0.1, 0.2]\n", Comment(rawValue: q))
    }

    @Test("a SQL error and a wrong path are one message carrying DuckDB's text")
    func errors() throws {
        _ = try duckdb()
        let s = RecordingSession()
        s.run("sql(\"select * from nosuch\")")
        #expect(s.errors.count == 1)
        #expect(s.errors.first?.message.hasPrefix("DuckDB: Catalog Error: Table with name nosuch does not exist") == true, "\(s.errors)")
        s.errors = []
        s.run("load(\"/nonexistent-folder/*.parquet\")")
        #expect(s.errors.first?.message.contains("IO Error: No files found that match the pattern") == true, "\(s.errors)")
        s.errors = []
        s.run("load(\"x.feather\")")
        #expect(s.errors.first?.message.contains("Arrow IPC and Feather files are not supported") == true, "\(s.errors)")
        // The session goes on.
        #expect(s.run("sql(\"select 2 as two\").two") == "[2]\n")
    }

    @Test("results beyond max_elements are refused before transfer")
    func maxElements() throws {
        _ = try duckdb()
        let s = RecordingSession()
        s.run(":set max_elements 100")
        s.run("sql(\"select * from range(1000)\")")
        #expect(s.errors.first?.message == "the query's result has 1000 rows, more than max_elements (100)", "\(s.errors)")
    }

    @Test("no query or file name reaches DuckDB's program as a dot command or breaks out of a literal")
    func injection() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let marker = dir.appendingPathComponent("pwned").path
        let s = RecordingSession()
        let attempts = [
            "sql(\"select 1;\\n.shell touch \(marker)\")",
            "sql(\"select 1\\n.system touch \(marker)\")",
            "sql(\"select 1; copy (select 1) to '\(marker)'\")",
            "sql(\"select ''');\\n.shell touch \(marker)\\nselect ('\")",
            "load(\"\(dir.path)/x');\\n.shell touch \(marker)\\nselect ('.parquet\")",
            "load(\"\(dir.path)/it's\\n.parquet\")",
        ]
        // Each is refused by DuckDB's parser or read as text inside a literal; none runs a command.
        for attempt in attempts { s.run(attempt) }
        #expect(!FileManager.default.fileExists(atPath: marker))
        #expect(s.run("sql(\"select 3 as three\").three") == "[3]\n")
    }

    @Test("a file name with a quote and a line break loads")
    func awkwardFileName() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try runDuckDB("copy (select 7 as seven) to 'plain.parquet'", in: dir)
        try FileManager.default.moveItem(at: dir.appendingPathComponent("plain.parquet"), to: dir.appendingPathComponent("it's\nodd.parquet"))
        let s = RecordingSession()
        #expect(s.run("load(\"\(dir.path)/it's\\nodd.parquet\").seven") == "[7]\n", "\(s.errors)")
    }

    @Test("save(t, \"x.parquet\") writes typed columns that load() reads back equal")
    func parquetRoundTrip() throws {
        _ = try duckdb()
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("it's\nout.parquet").path
        let s = RecordingSession()
        let out = s.run("""
            t = as_table({id: [1, 2, 3], x: [0.1, 0.1 + 0.2, nan], ok: [true, false, true], name: ["a", "it's \\"q\\"\\nline", "é"]})
            save(t, "\(path.replacingOccurrences(of: "\n", with: "\\n"))")
            u = load("\(path.replacingOccurrences(of: "\n", with: "\\n"))")
            sql("select typeof(id) as a, typeof(x) as b, typeof(ok) as c, typeof(name) as d from '\(path.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\n", with: "\\n"))' limit 1")
            """)
        #expect(s.errors.isEmpty, "\(s.errors)")
        #expect(out.hasPrefix("saved 3 rows × 4 columns to "), Comment(rawValue: out))
        #expect(out.contains("BIGINT") && out.contains("DOUBLE") && out.contains("BOOLEAN") && out.contains("VARCHAR"), Comment(rawValue: out))
        guard case .table(let t)? = s.session.interpreter.lookup("t"), case .table(let u)? = s.session.interpreter.lookup("u") else {
            Issue.record("t or u is not a table"); return
        }
        #expect(u.names == t.names && u.kinds == t.kinds)
        #expect(u.column("id") == t.column("id") && u.column("ok") == t.column("ok") && u.column("name") == t.column("name"))
        guard case .numbers(let ux)? = u.column("x"), case .numbers(let tx)? = t.column("x") else { Issue.record("x is not numbers"); return }
        #expect(ux[0].bitPattern == tx[0].bitPattern && ux[1].bitPattern == tx[1].bitPattern && ux[2].isNaN)
        s.run("save(1, \"\(dir.path)/one.parquet\")")
        #expect(s.errors.last?.message == "save() writes a table, a vector, a matrix, a record of equal-length vectors or an analysis result to Parquet, not the number 1")
    }

    @Test("Ctrl-C stops a long query and the session goes on")
    func interrupt() throws {
        _ = try duckdb()
        let s = RecordingSession()
        let flag = Interruption.Flag()
        let start = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { flag.request() }
        let out = Interruption.withFlag(flag) {
            s.run("sql(\"select sum(a.range * b.range) as s from range(1000000) a, range(1000000) b\")")
        }
        let elapsed = Date().timeIntervalSince(start)
        // No DuckDB process is left computing: the wrapper PyPI installs and the real program
        // it runs share the process group that was ended (a zombie waiting to be reaped is done).
        let group = s.session.sqlEngine.lastGroup
        Thread.sleep(forTimeInterval: 0.3)
        let alive = (try FileManager.default.contentsOfDirectory(atPath: "/proc")).filter { entry in
            guard Int(entry) != nil, let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && fields[2] == "\(group)" && fields[0] != "Z"
        }
        #expect(group > 0 && alive.isEmpty, "DuckDB's process group \(group) still runs: \(alive)")
        #expect(out.contains("interrupted"), Comment(rawValue: out))
        #expect(elapsed < 3, "the query stopped after \(elapsed) s")
        flag.clear()
        #expect(s.run("sql(\"select 5 as five\").five") == "[5]\n", "\(s.errors)")
    }

    @Test("without an engine, sql() says what to install")
    func noEngine() {
        let s = RecordingSession()
        s.session.interpreter.context.sqlEngine = nil
        s.run("sql(\"select 1\")")
        s.run("load(\"x.parquet\")")
        #expect(s.errors.count == 2)
        #expect(s.errors.allSatisfy { $0.message == "SQL and Parquet need DuckDB's command-line program, which this session does not have" }, "\(s.errors)")
    }

    @Test("the example runs through the binary")
    func binary() throws {
        _ = try duckdb()
        let r = try runFathom(["-e", "sql(\"select 42 as answer, 'hi' as greeting\")"])
        #expect(r.status == 0, Comment(rawValue: r.stderr))
        #expect(r.stdout.contains("answer") && r.stdout.contains("42") && r.stdout.contains("hi"), Comment(rawValue: r.stdout))
    }
}
