import Testing
import FathomLanguage

@Suite("Parser")
struct ParserTests {
    static func parse(_ text: String) -> [String] {
        Parser.parse(SourceFile(name: "t", text: text)).map { r in
            switch r {
            case .success(let s): return s.sexp
            case .failure(let d): return "error(\(d.id))"
            }
        }
    }

    @Test("precedence and associativity", arguments: [
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
        ("1 - 2 - 3", "(- (- 1 2) 3)"),
        ("2 ^ 3 ^ 2", "(^ 2 (^ 3 2))"),
        ("-2 ^ 2", "(- (^ 2 2))"),
        ("2 ^ -1", "(^ 2 (- 1))"),
        ("a < b and c or not d", "(or (and (< a b) c) (not d))"),
        ("not a == b", "(not (== a b))"),
        ("x |> f(1) |> g", "(|> (|> x (call f 1)) g)"),
        ("a or b |> f", "(|> (or a b) f)"),
        ("-x.y[0]", "(- (index (. x y) 0))"),
        ("7 % 3 * 2", "(* (% 7 3) 2)"),
    ])
    func precedence(_ input: String, _ expected: String) {
        #expect(ParserTests.parse(input) == [expected])
    }

    @Test("literals, calls, members and indexing", arguments: [
        ("[1, 2, 3]", "[1 2 3]"),
        ("[]", "[]"),
        ("[1, 2,]", "[1 2]"),
        ("{alpha: 0.05, \"bins\": 15}", "{alpha: 0.05 bins: 15}"),
        ("{}", "{}"),
        ("f()", "(call f)"),
        ("f(x, bins=15, norm=2)", "(call f x bins=15 norm=2)"),
        ("d[\"col name\"]", "(index d \"col name\")"),
        ("v[0:100]", "(index v 0:100:_)"),
        ("v[:5]", "(index v _:5:_)"),
        ("v[::2]", "(index v _:_:2)"),
        ("m[:, 0]", "(index m _:_:_ 0)"),
        ("d[d.label == 3]", "(index d (== (. d label) 3))"),
        ("f(a)(b)", "(call (call f a) b)"),
        ("true; false; null", "true"),
    ])
    func forms(_ input: String, _ expected: String) {
        #expect(ParserTests.parse(input).first == expected)
    }

    @Test("assignments", arguments: [
        ("x = 1", "(= x 1)"),
        ("t.score = p * 2", "(= (. t score) (* p 2))"),
        ("v[v < 0] = 0", "(= (index v (< v 0)) 0)"),
        ("r.a.b = [1]", "(= (. (. r a) b) [1])"),
    ])
    func assignments(_ input: String, _ expected: String) {
        #expect(ParserTests.parse(input) == [expected])
    }

    @Test("statements split on ';' and line breaks, and each error stays in its statement")
    func recovery() {
        #expect(ParserTests.parse("a = 1; b = (2\n\nc + ; 4\nd") == ["(= a 1)", "error(syntax.unclosed-bracket)", "error(syntax.missing-operand)", "4", "d"])
        #expect(ParserTests.parse("f(1 2)\ng(3)") == ["error(syntax.unexpected-token)", "(call g 3)"])
    }

    @Test("syntax errors have stable identifiers", arguments: [
        ("1 < 2 < 3", "syntax.chained-comparison"),
        ("f(x) = 3", "syntax.bad-assignment-target"),
        ("x = y = 3", "syntax.chained-assignment"),
        ("1 + 2)", "syntax.invalid-token"),
        (")", "syntax.invalid-token"),
        ("(1]", "syntax.mismatched-bracket"),
        ("f(1, 2", "syntax.unclosed-bracket"),
        ("[1, 2", "syntax.unclosed-bracket"),
        ("f(a=1, 2)", "syntax.positional-after-named"),
        ("f(a=1, a=2)", "syntax.duplicate-argument"),
        ("{a: 1, a: 2}", "syntax.duplicate-field"),
        ("{a = 1}", "syntax.record-colon"),
        ("x.", "syntax.member-name"),
        ("v[]", "syntax.empty-index"),
        ("()", "syntax.empty-parentheses"),
        ("(1, 2)", "syntax.tuple"),
        ("x |> 3", "syntax.bad-pipe"),
        ("_ = 3", "assign.reserved"),
        ("_4 = 3", "assign.reserved"),
        ("x y", "syntax.unexpected-token"),
        ("1 +", "syntax.missing-operand"),
        ("and 1", "syntax.missing-operand"),
        ("\"open", "syntax.invalid-token"),
    ])
    func errors(_ input: String, _ id: String) {
        #expect(ParserTests.parse(input).first == "error(\(id))")
    }

    @Test("source ranges cover what was written")
    func ranges() throws {
        let source = SourceFile(name: "t", text: "x = mean(v, bins=15)")
        let s = try Parser.parse(source)[0].get()
        #expect(s.text == "x = mean(v, bins=15)")
        guard case .assignment(_, let value) = s.kind, case .call(_, let args) = value.kind else {
            Issue.record("not an assignment of a call"); return
        }
        #expect(source.text(in: value.range) == "mean(v, bins=15)")
        #expect(source.text(in: args[1].value.range) == "15")
        #expect(source.text(in: args[1].labelRange!) == "bins")
    }

    @Test("deep nesting is an error, not a stack overflow", arguments: [
        String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000),
        String(repeating: "-", count: 100_000) + "1",
        String(repeating: "not ", count: 50_000) + "true",
        "1" + String(repeating: " + 1", count: 100_000),
        String(repeating: "[", count: 199) + String(repeating: "]", count: 199) + "; " + String(repeating: "f(", count: 300) + String(repeating: ")", count: 300),
    ])
    func deep(_ input: String) {
        let results = ParserTests.parse(input)
        #expect(results.contains { $0.hasPrefix("error(syntax.too-deep") || $0.hasPrefix("error(syntax.invalid-token") })
    }
}
