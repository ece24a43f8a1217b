/// The one check every loader makes before it allocates from a size it read in a file (an
/// `.npy` shape, a zip member's declared size, a CSV file's cells): the size must be possible,
/// the file must hold the bytes it promises, and the values must fit the session's element
/// limit. A lying header is refused here, never by trying to allocate what it claims.
public enum InputSize {
    /// 2²⁸ values (2 GiB of float64): the session's default element limit.
    public static let defaultLimit = 1 << 28

    /// Why a size was refused, in words for a message after the file's name.
    public struct Refusal: Error, Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// A negative dimension, or a product that does not fit in a machine integer.
            case impossible
            /// More values than the element limit allows.
            case tooLarge
            /// The file holds fewer bytes than the size needs.
            case truncated
        }
        public var kind: Kind
        public var message: String
    }

    /// The number of values in an array of `shape` (1 for no dimensions), or nil when a
    /// dimension is negative or the product overflows.
    public static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (m, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { return nil }
            count = m
        }
        return count
    }

    /// Checks `count` values of `bytesEach` bytes, described as `what` ("the header declares"):
    /// first that the bytes exist (`available`, when the file's size is known), then that the
    /// values fit `limit`. Returns the number of bytes they occupy.
    @discardableResult
    public static func check(_ count: Int, bytesEach: Int, available: Int?, limit: Int, what: String) throws(Refusal) -> Int {
        guard count >= 0, bytesEach >= 0 else {
            throw Refusal(kind: .impossible, message: "\(what) \(count) values, an impossible size")
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: bytesEach)
        guard !overflow else {
            throw Refusal(kind: .impossible, message: "impossible size: \(what) \(count) values of \(bytesEach) bytes, more bytes than any file holds")
        }
        if let available, bytes > available {
            throw Refusal(kind: .truncated, message: "truncated: \(what) \(count) values (\(bytes) bytes), the file holds \(available) bytes of data")
        }
        guard count <= limit else {
            let (limitBytes, huge) = limit.multipliedReportingOverflow(by: 8)
            throw Refusal(kind: .tooLarge, message: "too large: \(what) \(count) values, more than the limit of \(limit) values\(huge ? "" : " (\(bytesText(limitBytes)) of float64)")")
        }
        return bytes
    }

    /// Checks that a table of `rows` × `columns` cells fits `limit`.
    public static func checkCells(rows: Int, columns: Int, limit: Int) throws(Refusal) {
        let (cells, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow, cells <= limit else {
            throw Refusal(kind: .tooLarge, message: "too large: more than \(limit) cells (\(rows) rows × \(columns) columns so far), the limit of values one table may hold")
        }
    }

    /// A byte count in the largest binary unit that keeps it at least 1, exact to three
    /// significant digits (`2 GiB`, `8.5 GiB`, `512 MiB`, `100 bytes`).
    public static func bytesText(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var v = Double(bytes), i = 0
        while v >= 1024, i < units.count - 1 { v /= 1024; i += 1 }
        if i == 0 { return "\(bytes) bytes" }
        let rounded = (v * 100).rounded() / 100
        var text = rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text + " " + units[i]
    }
}
