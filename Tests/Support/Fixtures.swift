import Foundation
import FathomCore

/// Reference fixtures: JSON (and .npy) files in Tests/FathomCoreTests/Fixtures, made by the
/// scripts in Scripts/ from the reference libraries, read with Fathom's own JSON parser, which
/// rounds numbers correctly (Foundation's JSONSerialization can be off in the last bit on
/// Linux). Shared by every test target.
public enum Fixture {
    /// Tests/FathomCoreTests/Fixtures.
    public static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FathomCoreTests/Fixtures")

    /// The path of `name` (such as "reliability/metrics.json") in the fixtures folder.
    public static func path(_ name: String) -> String {
        folder.appendingPathComponent(name).path
    }

    /// The JSON fixture `name`.
    public static func json(_ name: String) throws -> JSONValue {
        try JSONValue.parse(try FileSystem.readBytes(path(name)))
    }
}

extension JSONValue {
    public var double: Double { if case .number(let x) = self { return x }; fatalError("not a number: \(self)") }
    public var doubles: [Double] { if case .array(let a) = self { return a.map(\.double) }; fatalError("not an array") }
    public var array: [JSONValue] { if case .array(let a) = self { return a }; fatalError("not an array") }
    public var bool: Bool { if case .bool(let b) = self { return b }; fatalError("not a bool") }
    public var text: String { if case .string(let s) = self { return s }; fatalError("not a string") }
    public var keys: [String] { if case .object(let o) = self { return o.map(\.0) }; fatalError("not an object") }
    /// The `value` of a reference object `{value, …}`.
    public var reference: JSONValue { self["value"]! }

    /// A fixture number: null is NaN, "inf" is +∞, "-inf" is −∞.
    public var fixtureNumber: Double {
        switch self {
        case .null: return .nan
        case .string("inf"): return .infinity
        case .string("-inf"): return -.infinity
        default: return double
        }
    }

    /// Numbers, flattened row by row when nested.
    public var fixtureNumbers: [Double] {
        guard case .array(let a) = self else { return [fixtureNumber] }
        return a.flatMap(\.fixtureNumbers)
    }

    /// A matrix from an array of rows.
    public var fixtureMatrix: Matrix { Matrix(rowArrays: array.map(\.doubles)) }
}
