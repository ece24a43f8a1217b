#if canImport(Glibc)
import Glibc
#endif

/// The bundled datasets: `Datasets/catalog.json` lists each loadable file by the short name
/// `load()` accepts (`digits/test`), with a description.
public struct DatasetCatalog: Sendable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var file: String
        public var description: String
        public var rows: Int?
        public var columns: Int?
    }

    /// The folder holding the catalog.
    public let directory: String
    public let entries: [Entry]

    public init(directory: String, entries: [Entry]) {
        self.directory = directory
        self.entries = entries
    }

    /// Reads `catalog.json` in `directory`; nil when there is none or it is unreadable.
    public init?(directory: String) {
        guard let bytes = try? FileSystem.readBytes(directory + "/catalog.json"),
              let json = try? JSONValue.parse(bytes), case .array(let items) = json else { return nil }
        self.directory = directory
        entries = items.compactMap { item in
            guard case .string(let name)? = item["name"], case .string(let file)? = item["file"] else { return nil }
            var description = ""
            if case .string(let d)? = item["description"] { description = d }
            var rows: Int?, columns: Int?
            // Int(exactly:) is nil for NaN, fractions and numbers beyond Int (a catalog from
            // $FATHOM_DATASETS may hold anything).
            if case .number(let r)? = item["rows"] { rows = Int(exactly: r) }
            if case .number(let c)? = item["columns"] { columns = Int(exactly: c) }
            return Entry(name: name, file: file, description: description, rows: rows, columns: columns)
        }
    }

    /// The datasets folder: `$FATHOM_DATASETS`, or the nearest `Datasets/` with a catalog
    /// above the running executable (the repository the binary was built in).
    public static func locate() -> DatasetCatalog? {
        if let env = FileSystem.environment("FATHOM_DATASETS"), !env.isEmpty {
            return DatasetCatalog(directory: env)
        }
        return FileSystem.aboveExecutable { FileSystem.exists($0 + "/Datasets/catalog.json") }
            .flatMap { DatasetCatalog(directory: $0 + "/Datasets") }
    }

    /// The path of the bundled file called `name`, if any.
    public func path(of name: String) -> String? {
        entries.first { $0.name == name }.map { directory + "/" + $0.file }
    }
}
