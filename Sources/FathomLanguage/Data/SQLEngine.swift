import FathomCore

/// Runs SQL over files (Parquet, CSV, globs of them) for `sql()` and `load("x.parquet")`.
/// The shell's DuckDB driver implements it; the language layer never starts a process.
public protocol SQLEngine: AnyObject {
    /// Runs one SELECT statement and writes its result as a CSV file with a header row (NULL as
    /// an empty field) to a fresh path it returns; the caller reads and deletes the file.
    /// Refuses results of more than `maxRows` rows before transferring them. Errors are
    /// ``Diagnostic``s without a place, carrying the engine's own words.
    func select(_ query: String, maxRows: Int) throws -> String
    /// Deletes a result file ``select(_:maxRows:)`` returned.
    func discard(_ path: String)
}

/// `sql()` and Parquet loading on top of an ``SQLEngine``.
public enum SQLFiles {
    static func unavailable(at range: SourceRange) -> Diagnostic {
        Diagnostic("sql.unavailable", "SQL and Parquet need DuckDB's command-line program, which this session does not have", at: range,
                   notes: ["install it with: pip install duckdb-cli==1.5.6 (./Scripts/fathom does this), or name it in FATHOM_DUCKDB"])
    }

    /// Whether `path` names Parquet (or a glob of Parquet files).
    static func isParquet(_ path: String) -> Bool {
        path.lowercased().hasSuffix(".parquet")
    }

    /// Whether `path` names an Arrow IPC / Feather file, which the bundled engine cannot read
    /// without downloading an extension.
    static func isArrow(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".arrow") || lower.hasSuffix(".feather") || lower.hasSuffix(".ipc")
    }

    /// A SQL string literal holding `text` (single quotes doubled).
    public static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// Runs `query` and returns its result as a table, typed as the CSV reader infers.
    static func table(_ query: String, context: EvaluationContext, at range: SourceRange) throws -> Value {
        guard let engine = context.sqlEngine else { throw unavailable(at: range) }
        let path: String
        do { path = try engine.select(query, maxRows: context.maxElements) } catch var d as Diagnostic {
            if d.range == nil { d.range = range }
            throw d
        }
        defer { engine.discard(path) }
        var options = CSVOptions()
        options.separator = UInt8(ascii: ",")
        options.limit = context.maxElements
        return try DataFiles.load(path, options: options, at: range)
    }
}
