import Testing
import Foundation
import Synchronization
import FathomCore
@testable import FathomLanguage

/// Every builtin called with hostile values (huge, tiny, NaN, infinite, empty, wrong shapes,
/// wrong kinds), by a seeded generator: only a value or a diagnostic (not an internal one, such
/// as a read of an undeclared parameter) may come out, and every call returns in time. A call
/// still running after ``budget`` gets a (simulated) Ctrl-C and must then stop within ``grace``.
@Suite("Builtins × hostile values", .serialized)
struct BuiltinFuzzTests {
    /// Builtins that write files or reach outside the session are left out (`load` has its
    /// own hostile-file suite; `plot(to=)` is tested in the shell).
    static let excluded: Set<String> = ["load", "save"]
    /// Named arguments never generated.
    static let excludedNames: Set<String> = ["to"]

    static let budget = 2.0
    #if DEBUG
    static let grace = 3.0
    #else
    static let grace = 1.0
    #endif

    /// The hostile values, as statements that make them, by the kind of parameter they are
    /// meant for (most are hostile for it; some are fine, so calls get past the first check).
    static let pools: [(kind: String, values: [String])] = [
        ("whole", ["0", "-1", "1", "2", "3", "10", "1e16", "1e19", "1e300", "9007199254740993", "1e6", "1e9", "nan", "inf", "0.5"]),
        ("number", ["0", "-1", "1", "0.5", "0.05", "0.999", "1e16", "1e300", "-1e308", "5e-324", "nan", "inf", "-inf", "-0.5", "1e-300"]),
        ("vector", ["[]", "[nan]", "[1e16]", "[0, 5e-324]", "[-1e308, 1e308]", "[inf, -inf, nan]", "[1, 2, 3]",
                    "[1e19, -1e19]", "[-1, 2.5, 3]", "[true, false, true]", "[1, 1, 1, 1]", "randn(200, seed=4)",
                    "runif(200, seed=1) * 1e-3", "[5e-324, 5e-324, 0]", "randn(3000, seed=20) * 1e300"]),
        ("probabilities", ["[0.2, 0.9, 0.4, 0.7, 0.99, 0.1]", "runif(200, seed=1)", "softmax(randn(200, 3, seed=6))",
                           "[[nan, 1], [0.5, 0.5]]", "[[0.5, 0.6], [0.1, 0.2], [1, 0]]", "[1.5, -0.5]", "[[1, 0], [0, 1], [1, 0]]",
                           "softmax(randn(6, 2, seed=21))", "[0, 1, 0, 1, 1, 0]"]),
        ("labels", ["[0, 1, 0, 1, 1, 0]", "[2, 0, 1, 2, 1, 0]", "round(runif(200, seed=2))", "round(runif(200, seed=3) * 2)",
                    "[1e19, -1e19]", "[0.5, 1]", "[-1, 0]", "[\"a\", \"b\", \"a\", \"b\", \"a\", \"b\"]", "[nan, 1]", "[0, 1e6]"]),
        ("matrix", ["[[1, 2], [3, 4]]", "[[1e300]]", "runif(200, 3, seed=5)", "randn(200, 2, seed=7)", "head(runif(5, 3, seed=8), 0)",
                    "[[nan, inf], [1, 2]]", "randn(6, 2, seed=22) * 1e200"]),
        ("string", ["\"\"", "\"x\"", "\"\u{1b}[2J\"", "\"ks\"", "\"a,b\"", "\"log10\"", "\"gumbel\"", "\"\\n\""]),
        ("bool", ["true", "false", "null", "[true, false, true]"]),
        ("table", ["as_table({x: [1, 2, 3], y: [0, 1, 1], s: [\"a\", \"b\", \"a\"]})", "as_table({x: []})",
                   "as_table({x: [nan, 1e300, -inf], y: [1e19, 0, 1]})"]),
        ("record", ["{}", "{a: 1, b: [1, 2]}", "[[1, 2], \"x\"]", "[1, [2, 3], {a: nan}]"]),
        ("object", ["mean", "ece",
                    "fit_logistic(randn(60, 2, seed=10), round(runif(60, seed=11)))",
                    "temperature(randn(60, 2, seed=12), round(runif(60, seed=13)))",
                    "gev_fit(randn(50, seed=14))",
                    "ece(runif(50, seed=15), round(runif(50, seed=16)))",
                    "forecast(runif(200, seed=17) * 1e-3, 1e6)",
                    "ks(randn(30, seed=18), randn(30, seed=19))",
                    "bbse(softmax(randn(60, 2, seed=23)), round(runif(60, seed=24)), softmax(randn(60, 2, seed=25)))",
                    "histogram_binning(runif(60, seed=26), round(runif(60, seed=27)))",
                    "isotonic(runif(60, seed=28), round(runif(60, seed=29)))",
                    "gpd_fit(randn(200, seed=30), 0.5)",
                    "backtest(runif(2000, seed=31) * 1e-3, 100, 1000, reps=5, seed=1)",
                    "risk_coverage(runif(50, seed=32), round(runif(50, seed=33)))"]),
    ]

    /// The pools a parameter of this declared type draws from.
    static func kinds(for type: String) -> [String] {
        var out: [String] = []
        if type.contains("whole") { out.append("whole") }
        if type.contains("number") && !type.contains("whole") { out.append("number") }
        if type.contains("vector") || type.contains("values") || type.contains("samples") { out.append("vector") }
        if type.contains("probabilities") || type.contains("predictions") { out.append("probabilities") }
        if type.contains("label") { out.append("labels") }
        if type.contains("matri") { out.append("matrix") }
        if type.contains("string") { out.append("string") }
        if type.contains("bool") || type.contains("true") { out.append("bool") }
        if type.contains("table") { out.append("table") }
        if type.contains("record") || type.contains("list") { out.append("record") }
        if type.contains("model") || type.contains("fit") || type.contains("calibrator") || type.contains("builtin")
            || type.contains("estimate") || type.contains("plot") || type.contains("any") { out.append("object") }
        return out.isEmpty ? pools.map(\.kind) : out
    }

    static func interpreter() -> (Interpreter, [String: [String]]) {
        let i = Interpreter()
        i.context.maxElements = 200_000
        i.context.plotRenderer = RecordingRenderer()
        var names: [String: [String]] = [:]
        var k = 0
        for (kind, values) in pools { for text in values {
            let name = "v\(k)"
            k += 1
            for parsed in Parser.parse(SourceFile(name: "<pool>", text: "\(name) = \(text)")) {
                guard case .success(let s) = parsed else { preconditionFailure("pool value \(text) does not parse") }
                do { _ = try i.run(s) } catch { preconditionFailure("pool value \(text) failed: \(error)") }
            }
            names[kind, default: []].append(name)
        } }
        return (i, names)
    }

    /// The calls for one builtin: its required positionals (sometimes one fewer or more), and
    /// now and then named arguments. Three values in four come from the pools for the
    /// parameter's declared type, the rest from anywhere.
    static func calls(for builtin: Builtin, count: Int, names: [String: [String]]) -> [String] {
        var g = Xoshiro256(seed: UInt64(truncatingIfNeeded: builtin.name.utf8.reduce(5381) { ($0 &* 33) &+ UInt64($1) }))
        let all = names.values.flatMap { $0 }.sorted()
        func value(for p: Parameter?) -> String {
            if let p, g.nextInt(below: 4) != 0 {
                if case .value(let v) = p.defaultValue, g.nextInt(below: 6) == 0 { return v.renderText() }
                let kinds = kinds(for: p.type)
                let pool = names[kinds[g.nextInt(below: kinds.count)]]!
                return pool[g.nextInt(below: pool.count)]
            }
            return all[g.nextInt(below: all.count)]
        }
        let positional = Array(builtin.parameters.prefix { !$0.variadic })
        let required = builtin.parameters.filter(\.isRequired).count
        let variadic = builtin.parameters.first(where: \.variadic)
        let named = builtin.parameters.filter { !$0.variadic && !excludedNames.contains($0.name) }
        var out: [String] = []
        for _ in 0..<count {
            var n = required
            let r = g.nextInt(below: 8)
            if r == 0 { n = max(0, n - 1) } else if r == 1 { n += 1 } else if variadic != nil { n += g.nextInt(below: 3) }
            var args = (0..<n).map { i in value(for: i < positional.count ? positional[i] : variadic) }
            if !named.isEmpty, g.nextInt(below: 2) == 0 {
                for _ in 0..<(1 + g.nextInt(below: 2)) {
                    let p = named[g.nextInt(below: named.count)]
                    if !args.contains(where: { $0.hasPrefix("\(p.name)=") }) { args.append("\(p.name)=\(value(for: p))") }
                }
            }
            out.append("\(builtin.name)(\(args.joined(separator: ", ")))")
        }
        return out
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Runs `text` under its own interruption flag, raised after `budget` seconds. Returns the
    /// seconds it took past the raise (0 when it finished before) and what went wrong, if
    /// anything other than a diagnostic came out.
    static func run(_ text: String, in interpreter: Interpreter, budget: Double = budget) -> (late: Double, problem: String?) {
        let flag = Interruption.Flag()
        let raisedAt = Atomic<UInt64>(0)
        let start = now()
        DispatchQueue.global().asyncAfter(deadline: .now() + budget) {
            raisedAt.store(UInt64((now() - start) * 1e9), ordering: .relaxed)
            flag.request()
        }
        var problem: String?
        Interruption.withFlag(flag) {
            for parsed in Parser.parse(SourceFile(name: "<fuzz>", text: text)) {
                guard case .success(let s) = parsed else { problem = "does not parse"; return }
                do {
                    if case .value(let v) = try interpreter.run(s) {
                        _ = v.renderText()
                        _ = v.json().serialized()
                    }
                } catch let d as Diagnostic where d.id.hasPrefix("internal.") {
                    problem = d.message
                } catch is Diagnostic {
                } catch is Interrupted {
                } catch {
                    problem = "threw \(error)"
                }
            }
        }
        flag.request()
        let end = now() - start
        let raised = Double(raisedAt.load(ordering: .relaxed)) / 1e9
        return (raised > 0 ? end - raised : 0, problem)
    }

    /// Every builtin but the excluded; `FATHOM_FUZZ_ONLY=name` runs one alone.
    static var builtinNames: [String] {
        let all = BuiltinRegistry.standard.builtins.map(\.name).filter { !excluded.contains($0) }
        guard let only = ProcessInfo.processInfo.environment["FATHOM_FUZZ_ONLY"] else { return all }
        return all.filter { $0 == only }
    }

    @Test("no crash, only values or diagnostics, and a stop within the grace period", arguments: builtinNames)
    func hostileCalls(_ name: String) {
        let builtin = BuiltinRegistry.standard.builtin(named: name)!
        var (interpreter, names) = BuiltinFuzzTests.interpreter()
        let verbose = ProcessInfo.processInfo.environment["FATHOM_FUZZ_VERBOSE"] != nil
        for (k, call) in BuiltinFuzzTests.calls(for: builtin, count: 300, names: names).enumerated() {
            if k % 100 == 99 { (interpreter, names) = BuiltinFuzzTests.interpreter() }
            if verbose { FileHandle.standardError.write(Data("fuzz: \(call)\n".utf8)) }
            let (late, problem) = BuiltinFuzzTests.run(call, in: interpreter)
            #expect(problem == nil, "\(call): \(problem ?? "")")
            #expect(late < BuiltinFuzzTests.grace, "\(call) took \(late) s to stop after Ctrl-C")
        }
    }
}
