#if canImport(Glibc)
import Glibc
#endif

/// How numbers print in text: `digits` significant digits (default 6), integers in full.
public enum NumberFormat {
    /// `x` with `digits` significant digits: integral values below 10¹⁵ print as integers,
    /// others as C's `%.<digits>g`; NaN, Inf and -Inf by name.
    public static func short(_ x: Double, digits: Int = 6) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "Inf" : "-Inf" }
        if x == x.rounded(), abs(x) < 1e15 {
            return x == 0 ? "0" : String(Int64(x))
        }
        return formatG(x, digits: digits)
    }

    /// A count with its noun, singular for one: "1 row", "3 rows".
    public static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }

    /// A share as a percentage to one decimal: 0.7351 → "73.5%".
    public static func percent(_ x: Double) -> String {
        short((x * 1000).rounded() / 10, digits: 4) + "%"
    }

    /// C's `%.*g`.
    public static func formatG(_ x: Double, digits: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let n = withVaList([Int32(max(1, min(17, digits))), x]) { args in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, 64, "%.*g", args) }
        }
        return String(decoding: buffer[0..<Int(max(0, min(63, n)))].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Settings for turning values into text.
public struct RenderOptions: Sendable {
    /// Significant digits for numbers (`:set digits N`).
    public var digits: Int
    /// Rows of a matrix or table shown before the rest is summarised.
    public var maxRows: Int
    /// Characters a line may use.
    public var width: Int
    /// The cell whose value is being shown, if it is one: a plot's one-line description names
    /// it (`plot(_12, to=…)`), since `_12` is the one name sure to hold that plot.
    public var cell: Int?
    /// How many records and lists enclose the value being shown: past
    /// ``Value/maxShownDepth`` their contents are elided as `{…}` and `[…]`.
    public var depth = 0

    /// The options for the parts of a record or list: no cell names them, and they sit one
    /// level deeper.
    public var forParts: RenderOptions {
        var o = self
        o.cell = nil
        o.depth += 1
        return o
    }

    public init(digits: Int = 6, maxRows: Int = 20, width: Int = 80, cell: Int? = nil) {
        self.digits = digits
        self.maxRows = maxRows
        self.width = width
        self.cell = cell
    }
}
