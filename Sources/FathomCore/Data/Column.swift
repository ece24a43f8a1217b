/// One column of a table, or one vector value: contiguous numbers, booleans or strings.
///
/// Integers are stored as doubles (exact up to 2⁵³); a table remembers which numeric columns
/// were integers when it was read (see ``Table/ColumnKind``).
public enum Column: Sendable, Equatable {
    case numbers([Double])
    case bools([Bool])
    case strings([String])

    public var count: Int {
        switch self {
        case .numbers(let v): v.count
        case .bools(let v): v.count
        case .strings(let v): v.count
        }
    }

    /// The element type in words: "number", "bool" or "string".
    public var elementName: String {
        switch self {
        case .numbers: "number"
        case .bools: "bool"
        case .strings: "string"
        }
    }

    /// The elements at `indices`, in that order (indices must be in range).
    public func gather(_ indices: [Int]) -> Column {
        switch self {
        case .numbers(let v): .numbers(indices.map { v[$0] })
        case .bools(let v): .bools(indices.map { v[$0] })
        case .strings(let v): .strings(indices.map { v[$0] })
        }
    }

    /// The elements at the positions where `mask` is true (`mask.count == count`).
    public func masked(_ mask: [Bool]) -> Column {
        func pick<T>(_ v: [T]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(v.count)
            for i in v.indices where mask[i] { out.append(v[i]) }
            return out
        }
        switch self {
        case .numbers(let v): return .numbers(pick(v))
        case .bools(let v): return .bools(pick(v))
        case .strings(let v): return .strings(pick(v))
        }
    }

    /// A contiguous run of elements.
    public func slice(_ range: Range<Int>) -> Column {
        switch self {
        case .numbers(let v): .numbers(Array(v[range]))
        case .bools(let v): .bools(Array(v[range]))
        case .strings(let v): .strings(Array(v[range]))
        }
    }
}
