import Testing
import Foundation
@testable import FathomShell
import FathomLanguage

/// Every example a user can copy — the README's prompt lines, every builtin's examples, every
/// help page's worked example and every lesson — runs through the real binary with
/// `fathom run --json`, and every line it prints is a JSON object of the documented form.
@Suite("Examples through fathom run --json")
struct ExamplesJSONTests {
    /// One parsed output line.
    struct Line {
        let object: [String: Any]
        var cell: Int? { (object["cell"] as? NSNumber)?.intValue }
    }

    /// Runs `script` with `fathom run FILE --json --keep-going` and parses every line of
    /// standard output; records an issue for any line that is not a JSON object with
    /// `cell` and one of `value`/`printed`, or `info`.
    static func runJSON(_ script: String, name: String, extra: [String] = []) throws -> (status: Int32, lines: [Line], stderr: String) {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("\(name).fathom")
        try script.write(to: file, atomically: true, encoding: .utf8)
        let r = try runFathom(["run", file.path, "--json", "--keep-going"] + extra)
        var lines: [Line] = []
        for text in r.stdout.split(separator: "\n") {
            guard let data = text.data(using: .utf8),
                  let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any] else {
                Issue.record("\(name): not a JSON object: \(text.prefix(200))")
                continue
            }
            let keys = Set(object.keys)
            let valueLine = keys == ["cell", "input", "value"]
            let printedLine = keys == ["cell", "printed"]
            let infoLine = keys == ["info"]
            #expect(valueLine || printedLine || infoLine, "\(name): unexpected keys \(keys.sorted()) in \(text.prefix(200))")
            lines.append(Line(object: object))
        }
        return (r.status, lines, r.stderr)
    }

    /// The README's prompt examples, block by block: the statements after `[N]> ` (with
    /// `...> ` continuations), and the `Out[N]: number` lines shown for them.
    static func readmeBlocks() -> [(statements: [String], shown: [Int: String], showsError: Bool, showsFail: Bool)] {
        var blocks: [(statements: [String], shown: [Int: String], showsError: Bool, showsFail: Bool)] = []
        var inBlock = false
        var current: (statements: [String], shown: [Int: String], showsError: Bool, showsFail: Bool) = ([], [:], false, false)
        for raw in ReadmeTests.readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if raw.hasPrefix("```") {
                if inBlock, !current.statements.isEmpty { blocks.append(current) }
                inBlock.toggle()
                current = ([], [:], false, false)
                continue
            }
            guard inBlock else { continue }
            if let r = raw.range(of: #"^\[\d+\]> "#, options: .regularExpression) {
                current.statements.append(String(raw[r.upperBound...]))
            } else if raw.hasPrefix("...> ") {
                current.statements[current.statements.count - 1] += "\n" + raw.dropFirst(5)
            } else if let r = raw.range(of: #"^Out\[\d+\]: "#, options: .regularExpression) {
                let cell = Int(raw[raw.index(raw.startIndex, offsetBy: 4)..<raw.firstIndex(of: "]")!])!
                current.shown[cell] = String(raw[r.upperBound...])
            }
            if raw.contains(": error: ") { current.showsError = true }
            if raw.hasPrefix("FAIL ") { current.showsFail = true }
        }
        return blocks
    }

    @Test("every README prompt shows the number of the cell it starts: one more than the statements before it in its block")
    func readmePromptNumbers() {
        var inBlock = false
        var statements = 0
        var prompts = 0
        for raw in ReadmeTests.readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if raw.hasPrefix("```") {
                inBlock.toggle()
                statements = 0
                continue
            }
            guard inBlock, let r = raw.range(of: #"^\[\d+\]> "#, options: .regularExpression) else { continue }
            prompts += 1
            let shown = Int(raw.dropFirst().prefix { $0 != "]" })!
            #expect(shown == statements + 1, "README: [\(shown)]> should be [\(statements + 1)]> in \(raw)")
            statements += Parser.parse(SourceFile(name: "readme", text: String(raw[r.upperBound...]))).count
        }
        #expect(prompts >= 20)
    }

    @Test("every prompt example in the README runs; its cells and the numbers it shows agree")
    func readme() throws {
        let blocks = ExamplesJSONTests.readmeBlocks()
        #expect(blocks.count >= 8, "the README's prompt examples were not found")
        for (i, block) in blocks.enumerated() {
            let r = try ExamplesJSONTests.runJSON(block.statements.joined(separator: "\n"), name: "readme-\(i)")
            let expected: Int32 = block.showsError ? 1 : block.showsFail ? 3 : 0
            #expect(r.status == expected, "README block \(i) (\(block.statements.first ?? "")): status \(r.status)\n\(r.stderr.prefix(600))")
            let byCell = Dictionary(r.lines.compactMap { l in l.cell.map { ($0, l.object) } }, uniquingKeysWith: { a, _ in a })
            for (cell, text) in block.shown {
                guard let object = byCell[cell] else {
                    Issue.record("README block \(i): Out[\(cell)] is shown but the run printed no cell \(cell)")
                    continue
                }
                // A plain number shown in the README is the value printed to 6 digits.
                if let shownNumber = Double(text.split(separator: " ").first.map(String.init) ?? ""), !text.contains("#"),
                   let value = (object["value"] as? NSNumber)?.doubleValue {
                    #expect(NumberFormat.short(value) == NumberFormat.short(shownNumber), "README block \(i), Out[\(cell)]: shows \(text), the run gives \(value)")
                }
            }
        }
    }

    @Test("every builtin's examples run through the binary as JSON", arguments: BuiltinArea.allCases)
    func builtinExamples(_ area: BuiltinArea) throws {
        let builtins = BuiltinRegistry.standard.builtins.filter { $0.area == area }
        guard !builtins.isEmpty else { return }
        let script = builtins.map { ":clear\n" + $0.examples.joined(separator: "\n") }.joined(separator: "\n")
        let r = try ExamplesJSONTests.runJSON(script, name: "examples-\(area)")
        #expect(r.status == 0, "\(area): status \(r.status)\n\(r.stderr.prefix(800))")
    }

    @Test("every help page's worked example runs through the binary as JSON", arguments: Help.conceptTopics.map(\.name))
    func helpExample(_ name: String) throws {
        let topic = try #require(Help.conceptTopics.first { $0.name == name })
        let body = topic.text.components(separatedBy: "\n\nBuiltins: ").first ?? ""
        let example = body.components(separatedBy: "\n\n").last ?? ""
        let code = example.split(separator: "\n").dropFirst().filter { $0.hasPrefix("  ") }.map { String($0.dropFirst(2)) }
        let r = try ExamplesJSONTests.runJSON(code.joined(separator: "\n"), name: "help-\(name)")
        #expect(r.status == 0, "\(name): status \(r.status)\n\(r.stderr.prefix(800))")
        #expect(!r.lines.isEmpty, "\(name): the example showed nothing")
    }

    @Test("every lesson runs through the binary as JSON", arguments: try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Lessons").path).filter { $0.hasSuffix(".fathom") }.sorted())
    func lesson(_ file: String) throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Lessons/\(file)"), encoding: .utf8)
        let r = try ExamplesJSONTests.runJSON(text, name: String(file.dropLast(7)))
        // A lesson may show a failing check on purpose (then `fathom run` exits 3).
        #expect(r.status == (text.contains("#> FAIL") ? 3 : 0), "\(file): status \(r.status)\n\(r.stderr.prefix(800))")
        #expect(r.lines.filter { $0.object["value"] != nil }.count >= 3, "\(file): too few values")
    }
}
