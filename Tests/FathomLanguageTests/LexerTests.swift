import Testing
import FathomLanguage

@Suite("Lexer")
struct LexerTests {
    static func kinds(_ text: String) -> [String] {
        Lexer.tokenize(SourceFile(name: "t", text: text)).dropLast().map { t in
            switch t.kind {
            case .number(let x): return "num(\(x))"
            case .string(let s): return "str(\(s))"
            case .identifier(let n): return "id(\(n))"
            case .keyword(let k): return k.rawValue
            case .symbol(let s): return s.rawValue
            case .newline: return "NL"
            case .semicolon: return ";"
            case .endOfInput: return "EOF"
            case .invalid(let m): return "invalid(\(m))"
            }
        }
    }

    @Test("tokens", arguments: [
        ("1 + 2.5", ["num(1.0)", "+", "num(2.5)"]),
        ("1e-3 1_000_000 [.5]", ["num(0.001)", "num(1000000.0)", "[", "num(0.5)", "]"]),
        ("x.y", ["id(x)", ".", "id(y)"]),
        ("a |> f(b=2)", ["id(a)", "|>", "id(f)", "(", "id(b)", "=", "num(2.0)", ")"]),
        ("a == b != c <= d >= e < f > g", ["id(a)", "==", "id(b)", "!=", "id(c)", "<=", "id(d)", ">=", "id(e)", "<", "id(f)", ">", "id(g)"]),
        ("not true and false or null", ["not", "true", "and", "false", "or", "null"]),
        ("\"a\\tb\\n\\\"c\\\\\"", ["str(a\tb\n\"c\\)"]),
        ("'it\\'s'", ["str(it's)"]),
        ("x # comment\ny", ["id(x)", "NL", "id(y)"]),
        ("x; y", ["id(x)", ";", "id(y)"]),
    ])
    func tokens(_ input: String, _ expected: [String]) {
        #expect(LexerTests.kinds(input) == expected)
    }

    @Test("line breaks continue inside brackets, after operators and after a backslash", arguments: [
        ("f(1,\n2)", ["id(f)", "(", "num(1.0)", ",", "num(2.0)", ")"]),
        ("1 +\n2", ["num(1.0)", "+", "num(2.0)"]),
        ("x = \\\n 3", ["id(x)", "=", "num(3.0)"]),
        ("[1,  # first\n # more\n 2]", ["[", "num(1.0)", ",", "num(2.0)", "]"]),
        ("a\n\n\nb", ["id(a)", "NL", "id(b)"]),
    ])
    func continuation(_ input: String, _ expected: [String]) {
        #expect(LexerTests.kinds(input) == expected)
    }

    @Test("a blank line ends an unfinished statement")
    func blankLineEnds() {
        #expect(LexerTests.kinds("f(1,\n\n2") == ["id(f)", "(", "num(1.0)", ",", "NL", "num(2.0)"])
        #expect(LexerTests.kinds("1 +\n  \n2") == ["num(1.0)", "+", "NL", "num(2.0)"])
    }

    @Test("unreadable text becomes an invalid token with the reason", arguments: [
        ("\"open", "unterminated string"),
        ("'a\\qb'", "unknown escape '\\q'"),
        ("3x", "a number cannot run into a name"),
        ("1e", "an exponent needs digits"),
        ("1__0", "'_' in a number must sit between two digits"),
        ("a ! b", "write 'not' for negation"),
        ("a && b", "write 'and'"),
        ("a ** 2", "'**' is not an operator"),
        ("é", "unexpected character 'é'"),
        ("\u{1}", "unexpected character byte 0x1"),
        ("a \\ b", "a backslash continues a statement only at the end of a line"),
    ])
    func invalid(_ input: String, _ fragment: String) {
        let found = LexerTests.kinds(input).contains { $0.hasPrefix("invalid(") && $0.contains(fragment) }
        #expect(found, "\(LexerTests.kinds(input))")
    }

    @Test("needsMoreInput tells an unfinished statement from a finished one", arguments: [
        ("f(1,", true), ("[1, 2", true), ("{a: 1,", true), ("1 +", true), ("x |>", true), ("x = \\", true),
        ("a and", true), ("1 + 1", false), ("f(1)", false), ("\"open", false), ("f(1,\n\n", false), ("x)", false),
    ])
    func needsMore(_ input: String, _ expected: Bool) {
        var lexer = Lexer(SourceFile(name: "t", text: input))
        lexer.run()
        #expect(lexer.needsMoreInput == expected)
    }

    @Test("brackets nested past the limit are refused, not recursed into")
    func deepBrackets() {
        let kinds = LexerTests.kinds(String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000))
        #expect(kinds.contains { $0.contains("nested more than 200 deep") })
    }
}
