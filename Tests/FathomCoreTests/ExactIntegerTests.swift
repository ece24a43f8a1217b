import Testing
import Foundation
@testable import FathomCore
import FathomTestSupport

/// Integers beyond 2⁵³ (IDs, hashes, nanosecond timestamps) that a double cannot hold are
/// never rounded silently: an inferred CSV column keeps them as text, a column given as
/// "integer" and a JSON number are refused with the way out, an .npy int64 is refused; a
/// column given as "float" rounds them, as asked. Integers a double holds exactly, however
/// large, read as numbers.
@Suite("Integers beyond 2^53")
struct ExactIntegerTests {
    static func csv(_ text: String, types: [String: Table.ColumnKind] = [:]) throws -> Table {
        var options = CSVOptions()
        options.types = types
        return try CSVReader.read(bytes: Array(text.utf8), name: "ids.csv", options: options)
    }

    @Test("an inferred CSV column of large IDs is text, digit for digit")
    func csvText() throws {
        let t = try ExactIntegerTests.csv("id,x\n9007199254740993,1\n12,2\n-0012345678901234567,3\n")
        #expect(t.kinds == [.string, .integer])
        guard case .strings(let ids) = t.columns[0] else { Issue.record("id is not text"); return }
        #expect(ids == ["9007199254740993", "12", "-0012345678901234567"])
        // Past the sample: the column is re-read as text.
        let many = "id\n" + String(repeating: "1\n", count: 5000) + "18446744073709551617\n"
        let u = try ExactIntegerTests.csv(many)
        guard case .strings(let s) = u.columns[0] else { Issue.record("a late large ID did not make the column text"); return }
        #expect(s.last == "18446744073709551617" && s.count == 5001)
    }

    @Test("integers a double holds exactly stay numbers, however large")
    func exactLarge() throws {
        let t = try ExactIntegerTests.csv("x\n9007199254740992\n1152921504606846976\n-9223372036854775808\n12345678901234567890.5\n1e30\n")
        #expect(t.kinds == [.float] || t.kinds == [.integer])
        guard case .numbers(let v) = t.columns[0] else { Issue.record("not numbers"); return }
        #expect(v[0] == 9007199254740992 && v[1] == 1152921504606846976 && v[2] == -9223372036854775808)
    }

    @Test("types= integer refuses a large ID with the way out; float rounds it")
    func forced() throws {
        #expect(throws: CSVError.self) { try ExactIntegerTests.csv("id\n1\n9007199254740993\n", types: ["id": .integer]) }
        do {
            _ = try ExactIntegerTests.csv("id\n1\n9007199254740993\n", types: ["id": .integer])
        } catch let e as CSVError {
            #expect(e.line == 3)
            #expect(e.message == "the integer 9007199254740993 in column 'id' is beyond 2^53, where a number loses its last digits; read the column as text with types={id: \"string\"}, or as rounded numbers with \"float\"")
        }
        let t = try ExactIntegerTests.csv("id\n1\n9007199254740993\n", types: ["id": .float])
        guard case .numbers(let v) = t.columns[0] else { Issue.record("not numbers"); return }
        #expect(v[1] == 9007199254740992)
    }

    @Test("JSON numbers: a large integer is refused, an exact one read")
    func json() throws {
        #expect(throws: JSONParseError.self) { try JSONValue.parse("{\"id\": [1, 9007199254740993]}") }
        do {
            _ = try JSONValue.parse("{\"id\": [1,\n 9007199254740993]}")
        } catch let e as JSONParseError {
            #expect(e.line == 2 && e.column == 2)
            #expect(e.message == "the integer 9007199254740993 is beyond 2^53, where a number loses its last digits; write it as a string (\"9007199254740993\") to keep it exactly")
        }
        #expect(try JSONValue.parse("[9007199254740992, 1152921504606846976, 1.5e300, 90071992547409931.5]") == .array([.number(9007199254740992), .number(1152921504606846976), .number(1.5e300), .number(90071992547409931.5)]))
    }

    @Test(".npy int64 and uint64: a value a double cannot hold is refused")
    func npy() throws {
        func bytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] { values.flatMap { v in (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: v.littleEndian >> (8 * $0)) } } }
        let bad = HostileFormatTests.npy("(3,)", descr: "<i8", data: bytes([Int64(1), 2, 9_007_199_254_740_993]))
        #expect(HostileFormatTests.message { try NPYFormat.read(bytes: bad, path: "ids.npy") }
            == "element 2 is the integer 9007199254740993, which a float64 cannot hold exactly (integers beyond 2^53 lose their last digits); Fathom computes in float64, so it refuses the file rather than change the value")
        let badU = HostileFormatTests.npy("(1,)", descr: "<u8", data: bytes([UInt64.max]))
        #expect(HostileFormatTests.message { try NPYFormat.read(bytes: badU, path: "ids.npy") }.hasPrefix("element 0 is the integer 18446744073709551615"))
        let good = HostileFormatTests.npy("(2,)", descr: "<i8", data: bytes([Int64(1) << 60, -(Int64(1) << 62)]))
        let a = try NPYFormat.read(bytes: good, path: "big.npy")
        #expect(a.values == [Double(1 << 60), -Double(1 << 62)])
    }
}
