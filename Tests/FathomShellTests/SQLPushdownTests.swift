import Foundation
import Testing
@testable import FathomLanguage
@testable import FathomShell
import FathomCore

/// 40 000 rows made by DuckDB from hashes (the same on every run): a column q of P(y = 1), its
/// 0/1 label y, three class probabilities p_0…p_2 with a label, a boolean label and a loss;
/// then every bin edge k/B for B = 10 and 15 (0 and 1 among them) and the doubles either side.
private let generated = """
    copy (
      with u as (
        select range as i,
               (hash(range) % 1000003)::double / 1000002 as u1,
               (hash(range + 1000000007) % 1000003)::double / 1000003 as u2,
               (hash(range * 3 + 5) % 997)::double + 1 as a,
               (hash(range * 5 + 7) % 991)::double + 1 as b,
               (hash(range * 11 + 13) % 983)::double as c
        from range(40000))
      select u1 as q, (u2 < u1)::bigint as y, a / (a + b + c) as p_0, b / (a + b + c) as p_1, c / (a + b + c) as p_2,
             (i % 3)::bigint as label, u2 < u1 as ok, -ln(greatest(u2, 1e-9)) as loss from u
      union all
      select e.q, (k % 2)::bigint, 0.25, 0.5, 0.25, (k % 3)::bigint, k % 2 = 0, e.q
      from (select k, unnest([k / 15, k / 10, nextafter(k / 15, 0), nextafter(k / 15, 1), nextafter(k / 10, 0), nextafter(k / 10, 1)]) as q from (select range::double as k from range(16))) as e
      where e.q between 0 and 1
    ) to 'preds.parquet';
    """

/// Every statement of `script` in a fresh session; fails on any error.
@discardableResult
private func run(_ s: RecordingSession, _ script: String) -> String {
    let out = s.run(script)
    #expect(s.errors.isEmpty, "\(s.errors.map(\.message))")
    return out
}

private func number(_ s: RecordingSession, _ name: String) -> Double {
    guard case .number(let x)? = s.session.interpreter.lookup(name) else { Issue.record("\(name) is not a number"); return .nan }
    return x
}

@Suite("Statistics pushed into SQL (DuckDB, Spark SQL)")
struct SQLPushdownTests {
    @Test("ece, mce, ace, failure_rate and chisq in SQL agree with the same statistics in memory")
    func agreesWithMemory() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try runDuckDB(generated, in: dir)
        let s = RecordingSession()
        run(s, """
            t = load("\(dir.path)/preds.parquet")
            s = sql_source(file="\(dir.path)/preds.parquet")
            P = select(t, "p_*")
            """)
        let cases: [(sql: String, memory: String)] = [
            ("ece(s.q, s.y)", "ece(t.q, t.y)"),
            ("ece(s.q, s.y, bins=10)", "ece(t.q, t.y, bins=10)"),
            ("ece(s.q, s.ok, bins=7)", "ece(t.q, t.ok, bins=7)"),
            ("ece(s.q, s.y, norm=2, debias=true)", "ece(t.q, t.y, norm=2, debias=true)"),
            ("mce(s.q, s.y)", "mce(t.q, t.y)"),
            ("ace(s.q, s.y, bins=20)", "ace(t.q, t.y, bins=20)"),
            ("ece(select(s, \"p_*\"), s.label)", "ece(P, t.label)"),
            ("ece(select(s, [\"p_0\", \"p_1\", \"p_2\"]), s.label, bins=1)", "ece(P, t.label, bins=1)"),
        ]
        for (i, c) in cases.enumerated() {
            run(s, "a\(i) = \(c.sql)\nb\(i) = \(c.memory)")
            let a = number(s, "a\(i)"), b = number(s, "b\(i)")
            #expect(abs(a - b) <= 1e-12 && b > 0, "\(c.sql) = \(a) but \(c.memory) = \(b)")
        }
        // Categories counted in SQL: both samples, or one of them, against memory.
        run(s, """
            c1 = chisq(s.label, s.y).statistic
            c2 = chisq(t.label, t.y).statistic
            c3 = chisq(s.ok, t.y == 1).statistic
            c4 = chisq(t.ok, t.y == 1).statistic
            """)
        #expect(abs(number(s, "c1") - number(s, "c2")) <= 1e-9 * number(s, "c2") && number(s, "c2") > 0, "\(number(s, "c1")), \(number(s, "c2"))")
        #expect(abs(number(s, "c3") - number(s, "c4")) <= 1e-9 * number(s, "c4"), "\(number(s, "c3")), \(number(s, "c4"))")
        run(s, "f = failure_rate(s.loss, 0.5, ci=0.9)\ng = failure_rate(t.loss, 0.5, ci=0.9)")
        guard case .record(let f)? = s.session.interpreter.lookup("f"), case .record(let g)? = s.session.interpreter.lookup("g") else {
            Issue.record("failure_rate did not give records"); return
        }
        for key in ["estimate", "lower", "upper", "failures", "n"] {
            guard case .number(let x)? = f[key], case .number(let y)? = g[key] else { Issue.record("no \(key)"); continue }
            #expect(x == y, "\(key): \(x) in SQL, \(y) in memory")
        }
    }

    @Test("hand data: p = 0 and 1, a tie at 0.5, bin edges; the exact ECE and the exact bins")
    func exactOnHandData() throws {
        _ = try duckdb()
        let s = RecordingSession()
        // conf = [1, 1, 1, 0.5, 0.75], pred = [0, 1, 1, 0 (tie), 0], correct = [1, 1, 0, 0, 1]:
        // with 4 bins, 0.5 opens bin 2 (gap 0.5) and the rest are in bin 3 (gap 0.9375 − 0.75).
        run(s, """
            s = sql_source("select * from (values (0.0, 0), (1.0, 1), (1.0, 0), (0.5, 1), (0.25, 0)) as t(p, y)")
            e = ece(s.p, s.y, bins=4)
            m = ece([0, 1, 1, 0.5, 0.25], [0, 1, 0, 1, 0], bins=4)
            """)
        #expect(abs(number(s, "e") - 0.25) < 1e-15 && abs(number(s, "m") - 0.25) < 1e-15, "\(number(s, "e")), \(number(s, "m"))")
        // Every edge k/B and its neighbours fall in the same bin in SQL as in memory.
        for bins in [10, 15] {
            var q: [Double] = []
            for k in 0...bins {
                let edge = Double(k) / Double(bins)
                q += [edge, edge.nextDown, edge.nextUp].filter { $0 >= 0 && $0 <= 1 }
            }
            let values = q.enumerated().map { "('\($1)'::double, \($0 % 2))" }.joined(separator: ", ")
            run(s, "s\(bins) = sql_source(\"select * from (values \(values)) as t(p, y)\")\nq\(bins) = sql_for(ece, s\(bins).p, s\(bins).y, bins=\(bins))")
            guard case .string(let portable)? = s.session.interpreter.lookup("q\(bins)"), case .object(let o)? = s.session.interpreter.lookup("s\(bins)"), let source = o as? SQLSourceValue else {
                Issue.record("no query"); continue
            }
            let query = "with fathom_source as (\(source.query)) \(portable)"
            run(s, "b\(bins) = sql(\"\(query.replacingOccurrences(of: "\n", with: " "))\")")
            guard case .table(let t)? = s.session.interpreter.lookup("b\(bins)"), case .numbers(let bin)? = t.column("bin"), case .numbers(let n)? = t.column("n") else {
                Issue.record("no bins"); continue
            }
            let top = TopLabel(probabilities: Matrix(rows: q.count, cols: 2, storage: q.flatMap { [1 - $0, $0] }), labels: q.indices.map { $0 % 2 })
            let expected = BinStatistics(confidence: top.confidence, correct: top.correct, bins: bins, binning: .width)
            let got = Dictionary(uniqueKeysWithValues: zip(bin.map { Int($0) }, n))
            for b in 0..<bins { #expect((got[b] ?? 0) == expected.count[b], "bins=\(bins), bin \(b): \(got[b] ?? 0) in SQL, \(expected.count[b]) in memory") }
            #expect(bin.allSatisfy { $0 >= 0 }, "bins=\(bins): unusable rows \(bin)")
        }
    }

    @Test("misuse: one clear message each", arguments: [
        ("s.q", "the SQL source fathom_source (6 columns) has no field 'q'"),
        ("ece(s.text, s.y)", "ece(): the column 'text' of fathom_source is VARCHAR; probabilities are numbers"),
        ("ece(s.p, s.text)", "ece(): the column 'text' of fathom_source is VARCHAR; labels are numbers (or booleans)"),
        ("ece(s.p, [0, 1, 1])", "ece(): the other arguments are columns of fathom_source, so y must be a column of it too (such as s.y), not a vector of 3 numbers"),
        ("ece([0.5, 0.2], s.y)", "ece(): the other arguments are columns of fathom_source, so p must be a column of it too (such as s.p), not a vector of 2 numbers"),
        ("ece(s.p, s.y, ci=0.95)", "ece(): ci= is not available on a SQL source: a bootstrap resamples every row"),
        ("ece(s.p, s.y, binning=\"mass\")", "ece(): binning= is not available on a SQL source: equal-mass bins need every confidence sorted"),
        ("ece(s.withnull, s.y)", "ece(): 1 of 4 rows of fathom_source have a missing value (NULL) in p or y; a missing probability or label cannot be binned"),
        ("ece(s.big, s.y)", "ece(): 2 of 4 rows of fathom_source have a probability outside [0, 1] or not a number (NaN, ±∞) in p"),
        ("ece(s.p, s.big)", "ece(): 4 of 4 rows of fathom_source have a label in y that is not a class number 0…1"),
        ("ece(select(s, [\"p\", \"big\"]), s.y)", "ece(): 2 of 4 rows of fathom_source have a probability outside [0, 1] or not a number (NaN, ±∞) in p"),
        ("ece(e.p, e.y)", "ece(): fathom_source has no rows; there is nothing to measure"),
        ("failure_rate(s.withnull, 0.5)", "failure_rate(): the loss is missing (NULL or NaN) in 1 of 4 rows of fathom_source; a missing loss is neither a failure nor a success"),
        ("failure_rate(e.p, 0.5)", "failure_rate(): fathom_source has no rows; there is nothing to measure"),
        ("accuracy(s.p, s.y)", "accuracy() expects p: probabilities (N×K matrix or vector), got the SQL column p of fathom_source"),
        ("by([1, 2, 1, 2], ece, s.p, s.y)", "by(): slices values in memory, and a column of a SQL source stays in SQL, so it cannot be cut by key"),
        ("sql_for(mean, s.p)", "mean() does not compute in SQL; ece, mce, ace, failure_rate and chisq do"),
        ("chisq(s.withnull, s.y)", "chisq(): a is missing (NULL or NaN) in 1 of 4 rows of fathom_source"),
        ("chisq(s.big, [1, 2])", "chisq(): a is missing (NULL or NaN) in 1 of 4 rows of fathom_source"),
        ("chisq(e.y, [1, 2])", "chisq(): a has no rows in fathom_source"),
        ("sql_source()", "sql_source() needs query (a SELECT statement) or file= (a Parquet file or glob)"),
        ("sql_source(\"select 1 as a\", name=\"my source\")", "sql_source(): name is the table name the generated SQL reads, so it must be a plain SQL name (a letter or _, then letters, digits or _), not 'my source'"),
        ("sql_source(\"select * from nosuch\")", "DuckDB: Catalog Error: Table with name nosuch does not exist!"),
    ])
    func misuse(_ call: String, _ message: String) throws {
        _ = try duckdb()
        let s = RecordingSession()
        run(s, """
            s = sql_source("select * from (values (0.5, 1, 'a', 0.5, 2.0, 1), (0.25, 0, 'b', null, 0.5, 0), (1.0, 1, 'c', 0.5, 'nan'::double, 1), (0.0, 0, 'd', 0.5, 0.5, 1)) as t(p, y, text, withnull, big, extra)")
            e = sql_source("select 0.5 as p, 1 as y where false")
            """)
        s.run(call)
        #expect(s.errors.count == 1 && s.errors.first.map { $0.message.hasPrefix(message) } == true, "\(call): \(s.errors.map(\.message))")
    }

    @Test("the generated SQL runs unchanged on Spark SQL (PySpark, local) and gives the same bins and numbers")
    func spark() throws {
        _ = try duckdb()
        guard let python = ProcessInfo.processInfo.environment["FATHOM_TEST_PYTHON"], !python.isEmpty else {
            Issue.record("FATHOM_TEST_PYTHON is not set: run ./Scripts/test, which installs PySpark into the tests' Python environment")
            return
        }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try runDuckDB(generated, in: dir)
        try runDuckDB("copy (select * from (values (0.5, 1.0, 0.5, 0.5), ('nan'::double, 1.0, 0.2, 0.8), (1.5, 1.0, 0.3, 0.8), (0.2, 2.0, 0.1, 0.9), (0.7, 0.0, 0.7, 0.2), (0.3, 'nan'::double, 0.3, 0.7), (null, 1.0, 0.4, 0.6)) as t(q, y, p_0, p_1)) to 'dirty.parquet'", in: dir)
        let s = RecordingSession()
        // The dirty source holds every kind of unusable row, for the refusal counts.
        run(s, """
            t = load("\(dir.path)/preds.parquet")
            s = sql_source(file="\(dir.path)/preds.parquet")
            d = sql_source(file="\(dir.path)/dirty.parquet", name="dirty")
            """)
        let cases: [(source: String, call: String, memory: String?)] = [
            ("s", "ece, s.q, s.y", "ece(t.q, t.y)"),
            ("s", "ece, s.q, s.ok, bins=10", "ece(t.q, t.ok, bins=10)"),
            ("s", "ece, select(s, \"p_*\"), s.label, bins=15", "ece(select(t, \"p_*\"), t.label)"),
            ("s", "failure_rate, s.loss, 0.5", nil),
            ("d", "ece, d.q, d.y", nil),
            ("d", "ece, select(d, \"p_*\"), d.y", nil),
            ("d", "failure_rate, d.q, 0.4", nil),
            ("s", "chisq, s.label, [0, 1]", nil),
        ]
        var specs: [[String: String]] = []
        for (i, c) in cases.enumerated() {
            run(s, "sql\(i) = sql_for(\(c.call))")
            guard case .string(let text)? = s.session.interpreter.lookup("sql\(i)") else { Issue.record("no SQL for \(c.call)"); return }
            specs.append(["name": c.source == "s" ? "fathom_source" : "dirty", "parquet": "\(dir.path)/\(c.source == "s" ? "preds" : "dirty").parquet", "sql": text])
            if let memory = c.memory { run(s, "m\(i) = \(memory)") }
        }
        try JSONSerialization.data(withJSONObject: specs).write(to: dir.appendingPathComponent("queries.json"))
        let script = """
            import json, sys
            from pyspark.sql import SparkSession
            spark = (SparkSession.builder.master("local[2]").appName("fathom-pushdown")
                     .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate())
            spark.sparkContext.setLogLevel("ERROR")
            out = []
            for q in json.load(open(sys.argv[1])):
                spark.read.parquet(q["parquet"]).createOrReplaceTempView(q["name"])
                out.append([{k: repr(float(v)) if v is not None else "null" for k, v in r.asDict().items()} for r in spark.sql(q["sql"]).collect()])
            json.dump(out, open(sys.argv[2], "w"))
            spark.stop()
            """
        try script.write(to: dir.appendingPathComponent("spark.py"), atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [dir.appendingPathComponent("spark.py").path, dir.appendingPathComponent("queries.json").path, dir.appendingPathComponent("answers.json").path]
        let log = dir.appendingPathComponent("spark.log")
        #expect(FileManager.default.createFile(atPath: log.path, contents: nil), "the Spark log file can be made")
        p.standardOutput = try FileHandle(forWritingTo: log)
        p.standardError = p.standardOutput
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0, let data = try? Data(contentsOf: dir.appendingPathComponent("answers.json")),
              let answers = try JSONSerialization.jsonObject(with: data) as? [[[String: String]]] else {
            Issue.record("PySpark failed: \((try? String(contentsOf: log, encoding: .utf8))?.suffix(3000) ?? "")")
            return
        }
        #expect(answers.count == cases.count)
        for (i, c) in cases.enumerated() where i < answers.count {
            let rows = answers[i].map { $0.mapValues { Double($0) ?? .nan } }
            // DuckDB's answer to the same text, through sql().
            guard case .string(let text)? = s.session.interpreter.lookup("sql\(i)"),
                  case .object(let o)? = s.session.interpreter.lookup(c.source), let source = o as? SQLSourceValue else { continue }
            run(s, "duck\(i) = sql(\"with \(source.name) as (\(source.query)) \(text.replacingOccurrences(of: "\n", with: " "))\")")
            guard case .table(let duck)? = s.session.interpreter.lookup("duck\(i)") else { continue }
            #expect(duck.rowCount == rows.count, "\(c.call): \(duck.rowCount) rows in DuckDB, \(rows.count) in Spark")
            if c.call.hasPrefix("chisq") {
                // Categories come in no particular order.
                guard case .numbers(let category)? = duck.column("category"), case .numbers(let n)? = duck.column("n") else { Issue.record("DuckDB's categories"); continue }
                let spark = Dictionary(uniqueKeysWithValues: rows.map { ($0["category"] ?? .nan, $0["n"] ?? .nan) })
                #expect(spark == Dictionary(uniqueKeysWithValues: zip(category, n)), "\(c.call): \(spark) in Spark, \(category) \(n) in DuckDB")
                continue
            }
            for (r, row) in rows.enumerated() where r < duck.rowCount {
                for (key, value) in row {
                    guard case .numbers(let column)? = duck.column(key) else { Issue.record("DuckDB has no numeric \(key)"); continue }
                    let same = value == column[r] || (value.isNaN && column[r].isNaN) || abs(value - column[r]) <= 1e-12 * abs(value)
                    #expect(same, "\(c.call), row \(r), \(key): \(value) in Spark, \(column[r]) in DuckDB")
                }
            }
            guard c.memory != nil else { continue }
            let bins = c.call.contains("bins=10") ? 10 : 15
            var count = [Double](repeating: 0, count: bins), conf = count, correct = count
            for row in rows {
                let b = Int(row["bin"]!)
                #expect(b >= 0, "\(c.call): unusable rows in Spark: \(row)")
                guard b >= 0 && b < bins else { continue }
                count[b] = row["n"]!; conf[b] = row["confidence_sum"]!; correct[b] = row["correct_sum"]!
            }
            let spark = CalibrationError.expected(BinStatistics(equalWidthCount: count, confidenceSum: conf, correctSum: correct))
            let memory = number(s, "m\(i)")
            #expect(abs(spark - memory) <= 1e-12, "\(c.call): \(spark) from Spark, \(memory) in memory")
        }
        // The failure count and the refusals, by the numbers.
        if answers.count == cases.count {
            run(s, "fr = failure_rate(t.loss, 0.5)")
            guard case .record(let fr)? = s.session.interpreter.lookup("fr"), case .number(let k)? = fr["failures"], case .number(let n)? = fr["n"] else { return }
            #expect(answers[3].first?["failures"].flatMap(Double.init) == k && answers[3].first?["n"].flatMap(Double.init) == n, "\(answers[3])")
            // q: 0.5 ok; NaN → −2; 1.5 → −2; label 2 → −4; 0.7 ok; label NaN → −4; NULL → −1.
            func refused(_ rows: [[String: String]]) -> [String] {
                rows.compactMap { r in r["bin"].flatMap(Double.init).flatMap { $0 < 0 ? "\(Int($0)):\(r["n"] ?? "")" : nil } }
            }
            #expect(refused(answers[4]) == ["-4:2.0", "-2:2.0", "-1:1.0"], "\(answers[4])")
            // Rows (0.3, 0.8) and (0.7, 0.2) do not sum to 1; labels 2 and NaN are not classes.
            #expect(refused(answers[5]) == ["-4:2.0", "-3:2.0"], "\(answers[5])")
            // NaN and NULL are missing; NaN also counts above δ in SQL, but the count is refused.
            #expect(answers[6].first?["missing"] == "2.0" && answers[6].first?["failures"] == "4.0", "\(answers[6])")
            run(s, "labels = chisq(t.label, [0, 1]).table")
            guard case .table(let counts)? = s.session.interpreter.lookup("labels"), case .numbers(let a)? = counts.column("a") else { return }
            #expect(answers[7].map { $0["n"].flatMap(Double.init) ?? 0 }.sorted() == a.sorted(), "\(answers[7]) against \(a)")
        }
    }
}
