import FathomLanguage

/// The generated reference: one Markdown file per builtin area, the language and the result
/// types under docs/reference/, and the index of them the README shows. All of it comes from
/// the builtin registry, the result declarations and the language text that `?name`,
/// `:help results` and `:help language` show, so none of it is written twice.
/// `Scripts/update-readme` writes it; `ReadmeTests` holds the files to it.
public enum Documentation {
    /// The folder of the generated reference, relative to the repository.
    public static let folder = "docs/reference"

    /// Every generated reference file: its name in `folder`, and its text.
    public static func referenceFiles(_ registry: BuiltinRegistry = .standard) -> [(name: String, text: String)] {
        var files: [(String, String)] = [
            ("language.md", "# The language\n\n" + Help.generatedNote + "\n\n" + languageReference() + "\n"),
            ("results.md", "# Results\n\n" + Help.generatedNote + "\n\n" + Help.resultsIntro + "\n\n" + resultReference() + "\n"),
        ]
        for area in BuiltinArea.allCases {
            guard let text = Help.markdownArea(area, registry) else { continue }
            files.append((area.slug + ".md", "# \(area.rawValue)\n\n" + Help.generatedNote + "\n\n" + text + "\n"))
        }
        files.append(("constants.md", "# Constants\n\n" + Help.generatedNote + "\n\n" + Help.markdownConstants(registry) + "\n"))
        return files
    }

    /// The README's index of the reference: each area's builtins by name, linking to them.
    public static func readmeIndex(_ registry: BuiltinRegistry = .standard) -> String {
        var out = ["- [The language](\(folder)/language.md): values, operators, indexing, functions, pipes.",
                   "- [Results](\(folder)/results.md): the fields of every kind of result, and what `as_table` gives for each."]
        for area in BuiltinArea.allCases {
            let names = registry.builtins.filter { $0.area == area }.map(\.name)
            if names.isEmpty { continue }
            let links = names.map { "[`\($0)`](\(folder)/\(area.slug).md#\(Help.anchor($0)))" }
            out.append("- [\(area.rawValue)](\(folder)/\(area.slug).md): " + links.joined(separator: ", "))
        }
        out.append("- [Constants](\(folder)/constants.md): " + registry.constants.map { "`\($0.name)`" }.joined(separator: ", "))
        return out.joined(separator: "\n")
    }

    public static func resultReference() -> String {
        Help.markdownResults()
    }

    public static func languageReference() -> String {
        "```text\n" + LanguageReference.text + "\n```"
    }
}

extension BuiltinArea {
    /// The area's file name in the reference: its case name in lower kebab case.
    public var slug: String {
        var out = ""
        for ch in String(describing: self) {
            if ch.isUppercase { out += "-" + ch.lowercased() } else { out.append(ch) }
        }
        return out
    }
}
