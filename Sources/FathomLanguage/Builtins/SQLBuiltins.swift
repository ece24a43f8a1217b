import FathomCore

/// SQL over files through the session's ``SQLEngine`` (DuckDB).
enum SQLBuiltins {
    static var all: [Builtin] { [sql] }

    static let query: ParameterKey<String> = .string("query", doc: "one SELECT statement; files are named in quotes, e.g. from 'preds/*.parquet'")

    static let sql = Builtin(
        "sql", area: .data,
        parameters: declare(query),
        returns: "a table",
        summary: "run a SQL query over Parquet and CSV files (DuckDB)",
        doc: """
        sql(query) runs one SELECT statement in DuckDB (its command-line program, started on first use) and returns the result as a table. Files and globs are named as quoted table names: sql("select p, y from 'preds/*.parquet' where split = 'test'"). Columns arrive typed: integers and floats as numbers, text as strings, booleans as booleans, NULL as missing (NaN in numeric columns, "" in text); dates and timestamps arrive as ISO 8601 text (2024-01-31, 2024-01-31 12:00:00). Integers beyond 2^53 lose precision as numbers: cast them to text in the query to keep them exact. Only a single SELECT runs (no COPY, ATTACH or INSTALL; the query is passed to DuckDB encoded, so nothing in it is read as a shell command). The result's rows are counted before transfer and refused beyond max_elements. A wrong path or a SQL error is one message carrying DuckDB's text.
        """,
        examples: ["sql(\"select 42 as answer, 'hi' as greeting, 0.5 as p\")"]
    ) { args, context in
        try SQLFiles.table(try args[query], context: context, at: try args.range(query))
    }

    /// `load("x.parquet")` and `load("logs/*.parquet")`.
    static func loadParquet(_ path: String, at range: SourceRange, context: EvaluationContext) throws -> Value {
        let absolute = FileSystem.absolute(path)
        return try SQLFiles.table("select * from read_parquet(\(SQLFiles.literal(absolute)))", context: context, at: range)
    }
}
