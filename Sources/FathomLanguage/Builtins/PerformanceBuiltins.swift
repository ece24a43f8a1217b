import FathomCore

/// Estimating a model's accuracy where no labels have arrived yet.
enum PerformanceBuiltins {
    static var all: [Builtin] { [estimatePerformance] }

    static let source: ParameterKey<ProbabilityInput> = .probabilities("p_source", doc: "the model's probabilities on labelled reference data (N×K, or a vector of P(y = 1))")
    static let sourceLabels: ParameterKey<ClassLabels> = .classLabels("y_source", doc: "their true classes")
    static let target: ParameterKey<ProbabilityInput> = .probabilities("p_target", doc: "its probabilities on the unlabelled target data, in time order")
    static let targetLabels: ParameterKey<ClassLabels> = .classLabels("y_target", .absent("unlabelled target"), doc: "the target's true classes when they arrive, to compare the estimate with")
    static let chunks: ParameterKey<Int> = .wholeNumber("chunks", default: 1, atLeast: 1, atMost: 100_000, doc: "consecutive chunks of the target to estimate one by one (the reference is cut into chunks of the same size for the alert thresholds)")
    static let calibrate: ParameterKey<Bool> = .bool("calibrate", default: true, doc: "calibrate the probabilities on the reference first (isotonic, one class against the rest); false takes them as calibrated")
    static let metric: ParameterKey<PerformanceEstimation.Metric> = .choice("metric", PerformanceEstimation.Metric.allCases, default: .accuracy, doc: "the metric the chunks, bands and alerts follow: \"accuracy\", \"f1\", \"precision\", \"recall\" or \"specificity\" (binary: class 1 is the positive class; multiclass: the mean over classes, one against the rest)")
    static let alertBelow: ParameterKey<Double?> = .optionalNumber("alert_below", absent: "the reference thresholds only", doc: "also alert when a chunk's estimate of the metric falls below this")

    static let estimatePerformance = Builtin(
        "estimate_performance", area: .monitors,
        parameters: declare(source, sourceLabels, target, targetLabels, chunks, calibrate, metric, alertBelow, ClassNames.parameter),
        returns: "a performance estimate: table (chunk, start, end, rows, estimate, lower, upper, realized, alert), estimate, metrics (every metric on the whole target), confusion, importance_weighted, thresholds, meaning; plot() charts the chunks",
        summary: "estimate accuracy, F1, precision, recall on unlabelled data (CBPE)",
        doc: "estimate_performance(p_source, y_source, p_target) estimates the model's accuracy on target data whose labels have not arrived, by confidence-based performance estimation (CBPE, as NannyML): the probabilities are calibrated on the labelled reference (isotonic regression, one class against the rest, rows renormalised; calibrate=false skips it), and the calibrated probability of each prediction is its chance of being right, so a chunk's expected accuracy is their mean and its expected confusion matrix their sums by predicted class. Each chunk's band is the estimate ± 3 sampling errors (the reference's standard deviation of correctness over √rows); it raises an alert when the estimate leaves the reference chunks' mean ± 3 standard deviations of realised accuracy (or falls below alert_below). CBPE assumes that p(y | x) stays: it follows covariate shift and cannot see concept shift. importance_weighted is the other estimate, for label shift: the reference's correctness weighted by the BBSE class weights. With y_target, the realised accuracy stands beside each estimate. metric=\"f1\" (or \"precision\", \"recall\", \"specificity\") follows that metric instead, as NannyML estimates it: the metric of the expected confusion matrix (binary: class 1 positive; multiclass: the mean over classes of one against the rest), its sampling error from the reference's per-row outcomes, the band from the reference chunks' realised values; metrics gives all five for the whole target.",
        examples: [
            "s = load(\"digits/mlp-test\"); c = load(\"digits/mlp-test-covariate\"); e = estimate_performance(softmax(select(s, \"logit_*\")), s.label, softmax(select(c, \"logit_*\")), y_target=c.label); e.table",
            "estimate_performance(softmax(select(s, \"logit_*\")), s.label, softmax(select(c, \"logit_*\")), y_target=c.label, metric=\"f1\").metrics",
        ]
    ) { args, context in
        let (ps, binary) = try args[source]
        let ys = try args.classLabels(sourceLabels, rows: ps.rows, classes: ps.cols, counted: "p_source has \(NumberFormat.count(ps.rows, "row"))", columns: binary ? nil : ps.columnNames, of: source.name)
        let (pt, _) = try args[target]
        guard pt.cols == ps.cols else { throw args.invalid(target, "estimate_performance(): p_source has \(ps.cols) classes but p_target has \(pt.cols); both must come from the same model") }
        let yt = try args.has(targetLabels) && !(try args.required(targetLabels)).isNull
            ? try args.classLabels(targetLabels, rows: pt.rows, classes: pt.cols, counted: "p_target has \(NumberFormat.count(pt.rows, "row"))", columns: binary ? nil : pt.columnNames, of: target.name) : nil
        let count = try args[chunks]
        guard count <= pt.rows else { throw args.invalid(chunks, "estimate_performance(): \(count) chunks of \(NumberFormat.count(pt.rows, "target row")); at most one chunk a row") }
        let calibration = try args[calibrate] ? PerformanceEstimation.Calibration(reference: ps, labels: ys, binary: binary) : nil
        try Interruption.check()
        let target = calibration?.apply(pt) ?? pt
        let predictedSource = PerformanceEstimation.predictions(ps, binary: binary)
        let predicted = PerformanceEstimation.predictions(pt, binary: binary)
        let ranges = PerformanceEstimation.chunks(pt.rows, count)
        let size = pt.rows / count
        let chosen = try args[metric]
        let classes = ps.cols
        let referenceChunks = ps.rows / size >= 2 ? PerformanceEstimation.chunks(ps.rows, ps.rows / size) : []
        let thresholds = PerformanceEstimation.band(referenceChunks.map {
            PerformanceEstimation.realized(chosen, predicted: predictedSource, labels: ys, classes: classes, rows: $0, binary: binary)
        })
        let components = PerformanceEstimation.SamplingComponents(chosen, predicted: predictedSource, labels: ys, classes: classes, binary: binary)
        let below = try args[alertBelow]
        let rows = ranges.map { r -> PerformanceValue.Chunk in
            let estimate = PerformanceEstimation.expected(chosen, target, predicted: predicted, rows: r, binary: binary)
            let error = components.error(rows: r.count)
            var alert = false
            if let thresholds, estimate < thresholds.lower || estimate > thresholds.upper { alert = true }
            if let below, estimate < below { alert = true }
            return PerformanceValue.Chunk(range: r, estimate: estimate, samplingError: error,
                                          realized: yt.map { PerformanceEstimation.realized(chosen, predicted: predicted, labels: $0, classes: classes, rows: r, binary: binary) } ?? .nan, alert: alert)
        }
        let whole = 0..<pt.rows
        let bbse = try? LabelShift.bbse(validation: ps, labels: ys, target: pt, soft: false)
        let all = PerformanceEstimation.Metric.allCases.map { m in
            PerformanceValue.Summary(metric: m, estimate: PerformanceEstimation.expected(m, target, predicted: predicted, rows: whole, binary: binary),
                                     reference: PerformanceEstimation.realized(m, predicted: predictedSource, labels: ys, classes: classes, rows: 0..<ps.rows, binary: binary),
                                     realized: yt.map { PerformanceEstimation.realized(m, predicted: predicted, labels: $0, classes: classes, rows: whole, binary: binary) } ?? .nan)
        }
        let summary = all.first { $0.metric == chosen }!
        return .object(PerformanceValue(
            metric: chosen, binary: binary, chunks: rows, estimate: summary.estimate,
            samplingError: components.error(rows: pt.rows),
            summaries: all,
            confusion: PerformanceEstimation.expectedConfusion(target, predicted: predicted, rows: whole),
            referenceAccuracy: summary.reference,
            importanceWeighted: bbse.map { PerformanceEstimation.importanceWeightedAccuracy(predicted: predictedSource, labels: ys, weights: $0.weights) } ?? .nan,
            thresholds: thresholds, alertBelow: below, calibrated: calibration != nil,
            realized: yt != nil ? summary.realized : nil))
    }
}
