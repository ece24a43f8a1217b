import FathomCore

/// Slice discovery: the subgroups nobody named on which the model fails (SliceLine).
enum SliceBuiltins {
    static var all: [Builtin] { [slices] }

    static let metadata: ParameterKey<Table> = .table("t", doc: "one row per example: the columns to search (text and bool columns by value, numeric ones by quantile bins)")
    static let errors = ParameterKey(Parameter("errors", "vector", doc: "per example: a failure (bools, or 0 and 1) or an error ≥ 0 such as a loss")) { args, name -> [Double] in
        let e: [Double]
        switch try args.required(name) {
        case .vector(.bools(let b)): e = b.map { $0 ? 1 : 0 }
        case .vector(.numbers(let v)): e = v
        default: throw args.mismatch(name, expected: "a vector of failures (bools) or errors ≥ 0, one per row of t")
        }
        if let i = e.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw args.invalid(name, "slices(): the error at position \(i) is \(NumberFormat.short(e[i])); errors must be finite and ≥ 0",
                               notes: ["failures(loss, δ) turns a loss into failures; drop_missing(t) drops rows with missing values"])
        }
        return e
    }
    static let k: ParameterKey<Int> = .wholeNumber("k", default: 10, atLeast: 1, atMost: 1000, doc: "how many slices to report (more when the k-th score is tied)")
    static let maxLevel: ParameterKey<Int> = .wholeNumber("max_level", default: 2, atLeast: 1, atMost: 5, doc: "the most conditions joined in one slice")
    static let minSupport: ParameterKey<Int?> = .optionalWholeNumber("min_support", absent: "1% of the rows, at least 10", atLeast: 1, doc: "the fewest rows a slice may have")
    static let weight: ParameterKey<Double> = .number("weight", .value(.number(0.95)), doc: "SliceLine's α in (0, 1]: the weight of a slice's error rate against its size in the score",
                                                      where: { $0 > 0 && $0 <= 1 }, otherwise: { f, x in "\(f)(): weight is SliceLine's α, in (0, 1]; got \(NumberFormat.short(x))" })
    static let bins: ParameterKey<Int> = .wholeNumber("bins", default: 4, atLeast: 2, atMost: 100, doc: "quantile bins for a numeric column with more distinct values than this")
    static let correction: ParameterKey<DriftReport.Correction> = .choice("correction", DriftReport.Correction.allCases, default: .bonferroni,
                                                                          doc: "\"bonferroni\" (family-wise) or \"fdr\" (Benjamini–Hochberg), over every slice the search could report")
    static let alpha: ParameterKey<Double> = .significance(default: 0.05, doc: "significance level: a slice is significant when its corrected p-value is at most α")
    static let ci: ParameterKey<Double?> = .confidenceLevel("ci", .value(.number(0.95)), doc: "confidence level of each slice's exact interval")

    static let slices = Builtin(
        "slices", area: .failures,
        parameters: declare(metadata, errors, k, maxLevel, minSupport, weight, bins, correction, alpha, ci),
        returns: "a slices result: table (slice, size, failures, rate, lower, upper, rest_rate, lift, score, pvalue, adjusted, significant), top, masks, meaning; plot() charts the rates",
        summary: "find the slices where the model fails most, unnamed",
        doc: "slices(t, errors) searches conjunctions of conditions on t's columns (\"weather = fog and lighting = night\", \"distance_m in [61.2, 80]\") for the subgroups with the highest error, by SliceLine (Sagadeeva & Boehm 2021): a slice S of n_S rows and error sum e_S scores α·((e_S/n_S)/ē − 1) − (1 − α)·(n/n_S − 1) with α = weight, rewarding a high error rate and a large size; the lattice of conjunctions is searched level by level up to max_level conditions, pruned by an upper bound of the score, and gives the exact top k among slices of at least min_support rows. Text and bool columns give one condition per value, numeric columns one per quantile bin (bins=4: quartiles) or per value when they have at most that many; missing values are a condition of their own. With failures (bools or 0/1) each slice gets its failure rate with an exact (Clopper–Pearson) interval and a one-sided Fisher exact test against the other rows, corrected for every slice the search could have reported (Bonferroni, or Benjamini–Hochberg with correction=\"fdr\"), so a slice is flagged only when the evidence survives the search. masks[i] selects the rows of slice i: t[s.masks[0]].",
        examples: [
            "d = load(\"av-perception/detections\"); s = slices(d[[\"weather\", \"lighting\", \"distance_m\"]], failures(d.loss, 2.3)); s.top",
            "d = load(\"av-perception/detections\"); slices(d[[\"weather\", \"lighting\"]], d.loss, k=3, max_level=1).table",
        ]
    ) { args, context in
        let t = try args[metadata]
        let e = try args[errors]
        guard t.columnCount > 0 else { throw args.invalid(metadata, "slices(): t has no columns to search") }
        guard t.rowCount == e.count else {
            throw args.invalid(errors, "slices(): \(NumberFormat.count(e.count, "error")) for \(NumberFormat.count(t.rowCount, "row")) of t; give one per row")
        }
        guard !e.isEmpty else { throw args.invalid(metadata, "slices(): t has no rows") }
        let support = try args[minSupport] ?? max(10, Int((Double(e.count) / 100).rounded(.up)))
        let parameters = SliceLine.Parameters(alpha: try args[weight], k: try args[k], maxLevel: try args[maxLevel], minSupport: support)
        let (features, described) = SliceDiscovery.features(t, bins: try args[bins])
        let basics = described.map(\.levels.count).reduce(0, +)
        try context.checkSize(Double(basics) * Double(e.count) / 64, at: args.range(metadata), what: "row bitsets (64 rows a number)")
        let result = try SliceLine.search(features, errors: e, parameters, progress: context.progress)
        let family = SliceDiscovery.familySize(levels: features.levels, maxLevel: parameters.maxLevel)
        let findings = SliceDiscovery.findings(result, errors: e, family: family, correction: try args[correction], confidence: try args[ci] ?? 0.95)
        return .object(SlicesValue(findings: findings, featureInfo: described, features: features, average: result.averageError, rows: e.count,
                                   evaluated: result.evaluated, family: family, parameters: parameters, correction: try args[correction],
                                   alpha: try args[alpha], binary: e.allSatisfy { $0 == 0 || $0 == 1 }))
    }
}
