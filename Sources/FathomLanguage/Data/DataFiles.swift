import FathomCore

/// Reading and writing files for `load` and `save`: finding the file (a path, or a bundled
/// dataset's short name), choosing the format by extension (or by content), converting
/// between files and values.
enum DataFiles {
    static let loadable = [".csv", ".tsv", ".tab", ".txt", ".npy", ".npz", ".json"]

    /// The file `name` refers to: the path itself; a bundled dataset's name (`digits/test`);
    /// or either with a known extension added. Throws with suggestions when nothing fits.
    static func resolve(_ name: String, context: EvaluationContext, at range: SourceRange) throws -> String {
        let expanded = expandHome(name)
        if FileSystem.exists(expanded) { return expanded }
        if let bundled = context.datasets?.path(of: name) { return bundled }
        for ext in loadable where FileSystem.exists(expanded + ext) { return expanded + ext }
        if let dir = context.datasets?.directory {
            if FileSystem.exists(dir + "/" + name) { return dir + "/" + name }
            for ext in loadable where FileSystem.exists(dir + "/" + name + ext) { return dir + "/" + name + ext }
        }
        var notes: [String] = []
        if let names = context.datasets?.entries.map(\.name), let hint = Suggestions.note(for: name, in: names) {
            notes.append(hint)
        }
        if notes.isEmpty, !expanded.hasPrefix("/"), let here = FileSystem.currentFolder() {
            notes.append("relative paths are read from \(here)")
        }
        notes.append(context.datasets == nil ? "no bundled datasets were found (set FATHOM_DATASETS to the Datasets folder)" : "datasets() lists the bundled data")
        throw Diagnostic("load.missing", "no such file: \(name)", at: range, notes: notes)
    }

    static func expandHome(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = FileSystem.environment("HOME") else { return path }
        return home + path.dropFirst()
    }

    enum Format {
        case csv, npy, npz, json
    }

    /// The format by extension, else by the first bytes.
    static func format(of path: String) throws -> Format {
        let lower = path.lowercased()
        if lower.hasSuffix(".npy") { return .npy }
        if lower.hasSuffix(".npz") { return .npz }
        if lower.hasSuffix(".json") { return .json }
        if [".csv", ".tsv", ".tab", ".txt"].contains(where: { lower.hasSuffix($0) }) { return .csv }
        let head: [UInt8]
        do { head = try FileSystem.readPrefix(path, count: 8) } catch is Interrupted { throw Interrupted() } catch { return .csv }
        if head.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) { return .npy }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .npz }
        if let first = head.first(where: { $0 != 32 && $0 != 10 && $0 != 13 && $0 != 9 }), first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return .json }
        return .csv
    }

    /// Reads the file at `path`; every size read from it is checked against `options.limit`
    /// (the session's element limit) before anything is allocated from it.
    static func load(_ path: String, options: CSVOptions, at range: SourceRange) throws -> Value {
        func fail(_ message: String) -> Diagnostic {
            Diagnostic("load.malformed", "cannot load \(message)", at: range,
                       notes: message.contains("too large:") ? ["the limit is the session's max_elements; raise it with :set max_elements N if the machine has the memory"] : [])
        }
        let limit = options.limit
        do {
            switch try format(of: path) {
            case .csv:
                return .table(try CSVReader.read(path: path, options: options))
            case .npy:
                return value(of: try NPYFormat.read(path: path, limit: limit))
            case .npz:
                return .record(Record(try NPZFormat.read(path: path, limit: limit).map { ($0.0, value(of: $0.1)) }))
            case .json:
                let json: JSONValue
                do {
                    // Values are counted against the limit while parsing; the text itself may
                    // take 16 bytes a value (more would be mostly white space).
                    let (most, overflow) = limit.multipliedReportingOverflow(by: 16)
                    json = try JSONValue.parse(try FileSystem.readBytes(path, atMost: overflow ? Int.max : most), limit: limit)
                } catch let e as JSONParseError {
                    throw fail("\(path):\(e.line):\(e.column): \(e.message)")
                }
                if Model.isModelDocument(json) {
                    do { return .object(ModelValue(try Model(json: json))) } catch let e as ModelFormatError {
                        throw Diagnostic("load.model", "cannot load \(path): not a valid Fathom model: \(e.description)", at: range,
                                         notes: ["the format is described in docs/model-format.md"])
                    }
                }
                if Calibrator.isCalibratorDocument(json) {
                    do { return .object(CalibratorValue(try Calibrator(json: json))) } catch let e as ModelFormatError {
                        throw Diagnostic("load.calibrator", "cannot load \(path): not a valid Fathom calibrator: \(e.description)", at: range)
                    }
                }
                if let table = try? TableJSON.table(from: json, limit: limit) { return .table(table) }
                return Value(json: json)
            }
        } catch let e as CSVError {
            throw fail(e.description)
        } catch let e as NumpyError {
            throw fail(e.description)
        } catch let e as FileError {
            throw fail(e.message)
        }
    }

    static func value(of a: NumpyArray) -> Value {
        switch a.shape.count {
        case 0: return .number(a.values.first ?? .nan)
        case 1: return a.isBool ? .bools(a.values.map { $0 != 0 }) : .numbers(a.values)
        default: return .matrix(Matrix(rows: a.shape[0], cols: a.shape[1], storage: a.values))
        }
    }

    static let plotFormats = [".png", ".svg", ".pdf", ".txt"]

    /// Writes `value` to `path` in the format its extension names; returns a one-line report.
    static func save(_ value: Value, to path: String, separator: UInt8?, at range: SourceRange, valueRange: SourceRange, context: EvaluationContext) throws -> String {
        let lower = path.lowercased()
        if plotFormats.contains(where: { lower.hasSuffix($0) }) {
            guard case .object(let o) = value, let p = o as? Plottable else {
                throw Diagnostic("save.type", "save() writes plots to \(plotFormats.joined(separator: ", ")), not \(value.described)", at: valueRange,
                                 notes: ["make a plot first, e.g. p = hist(x); save(p, \"x.png\")"])
            }
            let figure = try p.figure()
            guard let renderer = context.plotRenderer else { throw Diagnostic("plot.unavailable", "plots are not available in this session", at: range) }
            do { try renderer.render(figure, to: expandHome(path)) } catch let d as Diagnostic { throw d.located(at: range) }
            return "saved \(figure.kind) to \(path)"
        }
        let bytes: [UInt8]
        var what = value.described
        if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") {
            let sep = separator ?? (lower.hasSuffix(".tsv") ? 9 : UInt8(ascii: ","))
            let table = try tableForSaving(value, format: "CSV", at: valueRange)
            bytes = CSVWriter.encode(table, separator: sep)
            what = "\(table.rowCount) row\(table.rowCount == 1 ? "" : "s") × \(table.columnCount) column\(table.columnCount == 1 ? "" : "s")"
        } else if lower.hasSuffix(".npy") {
            switch value {
            case .vector(.numbers(let v)): bytes = NPYFormat.encode(shape: [v.count], values: v)
            case .vector(.bools(let b)): bytes = NPYFormat.encode(shape: [b.count], values: b.map { $0 ? 1 : 0 }, bool: true)
            case .matrix(let m): bytes = NPYFormat.encode(shape: [m.rows, m.cols], values: m.storage)
            case .number(let x): bytes = NPYFormat.encode(shape: [], values: [x])
            default:
                throw Diagnostic("save.type", "save() writes numbers, vectors and matrices to .npy, not \(value.described)", at: valueRange,
                                 notes: ["for a table, use select(t, \"*\") for a matrix of its numeric columns, or save as .csv"])
            }
        } else if lower.hasSuffix(".json") {
            bytes = Array(value.json().serialized().utf8) + [10]
        } else {
            let name = FileSystem.baseName(path)
            let ext = name.dropFirst().contains(".") ? "the extension ." + (name.split(separator: ".").last ?? "") : "no extension"
            throw Diagnostic("save.format", "save() writes .csv, .tsv, .npy, .json or .parquet (and plots to .png, .svg, .pdf or .txt); '\(path)' has \(ext)", at: range)
        }
        do {
            try FileSystem.writeAtomically(expandHome(path), bytes)
        } catch let e as FileError {
            throw Diagnostic("save.failed", "cannot save \(path): \(e.reason)", at: range)
        }
        return "saved \(what) to \(path)"
    }

    /// `value` as the table `save` writes to CSV or Parquet, or the message that refuses it.
    static func tableForSaving(_ value: Value, format: String, at valueRange: SourceRange) throws -> Table {
        if let (message, note) = ResultTables.noTableReason(value) {
            throw Diagnostic("save.type", "save() cannot write \(format): \(message)", at: valueRange, notes: [note])
        }
        guard let table = asTable(value) else {
            throw Diagnostic("save.type", "save() writes a table, a vector, a matrix, a record of equal-length vectors or an analysis result to \(format), not \(value.described)", at: valueRange)
        }
        return table
    }

    /// A value as a table when it has that shape; a result as its table form (ResultTables).
    /// Why a record cannot be a table, or nil when it can: no fields, a field that is not a
    /// vector or a single value, or fields of different lengths.
    static func recordProblem(_ r: Record) -> String? {
        guard !r.pairs.isEmpty else { return "the record has no fields; a table needs at least one column" }
        var lengths: [(String, Int)] = []
        for (k, v) in r.pairs {
            switch v {
            case .vector(let c): lengths.append((k, c.count))
            case .number, .string, .bool: lengths.append((k, 1))
            default: return "field '\(Printable.text(k))' holds \(v.described); each field must be a vector (or a single number, string or bool)"
            }
        }
        if let other = lengths.first(where: { $0.1 != lengths[0].1 }) {
            return "the fields have different lengths: '\(Printable.text(lengths[0].0))' has \(lengths[0].1), '\(Printable.text(other.0))' has \(other.1)"
        }
        return nil
    }

    static func asTable(_ value: Value, names: [String]? = nil) -> Table? {
        switch value {
        case .table(let t): return t
        case .object(let o): return (o as? any DeclaredResult)?.resultTable
        case .vector(let c): return Table([(names?.first ?? "value", c)])
        case .matrix(let m):
            let n = names ?? m.columnNames ?? (0..<m.cols).map { "c\($0)" }
            guard n.count == m.cols else { return nil }
            return Table((0..<m.cols).map { (n[$0], .numbers(m.column($0))) })
        case .record(let r):
            var columns: [(String, Column)] = []
            for (k, v) in r.pairs {
                switch v {
                case .vector(let c): columns.append((k, c))
                case .number(let x): columns.append((k, .numbers([x])))
                case .string(let s): columns.append((k, .strings([s])))
                case .bool(let b): columns.append((k, .bools([b])))
                default: return nil
                }
            }
            guard let n = columns.first?.1.count, columns.allSatisfy({ $0.1.count == n }) else { return nil }
            return Table(columns)
        default: return nil
        }
    }
}
