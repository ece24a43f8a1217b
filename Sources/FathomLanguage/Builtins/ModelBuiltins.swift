import FathomCore

/// Fitting and applying classifiers.
enum ModelBuiltins {
    static var all: [Builtin] { [fitLogistic, fitMLP, finetune, predict, logits] }

    static var finetune: Builtin { ForecastabilityBuiltins.finetune }

    /// Refuses NaN and infinities in the features of `key`, naming the first.
    static func checkFinite(_ x: Matrix, _ names: [String]?, _ args: Arguments, _ key: ParameterKey<FeatureInput>) throws {
        if let k = x.storage.firstIndex(where: { !$0.isFinite }) {
            let (i, j) = (k / max(1, x.cols), k % max(1, x.cols))
            let column = names.map { "column '\($0[j])'" } ?? "column \(j)"
            throw args.invalid(key, "\(args.builtin.name)(): \(key.name) has a missing or infinite value at row \(i), \(column)", notes: ["drop_missing(t) removes rows with missing values"])
        }
        if x.rows == 0 { throw args.invalid(key, "\(args.builtin.name)(): \(key.name) has no rows") }
    }

    /// The seed of fit_logistic and fit_mlp, which also seeds their fine-tuning partitions.
    static func fitSeed(_ doc: String) -> ParameterKey<UInt64> { ForecastabilityBuiltins.partitionSeed.documented(doc) }

    static let logisticFeatures: ParameterKey<FeatureInput> = .features("X", doc: "features, one row per example (a table's numeric columns)")
    static let logisticLabels: ParameterKey<TrainingLabels> = .trainingLabels("y", doc: "class labels: whole numbers 0…K−1, or text")
    static let logisticL2: ParameterKey<Double> = .number("l2", .value(.number(1e-4)), doc: "L2 penalty λ on the weights (not the intercepts)", where: { $0 >= 0 && $0.isFinite },
                                                          otherwise: { f, l2 in "\(f)(): l2 must be a finite number ≥ 0, got \(NumberFormat.short(l2))" })
    static let logisticStandardize: ParameterKey<Bool> = .bool("standardize", default: false, doc: "scale each feature to mean 0 and sd 1 first (kept in the model)")
    static let logisticSeed = fitSeed("seed of the fine-tuning partitions")

    static let fitLogistic = Builtin(
        "fit_logistic", area: .models,
        parameters: declare(logisticFeatures, logisticLabels, logisticL2, logisticStandardize) + ForecastabilityBuiltins.fitParameters + declare(logisticSeed),
        returns: "a model",
        summary: "softmax (multinomial logistic) regression",
        doc: "fit_logistic(X, y, l2=λ) minimises (1/N)·Σ −log p(yᵢ|xᵢ) + (λ/2)·‖W‖² by L-BFGS to a gradient below 1e-10: multinomial softmax regression for K > 2 classes, binary logistic regression for two. This is scikit-learn's LogisticRegression(C = 1/(λ·N)): its predicted probabilities agree to 1e-6 in Fathom's tests. Text labels become classes in sorted order.",
        examples: ["d = load(\"digits/train\"); m = fit_logistic(select(d, \"pixel_*\"), d.label, l2=0.01)"]
    ) { args, context in
        let (x, names) = try args[logisticFeatures]
        try checkFinite(x, names, args, logisticFeatures)
        let (y, classes) = try args.labels(logisticLabels, count: x.rows)
        guard let first = y.first, y.contains(where: { $0 != first }) else { throw args.invalid(logisticLabels, "fit_logistic() needs at least two classes; every label is the same") }
        let l2 = try args[logisticL2]
        var fit = try LogisticRegression.fit(x, labels: y, classes: classes.count, l2: l2, standardize: try args[logisticStandardize])
        fit.model.classes = classes
        fit.model.features = names
        if !fit.converged {
            context.emit("note: fit_logistic() stopped after \(fit.iterations) iterations before converging; a larger l2 helps when classes are separable\n")
        }
        let model = try ForecastabilityBuiltins.afterFit(fit.model, x, y, l2: l2, seed: try args[logisticSeed], pool: logisticFeatures, args, context)
        return .object(ModelValue(model))
    }

    static let mlpFeatures: ParameterKey<FeatureInput> = .features("X", doc: "features, one row per example")
    static let mlpLabels: ParameterKey<TrainingLabels> = .trainingLabels("y", doc: "class labels")
    static let hidden = ParameterKey(Parameter("hidden", "vector", .value(.numbers([64])), doc: "hidden layer sizes")) { args, name -> [Int] in
        let hidden = try args.vector(name)
        guard !hidden.isEmpty, hidden.allSatisfy({ $0 >= 1 && $0 == $0.rounded() && $0 <= 100_000 }) else {
            throw args.invalid(name, "fit_mlp(): hidden must list layer sizes, whole numbers ≥ 1, such as [64] or [128, 64]")
        }
        return hidden.map { Int($0) }
    }
    static let epochs: ParameterKey<Int> = .wholeNumber("epochs", default: 100, atLeast: 1, atMost: 1_000_000, doc: "passes over the data")
    static let learningRate: ParameterKey<Double> = .number("lr", .value(.number(0.001)), doc: "Adam learning rate")
    static let batch: ParameterKey<Int> = .wholeNumber("batch", default: 64, atLeast: 1, doc: "minibatch size")
    static let mlpL2: ParameterKey<Double> = .number("l2", .value(.number(1e-4)), doc: "L2 penalty on the weights")
    static let activation: ParameterKey<Model.Activation> = .choice("activation", [.relu, .tanh, .logistic], default: .relu, doc: "\"relu\", \"tanh\" or \"logistic\"")
    static let mlpStandardize: ParameterKey<Bool> = .bool("standardize", default: true, doc: "scale each feature to mean 0 and sd 1 first")
    static let mlpSeed = fitSeed("seed of the initial weights, the minibatch order and the fine-tuning partitions")

    static let fitMLP = Builtin(
        "fit_mlp", area: .models,
        parameters: declare(mlpFeatures, mlpLabels, hidden, epochs, learningRate, batch, mlpL2, activation, mlpStandardize, mlpSeed) + ForecastabilityBuiltins.fitParameters,
        returns: "a model",
        summary: "a small dense neural network",
        doc: "fit_mlp(X, y) trains a dense network (hidden layers with relu, tanh or logistic units, a softmax output) by minibatch Adam on the mean cross-entropy plus (l2/2)·Σ‖W‖². The same seed gives the same network. Shows progress on a terminal; Ctrl-C stops it.",
        examples: ["d = load(\"digits/train\"); m = fit_mlp(select(d, \"pixel_*\"), d.label, hidden=[32], epochs=20, seed=1)"]
    ) { args, context in
        let (x, names) = try args[mlpFeatures]
        try checkFinite(x, names, args, mlpFeatures)
        let (y, classes) = try args.labels(mlpLabels, count: x.rows)
        guard let first = y.first, y.contains(where: { $0 != first }) else { throw args.invalid(mlpLabels, "fit_mlp() needs at least two classes; every label is the same") }
        var options = MLPTraining.Options()
        options.hidden = try args[hidden]
        options.epochs = try args[epochs]
        options.learningRate = try args[learningRate]
        options.batchSize = try args[batch]
        options.l2 = try args[mlpL2]
        options.activation = try args[activation]
        options.standardize = try args[mlpStandardize]
        options.seed = try args[mlpSeed]
        guard options.learningRate > 0, options.learningRate.isFinite else { throw args.invalid(learningRate, "fit_mlp(): lr must be positive") }
        let parameters = zip([x.cols] + options.hidden, options.hidden + [classes.count]).reduce(0.0) { $0 + Double($1.0 * $1.1 + $1.1) }
        try context.checkSize(parameters * 4, at: try args.range(hidden), what: "weights and optimiser moments")
        var fit = try MLPTraining.fit(x, labels: y, classes: classes.count, options: options, progress: context.progress)
        fit.model.classes = classes
        fit.model.features = names
        return .object(ModelValue(try ForecastabilityBuiltins.afterFit(fit.model, x, y, l2: options.l2, seed: options.seed, pool: mlpFeatures, args, context)))
    }

    static let model: ParameterKey<Model> = .model(doc: "the classifier")
    static let examples: ParameterKey<FeatureInput> = .features("X", type: "matrix, table or vector", doc: "features, one row per example")

    /// The feature matrix of `key` for the model (a table's columns picked by the model's
    /// feature names when it has them).
    static func inputs(_ args: Arguments, for model: Model, _ key: ParameterKey<FeatureInput>) throws -> Matrix {
        var x: Matrix
        if case .table(let t) = try args.required(key), let features = model.features, features.allSatisfy({ t.index(of: $0) != nil }) {
            guard case .success(let m) = t.selectingColumns(features.map { t.index(of: $0)! }).numericMatrix() else {
                throw args.invalid(key, "\(args.builtin.name)(): the model's feature columns must be numeric")
            }
            x = m
        } else if case .vector(.numbers(let v)) = try args.required(key), v.count == model.inputCount {
            x = Matrix(rows: 1, cols: v.count, storage: v)
        } else {
            x = try args[key].matrix
        }
        guard x.cols == model.inputCount else {
            var notes: [String] = []
            if case .table = try args.required(key), model.features == nil {
                notes.append("the model was fitted on a matrix and has no feature names: pass the same columns, e.g. select(t, \"pixel_*\")")
            }
            throw args.invalid(key, "\(args.builtin.name)(): the model takes \(model.inputCount) features per row, X has \(x.cols)", notes: notes)
        }
        try checkFinite(x, model.features, args, key)
        return x
    }

    static let predict = Builtin(
        "predict", area: .models,
        parameters: declare(model, examples),
        returns: "an N×K matrix of class probabilities",
        summary: "class probabilities",
        doc: "predict(model, X) is softmax(logits(model, X)): one row of K probabilities per example. A table supplies the columns the model was trained on, by name.",
        examples: ["m = load(\"digits/softmax.json\"); p = predict(m, select(load(\"digits/test\"), \"pixel_*\"))"]
    ) { args, _ in
        let model = try args[model]
        let x = try inputs(args, for: model, examples)
        return .matrix(try model.probabilities(x).named(ModelValue.textClasses(model)))
    }

    static let logits = Builtin(
        "logits", area: .models,
        parameters: declare(model, examples),
        returns: "an N×K matrix of logits",
        summary: "the model's scores before softmax",
        doc: "logits(model, X) is the last layer's output for each row: the scores whose softmax are the probabilities. Recalibration (temperature scaling) works on these.",
        examples: ["m = load(\"digits/mlp.json\"); z = logits(m, select(load(\"digits/test\"), \"pixel_*\"))"]
    ) { args, _ in
        let model = try args[model]
        let x = try inputs(args, for: model, examples)
        return .matrix(try model.logits(x).named(ModelValue.textClasses(model)))
    }
}
