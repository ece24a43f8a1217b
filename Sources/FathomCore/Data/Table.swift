/// Named columns of equal length: the shape of a loaded CSV file or of a result with several
/// fields per row (reliability bins, drift reports, backtests).
public struct Table: Sendable, Equatable {
    /// What a column held when it was read: integer columns print without decimals and
    /// round-trip as integers.
    public enum ColumnKind: String, Sendable, Equatable {
        case integer, float, bool, string
    }

    public private(set) var names: [String]
    public private(set) var columns: [Column]
    public private(set) var kinds: [ColumnKind]

    /// An empty table with no columns and no rows.
    public init() {
        names = []
        columns = []
        kinds = []
    }

    /// A table from `(name, column)` pairs of equal length; integer-valued number columns are
    /// marked `.integer`.
    public init(_ pairs: [(String, Column)]) {
        self.init()
        for (name, column) in pairs { setColumn(name, column) }
    }

    /// A table from columns whose names the caller has made unique, all of one length: built
    /// in one step (``setColumn(_:_:kind:)`` looks each name up, which is quadratic for the
    /// hundred thousand columns of a wide file).
    public init(uniqueNames names: [String], columns: [Column], kinds: [ColumnKind]) {
        precondition(names.count == columns.count && kinds.count == columns.count, "names, columns and kinds differ in number")
        precondition(columns.allSatisfy { $0.count == columns.first?.count }, "column lengths differ")
        self.names = names
        self.columns = columns
        self.kinds = kinds
    }

    public var rowCount: Int { columns.first?.count ?? 0 }
    public var columnCount: Int { columns.count }

    /// The index of the column called `name`, if any.
    public func index(of name: String) -> Int? { names.firstIndex(of: name) }

    public func column(_ name: String) -> Column? { index(of: name).map { columns[$0] } }

    /// Adds or replaces a column. The caller has checked its length (unless the table is
    /// empty).
    public mutating func setColumn(_ name: String, _ column: Column, kind: ColumnKind? = nil) {
        precondition(columns.isEmpty || column.count == rowCount, "column length does not match the table")
        let k = kind ?? Table.inferKind(column)
        if let i = index(of: name) {
            columns[i] = column
            kinds[i] = k
        } else {
            names.append(name)
            columns.append(column)
            kinds.append(k)
        }
    }

    /// The kind a column would be read as.
    public static func inferKind(_ column: Column) -> ColumnKind {
        switch column {
        case .bools: return .bool
        case .strings: return .string
        case .numbers(let v):
            let integral = v.allSatisfy { $0.isNaN || ($0 == $0.rounded() && abs($0) < 9.007_199_254_740_992e15) }
            return integral ? .integer : .float
        }
    }

    /// The rows at `indices`, in that order.
    public func selectingRows(_ indices: [Int]) -> Table {
        var t = self
        t.columns = columns.map { $0.gather(indices) }
        return t
    }

    /// The rows where `mask` is true.
    public func maskingRows(_ mask: [Bool]) -> Table {
        var t = self
        t.columns = columns.map { $0.masked(mask) }
        return t
    }

    /// A contiguous run of rows.
    public func slicingRows(_ range: Range<Int>) -> Table {
        var t = self
        t.columns = columns.map { $0.slice(range) }
        return t
    }

    /// The table's columns side by side as an N × d matrix (booleans as 0 and 1), or the index
    /// of the first text column when there is one.
    public func numericMatrix() -> Result<Matrix, TextColumn> {
        let d = columnCount
        var storage = [Double](repeating: 0, count: rowCount * d)
        for (j, c) in columns.enumerated() {
            switch c {
            case .numbers(let v): for i in 0..<rowCount { storage[i * d + j] = v[i] }
            case .bools(let b): for i in 0..<rowCount { storage[i * d + j] = b[i] ? 1 : 0 }
            case .strings: return .failure(TextColumn(index: j))
            }
        }
        return .success(Matrix(rows: rowCount, cols: d, storage: storage))
    }

    /// A text column where numbers were needed.
    public struct TextColumn: Error, Sendable { public let index: Int }

    /// The named columns, in the given order.
    public func selectingColumns(_ indices: [Int]) -> Table {
        var t = Table()
        for i in indices { t.setColumn(names[i], columns[i], kind: kinds[i]) }
        return t
    }
}
