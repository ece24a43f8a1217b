#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// Training for predictable failures: per-query failure probabilities of a model and the
/// forecastability loss (listed with the tail builtins), and fine-tuning with it (listed with
/// the models).
enum ForecastabilityBuiltins {
    /// m=, above k=.
    static let evaluationSize: ParameterKey<DependentWholeNumber> = .dependentWholeNumber("m", absent: "min(1000, ⌊N/10⌋)", doc: "evaluation queries per partition")
    static let deploymentSize: ParameterKey<Int?> = .optionalWholeNumber("n", absent: "N − m", atLeast: 1, atMost: Int(Int32.max), doc: "deployment queries per partition")
    static let tailSize: ParameterKey<Int> = .wholeNumber("k", default: 10, atLeast: 2, atMost: 10_000, doc: "top evaluation scores the tail is fitted to")
    static let partitions: ParameterKey<Int> = .wholeNumber("partitions", default: 32, atLeast: 1, atMost: 100_000, doc: "random disjoint (m, n) partitions of the pool per step")
    static let positions: ParameterKey<GumbelTail.Positions> = .choice("method", GumbelTail.Positions.allCases, default: .empirical, doc: "\"gumbel\" (positions log(j/m)) or \"gumbel-unbiased\"")
    static let scale: ParameterKey<Forecastability.Scale> = .choice("scale", Forecastability.Scale.allCases, default: .log10, doc: "compare forecast and realised maximum as \"log10\" probabilities (the paper) or on the \"score\" axis ψ = −log(−log p) (informative when the worst probabilities are near 1)")

    /// The partition settings every forecastability builtin takes.
    static let partitionParameters = declare(evaluationSize, deploymentSize, tailSize, partitions, positions, scale)

    /// smooth= of the builtins that fine-tune: τ of the smooth maximum, nil for the hard one.
    static let smoothing: ParameterKey<Double?> = ParameterKey(Parameter(
        "smooth", "number", .absent("the hard maximum"),
        doc: "τ > 0: train against the smooth maximum T = τ·log Σ_{i∈D} exp(v_i/τ) of each deployment set instead of its hard maximum (v = log10 p, or ψ with scale=\"score\"); its gradient spreads softmax(v/τ) over the deployment queries instead of putting all of it on the worst, and max v ≤ T ≤ max v + τ·log n")) { args, name in
        let tau = try args.optionalNumber(name)
        if let tau, !(tau > 0 && tau.isFinite) {
            throw args.invalid(name, "\(args.builtin.name)(): smooth is the temperature τ of the smooth maximum, a finite number > 0; got \(NumberFormat.short(tau))")
        }
        return tau
    }

    /// The keys of a builtin that fine-tunes: λ, the number of steps, the learning rate and the
    /// batch (finetune's forecastability=, steps=, lr=, batch=; the fits' forecastability=,
    /// tune_steps=, tune_lr=, tune_batch=, since fit_mlp has a batch= of its own).
    struct Tuning: Sendable {
        let lambda: ParameterKey<Double>
        let steps: ParameterKey<Int>
        let learningRate: ParameterKey<Double>
        let batch: ParameterKey<Int?>

        /// The keys in the order the builtins declare them.
        var parameters: [Parameter] { declare(lambda, steps, learningRate, batch) }

        init(lambda: String, _ lambdaDefault: Parameter.Default, lambdaDoc: String, steps: String, stepsDoc: String, learningRate: String, learningRateDoc: String, batch: String) {
            self.batch = .optionalWholeNumber(batch, absent: "the whole pool", atLeast: 1, atMost: Int(Int32.max),
                                              doc: "rows per Adam step, drawn afresh without replacement at each step; the step's cross-entropy and partitions use only them, so m + n ≤ \(batch) (m and n then default from the batch)")
            self.lambda = .number(lambda, lambdaDefault, doc: lambdaDoc, where: { $0 >= 0 && $0.isFinite }, otherwise: { f, _ in "\(f)(): \(lambda) must be a finite number ≥ 0" })
            self.steps = .wholeNumber(steps, default: 200, atLeast: 1, atMost: 1_000_000, doc: stepsDoc)
            self.learningRate = .number(learningRate, .value(.number(0.002)), doc: learningRateDoc, where: { $0 > 0 && $0.isFinite }, otherwise: { f, _ in "\(f)(): \(learningRate) must be a positive number" })
        }
    }

    /// finetune(model, X, y, forecastability=λ, steps=, lr=).
    static let finetuneTuning = Tuning(lambda: "forecastability", .required, lambdaDoc: "λ, the weight of the forecastability loss (0: plain fine-tuning)",
                                       steps: "steps", stepsDoc: "Adam steps", learningRate: "lr", learningRateDoc: "Adam learning rate", batch: "batch")
    /// fit_logistic and fit_mlp: forecastability=λ, tune_steps=, tune_lr=.
    static let fitTuning = Tuning(lambda: "forecastability", .value(.number(0)), lambdaDoc: "λ > 0: after the usual fit, fine-tune with λ·forecastability_loss (see finetune)",
                                  steps: "tune_steps", stepsDoc: "fine-tuning steps when forecastability > 0", learningRate: "tune_lr", learningRateDoc: "fine-tuning learning rate",
                                  batch: "tune_batch")

    /// seed= of forecastability_loss and finetune.
    static let partitionSeed: ParameterKey<UInt64> = .seed(default: 0, doc: "seed of the partitions")
    /// finetune's l2=, by default the model's own.
    static let finetuneL2: ParameterKey<Double?> = .optionalNumber("l2", absent: "the l2 the model was fitted with, else 0", doc: "L2 penalty on the weights")

    /// Fine-tuning settings from the arguments; `tuning` holds the builtin's own keys for λ,
    /// the number of steps and the learning rate (nil: no fine-tuning, only the partitions), and
    /// `pool` its X=.
    static func options(_ args: Arguments, rows: Int, pool: ParameterKey<FeatureInput>, tuning: Tuning?, seed: UInt64) throws -> Finetuning.Options {
        var o = Finetuning.Options()
        let name = args.builtin.name
        if let tuning {
            o.lambda = try args[tuning.lambda]
            o.batch = try args[tuning.batch]
            o.smoothing = try args[smoothing]
        }
        // The rows each step's partitions are drawn from: the batch, else the pool.
        var span = rows, unit = "pool"
        if let tuning, let b = o.batch {
            guard b <= rows else {
                throw args.invalid(tuning.batch, "\(name)(): \(tuning.batch.name.text) = \(b) is more than the \(NumberFormat.count(rows, "row")) of the pool; a batch is drawn without replacement")
            }
            (span, unit) = (b, "batch")
        }
        o.k = try args[tailSize]
        o.m = try args.optionalWholeNumber(evaluationSize, atLeast: o.k + 1, atMost: Int(Int32.max)) ?? min(1000, span / 10)
        guard o.m > o.k else {
            let message = "\(name)(): the \(unit) has \(NumberFormat.count(span, "row")); a partition needs an evaluation set of more than k = \(o.k) (m defaults to a tenth of the \(unit))"
            if let tuning, o.batch != nil { throw args.invalid(tuning.batch, message) }
            throw args.invalid(pool, message)
        }
        guard o.m < span else {
            throw args.invalid(evaluationSize, "\(name)(): m = \(o.m) leaves no deployment queries in a \(unit) of \(span) rows")
        }
        o.n = try args[deploymentSize] ?? (span - o.m)
        guard o.m + o.n <= span else {
            if let tuning, let b = o.batch {
                throw args.invalid(tuning.batch, "\(name)(): \(tuning.batch.name.text) = \(b) is less than m + n = \(o.m + o.n); each step draws its partitions from the rows of its batch")
            }
            let message = "\(name)(): m + n = \(o.m + o.n) is more than the \(NumberFormat.count(rows, "row")) of the pool; each partition takes disjoint sets"
            throw try args.has(deploymentSize) ? args.invalid(deploymentSize, message) : args.invalid(evaluationSize, message)
        }
        o.partitions = try args[partitions]
        o.positions = try args[positions]
        o.scale = try args[scale]
        if let tuning {
            o.steps = try args[tuning.steps]
            o.learningRate = try args[tuning.learningRate]
        }
        o.seed = seed
        return o
    }

    /// The inputs of X= for the model and the labels of y= as class indices of the model. Text
    /// labels are looked up among the model's class names (so a pool holding only some of the
    /// classes still lines up); numbers must be 0…K−1.
    static func modelData(_ args: Arguments, _ model: Model, _ features: ParameterKey<FeatureInput>, _ labels: ParameterKey<ClassLabels>) throws -> (Matrix, [Int]) {
        let x = try ModelBuiltins.inputs(args, for: model, features)
        guard case .vector(.strings(let text)) = try args.required(labels) else {
            return (x, try args.classLabels(labels, rows: x.rows, classes: model.classCount, counted: "X has \(NumberFormat.count(x.rows, "row"))"))
        }
        let name = args.builtin.name
        var index: [String: Int] = [:]
        for (k, c) in model.classes.enumerated() { if case .string(let n) = c { index[n] = k } }
        let classes = ModelValue.classesValue(model.classes).renderText(RenderOptions())
        guard !index.isEmpty else { throw args.invalid(labels, "\(name)(): y holds text but the model's classes are \(classes)") }
        guard text.count == x.rows else { throw args.invalid(labels, "\(name)(): y has \(text.count) labels but X has \(NumberFormat.count(x.rows, "row"))") }
        var y: [Int] = []
        y.reserveCapacity(text.count)
        for (i, label) in text.enumerated() {
            guard let k = index[label] else {
                throw args.invalid(labels, "\(name)(): label \"\(label)\" at position \(i) is not one of the model's classes \(classes)")
            }
            y.append(k)
        }
        return (x, y)
    }

    static let modelOrProbabilities: ParameterKey<Value> = .value("model", type: "model or probabilities", doc: "the classifier; or, for a model's outputs, an N×K matrix of class probabilities (rows summing to 1) or a vector of P(y = 1)")
    static let queries: ParameterKey<FeatureInput> = .features("X", .absent("with probabilities: the labels"), type: "matrix, table or vector", doc: "features, one row per query (with probabilities as the first argument: the labels, as in failure_probs(p, y))")
    static let queryLabels: ParameterKey<ClassLabels> = .classLabels("y", .absent("needed with a model"), type: "vector", doc: "the true class of each query")

    static let failureProbs = Builtin(
        "failure_probs", area: .tails,
        parameters: declare(modelOrProbabilities, queries, queryLabels),
        returns: "a vector of per-query failure probabilities",
        summary: "each query's chance that a sampled prediction is wrong",
        doc: "failure_probs(model, X, y) is p_fail(x) = 1 − p_model(y | x): the chance that a prediction drawn from the model's distribution is wrong. It is computed as exp(LSE_{c≠y} z − LSE z) from the logits, so a confident right answer keeps its tiny failure probability instead of rounding to 0. failure_probs(p, y) does the same for the outputs of a model of your own: p is an N×K matrix of class probabilities or a vector of P(y = 1), y the labels (0…K−1, or text as every probability builtin reads it), and the result is 1 − p[i, y_i], taken as the sum of the other classes' probabilities where p[i, y_i] > ½ (so that a confident right answer keeps its small failure probability exactly) and as 1 − p[i, y_i] elsewhere. The tail builtins (scores, gumbel_tail, forecast, backtest) take these as a pool.",
        examples: ["d = load(\"digits/train\"); m = fit_logistic(select(d, \"pixel_*\"), d.label, l2=0.01)", "t = load(\"digits/test\"); pf = failure_probs(m, select(t, \"pixel_*\"), t.label); quantile(pf, [0.5, 0.99])",
                   "failure_probs([[0.9, 0.1], [0.2, 0.8], [0.999999, 0.000001]], [0, 0, 0])", "failure_probs([0.1, 0.7, 0.999], [1, 1, 0])"]
    ) { args, _ in
        if case .object(let o) = try args[modelOrProbabilities], let mv = o as? ModelValue {
            guard try args.has(queryLabels) else { throw Diagnostic("call.missing-argument", "failure_probs() needs y: the true class of each query", at: args.callRange, notes: ["usage: failure_probs(model, X, y), or failure_probs(p, y) for probabilities"]) }
            let (x, y) = try modelData(args, mv.model, queries, queryLabels)
            let l = Forecastability.logFailure(logits: try mv.model.logits(x), labels: y)
            return .numbers(l.map { exp($0) })
        }
        switch try args[modelOrProbabilities] {
        case .matrix, .vector(.numbers): return .numbers(try fromProbabilities(args))
        default: throw args.mismatch(modelOrProbabilities, expected: "a model, or class probabilities (an N×K matrix or a vector of P(y = 1))")
        }
    }

    static let formProbabilities: ParameterKey<ProbabilityInput> = .probabilities("p", doc: "an N×K matrix of class probabilities or a vector of P(y = 1)")
    static let formLabels: ParameterKey<ClassLabels> = .classLabels("y", type: "vector", doc: "the true class of each query")

    /// failure_probs(p, y): the labels are the second argument (bound to X by position) or y=.
    static let probabilityForm = Builtin(
        "failure_probs", area: .tails,
        parameters: declare(formProbabilities, formLabels),
        returns: "a vector of per-query failure probabilities", summary: "", examples: []
    ) { args, _ in .null }

    static func fromProbabilities(_ args: Arguments) throws -> [Double] {
        if try args.has(queries), try args.has(queryLabels) {
            throw args.invalid(queryLabels, "failure_probs(): with probabilities as the first argument, failure_probs takes (p, y): the labels once, not X and y",
                               notes: ["with a model: failure_probs(model, X, y)"])
        }
        guard let labels = try args.value(queries) ?? args.value(queryLabels) else {
            throw Diagnostic("call.missing-argument", "failure_probs() needs y: the true class of each query", at: args.callRange, notes: ["usage: failure_probs(p, y), or failure_probs(model, X, y)"])
        }
        let labelRange = try args.has(queries) ? args.range(queries) : args.range(queryLabels)
        let a = try Arguments.bind(probabilityForm, positional: [(try args[modelOrProbabilities], try args.range(modelOrProbabilities)), (labels, labelRange)],
                                   named: [], callRange: args.callRange)
        let (p, _) = try a[formProbabilities]
        let y = try a.classLabels(formLabels, rows: p.rows, classes: p.cols, columns: p.columnNames, of: formProbabilities.name)
        return (0..<p.rows).map { i in
            let own = p[i, y[i]]
            guard own > 0.5 else { return 1 - own }
            // The other classes' share, exact where 1 − p would round (a confident right answer).
            var other = 0.0
            for c in 0..<p.cols where c != y[i] { other += p[i, c] }
            return other
        }
    }

    static let lossPool: ParameterKey<FeatureInput> = .features("X", doc: "the pool of queries")
    static let lossLabels: ParameterKey<ClassLabels> = .classLabels("y", type: "vector", doc: "their true classes")

    static let forecastabilityLoss = Builtin(
        "forecastability_loss", area: .tails,
        parameters: declare(ModelBuiltins.model, lossPool, lossLabels) + partitionParameters + declare(partitionSeed),
        returns: "a forecastability result: loss, mean_abs_error, mean_error, under_prediction, partitions, skipped, forecast, realised, scale; plot() draws forecast against realised (a list of results draws together)",
        summary: "how well a small evaluation set forecasts the worst deployment query",
        doc: "forecastability_loss(model, X, y) draws R = partitions random disjoint (evaluation m, deployment n) partitions of the pool and, for each, forecasts the worst query's failure probability among n from the top k of the m evaluation scores (the Gumbel-tail method), then compares it with the realised maximum over the n deployment queries: loss = mean over partitions of (log10 forecast − log10 realised)²; with scale=\"score\" the comparison is made on the score axis ψ = −log(−log p) instead (Fathom's extension: log10 p flattens every error once the worst probabilities approach 1). This is Fathom's formulation of the forecastability loss of Schwarzer & Niekum (2026): the per-query failure probabilities are computed once and shared by every partition; a partition whose fitted tail does not fall has no forecast and is left out (counted in skipped). forecast and realised hold each partition's values on that scale; under_prediction is the share of partitions whose forecast fell below the realised maximum.",
        examples: ["d = load(\"digits/train\"); m = fit_logistic(select(d, \"pixel_*\"), d.label, l2=0.01)", "forecastability_loss(m, select(d, \"pixel_*\"), d.label, m=100, n=900, seed=1)"]
    ) { args, context in
        let model = try args[ModelBuiltins.model]
        let (x, y) = try modelData(args, model, lossPool, lossLabels)
        let o = try options(args, rows: x.rows, pool: lossPool, tuning: nil, seed: try args[partitionSeed])
        try context.checkSize(Double(o.partitions) * Double(o.m + o.n), at: try args.range(partitions), what: "partition indices")
        let l = Forecastability.logFailure(logits: try model.logits(x), labels: y)
        var random = Xoshiro256(seed: o.seed)
        var order: [Int] = []
        let parts = try Forecastability.partitions(pool: x.rows, m: o.m, n: o.n, count: o.partitions, order: &order, random: &random)
        let e: Forecastability.Evaluation
        do {
            e = try Forecastability.evaluate(logFailure: l, partitions: parts, k: o.k, positions: o.positions, scale: o.scale, gradient: false)
        } catch Forecastability.Problem.noForecast(let r) {
            throw args.invalid(lossPool, "forecastability_loss(): none of the \(r) partitions had a falling tail to forecast from (are the failure probabilities all equal?)")
        }
        return .object(ForecastabilityValue(evaluation: e, scale: o.scale, m: o.m, n: o.n, k: o.k))
    }

    static let tunedModel: ParameterKey<Model> = .model(doc: "a trained classifier (fit_logistic, fit_mlp or load)")
    static let trainingPool: ParameterKey<FeatureInput> = .features("X", doc: "the training pool")
    static let trainingLabels: ParameterKey<ClassLabels> = .classLabels("y", type: "vector", doc: "its true classes")

    static let finetune = Builtin(
        "finetune", area: .models,
        parameters: declare(tunedModel, trainingPool, trainingLabels) + finetuneTuning.parameters + declare(finetuneL2) + partitionParameters + declare(smoothing, partitionSeed),
        returns: "a model; its training field keeps the curves (plot(m) draws them)",
        summary: "fine-tune a model so that its failures are forecastable",
        doc: "finetune(model, X, y, forecastability=λ) continues training from the model's weights by Adam on the mean cross-entropy + (l2/2)·Σ‖W‖² + λ·forecastability_loss, with fresh seeded partitions at every step: full-batch, or with batch=B on B rows drawn afresh (without replacement) at each step, from which that step's partitions are drawn (so m + n ≤ B). The loss's gradient is exact through the top-k scores, the least-squares tail fit and the forecast; the realised deployment maximum takes a subgradient (all of it on the worst query), or with smooth=τ is replaced by the smooth maximum τ·log Σ exp(v/τ), whose gradient spreads over the deployment queries (forecastability_loss still reports the hard maximum). Records both losses at each step: plot(m) draws the training curves. λ = 0 is plain fine-tuning, the baseline to compare with. λ has no default because the two losses live on different scales: on the score axis the forecastability loss is often 100 times the cross-entropy, on the log10 axis it can be 10⁻⁶ of it. Look at both at the start (plot(m) after a few steps), try a few λ, and judge each by a backtest on held-out data that shares nothing with X (the training lesson: on digits-rare λ = 0.03 on the score axis helped, λ = 0.1 overshot). Progress shows on a terminal; Ctrl-C stops it.",
        examples: ["d = load(\"digits/train\"); X = select(d, \"pixel_*\"); m = fit_logistic(X, d.label, l2=0.01, standardize=true)", "m2 = finetune(m, X, d.label, forecastability=0.1, steps=20, m=100, n=900, seed=1)"]
    ) { args, context in
        let model = try args[tunedModel]
        let (x, y) = try modelData(args, model, trainingPool, trainingLabels)
        var o = try options(args, rows: x.rows, pool: trainingPool, tuning: finetuneTuning, seed: try args[partitionSeed])
        var recorded = 0.0
        if case .object(let info)? = model.training, case .number(let v)? = info.first(where: { $0.0 == "l2" })?.1 { recorded = v }
        o.l2 = try args[finetuneL2] ?? recorded
        guard o.l2 >= 0, o.l2.isFinite else { throw args.invalid(finetuneL2, "finetune(): l2 must be a finite number ≥ 0") }
        return .object(ModelValue(try tune(model, x, y, o, finetuneTuning, args, context)))
    }

    /// The parameters fit_logistic and fit_mlp take to fine-tune for forecastability after
    /// their usual fit.
    static let fitParameters = fitTuning.parameters + partitionParameters + declare(smoothing)

    /// Fine-tunes a freshly fitted model when forecastability= asks for it.
    static func afterFit(_ model: Model, _ x: Matrix, _ y: [Int], l2: Double, seed: UInt64, pool: ParameterKey<FeatureInput>, _ args: Arguments, _ context: EvaluationContext) throws -> Model {
        guard try args[fitTuning.lambda] != 0 else { return model }
        var o = try options(args, rows: x.rows, pool: pool, tuning: fitTuning, seed: seed)
        o.l2 = l2
        return try tune(model, x, y, o, fitTuning, args, context)
    }

    /// Runs the fine-tuning, turning its problems into messages at the call.
    static func tune(_ model: Model, _ x: Matrix, _ y: [Int], _ o: Finetuning.Options, _ tuning: Tuning, _ args: Arguments, _ context: EvaluationContext) throws -> Model {
        try context.checkSize(Double(o.partitions) * Double(o.m + o.n) + Double(x.count) * 3, at: try args.range(partitions), what: "partitions and activations")
        let result: Finetuning.Result
        do {
            result = try Finetuning.finetune(model, x: x, labels: y, options: o, progress: context.progress)
        } catch Finetuning.Problem.diverged(let step) {
            let lr = tuning.learningRate.name
            throw args.invalid(tuning.learningRate, "\(args.builtin.name)(): the training diverged at step \(step) of \(o.steps) (the loss or its gradient stopped being finite); lower \(lr)= (now \(NumberFormat.short(o.learningRate))) or forecastability= (now \(NumberFormat.short(o.lambda)))")
        }
        if o.lambda > 0, result.forecastability.allSatisfy({ !$0.isFinite }) {
            context.emit("note: \(args.builtin.name)(): no partition had a falling tail at any step, so only the cross-entropy was minimised\n")
        }
        return result.model
    }
}
