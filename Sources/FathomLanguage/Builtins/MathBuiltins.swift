#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// Elementwise functions of numbers: they take a number, a vector or a matrix and return the
/// same shape.
enum MathBuiltins {
    static let input: ParameterKey<Value> = .value("x", type: "number, vector or matrix", doc: "the input")
    static let base: ParameterKey<Double?> = .optionalNumber("base", absent: "e", doc: "logarithm base")
    static let digits: ParameterKey<Int> = .wholeNumber("digits", default: 0, atLeast: -300, atMost: 300, doc: "decimal places")
    static let values: ParameterKey<Value> = .value("x", type: "vector or matrix", doc: "the values")
    static let valueNumbers = values.reading { args, name in try args.numbers(name, expected: "numbers (a vector or a matrix)") }
    static let other: ParameterKey<Value?> = .optionalValue("y", .absent("reduce x"), type: "number or vector", doc: "compare elementwise with x instead")

    static var all: [Builtin] {
        [
            unary("log", "natural logarithm", "log(x) is ln x; log(0) is -Inf and the log of a negative number is NaN, as in numpy. With base=, log(x, base) = ln x / ln base.", extra: [base], examples: ["log(10)", "log([1, 10, 100], base=10)"]) { args, x in
                if let b = try args[base] {
                    guard b > 0, b != 1 else { throw args.invalid(base, "log() needs a base that is positive and not 1, got \(NumberFormat.short(b))") }
                    let lb = Glibc.log(b)
                    return { Glibc.log($0) / lb }
                }
                return { Glibc.log($0) }
            },
            unary("exp", "exponential, e^x", "exp(x) = e^x elementwise; overflows to Inf above about 709.78.", examples: ["exp(1)", "exp([0, 1, 2])"]) { _, _ in { Glibc.exp($0) } },
            unary("sqrt", "square root", "sqrt(x) elementwise; NaN for negative numbers.", examples: ["sqrt(2)", "sqrt([1, 4, 9])"]) { _, _ in { $0.squareRoot() } },
            unary("abs", "absolute value", "abs(x) = |x| elementwise.", examples: ["abs(-3)", "abs([-1, 2, -3])"]) { _, _ in { Swift.abs($0) } },
            unary("round", "round to a number of decimals", "round(x, digits=0) rounds half to even at the given number of decimal places (as numpy and R do): round(2.5) is 2, round(3.5) is 4. Negative digits round to tens, hundreds, ….", extra: [digits], examples: ["round(3.14159, digits=2)", "round([0.5, 1.5, 2.5])"]) { args, _ in
                let d = try args[digits]
                let scale = Glibc.pow(10.0, Double(d))
                if d == 0 { return { $0.rounded(.toNearestOrEven) } }
                return { x in
                    let y = (x * scale).rounded(.toNearestOrEven) / scale
                    return y.isFinite ? y : x
                }
            },
            unary("floor", "round down", "floor(x): the largest whole number ≤ x, elementwise.", examples: ["floor(2.7)", "floor([-1.5, 1.5])"]) { _, _ in { $0.rounded(.down) } },
            unary("ceil", "round up", "ceil(x): the smallest whole number ≥ x, elementwise.", examples: ["ceil(2.1)"]) { _, _ in { $0.rounded(.up) } },
            extremum("min", "smallest value", below: true),
            extremum("max", "largest value", below: false),
        ]
    }

    /// A builtin applying `make(args, x)`'s function to every element of `x`.
    static func unary(_ name: String, _ summary: String, _ doc: String, extra: [any ParameterDeclaration] = [], examples: [String], _ make: @escaping @Sendable (Arguments, Value) throws -> (Double) -> Double) -> Builtin {
        Builtin(name, area: .math, parameters: declare(input) + extra.map(\.parameter),
                returns: "the same shape as x", summary: summary, doc: doc, examples: examples) { args, _ in
            let x = try args[input]
            let f = try make(args, x)
            return try mapNumbers(x, args, input, f)
        }
    }

    /// `f` applied to each number of `x`, keeping its shape.
    static func mapNumbers<T>(_ x: Value, _ args: Arguments, _ key: ParameterKey<T>, _ f: (Double) -> Double) throws -> Value {
        switch x {
        case .number(let v): return .number(f(v))
        case .vector(.numbers(let v)): return .numbers(v.map(f))
        case .vector(.bools(let b)): return .numbers(b.map { f($0 ? 1 : 0) })
        case .matrix(let m): return .matrix(Matrix(rows: m.rows, cols: m.cols, storage: m.storage.map(f)))
        default: throw args.mismatch(key, expected: "a number, a vector or a matrix")
        }
    }

    static func extremum(_ name: String, _ summary: String, below: Bool) -> Builtin {
        let word = below ? "smallest" : "largest"
        return Builtin(
            name, area: .math,
            parameters: declare(values, other),
            returns: "a number; with y, the elementwise \(name)",
            summary: summary,
            doc: "\(name)(x) is the \(word) element of x (NaN if any element is NaN, as numpy's \(name)). \(name)(x, y) compares x and y elementwise, broadcasting as arithmetic does. Strings compare alphabetically.",
            examples: ["\(name)([3, 1, 2])", "\(name)([1, 5], [4, 2])", "\(name)(randn(100, seed=1), 0)"]
        ) { args, context in
            let x = try args[values]
            if let y = try args[other], !y.isNull {
                let f: (Double, Double) -> Double = below
                    ? { ($0.isNaN || $1.isNaN) ? .nan : Swift.min($0, $1) }
                    : { ($0.isNaN || $1.isNaN) ? .nan : Swift.max($0, $1) }
                guard let sa = Operators.shape(x) else { throw args.mismatch(values, expected: "numbers") }
                guard let sb = Operators.shape(y) else { throw args.mismatch(other, expected: "numbers") }
                return Operators.value(try Operators.broadcast(sa, sb, "\(name)()", at: args.callRange, aValue: x, bValue: y, f))
            }
            if case .vector(.strings(let s)) = x {
                guard let v = below ? s.min() : s.max() else { throw args.invalid(values, "\(name)() of an empty vector is undefined") }
                return .string(v)
            }
            let v = try args[valueNumbers]
            guard let r = below ? Descriptive.minimum(v) : Descriptive.maximum(v) else {
                throw args.invalid(values, "\(name)() of an empty vector is undefined")
            }
            return .number(r)
        }
    }
}
