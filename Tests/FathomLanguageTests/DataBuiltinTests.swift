import Testing
import Foundation
import FathomLanguage
import FathomCore

@Suite("Data builtins")
struct DataBuiltinTests {
    static func temp(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("bundled datasets load by name from anywhere")
    func bundled() throws {
        #expect(try evaluate("d = load(\"digits/test\"); shape(d)") == "[360, 65]")
        #expect(try evaluate("z = load(\"digits/mlp-test\"); shape(select(z, \"logit_*\"))") == "[360, 10]")
        #expect(try evaluate("type(load(\"digits/softmax.json\"))") == "\"model\"")
        #expect(try evaluate("len(load(\"elicitation/clean\"))") == "200000")
        #expect(try evaluate("nrow(load(\"penguins/penguins\"))") == "344")
        #expect(try evaluate("load(\"port-pirie/annual-maxima\").sea_level_m[0]") == "4.03")
    }

    @Test("the digits models score as their cards say")
    func digitsAccuracy() throws {
        #expect(try evaluate("d = load(\"digits/test\"); p = predict(load(\"digits/softmax\"), d); mean(argmax(p) == d.label)") == "0.95")
        #expect(try evaluate("z = load(\"digits/mlp-test\"); round(mean(argmax(softmax(select(z, \"logit_*\"))) == z.label), digits=4)") == "0.9417")
        let same = try evaluate("d = load(\"digits/test\"); m = load(\"digits/mlp\"); z = load(\"digits/mlp-test\"); max(abs(logits(m, select(d, \"pixel_*\")) - select(z, \"logit_*\")))")
        #expect(Double(same)! < 1e-9)
    }

    @Test("a missing file suggests the nearest bundled name")
    func missing() {
        let d = diagnostic("load(\"digits/tset\")")
        #expect(d?.message == "no such file: digits/tset")
        #expect(d?.notes.first == "did you mean 'digits/test'?")
        #expect(diagnostic("load(\"/nonexistent/file.csv\")")?.notes.contains("datasets() lists the bundled data") == true)
    }

    @Test("malformed files get a precise message", arguments: [
        ("empty.csv", "", "cannot load PATH: the file is empty: expected a header row"),
        ("ragged.csv", "a,b\n1,2\n3\n", "cannot load PATH:3: ragged row: line 3 has 1 field, the header has 2"),
        ("quote.csv", "a,b\n\"x,2\n", "cannot load PATH:2:1: a quoted field opened here is never closed"),
        ("bad.json", "{\"a\": [1, 2,]}", "cannot load PATH:1:13: unexpected character, expected a value"),
        ("model.json", "{\"format\": \"fathom-model\", \"version\": 1}", "cannot load PATH: not a valid Fathom model: kind: must be \"softmax-regression\" or \"mlp\""),
    ])
    func malformed(_ name: String, _ text: String, _ message: String) throws {
        let path = try DataBuiltinTests.temp(name, text)
        #expect(diagnostic("load(\"\(path)\")")?.message == message.replacingOccurrences(of: "PATH", with: path))
    }

    @Test("binary data and truncated arrays are refused")
    func binary() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-bin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let png = dir.appendingPathComponent("image.csv").path
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00]).write(to: URL(fileURLWithPath: png))
        #expect(diagnostic("load(\"\(png)\")")?.message == "cannot load \(png): not UTF-8 at byte 0: is this a text file (or saved in another encoding)?")
        let npy = dir.appendingPathComponent("cut.npy").path
        let whole = NPYFormat.encode(shape: [10], values: Array(repeating: 1, count: 10))
        try Data(whole.prefix(whole.count - 80 + 36)).write(to: URL(fileURLWithPath: npy))
        #expect(diagnostic("load(\"\(npy)\")")?.message.contains("truncated: the header declares 10 values (80 bytes)") == true)
    }

    @Test("save and load round trips: CSV, NPY, JSON, models")
    func roundTrips() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-save-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let script = """
        t = as_table({id: seq(3), name: ["a", "b,c", "d"], ok: [true, false, true], x: [0.1, nan, 3]})
        save(t, "\(dir)/t.csv"); u = load("\(dir)/t.csv")
        all(u.name == t.name) and all(u.ok == t.ok) and u.x[0] == 0.1
        m = randn(4, 3, seed=2); save(m, "\(dir)/m.npy")
        all(load("\(dir)/m.npy") == m)
        save({a: 1, b: [1, 2]}, "\(dir)/r.json"); load("\(dir)/r.json").b
        d = load("digits/train"); model = fit_logistic(select(d, "pixel_*"), d.label, l2=0.01)
        save(model, "\(dir)/model.json"); again = load("\(dir)/model.json")
        x = select(load("digits/test"), "pixel_*")
        max(abs(predict(model, x) - predict(again, x)))
        """
        let interpreter = makeInterpreter()
        var outputs: [String] = []
        interpreter.context.emit = { _ in }
        for parsed in Parser.parse(SourceFile(name: "t", text: script)) {
            if case .value(let v) = try interpreter.run(try parsed.get()), !v.isNull { outputs.append(v.renderText()) }
        }
        #expect(outputs == ["true", "true", "[1, 2]", "0"])
        #expect(diagnostic("save([1], \"/nonexistent-dir/x.csv\")")?.message == "cannot save /nonexistent-dir/x.csv: the folder /nonexistent-dir does not exist")
        #expect(diagnostic("save([1], \"/tmp/x.xlsx\")")?.message == "save() writes .csv, .tsv, .npy, .json or .parquet (and plots to .png, .svg, .pdf or .txt); '/tmp/x.xlsx' has the extension .xlsx")
        #expect(diagnostic("save([1], \"./tmp.d/x\")")?.message == "save() writes .csv, .tsv, .npy, .json or .parquet (and plots to .png, .svg, .pdf or .txt); './tmp.d/x' has no extension")
        #expect(diagnostic("save(mean, \"/tmp/x.npy\")")?.message == "save() writes numbers, vectors and matrices to .npy, not the builtin mean()")
    }

    @Test("tables", arguments: [
        ("t = as_table({g: [\"b\", \"a\", \"b\", \"a\"], v: [1, 2, 3, 5]}); aggregate(t, \"g\", mean)", "table 2×3\n   g  n    v\n0  a  2  3.5\n1  b  2    2"),
        ("t = as_table({g: [\"b\", \"a\", \"b\"], v: [1, 2, 3]}); sort_by(t, \"v\", desc=true).v", "[3, 2, 1]"),
        ("t = as_table({g: [\"b\", \"a\", \"b\"], v: [1, 2, 3]}); sort_by(t, [\"g\", \"v\"]).v", "[2, 1, 3]"),
        ("table([\"b\", \"a\", \"b\"])", "table 2×3\n   value  count     share\n0  a          1  0.333333\n1  b          2  0.666667"),
        ("t = as_table({a: [1, nan, 3], s: [\"x\", \"\", \"z\"]}); nrow(drop_missing(t))", "2"),
        ("t = as_table({a: [1, 2], b: [3, 4]}); nrow(concat(t, t, t))", "6"),
        ("concat([1, 2], [3], 4)", "[1, 2, 3, 4]"),
        ("head(seq(10), 3); tail(seq(10), 2)", "[8, 9]"),
        ("columns(as_table({logit_0: [1], logit_1: [2], label: [0]}))", "[\"logit_0\", \"logit_1\", \"label\"]"),
        ("select(as_table({logit_1: [2], logit_0: [1], label: [0]}), \"logit_*\")", "matrix 1×2\n   0  1\n0  2  1"),
        ("select(as_table({a: [1], b: [2], c: [3]}), [\"c\", \"a\"])", "matrix 1×2\n   0  1\n0  3  1"),
        ("parts = split(seq(10), [0.5, 0.3], seed=1); [len(parts[0]), len(parts[1]), len(parts[2])]", "[5, 3, 2]"),
        ("parts = split(seq(10), seed=1); sort(concat(parts[0], parts[1]))", "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"),
        ("t = as_table({x: [1, 2, 3]}); t.y = t.x * 2; t.y", "[2, 4, 6]"),
        ("t = as_table({x: [1, 2, 3]}); filter(t, t.x > 1).x", "[2, 3]"),
        ("d = describe(as_table({x: [1, 2, 3, nan]})); [d.count[0], d.missing[0], d.mean[0]]", "[3, 1, 2]"),
    ])
    func tables(_ input: String, _ expected: String) throws {
        #expect(try evaluate(input) == expected)
    }

    @Test("matrices and scores", arguments: [
        ("rowsums(softmax([[1, 2, 3], [0, 0, 0]]))", "[1, 1]"),
        ("softmax([0, 0])", "[0.5, 0.5]"),
        ("softmax([1000, 0])", "[1, 0]"),
        ("log_softmax([0, 0])", "[-0.693147, -0.693147]"),
        ("sigmoid([0, -1000, 1000])", "[0.5, 0, 1]"),
        ("argmax([[1, 3, 3], [5, 2, 0]])", "[1, 0]"),
        ("onehot([0, 2], k=3)", "matrix 2×3\n   0  1  2\n0  1  0  0\n1  0  0  1"),
        ("colmeans([[1, 2], [3, 4]]); rowmeans([[1, 2], [3, 4]])", "[1.5, 3.5]"),
        ("matmul([[1, 2], [3, 4]], [1, 1])", "[3, 7]"),
        ("transpose([[1, 2, 3]])", "matrix 3×1\n   0\n0  1\n1  2\n2  3"),
    ])
    func matrices(_ input: String, _ expected: String) throws {
        #expect(try evaluate(input) == expected)
    }

    @Test("models: fit, predict, text labels, seeds")
    func models() throws {
        #expect(try evaluate("d = load(\"digits/train\"); m = fit_logistic(select(d, \"pixel_*\"), d.label, l2=0.01); t = load(\"digits/test\"); mean(argmax(predict(m, select(t, \"pixel_*\"))) == t.label) > 0.93") == "true")
        #expect(try evaluate("p = drop_missing(load(\"penguins/penguins\")); m = fit_logistic(p[[\"bill_length_mm\", \"bill_depth_mm\"]], p.species, standardize=true); m.classes") == "[\"Adelie\", \"Chinstrap\", \"Gentoo\"]")
        let a = try evaluate("d = load(\"digits/train\")[0:300]; m = fit_mlp(select(d, \"pixel_*\"), d.label, hidden=[8], epochs=3, seed=4); predict(m, select(d, \"pixel_*\"))[0]")
        let b = try evaluate("d = load(\"digits/train\")[0:300]; m = fit_mlp(select(d, \"pixel_*\"), d.label, hidden=[8], epochs=3, seed=4); predict(m, select(d, \"pixel_*\"))[0]")
        #expect(a == b)
        #expect(try evaluate("d = load(\"digits/train\"); m = fit_mlp(select(d, \"pixel_*\"), d.label, hidden=[32], epochs=30, seed=1); t = load(\"digits/test\"); mean(argmax(predict(m, select(t, \"pixel_*\"))) == t.label) > 0.9") == "true")
    }

    @Test("model errors name the problem", arguments: [
        ("fit_logistic([[1, 2], [3, 4]], [0, 1, 1])", "fit_logistic() has 2 examples but 3 labels"),
        ("fit_logistic([[1, 2], [3, 4]], [0, 0.5])", "fit_logistic(): labels must be whole numbers 0, 1, …, K−1; label 1 is 0.5"),
        ("fit_logistic([[1, 2], [3, 4]], [1, 1])", "fit_logistic() needs at least two classes; every label is the same"),
        ("fit_logistic([[1, nan], [3, 4]], [0, 1])", "fit_logistic(): X has a missing or infinite value at row 0, column 1"),
        ("p = load(\"penguins/penguins\"); fit_logistic(p, p.species)", "fit_logistic() needs numbers, but column 'species' of X holds text"),
        ("predict(load(\"digits/softmax\"), [[1, 2]])", "predict(): the model takes 64 features per row, X has 2"),
        ("d = load(\"digits/train\")[0:50]; m = fit_logistic(select(d, \"pixel_*\"), d.label); predict(m, d)", "predict(): the model takes 64 features per row, X has 65"),
        ("predict(3, [[1, 2]])", "predict() expects model: a model (from fit_logistic, fit_mlp or load), got the number 3"),
        ("fit_mlp([[1], [2]], [0, 1], hidden=[0])", "fit_mlp(): hidden must list layer sizes, whole numbers ≥ 1, such as [64] or [128, 64]"),
        ("select(load(\"digits/test\"), \"logit_*\")", "select(): no column matches \"logit_*\""),
    ])
    func modelErrors(_ input: String, _ message: String) {
        #expect(diagnostic(input)?.message == message)
    }
}
