import FathomCore

/// Summaries of numbers.
enum StatisticsBuiltins {
    static var all: [Builtin] {
        [sum, mean, sd, quantile, count, median, variance, cor]
    }

    static let numericX: ParameterKey<[Double]> = .numbers("x", type: "vector or matrix", doc: "the values (booleans count as 0 and 1; a matrix counts all its elements)")
    static let ddof: ParameterKey<Int> = .wholeNumber("ddof", default: 1, atLeast: 0, doc: "delta degrees of freedom: the divisor is n − ddof")
    static let corX: ParameterKey<Value> = .value("x", type: "vector, matrix or table", doc: "a vector (with y), or a matrix or table whose columns are correlated with each other")
    static let corColumns = corX.reading { args, name in try args.features(name) }
    static let corVector = corX.reading { args, name in try args.vector(name) }
    static let corY: ParameterKey<[Double]> = .vector("y", .absent("correlate the columns of x"), doc: "the second vector, as long as x")
    static let method: ParameterKey<Correlation.Method> = .choice("method", Correlation.Method.allCases, default: .pearson, doc: "\"pearson\" (linear) or \"spearman\" (ranks, ties averaged)")
    static let q: ParameterKey<Value> = .value("q", type: "number or vector in [0, 1]", doc: "the probabilities")
    static let countX: ParameterKey<Value> = .value("x", type: "vector", doc: "the values")
    static let countValue: ParameterKey<Value?> = .optionalValue("value", .absent("count what is present"), type: "number, string or bool", doc: "count the elements equal to this")

    /// The numbers of x, which must not be empty.
    static func nonEmpty(_ args: Arguments) throws -> [Double] {
        let v = try args[numericX]
        guard !v.isEmpty else { throw args.invalid(numericX, "\(args.builtin.name)() of an empty vector is undefined") }
        return v
    }

    static let sum = Builtin(
        "sum", area: .statistics, parameters: declare(numericX), returns: "a number",
        summary: "sum of the elements",
        doc: "sum(x) adds every element by pairwise summation (as numpy), so rounding error grows like log n. The sum of an empty vector is 0; any NaN makes it NaN. sum(v > 0) counts the true values.",
        examples: ["sum([1, 2, 3])", "sum(randn(1000, seed=1) > 0)"]
    ) { args, _ in
        .number(Descriptive.sum(try args[numericX]))
    }

    static let mean = Builtin(
        "mean", area: .statistics, parameters: declare(numericX), returns: "a number",
        summary: "arithmetic mean",
        doc: "mean(x) = sum(x) / len(x). Any NaN makes it NaN. The mean of a vector of bools is the share that are true.",
        examples: ["mean([1, 2, 3, 4])", "mean(runif(1000, seed=2) < 0.25)"]
    ) { args, _ in
        .number(Descriptive.mean(try nonEmpty(args)))
    }

    static let sd = Builtin(
        "sd", area: .statistics,
        parameters: declare(numericX, ddof),
        returns: "a number",
        summary: "standard deviation",
        doc: "sd(x) = sqrt(Σ(x − mean)² / (n − ddof)). The default ddof=1 is the sample standard deviation (R's sd, pandas' std); ddof=0 is numpy's default.",
        examples: ["sd([2, 4, 4, 4, 5, 5, 7, 9])", "sd(randn(10000, seed=3))", "sd([1, 2, 3], ddof=0)"]
    ) { args, _ in
        let (v, ddof) = try spread(args)
        return .number(Descriptive.standardDeviation(v, ddof: ddof))
    }

    /// The values and ddof of sd() and var(), with more values than ddof.
    static func spread(_ args: Arguments) throws -> (values: [Double], ddof: Int) {
        let v = try args[numericX]
        let ddof = try args[ddof]
        guard v.count > ddof else {
            throw args.invalid(numericX, "\(args.builtin.name)(x, ddof=\(ddof)) needs more than \(ddof) value\(ddof == 1 ? "" : "s"), got \(v.count)")
        }
        return (v, ddof)
    }

    static let variance = Builtin(
        "var", area: .statistics,
        parameters: declare(numericX, ddof),
        returns: "a number",
        summary: "variance",
        doc: "var(x) = Σ(x − mean)² / (n − ddof), two-pass with pairwise sums. The default ddof=1 is the sample variance (R's var, pandas' var); ddof=0 is numpy's default np.var. Any NaN makes it NaN; sd(x) is its square root.",
        examples: ["var([2, 4, 4, 4, 5, 5, 7, 9])", "var([1, 2, 3], ddof=0)"]
    ) { args, _ in
        let (v, ddof) = try spread(args)
        return .number(Descriptive.variance(v, ddof: ddof))
    }

    static let median = Builtin(
        "median", area: .statistics, parameters: declare(numericX), returns: "a number",
        summary: "middle value",
        doc: "median(x) is the middle of the sorted values, or the mean of the two middle ones when there is an even number of them (numpy's median, the same as quantile(x, 0.5) up to rounding). Any NaN makes it NaN, as in numpy; drop_missing(x) first to ignore missing values.",
        examples: ["median([3, 1, 2])", "median([4, 1, 3, 2])", "median(randn(1001, seed=5))"]
    ) { args, _ in
        .number(Descriptive.median(try nonEmpty(args)))
    }

    static let cor = Builtin(
        "cor", area: .statistics,
        parameters: declare(corX, corY, method),
        returns: "a number for two vectors; a matrix for a matrix; a table (variable, then one column per variable) for a table",
        summary: "correlation coefficient (Pearson or Spearman)",
        doc: "cor(x, y) is Pearson's correlation Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)²·Σ(y − ȳ)²) (numpy's corrcoef); method=\"spearman\" correlates the ranks instead, tied values sharing their average rank (scipy's spearmanr, pandas' corr). cor(m) of a matrix gives the d×d matrix of correlations between its columns; cor(t) of a table gives them as a table labelled with the column names (pandas' DataFrame.corr). A constant vector has no correlation: the result is NaN, as in numpy; so is any result involving a NaN.",
        examples: ["x = randn(100, seed=1); cor(x, 2 * x + randn(100, seed=2))", "cor([1, 2, 3, 4], [1, 3, 2, 4], method=\"spearman\")", "p = drop_missing(load(\"penguins/penguins\")); cor(p[[\"bill_length_mm\", \"flipper_length_mm\", \"body_mass_g\"]], method=\"spearman\")"]
    ) { args, _ in
        let method = try args[method]
        let x = try args[corX]
        let yGiven = try args.value(corY).map { !$0.isNull } ?? false
        switch x {
        case .matrix, .table:
            if yGiven { throw args.invalid(corY, "cor(): x is \(x.described), whose columns are correlated with each other; give y only with a vector x") }
            let (m, names) = try args[corColumns]
            guard m.rows >= 2 else { throw args.invalid(corX, "cor(): x has \(m.rows) row\(m.rows == 1 ? "" : "s"); a correlation needs at least 2") }
            let r = Correlation.matrix(m, method: method)
            guard let names else { return .matrix(r) }
            var t = Table()
            t.setColumn("variable", .strings(names))
            for (j, name) in names.enumerated() { t.setColumn(name, .numbers(r.column(j)), kind: .float) }
            return .table(t)
        default:
            let a = try args[corVector]
            guard yGiven else { throw args.invalid(corX, "cor(x) of one vector needs y, a second vector to correlate it with", notes: ["cor(m) of a matrix or table correlates its columns"]) }
            let b = try args[corY]
            guard a.count == b.count else { throw args.invalid(corY, "cor(): x has \(a.count) value\(a.count == 1 ? "" : "s") but y has \(b.count); pairs need equal lengths") }
            guard a.count >= 2 else { throw args.invalid(corX, "cor(): a correlation needs at least 2 pairs, got \(a.count)") }
            return .number(Correlation.coefficient(a, b, method: method))
        }
    }

    static let quantile = Builtin(
        "quantile", area: .statistics,
        parameters: declare(numericX, q),
        returns: "a number, or a vector when q is a vector",
        summary: "quantiles by linear interpolation",
        doc: "quantile(x, q) interpolates linearly between order statistics at position (n − 1)·q: numpy's default method (\"linear\", Hyndman & Fan type 7) and R's default. quantile(x, 0.5) is the median. NaN in x gives NaN.",
        examples: ["quantile([1, 2, 3, 4], 0.5)", "quantile(randn(1000, seed=4), [0.05, 0.5, 0.95])"]
    ) { args, _ in
        let v = try nonEmpty(args)
        let qv = try args[q]
        let qs: [Double]
        switch qv {
        case .number(let q): qs = [q]
        case .vector(.numbers(let q)): qs = q
        default: throw args.mismatch(q, expected: "a probability or a vector of probabilities in [0, 1]")
        }
        if let bad = qs.first(where: { !($0 >= 0 && $0 <= 1) }) {
            throw args.invalid(q, "quantile() probabilities must lie in [0, 1], got \(NumberFormat.short(bad))")
        }
        let r = Descriptive.quantiles(v, qs)
        if case .number = qv { return .number(r[0]) }
        return .numbers(r)
    }

    static let count = Builtin(
        "count", area: .statistics,
        parameters: declare(countX, countValue),
        returns: "a number",
        summary: "how many elements are true, present, or equal to a value",
        doc: "count(x) is the number of true elements of a vector of bools, the number of non-NaN elements of a numeric vector, and the number of non-empty strings. count(x, value) counts the elements equal to value.",
        examples: ["count([true, false, true])", "count([1, nan, 3])", "count([\"a\", \"b\", \"a\"], \"a\")"]
    ) { args, _ in
        let x = try args[countX]
        let c: Column
        switch x {
        case .vector(let col): c = col
        case .number(let v): c = .numbers([v])
        case .bool(let b): c = .bools([b])
        case .string(let s): c = .strings([s])
        case .matrix(let m): c = .numbers(m.storage)
        default: throw args.mismatch(countX, expected: "a vector")
        }
        if let target = try args[countValue], !target.isNull {
            switch (c, target) {
            case (.numbers(let v), .number(let t)): return .number(Double(v.reduce(0) { $0 + ($1 == t ? 1 : 0) }))
            case (.strings(let v), .string(let t)): return .number(Double(v.reduce(0) { $0 + ($1 == t ? 1 : 0) }))
            case (.bools(let v), .bool(let t)): return .number(Double(v.reduce(0) { $0 + ($1 == t ? 1 : 0) }))
            default: throw args.mismatch(countValue, expected: "a \(c.elementName), like the elements of x")
            }
        }
        switch c {
        case .bools(let v): return .number(Double(v.reduce(0) { $0 + ($1 ? 1 : 0) }))
        case .numbers(let v): return .number(Double(v.reduce(0) { $0 + ($1.isNaN ? 0 : 1) }))
        case .strings(let v): return .number(Double(v.reduce(0) { $0 + ($1.isEmpty ? 0 : 1) }))
        }
    }
}
