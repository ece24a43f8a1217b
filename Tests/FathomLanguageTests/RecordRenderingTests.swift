import Testing
import Foundation
@testable import FathomLanguage
import FathomCore

/// Records with many keys and records nested deep or shared: building, reading and printing
/// them takes time in proportion to the fields and the text shown, and the text is bounded.
@Suite("Records: size, sharing and printing")
struct RecordRenderingTests {
    static func seconds(_ work: () throws -> Void) rethrows -> Double {
        let start = Date()
        try work()
        return Date().timeIntervalSince(start)
    }

    /// `r = {a: 1}` then `r = {a: r, b: r}` `levels` times: 2^levels numbers in a value of
    /// `levels` records.
    static func doubling(_ levels: Int) -> String {
        "r = {a: 1}\n" + String(repeating: "r = {a: r, b: r}\n", count: levels) + "r"
    }

    @Test("fields keep their order; writing a key again replaces it in place; nil removes it")
    func semantics() {
        var r = Record([("b", .number(1)), ("a", .number(2)), ("b", .number(3))])
        #expect(r.keys == ["b", "a"])
        #expect(r["b"]?.renderText() == "3")
        r["c"] = .number(4)
        r["b"] = nil
        #expect(r.keys == ["a", "c"])
        #expect(r["c"]?.renderText() == "4")
        #expect(r["b"] == nil)
        r["a"] = nil
        r["d"] = .number(5)
        #expect(r.keys == ["c", "d"])
        #expect(r["c"]?.renderText() == "4" && r["d"]?.renderText() == "5")
        #expect(r.count == 2)
    }

    @Test("a record of 100 000 fields is built, read and printed in linear time")
    func manyKeys() {
        let n = 100_000
        var r = Record()
        let elapsed = RecordRenderingTests.seconds {
            r = Record((0..<n).map { ("k\($0)", Value.number(Double($0))) })
            for i in stride(from: 0, to: n, by: 7) { #expect(r["k\(i)"]?.renderText() == "\(i)") }
        }
        #expect(r.count == n)
        #expect(elapsed < 3, "took \(elapsed) s")
        let text = Value.record(r).renderText()
        let lines = text.split(separator: "\n")
        #expect(lines.count == 21)
        #expect(lines.first == "k0:  0")
        #expect(lines.last == "… 99980 more fields")
    }

    @Test("a record built from itself 24 times is made and printed at once, in a bounded text")
    func sharedRecords() throws {
        var text = ""
        let elapsed = try RecordRenderingTests.seconds { text = try evaluate(RecordRenderingTests.doubling(24)) }
        #expect(elapsed < 3, "took \(elapsed) s")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // Past the budget each enclosing record still closes with its "… more fields" line.
        #expect(lines.count <= Value.maxShownLines + 2 * Value.maxShownDepth)
        #expect(text.contains("{…}"))
        #expect(text.contains("… 1 more field"))
        #expect(lines.prefix(3) == ["a:", "  a:", "    a:"])
    }

    @Test("a list built from itself is measured once per shared part")
    func sharedLists() throws {
        let source = "l = [\"x\"]\n" + String(repeating: "l = [l, l, \"y\"]\n", count: 22) + "len(l)"
        var text = ""
        let elapsed = try RecordRenderingTests.seconds { text = try evaluate(source) }
        #expect(elapsed < 3, "took \(elapsed) s")
        #expect(text == "3")
    }

    @Test("a shared record still counts every element against the limit")
    func sharedRecordsCountInFull() {
        // 2^21 numbers in a value of 21 records: over a limit of a million elements.
        let d = diagnostic(String(RecordRenderingTests.doubling(21).dropLast(2)) + "\n1")
        #expect(d == nil)
        let interpreter = makeInterpreter()
        interpreter.context.maxElements = 1_000_000
        var refused: Diagnostic?
        for parsed in Parser.parse(SourceFile(name: "<test>", text: RecordRenderingTests.doubling(21))) {
            do { _ = try interpreter.run(try parsed.get()) } catch let e as Diagnostic { refused = e; break } catch {}
        }
        #expect(refused?.id == "resource.too-large")
    }

    @Test("deep nesting prints as {…} past the shown depth", arguments: [1, 7, 8, 30, 64])
    func deepChain(_ depth: Int) {
        var v = Value.number(1)
        for _ in 0..<depth { v = .record(Record([("a", v)])) }
        let text = v.renderText()
        let shown = min(depth, Value.maxShownDepth)
        #expect(text.components(separatedBy: "a:").count - 1 == shown)
        #expect(text.hasSuffix(depth > Value.maxShownDepth ? "a: {…}" : "{a: 1}"))
        var l = Value.number(1)
        for _ in 0..<depth { l = .list([l, .string("x")]) }
        #expect(l.renderText().contains("[…]") == (depth > Value.maxShownDepth))
    }

    @Test("a long list of records stops at the row limit and says how many are left")
    func longList() {
        let item = Value.record(Record([("m", .matrix(Matrix(rows: 3, cols: 3, repeating: 0)))]))
        let text = Value.list(Array(repeating: item, count: 1000)).renderText()
        #expect(text.hasPrefix("list of 1000\n[0] m:"))
        #expect(text.hasSuffix("… 980 more"))
    }
}

/// Vectors whose elements are too wide for the line: every length prints, eliding only when
/// there is something to leave out (4 long strings crashed the shell: the tail range began
/// past the end).
@Suite("Vectors wider than the line")
struct WideVectorTests {
    @Test("0 to 20 long strings, numbers and bools print at widths 20 and 80", arguments: Array(0...20))
    func everyLength(_ n: Int) {
        for width in [20, 80] {
            var options = RenderOptions()
            options.width = width
            let long = (0..<n).map { "slice \($0) and a condition long enough to overflow" }
            for column in [Column.strings(long), .numbers((0..<n).map { Double($0) + 0.123456 }), .bools((0..<n).map { $0 % 2 == 0 })] {
                let text = Value.vector(column).renderText(options)
                #expect(text.hasPrefix("["))
                if n > 8 && text.contains("…") { #expect(text.hasSuffix("(\(n) \(column.elementName)s)")) }
                if n <= 8 { #expect(!text.contains("…"), "\(n) elements are all shown: \(text)") }
            }
        }
    }
}
