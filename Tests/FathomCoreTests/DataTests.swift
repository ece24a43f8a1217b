import Testing
import Foundation
import FathomCore
import FathomTestSupport

@Suite("Matrix, table and JSON basics")
struct DataTests {
    @Test func matrixRowsColumnsTranspose() {
        let m = Matrix(rowArrays: [[1, 2, 3], [4, 5, 6]])
        #expect(m.rows == 2 && m.cols == 3)
        #expect(m[1, 2] == 6)
        #expect(m.row(1) == [4, 5, 6])
        #expect(m.column(1) == [2, 5])
        #expect(m.transposed().storage == [1, 4, 2, 5, 3, 6])
        #expect(m.selectingRows([1, 0, 1]).storage == [4, 5, 6, 1, 2, 3, 4, 5, 6])
        #expect(m.selectingColumns([2, 0]).storage == [3, 1, 6, 4])
    }

    @Test func tableColumns() {
        var t = Table([("x", .numbers([1, 2, 3])), ("name", .strings(["a", "b", "c"]))])
        #expect(t.rowCount == 3 && t.columnCount == 2)
        #expect(t.kinds == [.integer, .string])
        t.setColumn("y", .numbers([0.5, 1, 2]))
        #expect(t.kinds[2] == .float)
        #expect(t.maskingRows([true, false, true]).column("name") == .strings(["a", "c"]))
        #expect(t.slicingRows(1..<3).rowCount == 2)
        #expect(t.selectingColumns([2, 0]).names == ["y", "x"])
    }

    @Test("JSON keeps full precision and escapes control characters")
    func json() {
        let v = JSONValue.object([("a", .number(0.1)), ("b", .array([.number(2), .null, .bool(true)])), ("s", .string("q\"\n\u{1}"))])
        #expect(v.serialized() == #"{"a":0.1,"b":[2,null,true],"s":"q\"\n\u0001"}"#)
        #expect(JSONValue.number(.nan).serialized() == "null")
        #expect(JSONValue.number(1.0 / 3).serialized() == "0.3333333333333333")
        #expect(JSONValue.number(-0.0).serialized() == "0")
    }

    @Test("JSON parses with exact numbers and located errors")
    func jsonParse() throws {
        let v = try JSONValue.parse(#"{"a": [1, 2.5e-3, -0.1], "s": "x\u00e9\n", "n": null, "t": true}"#)
        #expect(v["a"] == .array([.number(1), .number(0.0025), .number(-0.1)]))
        #expect(v["s"] == .string("xé\n"))
        #expect(v["n"] == .null && v["t"] == .bool(true))
        #expect(try JSONValue.parse("0.7477740925472395") == .number(0.7477740925472395))
        #expect(throws: JSONParseError(line: 2, column: 4, message: "expected ',' or ']' in an array")) {
            try JSONValue.parse("[1,\n 2 3]")
        }
        #expect(throws: JSONParseError.self) { try JSONValue.parse(String(repeating: "[", count: 1000)) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse("") }
        #expect(throws: JSONParseError.self) { try JSONValue.parse("{\"a\" 1}") }
    }

    @Test("atomic writes replace the file whole and leave no temporary file")
    func atomicWrite() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-fs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out.txt").path
        try FileSystem.writeAtomically(path, text: "first")
        try FileSystem.writeAtomically(path, text: "second")
        #expect(try FileSystem.readText(path) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.txt"])
        #expect(throws: FileError.self) { try FileSystem.writeAtomically(dir.path + "/missing/x.txt", text: "x") }
        do {
            try FileSystem.writeAtomically(dir.path + "/missing/x.txt", text: "x")
        } catch let e as FileError {
            #expect(e.reason.contains("does not exist"))
        }
    }

    @Test("reading reports missing files and invalid UTF-8 by byte")
    func reading() throws {
        #expect(throws: FileError(path: "/nonexistent/f", reason: "no such file or folder")) { try FileSystem.readText("/nonexistent/f") }
        #expect(FileSystem.firstInvalidUTF8(Array("héllo".utf8)) == nil)
        #expect(FileSystem.firstInvalidUTF8([0x61, 0x62, 0xFF, 0x63]) == 2)
        #expect(FileSystem.firstInvalidUTF8([0x61, 0xC3]) == 1)
        #expect(FileSystem.firstInvalidUTF8([0xED, 0xA0, 0x80]) == 0)
    }
}
