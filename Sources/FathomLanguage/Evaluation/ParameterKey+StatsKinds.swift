import FathomCore

// Kinds of parameter for the statistics, vector, matrix, plot and classification builtins
// (see ParameterKey+Kinds.swift for the common ones).

/// Rows as read: the matrix and whether it came as a vector (one row).
public typealias RowsInput = (matrix: Matrix, wasVector: Bool)

extension ParameterKey where T == RowsInput {
    /// A matrix, one row per example, or a vector taken as one row.
    public static func rows(_ name: String, type: String = "matrix or vector", doc: String) -> ParameterKey {
        ParameterKey(Parameter(name, type, doc: doc)) { args, name in
            switch try args.required(name) {
            case .matrix(let m): return (m, false)
            case .vector(.numbers(let v)): return (Matrix(rows: 1, cols: v.count, storage: v), true)
            default: throw args.mismatch(name, expected: "a matrix (one row per example) or a vector")
            }
        }
    }
}
