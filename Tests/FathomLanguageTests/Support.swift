@testable import FathomLanguage
import FathomCore
import FathomTestSupport
import Testing

import Foundation

/// The repository's bundled datasets.
let bundledDatasets = DatasetCatalog(directory: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Datasets").path)

/// Stands in for the shell's gnuplot driver in language tests: keeps what it was asked to
/// draw. (The drawing itself is tested in FathomShellTests.)
final class RecordingRenderer: PlotRenderer {
    var drawn: [(Figure, String)] = []
    func render(_ figure: Figure, to path: String) throws { drawn.append((figure, path)) }
}

/// An interpreter that can load the bundled datasets and "draw" plots.
func makeInterpreter() -> Interpreter {
    let interpreter = Interpreter()
    interpreter.context.datasets = bundledDatasets
    interpreter.context.plotRenderer = RecordingRenderer()
    return interpreter
}

/// Runs `source` in a fresh interpreter and returns the rendering of the last value shown.
func evaluate(_ source: String, maxElements: Int? = nil) throws -> String {
    let interpreter = makeInterpreter()
    if let maxElements { interpreter.context.maxElements = maxElements }
    var last = ""
    for parsed in Parser.parse(SourceFile(name: "<test>", text: source)) {
        let statement = try parsed.get()
        if case .value(let v) = try interpreter.run(statement) { last = v.renderText() }
    }
    return last
}

/// Runs `source` with `variables` bound and returns its value.
func run(_ source: String, _ variables: [String: Value]) throws -> Value {
    let interpreter = makeInterpreter()
    interpreter.variables = variables
    var last = Value.null
    for parsed in Parser.parse(SourceFile(name: "<test>", text: source)) {
        if case .value(let v) = try interpreter.run(try parsed.get()) { last = v }
    }
    return last
}

func number(_ source: String, _ variables: [String: Value]) throws -> Double {
    guard case .number(let x) = try run(source, variables) else { Issue.record("\(source) is not a number"); return .nan }
    return x
}

func numbers(_ value: Value) -> [Double] {
    switch value {
    case .vector(.numbers(let v)): return v
    case .matrix(let m): return m.storage
    default: Issue.record("not numbers: \(value.typeName)"); return []
    }
}

func field(_ value: Value, _ name: String) -> Value {
    switch value {
    case .record(let r): return r[name] ?? .null
    case .object(let o): return o.field(name) ?? .null
    default: return .null
    }
}

/// Expects the builtin call `source` to give `core`, the core function's result, to 1e-15
/// relative (NaN where the core gives NaN): the builtin is bound to the core.
func expectBound(_ source: String, _ variables: [String: Value], _ core: Double, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let got = try number(source, variables)
    #expect(agrees(got, core, rel: 1e-15), "\(source) = \(got), the core gives \(core)", sourceLocation: sourceLocation)
}

/// Expects `value` (a vector or matrix) to hold `core` elementwise to 1e-15 relative.
func expectBound(_ value: Value, _ core: [Double], _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let got = numbers(value)
    #expect(agrees(got, core, rel: 1e-15), "\(what): max difference \(maxDifference(got, core)) from the core", sourceLocation: sourceLocation)
}

/// The diagnostic that running `source` produces (nil when it runs cleanly).
func diagnostic(_ source: String) -> Diagnostic? {
    let interpreter = makeInterpreter()
    for parsed in Parser.parse(SourceFile(name: "<test>", text: source)) {
        switch parsed {
        case .failure(let d): return d
        case .success(let statement):
            do { _ = try interpreter.run(statement) } catch let d as Diagnostic { return d } catch { return nil }
        }
    }
    return nil
}

extension Expr {
    /// A compact prefix form for parser tests: `(+ 1 (* 2 3))`.
    var sexp: String {
        switch kind {
        case .number(let x): return NumberFormat.short(x)
        case .string(let s): return "\"\(s)\""
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .name(let n): return n
        case .array(let items): return "[" + items.map(\.sexp).joined(separator: " ") + "]"
        case .record(let fields): return "{" + fields.map { "\($0.key): \($0.value.sexp)" }.joined(separator: " ") + "}"
        case .unary(let op, let e): return "(\(op.rawValue) \(e.sexp))"
        case .binary(let op, let a, let b): return "(\(op.rawValue) \(a.sexp) \(b.sexp))"
        case .call(let f, let args):
            return "(call \(f.sexp)" + args.map { " " + ($0.label.map { "\($0)=" } ?? "") + $0.value.sexp }.joined() + ")"
        case .member(let b, let n, _): return "(. \(b.sexp) \(n))"
        case .index(let b, let subs):
            return "(index \(b.sexp)" + subs.map { s -> String in
                switch s {
                case .value(let e): return " " + e.sexp
                case .slice(let a, let b, let c, _): return " " + [a, b, c].map { $0?.sexp ?? "_" }.joined(separator: ":")
                }
            }.joined() + ")"
        case .pipe(let a, let b): return "(|> \(a.sexp) \(b.sexp))"
        }
    }
}

extension Statement {
    var sexp: String {
        switch kind {
        case .expression(let e): return e.sexp
        case .assignment(let t, let v): return "(= \(t.sexp) \(v.sexp))"
        }
    }
}

/// The tails fixtures (Tests/FathomCoreTests/Fixtures/tails).
enum TailFixture {
    static func load(_ name: String) -> JSONValue { try! Fixture.json("tails/" + name) }
}

/// The value `source` ends with, run in a fresh interpreter with `variables` set.
func valueOf(_ source: String, _ variables: [String: Value] = [:]) throws -> Value {
    let interpreter = makeInterpreter()
    interpreter.variables = variables
    var last = Value.null
    for parsed in Parser.parse(SourceFile(name: "<test>", text: source)) {
        if case .value(let v) = try interpreter.run(try parsed.get()) { last = v }
    }
    return last
}

/// The field `name` of a record or result (null when there is none).
func member(_ value: Value, _ name: String) -> Value {
    switch value {
    case .record(let r): return r[name] ?? .null
    case .object(let o): return o.field(name) ?? .null
    default: return .null
    }
}

/// The number a value holds (NaN, recorded as an issue, when it holds none).
func numberIn(_ value: Value) -> Double {
    guard case .number(let x) = value else { Issue.record("not a number: \(value.typeName)"); return .nan }
    return x
}

/// The numbers of a vector or matrix (row by row).
func numbersIn(_ value: Value) -> [Double] {
    switch value {
    case .vector(.numbers(let v)): return v
    case .matrix(let m): return m.storage
    default: Issue.record("not numbers: \(value.typeName)"); return []
    }
}

/// Whether a builtin's number is the core's: the same to 1e-15 relative (NaN matches NaN).
func matchesCore(_ a: Double, _ b: Double) -> Bool { agrees(a, b, rel: 1e-15) }
func matchesCore(_ a: [Double], _ b: [Double]) -> Bool { agrees(a, b, rel: 1e-15) }
