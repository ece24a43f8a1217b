/// Writes tables as CSV (or TSV): a header row, then one record per row. Fields holding the
/// separator, a quote, a line break or surrounding spaces are quoted with quotes doubled;
/// numbers are written with full precision (integers without a fraction), NaN as an empty
/// field, booleans as true/false. What ``CSVReader`` reads back is the same table.
public enum CSVWriter {
    public static func encode(_ table: Table, separator: UInt8 = UInt8(ascii: ",")) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(max(64, table.rowCount * table.columnCount * 12))
        func field(_ s: String) {
            let bytes = Array(s.utf8)
            let needsQuotes = bytes.contains { $0 == separator || $0 == 34 || $0 == 10 || $0 == 13 }
                || bytes.first == 32 || bytes.last == 32
            if needsQuotes {
                out.append(34)
                for b in bytes {
                    if b == 34 { out.append(34) }
                    out.append(b)
                }
                out.append(34)
            } else {
                out.append(contentsOf: bytes)
            }
        }
        for (j, name) in table.names.enumerated() {
            if j > 0 { out.append(separator) }
            field(name)
        }
        out.append(10)
        for i in 0..<table.rowCount {
            for j in 0..<table.columnCount {
                if j > 0 { out.append(separator) }
                switch table.columns[j] {
                case .numbers(let v): appendNumber(v[i], to: &out)
                case .bools(let v): out.append(contentsOf: v[i] ? Array("true".utf8) : Array("false".utf8))
                case .strings(let v): field(v[i])
                }
            }
            out.append(10)
        }
        return out
    }

    /// Shortest text that reads back as the same double; integers below 2⁵³ without a point.
    static func appendNumber(_ x: Double, to out: inout [UInt8]) {
        if x.isNaN { return }
        if x.isInfinite { out.append(contentsOf: Array((x > 0 ? "inf" : "-inf").utf8)); return }
        if x == x.rounded(), abs(x) < 9.007_199_254_740_992e15 {
            out.append(contentsOf: Array(String(Int64(x)).utf8))
            return
        }
        out.append(contentsOf: Array(x.description.utf8))
    }
}
