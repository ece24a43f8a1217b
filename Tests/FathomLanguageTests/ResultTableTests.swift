import Foundation
import Testing
import FathomLanguage
import FathomCore

/// `as_table(r)` and `save(r, "r.csv")`: every result the builtins make has the table form its
/// declaration names (or none, and says so), with the values of its fields.
@Suite("Results as tables")
struct ResultTableTests {
    @Test("every result the examples make has its declared table form")
    func everyResult() throws {
        var kinds = Set<String>()
        for (builtin, value) in ResultDeclarationTests.results {
            guard let r = value as? any DeclaredResult else { continue }
            let doc = type(of: r).tableDoc
            let table = r.resultTable
            kinds.insert(type(of: r).resultName)
            if doc == nil {
                #expect(table == nil, "\(builtin): \(value.typeName) declares no table form but gives one")
                continue
            }
            guard let table else {
                Issue.record("\(builtin): \(value.typeName) declares a table form but gives none")
                continue
            }
            #expect(table.columnCount > 0 && table.rowCount > 0, "\(builtin): \(value.typeName)'s table is empty")
            #expect(Set(table.names).count == table.names.count, "\(builtin): \(value.typeName)'s table repeats a column: \(table.names)")
        }
        // The examples make most kinds; the specific tests below cover the rest.
        #expect(kinds.count >= 14, "\(kinds.sorted())")
    }

    @Test("a test is one row of its fields, with the sample sizes as n_a and n_b")
    func testRow() throws {
        let setup = "a = randn(200, seed=1); b = randn(150, seed=2) + 0.3; r = ks(a, b); t = as_table(r)\n"
        #expect(try evaluate(setup + "nrow(t)") == "1")
        #expect(try evaluate(setup + "t.statistic[0] == r.statistic and t.pvalue[0] == r.pvalue and t.n_a[0] == 200 and t.n_b[0] == 150") == "true")
        #expect(try evaluate(setup + "t.test[0] == \"ks\" and t.reject[0] == r.reject and t.meaning[0] == r.meaning") == "true")
        // psi has no p-value: the column is there, missing.
        #expect(try evaluate("t = as_table(psi(runif(500, seed=1), runif(500, seed=2)))\nt.pvalue[0] == t.pvalue[0]") == "false")
    }

    @Test("a forecast is one row of its scalar fields; a fit's standard errors are se_ columns")
    func scalarRows() throws {
        let forecast = "p = runif(2000, seed=1) * 1e-3; f = forecast(p, 1e6); t = as_table(f)\n"
        #expect(try evaluate(forecast + "t.estimate[0] == f.estimate and t.a[0] == f.a and t.k[0] == f.k and t.method[0] == f.method") == "true")
        #expect(try evaluate(forecast + "any(columns(t) == \"top\")") == "false", "vectors are left out")
        let fit = "g = gev_fit(load(\"port-pirie/annual-maxima\").sea_level_m); t = as_table(g)\n"
        #expect(try evaluate(fit + "t.mu[0] == g.mu and t.xi[0] == g.xi and t.se_sigma[0] == g.se.sigma and t.nll[0] == g.nll") == "true")
    }

    @Test("results made of rows give those rows")
    func rowResults() throws {
        let z = "z = load(\"digits/mlp-test\"); p = softmax(select(z, \"logit_*\"))\n"
        #expect(try evaluate(z + "r = reliability(p, z.label); t = as_table(r); all(t.count == r.table.count) and nrow(t) == nrow(r.table)") == "true")
        #expect(try evaluate(z + "c = confusion(p, z.label); t = as_table(c); nrow(t) == 10 and ncol(t) == 11") == "true")
        let curves = try evaluate(z + "a = auc(p, z.label); t = as_table(a); unique(t.class)")
        #expect(curves.contains("\"0\"") && curves.contains("\"9\""), "\(curves)")
        #expect(try evaluate(z + "a = auc(p, z.label); t = as_table(a); nrow(t) == sum([len(a.fpr[0]), len(a.fpr[1]), len(a.fpr[2]), len(a.fpr[3]), len(a.fpr[4]), len(a.fpr[5]), len(a.fpr[6]), len(a.fpr[7]), len(a.fpr[8]), len(a.fpr[9])])") == "true")
        let backtest = "pool = runif(20000, seed=1) * 1e-3; b = backtest(pool, 500, 5000, reps=40, seed=2); t = as_table(b)\n"
        #expect(try evaluate(backtest + "nrow(t) == 40 and all(columns(t) == [\"truth\", \"gumbel\"])") == "true")
        let drift = "a = as_table({x: randn(300, seed=1), y: runif(300, seed=2)}); b = as_table({x: randn(300, seed=3) + 1, y: runif(300, seed=4)})\n"
        #expect(try evaluate(drift + "t = as_table(drift(a, b)); all(t.column == [\"x\", \"y\"])") == "true")
    }

    @Test("save(r, \"r.csv\") writes the table as_table gives, and load reads it back")
    func csvRoundTrip() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-result-tables-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
            z = load("digits/mlp-test"); r = reliability(softmax(select(z, "logit_*")), z.label)
            k = ks(randn(200, seed=1), randn(150, seed=2) + 0.3)
            save(r, "\(dir.path)/r.csv"); save(k, "\(dir.path)/k.csv")
            a = load("\(dir.path)/r.csv"); b = load("\(dir.path)/k.csv")
            t = as_table(r); u = as_table(k)
            all(columns(a) == columns(t)) and all(a.confidence == t.confidence) and all(a.accuracy == t.accuracy) and all(a.count == t.count) and b.statistic[0] == k.statistic and b.meaning[0] == k.meaning and all(columns(b) == columns(u))
            """
        #expect(try evaluate(script) == "true")
    }

    @Test("models, calibrators and plots are refused with what to do instead")
    func refusals() throws {
        let model = diagnostic("m = load(\"digits/softmax.json\"); as_table(m)")
        #expect(model?.message == "as_table(): a softmax-regression model has no table form" || model?.message.hasSuffix("has no table form") == true, "\(String(describing: model))")
        #expect(model?.notes.first?.contains("save(m, \"x.json\")") == true)
        let plot = diagnostic("p = hist(randn(100, seed=1)); save(p, \"/tmp/never.csv\")")
        #expect(plot?.message.hasPrefix("save() cannot write CSV: ") == true && plot?.message.hasSuffix("has no table form") == true, "\(String(describing: plot))")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never.csv"))
        let names = diagnostic("as_table(ks(randn(50, seed=1), randn(50, seed=2)), names=[\"a\"])")
        #expect(names?.message == "as_table(): names= names a matrix's columns; a result's table has its own column names")
        let other = diagnostic("as_table(sum)")
        #expect(other?.message.contains("an analysis result") == true, "\(String(describing: other))")
    }
}
