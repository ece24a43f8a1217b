/// Tables from JSON: an array of records (`[{"a": 1, "b": "x"}, …]`) or a record of columns
/// (`{"a": [1, 2], "b": ["x", "y"]}`). A column of numbers (null as NaN) is numeric; of
/// booleans, boolean; anything else is text (null as "").
public enum TableJSON {
    public enum Failure: Error, Equatable {
        case notATable
        case ragged(column: String, length: Int, expected: Int)
        case notRecord(index: Int)
    }

    public static func table(from json: JSONValue) throws -> Table {
        switch json {
        case .array(let rows):
            var names: [String] = []
            var seen: Set<String> = []
            for (i, row) in rows.enumerated() {
                guard case .object(let members) = row else { throw Failure.notRecord(index: i) }
                for (k, _) in members where !seen.contains(k) {
                    seen.insert(k)
                    names.append(k)
                }
            }
            var table = Table()
            for name in names {
                table.setColumn(name, column(rows.map { $0[name] ?? .null }))
            }
            return table
        case .object(let members):
            guard !members.isEmpty else { throw Failure.notATable }
            var expected: Int?
            var table = Table()
            for (name, value) in members {
                guard case .array(let items) = value else { throw Failure.notATable }
                if let e = expected, e != items.count { throw Failure.ragged(column: name, length: items.count, expected: e) }
                expected = items.count
                table.setColumn(name, column(items))
            }
            return table
        default:
            throw Failure.notATable
        }
    }

    static func column(_ items: [JSONValue]) -> Column {
        var numbers: [Double] = []
        var bools: [Bool] = []
        var numeric = true, boolean = true
        for item in items {
            switch item {
            case .number(let x): numbers.append(x); boolean = false
            case .null: numbers.append(.nan); boolean = false
            case .bool(let b): bools.append(b); numeric = false
            default: numeric = false; boolean = false
            }
        }
        if numeric { return .numbers(numbers) }
        if boolean { return .bools(bools) }
        return .strings(items.map { item in
            switch item {
            case .string(let s): return s
            case .null: return ""
            case .number(let x): return JSONValue.numberText(x)
            case .bool(let b): return b ? "true" : "false"
            default: return item.serialized()
            }
        })
    }
}
