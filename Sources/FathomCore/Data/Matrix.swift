/// A dense matrix of doubles, stored row-major in one contiguous array.
///
/// Element (i, j) is `storage[i * cols + j]`. Probabilities and logits are N×K matrices: one
/// row per example, one column per class.
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let cols: Int
    public var storage: [Double]
    /// The columns' names when the matrix was taken from named columns (`select(t, "p_*")`)
    /// or made by a model with named classes; nil otherwise. Text labels are matched to
    /// probability columns through these names, never by position in a sorted list. Row
    /// selections keep them; arithmetic does not.
    public var columnNames: [String]?

    /// A matrix over `storage` (row-major); `storage.count` must be `rows * cols`.
    public init(rows: Int, cols: Int, storage: [Double]) {
        precondition(rows >= 0 && cols >= 0 && storage.count == rows * cols, "matrix storage does not match its shape")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// A matrix of `rows × cols` copies of `value`.
    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        self.init(rows: rows, cols: cols, storage: [Double](repeating: value, count: rows * cols))
    }

    /// A matrix from equal-length rows.
    public init(rowArrays: [[Double]]) {
        let cols = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == cols }, "ragged rows")
        var storage: [Double] = []
        storage.reserveCapacity(rowArrays.count * cols)
        for row in rowArrays { storage.append(contentsOf: row) }
        self.init(rows: rowArrays.count, cols: cols, storage: storage)
    }

    public var count: Int { storage.count }

    @inlinable
    public subscript(row: Int, col: Int) -> Double {
        get { storage[row * cols + col] }
        set { storage[row * cols + col] = newValue }
    }

    /// Row `i` as a new array.
    public func row(_ i: Int) -> [Double] {
        Array(storage[(i * cols)..<((i + 1) * cols)])
    }

    /// Column `j` as a new array.
    public func column(_ j: Int) -> [Double] {
        var out = [Double](repeating: 0, count: rows)
        storage.withUnsafeBufferPointer { s in
            for i in 0..<rows { out[i] = s[i * cols + j] }
        }
        return out
    }

    /// The transpose (cols × rows).
    public func transposed() -> Matrix {
        var out = [Double](repeating: 0, count: storage.count)
        storage.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<rows {
                    for j in 0..<cols { o[j * rows + i] = s[i * cols + j] }
                }
            }
        }
        return Matrix(rows: cols, cols: rows, storage: out)
    }

    /// The rows at `indices`, in that order.
    public func selectingRows(_ indices: [Int]) -> Matrix {
        var out = [Double]()
        out.reserveCapacity(indices.count * cols)
        storage.withUnsafeBufferPointer { s in
            for i in indices { out.append(contentsOf: s[(i * cols)..<((i + 1) * cols)]) }
        }
        var m = Matrix(rows: indices.count, cols: cols, storage: out)
        m.columnNames = columnNames
        return m
    }

    /// The columns at `indices`, in that order.
    public func selectingColumns(_ indices: [Int]) -> Matrix {
        var out = [Double](repeating: 0, count: rows * indices.count)
        let k = indices.count
        storage.withUnsafeBufferPointer { s in
            for i in 0..<rows {
                for (c, j) in indices.enumerated() { out[i * k + c] = s[i * cols + j] }
            }
        }
        var m = Matrix(rows: rows, cols: k, storage: out)
        m.columnNames = columnNames.map { names in indices.map { names[$0] } }
        return m
    }

    /// The same matrix with the columns named `names` (one per column), or unnamed for nil.
    public func named(_ names: [String]?) -> Matrix {
        var m = self
        m.columnNames = names.flatMap { $0.count == cols ? $0 : nil }
        return m
    }
}
