/// Row orderings, groupings and summaries of tables.
public enum TableOperations {
    /// Row positions ordering the table by `keys` (columns, first key first), stable; NaN and
    /// empty text sort last whichever the direction.
    public static func order(_ table: Table, by keys: [Int], descending: Bool) -> [Int] {
        var rows = Array(0..<table.rowCount)
        func compare(_ a: Int, _ b: Int) -> Bool? {
            for k in keys {
                switch table.columns[k] {
                case .numbers(let v):
                    let x = v[a], y = v[b]
                    if x.isNaN || y.isNaN {
                        if x.isNaN && y.isNaN { continue }
                        return y.isNaN
                    }
                    if x != y { return descending ? x > y : x < y }
                case .bools(let v):
                    if v[a] != v[b] { return descending ? v[a] : v[b] }
                case .strings(let v):
                    let x = v[a], y = v[b]
                    if x.isEmpty != y.isEmpty { return y.isEmpty }
                    if x != y { return descending ? x > y : x < y }
                }
            }
            return nil
        }
        // A stable merge sort (Swift's sort is not guaranteed stable).
        var buffer = rows
        // On Ctrl-C it stops early, leaving the rows in no particular order (the interpreter
        // discards the result).
        func mergeSort(_ lo: Int, _ hi: Int) {
            guard hi - lo > 1, hi - lo < 1 << 12 || !Interruption.isRequested else { return }
            let mid = (lo + hi) / 2
            mergeSort(lo, mid)
            mergeSort(mid, hi)
            var i = lo, j = mid, k = lo
            while i < mid && j < hi {
                if k & 0xFFFF == 0 && Interruption.isRequested { break }
                if compare(rows[j], rows[i]) == true { buffer[k] = rows[j]; j += 1 } else { buffer[k] = rows[i]; i += 1 }
                k += 1
            }
            while i < mid { buffer[k] = rows[i]; i += 1; k += 1 }
            while j < hi { buffer[k] = rows[j]; j += 1; k += 1 }
            for t in lo..<hi { rows[t] = buffer[t] }
        }
        mergeSort(0, rows.count)
        return rows
    }

    /// The distinct values of a column in sorted order, each with the rows holding it.
    public static func groups(_ column: Column) -> [(key: Column, rows: [Int])] {
        let t = Table([("k", column)])
        let ordered = order(t, by: [0], descending: false)
        var out: [(Column, [Int])] = []
        for (position, r) in ordered.enumerated() {
            if position & 0xFFFF == 0 && Interruption.isRequested { break }
            if let last = out.last, sameValue(column, last.1[0], r) {
                out[out.count - 1].1.append(r)
            } else {
                out.append((column.gather([r]), [r]))
            }
        }
        return out
    }

    static func sameValue(_ c: Column, _ a: Int, _ b: Int) -> Bool {
        switch c {
        case .numbers(let v): return v[a] == v[b] || (v[a].isNaN && v[b].isNaN)
        case .bools(let v): return v[a] == v[b]
        case .strings(let v): return v[a] == v[b]
        }
    }

    /// One row per column: kind, present and missing counts, and for numbers mean, sd, min,
    /// quartiles and max (missing values left out); for text and booleans the number of
    /// distinct values and the most frequent one.
    public static func describe(_ table: Table) -> Table {
        var name: [String] = [], kind: [String] = [], count: [Double] = [], missing: [Double] = []
        var stats: [[Double]] = Array(repeating: [], count: 7)  // mean, sd, min, q25, median, q75, max
        var unique: [Double] = [], top: [String] = []
        func addStats(_ present: [Double]) {
            // On Ctrl-C nothing more is computed: the result is discarded.
            guard !present.isEmpty, !Interruption.isRequested else {
                for k in 0..<7 { stats[k].append(.nan) }
                return
            }
            let q = Descriptive.quantiles(present, [0, 0.25, 0.5, 0.75, 1])
            let row = [Descriptive.mean(present), present.count > 1 ? Descriptive.standardDeviation(present) : .nan, q[0], q[1], q[2], q[3], q[4]]
            for k in 0..<7 { stats[k].append(row[k]) }
        }
        func mostFrequent(_ values: [String]) -> String {
            var freq: [String: Int] = [:]
            for x in values { freq[x, default: 0] += 1 }
            return freq.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key ?? ""
        }
        for (j, column) in table.columns.enumerated() {
            name.append(table.names[j])
            kind.append(table.kinds[j].rawValue)
            switch column {
            case .numbers(let v):
                let present = v.filter { !$0.isNaN }
                count.append(Double(present.count))
                missing.append(Double(v.count - present.count))
                addStats(present)
                // On Ctrl-C the quartiles' sort returned early: skip the second sort.
                unique.append(Interruption.isRequested ? .nan : Double(Descriptive.unique(present).count))
                top.append("")
            case .bools(let b):
                count.append(Double(b.count))
                missing.append(0)
                addStats(b.map { $0 ? 1 : 0 })
                unique.append(Double((b.contains(true) ? 1 : 0) + (b.contains(false) ? 1 : 0)))
                top.append(mostFrequent(b.map { $0 ? "true" : "false" }))
            case .strings(let s):
                let present = s.filter { !$0.isEmpty }
                count.append(Double(present.count))
                missing.append(Double(s.count - present.count))
                addStats([])
                unique.append(Double(Set(present).count))
                top.append(mostFrequent(present))
            }
        }
        var t = Table()
        t.setColumn("column", .strings(name))
        t.setColumn("kind", .strings(kind))
        t.setColumn("count", .numbers(count), kind: .integer)
        t.setColumn("missing", .numbers(missing), kind: .integer)
        for (k, label) in ["mean", "sd", "min", "q25", "median", "q75", "max"].enumerated() {
            t.setColumn(label, .numbers(stats[k]), kind: .float)
        }
        t.setColumn("unique", .numbers(unique), kind: .integer)
        t.setColumn("top", .strings(top))
        return t
    }
}
