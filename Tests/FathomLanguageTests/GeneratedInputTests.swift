import Testing
import FathomCore
import FathomLanguage

/// Tens of thousands of generated inputs through lexer, parser and evaluator: none may crash,
/// hang or escape as anything but a diagnostic.
@Suite("Generated input")
struct GeneratedInputTests {
    /// Builtins that touch files or processes are left out: the fuzzer must not write files.
    static let unsafe: Set<String> = ["load", "save", "plot"]

    static var vocabulary: [String] {
        let names = BuiltinRegistry.standard.allNames.filter { !unsafe.contains($0) }
        let symbols = ["(", ")", "[", "]", "{", "}", ",", ":", ".", "=", "==", "!=", "+", "-", "*", "/", "%", "^",
                       "<", "<=", ">", ">=", "|>", "and", "or", "not", "true", "false", "null", "\n", ";", "\n\n",
                       "\"s\"", "'t'", "\"\"", "# c\n", "\\\n", "seed=", "k=", "d=", "q=", "desc=", "_", "_1", "_99"]
        let numbers = ["0", "1", "-1", "2.5", "3", "1e5", "1e300", "0.5", "1_000", ".5", "7", "-0", "2e-308"]
        return names + symbols + numbers + ["a", "b", "c", "x", "a", "b"]
    }

    /// Runs `text` statement by statement; only diagnostics may come out.
    static func run(_ text: String, in interpreter: Interpreter) -> Int {
        var diagnostics = 0
        for parsed in Parser.parse(SourceFile(name: "<fuzz>", text: text)) {
            switch parsed {
            case .failure: diagnostics += 1
            case .success(let s):
                do {
                    if case .value(let v) = try interpreter.run(s) {
                        _ = v.renderText()
                        _ = v.json().serialized()
                    }
                } catch is Diagnostic {
                    diagnostics += 1
                } catch {
                    Issue.record("\(text.debugDescription) threw \(error), not a diagnostic")
                }
            }
        }
        return diagnostics
    }

    static func interpreter() -> Interpreter {
        let i = Interpreter()
        i.context.maxElements = 20_000
        i.variables = ["a": .numbers([1, 2, 3]), "b": .matrix(Matrix(rowArrays: [[1, 2], [3, 4]])), "c": .record(Record([("k", .number(1))])), "x": .number(2)]
        return i
    }

    @Test("random token sequences", arguments: 0..<8)
    func tokenSequences(_ shard: Int) {
        let vocabulary = GeneratedInputTests.vocabulary
        var g = Xoshiro256(seed: UInt64(1000 + shard))
        var interpreter = GeneratedInputTests.interpreter()
        var diagnostics = 0
        for i in 0..<5000 {
            if i % 200 == 0 { interpreter = GeneratedInputTests.interpreter() }
            let n = 1 + g.nextInt(below: 24)
            var text = ""
            for _ in 0..<n { text += vocabulary[g.nextInt(below: vocabulary.count)] + (g.nextInt(below: 3) == 0 ? "" : " ") }
            diagnostics += GeneratedInputTests.run(text, in: interpreter)
        }
        #expect(diagnostics > 0)
    }

    @Test("random bytes", arguments: 0..<4)
    func randomBytes(_ shard: Int) {
        var g = Xoshiro256(seed: UInt64(2000 + shard))
        let interpreter = GeneratedInputTests.interpreter()
        for _ in 0..<2500 {
            let n = g.nextInt(below: 120)
            var bytes: [UInt8] = []
            for _ in 0..<n {
                // Mostly printable ASCII, with control bytes and invalid UTF-8 mixed in.
                let r = g.nextInt(below: 10)
                bytes.append(r < 7 ? UInt8(32 + g.nextInt(below: 95)) : r < 8 ? UInt8(g.nextInt(below: 32)) : UInt8(128 + g.nextInt(below: 128)))
            }
            _ = GeneratedInputTests.run(String(decoding: bytes, as: UTF8.self), in: interpreter)
        }
    }

    @Test("a megabyte line is handled")
    func megabyteLine() {
        let interpreter = GeneratedInputTests.interpreter()
        let vector = "v = [" + (0..<500_000).map { String($0 % 10) }.joined(separator: ",") + "]"
        #expect(vector.utf8.count > 1_000_000)
        #expect(GeneratedInputTests.run(vector + "\nlen(v)", in: interpreter) == 0)
        let sum = "1" + String(repeating: "+1", count: 500_000)
        #expect(GeneratedInputTests.run(sum, in: interpreter) == 1)
        let junk = String(repeating: "@#$ ", count: 250_000)
        #expect(GeneratedInputTests.run(junk, in: interpreter) >= 1)
    }
}
