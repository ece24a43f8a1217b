import Foundation
import FathomCore

/// Reads a JSON fixture from this target's Fixtures/ folder with Fathom's own parser, which
/// reads numbers with correct rounding (Foundation's JSONSerialization can be off in the last
/// bit on Linux).
enum Fixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func json(_ name: String) throws -> JSONValue {
        try JSONValue.parse(try FileSystem.readBytes(folder.appendingPathComponent(name).path))
    }
}

extension JSONValue {
    var double: Double { if case .number(let x) = self { return x }; fatalError("not a number: \(self)") }
    var doubles: [Double] { if case .array(let a) = self { return a.map(\.double) }; fatalError("not an array") }
    var string: String { if case .string(let s) = self { return s }; fatalError("not a string") }
    var array: [JSONValue] { if case .array(let a) = self { return a }; fatalError("not an array") }
}

/// |a − b| ≤ abs + rel·|b|, with NaN equal to NaN.
func close(_ a: Double, _ b: Double, rel: Double = 0, abs: Double = 0) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if a.isInfinite || b.isInfinite { return a == b }
    return Swift.abs(a - b) <= abs + rel * Swift.abs(b)
}
