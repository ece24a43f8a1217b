import FathomCore

/// Combining two tables by key.
enum JoinBuiltins {
    static var all: [Builtin] { [join] }

    static let leftTable: ParameterKey<Table> = .table("a", doc: "the left table: its rows and columns come first")
    static let rightTable: ParameterKey<Table> = .table("b", doc: "the right table")
    static let keyColumns: ParameterKey<Value?> = .optionalValue("on", .absent("the columns both tables have"), type: "string or vector of strings", doc: "the key column(s), present in both tables")
    static let how: ParameterKey<TableJoin.How> = .choice("how", TableJoin.How.allCases, default: .inner,
                                                        doc: "\"inner\": rows whose key is in both; \"left\": every row of a, with missing values where b has no match")

    static let join = Builtin(
        "join", area: .data,
        parameters: declare(leftTable, rightTable, keyColumns, how),
        returns: "a table",
        summary: "join two tables by key column(s)",
        doc: "join(a, b, on=\"key\") pairs each row of a with every row of b that has the same key, as pandas' merge: a's rows keep their order, each followed by its matches in b's order; a key in several rows of both gives every pairing. how=\"left\" also keeps a's rows that have no match, with NaN in b's numeric columns and empty text in its text columns (b's boolean columns then become numbers 1/0 with NaN). Keys may be numbers, text or booleans, but a key must hold the same kind in both tables; several keys (on=[\"species\", \"island\"]) match when all are equal; NaN keys match each other, as in pandas. The result has the key once, then a's other columns, then b's; a name that a and b both have outside the key gets pandas' suffixes, \"_x\" for a's column and \"_y\" for b's. Without on=, the key is every column the two tables share.",
        examples: [
            "a = as_table({id: [1, 2, 3], x: [0.1, 0.2, 0.3]}); b = as_table({id: [3, 1, 1], y: [\"c\", \"a\", \"A\"]}); join(a, b, on=\"id\")",
            "join(a, b, on=\"id\", how=\"left\")",
        ]
    ) { args, context in
        let a = try args[leftTable], b = try args[rightTable]
        let how = try args[how]
        let on: [String]
        switch try args[keyColumns] {
        case nil, .null?:
            on = a.names.filter { b.names.contains($0) }
            guard !on.isEmpty else {
                throw args.invalid(rightTable, "join(): a and b share no column name, so there is no key to join on", notes: ["name the key with on=\"column\" (it must be in both tables)"])
            }
        case .string(let s)?: on = [s]
        case .vector(.strings(let s))?:
            guard !s.isEmpty else { throw args.invalid(keyColumns, "join(): on= names no column; give at least one key") }
            guard Set(s).count == s.count else { throw args.invalid(keyColumns, "join(): on= names a column twice") }
            on = s
        default: throw args.mismatch(keyColumns, expected: "a column name or a vector of column names")
        }
        let keyRange = try args.range(keyColumns)
        for key in on {
            if a.index(of: key) == nil { throw Access.missing("join(): a has no column '\(key)' to join on", key, a.names, at: keyRange) }
            if b.index(of: key) == nil { throw Access.missing("join(): b has no column '\(key)' to join on", key, b.names, at: keyRange) }
        }
        do {
            let width = max(1, a.columnCount + b.columnCount - on.count)
            return .table(try TableJoin.join(a, b, on: on, how: how, maxRows: context.maxElements / width))
        } catch TableJoin.Problem.keyKinds(let name, let left, let right) {
            throw args.invalid(keyColumns, "join(): key '\(name)' holds \(left)s in a but \(right)s in b; keys must hold the same kind of value",
                               notes: ["a key like 3 never equals the text \"3\": store the key the same way in both tables"])
        } catch TableJoin.Problem.tooManyRows(let limit) {
            throw args.invalid(keyColumns, "join(): the key '\(on.joined(separator: "', '"))' matches rows many-to-many, and the result would have more than \(limit) rows (the element limit, max_elements = \(context.maxElements))",
                               notes: ["check that the key is unique in at least one table: len(unique(b.\(on[0]))) == nrow(b)"])
        } catch TableJoin.Problem.suffixCollision(let name) {
            throw args.invalid(rightTable, "join(): the result would have two columns named '\(name)' (a and b share a column, and its suffixed name is taken)",
                               notes: ["keep only the columns you need before joining, e.g. a[[\"\(on[0])\", …]]"])
        }
    }
}
