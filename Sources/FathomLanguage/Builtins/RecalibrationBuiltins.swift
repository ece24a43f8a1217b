#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// Post-hoc recalibration: fit a map on held-out data, apply it with `calibrate`.
enum RecalibrationBuiltins {
    static var all: [Builtin] { [temperature, vectorScaling, platt, isotonic, histogramBinning, betaCalibration, calibrate] }

    /// A logit matrix: logits as given, or probabilities (rows summing to 1) as
    /// log-probabilities, which are logits up to a per-row constant.
    static func readLogits(_ args: Arguments, _ name: ParameterName) throws -> Matrix {
        guard case .matrix(let z) = try args.required(name) else {
            throw args.mismatch(name, expected: "an N×K matrix of logits (or probabilities)")
        }
        guard z.rows > 0, z.cols >= 2 else { throw args.invalid(name, "\(args.builtin.name)(): \(name) needs at least one row and two classes") }
        if let k = z.storage.firstIndex(where: { !$0.isFinite }) {
            throw args.invalid(name, "\(args.builtin.name)(): \(name) has a missing or infinite value at row \(k / z.cols), column \(k % z.cols)")
        }
        if (try? ProbabilityCheck.check(z)) != nil {
            return Matrix(rows: z.rows, cols: z.cols, storage: z.storage.map { log(max($0, 1e-300)) }).named(z.columnNames)
        }
        return z
    }

    /// Labels of fitting data, 0…K−1, one per row, with at least two classes present.
    static func fitLabels(_ args: Arguments, rows: Int, classes: Int, rowsName: String, columns: [String]? = nil, of data: ParameterName? = nil) throws -> [Int] {
        let y = try args.classLabels(Self.y, rows: rows, classes: classes, counted: rowsName, columns: columns, of: data)
        guard let first = y.first, y.contains(where: { $0 != first }) else {
            throw args.invalid(Self.y, "\(args.builtin.name)(): every label is \(y.first ?? 0); fitting a calibrator needs examples of at least two classes")
        }
        return y
    }

    /// Labels for a binary problem, 0 or 1, one per score.
    static func binaryLabels(_ args: Arguments, count: Int, scores: ParameterName) throws -> [Int] {
        try fitLabels(args, rows: count, classes: 2, rowsName: "\(scores) has \(count) values", of: scores)
    }

    /// A sample of (before, after) confidences for the map's plot: at most 2000 points.
    static func sample(_ before: [Double], _ after: [Double]) -> ([Double], [Double]) {
        let step = max(1, before.count / 2000)
        let idx = Array(stride(from: 0, to: before.count, by: step))
        return (idx.map { before[$0] }, idx.map { after[$0] })
    }

    static func meanNLL(_ p: Matrix, _ y: [Int]) -> Double {
        ProperScores.mean(ProperScores.negativeLogLikelihoods(p, y), weights: nil)
    }

    static let y: ParameterKey<ClassLabels> = .classLabels("y", doc: "the true classes of the fitting data")

    static let logits = ParameterKey(Parameter("logits", "matrix", doc: "N×K logits of held-out data (probabilities are taken as log-probabilities)"), read: readLogits)
    static let l2: ParameterKey<Double> = .number("l2", .value(.number(0)), doc: "penalty λ: adds (λ/2)·(Σ(w − 1)² + Σb²) to the mean NLL",
                                                  where: { $0 >= 0 && $0.isFinite }, otherwise: { f, x in "\(f)(): l2 must be a finite number ≥ 0, not \(NumberFormat.short(x))" })
    static let binaryScores = ParameterKey(Parameter("s", "vector", doc: "binary scores (any real numbers: logits, margins, or probabilities)")) { args, name in try readScores(args, name, unit: false) }
    static let scoresOrProbabilities: ParameterKey<Value> = .value("s", type: "vector or matrix", doc: "binary scores, or an N×K probability matrix (one map per class)")
    static let binnedProbabilities: ParameterKey<Value> = .value("p", type: "vector or matrix", doc: "P(y = 1), or an N×K probability matrix (one map per class)")
    static let binaryProbabilities = ParameterKey(Parameter("p", "vector", doc: "P(y = 1) of held-out data")) { args, name in try readScores(args, name, unit: true) }
    static let bins = CommonParameters.bins.documented("equal-width bins on [0, 1]")
    static let calibrator = ParameterKey(Parameter("cal", "calibrator", doc: "from temperature, platt, isotonic, … or load")) { args, name in
        guard case .object(let o) = try args.required(name), let value = o as? CalibratorValue else {
            throw args.mismatch(name, expected: "a calibrator (from temperature, platt, isotonic, vector_scaling, histogram_binning, beta_calibration or load)")
        }
        return value.calibrator
    }
    static let input: ParameterKey<Value> = .value("x", type: "matrix or vector", doc: "what the calibrator reads: logits, probabilities or scores, like its fitting data")

    /// The probability matrix of a key that also takes a vector of scores.
    static func probabilities(_ key: ParameterKey<Value>) -> ParameterKey<ProbabilityInput> {
        key.reading { args, name in try args.probabilities(name) }
    }

    /// Scores (`unit`: probabilities P(y = 1)) of a key that also takes a matrix.
    static func scores(_ key: ParameterKey<Value>, unit: Bool) -> ParameterKey<[Double]> {
        key.reading { args, name in try readScores(args, name, unit: unit) }
    }

    static let temperature = Builtin(
        "temperature", area: .recalibration,
        parameters: declare(logits, y, ClassNames.parameter),
        returns: "a calibrator (field temperature)",
        summary: "temperature scaling",
        doc: "temperature(z, y) finds the T > 0 minimising the mean negative log-likelihood of softmax(z / T) on held-out data (Guo et al. 2017) — Newton's method on the convex objective in 1/T, to |ΔT| < 1e-10·T. T > 1 softens an over-confident model; the predicted class never changes. Fit on validation data, apply with calibrate(cal, z_test).",
        examples: ["v = load(\"digits/mlp-validation\"); cal = temperature(select(v, \"logit_*\"), v.label); cal.temperature"]
    ) { args, _ in
        let z = try args[logits]
        let y = try fitLabels(args, rows: z.rows, classes: z.cols, rowsName: "logits has \(NumberFormat.count(z.rows, "row"))", columns: z.columnNames, of: logits.name)
        let fit: TemperatureScaling.Fit
        do {
            fit = try TemperatureScaling.fit(logits: z, labels: y)
        } catch TemperatureScaling.Unbounded.towardZero {
            throw args.invalid(logits, "temperature(): no finite temperature: every example's label already has the largest logit, so the likelihood keeps rising as T → 0",
                               notes: ["a model this separable on held-out data needs no temperature; check that these are held-out logits"])
        } catch TemperatureScaling.Unbounded.towardInfinity {
            throw args.invalid(logits, "temperature(): no finite temperature: the logits predict y no better than a uniform guess, so the likelihood keeps rising as T → ∞",
                               notes: ["check that the labels and the logit columns are in the same order"])
        }
        let cal = Calibrator(method: .temperature(fit.temperature), classes: z.cols, input: .logits)
        let before = RowOperations.softmax(z), after = cal.apply(matrix: z)
        let (b, a) = sample(Monitors.confidence(before), Monitors.confidence(after))
        return .object(CalibratorValue(cal, before: b, after: a, nll: (meanNLL(before, y), fit.nll), examples: z.rows))
    }

    static let vectorScaling = Builtin(
        "vector_scaling", area: .recalibration,
        parameters: declare(logits.documented("N×K logits of held-out data"), y, l2, ClassNames.parameter),
        returns: "a calibrator (fields w, b)",
        summary: "vector scaling: a scale and an offset per class",
        doc: "vector_scaling(z, y) fits softmax(z ⊙ w + b) by maximum likelihood (Guo et al. 2017): a temperature per class plus a bias per class, 2K parameters, by L-BFGS. More flexible than temperature scaling and able to change predictions; needs more held-out data. When a class is perfectly separated by its own logit in the fitting data (or never occurs) the likelihood has no maximum, and vector_scaling() says so instead of returning wherever the optimiser stopped; l2= makes the problem well posed.",
        examples: ["v = load(\"digits/softmax-validation\"); cal = vector_scaling(select(v, \"logit_*\"), v.label); cal.w", "m = load(\"digits/mlp-validation\"); vector_scaling(select(m, \"logit_*\"), m.label, l2=0.01)"]
    ) { args, _ in
        let z = try args[logits]
        let y = try fitLabels(args, rows: z.rows, classes: z.cols, rowsName: "logits has \(NumberFormat.count(z.rows, "row"))", columns: z.columnNames, of: logits.name)
        let l2 = try args[l2]
        if l2 == 0, let s = VectorScaling.separatedClasses(logits: z, labels: y).first {
            let what: String
            if s.inside.isNaN {
                what = "class \(s.label) never occurs in y, so its offset would fall without bound"
            } else {
                let (cmp, other) = s.above ? ("≥", "≤") : ("≤", "≥")
                what = "class \(s.label) is perfectly separated by its own logit (all its examples have logit \(cmp) \(NumberFormat.short(s.inside)), all others \(other) \(NumberFormat.short(s.outside))), so its scale would grow without bound"
            }
            throw args.invalid(logits, "vector_scaling(): the likelihood has no maximum: \(what)",
                               notes: ["use temperature(), which has one parameter, or add a penalty such as l2=0.01"])
        }
        let fit = try VectorScaling.fit(logits: z, labels: y, l2: l2)
        let cal = Calibrator(method: .vectorScaling(w: fit.w, b: fit.b), classes: z.cols, input: .logits)
        let before = RowOperations.softmax(z), after = cal.apply(matrix: z)
        let (b, a) = sample(Monitors.confidence(before), Monitors.confidence(after))
        return .object(CalibratorValue(cal, before: b, after: a, nll: (meanNLL(before, y), fit.nll), examples: z.rows))
    }

    static func readScores(_ args: Arguments, _ name: ParameterName, unit: Bool) throws -> [Double] {
        guard case .vector(.numbers(let s)) = try args.required(name) else {
            throw args.mismatch(name, expected: unit ? "a vector of P(y = 1)" : "a vector of binary scores")
        }
        guard !s.isEmpty else { throw args.invalid(name, "\(args.builtin.name)(): \(name) is empty") }
        if let i = s.firstIndex(where: { !$0.isFinite }) { throw args.invalid(name, "\(args.builtin.name)(): \(name) has a missing or infinite value at position \(i)") }
        if unit, let i = s.firstIndex(where: { $0 < 0 || $0 > 1 }) {
            throw args.invalid(name, "\(args.builtin.name)(): \(name) holds \(NumberFormat.short(s[i])) at position \(i); probabilities lie in [0, 1]")
        }
        return s
    }

    static func binaryNLL(_ q: [Double], _ y: [Int]) -> Double {
        ProperScores.mean(q.indices.map { -log(max(y[$0] == 1 ? q[$0] : 1 - q[$0], ProperScores.nllFloor)) }, weights: nil)
    }

    static func binaryFit(_ cal: Calibrator, _ s: [Double], _ y: [Int], unit: Bool) -> Value {
        let after = cal.apply(vector: s)
        let (b, a) = sample(s, after)
        let nllBefore = unit ? binaryNLL(s, y) : .nan
        return .object(CalibratorValue(cal, before: b, after: a, nll: unit ? (nllBefore, binaryNLL(after, y)) : nil, examples: s.count))
    }

    static let platt = Builtin(
        "platt", area: .recalibration,
        parameters: declare(binaryScores, y, ClassNames.parameter),
        returns: "a calibrator (fields A, B)",
        summary: "Platt scaling of a binary score",
        doc: "platt(s, y) fits P(y = 1 | s) = 1 / (1 + exp(A·s + B)) by maximum likelihood with Platt's smoothed targets (N₊ + 1)/(N₊ + 2) and 1/(N₋ + 2), as scikit-learn's CalibratedClassifierCV(method=\"sigmoid\") does.",
        examples: ["b = load(\"breast-cancer/test-predictions\"); cal = platt(b.p_naive_bayes, b.label); [cal.A, cal.B]"]
    ) { args, _ in
        let s = try args[binaryScores]
        let y = try binaryLabels(args, count: s.count, scores: binaryScores.name)
        let (a, b) = try PlattScaling.fit(scores: s, labels: y)
        return binaryFit(Calibrator(method: .platt(a: a, b: b), classes: 2, input: .scores), s, y, unit: s.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    static let isotonic = Builtin(
        "isotonic", area: .recalibration,
        parameters: declare(scoresOrProbabilities, y, ClassNames.parameter),
        returns: "a calibrator",
        summary: "isotonic regression",
        doc: "isotonic(s, y) fits the non-decreasing function of the score closest to the labels (pool-adjacent-violators), interpolated linearly between fitted points and clipped outside their range: scikit-learn's IsotonicRegression(out_of_bounds=\"clip\"). For a probability matrix, one map per class on \"class k or not\", rows renormalised to sum 1. Flexible; needs plenty of held-out data.",
        examples: ["b = load(\"breast-cancer/test-predictions\"); cal = isotonic(b.p_naive_bayes, b.label)"]
    ) { args, _ in
        if case .matrix = try args[scoresOrProbabilities] {
            let (p, _) = try args[probabilities(scoresOrProbabilities)]
            let y = try fitLabels(args, rows: p.rows, classes: p.cols, rowsName: "s has \(NumberFormat.count(p.rows, "row"))", columns: p.columnNames, of: scoresOrProbabilities.name)
            let fits = (0..<p.cols).map { k in IsotonicFit.fit(scores: p.column(k), targets: y.map { $0 == k ? 1 : 0 }) }
            let cal = Calibrator(method: .isotonic(fits), classes: p.cols, input: .probabilities)
            let after = cal.apply(matrix: p)
            let (b, a) = sample(Monitors.confidence(p), Monitors.confidence(after))
            return .object(CalibratorValue(cal, before: b, after: a, nll: (meanNLL(p, y), meanNLL(after, y)), examples: p.rows))
        }
        let s = try args[scores(scoresOrProbabilities, unit: false)]
        let y = try binaryLabels(args, count: s.count, scores: scoresOrProbabilities.name)
        let fit = IsotonicFit.fit(scores: s, targets: y.map(Double.init))
        return binaryFit(Calibrator(method: .isotonic([fit]), classes: 2, input: .scores), s, y, unit: s.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    static let histogramBinning = Builtin(
        "histogram_binning", area: .recalibration,
        parameters: declare(binnedProbabilities, y, bins, ClassNames.parameter),
        returns: "a calibrator",
        summary: "histogram binning",
        doc: "histogram_binning(p, y, bins=15) cuts [0, 1] into equal-width bins of a class's probability and maps each bin to the share of its examples that are of the class (Zadrozny & Elkan 2001); for a matrix, one map per class, rows renormalised.",
        examples: ["b = load(\"breast-cancer/test-predictions\"); cal = histogram_binning(b.p_naive_bayes, b.label, bins=10)"]
    ) { args, _ in
        let bins = try args[bins]
        if case .matrix = try args[binnedProbabilities] {
            let (p, _) = try args[probabilities(binnedProbabilities)]
            let y = try fitLabels(args, rows: p.rows, classes: p.cols, rowsName: "p has \(NumberFormat.count(p.rows, "row"))", columns: p.columnNames, of: binnedProbabilities.name)
            let values = (0..<p.cols).map { k in HistogramBinning.fit(scores: p.column(k), positive: y.map { $0 == k }, bins: bins) }
            let cal = Calibrator(method: .histogram(bins: bins, values: values), classes: p.cols, input: .probabilities)
            let after = cal.apply(matrix: p)
            let (b, a) = sample(Monitors.confidence(p), Monitors.confidence(after))
            return .object(CalibratorValue(cal, before: b, after: a, nll: (meanNLL(p, y), meanNLL(after, y)), examples: p.rows))
        }
        let q = try args[scores(binnedProbabilities, unit: true)]
        let y = try binaryLabels(args, count: q.count, scores: binnedProbabilities.name)
        let values = HistogramBinning.fit(scores: q, positive: y.map { $0 == 1 }, bins: bins)
        return binaryFit(Calibrator(method: .histogram(bins: bins, values: [values]), classes: 2, input: .probabilities), q, y, unit: true)
    }

    static let betaCalibration = Builtin(
        "beta_calibration", area: .recalibration,
        parameters: declare(binaryProbabilities, y, ClassNames.parameter),
        returns: "a calibrator (fields a, b, c)",
        summary: "beta calibration of a binary probability",
        doc: "beta_calibration(p, y) fits p' = 1 / (1 + exp(−(a·ln p − b·ln(1 − p) + c))) by logistic regression on [ln p, −ln(1 − p)] (Kull, Silva Filho & Flach 2017; the betacal package's \"abm\" form: a negative a or b is set to 0 and the other refitted). Unlike Platt scaling it can correct probabilities squeezed towards 0 and 1, as naive Bayes makes them.",
        examples: ["b = load(\"breast-cancer/test-predictions\"); cal = beta_calibration(b.p_naive_bayes, b.label); [cal.a, cal.b, cal.c]"]
    ) { args, _ in
        let q = try args[binaryProbabilities]
        let y = try binaryLabels(args, count: q.count, scores: binaryProbabilities.name)
        let (a, b, c) = try BetaCalibration.fit(scores: q, labels: y)
        return binaryFit(Calibrator(method: .beta(a: a, b: b, c: c), classes: 2, input: .probabilities), q, y, unit: true)
    }

    static let calibrate = Builtin(
        "calibrate", area: .recalibration,
        parameters: declare(calibrator, input),
        returns: "calibrated probabilities: a matrix, or a vector of P(y = 1)",
        summary: "apply a calibrator",
        doc: "calibrate(cal, x) maps new data through a fitted calibrator: logits (or probabilities, as log-probabilities) for temperature and vector scaling, which return probability matrices; binary scores or P(y = 1) for platt, beta_calibration and binary isotonic or histogram maps, which return P(y = 1); probability matrices for multiclass isotonic and histogram maps.",
        examples: ["v = load(\"digits/mlp-validation\"); cal = temperature(select(v, \"logit_*\"), v.label)", "t = load(\"digits/mlp-test\"); p2 = calibrate(cal, select(t, \"logit_*\")); ece(p2, t.label)"]
    ) { args, _ in
        let cal = try args[calibrator]
        switch cal.method {
        case .temperature, .vectorScaling:
            let z = try args[input.reading(readLogits)]
            guard z.cols == cal.classes else { throw args.invalid(input, "calibrate(): the calibrator was fitted on \(cal.classes) classes, x has \(NumberFormat.count(z.cols, "column"))") }
            return .matrix(cal.apply(matrix: z).named(z.columnNames))
        case .isotonic, .histogram:
            let isMatrix = try args[input].isMatrix
            if cal.classes > 2 || cal.input == .probabilities && isMatrix {
                let (p, _) = try args[probabilities(input)]
                guard p.cols == cal.classes else { throw args.invalid(input, "calibrate(): the calibrator was fitted on \(cal.classes) classes, x has \(NumberFormat.count(p.cols, "column"))") }
                if case .isotonic(let fits) = cal.method, fits.count == 1 { return .numbers(cal.apply(vector: p.column(1))) }
                if case .histogram(_, let values) = cal.method, values.count == 1 { return .numbers(cal.apply(vector: p.column(1))) }
                return .matrix(cal.apply(matrix: p).named(p.columnNames))
            }
            return .numbers(cal.apply(vector: try args[scores(input, unit: cal.input == .probabilities)]))
        case .platt:
            return .numbers(cal.apply(vector: try args[scores(input, unit: false)]))
        case .beta:
            return .numbers(cal.apply(vector: try args[scores(input, unit: true)]))
        }
    }
}

extension Value {
    var isMatrix: Bool {
        if case .matrix = self { return true }
        return false
    }
}
