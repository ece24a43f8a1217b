/// An array read from NumPy's `.npy` format: its shape and its values as doubles in C
/// (row-major) order.
public struct NumpyArray: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Double]
    /// The file held booleans (values are 0 and 1).
    public var isBool: Bool
    /// The dtype as the file spells it (`<f8`, `|u1`, …).
    public var dtype: String

    public init(shape: [Int], values: [Double], isBool: Bool = false, dtype: String = "<f8") {
        self.shape = shape
        self.values = values
        self.isBool = isBool
        self.dtype = dtype
    }
}

/// A `.npy` or `.npz` file that could not be read.
public struct NumpyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
