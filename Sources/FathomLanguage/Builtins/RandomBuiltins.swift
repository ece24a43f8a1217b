import FathomCore

/// Seeded random numbers. Without `seed=`, draws come from the session's generator (seeded by
/// `--seed` or `:set seed`, default 0), so a script gives the same numbers on every run; with
/// `seed=`, from a fresh generator that leaves the session's untouched.
enum RandomBuiltins {
    static var all: [Builtin] { [randn, runif, sample] }

    static let draws: ParameterKey<Int> = .wholeNumber("n", atLeast: 0, doc: "how many draws (rows)")
    static let columns: ParameterKey<Int> = .wholeNumber("d", default: 1, atLeast: 1, doc: "columns: d > 1 gives an n×d matrix")
    static let seed = CommonParameters.bootstrapSeed.documented("a seed for a fresh generator")
    static let population: ParameterKey<Value> = .value("v", type: "vector, list, matrix or table", doc: "what to draw from (rows of a matrix or table)")
    static let size: ParameterKey<Int?> = .optionalWholeNumber("k", absent: "len(v): a shuffle", atLeast: 0, doc: "how many to draw")
    static let replace: ParameterKey<Bool> = .bool("replace", default: false, doc: "draw with replacement")

    static let shape = declare(draws, columns, seed)

    /// Draws n×d values with `fill` from the right generator.
    static func draw(_ args: Arguments, _ context: EvaluationContext, _ fill: (inout Xoshiro256, UnsafeMutableBufferPointer<Double>) throws -> Void) throws -> Value {
        let n = try args[draws]
        let d = try args[columns]
        try context.checkSize(Double(n) * Double(d), at: args.callRange)
        var out = [Double](repeating: 0, count: n * d)
        try context.withGenerator(seed: try args[seed]) { random in
            try out.withUnsafeMutableBufferPointer { try fill(&random, $0) }
        }
        return d == 1 ? .numbers(out) : .matrix(Matrix(rows: n, cols: d, storage: out))
    }

    static let randn = Builtin(
        "randn", area: .random, parameters: shape, returns: "a vector, or an n×d matrix",
        summary: "standard normal draws",
        doc: "randn(n) draws n independent standard normal values (Box–Muller on xoshiro256** uniforms); randn(n, d) an n×d matrix. Long draws poll Ctrl-C.",
        examples: ["randn(5, seed=1)", "x = randn(1000, 2, seed=7)"]
    ) { args, context in
        try draw(args, context) { g, buf in try g.fillNormal(buf) }
    }

    static let runif = Builtin(
        "runif", area: .random, parameters: shape, returns: "a vector, or an n×d matrix",
        summary: "uniform draws on [0, 1)",
        doc: "runif(n) draws n independent values uniform on [0, 1) (53 random bits each); runif(n, d) an n×d matrix. For [a, b) write a + (b - a) * runif(n).",
        examples: ["runif(3, seed=1)", "mean(runif(10000, seed=2))"]
    ) { args, context in
        try draw(args, context) { g, buf in try g.fillUniform(buf) }
    }

    static let sample = Builtin(
        "sample", area: .random,
        parameters: declare(population, size, seed, replace),
        returns: "the same kind as v",
        summary: "random sample or shuffle",
        doc: "sample(v, k) draws k elements of v (rows of a matrix or table) uniformly at random, without replacement unless replace=true; sample(v) shuffles. A partial Fisher–Yates shuffle on the seeded generator.",
        examples: ["sample(seq(10), 3, seed=1)", "sample([\"a\", \"b\", \"c\"], seed=2)"]
    ) { args, context in
        let v = try args[population]
        let n: Int
        switch v {
        case .vector(let c): n = c.count
        case .list(let l): n = l.count
        case .matrix(let m): n = m.rows
        case .table(let t): n = t.rowCount
        default: throw args.mismatch(population, expected: "a vector, list, matrix or table")
        }
        let replace = try args[replace]
        let k = try args[size] ?? n
        try context.checkSize(Double(k), at: try args.range(size))
        if !replace, k > n {
            throw args.invalid(size, "sample() cannot draw \(k) without replacement from \(n); pass replace=true or a smaller k")
        }
        if replace, n == 0, k > 0 { throw args.invalid(population, "sample() cannot draw from an empty collection") }
        let idx = try context.withGenerator(seed: try args[seed]) { g in
            replace ? try g.sampleIndicesWithReplacement(n, k) : try g.sampleIndices(n, k)
        }
        switch v {
        case .vector(let c): return .vector(c.gather(idx))
        case .list(let l): return .list(idx.map { l[$0] })
        case .matrix(let m): return .matrix(m.selectingRows(idx))
        case .table(let t): return .table(t.selectingRows(idx))
        default: return .null
        }
    }
}
