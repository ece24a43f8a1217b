import Testing
import Foundation
@testable import FathomShell
import FathomLanguage

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

    @Test("the README's index of the reference is generated from the registry (run Scripts/update-readme)")
    func index() {
        #expect(ReadmeTests.section("index") == Documentation.readmeIndex() + "\n")
    }

    @Test("docs/reference holds exactly the generated pages (run Scripts/update-readme)")
    func referencePages() throws {
        let folder = repositoryRoot.appendingPathComponent(Documentation.folder)
        let files = Documentation.referenceFiles()
        let present = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }
        #expect(Set(present) == Set(files.map(\.name)), "stale or missing pages: \(Set(present).symmetricDifference(files.map(\.name)).sorted())")
        for file in files {
            let text = try? String(contentsOf: folder.appendingPathComponent(file.name), encoding: .utf8)
            #expect(text == file.text, "\(Documentation.folder)/\(file.name) differs from the registry")
        }
    }

    @Test("fathom docs, which Scripts/update-readme calls, prints the pages, the index and the list")
    func docsCommand() throws {
        let list = try runFathom(["docs", "list"])
        #expect(list.status == 0)
        #expect(list.stdout.split(separator: "\n").map(String.init) == Documentation.referenceFiles().map(\.name))
        let page = try runFathom(["docs", "reliability.md"])
        #expect(page.stdout == Documentation.referenceFiles().first { $0.name == "reliability.md" }?.text)
        #expect(try runFathom(["docs", "index"]).stdout == Documentation.readmeIndex() + "\n")
        let bad = try runFathom(["docs", "nosuch.md"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("unknown section 'nosuch.md': index, list, or one of language.md"), "\(bad.stderr)")
    }

    @Test("every builtin has a page and an anchor the README's index links to")
    func links() throws {
        let index = Documentation.readmeIndex()
        let pages = Dictionary(uniqueKeysWithValues: Documentation.referenceFiles().map { ($0.name, $0.text) })
        for b in BuiltinRegistry.standard.builtins {
            let page = try #require(pages[b.area.slug + ".md"], "\(b.name): no page \(b.area.slug).md")
            #expect(index.contains("(\(Documentation.folder)/\(b.area.slug).md#\(b.name.lowercased()))"), "\(b.name) is not in the index")
            #expect(page.contains("<a id=\"\(b.name.lowercased())\"></a>"), "\(b.name) has no anchor on its page")
        }
        #expect(ReadmeTests.readme.count < 120_000, "the README holds the tour, not the reference")
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
