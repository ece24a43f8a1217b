#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// Has the input distribution moved? Two-sample tests, each a test-result value with a
/// sentence saying what it found.
enum ShiftBuiltins {
    static var all: [Builtin] { [ks, cvm, ad, chisq, psi, mmd, energy, c2st] }

    static let a: ParameterKey<[Double]> = .sample("a", doc: "the reference sample (source, training, last month)")
    static let b: ParameterKey<[Double]> = .sample("b", doc: "the sample to compare (target, deployment, this month)")
    static let alpha: ParameterKey<Double> = .significance(default: 0.05, doc: "significance level of the decision")
    static let labels: ParameterKey<[String]> = .sampleLabels(absent: "[\"a\", \"b\"]", doc: "names of the samples in the picture")
    static let categoriesA = ParameterKey(Parameter("a", "vector", doc: "the reference sample of categories (text, whole numbers or bools)"), read: categories)
    static let categoriesB = ParameterKey(Parameter("b", "vector", doc: "the sample to compare"), read: categories)
    static let quantileBins: ParameterKey<Int> = .wholeNumber("bins", default: 10, atLeast: 2, atMost: 1000, doc: "bins at the quantiles of a")
    static let x: ParameterKey<Matrix> = .multivariateSample("X", doc: "the reference sample: rows are examples (a table of numbers or a vector also work)")
    static let y: ParameterKey<Matrix> = .multivariateSample("Y", doc: "the sample to compare, with the same columns")
    static let perms: ParameterKey<Int> = .wholeNumber("perms", default: 1000, atLeast: 1, atMost: 1_000_000, doc: "permutations for the p-value")
    static let seed = CommonParameters.bootstrapSeed.documented("seed of the permutations")
    static let bandwidth: ParameterKey<Double?> = .optionalNumber("bandwidth", absent: "the median heuristic", doc: "the kernel width σ")
    static let folds: ParameterKey<Int> = .wholeNumber("folds", default: 5, atLeast: 2, atMost: 100, doc: "cross-fitting folds")
    static let l2: ParameterKey<Double> = .number("l2", .value(.number(0.01)), doc: "penalty of the logistic domain classifier (fit_logistic's l2)",
                                                  where: { $0 >= 0 && $0.isFinite }, otherwise: { f, x in "\(f)(): l2 must be a finite number ≥ 0, not \(NumberFormat.short(x))" })

    static let pairParameters = declare(a, b)
    static let alphaParameter = alpha.parameter
    static let labelsParameter = labels.parameter

    static func short(_ x: Double) -> String { NumberFormat.short(x, digits: 3) }

    /// "p = 0.003 < α = 0.05" or "p = 0.41 ≥ α = 0.05".
    static func pText(_ p: Double, _ alpha: Double) -> String {
        "p = \(short(p)) \(p < alpha ? "<" : "≥") α = \(short(alpha))"
    }

    static let ks = Builtin(
        "ks", area: .shift, parameters: pairParameters + [alphaParameter, labelsParameter],
        returns: "a test result: statistic (D), pvalue, reject, effect, n, location, meaning; plot() overlays the ECDFs with the gap marked",
        summary: "two-sample Kolmogorov–Smirnov test",
        doc: "ks(a, b) measures D, the largest vertical gap between the two samples' empirical CDFs, and its two-sided p-value as scipy's ks_2samp(method=\"auto\"): exact when both samples have at most 10 000 values, otherwise from the distribution of the one-sample statistic at n = round(mn/(m + n)). D is also the effect size (0: the same CDF; 1: no overlap). Sensitive to shifts of location; less to differences in the tails (see cvm, ad).",
        examples: ["t = load(\"digits/mlp-test\"); c = load(\"digits/mlp-test-covariate\"); ks(confidence(softmax(select(t, \"logit_*\"))), confidence(softmax(select(c, \"logit_*\"))), labels=[\"test\", \"shifted\"])"]
    ) { args, _ in
        let a = try args[a], b = try args[b]
        let alpha = try args[alpha]
        let labels = try args[labels]
        let r = KolmogorovSmirnov.twoSample(a, b)
        let reject = r.pvalue < alpha
        let m = Double(a.count), n = Double(b.count)
        let detectable = (-log(alpha / 2) / 2).squareRoot() * ((m + n) / (m * n)).squareRoot()
        let above = r.sign > 0 ? labels[0] : labels[1]
        let meaning = reject
            ? "The samples come from different distributions (\(pText(r.pvalue, alpha))): their CDFs differ by up to \(short(r.statistic)), at \(short(r.location)), where \(above) has more of its values at or below it."
            : "No evidence that the distributions differ (\(pText(r.pvalue, alpha))): the CDFs differ by at most \(short(r.statistic)); with these sizes a gap above about \(short(min(1, detectable))) would have been detected."
        return .object(TestResultValue(
            test: "ks", title: "Kolmogorov–Smirnov two-sample test", statisticName: "D", statistic: r.statistic, pvalue: r.pvalue, alpha: alpha,
            reject: reject, effectName: "D", effect: r.statistic, sizes: [a.count, b.count], method: r.exact ? "exact" : "asymptotic",
            meaning: meaning, extra: [("location", .number(r.location)), ("sign", .number(Double(r.sign)))],
            picture: .ecdf(a: Sorting.ascending(a), b: Sorting.ascending(b), labels: labels, location: r.location, statistic: r.statistic)))
    }

    static let cvm = Builtin(
        "cvm", area: .shift, parameters: pairParameters + [alphaParameter, labelsParameter],
        returns: "a test result: statistic (T), pvalue, reject, effect, n, meaning; plot() overlays the ECDFs",
        summary: "two-sample Cramér–von Mises test",
        doc: "cvm(a, b) is the two-sample Cramér–von Mises test, as scipy's cramervonmises_2samp: T integrates the squared gap between the two ECDFs over the pooled sample (from midranks, so ties are handled), with an exact p-value when both samples have at most 20 values and otherwise the limiting distribution of the normalised statistic. It weighs the whole CDF, so it catches spread-out differences that the single largest gap of ks misses. The effect size is D, the KS gap, for scale.",
        examples: ["cvm(randn(200, seed=1), randn(300, seed=2) * 1.3)"]
    ) { args, _ in
        let a = try args[a], b = try args[b]
        let alpha = try args[alpha]
        let labels = try args[labels]
        guard a.count + b.count >= 3 else { throw Diagnostic("argument.value", "cvm() needs at least three values in all", at: args.callRange) }
        let r = CramerVonMises.twoSample(a, b)
        let d = KolmogorovSmirnov.twoSample(a, b).statistic
        let reject = r.pvalue < alpha
        let meaning = reject
            ? "The samples come from different distributions (\(pText(r.pvalue, alpha))): the squared gap between their CDFs, integrated over the data, is larger than chance allows (largest gap \(short(d)))."
            : "No evidence that the distributions differ (\(pText(r.pvalue, alpha))); the largest gap between the CDFs is \(short(d))."
        return .object(TestResultValue(
            test: "cvm", title: "Cramér–von Mises two-sample test", statisticName: "T", statistic: r.statistic, pvalue: r.pvalue, alpha: alpha,
            reject: reject, effectName: "D", effect: d, sizes: [a.count, b.count], method: r.exact ? "exact" : "asymptotic",
            meaning: meaning, extra: [], picture: .ecdf(a: Sorting.ascending(a), b: Sorting.ascending(b), labels: labels, location: nil, statistic: d)))
    }

    static let ad = Builtin(
        "ad", area: .shift,
        parameters: [Parameter("samples", "vectors", doc: "two or more samples", variadic: true), alphaParameter],
        returns: "a test result: statistic (standardised A²), pvalue, reject, critical, n, meaning",
        summary: "k-sample Anderson–Darling test",
        doc: "ad(a, b, …) is the k-sample Anderson–Darling test of Scholz & Stephens (1987) with midranks, as scipy's anderson_ksamp: a squared ECDF gap weighted towards the tails, standardised. Its p-value is interpolated from the critical values at 25 %, 10 %, 5 %, 2.5 %, 1 %, 0.5 % and 0.1 %, so it is reported as > 0.25 or < 0.001 beyond them (the method field says so). The most sensitive of the three ECDF tests to differences in the tails.",
        examples: ["ad(randn(200, seed=1), randn(200, seed=2) + 0.3, randn(200, seed=3))"]
    ) { args, _ in
        var samples: [[Double]] = []
        for (k, (value, range)) in args.rest.enumerated() {
            guard case .vector(.numbers(let v)) = value else { throw Diagnostic("argument.type", "ad() expects samples: vectors of numbers, got \(value.described)", at: range) }
            guard !v.isEmpty else { throw Diagnostic("argument.value", "ad(): sample \(k + 1) is empty", at: range) }
            if let i = v.firstIndex(where: { !$0.isFinite }) { throw Diagnostic("argument.value", "ad(): sample \(k + 1) holds a missing or infinite value at position \(i)", at: range, notes: ["drop_missing(x) keeps the values that are present"]) }
            samples.append(v)
        }
        guard samples.count >= 2 else { throw Diagnostic("call.missing-argument", "ad() needs at least two samples", at: args.callRange) }
        let alpha = try args[alpha]
        let pooled = samples.flatMap { $0 }
        guard pooled.contains(where: { $0 != pooled[0] }) else { throw Diagnostic("argument.value", "ad(): every value in the samples is \(short(pooled[0])); the test needs at least two distinct values", at: args.callRange) }
        guard pooled.count >= 4 else { throw Diagnostic("argument.value", "ad() needs at least four values in all", at: args.callRange) }
        let r = AndersonDarling.kSample(samples)
        let reject = r.pvalue < alpha
        let method: String, pWords: String
        switch r.bound {
        case "capped": method = "interpolated; p > 0.25, the table's end"; pWords = "p > 0.25"
        case "floored": method = "interpolated; p < 0.001, the table's end"; pWords = "p < 0.001"
        default: method = "interpolated"; pWords = pText(r.pvalue, alpha)
        }
        let meaning = reject
            ? "The samples do not all come from one distribution (\(pWords)): A² = \(short(r.statistic)) is beyond the \(short(alpha)) critical value."
            : "No evidence that the distributions differ (\(pWords))."
        return .object(TestResultValue(
            test: "ad", title: "Anderson–Darling \(samples.count)-sample test", statisticName: "A²", statistic: r.statistic, pvalue: r.pvalue, alpha: alpha,
            reject: reject, effectName: "A²", effect: r.statistic, sizes: samples.map(\.count), method: method, meaning: meaning,
            extra: [("critical", .numbers(r.critical)), ("levels", .numbers(AndersonDarling.levels))],
            picture: samples.count == 2 ? .ecdf(a: Sorting.ascending(samples[0]), b: Sorting.ascending(samples[1]), labels: ["sample 1", "sample 2"], location: nil, statistic: r.statistic) : .none))
    }

    static let chisq = Builtin(
        "chisq", area: .shift,
        parameters: [
            categoriesA.parameter, categoriesB.parameter, alphaParameter, labelsParameter,
        ],
        returns: "a test result: statistic (χ²), pvalue, reject, effect (Cramér's V), dof, table, meaning; plot() compares the shares",
        summary: "chi-square test of homogeneity for categories",
        doc: "chisq(a, b) compares how often each category occurs in the two samples: the chi-square test of homogeneity on the 2 × C table of counts, as scipy's chi2_contingency(correction=False). Cramér's V = √(χ²/N) is the effect size (0: the same shares; 1: no category in common). Expected counts below 5 make the p-value approximate. Either sample may be a column of a SQL source (chisq(s.weather, t.weather), see sql_source): its categories are counted in SQL.",
        examples: ["p = load(\"penguins/penguins\"); chisq(p.species[p.island == \"Biscoe\"], p.species[p.island == \"Dream\"], labels=[\"Biscoe\", \"Dream\"])"]
    ) { args, context in
        if let pushed = try SQLPushdown.run(args, context, .chisq) { return pushed }
        let a = try args[categoriesA], b = try args[categoriesB]
        guard !a.isEmpty else { throw args.invalid(categoriesA, "chisq(): a is empty") }
        guard !b.isEmpty else { throw args.invalid(categoriesB, "chisq(): b is empty") }
        let alpha = try args[alpha]
        let labels = try args[labels]
        return try chisqResult(ChiSquareHomogeneity.test(a, b), args, alpha: alpha, labels: labels)
    }

    /// A sample of categories as text: numbers by their shortest exact digits, booleans as
    /// true and false; NaN refused.
    static func categories(_ args: Arguments, _ name: ParameterName) throws -> [String] {
        switch try args.required(name) {
        case .vector(.strings(let s)): return s
        case .vector(.bools(let b)): return b.map { $0 ? "true" : "false" }
        case .vector(.numbers(let v)):
            if let i = v.firstIndex(where: { $0.isNaN }) { throw args.invalid(name, "chisq(): \(name) holds a missing value (NaN) at position \(i)", notes: ["drop_missing(\(name)) keeps the values that are present"]) }
            return v.map { NumberFormat.short($0, digits: 17) }
        default: throw args.mismatch(name, expected: "a vector of categories")
        }
    }

    /// chisq()'s result from the test on its 2 × C table of counts.
    static func chisqResult(_ r: ChiSquareHomogeneity.Result, _ args: Arguments, alpha: Double, labels: [String]) throws -> Value {
        guard r.categories.count >= 2 else { throw Diagnostic("argument.value", "chisq(): both samples hold only the category \"\(r.categories.first ?? "")\"; there is nothing to compare", at: args.callRange) }
        let na = r.counts[0].reduce(0, +), nb = r.counts[1].reduce(0, +)
        let sharesA = r.counts[0].map { $0 / na }, sharesB = r.counts[1].map { $0 / nb }
        let moved = r.categories.indices.max { abs(sharesB[$0] - sharesA[$0]) < abs(sharesB[$1] - sharesA[$1]) }!
        let reject = r.pvalue < alpha
        let meaning = reject
            ? "The category shares differ (\(pText(r.pvalue, alpha))), Cramér's V = \(short(r.cramersV)); the largest change is \"\(r.categories[moved])\", \(NumberFormat.percent(sharesA[moved])) in \(labels[0]) against \(NumberFormat.percent(sharesB[moved])) in \(labels[1])."
            : "No evidence that the category shares differ (\(pText(r.pvalue, alpha))), Cramér's V = \(short(r.cramersV))."
        let table = Table([("category", .strings(r.categories)), (labels[0], .numbers(r.counts[0])), (labels[1], .numbers(r.counts[1]))])
        return .object(TestResultValue(
            test: "chisq", title: "chi-square test of homogeneity", statisticName: "χ²", statistic: r.statistic, pvalue: r.pvalue, alpha: alpha,
            reject: reject, effectName: "Cramér's V", effect: r.cramersV, sizes: [Int(na), Int(nb)], method: "asymptotic, \(r.degrees) degree\(r.degrees == 1 ? "" : "s") of freedom",
            meaning: meaning, extra: [("dof", .number(Double(r.degrees))), ("table", .table(table))],
            picture: .categories(names: r.categories, a: sharesA, b: sharesB, labels: labels)))
    }

    static let psi = Builtin(
        "psi", area: .shift,
        parameters: pairParameters + declare(quantileBins, labels),
        returns: "a test result: statistic (PSI), reject (PSI > 0.25), edges, shares, meaning; plot() compares the bin shares",
        summary: "population stability index",
        doc: "psi(a, b) cuts a into bins of equal count at its quantiles (numpy's linear method), counts both samples in them, floors each share at 10⁻⁴ and sums (f_b − f_a)·ln(f_b / f_a). The credit-scoring rule of thumb reads below 0.1 as stable, 0.1 to 0.25 as a moderate shift and above 0.25 as a large one; reject is PSI > 0.25. There is no p-value: PSI measures size, not evidence, so pair it with ks on small samples.",
        examples: ["psi(randn(5000, seed=1), randn(5000, seed=2) + 0.5)"]
    ) { args, _ in
        let a = try args[a], b = try args[b]
        let bins = try args[quantileBins]
        let labels = try args[labels]
        let r = PopulationStability.index(a, b, bins: bins)
        let size = r.value < 0.1 ? "stable (below 0.1)" : r.value <= 0.25 ? "a moderate shift (0.1 to 0.25)" : "a large shift (above 0.25)"
        let moved = (0..<bins).max { abs(r.shares[$0] - r.referenceShares[$0]) < abs(r.shares[$1] - r.referenceShares[$1]) }!
        let lo = moved == 0 ? "−∞" : short(r.edges[moved - 1]), hi = moved == bins - 1 ? "∞" : short(r.edges[moved])
        let meaning = "PSI = \(short(r.value)): \(size); the bin that moved most is \(lo) to \(hi), \(NumberFormat.percent(r.referenceShares[moved])) of \(labels[0]) against \(NumberFormat.percent(r.shares[moved])) of \(labels[1])."
        return .object(TestResultValue(
            test: "psi", title: "population stability index", statisticName: "PSI", statistic: r.value, pvalue: nil, alpha: 0.25,
            reject: r.value > 0.25, effectName: "PSI", effect: r.value, sizes: [a.count, b.count], method: "\(bins) quantile bins of \(labels[0])",
            meaning: meaning, extra: [("edges", .numbers(r.edges)), ("shares", .list([.numbers(r.referenceShares), .numbers(r.shares)]))],
            picture: .bins(edges: r.edges, a: r.referenceShares, b: r.shares, labels: labels)))
    }

    static let permutationParameters = declare(x, y, perms, seed, alpha)

    /// Checks and returns both samples of a multivariate test.
    static func pair(_ args: Arguments, _ context: EvaluationContext) throws -> (Matrix, Matrix) {
        let x = try args[x], y = try args[y]
        guard x.cols == y.cols else {
            throw args.invalid(Self.y, "\(args.builtin.name)(): X has \(x.cols) column\(x.cols == 1 ? "" : "s") but Y has \(y.cols); both samples need the same features")
        }
        let total = Double(x.rows + y.rows)
        guard x.rows + y.rows <= 16_000 else {
            throw Diagnostic("argument.value", "\(args.builtin.name)() compares every pair of rows, and \(x.rows + y.rows) rows make \(NumberFormat.short(total * (total - 1) / 2, digits: 3)) pairs, more than it keeps in memory; take at most 16 000 rows in all", at: args.callRange,
                             notes: ["sample(X, 5000, seed=1) draws a random subset of rows"])
        }
        try context.checkSize(total * total, at: args.callRange, what: "pairwise distances")
        return (x, y)
    }

    static func permutationResult(_ args: Arguments, _ context: EvaluationContext, _ x: Matrix, _ y: Matrix, kind: KernelTwoSample.Kind) throws -> KernelTwoSample.Result {
        let perms = try args[perms]
        return try context.withGenerator(seed: try args[seed]) { random in
            try KernelTwoSample.test(x, y, kind: kind, permutations: perms, random: &random, progress: context.progress)
        }
    }

    static func permutationMeaning(_ r: KernelTwoSample.Result, alpha: Double, perms: Int, what: String) -> String {
        let exceed = Int((r.pvalue * Double(perms + 1)).rounded()) - 1
        let splits = exceed == 0 ? "none of \(perms) random splits of the pooled rows gives one as large" : "\(exceed) of \(perms) random splits of the pooled rows give one as large"
        let floor = exceed == 0 ? ", the smallest p-value \(perms) permutations can give" : ""
        return r.pvalue < alpha
            ? "The samples come from different distributions (\(pText(r.pvalue, alpha))\(floor)): \(what); \(splits)."
            : "No evidence that the distributions differ (\(pText(r.pvalue, alpha))): \(what); \(splits)."
    }

    static let mmd = Builtin(
        "mmd", area: .shift,
        parameters: permutationParameters + declare(bandwidth),
        returns: "a test result: statistic (MMD²), pvalue, reject, sigma, null, meaning; plot() shows the permutation null",
        summary: "maximum mean discrepancy with a permutation test",
        doc: "mmd(X, Y) is the unbiased MMD² (Gretton et al. 2012) with the Gaussian kernel exp(−‖x − y‖²/(2σ²)), σ the median distance between the pooled rows unless bandwidth= sets it. It compares whole multivariate distributions: any difference in any feature or their dependence can show. The p-value is (1 + #{permutations ≥ observed})/(1 + perms), from seeded random splits of the pooled rows, computed on all cores (the same result with any number; progress on a terminal; Ctrl-C stops it). MMD² near 0 (or below) means no detectable difference; the effect size is MMD = √max(MMD², 0).",
        examples: ["mmd(randn(300, 4, seed=1), randn(300, 4, seed=2) + 0.2, perms=200, seed=1)"]
    ) { args, context in
        let (x, y) = try pair(args, context)
        let alpha = try args[alpha]
        var width: Double?
        if let b = try args[bandwidth] {
            guard b > 0, b.isFinite else { throw args.invalid(bandwidth, "mmd(): bandwidth is the kernel width σ, a positive number; got \(NumberFormat.short(b))") }
            width = b
        }
        let perms = try args[perms]
        let r: KernelTwoSample.Result
        do {
            r = try permutationResult(args, context, x, y, kind: .mmd(sigma: width))
        } catch KernelTwoSample.Problem.zeroWidth {
            throw Diagnostic("argument.value", "mmd(): the median distance between the rows is 0 (at least half the pairs of rows are identical), so the kernel has no width", at: args.callRange,
                             notes: ["set the width by hand with bandwidth="])
        }
        let sigma = r.sigma ?? .nan
        let effect = max(r.statistic, 0).squareRoot()
        return .object(TestResultValue(
            test: "mmd", title: "MMD two-sample test", statisticName: "MMD²", statistic: r.statistic, pvalue: r.pvalue, alpha: alpha,
            reject: r.pvalue < alpha, effectName: "MMD", effect: effect, sizes: [x.rows, y.rows], method: "\(perms) permutations",
            meaning: permutationMeaning(r, alpha: alpha, perms: perms, what: "MMD² = \(short(r.statistic)) (kernel width σ = \(short(sigma)))"),
            extra: [("sigma", .number(sigma)), ("null", .numbers(r.null))],
            picture: .null(values: r.null, observed: r.statistic, name: "MMD²")))
    }

    static let energy = Builtin(
        "energy", area: .shift, parameters: permutationParameters,
        returns: "a test result: statistic (energy distance), pvalue, reject, null, meaning; plot() shows the permutation null",
        summary: "energy distance with a permutation test",
        doc: "energy(X, Y) is the energy distance 2·E‖X − Y‖ − E‖X − X′‖ − E‖Y − Y′‖ (Székely & Rizzo; V-statistics, so for one column its square root is scipy's energy_distance), with a permutation p-value like mmd's. No kernel width to choose; it grows with the distance between the distributions.",
        examples: ["energy(randn(200, seed=1), randn(200, seed=2) * 1.5, perms=200, seed=1)"]
    ) { args, context in
        let (x, y) = try pair(args, context)
        let alpha = try args[alpha]
        let perms = try args[perms]
        let r = try permutationResult(args, context, x, y, kind: .energy)
        return .object(TestResultValue(
            test: "energy", title: "energy distance test", statisticName: "E", statistic: r.statistic, pvalue: r.pvalue, alpha: alpha,
            reject: r.pvalue < alpha, effectName: "E", effect: r.statistic, sizes: [x.rows, y.rows], method: "\(perms) permutations",
            meaning: permutationMeaning(r, alpha: alpha, perms: perms, what: "the energy distance is \(short(r.statistic))"),
            extra: [("null", .numbers(r.null))], picture: .null(values: r.null, observed: r.statistic, name: "energy distance")))
    }

    static let c2st = Builtin(
        "c2st", area: .shift,
        parameters: [
            x.documented("the reference sample: rows are examples").parameter, y.parameter, folds.parameter, l2.parameter,
            seed.documented("seed of the fold assignment").parameter, alphaParameter,
        ],
        returns: "a test result: statistic (held-out accuracy), pvalue, reject, chance, scores, meaning",
        summary: "classifier two-sample test",
        doc: "c2st(X, Y) trains a logistic regression (standardised features) to tell X's rows from Y's, cross-fitted over folds so that every row is scored by a model that did not see it, and compares its held-out accuracy with guessing: guessing the larger sample is right max(m, n)/N of the time, and the p-value is P(Binomial(N, that) ≥ correct). The accuracy itself is the effect size, and scores (each row's held-out P(from Y)) show which rows look out of place.",
        examples: ["c2st(randn(300, 3, seed=1), randn(300, 3, seed=2) + 0.3, seed=1)"]
    ) { args, context in
        let (x, y) = try pair(args, context)
        let alpha = try args[alpha]
        let folds = try args[folds]
        let l2 = try args[l2]
        guard min(x.rows, y.rows) >= folds else {
            throw Diagnostic("argument.value", "c2st(): each sample needs at least \(folds) rows for \(folds) folds; the smaller has \(min(x.rows, y.rows))", at: args.callRange)
        }
        let r = try context.withGenerator(seed: try args[seed]) { random in
            try ClassifierTwoSample.test(x, y, folds: folds, l2: l2, random: &random)
        }
        let reject = r.pvalue < alpha
        let meaning = reject
            ? "A classifier tells the samples apart: \(NumberFormat.percent(r.accuracy)) of held-out rows right against \(NumberFormat.percent(r.chance)) by guessing (\(pText(r.pvalue, alpha))), so they differ."
            : "A classifier does no better than guessing: \(NumberFormat.percent(r.accuracy)) of held-out rows right against \(NumberFormat.percent(r.chance)) (\(pText(r.pvalue, alpha))); no evidence of a difference."
        return .object(TestResultValue(
            test: "c2st", title: "classifier two-sample test", statisticName: "accuracy", statistic: r.accuracy, pvalue: r.pvalue, alpha: alpha,
            reject: reject, effectName: "accuracy", effect: r.accuracy, sizes: [x.rows, y.rows], method: "\(folds)-fold cross-fitted logistic regression",
            meaning: meaning, extra: [("chance", .number(r.chance)), ("scores", .numbers(r.scores))],
            picture: .ecdf(a: Array(r.scores[0..<x.rows]).sorted(), b: Array(r.scores[x.rows...]).sorted(), labels: ["X", "Y"], location: nil, statistic: r.accuracy)))
    }
}
