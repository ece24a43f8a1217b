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

    /// Runs `query` and returns its result as a table. With `typed`, each column keeps the kind
    /// DuckDB gives it (text stays text however numeric it looks, so '01234' keeps its zero;
    /// booleans stay booleans; dates and timestamps arrive as ISO text), asked for first with
    /// DESCRIBE; integer columns are read as the CSV reader infers (text beyond 2^53).
    /// `counted: false` skips counting the result's rows first, for a query whose result is
    /// small by construction.
    static func table(_ query: String, context: EvaluationContext, at range: SourceRange, counted: Bool = true, typed: Bool = true) throws -> Value {
        guard let engine = context.sqlEngine else { throw unavailable(at: range) }
        let kinds = typed ? try columnKinds(query, context: context, at: range) : [:]
        let path: String
        do { path = try engine.select(query, maxRows: counted ? context.maxElements : nil) } catch var d as Diagnostic {
            if d.range == nil { d.range = range }
            throw d
        }
        defer { engine.discard(path) }
        var options = CSVOptions()
        options.separator = UInt8(ascii: ",")
        options.limit = context.maxElements
        options.types = kinds
        return try DataFiles.load(path, options: options, at: range)
    }

    /// The kinds the CSV reader must not infer for `query`'s columns, from DuckDB's DESCRIBE:
    /// text, booleans and floating point by name (a name that repeats is left to inference).
    static func columnKinds(_ query: String, context: EvaluationContext, at range: SourceRange) throws -> [String: Table.ColumnKind] {
        // Each name and type travels behind a prefix, so a name such as 1 stays text.
        let described = try table("select 'c:' || column_name as name, 't:' || column_type as type from (describe select * from (\n\(query)\n) as fathom_source)",
                                  context: context, at: range, counted: false, typed: false)
        guard case .table(let t) = described, case .strings(let names)? = t.column("name"), case .strings(let types)? = t.column("type") else { return [:] }
        let columns = zip(names, types).map { (String($0.dropFirst(2)), String($1.dropFirst(2)).uppercased()) }
        var seen: [String: Int] = [:]
        for (name, _) in columns { seen[name, default: 0] += 1 }
        var kinds: [String: Table.ColumnKind] = [:]
        for (name, type) in columns where seen[name] == 1 {
            if type == "BOOLEAN" { kinds[name] = .bool }
            else if type == "DOUBLE" || type == "FLOAT" || type == "REAL" || type.hasPrefix("DECIMAL") { kinds[name] = .float }
            else if !["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "NULL"].contains(type) { kinds[name] = .string }
        }
        return kinds
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
