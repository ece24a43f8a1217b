import FathomCore

/// The training experiment: fine-tuning for forecastable failures against its baselines, over
/// several random splits of the pool.
enum ExperimentBuiltins {
    static var all: [Builtin] { [trainingExperiment] }

    static let groups = ParameterKey(Parameter("groups", "vector", doc: "the source of each pool row (near-duplicates share one): the pool is split by source, never within one")) { args, name -> Column in
        guard case .vector(let c) = try args.required(name) else { throw args.mismatch(name, expected: "a vector with the source group of each row") }
        return c
    }
    static let rare = ParameterKey(Parameter("rare", "vector", doc: "which rows belong to the rare mode (bools or 0/1): only the up-weighted baseline and the report use it")) { args, name -> [Bool] in
        switch try args.required(name) {
        case .vector(.bools(let b)): return b
        case .vector(.numbers(let v)) where v.allSatisfy({ $0 == 0 || $0 == 1 }): return v.map { $0 == 1 }
        default: throw args.mismatch(name, expected: "a vector of bools (or 0 and 1) marking the rare rows")
        }
    }
    static let lambdas: ParameterKey<[Double]> = .numbers("lambdas", .value(.numbers([0.01, 0.03, 0.1])), doc: "the λ values to try; each seed keeps the one with the smallest forecastability loss on the validation third")
    static let seeds: ParameterKey<Int> = .wholeNumber("seeds", default: 5, atLeast: 2, atMost: 100, doc: "random splits of the pool (each also seeds the fine-tuning's partitions)")
    static let tuneSeeds: ParameterKey<Int> = .wholeNumber("tune_seeds", default: 1, atLeast: 1, atMost: 100, doc: "fine-tuning seeds per split (the seed of the training partitions and batches; the split and the judging partitions stay): tells the fine-tuning's own randomness from the splits'")
    static let batch: ParameterKey<Int?> = .optionalWholeNumber("batch", absent: "the whole tuning third", atLeast: 1, atMost: Int(Int32.max),
                                                                doc: "rows per Adam step of every fine-tuning, drawn afresh at each step (finetune's batch=); m + n ≤ batch ≤ the smallest tuning third")
    static let upweight: ParameterKey<Int> = .wholeNumber("upweight", default: 20, atLeast: 1, atMost: 10_000, doc: "extra copies of the tuning third's rare rows for the up-weighted baseline")
    static let evaluation: ParameterKey<Int> = .wholeNumber("m", default: 500, atLeast: 3, atMost: Int(Int32.max), doc: "evaluation queries per partition (training and judging)")
    static let deployment: ParameterKey<Int> = .wholeNumber("n", default: 5000, atLeast: 1, atMost: Int(Int32.max), doc: "deployment queries per partition (training and judging)")
    static let steps: ParameterKey<Int> = .wholeNumber("steps", default: 200, atLeast: 1, atMost: 1_000_000, doc: "Adam steps of each fine-tuning")
    static let rate: ParameterKey<Double> = .number("lr", .value(.number(0.002)), doc: "Adam's learning rate", where: { $0 > 0 && $0.isFinite },
                                                    otherwise: { f, x in "\(f)(): lr must be a finite number > 0; got \(NumberFormat.short(x))" })
    static let judge: ParameterKey<Int> = .wholeNumber("judge", default: 200, atLeast: 10, atMost: 100_000, doc: "partitions of the validation and held-out thirds each model is judged on")

    static let trainingExperiment = Builtin(
        "training_experiment", area: .models,
        parameters: declare(ForecastabilityBuiltins.tunedModel, ForecastabilityBuiltins.trainingPool, ForecastabilityBuiltins.trainingLabels, groups, rare,
                            lambdas, seeds, tuneSeeds, upweight, evaluation, deployment, ForecastabilityBuiltins.tailSize, ForecastabilityBuiltins.partitions,
                            ForecastabilityBuiltins.scale, ForecastabilityBuiltins.smoothing, batch, steps, rate, judge),
        returns: "an experiment: table (method, metric, mean, lower, upper over splits; tune_sd with tune_seeds > 1), runs (per split, fine-tuning seed and method), lambdas, temperatures, meaning; plot() draws under- and over-prediction per method",
        summary: "fine-tuning for forecastability against its baselines, over seeds",
        doc: "training_experiment(model, X, y, groups, rare) asks whether fine-tuning for forecastable failures buys anything its baselines do not. Each seed splits the pool's source groups at random into thirds: it fine-tunes on the first, chooses λ (of lambdas) by the forecastability loss on the second, and judges on the third, over the same held-out partitions for every method: base (the model as given), plain (fine-tuned, λ = 0), temperature (plain with the temperature whose validation ECE matches the chosen λ model's: is the λ model just more or less confident?), upweighted (plain fine-tuning with the rare tuning rows repeated upweight more times: the supervised baseline) and forecastability (the chosen λ). The metrics: the forecast error F − T split into under-prediction (mean of max(0, T − F)) and over-prediction (mean of max(0, F − T)) and their sum, mean |error|; the failure rate on ordinary rows; top-label ECE (15 bins); the rare rows' mean failure probability. table gives each metric's mean over splits with a 95% t-interval. tune_seeds=R fine-tunes every split again under R fine-tuning seeds (the random training partitions and batches; the split and the judging partitions stay): each split counts once, averaged over its R runs, and tune_sd says how much the fine-tuning's own randomness moved each metric within a split (full-batch plain and up-weighted fine-tuning draw nothing at random, so they are trained once per split unless batch= is given). smooth=τ trains every λ model against the smooth maximum, batch=B fine-tunes every model on B rows per step. Progress shows on a terminal; Ctrl-C stops it.",
        examples: [
            "d = load(\"digits-rare/train\"); pool = load(\"digits-rare/pool\"); base = fit_logistic(select(d, \"pixel_*\"), d.label, l2=0.01, standardize=true)",
            "e = training_experiment(base, select(pool, \"pixel_*\"), pool.label, pool.image, pool.rare, seeds=2, lambdas=[0.03], steps=20, scale=\"score\"); e.meaning",
        ]
    ) { args, context in
        let model = try args[ForecastabilityBuiltins.tunedModel]
        let (x, y) = try ForecastabilityBuiltins.modelData(args, model, ForecastabilityBuiltins.trainingPool, ForecastabilityBuiltins.trainingLabels)
        let g = try args[groups], r = try args[rare]
        guard g.count == x.rows else { throw args.invalid(groups, "training_experiment(): groups has \(NumberFormat.count(g.count, "value")) but X has \(NumberFormat.count(x.rows, "row")); give each row its source") }
        guard r.count == x.rows else { throw args.invalid(rare, "training_experiment(): rare has \(NumberFormat.count(r.count, "value")) but X has \(NumberFormat.count(x.rows, "row"))") }
        let found = TableOperations.groups(g)
        guard found.count >= 3 else { throw args.invalid(groups, "training_experiment(): the pool has \(NumberFormat.count(found.count, "source group")); splitting it into thirds needs at least 3") }
        var codes = [Int](repeating: 0, count: x.rows)
        for (c, group) in found.enumerated() { for i in group.rows { codes[i] = c } }
        var setup = TrainingExperiment.Setup()
        setup.lambdas = try args[lambdas]
        if let bad = setup.lambdas.first(where: { !($0 > 0 && $0.isFinite) }) { throw args.invalid(lambdas, "training_experiment(): every λ must be a finite number > 0 (plain fine-tuning, λ = 0, is always run); got \(NumberFormat.short(bad))") }
        guard !setup.lambdas.isEmpty else { throw args.invalid(lambdas, "training_experiment(): lambdas is empty; give at least one λ > 0") }
        setup.seeds = try args[seeds]
        setup.tuneSeeds = try args[tuneSeeds]
        setup.upweight = try args[upweight]
        setup.judgePartitions = try args[judge]
        var o = Finetuning.Options()
        o.m = try args[evaluation]
        o.n = try args[deployment]
        o.k = try args[ForecastabilityBuiltins.tailSize]
        guard o.k < o.m else { throw args.invalid(evaluation, "training_experiment(): m = \(o.m) must exceed k = \(o.k), the tail the forecast is fitted to") }
        o.partitions = try args[ForecastabilityBuiltins.partitions]
        o.scale = try args[ForecastabilityBuiltins.scale]
        o.smoothing = try args[ForecastabilityBuiltins.smoothing]
        o.batch = try args[batch]
        o.steps = try args[steps]
        o.learningRate = try args[rate]
        if case .object(let info)? = model.training, case .number(let v)? = info.first(where: { $0.0 == "l2" })?.1 { o.l2 = v }
        setup.options = o
        // The smallest third any seed could make must hold m + n rows.
        let smallest = (1...setup.seeds).map { s in TrainingExperiment.thirds(groups: codes, groupCount: found.count, seed: UInt64(s)).map(\.count).min() ?? 0 }.min() ?? 0
        guard o.m + o.n <= smallest else {
            throw args.invalid(deployment, "training_experiment(): m + n = \(o.m + o.n) is more than the smallest third of the pool (\(NumberFormat.count(smallest, "row"))); each third must hold a partition")
        }
        if let b = o.batch {
            guard b >= o.m + o.n else {
                throw args.invalid(batch, "training_experiment(): batch = \(b) is less than m + n = \(o.m + o.n); each step draws its partitions from the rows of its batch")
            }
            guard b <= smallest else {
                throw args.invalid(batch, "training_experiment(): batch = \(b) is more than the smallest third of the pool (\(NumberFormat.count(smallest, "row"))); a batch is drawn without replacement from the tuning third")
            }
        }
        let runs: [TrainingExperiment.Run]
        do {
            runs = try TrainingExperiment.run(base: model, x: x, labels: y, groups: codes, groupCount: found.count, rare: r, setup: setup, progress: context.progress)
        } catch Finetuning.Problem.diverged(let step) {
            throw Diagnostic("argument.value", "training_experiment(): a fine-tuning diverged at step \(step); try a smaller lr", at: args.callRange)
        }
        return .object(ExperimentValue(runs: runs, setup: setup))
    }
}
