import Testing
import Foundation
import FathomCore

@Suite("CSV and TSV reading")
struct CSVTests {
    static func read(_ text: String, name: String = "t.csv", options: CSVOptions = CSVOptions()) throws -> Table {
        try CSVReader.read(bytes: Array(text.utf8), name: name, options: options)
    }

    static func error(_ text: String, name: String = "t.csv", options: CSVOptions = CSVOptions()) -> CSVError? {
        do { _ = try read(text, name: name, options: options); return nil } catch let e as CSVError { return e } catch { return nil }
    }

    @Test("types are inferred per column")
    func inference() throws {
        let t = try CSVTests.read("i,f,b,s,m\n1,1.5,true,x,\n-2,2,False,y,NA\n3,1e3,TRUE,\"z\",nan\n")
        #expect(t.names == ["i", "f", "b", "s", "m"])
        #expect(t.kinds == [.integer, .float, .bool, .string, .float])
        #expect(t.columns[0] == .numbers([1, -2, 3]))
        #expect(t.columns[1] == .numbers([1.5, 2, 1000]))
        #expect(t.columns[2] == .bools([true, false, true]))
        #expect(t.columns[3] == .strings(["x", "y", "z"]))
        guard case .numbers(let m) = t.columns[4] else { Issue.record("m is not numeric"); return }
        #expect(m.allSatisfy { $0.isNaN })
    }

    @Test("missing values: NaN in numbers, empty in text; bools with gaps become 0/1 numbers")
    func missing() throws {
        let t = try CSVTests.read("a,b,c\n1,x,true\nNA,,\nnull,NULL,false\n3,N/A,true\n")
        guard case .numbers(let a) = t.columns[0] else { Issue.record("a"); return }
        #expect(a[0] == 1 && a[1].isNaN && a[2].isNaN && a[3] == 3)
        #expect(t.columns[1] == .strings(["x", "", "", ""]))
        guard case .numbers(let c) = t.columns[2] else { Issue.record("c"); return }
        #expect(c[0] == 1 && c[1].isNaN && c[2] == 0 && c[3] == 1)
    }

    @Test("RFC 4180: quotes, doubled quotes, separators and line breaks inside quotes, CRLF, BOM")
    func rfc4180() throws {
        let text = "\u{FEFF}name,note,n\r\n\"Smith, J.\",\"said \"\"hi\"\"\",1\r\nplain,\"two\nlines\",2\r\n\"\",\"\",3"
        let t = try CSVTests.read(text)
        #expect(t.names == ["name", "note", "n"])
        #expect(t.columns[0] == .strings(["Smith, J.", "plain", ""]))
        #expect(t.columns[1] == .strings(["said \"hi\"", "two\nlines", ""]))
        #expect(t.columns[2] == .numbers([1, 2, 3]))
    }

    @Test("TSV by extension or by sep=; semicolons by guess")
    func separators() throws {
        #expect(try CSVTests.read("a\tb\n1\t2\n", name: "x.tsv").columns[1] == .numbers([2]))
        #expect(try CSVTests.read("a;b\n1;2\n").columns[1] == .numbers([2]))
        #expect(try CSVTests.read("a|b\n1|2\n", options: CSVOptions(separator: UInt8(ascii: "|"))).columns[1] == .numbers([2]))
    }

    @Test("no header, forced types, blank lines, a last line without a line break, trailing separators")
    func options() throws {
        let t = try CSVTests.read("1,x\n\n2,y", options: CSVOptions(header: false))
        #expect(t.names == ["c0", "c1"])
        #expect(t.rowCount == 2)
        let forced = try CSVTests.read("id,v\n001,1\n002,2\n", options: CSVOptions(types: ["id": .string]))
        #expect(forced.columns[0] == .strings(["001", "002"]))
        let trailing = try CSVTests.read("a,b\n1,\n2,\n")
        #expect(trailing.rowCount == 2)
        let header = try CSVTests.read("a,b\n")
        #expect(header.rowCount == 0 && header.names == ["a", "b"])
    }

    @Test("duplicate and blank header names are made unique")
    func names() throws {
        #expect(try CSVTests.read("x,x,,x\n1,2,3,4\n").names == ["x", "x.1", "unnamed_2", "x.2"])
    }

    @Test("a column that turns to text after the sample is read again as text")
    func lateText() throws {
        let rows = (0..<2500).map { "\($0),\($0 % 7)" } + ["2500,seven"] + (2501..<2600).map { "\($0),1" }
        let t = try CSVTests.read("id,v\n" + rows.joined(separator: "\n") + "\n")
        #expect(t.kinds == [.integer, .string])
        guard case .strings(let v) = t.columns[1] else { Issue.record("v is not text"); return }
        #expect(v[2500] == "seven" && v[13] == "6" && v.count == 2600)
    }

    @Test("malformed files get a precise message", arguments: [
        ("", "t.csv: the file is empty: expected a header row"),
        ("\n\n  \n", "t.csv: the file is empty: expected a header row"),
        ("a,b\n1,2\n3\n", "t.csv:3: ragged row: line 3 has 1 field, the header has 2"),
        ("a,b\n1,2,3\n", "t.csv:2: ragged row: line 2 has 3 fields, the header has 2"),
        ("a,b\n\"open,2\n", "t.csv:2:1: a quoted field opened here is never closed"),
        ("a,b\n\"x\"y,2\n", "t.csv:2:4: unexpected text after a closing quote (a quote inside a quoted field is written twice: \"\")"),
        ("a\n\u{0}\u{1}binary", "t.csv: binary data (a NUL byte) at byte 2: this is not a text file"),
        ("a,b\nx,2\ny,oops\n", nil),
    ] as [(String, String?)])
    func malformed(_ text: String, _ message: String?) {
        let e = CSVTests.error(text)
        #expect(e?.description == message)
    }

    @Test("invalid UTF-8 is reported by byte offset")
    func notUTF8() {
        var bytes = Array("a,b\n1,x\n".utf8)
        bytes.append(contentsOf: [0x32, 0x2C, 0xFF, 0x0A])
        do {
            _ = try CSVReader.read(bytes: bytes, name: "t.csv")
            Issue.record("read")
        } catch let e as CSVError {
            #expect(e.description == "t.csv: not UTF-8 at byte 10: is this a text file (or saved in another encoding)?")
        } catch { Issue.record("\(error)") }
    }

    @Test("forced types that do not fit are errors with the line")
    func forcedMisfit() {
        let e = CSVTests.error("a,b\n1,2\nx,3\n", options: CSVOptions(types: ["a": .float]))
        #expect(e?.description == "t.csv:3:1: 'x' in column 'a' is not a number, as types= requires")
        #expect(CSVTests.error("a\n1\n", options: CSVOptions(types: ["zz": .float]))?.message.hasPrefix("types= names a column 'zz'") == true)
    }

    @Test("large files read in parts on 2, 3 or 8 threads give the same table as one thread", arguments: [2, 3, 8])
    func parallel(_ threads: Int) throws {
        var g = Xoshiro256(seed: 4)
        var text = "x,y,label,note\n"
        for i in 0..<400_000 {
            text += "\(g.nextUniform()),\(g.nextInt(below: 1000)),\(i % 3),\(i % 1000 == 0 ? "\"a,\nb\"" : "t")\n"
        }
        #expect(text.utf8.count > 8 << 20)
        var one = CSVOptions(), several = CSVOptions()
        one.threads = 1
        several.threads = threads
        let a = try CSVTests.read(text, options: several)
        let b = try CSVTests.read(text, options: one)
        #expect(a == b)
        #expect(a.rowCount == 400_000)
        #expect(a.kinds == [.float, .integer, .integer, .string])
    }

    @Test("a quoted field across a split of a large file is read whole", arguments: [2, 3, 8])
    func splitInsideQuotes(_ threads: Int) throws {
        let filler = (0..<200_000).map { "row \($0),\($0)" }.joined(separator: "\n")
        let quoted = "\"" + String(repeating: "line\nwith, commas\n", count: 300_000) + "\""
        let text = "a,b\n" + filler + "\n" + quoted + ",7\n" + filler + "\n"
        #expect(text.utf8.count > 8 << 20)
        var options = CSVOptions()
        options.threads = threads
        let t = try CSVTests.read(text, options: options)
        #expect(t.rowCount == 400_001)
        guard case .strings(let a) = t.columns[0] else { Issue.record("a"); return }
        #expect(a[200_000].hasPrefix("line\nwith, commas") && a[200_000].utf8.count == 300_000 * 18)
        let half: [Double] = (0..<200_000).map { Double($0) }
        let expected: [Double] = half + [7] + half
        #expect(t.columns[1] == .numbers(expected))
    }

    @Test("writing and reading back gives the same table")
    func roundTrip() throws {
        let t = Table([("x", .numbers([0.1, -2, .nan, 1e-300])), ("s", .strings(["a,b", "say \"x\"", "", " pad"])), ("b", .bools([true, false, true, false]))])
        let back = try CSVReader.read(bytes: CSVWriter.encode(t), name: "r.csv")
        #expect(back.names == t.names)
        guard case .numbers(let x) = back.columns[0] else { Issue.record("x"); return }
        #expect(x[0] == 0.1 && x[1] == -2 && x[2].isNaN && x[3] == 1e-300)
        #expect(back.columns[1] == t.columns[1])
        #expect(back.columns[2] == t.columns[2])
    }
}
