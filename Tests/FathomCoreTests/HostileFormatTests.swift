import Testing
import Foundation
@testable import FathomCore
import FathomTestSupport

/// Files whose sizes lie, overflow or exceed the element limit: each is refused with a reason
/// (never a trap, never an attempt to allocate what the header claims), and wide or long CSV
/// files are read in time linear in their size.
@Suite("Hostile file formats")
struct HostileFormatTests {
    /// A version 1.0 `.npy`: `shape` as the header spells it, then `data`.
    static func npy(_ shape: String, descr: String = "<f8", data: [UInt8] = [], version: UInt8 = 1, headerLength: Int? = nil) -> [UInt8] {
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        let n = headerLength ?? header.utf8.count
        let length: [UInt8] = version == 1 ? [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF)] : (0..<4).map { UInt8(n >> (8 * $0) & 0xFF) }
        return NPYFormat.magic + [version, 0] + length + Array(header.utf8) + data
    }

    /// A zip of stored members (name, bytes), as numpy's `np.savez` writes.
    static func storedZip(_ members: [(String, [UInt8])]) -> [UInt8] {
        func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(v >> (8 * $0) & 0xFF) } }
        var out: [UInt8] = [], directory: [UInt8] = []
        for (name, data) in members {
            let crc = data.withUnsafeBufferPointer { Int(ZipArchive.crc32(0, $0.baseAddress ?? UnsafePointer(bitPattern: 1)!, data.count)) }
            let common = le(0, 2) + le(0, 2) + le(0, 2) + le(0x21, 2) + le(crc, 4) + le(data.count, 4) + le(data.count, 4) + le(name.utf8.count, 2)
            directory += le(0x0201_4B50, 4) + le(20, 2) + le(20, 2) + common + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(out.count, 4) + Array(name.utf8)
            out += le(0x0403_4B50, 4) + le(20, 2) + common + le(0, 2) + Array(name.utf8) + data
        }
        let start = out.count
        out += directory
        out += le(0x0605_4B50, 4) + le(0, 4) + le(members.count, 2) + le(members.count, 2) + le(directory.count, 4) + le(start, 4) + le(0, 2)
        return out
    }

    static func temporary(_ name: String, _ bytes: [UInt8]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "read" } catch let e as NumpyError { return e.message } catch let e as CSVError { return e.description } catch { return "\(error)" }
    }

    /// (shape as the header writes it, data bytes, element limit, what the message says).
    static let shapes: [(String, Int, Int, String)] = [
        ("(2305843009213693953,)", 0, 1 << 28, "impossible size: the header declares 2305843009213693953 values of 8 bytes, more bytes than any file holds"),
        ("(4294967296, 4294967296)", 0, 1 << 28, "impossible shape (4294967296, 4294967296): its size does not fit in a 64-bit integer"),
        ("(3037000500, 3037000500)", 0, 1 << 28, "impossible shape (3037000500, 3037000500): its size does not fit in a 64-bit integer"),
        ("(-3,)", 0, 1 << 28, "impossible shape (-3,): a dimension is negative"),
        ("(-2, -4)", 64, 1 << 28, "impossible shape (-2, -4): a dimension is negative"),
        ("(99999999999999999999999,)", 0, 1 << 28, "impossible shape: the dimension 99999999999999999999999 does not fit in a 64-bit integer"),
        ("(1000000000000,)", 10, 1 << 28, "truncated: the header declares 1000000000000 values (8000000000000 bytes), the file holds 10 bytes of data"),
        ("(1000,)", 8000, 100, "too large: the header declares 1000 values, more than the limit of 100 values (800 bytes of float64)"),
        ("(40, 25)", 8000, 999, "too large: the header declares 1000 values, more than the limit of 999 values"),
    ]

    @Test("impossible, lying and too large .npy shapes are refused: from a file, from memory, inside an .npz", arguments: shapes)
    func npyShapes(_ shape: String, _ dataBytes: Int, _ limit: Int, _ expected: String) throws {
        let bytes = HostileFormatTests.npy(shape, data: [UInt8](repeating: 0, count: dataBytes))
        let path = try HostileFormatTests.temporary("x.npy", bytes)
        let fromFile = HostileFormatTests.message { try NPYFormat.read(path: path, limit: limit) }
        let fromMemory = HostileFormatTests.message { try NPYFormat.read(bytes: bytes, path: "x.npy", limit: limit) }
        let zip = try HostileFormatTests.temporary("x.npz", HostileFormatTests.storedZip([("x.npy", bytes)]))
        let inArchive = HostileFormatTests.message { try NPZFormat.read(path: zip, limit: limit) }
        #expect(fromFile.hasPrefix(expected), "\(fromFile)")
        #expect(fromMemory.hasPrefix(expected), "\(fromMemory)")
        #expect(inArchive.hasPrefix("member x.npy: " + expected), "\(inArchive)")
    }

    @Test("a header longer than 64 KiB is refused without reading the file whole")
    func longHeader() throws {
        let bytes = HostileFormatTests.npy("(1,)", data: [0, 0, 0, 0, 0, 0, 0, 0], version: 2, headerLength: 0x7FFF_FFFF)
        let path = try HostileFormatTests.temporary("x.npy", bytes)
        #expect(HostileFormatTests.message { try NPYFormat.read(path: path) } == "the header is 2147483647 bytes long, more than the 65536 Fathom reads (numpy writes a few hundred)")
    }

    /// Archives built byte by byte by Scripts/make-fixtures-hostile.py, and what each gives.
    static let archives: [(String, String)] = [
        ("zip64.npz", "read"),
        ("header-bomb.npz", "member a.npy inflates to more than the 208 bytes its directory entry and .npy header declare"),
        ("lying-bomb.npz", "member a.npy inflates to more than the 208 bytes its directory entry and .npy header declare"),
        ("declares-huge.npz", "member a.npy: too large: it declares 3200000128 bytes uncompressed, more than 268435456 values can take"),
        ("local-name.npz", "not a readable .npz (zip) archive: member a.npy's local header disagrees with the central directory: its name is a.npy there, b.npy here"),
        ("local-size.npz", "not a readable .npz (zip) archive: member a.npy's local header disagrees with the central directory: its compressed size is 96 there, 97 here"),
        ("local-method.npz", "not a readable .npz (zip) archive: member a.npy's local header disagrees with the central directory: its compression method is 0 there, 8 here"),
        ("local-crc.npz", "not a readable .npz (zip) archive: member a.npy's local header disagrees with the central directory: its CRC"),
        ("overlap.npz", "not a readable .npz (zip) archive: members a.npy and b.npy overlap in the file"),
        ("truncated-deflate.npz", "member a.npy's compressed data ends early"),
        ("bad-crc.npz", "member a.npy is damaged: its CRC-32 does not match"),
        ("encrypted.npz", "not a readable .npz (zip) archive: member a.npy is encrypted"),
        ("bzip2.npz", "not a readable .npz (zip) archive: member a.npy uses compression method 12"),
        ("duplicate.npz", "not a readable .npz (zip) archive: two members are called a.npy"),
        ("outside.npz", "not a readable .npz (zip) archive: the central directory (51 bytes at byte 1073741824) does not end before"),
        ("many-entries.npz", "not a readable .npz (zip) archive: the archive claims 65534 members"),
        ("no-eocd.npz", "not a readable .npz (zip) archive: no end-of-archive record"),
    ]

    @Test("zip bombs, lying sizes and inconsistent archives are refused; zip64 is read", arguments: archives)
    func archive(_ name: String, _ expected: String) throws {
        let path = Fixture.folder.appendingPathComponent("hostile/\(name)").path
        let start = Date()
        let got = HostileFormatTests.message { try NPZFormat.read(path: path) }
        #expect(got.hasPrefix(expected), "\(name): \(got)")
        // The bombs stop at once instead of inflating 50 MiB.
        #expect(Date().timeIntervalSince(start) < 1, "\(name)")
        if name == "zip64.npz" { #expect(try NPZFormat.read(path: path).first?.1.values == (0..<10).map(Double.init)) }
    }

    @Test("all members of an archive together are held to the element limit")
    func archiveTotal() throws {
        let path = Fixture.folder.appendingPathComponent("io/arrays.npz").path
        let all = try NPZFormat.read(path: path)
        let total = all.reduce(0) { $0 + $1.1.values.count }
        #expect(try NPZFormat.read(path: path, limit: total).count == all.count)
        let refused = HostileFormatTests.message { try NPZFormat.read(path: path, limit: total - 1) }
        #expect(refused.contains("too large"), "\(refused)")
    }

    @Test("sizes: counts overflow to nil, the file's length is checked before the limit, bytes in exact units")
    func inputSize() {
        #expect(InputSize.elementCount([]) == 1)
        #expect(InputSize.elementCount([3, 4]) == 12)
        #expect(InputSize.elementCount([1 << 32, 1 << 31]) == nil)
        #expect(InputSize.elementCount([5, -1]) == nil)
        #expect(throws: InputSize.Refusal.self) { try InputSize.check(10, bytesEach: 8, available: 79, limit: 100, what: "x") }
        do { try InputSize.check(1 << 40, bytesEach: 8, available: 10, limit: 100, what: "x") } catch { #expect(error.kind == .truncated) }
        do { try InputSize.check(1000, bytesEach: 8, available: nil, limit: 100, what: "x") } catch { #expect(error.kind == .tooLarge) }
        #expect((try? InputSize.check(10, bytesEach: 8, available: 80, limit: 10, what: "x")) == 80)
        #expect(InputSize.bytesText(8 << 30) == "8 GiB")
        #expect(InputSize.bytesText(3 << 29) == "1.5 GiB")
        #expect(InputSize.bytesText(1000) == "1000 bytes")
        #expect(InputSize.bytesText(1536) == "1.5 KiB")
        #expect(InputSize.bytesText(2 << 20) == "2 MiB")
    }

    @Test("files in /proc report no size but are read, and a size limit is named exactly")
    func procAndLimits() throws {
        let status = try FileSystem.readBytes("/proc/self/status")
        #expect(String(decoding: status, as: UTF8.self).hasPrefix("Name:"))
        #expect(try MappedFile(path: "/proc/self/status").count == status.count)
        // Read as a table: a text file with a tab in its first line, whose later lines have
        // more fields (the real problem, not "the file is empty").
        let e = HostileFormatTests.message { try CSVReader.read(path: "/proc/self/status") }
        #expect(e.contains("ragged row"), "\(e)")
        let path = try HostileFormatTests.temporary("x.txt", Array(repeating: 65, count: 3000))
        #expect(HostileFormatTests.message { try FileSystem.readBytes(path, atMost: 2048) }.contains("larger than 2 KiB (2048 bytes), the most Fathom reads for this file"))
        #expect(HostileFormatTests.message { try FileSystem.readBytes(path, atMost: 100) }.contains("larger than 100 bytes, the most"))
    }

    @Test("a dataset catalog with impossible sizes is read without trapping")
    func catalog() throws {
        let path = try HostileFormatTests.temporary("catalog.json", Array("""
            [{"name": "a", "file": "a.csv", "rows": 1e300, "columns": NaN}, {"name": "b", "file": "b.csv", "rows": -2.5, "columns": 3}]
            """.utf8))
        let catalog = try #require(DatasetCatalog(directory: String(path.dropLast("/catalog.json".count))))
        #expect(catalog.entries.map(\.rows) == [nil, nil])
        #expect(catalog.entries.map(\.columns) == [nil, 3])
    }

    @Test("a separator that is a line break, the quote or NUL is refused", arguments: [UInt8(10), 13, 34, 0])
    func separators(_ sep: UInt8) {
        let e = HostileFormatTests.message { try CSVReader.read(bytes: Array("a,b\n1,2\n".utf8), name: "t.csv", options: CSVOptions(separator: sep)) }
        #expect(e.hasPrefix("t.csv: cannot use \"") && e.contains("as the separator"), "\(e)")
    }

    @Test("a wide file is read in linear time, and more than 100 000 columns are refused at once")
    func wide() throws {
        let n = 40_000
        let text = (0..<n).map { "c\($0 % 30_000)" }.joined(separator: ",") + "\n" + (0..<n).map { String($0 % 7) }.joined(separator: ",") + "\n"
        let start = Date()
        let t = try CSVReader.read(bytes: Array(text.utf8), name: "wide.csv")
        let seconds = Date().timeIntervalSince(start)
        #expect(t.columnCount == n && t.rowCount == 1)
        #expect(t.names[30_000] == "c0.1" && t.names[n - 1] == "c9999.1")
        // Quadratic column handling took about 10 s here in a debug build.
        #expect(seconds < 4, "40 000 columns took \(seconds) s")
        let tooWide = String(repeating: ",", count: 3_000_000) + "\n"
        let e = HostileFormatTests.message { try CSVReader.read(bytes: Array(tooWide.utf8), name: "w.csv") }
        #expect(e == "w.csv:1: the first row has more than 100000 fields, the most columns Fathom reads")
    }

    @Test("cells are counted against the limit while reading, on one thread or several", arguments: [1, 2, 3])
    func cells(_ threads: Int) throws {
        // 9 MB: large enough to be read in parts on several threads.
        let text = "a,b,c\n" + String(repeating: "123456789,2,3\n", count: 650_000)
        var options = CSVOptions()
        options.threads = threads
        options.limit = 30_000
        let e = HostileFormatTests.message { try CSVReader.read(bytes: Array(text.utf8), name: "t.csv", options: options) }
        #expect(e.hasPrefix("t.csv: too large: more than 30000 cells ("), "\(e)")
        // Refused after reading a small part of the file, not after reading it all.
        let rows = Int(e.split(separator: "(")[1].split(separator: " ")[0]) ?? .max
        #expect(rows < 200_000, "\(e)")
        options.limit = 1_950_000
        #expect(try CSVReader.read(bytes: Array(text.utf8), name: "t.csv", options: options).rowCount == 650_000)
        options.limit = 1_949_999
        #expect(HostileFormatTests.message { try CSVReader.read(bytes: Array(text.utf8), name: "t.csv", options: options) }.contains("too large"))
    }

    @Test("JSON tables with many keys are built in linear time")
    func wideJSON() throws {
        let n = 30_000
        let columns = "{" + (0..<n).map { "\"k\($0)\": [\($0)]" }.joined(separator: ", ") + "}"
        let records = "[{" + (0..<n).map { "\"k\($0)\": \($0)" }.joined(separator: ", ") + "}]"
        let start = Date()
        let a = try TableJSON.table(from: JSONValue.parse(columns))
        let b = try TableJSON.table(from: JSONValue.parse(records))
        let seconds = Date().timeIntervalSince(start)
        #expect(a == b && a.columnCount == n && a.names[n - 1] == "k\(n - 1)")
        #expect(seconds < 4, "took \(seconds) s")
        #expect(throws: TableJSON.Failure.tooLarge(rows: 1, columns: n)) { try TableJSON.table(from: JSONValue.parse(records), limit: n - 1) }
        // The first of repeated names wins in a record; a repeated column replaces the earlier.
        let repeated = try TableJSON.table(from: JSONValue.parse("[{\"a\": 1, \"a\": 2, \"b\": 3}]"))
        #expect(repeated.names == ["a", "b"] && repeated.columns[0] == .numbers([1]))
        let replaced = try TableJSON.table(from: JSONValue.parse("{\"a\": [1], \"b\": [2], \"a\": [3]}"))
        #expect(replaced.names == ["a", "b"] && replaced.columns[0] == .numbers([3]))
    }
}
