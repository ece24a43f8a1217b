import FathomCore

/// Rows that stay where they are: a DuckDB query (over Parquet files, CSV files, globs), read
/// by statistics that push their summary into SQL instead of loading every row. Its fields are
/// its columns, each a ``SQLColumnsValue``: `ece(s.p, s.y)`.
public struct SQLSourceValue: ObjectValue {
    /// The SELECT statement DuckDB runs to produce the rows.
    public let query: String
    /// The relation name the generated SQL reads from (a CTE over `query` in DuckDB; a table
    /// or view of that name elsewhere).
    public let name: String
    /// The columns and their DuckDB types, in order.
    public let columns: [SQLColumn]

    public struct SQLColumn: Sendable, Equatable {
        public let name: String
        public let type: String
    }

    public init(query: String, name: String, columns: [SQLColumn]) {
        self.query = query
        self.name = name
        self.columns = columns
    }

    public var typeName: String { "sql source" }
    public var described: String { "the SQL source \(name) (\(columns.count) column\(columns.count == 1 ? "" : "s"))" }
    public var fieldNames: [String] { columns.map(\.name) }

    public func field(_ name: String) -> Value? {
        guard let column = self.column(name) else { return nil }
        return .object(SQLColumnsValue(source: self, columns: [column.name]))
    }

    /// The column called `name`: exactly, else the only one that matches ignoring case (SQL
    /// names are case-insensitive).
    public func column(_ name: String) -> SQLColumn? {
        if let c = columns.first(where: { $0.name == name }) { return c }
        let folded = columns.filter { $0.name.lowercased() == name.lowercased() }
        return folded.count == 1 ? folded[0] : nil
    }

    /// The same rows, as far as the generated SQL can tell.
    func isSame(_ other: SQLSourceValue) -> Bool { query == other.query && name == other.name }

    public func renderText(_ options: RenderOptions) -> String {
        let shown = columns.prefix(12).map { "\($0.name) \($0.type)" }.joined(separator: ", ") + (columns.count > 12 ? ", …" : "")
        return "SQL source \(name): \(columns.count) column\(columns.count == 1 ? "" : "s") (\(shown))\n  \(query.replacing("\n", with: "\n  "))"
    }

    public func json() -> JSONValue {
        .object([("name", .string(name)), ("query", .string(query)),
                 ("columns", .array(columns.map { .object([("name", .string($0.name)), ("type", .string($0.type))]) }))])
    }
}

/// One or more columns of a ``SQLSourceValue``, standing for their values in a statistic that
/// runs in SQL: `s.p` (a column of P(y = 1), or labels, or losses) or `select(s, "p_*")`
/// (class probabilities in class order).
public struct SQLColumnsValue: ObjectValue {
    public let source: SQLSourceValue
    public let columns: [String]

    public var typeName: String { "sql column" }
    public var described: String {
        columns.count == 1 ? "the SQL column \(columns[0]) of \(source.name)" : "the \(columns.count) SQL columns \(columns.prefix(4).joined(separator: ", "))\(columns.count > 4 ? ", …" : "") of \(source.name)"
    }
    public var fieldNames: [String] { [] }
    public func field(_ name: String) -> Value? { nil }

    public func renderText(_ options: RenderOptions) -> String {
        "SQL column\(columns.count == 1 ? "" : "s") \(columns.joined(separator: ", ")) of \(source.name) (a statistic such as ece or failure_rate computes over it in SQL; sql() loads values)"
    }

    public func json() -> JSONValue {
        .object([("source", .string(source.name)), ("columns", .array(columns.map { .string($0) }))])
    }
}
