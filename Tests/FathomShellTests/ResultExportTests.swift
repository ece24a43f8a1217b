import Foundation
import Testing
@testable import FathomLanguage
@testable import FathomShell
import FathomCore

/// Results out of Fathom: `save(r, "r.parquet")` writes the table `as_table(r)` gives with
/// typed columns, which DuckDB (the peer) reads back with the same values; `save(r, "r.json")`
/// writes the result's fields, the same JSON as `--json`.
@Suite("Results saved as Parquet, CSV and JSON")
struct ResultExportTests {
    @Test("a test, a reliability table and a backtest round-trip through Parquet")
    func parquet() throws {
        guard duckDBInstalled() else { return }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = RecordingSession()
        s.run("""
            z = load("digits/mlp-test"); r = reliability(softmax(select(z, "logit_*")), z.label)
            k = ks(randn(200, seed=1), randn(150, seed=2) + 0.3)
            b = backtest(runif(20000, seed=1) * 1e-3, 500, 5000, reps=30, seed=2)
            save(r, "\(dir.path)/r.parquet"); save(k, "\(dir.path)/k.parquet"); save(b, "\(dir.path)/b.parquet")
            """)
        #expect(s.errors.isEmpty, "\(s.errors)")
        let checks = s.run("""
            a = load("\(dir.path)/r.parquet"); t = as_table(r)
            all(columns(a) == columns(t)) and all(a.confidence == t.confidence) and all(a.gap == t.gap) and all(a.count == t.count)
            q = load("\(dir.path)/k.parquet")
            q.statistic[0] == k.statistic and q.pvalue[0] == k.pvalue and q.n_a[0] == 200 and q.reject[0] == k.reject and q.title[0] == k.title
            c = load("\(dir.path)/b.parquet"); all(c.truth == as_table(b).truth) and all(c.gumbel == as_table(b).gumbel)
            sql("select typeof(n_a) as n, typeof(statistic) as s, typeof(reject) as r, typeof(test) as t from '\(dir.path)/k.parquet'")
            """)
        #expect(s.errors.isEmpty, "\(s.errors)")
        #expect(checks.hasPrefix("true\ntrue\ntrue\n"), Comment(rawValue: checks))
        #expect(checks.contains("BIGINT") && checks.contains("DOUBLE") && checks.contains("BOOLEAN") && checks.contains("VARCHAR"), Comment(rawValue: checks))
    }

    @Test("a SQL source is not a table until it is loaded, and says how to load it")
    func sqlSource() throws {
        guard duckDBInstalled() else { return }
        let s = RecordingSession()
        s.run("s = sql_source(\"select 0.5 as p, 1 as y\")\nas_table(s)")
        #expect(s.errors.count == 1)
        #expect(s.errors.first?.message == "as_table(): the SQL source fathom_source (2 columns) names rows without loading them", "\(s.errors)")
        #expect(s.errors.first?.notes == ["sql(\"select 0.5 as p, 1 as y\") loads them as a table; statistics such as ece(s.p, s.y) run in SQL without loading"])
        s.errors = []
        s.run("save(s, \"/tmp/fathom-never.csv\")")
        #expect(s.errors.first?.message == "save() cannot write CSV: the SQL source fathom_source (2 columns) names rows without loading them", "\(s.errors)")
    }

    @Test("save(r, \"r.json\") writes the result's fields, the same JSON as --json")
    func json() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("k.json").path
        let script = "k = ks(randn(200, seed=1), randn(150, seed=2) + 0.3)\nsave(k, \"\(file)\")\nk\n"
        let scriptFile = dir.appendingPathComponent("k.fathom").path
        try script.write(toFile: scriptFile, atomically: true, encoding: .utf8)
        let result = try runFathom(["run", "--json", scriptFile])
        #expect(result.status == 0, "\(result.stderr)")
        let saved = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let shown = try #require(lines.last)
        #expect(shown.contains(saved), "the saved JSON \(saved.prefix(80))… is not the shown value \(shown.prefix(120))…")
    }
}
