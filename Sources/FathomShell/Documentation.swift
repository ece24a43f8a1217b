import FathomLanguage

/// The generated parts of the README.
public enum Documentation {
    public static func builtinReference() -> String {
        Help.markdownReference(.standard)
    }

    public static func resultReference() -> String {
        Help.markdownResults()
    }

    public static func languageReference() -> String {
        "```text\n" + LanguageReference.text + "\n```"
    }
}
