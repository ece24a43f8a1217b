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
    static let alertBelow: ParameterKey<Double?> = .optionalNumber("alert_below", absent: "the reference thresholds only", doc: "also alert when a chunk's estimated accuracy falls below this")

    static let estimatePerformance = Builtin(
        "estimate_performance", area: .monitors,
        parameters: declare(source, sourceLabels, target, targetLabels, chunks, calibrate, alertBelow, ClassNames.parameter),
        returns: "a performance estimate: table (chunk, start, end, rows, estimate, lower, upper, realized, alert), estimate, confusion, importance_weighted, thresholds, meaning; plot() charts the chunks",
        summary: "estimate accuracy on unlabelled data (CBPE)",
        doc: "estimate_performance(p_source, y_source, p_target) estimates the model's accuracy on target data whose labels have not arrived, by confidence-based performance estimation (CBPE, as NannyML): the probabilities are calibrated on the labelled reference (isotonic regression, one class against the rest, rows renormalised; calibrate=false skips it), and the calibrated probability of each prediction is its chance of being right, so a chunk's expected accuracy is their mean and its expected confusion matrix their sums by predicted class. Each chunk's band is the estimate ± 3 sampling errors (the reference's standard deviation of correctness over √rows); it raises an alert when the estimate leaves the reference chunks' mean ± 3 standard deviations of realised accuracy (or falls below alert_below). CBPE assumes that p(y | x) stays: it follows covariate shift and cannot see concept shift. importance_weighted is the other estimate, for label shift: the reference's correctness weighted by the BBSE class weights. With y_target, the realised accuracy stands beside each estimate.",
        examples: [
            "s = load(\"digits/mlp-test\"); c = load(\"digits/mlp-test-covariate\"); e = estimate_performance(softmax(select(s, \"logit_*\")), s.label, softmax(select(c, \"logit_*\")), y_target=c.label); e.table",
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
        let source = calibration?.apply(ps) ?? ps, target = calibration?.apply(pt) ?? pt
        let predictedSource = PerformanceEstimation.predictions(ps, binary: binary)
        let predicted = PerformanceEstimation.predictions(pt, binary: binary)
        let ranges = PerformanceEstimation.chunks(pt.rows, count)
        let size = pt.rows / count
        let referenceChunks = ps.rows / size >= 2 ? PerformanceEstimation.chunks(ps.rows, ps.rows / size) : []
        let thresholds = referenceChunks.isEmpty ? nil : PerformanceEstimation.thresholds(referenceChunks.map { PerformanceEstimation.accuracy(predicted: predictedSource, labels: ys, rows: $0) })
        let deviation = PerformanceEstimation.correctnessDeviation(predicted: predictedSource, labels: ys)
        let below = try args[alertBelow]
        let rows = ranges.map { r -> PerformanceValue.Chunk in
            let estimate = PerformanceEstimation.expectedAccuracy(target, predicted: predicted, rows: r)
            let error = deviation / Double(r.count).squareRoot()
            var alert = false
            if let thresholds, estimate < thresholds.lower || estimate > thresholds.upper { alert = true }
            if let below, estimate < below { alert = true }
            return PerformanceValue.Chunk(range: r, estimate: estimate, samplingError: error,
                                          realized: yt.map { PerformanceEstimation.accuracy(predicted: predicted, labels: $0, rows: r) } ?? .nan, alert: alert)
        }
        let whole = 0..<pt.rows
        let bbse = try? LabelShift.bbse(validation: ps, labels: ys, target: pt, soft: false)
        return .object(PerformanceValue(
            chunks: rows, estimate: PerformanceEstimation.expectedAccuracy(target, predicted: predicted, rows: whole),
            samplingError: deviation / Double(pt.rows).squareRoot(),
            confusion: PerformanceEstimation.expectedConfusion(target, predicted: predicted, rows: whole),
            referenceAccuracy: PerformanceEstimation.accuracy(predicted: predictedSource, labels: ys, rows: 0..<ps.rows),
            referenceEstimate: PerformanceEstimation.expectedAccuracy(source, predicted: predictedSource, rows: 0..<ps.rows),
            importanceWeighted: bbse.map { PerformanceEstimation.importanceWeightedAccuracy(predicted: predictedSource, labels: ys, weights: $0.weights) } ?? .nan,
            thresholds: thresholds, alertBelow: below, calibrated: calibration != nil,
            realized: yt.map { PerformanceEstimation.accuracy(predicted: predicted, labels: $0, rows: whole) }))
    }
}
