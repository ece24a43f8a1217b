import FathomCore

/// Failure thresholds, satisficing tests, and metrics by slice (Heim, Wright & Shriver 2025:
/// a failure is a loss above a threshold δ the application sets; a model must pass its
/// satisficing tests, on every slice that matters, not only on average).
enum FailureBuiltins {
    static var all: [Builtin] { [failures, failureRate, check, by] }

    /// A loss per example: not empty, none missing.
    static let loss = ParameterKey(Parameter("loss", "vector", doc: "a loss per example (for instance −log of the probability of the true class)")) { args, name -> [Double] in
        let loss = try args.vector(name)
        guard !loss.isEmpty else { throw args.invalid(name, "\(args.builtin.name)(): \(name) is empty") }
        if let i = loss.firstIndex(where: { $0.isNaN }) { throw args.invalid(name, "\(args.builtin.name)(): the loss at position \(i) is missing (NaN); a missing loss is neither a failure nor a success", notes: ["count it as you mean to: drop the example, or set its loss above δ to count it as a failure"]) }
        return loss
    }
    static let delta: ParameterKey<Double> = .number("delta", doc: "the failure threshold δ: a loss above it is a failure")
    static let level: ParameterKey<Double?> = .confidenceLevel("ci", .value(.number(0.95)), doc: "confidence level of the exact interval")
    static let checkName: ParameterKey<String> = .string("name", doc: "what is being tested")
    static let condition = ParameterKey(Parameter("condition", "bool or vector of bools", doc: "true to pass (a vector passes when every element is true)")) { args, name -> Bool in
        switch try args.required(name) {
        case .bool(let b): return b
        case .vector(.bools(let v)): return !v.isEmpty && v.allSatisfy { $0 }
        default: throw args.mismatch(name, expected: "a bool (or a vector of bools), such as ece(p, y) < 0.03")
        }
    }

    static let lossParameters = declare(loss, delta)

    static let slices = ParameterKey(Parameter("key", "vector", doc: "the slice of each example: weather, island, class, …")) { args, name -> Column in
        guard case .vector(let key) = try args.required(name) else { throw args.mismatch(name, expected: "a vector of slice names or numbers") }
        return key
    }
    static let metric = ParameterKey(Parameter("metric", "builtin", doc: "what to compute per slice: accuracy, ece, failure_rate, mean, …")) { args, name -> Builtin in
        guard case .builtin(let metric) = try args.required(name) else { throw args.mismatch(name, expected: "a builtin such as accuracy, ece or failure_rate") }
        return metric
    }
    /// by()'s arguments for the metric, collected in `rest` and `forwarded`.
    static let metricArguments = Parameter("args", "values", doc: "the metric's arguments, positional and named (bins=10, seed=1, ci=0.9, …); vectors and matrices with one entry (or row) per example are split by slice", variadic: true)

    static let failures = Builtin(
        "failures", area: .failures, parameters: lossParameters, returns: "a vector of bools",
        summary: "which inputs fail: loss above δ",
        doc: "failures(loss, delta) is loss > δ for each example: the inputs on which the model fails by the application's own standard. Index the data with it to look at them.",
        examples: ["d = load(\"av-perception/detections\"); f = failures(d.loss, 2.3); sum(f)"]
    ) { args, _ in
        let loss = try args[loss]
        let delta = try args[delta]
        return .bools(loss.map { $0 > delta })
    }

    static let failureRate = Builtin(
        "failure_rate", area: .failures,
        parameters: lossParameters + declare(level),
        returns: "a record: estimate, lower, upper, failures, n",
        summary: "share of inputs that fail, with an exact interval",
        doc: "failure_rate(loss, delta) is the share of examples with loss > δ, with its Clopper–Pearson (exact binomial) interval at ci=0.95, as scipy's binomtest(k, n).proportion_ci(method=\"exact\"). A satisficing test is then check(\"…\", failure_rate(loss, δ).upper < 0.05). With a column of a SQL source (failure_rate(s.loss, δ), see sql_source) the counting runs in SQL.",
        examples: ["d = load(\"av-perception/detections\"); failure_rate(d.loss, 2.3)"]
    ) { args, context in
        if let pushed = try SQLPushdown.run(args, context, .failureRate) { return pushed }
        let loss = try args[loss]
        let delta = try args[delta]
        let level = try args[level] ?? 0.95
        return rate(failures: loss.filter { $0 > delta }.count, n: loss.count, level: level)
    }

    /// {estimate, lower, upper, failures, n}: k failures in n with the exact interval.
    static func rate(failures k: Int, n: Int, level: Double) -> Value {
        let (lo, hi) = Binomial.clopperPearson(successes: k, trials: n, confidence: level)
        return .record(Record([
            ("estimate", .number(Double(k) / Double(n))), ("lower", .number(lo)), ("upper", .number(hi)),
            ("failures", .number(Double(k))), ("n", .number(Double(n))),
        ]))
    }

    static let check = Builtin(
        "check", area: .failures,
        parameters: declare(checkName, condition),
        returns: "a bool: whether it passed",
        summary: "a satisficing test: PASS or FAIL",
        doc: "check(name, condition) prints PASS or FAIL with the name and records the result. `fathom run` exits with status 3 after listing the failed checks when any failed, so a script can gate continuous integration: check(\"calibrated\", ece(p, y) < 0.03).",
        examples: ["check(\"accuracy above 0.9\", 0.94 > 0.9)"]
    ) { args, context in
        let name = try args[checkName]
        let passed = try args[condition]
        context.checks.append((name, passed))
        context.emit((passed ? "PASS  " : "FAIL  ") + name + "\n")
        return .null
    }

    static let by = Builtin(
        "by", area: .failures,
        parameters: declare(slices, metric, metricArguments),
        returns: "a table: slice, n, estimate, lower, upper",
        summary: "a metric on every slice",
        doc: "by(key, metric, p, y) splits the examples by the values of key and computes metric on each slice, passing on the other arguments (vectors and matrices with one entry per example are cut to the slice; everything else, and named arguments, unchanged). The table has each slice's size, the estimate and, when the metric gives one, an interval: failure_rate's exact interval, or a seeded bootstrap (ci=0.95) for metrics that take ci=. A model can pass on average and fail on a slice; by shows it.",
        examples: ["d = load(\"av-perception/detections\"); by(d.weather, failure_rate, d.loss, 2.3)", "t = load(\"digits/mlp-test\"); by(t.label, ece, softmax(select(t, \"logit_*\")), t.label, bins=10, seed=1)"],
        forwardsNamedArguments: true
    ) { args, context in
        let key = try args[slices]
        let metric = try args[metric]
        if let (_, range) = (args.rest + args.forwarded.map { ($0.2, $0.3) }).first(where: { if case .object(let o) = $0.0 { return o is SQLColumnsValue } else { return false } }) {
            throw Diagnostic("argument.value", "by(): slices values in memory, and a column of a SQL source stays in SQL, so it cannot be cut by key", at: range,
                             notes: ["compute one slice per source instead: sql_source(\"select … where weather = 'rain'\")"])
        }
        let n = key.count
        if n == 0 { throw args.invalid(slices, "by(): key is empty, so there are no slices to compute \(metric.name)() on") }
        let groups = TableOperations.groups(key)
        var estimates: [Double] = [], lowers: [Double] = [], uppers: [Double] = [], sizes: [Double] = []
        let wantsInterval = metric.parameters.contains { $0.name == "ci" }
        for g in groups {
            let sliced: [(Value, SourceRange)] = try args.rest.map { value, range in
                switch value {
                case .vector(let c) where c.count == n: return (.vector(c.gather(g.rows)), range)
                case .matrix(let m) where m.rows == n: return (.matrix(m.selectingRows(g.rows)), range)
                case .vector(let c):
                    throw Diagnostic("argument.value", "by(): this vector has \(NumberFormat.count(c.count, "value")) but key has \(n); arguments with one value per example must match key", at: range)
                case .matrix(let m):
                    throw Diagnostic("argument.value", "by(): this matrix has \(NumberFormat.count(m.rows, "row")) but key has \(n); arguments with one row per example must match key", at: range)
                default: return (value, range)
                }
            }
            var named = args.forwarded
            if wantsInterval, metric.name != "failure_rate", !named.contains(where: { $0.0 == "ci" }) {
                named.append(("ci", args.callRange, .number(0.95), args.callRange))
            }
            let result = try metric.call(sliced, named: named, at: args.callRange, context: context)
            sizes.append(Double(g.rows.count))
            switch result {
            case .number(let x):
                estimates.append(x); lowers.append(.nan); uppers.append(.nan)
            case .record(let r):
                guard case .number(let e)? = r["estimate"] else { fallthrough }
                estimates.append(e)
                if case .number(let l)? = r["lower"] { lowers.append(l) } else { lowers.append(.nan) }
                if case .number(let u)? = r["upper"] { uppers.append(u) } else { uppers.append(.nan) }
            default:
                throw args.invalid(Self.metric, "by(): \(metric.name)() returned \(result.described), not a number or an {estimate, lower, upper} record")
            }
        }
        var keyColumn = groups.first.map { $0.key } ?? key.slice(0..<0)
        for g in groups.dropFirst() {
            switch (keyColumn, g.key) {
            case (.numbers(let a), .numbers(let b)): keyColumn = .numbers(a + b)
            case (.strings(let a), .strings(let b)): keyColumn = .strings(a + b)
            case (.bools(let a), .bools(let b)): keyColumn = .bools(a + b)
            default: break
            }
        }
        var t = Table()
        t.setColumn("slice", keyColumn)
        t.setColumn("n", .numbers(sizes), kind: .integer)
        t.setColumn("estimate", .numbers(estimates), kind: .float)
        t.setColumn("lower", .numbers(lowers), kind: .float)
        t.setColumn("upper", .numbers(uppers), kind: .float)
        return .table(t)
    }
}
