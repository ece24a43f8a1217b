import Testing
import Foundation
import FathomCore
import FathomTestSupport

@Suite("NumPy .npy and .npz")
struct NumpyTests {
    struct File: Sendable, CustomTestStringConvertible {
        let name: String
        let json: JSONValue
        var testDescription: String { name }
    }

    static let expected = try! Fixture.json("io/expected.json")
    static let readableFiles: [File] = expected["files"]!.array.filter { $0["refuse"] == nil }.map { File(name: $0["file"]!.text, json: $0) }
    static let refusedFiles: [File] = expected["files"]!.array.filter { $0["refuse"] != nil }.map { File(name: $0["file"]!.text, json: $0) }

    static func path(_ name: String) -> String { Fixture.folder.appendingPathComponent("io/\(name)").path }

    @Test("every readable file gives numpy's values, in C order", arguments: readableFiles)
    func readable(_ f: File) throws {
        let a = try NPYFormat.read(path: NumpyTests.path(f.name))
        #expect(a.shape == f.json["shape"]!.array.map { Int($0.double) })
        let want = f.json["values"]!.doubles
        #expect(a.values.count == want.count)
        for (x, y) in zip(a.values, want) { #expect(x.bitPattern == y.bitPattern || (x == 0 && y == 0 && x.sign == y.sign), "\(f.name): \(x) vs \(y)") }
        #expect(a.isBool == (f.json["dtype"]!.text == "|b1"))
    }

    @Test("unreadable files are refused with a reason", arguments: refusedFiles)
    func refused(_ f: File) {
        do {
            _ = try NPYFormat.read(path: NumpyTests.path(f.name))
            Issue.record("\(f.name) was read")
        } catch let e as NumpyError {
            let expectedWords: [String: String] = [
                "big_endian_f8.npy": "big-endian", "complex_c16.npy": "complex", "f8_3d.npy": "3 dimensions",
                "structured.npy": "structured dtype", "structured_utf8_v3.npy": "structured dtype", "object_pickle.npy": "Python objects",
                "unicode_U5.npy": "text", "truncated_data.npy": "truncated: the header declares 10 values (80 bytes)",
                "truncated_header.npy": "truncated header", "bad_magic.npy": "not a NumPy .npy file", "malformed_header.npy": "malformed header",
            ]
            #expect(e.message.contains(expectedWords[f.name] ?? "?"), "\(f.name): \(e.message)")
        } catch {
            Issue.record("\(f.name): \(error)")
        }
    }

    @Test("npz archives, stored and deflated", arguments: ["arrays.npz", "arrays-compressed.npz"])
    func npz(_ name: String) throws {
        let members = try NPZFormat.read(path: NumpyTests.path(name))
        let spec = NumpyTests.expected["npz"]!.array.first { $0["file"]!.text == name }!["members"]!
        #expect(Set(members.map(\.0)) == ["logits", "labels", "weights"])
        for (member, array) in members {
            let want = spec[member]!
            #expect(array.shape == want["shape"]!.array.map { Int($0.double) })
            for (x, y) in zip(array.values, want["values"]!.doubles) { #expect(x == y || (x.isNaN && y.isNaN)) }
        }
    }

    @Test("written .npy files read back, and numpy's header layout is kept")
    func roundTrip() throws {
        let bytes = NPYFormat.encode(shape: [2, 3], values: [1, 2, 3, 4, 5, 0.1])
        #expect((10 + Int(bytes[8])) % 64 == 0)
        let a = try NPYFormat.read(bytes: bytes, path: "t")
        #expect(a.shape == [2, 3] && a.values == [1, 2, 3, 4, 5, 0.1])
        let b = try NPYFormat.read(bytes: NPYFormat.encode(shape: [3], values: [1, 0, 1], bool: true), path: "t")
        #expect(b.isBool && b.values == [1, 0, 1])
    }

    @Test("a missing file and a folder")
    func missing() {
        #expect(throws: NumpyError(path: "/nonexistent.npy", message: "no such file or folder")) { try NPYFormat.read(path: "/nonexistent.npy") }
        #expect(throws: NumpyError.self) { try NPYFormat.read(path: "/tmp") }
        #expect(throws: NumpyError.self) { try NPZFormat.read(path: "/nonexistent.npz") }
    }
}
