import Testing
import Foundation
import FathomCore
import FathomLanguage
#if canImport(Glibc)
import Glibc
#endif

/// A `.npy` of one float64 whose header spells its shape as `shape` (the header keeps its
/// length: the padding absorbs the difference, up to 40 characters).
func npyWithShape(_ shape: String) -> [UInt8] {
    var bytes = NPYFormat.encode(shape: [1], values: [0])
    let text = Array("(1,), }".utf8)
    guard let at = (0...(bytes.count - text.count)).first(where: { Array(bytes[$0..<($0 + text.count)]) == text }) else { return bytes }
    let replacement = Array("\(shape), }".utf8)
    bytes.replaceSubrange(at..<(at + text.count + replacement.count - text.count), with: replacement)
    return bytes
}

/// Loads of hostile files of every format `load` reads (CSV, TSV, text by content, JSON
/// tables, values, models and calibrators, .npy, .npz), made from small valid files by seeded
/// mutations. Each load gives a value or a diagnostic, never a crash or another error, and
/// returns within two seconds.
@Suite("Hostile files")
struct HostileFileTests {
    static let coreFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("FathomCoreTests/Fixtures")

    /// The valid files mutations start from: (extension, bytes).
    static func seeds(_ dir: String) throws -> [(String, [UInt8])] {
        // A model and a calibrator as Fathom saves them.
        let interpreter = makeInterpreter()
        for statement in Parser.parse(SourceFile(name: "<seed>", text: """
            X = randn(20, 3, seed=1); y = X[:, 0] > 0
            save(fit_logistic(X, y), "\(dir)/model.json")
            save(temperature([[1, 2], [3, 1], [0, 2]], [0, 0, 1]), "\(dir)/calibrator.json")
            """)) {
            _ = try interpreter.run(try statement.get())
        }
        var seeds: [(String, [UInt8])] = [
            ("csv", Array("a,b,c,flag\n1,2.5,x,true\n3,4,\"y,\"\"z\"\"\",false\n,NA,,\n".utf8)),
            ("tsv", Array("a\tb\n1\t2\n3\t4\n".utf8)),
            ("tab", Array("x\ty\n0.5\tq\n".utf8)),
            ("txt", Array("p;q\n1;2\n".utf8)),
            ("", Array("id,score\n7,0.25\n8,0.75\n".utf8)),
            ("json", Array("[{\"a\": 1, \"b\": \"x\"}, {\"a\": null, \"b\": true}]".utf8)),
            ("json", Array("{\"a\": [1, 2, 3], \"b\": [true, false, null]}".utf8)),
            ("json", Array("{\"nested\": {\"list\": [1, [2, [3, {\"k\": \"v\"}]]], \"n\": -1.5e300}}".utf8)),
            ("json", try FileSystem.readBytes(dir + "/model.json")),
            ("json", try FileSystem.readBytes(dir + "/calibrator.json")),
            ("npy", NPYFormat.encode(shape: [4], values: [1, 2, 3, 4])),
            ("npy", NPYFormat.encode(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])),
            ("npy", NPYFormat.encode(shape: [3], values: [1, 0, 1], bool: true)),
            ("npy", NPYFormat.encode(shape: [], values: [7])),
        ]
        for name in ["io/f4_2d_c_v1.npy", "io/f8_2d_fortran_v3.npy", "io/i8_1d_v2.npy", "io/u1_2d_c_v1.npy", "io/arrays.npz", "io/arrays-compressed.npz", "hostile/zip64.npz"] {
            let ext = String(name.split(separator: ".").last!)
            seeds.append((ext, try FileSystem.readBytes(coreFixtures.appendingPathComponent(name).path)))
        }
        return seeds
    }

    /// One seeded change to a file's bytes.
    static func mutate(_ bytes: inout [UInt8], _ g: inout Xoshiro256) {
        func position() -> Int { bytes.isEmpty ? 0 : g.nextInt(below: bytes.count + 1) }
        func pick<T>(_ items: [T]) -> T { items[g.nextInt(below: items.count)] }
        switch g.nextInt(below: 14) {
        case 0: bytes.removeSubrange(position()...)  // truncate
        case 1: for _ in 0..<(1 + g.nextInt(below: 8)) where !bytes.isEmpty { bytes[g.nextInt(below: bytes.count)] = UInt8(g.nextInt(below: 256)) }
        case 2:  // a huge or negative number, somewhere
            bytes.insert(contentsOf: Array(pick(["99999999999999999999", "2305843009213693953", "-1", "1e308", "-0", "4294967295", "nan"]).utf8), at: position())
        case 3:  // a header's digits made huge (shapes, sizes, lengths)
            let limit = min(bytes.count, 160)
            if let i = (0..<limit).first(where: { bytes[$0] >= 48 && bytes[$0] <= 57 && g.nextInt(below: 4) == 0 }) {
                bytes.replaceSubrange(i...i, with: Array(pick(["2305843009213693953", "4294967296, 4294967296", "-7", "0", "1000000000000"]).utf8))
            }
        case 4:  // repeated delimiters
            bytes.insert(contentsOf: [UInt8](repeating: pick([44, 9, 59, 10, 34, 123, 91]), count: 1 + g.nextInt(below: 20_000)), at: position())
        case 5:  // deep nesting
            bytes.insert(contentsOf: Array(String(repeating: pick(["[", "{\"a\":", "[{\"b\":"]), count: 100 + g.nextInt(below: 1000)).utf8), at: position())
        case 6: bytes.insert(contentsOf: [UInt8](repeating: 0, count: 1 + g.nextInt(below: 4)), at: position())  // NUL bytes
        case 7: bytes.insert(contentsOf: pick([[0xFF], [0xC0, 0x80], [0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]]), at: position())
        case 8: bytes.insert(contentsOf: pick([[0xEF, 0xBB, 0xBF], [0xFF, 0xFE], [0xFE, 0xFF]]), at: 0)  // byte-order marks
        case 9:  // line endings mixed
            bytes = bytes.flatMap { $0 == 10 ? pick([[13, 10], [13], [10], [10, 13]]) : [$0] }
        case 10:  // an enormous line
            let field = pick(["1", "x", "", "\"q\"", "1e5"])
            bytes += Array((String(repeating: field + ",", count: 200_000 + g.nextInt(below: 300_000)) + "\n").utf8)
        case 11: bytes += bytes  // doubled
        case 12:  // a 32-bit little-endian field set to all ones (zip sizes, offsets, counts)
            if bytes.count >= 4 { let i = g.nextInt(below: bytes.count - 3); bytes.replaceSubrange(i..<(i + 4), with: [0xFF, 0xFF, 0xFF, 0xFF]) }
        default:  // a 16-bit field set to a random value (header lengths, name lengths)
            if bytes.count >= 2 { let i = g.nextInt(below: bytes.count - 1); bytes[i] = UInt8(g.nextInt(below: 256)); bytes[i + 1] = UInt8(g.nextInt(below: 256)) }
        }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    @Test("mutated files give a value or a diagnostic within two seconds", arguments: 0..<4)
    func mutated(_ shard: Int) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-hostile-files-\(shard)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let seeds = try HostileFileTests.seeds(dir)
        var g = Xoshiro256(seed: UInt64(7000 + shard))
        let interpreter = makeInterpreter()
        // Small enough that a mutated but valid size is refused rather than allocated.
        interpreter.context.maxElements = 1 << 22
        var values = 0, diagnostics = 0, slowest = (0.0, "")
        for k in 0..<110 {
            var (ext, bytes) = seeds[g.nextInt(below: seeds.count)]
            for _ in 0...g.nextInt(below: 3) { HostileFileTests.mutate(&bytes, &g) }
            // Sometimes the extension is lost or wrong: the format is then judged by content.
            if g.nextInt(below: 6) == 0 { ext = ["", "csv", "json", "npy", "npz"][g.nextInt(below: 5)] }
            let path = "\(dir)/case-\(k)" + (ext.isEmpty ? "" : ".\(ext)")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let options = ["", ", header=false", ", sep=\";\"", ", sep=\"\\t\"", ", types={a: \"string\"}", ""][g.nextInt(below: 6)]
            let source = "x = load(\"\(path)\"\(ext == "npy" || ext == "npz" ? "" : options))"
            let start = HostileFileTests.now()
            do {
                for statement in Parser.parse(SourceFile(name: "<hostile>", text: source)) { _ = try interpreter.run(try statement.get()) }
                values += 1
            } catch let d as Diagnostic {
                diagnostics += 1
                #expect(!d.message.isEmpty)
            } catch {
                Issue.record("\(path) (\(bytes.count) bytes) threw \(error), not a diagnostic")
            }
            let seconds = HostileFileTests.now() - start
            if seconds > slowest.0 { slowest = (seconds, path) }
            #expect(seconds < 2, "\(path) (\(bytes.count) bytes) took \(seconds) s to load")
        }
        #expect(values > 0 && diagnostics > 0, "values \(values), diagnostics \(diagnostics)")
    }

    @Test("hand-made hostile files: sizes that overflow or lie, zip bombs, wide and endless rows")
    func handMade() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-hostile-made-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [(String, [UInt8], String)] = [
            ("overflow.npy", npyWithShape("(2305843009213693953,)"), "impossible size"),
            ("product.npy", npyWithShape("(4294967296, 4294967296)"), "impossible shape"),
            ("negative.npy", npyWithShape("(-5,)"), "a dimension is negative"),
            ("lying.npy", npyWithShape("(1000000000000,)"), "truncated: the header declares 1000000000000 values"),
            ("wide.csv", Array((String(repeating: "x,", count: 150_000) + "x\n").utf8), "the first row has more than 100000 fields"),
            ("endless.csv", Array(("a,b\n" + String(repeating: "1,", count: 2_000_000) + "\n").utf8), "ragged row: line 2 has 2000001 fields"),
            ("deep.json", Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8), "nested more than 512 levels deep"),
        ]
        for (name, bytes, expected) in cases {
            let path = dir + "/" + name
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let start = HostileFileTests.now()
            let message = diagnostic("load(\"\(path)\")")?.message ?? "loaded"
            #expect(message.contains(expected), "\(name): \(message)")
            #expect(HostileFileTests.now() - start < 2, "\(name)")
        }
        for name in ["header-bomb.npz", "lying-bomb.npz", "declares-huge.npz", "overlap.npz"] {
            let path = HostileFileTests.coreFixtures.appendingPathComponent("hostile/" + name).path
            #expect(diagnostic("load(\"\(path)\")")?.message.hasPrefix("cannot load \(path): ") == true, "\(name)")
        }
    }

    @Test("the element limit of the session bounds what load reads, with a note on raising it")
    func elementLimit() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-hostile-limit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(NPYFormat.encode(shape: [50, 4], values: Array(repeating: 1, count: 200))).write(to: URL(fileURLWithPath: dir + "/m.npy"))
        try Data(("a,b\n" + String(repeating: "1,2\n", count: 200)).utf8).write(to: URL(fileURLWithPath: dir + "/t.csv"))
        try Data(("[" + Array(repeating: "{\"a\": 1, \"b\": 2}", count: 200).joined(separator: ",") + "]").utf8).write(to: URL(fileURLWithPath: dir + "/t.json"))
        // JSON values are counted while parsing (the array, 200 records and their 400 numbers: 601).
        let refusals = [("m.npy", 100, "too large: the header declares 200 values, more than the limit of 100 values"),
                        ("t.csv", 100, "too large: more than 100 cells"),
                        ("t.json", 600, ": too large: more than 600 values, the limit of values one load may hold")]
        for (file, limit, words) in refusals {
            let interpreter = makeInterpreter()
            interpreter.context.maxElements = limit
            do {
                _ = try interpreter.run(try Parser.parse(SourceFile(name: "<t>", text: "load(\"\(dir)/\(file)\")"))[0].get())
                Issue.record("\(file) loaded")
            } catch let d as Diagnostic {
                #expect(d.message.contains(words), "\(d.message)")
                #expect(d.notes.contains { $0.contains(":set max_elements") })
            }
        }
        #expect(try evaluate("type(load(\"\(dir)/t.json\"))", maxElements: 601) == "\"table\"")
        // Sparse records whose table would exceed the limit load as a list of records.
        try Data("[{\"a\": 1}, {\"b\": 2}, {\"c\": 3}]".utf8).write(to: URL(fileURLWithPath: dir + "/sparse.json"))
        #expect(try evaluate("type(load(\"\(dir)/sparse.json\"))", maxElements: 8) == "\"list\"")
        #expect(try evaluate("type(load(\"\(dir)/sparse.json\"))", maxElements: 9) == "\"table\"")
    }

    @Test("separators that cannot separate fields are refused", arguments: ["\\n", "\\\""])
    func separators(_ sep: String) throws {
        let path = try DataBuiltinTests.temp("t.csv", "a,b,c,d,e\n1,2,3,4,5\n")
        let load = diagnostic("load(\"\(path)\", sep=\"\(sep)\")")
        #expect(load?.message.hasPrefix("load(): sep=\"\(sep)\" cannot separate fields") == true, "\(load?.message ?? "no error")")
        let save = diagnostic("save([1, 2], \"\(path)\", sep=\"\(sep)\")")
        #expect(save?.message.hasPrefix("save(): sep=\"\(sep)\" cannot separate fields") == true, "\(save?.message ?? "no error")")
    }

    @Test("a file in /proc is read (it reports size 0), and its real problem is named")
    func proc() {
        let message = diagnostic("load(\"/proc/self/status\")")?.message ?? "loaded"
        #expect(!message.contains("empty"), "\(message)")
        #expect(message.contains("ragged row"), "\(message)")
    }
}
