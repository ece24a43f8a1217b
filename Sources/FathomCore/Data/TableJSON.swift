/// Tables from JSON: an array of records (`[{"a": 1, "b": "x"}, …]`) or a record of columns
/// (`{"a": [1, 2], "b": ["x", "y"]}`). A column of numbers (null as NaN) is numeric; of
/// booleans, boolean; anything else is text (null as "").
public enum TableJSON {
    public enum Failure: Error, Equatable {
        case notATable
        case ragged(column: String, length: Int, expected: Int)
        case notRecord(index: Int)
        case tooLarge(rows: Int, columns: Int)
    }

    /// The table `json` describes, holding at most `limit` cells (more is ``Failure/tooLarge``).
    /// Linear in the size of the document: names are looked up in a dictionary.
    public static func table(from json: JSONValue, limit: Int = InputSize.defaultLimit) throws -> Table {
        switch json {
        case .array(let rows):
            var names: [String] = []
            var index: [String: Int] = [:]
            for (i, row) in rows.enumerated() {
                guard case .object(let members) = row else { throw Failure.notRecord(index: i) }
                for (k, _) in members where index[k] == nil {
                    index[k] = names.count
                    names.append(k)
                }
            }
            let (cells, overflow) = rows.count.multipliedReportingOverflow(by: names.count)
            guard !overflow, cells <= limit else { throw Failure.tooLarge(rows: rows.count, columns: names.count) }
            var items = [[JSONValue]](repeating: [JSONValue](repeating: .null, count: rows.count), count: names.count)
            for (r, row) in rows.enumerated() {
                guard case .object(let members) = row else { continue }
                // Backwards, so that the first of repeated names wins.
                for (k, v) in members.reversed() { items[index[k]!][r] = v }
            }
            let columns = items.map(column)
            return Table(uniqueNames: names, columns: columns, kinds: columns.map(Table.inferKind))
        case .object(let members):
            guard !members.isEmpty else { throw Failure.notATable }
            var names: [String] = []
            var index: [String: Int] = [:]
            var columns: [Column] = []
            var cells = 0
            for (name, value) in members {
                guard case .array(let items) = value else { throw Failure.notATable }
                if let e = columns.first?.count, e != items.count { throw Failure.ragged(column: name, length: items.count, expected: e) }
                cells += items.count
                guard cells <= limit else { throw Failure.tooLarge(rows: items.count, columns: members.count) }
                // A repeated name replaces the earlier column in its place.
                if let i = index[name] {
                    columns[i] = column(items)
                } else {
                    index[name] = names.count
                    names.append(name)
                    columns.append(column(items))
                }
            }
            return Table(uniqueNames: names, columns: columns, kinds: columns.map(Table.inferKind))
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
