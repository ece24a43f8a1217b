#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// Label shift: estimate the target class prior from a model's outputs, correct for it, and
/// tell whether a shift hurts.
enum LabelShiftBuiltins {
    static var all: [Builtin] { [bbse, mlls, reweight, harm] }

    static let pVal = ParameterKey(Parameter("p_val", "matrix", doc: "the model's probabilities on labelled held-out source data (logits are turned into probabilities with softmax)"), read: probabilities)
    static let yVal: ParameterKey<ClassLabels> = .classLabels("y_val", doc: "the true classes of those rows, 0…K−1")
    static let pTarget = ParameterKey(Parameter("p_target", "matrix", doc: "its probabilities (or logits) on the unlabelled target data"), read: probabilities)
    static let ci = CommonParameters.ci.documented("a confidence level such as 0.95: per-class intervals from a seeded bootstrap of both samples")
    static let boot: ParameterKey<Int> = .wholeNumber("boot", default: 500, atLeast: 10, atMost: 100_000, doc: "bootstrap replicates")
    static let seed = CommonParameters.bootstrapSeed
    static let soft: ParameterKey<Bool> = .bool("soft", default: false, doc: "use probabilities instead of hard predictions for C and μ")
    static let calibration: ParameterKey<String> = .choice("calibrate", ["none", "bcts"], default: "none",
                                                          doc: "\"none\": the probabilities as given; \"bcts\": bias-corrected temperature scaling fitted on the validation data first")

    static let inputParameters = declare(pVal, yVal, pTarget)
    static let intervalParameters = declare(ci, boot, seed)

    /// A K-column matrix of probabilities: as given when its rows sum to 1, else read as
    /// logits and put through softmax. Also returns whether it was logits.
    static func probabilities(_ args: Arguments, _ name: ParameterName) throws -> (p: Matrix, logits: Matrix) {
        guard case .matrix(let m) = try args.required(name) else {
            throw args.mismatch(name, expected: "an N×K matrix of probabilities or logits")
        }
        guard m.rows > 0, m.cols >= 2 else { throw args.invalid(name, "\(args.builtin.name)(): \(name) needs at least one row and two classes") }
        if let k = m.storage.firstIndex(where: { !$0.isFinite }) {
            throw args.invalid(name, "\(args.builtin.name)(): \(name) has a missing or infinite value at row \(k / m.cols), column \(k % m.cols)")
        }
        if (try? ProbabilityCheck.check(m)) != nil {
            return (m, Matrix(rows: m.rows, cols: m.cols, storage: m.storage.map { log(max($0, 1e-300)) }).named(m.columnNames))
        }
        return (RowOperations.softmax(m).named(m.columnNames), m)
    }

    struct Inputs {
        var validation: Matrix
        var validationLogits: Matrix
        var labels: [Int]
        var target: Matrix
        var targetLogits: Matrix
        /// The classes' names: from classes= or p_val's column names when y_val holds text,
        /// else 0…K−1.
        var names: [String]
        var classes: Int { validation.cols }
    }

    static func inputs(_ args: Arguments) throws -> Inputs {
        let (pv, zv) = try args[pVal]
        let y = try args.classLabels(yVal, rows: pv.rows, classes: pv.cols, counted: "p_val has \(NumberFormat.count(pv.rows, "row"))", columns: pv.columnNames, of: pVal.name)
        let (pt, zt) = try args[pTarget]
        guard pt.cols == pv.cols else {
            throw args.invalid(pTarget, "\(args.builtin.name)(): p_val has \(pv.cols) classes but p_target has \(pt.cols); both must come from the same model")
        }
        var names = (0..<pv.cols).map(String.init)
        if case .vector(.strings(let text))? = try args.value(yVal) {
            names = try args.declaredClassNames(classes: pv.cols)
                ?? pv.columnNames.flatMap { ClassNames.matching($0, labels: Set(text)) } ?? names
        }
        return Inputs(validation: pv, validationLogits: zv, labels: y, target: pt, targetLogits: zt, names: names)
    }

    /// The error for a confusion matrix that cannot be inverted; `probabilities` and `labels`
    /// are the keys of the labelled source data (p_val and y_val, or harm's p_source and
    /// y_source).
    static func singular<P>(_ problem: LabelShift.Problem, _ args: Arguments, probabilities: ParameterKey<P>, labels: ParameterKey<ClassLabels>) -> Diagnostic {
        let f = args.builtin.name
        switch problem {
        case .neverPredicted(let k):
            return args.invalid(probabilities, "\(f)(): the model never predicts class \(k) on the validation data, so the confusion matrix is singular and the target share of class \(k) cannot be recovered",
                                notes: ["soft=true uses the probabilities, which are never exactly 0; or use mlls(), which needs no inverse"])
        case .neverSeen(let k):
            return args.invalid(labels, "\(f)(): class \(k) never occurs among \(labels.name), so the confusion matrix is singular: there is no validation example to learn how the model treats it",
                                notes: ["add labelled examples of class \(k), or drop that class from the problem"])
        case .singular:
            return args.invalid(probabilities, "\(f)(): the confusion matrix of the validation data is singular: the model's predictions cannot tell some classes apart",
                                notes: ["soft=true, or mlls(), may still give an estimate"])
        }
    }

    /// Bootstrap intervals of a prior estimator, resampling validation and target rows.
    static func priorInterval(_ args: Arguments, _ context: EvaluationContext, _ input: Inputs,
                              _ estimate: @escaping @Sendable (Matrix, [Int], Matrix) -> [Double]?) throws -> (lower: [Double], upper: [Double], level: Double, used: Int)? {
        guard let level = try args.intervalLevel(ci, bootstrap: [boot, seed]) else { return nil }
        let replicates = try args[boot]
        try context.checkSize(Double(replicates) * Double(input.validation.rows + input.target.rows) * Double(input.classes), at: try args.range(boot), what: "resampled values", allowance: 100)
        let pv = input.validation, y = input.labels, pt = input.target
        let statistic: @Sendable ([[Int]]) -> [Double]? = { idx in
            estimate(pv.selectingRows(idx[0]), idx[0].map { y[$0] }, pt.selectingRows(idx[1]))
        }
        let reps = try context.withGenerator(seed: try args[seed]) { random in
            try Bootstrap.replicates(groups: [pv.rows, pt.rows], count: replicates, random: &random, progress: context.progress, statistic: statistic)
        }
        let (lower, upper, used) = Bootstrap.componentIntervals(reps, confidence: level)
        return (lower, upper, level, used)
    }


    /// One sentence on how far the prior moved, using the interval when there is one.
    static func priorMeaning(source: [Double], target: [Double], names: [String], interval: (lower: [Double], upper: [Double], level: Double, used: Int)?) -> String {
        let total = target.reduce(0, +)
        let q = total > 0 ? target.map { $0 / total } : target
        let tv = 0.5 * zip(q, source).reduce(0) { $0 + abs($1.0 - $1.1) }
        let order = source.indices.sorted { abs(q[$0] - source[$0]) > abs(q[$1] - source[$1]) }
        let changes = order.prefix(2).map { "class \(names[$0]) from \(NumberFormat.percent(source[$0])) to \(NumberFormat.percent(q[$0]))" }.joined(separator: ", ")
        let tvText = "total variation \(NumberFormat.short(tv, digits: 3))"
        if let i = interval {
            let moved = source.indices.filter { i.lower[$0] > source[$0] || i.upper[$0] < source[$0] }
            if moved.isEmpty {
                return "No evidence of label shift: every class's \(Int((i.level * 100).rounded()))% interval contains its source share (\(tvText))."
            }
            return "The class prior moved: \(moved.count) of \(source.count) classes have intervals that exclude their source share; the largest changes are \(changes) (\(tvText))."
        }
        if tv < 0.02 { return "The estimated prior is close to the source prior (\(tvText)): little sign of label shift; ci=0.95 tells it from noise." }
        return "The estimated prior differs from the source prior (\(tvText)): \(changes); ci=0.95 tells whether that exceeds sampling noise."
    }

    static let bbse = Builtin(
        "bbse", area: .labelShift,
        parameters: inputParameters + declare(soft) + intervalParameters + [ClassNames.parameter],
        returns: "a label-shift estimate: target_prior, source_prior, weights, condition_number, confusion, warning, table, meaning; plot() compares the priors",
        summary: "black-box shift estimation of the target class prior",
        doc: "bbse(p_val, y_val, p_target) is black-box shift estimation (Lipton, Wang & Smola 2018). On labelled validation data C[i, j] = P(predicted i, true j); on the target μ[i] = P(predicted i). Under label shift μ = C·w, where w[j] = q[j]/π_s[j] is how much more common class j has become; so w = C⁻¹μ (negative entries set to 0) and the target prior q = w ⊙ π_s, π_s the validation label frequencies (q is not renormalised, so its sum shows the estimation error). Works with any classifier, calibrated or not, as long as C is well conditioned: the condition number is reported and a warning given above 100. soft=true uses probabilities for C and μ (smoother, and defined when a class is never predicted). weights feed the metrics' weights= and reweight().",
        examples: ["v = load(\"digits/mlp-validation\"); l = load(\"digits/mlp-test-label\"); b = bbse(softmax(select(v, \"logit_*\")), v.label, softmax(select(l, \"logit_*\")))", "b.target_prior"]
    ) { args, context in
        let input = try inputs(args)
        let soft = try args[soft]
        let r: LabelShift.BBSE
        do {
            r = try LabelShift.bbse(validation: input.validation, labels: input.labels, target: input.target, soft: soft)
        } catch let problem as LabelShift.Problem {
            throw singular(problem, args, probabilities: pVal, labels: yVal)
        }
        let interval = try priorInterval(args, context, input) { pv, y, pt in
            guard let b = try? LabelShift.bbse(validation: pv, labels: y, target: pt, soft: soft) else { return nil }
            return b.targetPrior
        }
        let k = input.classes
        let warning = r.conditionNumber > 100
            ? "the confusion matrix is ill-conditioned (condition number \(NumberFormat.short(r.conditionNumber, digits: 3))): small changes in the data move the estimate a lot; more validation data, soft=true or mlls() are steadier"
            : nil
        let confusion = Table((0..<k).map { j in ("true \(j)", Column.numbers((0..<k).map { r.confusion[$0, j] })) })
        return .object(PriorShiftValue(
            method: soft ? "BBSE, soft" : "BBSE", classNames: input.names, sourcePrior: r.sourcePrior, targetPrior: r.targetPrior,
            weights: r.weights, interval: interval,
            extra: [("condition_number", .number(r.conditionNumber)), ("confusion", .table(confusion)), ("target_predictions", .numbers(r.targetPredictions))],
            warning: warning, meaning: priorMeaning(source: r.sourcePrior, target: r.targetPrior, names: input.names, interval: interval)))
    }

    static let mlls = Builtin(
        "mlls", area: .labelShift,
        parameters: inputParameters + declare(calibration) + intervalParameters + [ClassNames.parameter],
        returns: "a label-shift estimate: target_prior, source_prior, weights, iterations (and temperature, bias with bcts), table, meaning; plot() compares the priors",
        summary: "maximum-likelihood (EM) estimate of the target class prior",
        doc: "mlls(p_val, y_val, p_target) finds the target prior by the EM algorithm of Saerens, Latinne & Decaestecker (2002): starting from the validation label frequencies π_s, it reweights each target posterior by π_t/π_s, renormalises, and sets π_t to their mean, until the prior changes by less than 1e-10. It needs calibrated probabilities: calibrate=\"bcts\" first fits bias-corrected temperature scaling, softmax(z/T + b), on the validation logits (Alexandari, Kundaje & Shrikumar 2020 found this hard to beat) and applies it to both samples. weights are π_t/π_s.",
        examples: ["v = load(\"digits/softmax-validation\"); l = load(\"digits/softmax-test-label\"); m = mlls(select(v, \"logit_*\"), v.label, select(l, \"logit_*\"), calibrate=\"bcts\")", "m.target_prior"]
    ) { args, context in
        var input = try inputs(args)
        let mode = try args[calibration]
        let source = LabelShift.prior(input.labels, classes: input.classes)
        var extra: [(String, Value)] = []
        if mode == "bcts" {
            let fit = try LabelShift.biasCorrectedTemperature(logits: input.validationLogits, labels: input.labels)
            input.validation = LabelShift.applyBiasCorrectedTemperature(input.validationLogits, temperature: fit.temperature, bias: fit.bias)
            input.target = LabelShift.applyBiasCorrectedTemperature(input.targetLogits, temperature: fit.temperature, bias: fit.bias)
            extra += [("temperature", .number(fit.temperature)), ("bias", .numbers(fit.bias))]
        }
        if let k = source.firstIndex(of: 0) {
            throw args.invalid(yVal, "mlls(): class \(k) never occurs among y_val, so its source share is 0 and its weight π_t/π_s is undefined",
                               notes: ["add labelled examples of class \(k), or drop that class from the problem"])
        }
        let r = try LabelShift.expectationMaximization(target: input.target, sourcePrior: source)
        extra.append(("iterations", .number(Double(r.iterations))))
        let interval = try priorInterval(args, context, input) { pv, y, pt in
            let s = LabelShift.prior(y, classes: pv.cols)
            guard !s.contains(0), let e = try? LabelShift.expectationMaximization(target: pt, sourcePrior: s) else { return nil }
            return e.prior
        }
        let weights = zip(r.prior, source).map { $0 / $1 }
        let warning = r.iterations >= 10_000 ? "EM stopped after 10 000 iterations without converging to 1e-10" : nil
        return .object(PriorShiftValue(
            method: mode == "bcts" ? "EM after bias-corrected temperature scaling" : "EM", classNames: input.names,
            sourcePrior: source, targetPrior: r.prior, weights: weights, interval: interval, extra: extra, warning: warning,
            meaning: priorMeaning(source: source, target: r.prior, names: input.names, interval: interval)))
    }

    static let posteriors: ParameterKey<ProbabilityInput> = .probabilities("p", type: "matrix", doc: "probabilities p(y | x) learnt under the source prior")
    static let classWeights = ParameterKey(Parameter("w", "vector or label-shift estimate", doc: "class weights q/π_s, or the result of bbse() or mlls()")) { args, name -> [Double] in
        switch try args.required(name) {
        case .object(let o as PriorShiftValue): return o.weights
        case .vector(.numbers(let v)): return v
        default: throw args.mismatch(name, expected: "class weights (a vector) or a label-shift estimate from bbse() or mlls()")
        }
    }

    static let reweight = Builtin(
        "reweight", area: .labelShift,
        parameters: declare(posteriors, classWeights),
        returns: "a matrix of probabilities",
        summary: "adjust posteriors to a new class prior",
        doc: "reweight(p, w) multiplies each row of p by the class weights w = q/π_s and renormalises: the posteriors a model would give had it been trained under the target prior q (Saerens et al. 2002). With the result of bbse() or mlls(), its weights are used.",
        examples: ["v = load(\"digits/mlp-validation\"); l = load(\"digits/mlp-test-label\"); pl = softmax(select(l, \"logit_*\")); m = mlls(softmax(select(v, \"logit_*\")), v.label, pl); accuracy(reweight(pl, m), l.label)"]
    ) { args, _ in
        let (p, _) = try args[posteriors]
        let w = try args[classWeights]
        guard w.count == p.cols else { throw args.invalid(classWeights, "reweight(): \(NumberFormat.count(w.count, "weight")) for \(p.cols) classes") }
        if let i = w.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw args.invalid(classWeights, "reweight(): the weight of class \(i) is \(NumberFormat.short(w[i])); weights must be finite and ≥ 0")
        }
        guard w.contains(where: { $0 > 0 }) else { throw args.invalid(classWeights, "reweight(): every weight is 0") }
        return .matrix(LabelShift.reweight(p, weights: w).named(p.columnNames))
    }

    static let harmSource: ParameterKey<ProbabilityInput> = .probabilities("p_source", type: "matrix", doc: "the model's probabilities on labelled source (held-out) data")
    static let harmSourceLabels: ParameterKey<ClassLabels> = .classLabels("y_source", doc: "their true classes")
    static let harmTarget: ParameterKey<ProbabilityInput> = .probabilities("p_target", type: "matrix", doc: "its probabilities on the target data")
    static let harmTargetLabels: ParameterKey<ClassLabels> = .classLabels("y_target", .absent("unlabelled target"), doc: "the target's true classes, when known")
    static let tolerance: ParameterKey<Value> = .value("delta", .value(.number(0.02)), type: "number or record",
                                                       doc: "the tolerated loss: an accuracy drop, or a record such as {accuracy: 0.02, ece: 0.01, nll: 0.1}")
    static let harmLevel: ParameterKey<Double?> = .confidenceLevel("ci", .value(.number(0.95)), doc: "confidence level of the intervals")
    static let harmBoot: ParameterKey<Int> = .wholeNumber("boot", default: 1000, atLeast: 10, atMost: 100_000, doc: "bootstrap replicates")

    static let harm = Builtin(
        "harm", area: .labelShift,
        parameters: declare(harmSource, harmSourceLabels, harmTarget, harmTargetLabels, tolerance, harmLevel, harmBoot, seed, ClassNames.parameter),
        returns: "a harm assessment: table (metric, source, target, change, lower, upper, delta, verdict), harmful, shifted, shift_test (the bbsd report), meaning",
        summary: "did the shift hurt the model, or only move the data?",
        doc: "harm(p_source, y_source, p_target, y_target) separates \"the data moved\" from \"the model got worse\". It tests whether the model's outputs are distributed differently on the target (black-box shift detection, as bbsd: the data moved), and measures the change in accuracy, NLL and ECE from source to target with bootstrap intervals (each sample resampled on its own). Against a tolerance δ each change is \"exceeded\" when its whole interval lies beyond δ in the harmful direction (accuracy down, NLL or ECE up), \"within\" when the whole interval stays inside it, and \"inconclusive\" otherwise (more data would decide); harmful is true when any is exceeded. delta= is the tolerated accuracy drop, or a record giving δ per metric. Without y_target, the target accuracy is estimated under the assumption of label shift: the source accuracy reweighted by the BBSE class weights.",
        examples: ["s = load(\"digits/mlp-test\"); c = load(\"digits/mlp-test-covariate\"); harm(softmax(select(s, \"logit_*\")), s.label, softmax(select(c, \"logit_*\")), c.label, seed=1)"]
    ) { args, context in
        let (ps, _) = try args[harmSource]
        let ys = try args.classLabels(harmSourceLabels, rows: ps.rows, classes: ps.cols, counted: "p_source has \(NumberFormat.count(ps.rows, "row"))", columns: ps.columnNames, of: harmSource.name)
        let (pt, _) = try args[harmTarget]
        guard pt.cols == ps.cols else { throw args.invalid(harmTarget, "harm(): p_source has \(ps.cols) classes but p_target has \(pt.cols); both must come from the same model") }
        let level = try args[harmLevel] ?? 0.95
        let replicates = try args[harmBoot]
        var deltas: [String: Double] = [:]
        switch try args[tolerance] {
        case .number(let d): deltas["accuracy"] = d
        case .record(let r):
            for (k, v) in r.pairs {
                guard ["accuracy", "nll", "ece"].contains(k) else { throw args.invalid(tolerance, "harm(): delta has no metric '\(k)'; use accuracy, nll or ece") }
                guard case .number(let d) = v, d >= 0 else { throw args.invalid(tolerance, "harm(): delta.\(k) must be a number ≥ 0") }
                deltas[k] = d
            }
        default: throw args.mismatch(tolerance.name, expected: "a number (the tolerated accuracy drop) or a record of tolerances")
        }
        if let d = deltas["accuracy"], !(d >= 0 && d < 1) { throw args.invalid(tolerance, "harm(): the tolerated accuracy drop must be in [0, 1), got \(NumberFormat.short(d))") }
        let alpha = 0.05
        let columns = (0..<ps.cols).map { ("class \($0)", DriftReport.Column.numbers(ps.column($0), pt.column($0))) }
        let shift = try DriftBuiltins.report(title: "black-box shift detection (KS on \(ps.cols) softmax outputs)", columns: columns, test: .ks,
                                             correction: .bonferroni, alpha: alpha, subject: "output dimension")
        let seed = try args[seed]
        /// Runs `body` with the seeded generator, or the session's.
        func withRandom<T>(_ body: (inout Xoshiro256) throws -> T) throws -> T {
            try context.withGenerator(seed: seed, body)
        }
        let flagged = shift.rows.filter(\.flagged).count
        let moved = flagged > 0
            ? "The data moved (the model's outputs shifted in \(flagged) of \(ps.cols) classes, KS with Bonferroni at α = \(NumberFormat.short(alpha)))"
            : "No sign that the data moved (KS on each of the model's \(ps.cols) outputs, Bonferroni at α = \(NumberFormat.short(alpha)))"

        if try args.value(harmTargetLabels).map({ !$0.isNull }) == true {
            let yt = try args.classLabels(harmTargetLabels, rows: pt.rows, classes: pt.cols, counted: "p_target has \(NumberFormat.count(pt.rows, "row"))", columns: pt.columnNames ?? ps.columnNames, of: harmTarget.name)
            var tolerances: [HarmAssessment.Metric: Double] = [:]
            for metric in HarmAssessment.Metric.allCases { tolerances[metric] = deltas[metric.rawValue] }
            let rows = try withRandom { random in
                try HarmAssessment.labelled(source: ps, sourceLabels: ys, target: pt, targetLabels: yt, tolerances: tolerances, level: level,
                                            replicates: replicates, random: &random, progress: context.progress)
            }
            let worse = rows.filter { $0.verdict == .exceeded }.map(\.metric)
            let open = rows.filter { $0.verdict == .inconclusive }.map(\.metric)
            let accText = "accuracy \(rows[0].change < 0 ? "fell" : "rose") by \(NumberFormat.short(abs(rows[0].change), digits: 3)) (\(NumberFormat.short(rows[0].lower, digits: 3)) to \(NumberFormat.short(rows[0].upper, digits: 3)))"
            let verdict = !worse.isEmpty
                ? "and the model got worse: \(accText); \(worse.joined(separator: ", ")) changed by more than δ across the whole interval."
                : !open.isEmpty
                    ? "and it is not yet clear whether the model got worse: \(accText); the interval of \(open.joined(separator: ", ")) reaches beyond δ."
                    : "and the model did not get worse beyond the stated tolerance: \(accText)."
            return .object(HarmValue(rows: rows, level: level, shift: shift, labelled: true, meaning: moved + ", " + verdict))
        }

        // No target labels: assume label shift, reweight the source accuracy by BBSE.
        let row: HarmAssessment.Row
        do {
            row = try withRandom { random in
                try HarmAssessment.labelShiftCorrected(source: ps, sourceLabels: ys, target: pt, tolerance: deltas["accuracy"], level: level,
                                                       replicates: replicates, random: &random, progress: context.progress)
            }
        } catch let problem as LabelShift.Problem {
            throw singular(problem, args, probabilities: harmSource, labels: harmSourceLabels)
        }
        let meaning = moved + "; if the shift is a change of class prior only, target accuracy is about \(NumberFormat.short(row.target, digits: 3)) against \(NumberFormat.short(row.source, digits: 3)) on source (change \(NumberFormat.short(row.lower, digits: 3)) to \(NumberFormat.short(row.upper, digits: 3)))" + (row.verdict == .exceeded ? ", a drop beyond δ." : ".")
        return .object(HarmValue(rows: [row], level: level, shift: shift, labelled: false, meaning: meaning))
    }
}
