import FathomCore

/// Runs SQL over files (Parquet, CSV, globs of them) for `sql()` and `load("x.parquet")`.
/// The shell's DuckDB driver implements it; the language layer never starts a process.
public protocol SQLEngine: AnyObject {
    /// Runs one SELECT statement and writes its result as a CSV file with a header row (NULL as
    /// an empty field) to a fresh path it returns; the caller reads and deletes the file.
    /// Refuses results of more than `maxRows` rows before transferring them; nil skips that
    /// count, for a query whose result Fathom bounds itself (an aggregate of a few rows).
    /// Errors are ``Diagnostic``s without a place, carrying the engine's own words.
    func select(_ query: String, maxRows: Int?) throws -> String
    /// Writes `csv` (a header row, then records; an empty field is NULL) as a Parquet file at
    /// `path` whose columns have the given DuckDB types, whole or not at all.
    func writeParquet(csv: [UInt8], types: [(name: String, type: String)], to path: String) throws
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
        "'" + text.replacing("'", with: "''") + "'"
    }

    /// Runs `query` and returns its result as a table, typed as the CSV reader infers.
    /// `counted: false` skips counting the result's rows first, for a query whose result is
    /// small by construction.
    static func table(_ query: String, context: EvaluationContext, at range: SourceRange, counted: Bool = true) throws -> Value {
        guard let engine = context.sqlEngine else { throw unavailable(at: range) }
        let path: String
        do { path = try engine.select(query, maxRows: counted ? context.maxElements : nil) } catch var d as Diagnostic {
            if d.range == nil { d.range = range }
            throw d
        }
        defer { engine.discard(path) }
        var options = CSVOptions()
        options.separator = UInt8(ascii: ",")
        options.limit = context.maxElements
        return try DataFiles.load(path, options: options, at: range)
    }

    /// `save(t, "out.parquet")`: a table (or what converts to one) with typed columns: integer
    /// columns as BIGINT, other numbers as DOUBLE, booleans, text; missing values as NULL.
    static func saveParquet(_ value: Value, to path: String, context: EvaluationContext, at range: SourceRange, valueRange: SourceRange) throws -> String {
        let table = try DataFiles.tableForSaving(value, format: "Parquet", at: valueRange)
        guard let engine = context.sqlEngine else { throw unavailable(at: range) }
        let types = zip(table.names, table.kinds).map { name, kind -> (name: String, type: String) in
            switch kind {
            case .integer: (name, "BIGINT")
            case .float: (name, "DOUBLE")
            case .bool: (name, "BOOLEAN")
            case .string: (name, "VARCHAR")
            }
        }
        do { try engine.writeParquet(csv: CSVWriter.encode(table), types: types, to: FileSystem.absolute(path)) } catch var d as Diagnostic {
            if d.range == nil { d.range = range }
            throw d
        }
        return "saved \(table.rowCount) row\(table.rowCount == 1 ? "" : "s") × \(table.columnCount) column\(table.columnCount == 1 ? "" : "s") to \(path)"
    }
}
