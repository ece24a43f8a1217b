import FathomCore

/// Naming and choosing columns.
extension TableBuiltins {
    static let named: ParameterKey<Value> = .value("x", type: "table or record", doc: "the table")
    static let selectedColumns: ParameterKey<[String]> = .names("columns", doc: "a name, a glob such as \"logit_*\", or a list of names and globs",
                                                              expected: "a column name, a glob, or a list of them")

    static let columns = Builtin(
        "columns", area: .data,
        parameters: declare(named),
        returns: "a vector of strings",
        summary: "column names",
        doc: "columns(t) lists a table's column names in order (a record's field names).",
        examples: ["columns(load(\"digits/test\"))[0:3]"]
    ) { args, _ in
        switch try args[named] {
        case .table(let t): return .strings(t.names)
        case .record(let r): return .strings(r.keys)
        case .object(let o): return .strings(o.fieldNames)
        default: throw args.mismatch(named, expected: "a table or a record")
        }
    }

    /// Column positions matching `pattern`: a glob (`*`, `?`) or an exact name.
    static func matching(_ pattern: String, in names: [String]) -> [Int] {
        names.indices.filter { Glob.matches(pattern, names[$0]) }
    }

    static let select = Builtin(
        "select", area: .data,
        parameters: declare(tableArgument, selectedColumns),
        returns: "a matrix, columns in table order (in list order for a list)",
        summary: "numeric columns as a matrix",
        doc: "select(t, \"logit_*\") gathers the columns whose names match into an N×k matrix, in the table's column order; a list of names gives that order. The matrix remembers the column names: text labels are matched to probability columns by them (p_cat is the class cat). Globs use * for any run of characters and ? for one. Booleans become 0 and 1; text columns are refused.",
        examples: ["z = select(load(\"digits/mlp-test\"), \"logit_*\")", "select(load(\"penguins/penguins\"), [\"bill_length_mm\", \"bill_depth_mm\"])"]
    ) { args, _ in
        if case .object(let o)? = try args.value(tableArgument), let source = o as? SQLSourceValue { return try SQLPushdown.select(source, args) }
        let t = try args[tableArgument]
        let chosen = try chosenColumns(args, in: t.names)
        var storage = [Double](repeating: 0, count: t.rowCount * chosen.count)
        for (k, j) in chosen.enumerated() {
            let values: [Double]
            switch t.columns[j] {
            case .numbers(let v): values = v
            case .bools(let b): values = b.map { $0 ? 1 : 0 }
            case .strings: throw args.invalid(selectedColumns, "select(): column '\(t.names[j])' holds text, not numbers")
            }
            for i in 0..<t.rowCount { storage[i * chosen.count + k] = values[i] }
        }
        return .matrix(Matrix(rows: t.rowCount, cols: chosen.count, storage: storage).named(chosen.map { t.names[$0] }))
    }

    /// The positions of the columns select()'s `columns` names among `names`: in `names` order
    /// for one pattern, in list order for a list.
    static func chosenColumns(_ args: Arguments, in names: [String]) throws -> [Int] {
        let patterns = try args[selectedColumns]
        var chosen: [Int] = []
        for p in patterns {
            let found = matching(p, in: names)
            if found.isEmpty {
                var notes: [String] = []
                if let hint = Suggestions.note(for: p, in: names) { notes.append(hint) }
                notes.append("the columns are " + names.prefix(10).joined(separator: ", ") + (names.count > 10 ? ", …" : ""))
                throw Diagnostic("argument.value", "select(): no column matches \"\(p)\"", at: try args.range(selectedColumns), notes: notes)
            }
            chosen += found.filter { !chosen.contains($0) }
        }
        if patterns.count == 1 { chosen.sort() }
        return chosen
    }
}

/// Shell-style name patterns: `*` any run of characters, `?` one character.
enum Glob {
    static func matches(_ pattern: String, _ name: String) -> Bool {
        let p = Array(pattern), s = Array(name)
        var pi = 0, si = 0, star = -1, mark = 0
        while si < s.count {
            if pi < p.count, p[pi] == "?" || p[pi] == s[si] { pi += 1; si += 1 }
            else if pi < p.count, p[pi] == "*" { star = pi; mark = si; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; si = mark }
            else { return false }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
