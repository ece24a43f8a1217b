import FathomCore

/// Calibration and proper scores, each on probabilities and labels, with optional weights and
/// a bootstrap interval.
enum ReliabilityBuiltins {
    static var all: [Builtin] { [accuracy, nll, brier, ece, mce, ace, smece, reliability] }

    static let p: ParameterKey<ProbabilityInput> = .probabilities("p", doc: "an N×K matrix with rows summing to 1, or a vector of P(y = 1)")
    static let y: ParameterKey<ClassLabels> = .classLabels("y", doc: "classes 0…K−1")
    static let weights = CommonParameters.weights
    static let ci = CommonParameters.ci
    static let boot = CommonParameters.boot
    static let seed = CommonParameters.bootstrapSeed
    static let bins = CommonParameters.bins
    static let binning: ParameterKey<Binning> = .choice("binning", [.width, .mass], default: .width, doc: "\"width\": B equal-width bins on [0, 1]; \"mass\": B bins of equal count")
    static let norm: ParameterKey<Int> = .wholeNumber("norm", default: 1, atLeast: 1, atMost: 2, type: "1 or 2", doc: "1: the mean absolute gap; 2: the root mean squared gap")
    static let debias: ParameterKey<Bool> = .bool("debias", default: false, doc: "with norm=2, remove the estimation bias of each bin (Kumar et al. 2019)")
    static let mode: ParameterKey<String> = .choice("mode", ["top", "classwise"], default: "top", doc: "\"top\": top-label confidence; \"classwise\": the mean over classes of each class's own ECE")
    static let label: ParameterKey<String?> = .optionalString("label", absent: "none", doc: "a name for the model, shown in plots")

    static let probabilityParameters = declare(p, y)
    static let intervalParameters = CommonParameters.interval

    /// The inputs every metric starts from.
    struct Inputs: Sendable {
        let p: Matrix
        /// Whether p came as a vector of P(y = 1).
        let binary: Bool
        let y: [Int]
        let top: TopLabel
        let weights: [Double]?
    }

    static func inputs(_ args: Arguments) throws -> Inputs {
        let (matrix, binary, labels, top) = try args.topLabel(p, labels: y)
        return Inputs(p: matrix, binary: binary, y: labels, top: top, weights: try args.weights(weights, rows: matrix.rows))
    }

    /// The metric on all rows, or {estimate, lower, upper} with a bootstrap interval when ci=
    /// is given. `compute` takes resampled row indices, or nil for all rows.
    static func estimate(_ args: Arguments, _ context: EvaluationContext, rows: Int, _ compute: @escaping @Sendable ([Int]?) -> Double) throws -> Value {
        let value = compute(nil)
        guard let level = try args.intervalLevel(ci, bootstrap: [boot, seed]) else { return .number(value) }
        let replicates = try args[boot]
        try context.checkSize(Double(replicates) * Double(rows), at: try args.range(boot), what: "resampled values", allowance: 100)
        let interval = try context.withGenerator(seed: try args[seed]) { random in
            try Bootstrap.interval(n: rows, replicates: replicates, confidence: level, random: &random, progress: context.progress) { compute($0) }
        }
        return .record(Record([
            ("estimate", .number(value)), ("lower", .number(interval.lower)), ("upper", .number(interval.upper)),
            ("level", .number(level)), ("replicates", .number(Double(interval.replicates))),
        ]))
    }

    /// Mean of per-example values over the chosen rows, weighted when weights are given.
    static func mean(_ values: [Double], _ weights: [Double]?, _ rows: [Int]?) -> Double {
        guard let rows else { return ProperScores.mean(values, weights: weights) }
        var s = 0.0, w = 0.0
        for i in rows {
            let wi = weights?[i] ?? 1
            s += wi * values[i]
            w += wi
        }
        return w > 0 ? s / w : .nan
    }

    static let accuracy = Builtin(
        "accuracy", area: .reliability, parameters: probabilityParameters + intervalParameters + [ClassNames.parameter], returns: "a number, or {estimate, lower, upper} with ci=",
        summary: "share of correct top-label predictions",
        doc: "accuracy(p, y) is the share of examples whose most probable class (ties: the lowest) is the label.",
        examples: ["z = load(\"digits/mlp-test\"); accuracy(softmax(select(z, \"logit_*\")), z.label)"]
    ) { args, context in
        let input = try inputs(args)
        let correct = input.top.correct, w = input.weights
        return try estimate(args, context, rows: input.p.rows) { mean(correct, w, $0) }
    }

    static let nll = Builtin(
        "nll", area: .reliability, parameters: probabilityParameters + intervalParameters + [ClassNames.parameter], returns: "a number, or {estimate, lower, upper} with ci=",
        summary: "mean negative log-likelihood (log loss)",
        doc: "nll(p, y) = mean −log max(p_{i,yᵢ}, 2.22e-16): scikit-learn's log_loss. Lower is better; a perfect, certain model scores 0.",
        examples: ["z = load(\"digits/mlp-test\"); nll(softmax(select(z, \"logit_*\")), z.label)"]
    ) { args, context in
        let input = try inputs(args)
        let terms = ProperScores.negativeLogLikelihoods(input.p, input.y), w = input.weights
        return try estimate(args, context, rows: input.p.rows) { mean(terms, w, $0) }
    }

    static let brier = Builtin(
        "brier", area: .reliability, parameters: probabilityParameters + intervalParameters + [ClassNames.parameter], returns: "a number, or {estimate, lower, upper} with ci=",
        summary: "Brier score (mean squared error of the probabilities)",
        doc: "brier(p, y) = mean over examples of Σ_k (p_ik − [yᵢ = k])², not halved (0 is perfect, 2 is worst), as scikit-learn's brier_score_loss(scale_by_half=False). For a vector q of P(y = 1) it is mean (q − y)² (0 to 1), scikit-learn's default for binary input.",
        examples: ["z = load(\"digits/mlp-test\"); brier(softmax(select(z, \"logit_*\")), z.label)"]
    ) { args, context in
        let input = try inputs(args)
        // For a vector of P(y = 1) the two-class sum counts (q − y)² twice: halve it.
        let terms = ProperScores.brierTerms(input.p, input.y).map { input.binary ? $0 / 2 : $0 }, w = input.weights
        return try estimate(args, context, rows: input.p.rows) { mean(terms, w, $0) }
    }

    static let binningParameters = declare(bins, binning)

    static func statistics(_ top: TopLabel, _ weights: [Double]?, _ rows: [Int]?, bins: Int, binning: Binning) -> BinStatistics {
        if let rows {
            if binning == .width { return BinStatistics(confidence: top.confidence, correct: top.correct, weights: weights, indices: rows, bins: bins) }
            return BinStatistics(confidence: rows.map { top.confidence[$0] }, correct: rows.map { top.correct[$0] }, weights: weights.map { w in rows.map { w[$0] } }, bins: bins, binning: binning)
        }
        return BinStatistics(confidence: top.confidence, correct: top.correct, weights: weights, bins: bins, binning: binning)
    }

    static let ece = Builtin(
        "ece", area: .reliability,
        parameters: probabilityParameters + binningParameters + declare(norm, debias, mode) + intervalParameters + [ClassNames.parameter],
        returns: "a number, or {estimate, lower, upper} with ci=",
        summary: "expected calibration error",
        doc: "ece(p, y) bins the top-label confidences into B=15 equal-width bins and averages |accuracy − mean confidence| over the bins, weighted by their counts: Σ_b (n_b/N)·|acc_b − conf_b|, as netcal's ECE. binning=\"mass\" makes bins of equal count; norm=2 takes the root of the count-weighted mean squared gap, and debias=true subtracts each bin's sampling noise acc(1 − acc)/(n − 1) first (clipped at 0). mode=\"classwise\" averages, over classes k, the calibration error of class k's own probability: p_·k binned against [y = k] (Kull et al. 2019). A well calibrated model has an ECE near 0; the interval (ci=0.95) says how much of it is sampling noise. Given columns of a SQL source instead (ece(s.p, s.y), see sql_source), the bins are summed in SQL where the rows live.",
        examples: ["z = load(\"digits/mlp-test\"); p = softmax(select(z, \"logit_*\")); ece(p, z.label)", "ece(p, z.label, ci=0.95, seed=1)"]
    ) { args, context in
        if let pushed = try SQLPushdown.run(args, context, .calibration(.expected)) { return pushed }
        let input = try inputs(args)
        let bins = try args[bins], binning = try args[binning]
        let norm = try args[norm]
        let debias = try args[debias]
        if debias && norm == 1 { throw args.invalid(ReliabilityBuiltins.debias, "ece(): debias=true needs norm=2 (the debiased estimator is for the squared gap)") }
        if debias && input.weights != nil { throw args.invalid(ReliabilityBuiltins.debias, "ece(): debias=true works on unweighted examples; drop weights= or debias=") }
        let mode = try args[mode]
        let w = input.weights
        if mode == "classwise" {
            let p = input.p, y = input.y
            // Class k's own calibration: its probability p_·k against [y = k], binned on p_·k.
            let perClass = (0..<p.cols).map { k in
                TopLabel(confidence: p.column(k), prediction: [Int](repeating: k, count: p.rows), correct: y.map { $0 == k ? 1 : 0 })
            }
            return try estimate(args, context, rows: p.rows) { rows in
                perClass.reduce(0) { $0 + CalibrationError.expected(statistics($1, w, rows, bins: bins, binning: binning), norm: norm, debias: debias) } / Double(perClass.count)
            }
        }
        let top = input.top
        return try estimate(args, context, rows: input.p.rows) { rows in
            CalibrationError.expected(statistics(top, w, rows, bins: bins, binning: binning), norm: norm, debias: debias)
        }
    }

    static let mce = Builtin(
        "mce", area: .reliability, parameters: probabilityParameters + binningParameters + intervalParameters + [ClassNames.parameter],
        returns: "a number, or {estimate, lower, upper} with ci=",
        summary: "maximum calibration error",
        doc: "mce(p, y) is the largest |acc_b − conf_b| over the non-empty bins (netcal's MCE): the worst-calibrated confidence range. Sensitive to small bins.",
        examples: ["z = load(\"digits/mlp-test\"); mce(softmax(select(z, \"logit_*\")), z.label)"]
    ) { args, context in
        if let pushed = try SQLPushdown.run(args, context, .calibration(.maximum)) { return pushed }
        let input = try inputs(args)
        let bins = try args[bins], binning = try args[binning]
        let top = input.top, w = input.weights
        return try estimate(args, context, rows: input.p.rows) { CalibrationError.maximum(statistics(top, w, $0, bins: bins, binning: binning)) }
    }

    static let ace = Builtin(
        "ace", area: .reliability, parameters: probabilityParameters + binningParameters + intervalParameters + [ClassNames.parameter],
        returns: "a number, or {estimate, lower, upper} with ci=",
        summary: "average calibration error (bins weighted equally)",
        doc: "ace(p, y) is the mean of |acc_b − conf_b| over the non-empty bins, each bin counting the same however many examples it holds (netcal's ACE).",
        examples: ["z = load(\"digits/mlp-test\"); ace(softmax(select(z, \"logit_*\")), z.label)"]
    ) { args, context in
        if let pushed = try SQLPushdown.run(args, context, .calibration(.average)) { return pushed }
        let input = try inputs(args)
        let bins = try args[bins], binning = try args[binning]
        let top = input.top, w = input.weights
        return try estimate(args, context, rows: input.p.rows) { CalibrationError.average(statistics(top, w, $0, bins: bins, binning: binning)) }
    }

    static let smece = Builtin(
        "smece", area: .reliability,
        parameters: probabilityParameters + intervalParameters + [ClassNames.parameter],
        returns: "a number, or {estimate, lower, upper} with ci=",
        summary: "smooth ECE (Błasiok & Nakkiran 2023): calibration error without bins",
        doc: "smece(p, y) is the smooth ECE of the top-label confidences, relplot.smECE(confidence, correct): the residuals confidence − correct are smoothed with a Gaussian kernel (reflected at 0 and 1) whose width σ is chosen so that σ equals the result, and the mean absolute smoothed residual is reported. It has no bin count to tune and is consistent: it agrees with relplot.smECE. Like the binned ECE it is near 0 for a calibrated model. With weights=, each example's residual and density count with its weight (scaled to mean 1); relplot has no weights, so that is Fathom's extension.",
        examples: ["z = load(\"digits/mlp-test\"); smece(softmax(select(z, \"logit_*\")), z.label)"]
    ) { args, context in
        let input = try inputs(args)
        let f = input.top.confidence, y = input.top.correct, w = input.weights
        return try estimate(args, context, rows: input.p.rows) { rows in
            guard let rows else { return SmoothECE.value(confidence: f, correct: y, weights: w).value }
            return SmoothECE.value(confidence: rows.map { f[$0] }, correct: rows.map { y[$0] }, weights: w.map { w in rows.map { w[$0] } }).value
        }
    }

    static let reliability = Builtin(
        "reliability", area: .reliability,
        parameters: probabilityParameters + binningParameters + declare(weights.documented("a weight per example"), label, ClassNames.parameter),
        returns: "a reliability result: the bins as a table, with the ECE; plot() draws its diagram",
        summary: "the reliability diagram's bins",
        doc: "reliability(p, y) bins the top-label confidences and gives, per non-empty bin, its confidence range, count, mean confidence, accuracy and gap (accuracy − confidence), with the ECE. plot() of it draws the reliability diagram: accuracy per bin against the diagonal with a 95% Clopper–Pearson interval (scipy's binomtest exact interval) as error bars, gaps shaded, bins of fewer than 10 examples in grey, the number of examples per bin beneath, and in the title the ECE over the same bins (as ece(p, y) with the same bins= and binning=); with weights= there is no interval; plot([r1, r2]) overlays several models or calibrators.",
        examples: ["z = load(\"digits/mlp-test\"); r = reliability(softmax(select(z, \"logit_*\")), z.label); r.table"]
    ) { args, _ in
        let input = try inputs(args)
        let bins = try args[bins], binning = try args[binning]
        let s = statistics(input.top, input.weights, nil, bins: bins, binning: binning)
        let label = try args[label]
        return .object(ReliabilityValue(statistics: s, ece: CalibrationError.expected(s), mce: CalibrationError.maximum(s), accuracy: mean(input.top.correct, input.weights, nil), label: label, confidence: input.top.confidence,
                                       binning: binning, weighted: input.weights != nil))
    }
}
