import FathomCore

/// One lesson of the tour: a `.fathom` script with prose, on bundled data.
public struct Lesson: Sendable {
    /// The name `fathom tour NAME` takes: the file name without its number and extension.
    public var name: String
    public var number: Int
    public var path: String
    /// The first `#' # Title` line.
    public var title: String

    /// A lesson from a file called `NN-name.fathom`; nil for other names.
    init?(path: String) {
        let base = FileSystem.baseName(path)
        guard base.hasSuffix(".fathom") else { return nil }
        let stem = base.dropLast(".fathom".count)
        guard let dash = stem.firstIndex(of: "-"), let n = Int(stem[..<dash]) else { return nil }
        name = String(stem[stem.index(after: dash)...])
        number = n
        self.path = path
        title = name
        if let text = try? FileSystem.readText(path),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("#' # ") }) {
            title = String(line.dropFirst(5)).trimmingSpaces
        }
    }
}

/// The lessons shipped in `Lessons/`, found like the bundled datasets: `FATHOM_LESSONS`, or a
/// `Lessons` folder beside the executable or up to six folders above it.
public enum LessonCatalog {
    public static func locate() -> String? {
        if let env = FileSystem.environment("FATHOM_LESSONS"), !env.isEmpty { return env }
        return FileSystem.aboveExecutable(levels: 7) { FileSystem.isDirectory($0 + "/Lessons") }.map { $0 + "/Lessons" }
    }

    /// The lessons in `folder`, by number.
    public static func lessons(in folder: String) -> [Lesson] {
        FileSystem.folderEntries(folder).compactMap { Lesson(path: folder + "/" + $0) }.sorted { ($0.number, $0.name) < ($1.number, $1.name) }
    }
}
