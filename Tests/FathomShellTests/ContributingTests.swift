import Foundation
import Testing
import FathomLanguage
import FathomShell
import FathomCore

// The code of CONTRIBUTING.md's walkthrough, as it appears there (ContributingTests checks
// that each of its Swift blocks is in this file, line for line).

public enum Spread {
    /// The mean absolute deviation from the mean: (1/n) Σ |xᵢ − x̄|.
    public static func meanAbsoluteDeviation(_ x: [Double]) -> Double {
        let mean = x.reduce(0, +) / Double(x.count)
        return x.reduce(0) { $0 + abs($1 - mean) } / Double(x.count)
    }
}

enum WalkthroughBuiltins {
    static let values: ParameterKey<[Double]> = .vector("x", doc: "the values")

    static let meanAbsDev = Builtin(
        "mean_abs_dev", area: .statistics,
        parameters: declare(values),
        returns: "a number",
        summary: "mean absolute deviation from the mean",
        doc: "mean_abs_dev(x) = (1/n) Σ |xᵢ − mean(x)|, as numpy's mean(abs(x - x.mean())).",
        examples: ["mean_abs_dev([1, 2, 3, 6])"]
    ) { args, _ in
        let x = try args[values]
        guard !x.isEmpty else { throw args.invalid(values, "mean_abs_dev() of an empty vector is undefined") }
        return .number(Spread.meanAbsoluteDeviation(x))
    }
}

/// CONTRIBUTING.md's walkthrough holds: its code is this file's, and a builtin added from a
/// test target through the public API is in help, completion, a call and its errors.
@Suite("CONTRIBUTING.md walkthrough")
struct ContributingTests {
    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test("every Swift block of the walkthrough is the code this test runs")
    func blocksAreTested() throws {
        let guide = try String(contentsOf: repositoryRoot.appendingPathComponent("CONTRIBUTING.md"), encoding: .utf8)
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let sourceLines = ContributingTests.lines(source).filter { !$0.isEmpty }.joined(separator: "\n")
        let blocks = guide.components(separatedBy: "```swift\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        #expect(blocks.count == 3)
        for block in blocks {
            let wanted = ContributingTests.lines(block).filter { !$0.isEmpty }.joined(separator: "\n")
            #expect(sourceLines.contains(wanted), "CONTRIBUTING.md's block is not in the test:\n\(block)")
        }
    }

    @Test("a builtin registered from outside is in help, completion, calls and messages")
    func registeredBuiltin() throws {
        let meanAbsDev = WalkthroughBuiltins.meanAbsDev
        var out: [String] = []
        func record(_ event: SessionEvent) {
            switch event {
            case .value(_, _, let v): out.append(v.renderText())
            case .info(let text): out.append(text)
            case .failed(_, _, let d): out.append("error: " + d.message)
            default: break
            }
        }
        var registry = BuiltinRegistry.standard
        registry.register(meanAbsDev)
        let session = Session(registry: registry, onEvent: { event in record(event) })
        defer { session.close() }
        session.run("mean_abs_dev([1, 2, 3, 6])", sourceName: "<test>", firstLine: 1)
        #expect(out.last == "1.5")
        session.run("?mean_abs_dev", sourceName: "<test>", firstLine: 2)
        #expect(out.last?.hasPrefix("mean_abs_dev(x)  —  mean absolute deviation from the mean") == true, "\(out.last ?? "")")
        session.run(":help", sourceName: "<test>", firstLine: 3)
        let line = out.last?.split(separator: "\n").first { $0.contains("mean_abs_dev ") }
        #expect(line?.hasSuffix("  mean absolute deviation from the mean") == true, "\(line ?? "no line")")
        #expect(session.completions(for: "mean_ab").candidates == ["mean_abs_dev"])
        session.run("mean_abs_dev([])", sourceName: "<test>", firstLine: 4)
        #expect(out.last == "error: mean_abs_dev() of an empty vector is undefined")
        // The standard registry is untouched.
        #expect(BuiltinRegistry.standard.builtin(named: "mean_abs_dev") == nil)
    }
}
