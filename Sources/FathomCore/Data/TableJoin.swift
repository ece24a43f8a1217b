/// Joining two tables on key columns, with pandas `merge` semantics for `how="inner"` and
/// `how="left"`.
public enum TableJoin {
    public enum How: String, Sendable, CaseIterable {
        /// Rows whose key occurs in both tables.
        case inner
        /// Every row of the left table; right columns missing where its key has no match.
        case left
    }

    /// Why two tables cannot be joined.
    public enum Problem: Error, Sendable, Equatable {
        /// Key column `name` holds different kinds of values in the two tables.
        case keyKinds(name: String, left: String, right: String)
        /// A suffixed name `name` collides with a column that already has it.
        case suffixCollision(name: String)
        /// The join would have more than `limit` rows (it stopped counting there).
        case tooManyRows(limit: Int)
    }

    /// The pairs of matching rows, in pandas' order (pandas ≥ 2.2 with `sort=False`): left
    /// rows in their order, each followed by its matches in the right table's order; a left
    /// row without a match appears once, with no right row, only for `.left`. Keys are equal
    /// when every key column is equal; a missing number (NaN) equals NaN, as in pandas.
    /// Polls Ctrl-C; more than `maxRows` pairs is ``Problem/tooManyRows(limit:)``.
    public static func matches(_ left: Table, _ leftKeys: [Int], _ right: Table, _ rightKeys: [Int], how: How, maxRows: Int = Int.max) throws -> [(left: Int, right: Int?)] {
        var index: [[KeyPart]: [Int]] = [:]
        for r in 0..<right.rowCount {
            if r & 0xFFF == 0 { try Interruption.check() }
            index[key(right, rightKeys, r), default: []].append(r)
        }
        var out: [(Int, Int?)] = []
        for l in 0..<left.rowCount {
            if l & 0xFFF == 0 { try Interruption.check() }
            if let rows = index[key(left, leftKeys, l)] {
                if out.count + rows.count > maxRows { throw Problem.tooManyRows(limit: maxRows) }
                for r in rows { out.append((l, r)) }
            } else if how == .left {
                out.append((l, nil))
            }
        }
        return out
    }

    /// The joined table: the left table's columns (keys where they stand), then the right
    /// table's non-key columns. A non-key name in both gets the suffixes ("_x" left, "_y"
    /// right), as pandas. Where a left row has no match, right numbers are NaN, right text is
    /// empty (Fathom's missing text) and right booleans become numbers 1/0 with NaN (pandas
    /// makes them objects holding NaN).
    /// `on` names key columns present in both tables.
    public static func join(_ left: Table, _ right: Table, on: [String], how: How, suffixes: (String, String) = ("_x", "_y"), maxRows: Int = Int.max) throws -> Table {
        let leftKeys = on.map { left.index(of: $0)! }, rightKeys = on.map { right.index(of: $0)! }
        for (name, (l, r)) in zip(on, zip(leftKeys, rightKeys)) where left.columns[l].elementName != right.columns[r].elementName {
            throw Problem.keyKinds(name: name, left: left.columns[l].elementName, right: right.columns[r].elementName)
        }
        let pairs = try matches(left, leftKeys, right, rightKeys, how: how, maxRows: maxRows)
        let rightOthers = right.names.indices.filter { !rightKeys.contains($0) }
        let shared = Set(left.names.filter { !on.contains($0) }).intersection(rightOthers.map { right.names[$0] })
        var names: [String] = left.names.map { shared.contains($0) ? $0 + suffixes.0 : $0 }
        names += rightOthers.map { shared.contains(right.names[$0]) ? right.names[$0] + suffixes.1 : right.names[$0] }
        var seen = Set<String>()
        for n in names where !seen.insert(n).inserted { throw Problem.suffixCollision(name: n) }

        var out = Table()
        let leftRows = pairs.map(\.left)
        for (j, column) in left.columns.enumerated() {
            out.setColumn(names[j], column.gather(leftRows), kind: left.kinds[j])
        }
        let rightRows = pairs.map(\.right)
        for (k, j) in rightOthers.enumerated() {
            let column = gatherOptional(right.columns[j], rightRows)
            let kind: Table.ColumnKind = rightRows.contains(nil) && right.kinds[j] == .bool ? .float : right.kinds[j]
            out.setColumn(names[left.columnCount + k], column, kind: kind == .integer ? Table.inferKind(column) : kind)
        }
        return out
    }

    /// The elements at `rows`, a missing value where the row is nil.
    static func gatherOptional(_ c: Column, _ rows: [Int?]) -> Column {
        switch c {
        case .numbers(let v): return .numbers(rows.map { $0.map { v[$0] } ?? .nan })
        case .strings(let v): return .strings(rows.map { $0.map { v[$0] } ?? "" })
        case .bools(let v):
            if !rows.contains(nil) { return .bools(rows.map { v[$0!] }) }
            return .numbers(rows.map { $0.map { v[$0] ? 1 : 0 } ?? .nan })
        }
    }

    /// One key value, hashable; NaN is one value (pandas matches NaN keys with each other).
    enum KeyPart: Hashable {
        case number(Double)
        case missing
        case text(String)
        case bool(Bool)
    }

    static func key(_ t: Table, _ keys: [Int], _ row: Int) -> [KeyPart] {
        keys.map { j in
            switch t.columns[j] {
            case .numbers(let v): return v[row].isNaN ? .missing : .number(v[row] == 0 ? 0 : v[row])
            case .strings(let v): return .text(v[row])
            case .bools(let v): return .bool(v[row])
            }
        }
    }
}
