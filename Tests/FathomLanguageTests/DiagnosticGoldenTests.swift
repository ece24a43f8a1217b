import Testing
import Foundation
import FathomLanguage

/// Rendered diagnostics compared with Golden/diagnostics.txt. To re-record on purpose:
/// FATHOM_RECORD=1 swift test --filter DiagnosticGolden
@Suite("Diagnostics as golden text")
struct DiagnosticGoldenTests {
    static let inputs = [
        "mena(x)",
        "x = [1, 2, 3]\ny = x[10]",
        "ece = mean(\"probabilities\")",
        "quantile([1, 2, 3], q=1.5)",
        "f(1, 2",
        "f(1, 2)\n  )",
        "1 < 2 < 3",
        "v = [1, 2]\nv.lenght",
        "sort([3, 1], decending=true)",
        "x = \"unterminated",
        "randn(1e6, 1e6)",
        "a = 1 +\n\nb = 2",
        "total = 1 +  2 * \"three\"",
        "\tcount = 1 ** 2",
        "x = 1\n" + String(repeating: "x + ", count: 40) + "undefined_name" + String(repeating: " + 1", count: 40),
        "r = {alpha: 0.05}\nr.aplha",
        "émoji = 1",
    ]

    static var goldenPath: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/diagnostics.txt")
    }

    static func render() -> String {
        var out = ""
        for input in inputs {
            out += "── input\n" + input + "\n── output\n"
            let interpreter = Interpreter()
            let renderer = DiagnosticRenderer()
            for parsed in Parser.parse(SourceFile(name: "<stdin>", text: input)) {
                switch parsed {
                case .failure(let d): out += renderer.render(d) + "\n"
                case .success(let s):
                    do { _ = try interpreter.run(s) } catch let d as Diagnostic { out += renderer.render(d) + "\n" } catch {}
                }
            }
        }
        return out
    }

    @Test func matchesGolden() throws {
        let rendered = DiagnosticGoldenTests.render()
        if ProcessInfo.processInfo.environment["FATHOM_RECORD"] == "1" {
            try rendered.write(to: DiagnosticGoldenTests.goldenPath, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: DiagnosticGoldenTests.goldenPath, encoding: .utf8)
        #expect(rendered == golden)
    }

    @Test("colour wraps the parts in ANSI codes and changes nothing else")
    func color() {
        let d = Parser.parse(SourceFile(name: "<stdin>", text: "1 +"))[0]
        guard case .failure(let diag) = d else { Issue.record("no error"); return }
        let colored = DiagnosticRenderer(color: true).render(diag)
        #expect(colored.contains("\u{1B}[1;31merror:\u{1B}[0m"))
        let stripped = colored.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(stripped == DiagnosticRenderer().render(diag))
    }
}
