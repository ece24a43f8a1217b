import FathomCore

/// Files in and out, and the bundled datasets.
enum DataBuiltins {
    static var all: [Builtin] { [load, save, datasets] }

    static let loadPath: ParameterKey<String> = .string("path", doc: "a file, or a bundled dataset's name such as \"digits/test\"")
    static let loadSeparator = separator(absent: "guessed", doc: "CSV field separator (one character)")
    static let header: ParameterKey<Bool> = .bool("header", default: true, doc: "whether a CSV file's first row names the columns")
    static let types: ParameterKey<Value?> = .optionalValue("types", .absent("inferred"), type: "record", doc: "column kinds for CSV, e.g. {id: \"string\", score: \"float\"}")
    static let saved: ParameterKey<Value> = .value("value", type: "any value", doc: "what to write")
    static let savePath: ParameterKey<String> = .string("path", doc: "the file; its extension chooses the format: .csv, .tsv, .npy, .json, .parquet (tables), or for plots .png, .svg, .pdf, .txt")
    static let saveSeparator = separator(absent: "comma, or tab for .tsv", doc: "CSV field separator")

    /// The `sep=` argument: one ASCII character that can separate fields (not a line break, the
    /// quote character or NUL), or nil when absent.
    static func separator(absent: String, doc: String) -> ParameterKey<UInt8?> {
        ParameterKey(Parameter("sep", "string", .absent(absent), doc: doc)) { args, name in
            guard let sep = args.value(name), !sep.isNull else { return nil }
            guard case .string(let s) = sep, s.utf8.count == 1, let byte = s.utf8.first else {
                throw args.mismatch(name, expected: "a single character such as \",\" or \"\\t\"")
            }
            if let problem = CSVOptions.separatorProblem(byte) {
                throw args.invalid(name, "\(args.builtin.name)(): sep=\(s.debugDescription) cannot separate fields: \(problem)", notes: ["common separators are \",\", \";\", \"\\t\" and \"|\""])
            }
            return byte
        }
    }

    static let load = Builtin(
        "load", area: .data,
        parameters: declare(loadPath, loadSeparator, header, types),
        returns: "a table (CSV, TSV, JSON records, Parquet), a vector or matrix (.npy), a record of arrays (.npz), a model (Fathom model JSON)",
        summary: "read a data or model file",
        doc: """
        load(path) reads CSV and TSV (RFC 4180: quoted fields, doubled quotes, separators and line breaks inside quotes, CRLF, a UTF-8 byte-order mark; each column's kind — integer, float, bool or string — inferred; empty, NA, N/A, NaN, null and NULL are missing: NaN in numeric columns, "" in text), NumPy .npy (format 1–3; float64, float32, int64, int32, int16, int8, uint8 … uint64 and bool; C or Fortran order; 1-D or 2-D) and .npz archives, Parquet (a file or a glob such as \"logs/*.parquet\", read by DuckDB: see sql()), JSON (an array of records or a record of columns is a table; a Fathom model file is a model; anything else a value). The format follows the extension, or the content when there is none. A bundled dataset loads by its short name from any folder: datasets() lists them. Integers beyond 2^53 that a number cannot hold exactly (IDs, hashes) are never rounded: they make a CSV column text, digit for digit (types= \"float\" rounds them instead; \"integer\" refuses them), and a JSON number or an .npy int64 holding one is refused. Errors name the file, the line and what was wrong. Every size read from a file (an array's shape, a zip member's size, a table's cells, a JSON document's values) is checked against the file's length and the session's max_elements before anything is allocated; a CSV file may have at most 100 000 columns, and sep cannot be a line break or the double quote.
        """,
        examples: ["d = load(\"digits/test\")", "z = load(\"digits/mlp-test\")", "m = load(\"digits/softmax.json\")"]
    ) { args, context in
        let name = try args[loadPath]
        let at = try args.range(loadPath)
        if name.isEmpty {
            throw args.invalid(loadPath, "load(): the path is empty; give a file, or a bundled dataset's short name", notes: ["datasets() lists the bundled datasets"])
        }
        if SQLFiles.isParquet(name) { return try SQLBuiltins.loadParquet(name, at: at, context: context) }
        if SQLFiles.isArrow(name) {
            throw args.invalid(loadPath, "load(): Arrow IPC and Feather files are not supported (DuckDB reads them only through an extension it would have to download); write them as Parquet")
        }
        var options = CSVOptions()
        options.separator = try args[loadSeparator]
        options.limit = context.maxElements
        options.header = try args[header]
        if let types = try args[types], !types.isNull {
            guard case .record(let r) = types else { throw args.mismatch(DataBuiltins.types, expected: "a record such as {id: \"string\", score: \"float\"}") }
            for (column, kind) in r.pairs {
                guard case .string(let k) = kind, let parsed = Table.ColumnKind(rawValue: k == "number" ? "float" : k) else {
                    throw args.invalid(DataBuiltins.types, "load(): types.\(column) must be \"integer\", \"float\", \"bool\" or \"string\", got \(kind.described)")
                }
                options.types[column] = parsed
            }
        }
        let path = try DataFiles.resolve(name, context: context, at: at)
        return try DataFiles.load(path, options: options, at: at)
    }

    static let save = Builtin(
        "save", area: .data,
        parameters: declare(saved, savePath, saveSeparator),
        returns: "null (prints what it wrote)",
        summary: "write a value to a file",
        doc: "save(value, path) writes CSV or TSV (tables, vectors, matrices, records of equal-length vectors), Parquet (the same, through DuckDB: integer columns as BIGINT, other numbers as DOUBLE, booleans, text, missing values as NULL), NumPy .npy (vectors and matrices, float64 or bool), or JSON (any value; a model in Fathom's model format, which load() reads back); a plot is drawn to PNG, SVG, PDF or text. The file is written whole or not at all: to a temporary file in the same folder, then renamed over the target.",
        examples: ["save(seq(5), \"/tmp/five.csv\")", "save(randn(4, 3, seed=1), \"/tmp/x.npy\")"]
    ) { args, context in
        let value = try args[saved]
        let path = try args[savePath]
        let at = try args.range(savePath), valueRange = try args.range(saved)
        if SQLFiles.isParquet(path) {
            context.emit(try SQLFiles.saveParquet(value, to: path, context: context, at: at, valueRange: valueRange) + "\n")
            return .null
        }
        let separator = try args[saveSeparator]
        let report = try DataFiles.save(value, to: path, separator: separator, at: at, valueRange: valueRange, context: context)
        context.emit(report + "\n")
        return .null
    }

    static let datasets = Builtin(
        "datasets", area: .data,
        parameters: [],
        returns: "a table",
        summary: "the bundled datasets",
        doc: "datasets() lists the data that ships with Fathom, one row per file: the name load() takes, a one-line description, and its size. Each dataset's card (source, licence, columns, how it was made) is Datasets/NAME/CARD.md.",
        examples: ["datasets()"]
    ) { _, context in
        let entries = context.datasets?.entries ?? []
        var t = Table()
        t.setColumn("name", .strings(entries.map(\.name)))
        t.setColumn("description", .strings(entries.map(\.description)))
        t.setColumn("rows", .numbers(entries.map { $0.rows.map(Double.init) ?? .nan }), kind: .integer)
        t.setColumn("columns", .numbers(entries.map { $0.columns.map(Double.init) ?? .nan }), kind: .integer)
        return .table(t)
    }
}
