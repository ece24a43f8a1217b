import Testing
import FathomLanguage

@Suite("Evaluator")
struct EvaluatorTests {
    @Test("arithmetic, comparisons and logic", arguments: [
        ("1 + 1", "2"),
        ("7 / 2", "3.5"),
        ("1 / 3", "0.333333"),
        ("2 ^ 10", "1024"),
        ("-2 ^ 2", "-4"),
        ("7 % 3", "1"),
        ("-7 % 3", "2"),
        ("7 % -3", "-2"),
        ("5 % 0", "NaN"),
        ("1 / 0", "Inf"),
        ("-1 / 0", "-Inf"),
        ("0 / 0", "NaN"),
        ("0.1 + 0.2", "0.3"),
        ("1e20", "1e+20"),
        ("123456789", "123456789"),
        ("1234567.5", "1.23457e+06"),
        ("1 < 2", "true"),
        ("1 == 1 and 2 != 2", "false"),
        ("not (1 > 2) or false", "true"),
        ("\"ab\" + \"cd\"", "\"abcd\""),
        ("\"a\" < \"b\"", "true"),
        ("\"a\" == 1", "false"),
        ("null == null", "true"),
        ("true + true", "2"),
        ("pi", "3.14159"),
    ])
    func scalars(_ input: String, _ expected: String) throws {
        #expect(try evaluate(input) == expected)
    }

    @Test("broadcasting over vectors and matrices", arguments: [
        ("[1, 2, 3] + 1", "[2, 3, 4]"),
        ("2 * [1, 2, 3]", "[2, 4, 6]"),
        ("[1, 2, 3] * [4, 5, 6]", "[4, 10, 18]"),
        ("[1, 2, 3] > 1", "[false, true, true]"),
        ("[1, 2] == [1, 3]", "[true, false]"),
        ("-[1, 2]", "[-1, -2]"),
        ("[true, false] and true", "[true, false]"),
        ("not [true, false]", "[false, true]"),
        ("[\"a\", \"b\"] == \"a\"", "[true, false]"),
        ("[\"a\", \"b\"] + \"!\"", "[\"a!\", \"b!\"]"),
        ("[[1, 2], [3, 4]] * 2", "matrix 2×2\n   0  1\n0  2  4\n1  6  8"),
        ("[[1, 2], [3, 4]] + [10, 20]", "matrix 2×2\n    0   1\n0  11  22\n1  13  24"),
        ("[[1, 2, 3], [4, 5, 6]] - [1, 2]", "matrix 2×3\n   0  1  2\n0  0  1  2\n1  2  3  4"),
        ("[[1, 2], [3, 4]] + [[1, 1], [1, 1]]", "matrix 2×2\n   0  1\n0  2  3\n1  4  5"),
        ("sum([1, 2, 3] > 1)", "2"),
        ("mean([1, 2, 3, 4] > 2)", "0.5"),
    ])
    func broadcasting(_ input: String, _ expected: String) throws {
        #expect(try evaluate(input) == expected)
    }

    @Test("indexing, slicing and masks", arguments: [
        ("v = [10, 20, 30, 40]; v[0]", "10"),
        ("v = [10, 20, 30, 40]; v[-1]", "40"),
        ("v = [10, 20, 30, 40]; v[1:3]", "[20, 30]"),
        ("v = [10, 20, 30, 40]; v[:2]", "[10, 20]"),
        ("v = [10, 20, 30, 40]; v[2:]", "[30, 40]"),
        ("v = [10, 20, 30, 40]; v[::2]", "[10, 30]"),
        ("v = [10, 20, 30, 40]; v[::-1]", "[40, 30, 20, 10]"),
        ("v = [10, 20, 30, 40]; v[-2:]", "[30, 40]"),
        ("v = [10, 20, 30, 40]; v[5:9]", "[]"),
        ("v = [10, 20, 30, 40]; v[[3, 0]]", "[40, 10]"),
        ("v = [10, 20, 30, 40]; v[v > 15]", "[20, 30, 40]"),
        ("m = [[1, 2, 3], [4, 5, 6]]; m[1]", "[4, 5, 6]"),
        ("m = [[1, 2, 3], [4, 5, 6]]; m[1, 2]", "6"),
        ("m = [[1, 2, 3], [4, 5, 6]]; m[:, 1]", "[2, 5]"),
        ("m = [[1, 2, 3], [4, 5, 6]]; m[0, 1:]", "[2, 3]"),
        ("m = [[1, 2, 3], [4, 5, 6]]; m[:, [2, 0]]", "matrix 2×2\n   0  1\n0  3  1\n1  6  4"),
        ("r = {a: 1, b: \"x\"}; r.b", "\"x\""),
        ("r = {a: 1, b: \"x\"}; r[\"a\"]", "1"),
        ("s = \"fathom\"; s[0:3]", "\"fat\""),
        ("l = [1, \"a\", true]; l[1]", "\"a\""),
    ])
    func indexing(_ input: String, _ expected: String) throws {
        #expect(try evaluate(input) == expected)
    }

    @Test("assignment into parts of values", arguments: [
        ("v = [1, 2, 3]; v[0] = 9; v", "[9, 2, 3]"),
        ("v = [1, -2, 3, -4]; v[v < 0] = 0; v", "[1, 0, 3, 0]"),
        ("v = [1, 2, 3]; v[[0, 2]] = [7, 8]; v", "[7, 2, 8]"),
        ("r = {a: 1}; r.b = 2; r", "{a: 1, b: 2}"),
        ("r = {a: {b: 1}}; r.a.b = 5; r.a", "{b: 5}"),
        ("r = {a: 1}; r[\"a\"] = 3; r", "{a: 3}"),
        ("m = [[1, 2], [3, 4]]; m[0, 1] = 9; m[0]", "[1, 9]"),
        ("m = [[1, 2], [3, 4]]; m[1] = [7, 7]; m[1]", "[7, 7]"),
        ("m = [[1, 2], [3, 4]]; m[:, 0] = 0; m[:, 0]", "[0, 0]"),
        ("l = [1, \"a\"]; l[0] = \"b\"; l", "[\"b\", \"a\"]"),
        ("x = 1; y = x; x = 2; y", "1"),
        ("v = [1, 2]; w = v; w[0] = 5; v", "[1, 2]"),
    ])
    func assignment(_ input: String, _ expected: String) throws {
        #expect(try evaluate(input) == expected)
    }

    @Test("pipes, named arguments and builtins as values", arguments: [
        ("[3, 1, 2] |> sort", "[1, 2, 3]"),
        ("[1, 2, 3, 4] |> quantile(0.5)", "2.5"),
        ("[3, 1, 2] |> sort(desc=true)", "[3, 2, 1]"),
        ("f = mean; f([1, 2, 3])", "2"),
        ("[1, 2] |> mean |> sqrt", "1.22474"),
        ("type(mean)", "\"builtin\""),
        ("mean", "builtin mean(x)"),
        ("len(seq(10))", "10"),
    ])
    func calls(_ input: String, _ expected: String) throws {
        #expect(try evaluate(input) == expected)
    }

    @Test("array literals build vectors, matrices and lists", arguments: [
        ("[1, 2]", "[1, 2]"),
        ("[true, false]", "[true, false]"),
        ("[\"a\", \"b\"]", "[\"a\", \"b\"]"),
        ("[[1, 2]]", "matrix 1×2\n   0  1\n0  1  2"),
        ("[1, \"a\"]", "[1, \"a\"]"),
        ("[]", "[]"),
        ("type([[1], \"a\"])", "\"list\""),
    ])
    func arrays(_ input: String, _ expected: String) throws {
        #expect(try evaluate(input) == expected)
    }

    @Test("long vectors print abbreviated with their length")
    func abbreviation() throws {
        #expect(try evaluate("seq(100)") == "[0, 1, 2, 3, 4, 5, …, 98, 99]  (100 numbers)")
        #expect(try evaluate("seq(12)") == "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]")
    }

    @Test("records print inline when short and aligned when not")
    func records() throws {
        #expect(try evaluate("{a: 1, b: \"x\"}") == "{a: 1, b: \"x\"}")
        #expect(try evaluate("{alpha: 0.05, values: [1, 2, 3], inner: {k: 1}}") == "alpha:  0.05\nvalues: [1, 2, 3]\ninner:  {k: 1}")
        #expect(try evaluate("{\"two words\": 1}") == "{\"two words\": 1}")
    }

    @Test("150 nested brackets evaluate")
    func nestedOK() throws {
        #expect(try evaluate(String(repeating: "(", count: 150) + "1" + String(repeating: ")", count: 150)) == "1")
        #expect(try evaluate(String(repeating: "-", count: 150) + "1") == "1")
    }

    @Test("statements see earlier assignments; a failed statement changes nothing")
    func atomicity() throws {
        let interpreter = Interpreter()
        for parsed in Parser.parse(SourceFile(name: "t", text: "v = [1, 2, 3]\nv[7] = 1\nr = {a: 1}\nr.a.b = 2")) {
            _ = try? interpreter.run(try parsed.get())
        }
        #expect(interpreter.variables["v"]?.renderText() == "[1, 2, 3]")
        #expect(interpreter.variables["r"]?.renderText() == "{a: 1}")
    }

    @Test("runtime errors name what was expected", arguments: [
        ("mena([1])", "name.unknown", "unknown name 'mena'", "did you mean 'mean'?"),
        ("x = 1; x(2)", "call.not-callable", "cannot call the number 1: only builtins can be called", nil),
        ("mean = 3; mean([1])", "call.not-callable", "cannot call the number 3: only builtins can be called", "the variable 'mean' hides the builtin mean(); rename the variable to call the builtin"),
        ("mean(\"a\")", "argument.type", "mean() expects x: numbers (a vector or a number), got the string \"a\"", nil),
        ("quantile([1, 2], q=2)", "argument.value", "quantile() probabilities must lie in [0, 1], got 2", nil),
        ("randn(-1)", "argument.type", "randn() expects n: a whole number ≥ 0, got the number -1", nil),
        ("randn(2.5)", "argument.type", "randn() expects n: a whole number ≥ 0, got the number 2.5", nil),
        ("sort([1], dsc=true)", "call.unknown-parameter", "sort() has no parameter 'dsc'", "did you mean 'desc'?"),
        ("sort()", "call.missing-argument", "sort() needs x: vector", "usage: sort(x, desc=false)"),
        ("len(1, 2)", "call.too-many-arguments", "len() takes at most 1 positional argument, got 2", "usage: len(x)"),
        ("quantile([1], 0.5, q=0.1)", "call.duplicate-argument", "quantile() got 'q' twice: by position and by name", "usage: quantile(x, q)"),
        ("mean([])", "argument.value", "mean() of an empty vector is undefined", nil),
        ("[1, 2] + [1, 2, 3]", "operator.shape", "'+' needs vectors of the same length, got a vector of 2 numbers and a vector of 3 numbers", nil),
        ("[[1, 2]] + [1, 2, 3]", "operator.shape", "'+' of a 1×2 matrix and a vector of 3 numbers: the vector must match the columns (2) or the rows (1)", nil),
        ("1 + \"a\"", "operator.type", "'+' needs numbers, got the string \"a\"", nil),
        ("1 and true", "operator.type", "'and' needs bools or vectors of bools, got the number 1", nil),
        ("\"a\" < 1", "operator.type", "cannot order the string \"a\" and the number 1 with '<'", nil),
        ("v = [1, 2]; v[2]", "index.range", "index 2 is out of range for a vector of 2 numbers: valid positions are 0 to 1, or -2 to -1 from the end", nil),
        ("v = [1, 2]; v[0.5]", "index.type", "an index must be a whole number, got 0.5", nil),
        ("v = [1, 2]; v[[true]]", "index.mask-length", "a mask must have one bool per element: this one has 1, a vector of 2 numbers has 2", nil),
        ("v = [1, 2]; v.size", "member.none", "a vector of 2 numbers has no fields; '.' reads a record's field or a table's column", "for the size, use len(x)"),
        ("r = {alpha: 1}; r.alpa", "member.unknown", "the record has no field 'alpa'", "did you mean 'alpha'?"),
        ("v = [1, 2]; v[0] = \"a\"", "assign.type", "cannot put the string \"a\" into a vector of numbers", nil),
        ("v = [1, 2]; v[[0, 1]] = [1, 2, 3]", "assign.shape", "cannot put 3 values into 2 positions", nil),
        ("undefined.x = 1", "name.unknown", "unknown name 'undefined'", nil),
        ("seq(0, 1e12)", "resource.too-large", "refused: this would hold 1000000000000 values (7.28 TiB); the limit is max_elements = 268435456 numbers (2 GiB)", "raise the limit with :set max_elements N if the machine has the memory"),
        ("randn(1e6, 1e6)", "resource.too-large", "refused: this would hold 1000000000000 values (7.28 TiB); the limit is max_elements = 268435456 numbers (2 GiB)", "raise the limit with :set max_elements N if the machine has the memory"),
        ("[[1, 2], [3]]", "value.ragged", "matrix rows differ in length: row 0 has 2 values, row 1 has 1", nil),
        ("_7", "name.unknown", "unknown name '_7'", "cell 7 has no value (it failed, was an assignment of nothing, or has not run yet)"),
    ] as [(String, String, String, String?)])
    func errors(_ input: String, _ id: String, _ message: String, _ note: String?) {
        guard let d = diagnostic(input) else { Issue.record("no error for \(input)"); return }
        #expect(d.id == id)
        #expect(d.message == message)
        if let note { #expect(d.notes.contains(note), "\(d.notes)") }
        #expect(d.range != nil)
    }

    @Test("a list built from itself is refused before it explodes")
    func selfDoubling() {
        let interpreter = Interpreter()
        interpreter.context.maxElements = 10_000
        var refused = false
        for parsed in Parser.parse(SourceFile(name: "t", text: "l = [1, 2]\n" + String(repeating: "l = [l, l]\n", count: 40))) {
            do { _ = try interpreter.run(try parsed.get()) } catch let d as Diagnostic { refused = refused || d.id.hasPrefix("resource.") } catch {}
        }
        #expect(refused)
    }
}
