import Testing
import Foundation
@testable import FathomShell

/// README.md stays true: its generated sections match the registry, and the commands it
/// names exist.
@Suite("README")
struct ReadmeTests {
    static var readme: String {
        (try? String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
    }

    static func section(_ name: String) -> String? {
        let text = readme
        guard let start = text.range(of: "<!-- BEGIN GENERATED: \(name) (Scripts/update-readme) -->\n"),
              let end = text.range(of: "<!-- END GENERATED: \(name) -->") else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
    }

    @Test("the builtin reference is generated from the registry (run Scripts/update-readme)")
    func builtins() {
        #expect(ReadmeTests.section("builtins") == Documentation.builtinReference() + "\n")
    }

    @Test("the result reference is generated from the result declarations (run Scripts/update-readme)")
    func results() {
        #expect(ReadmeTests.section("results") == Documentation.resultReference() + "\n")
    }

    @Test("the language reference is the one :help language shows (run Scripts/update-readme)")
    func language() {
        #expect(ReadmeTests.section("language") == Documentation.languageReference() + "\n")
    }

    @Test("the first screen gives the two commands")
    func commands() {
        let firstScreen = ReadmeTests.readme.split(separator: "\n").prefix(15).joined(separator: "\n")
        #expect(firstScreen.contains("./Scripts/fathom"))
        #expect(firstScreen.contains("./Scripts/test"))
        for script in ["Scripts/fathom", "Scripts/test", "Scripts/bench", "Scripts/update-readme", ".ci/run"] {
            #expect(FileManager.default.isExecutableFile(atPath: repositoryRoot.appendingPathComponent(script).path), "\(script)")
        }
    }

    @Test("every bundled dataset has a card the README links to")
    func datasetCards() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Datasets").path)
            .filter { FileManager.default.fileExists(atPath: repositoryRoot.appendingPathComponent("Datasets/\($0)/CARD.md").path) }
        #expect(folders.count >= 6)
        for f in folders { #expect(ReadmeTests.readme.contains("(Datasets/\(f)/CARD.md)"), "\(f)") }
    }

    @Test("every : command in the README's table exists")
    func commandTable() {
        for c in Commands.all {
            #expect(ReadmeTests.readme.contains("`:\(c.names[0])"), ":\(c.names[0]) is missing from the README")
        }
    }
}
