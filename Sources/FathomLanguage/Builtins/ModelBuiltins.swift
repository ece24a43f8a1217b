import FathomCore

/// Fitting and applying classifiers.
enum ModelBuiltins {
    static var all: [Builtin] { [fitLogistic, fitMLP, finetune, predict, logits] }

    static var finetune: Builtin { ForecastabilityBuiltins.finetune }

    /// Refuses NaN and infinities in features, naming the first.
    static func checkFinite(_ x: Matrix, _ names: [String]?, _ args: Arguments, _ name: String) throws {
        if let k = x.storage.firstIndex(where: { !$0.isFinite }) {
            let (i, j) = (k / max(1, x.cols), k % max(1, x.cols))
            let column = names.map { "column '\($0[j])'" } ?? "column \(j)"
            throw args.invalid(name, "\(args.builtin.name)(): \(name) has a missing or infinite value at row \(i), \(column)", notes: ["drop_missing(t) removes rows with missing values"])
        }
        if x.rows == 0 { throw args.invalid(name, "\(args.builtin.name)(): \(name) has no rows") }
    }

    static let fitLogistic = Builtin(
        "fit_logistic", area: .models,
        parameters: [
            Parameter("X", "matrix or table", doc: "features, one row per example (a table's numeric columns)"),
            Parameter("y", "vector", doc: "class labels: whole numbers 0…K−1, or text"),
            Parameter("l2", "number", .value(.number(1e-4)), doc: "L2 penalty λ on the weights (not the intercepts)"),
            Parameter("standardize", "bool", .value(.bool(false)), doc: "scale each feature to mean 0 and sd 1 first (kept in the model)"),
        ] + ForecastabilityBuiltins.fitParameters + [Parameter("seed", "whole number", .value(.number(0)), doc: "seed of the fine-tuning partitions")],
        returns: "a model",
        summary: "softmax (multinomial logistic) regression",
        doc: "fit_logistic(X, y, l2=λ) minimises (1/N)·Σ −log p(yᵢ|xᵢ) + (λ/2)·‖W‖² by L-BFGS to a gradient below 1e-10: multinomial softmax regression for K > 2 classes, binary logistic regression for two. This is scikit-learn's LogisticRegression(C = 1/(λ·N)): its predicted probabilities agree to 1e-6 in Fathom's tests. Text labels become classes in sorted order.",
        examples: ["d = load(\"digits/train\"); m = fit_logistic(select(d, \"pixel_*\"), d.label, l2=0.01)"]
    ) { args, context in
        let (x, names) = try args.features("X")
        try checkFinite(x, names, args, "X")
        let (y, classes) = try args.labels("y", count: x.rows)
        guard let first = y.first, y.contains(where: { $0 != first }) else { throw args.invalid("y", "fit_logistic() needs at least two classes; every label is the same") }
        let l2 = try args.number("l2")
        guard l2 >= 0, l2.isFinite else { throw args.invalid("l2", "fit_logistic(): l2 must be a finite number ≥ 0, got \(NumberFormat.short(l2))") }
        var fit = try LogisticRegression.fit(x, labels: y, classes: classes.count, l2: l2, standardize: try args.bool("standardize"))
        fit.model.classes = classes
        fit.model.features = names
        if !fit.converged {
            context.emit("note: fit_logistic() stopped after \(fit.iterations) iterations before converging; a larger l2 helps when classes are separable\n")
        }
        let model = try ForecastabilityBuiltins.afterFit(fit.model, x, y, l2: l2, seed: UInt64(try args.wholeNumber("seed", atLeast: 0)), args, context)
        return .object(ModelValue(model))
    }

    static let fitMLP = Builtin(
        "fit_mlp", area: .models,
        parameters: [
            Parameter("X", "matrix or table", doc: "features, one row per example"),
            Parameter("y", "vector", doc: "class labels"),
            Parameter("hidden", "vector", .value(.numbers([64])), doc: "hidden layer sizes"),
            Parameter("epochs", "whole number", .value(.number(100)), doc: "passes over the data"),
            Parameter("lr", "number", .value(.number(0.001)), doc: "Adam learning rate"),
            Parameter("batch", "whole number", .value(.number(64)), doc: "minibatch size"),
            Parameter("l2", "number", .value(.number(1e-4)), doc: "L2 penalty on the weights"),
            Parameter("activation", "string", .value(.string("relu")), doc: "\"relu\", \"tanh\" or \"logistic\""),
            Parameter("standardize", "bool", .value(.bool(true)), doc: "scale each feature to mean 0 and sd 1 first"),
            Parameter("seed", "whole number", .value(.number(0)), doc: "seed of the initial weights, the minibatch order and the fine-tuning partitions"),
        ] + ForecastabilityBuiltins.fitParameters,
        returns: "a model",
        summary: "a small dense neural network",
        doc: "fit_mlp(X, y) trains a dense network (hidden layers with relu, tanh or logistic units, a softmax output) by minibatch Adam on the mean cross-entropy plus (l2/2)·Σ‖W‖². The same seed gives the same network. Shows progress on a terminal; Ctrl-C stops it.",
        examples: ["d = load(\"digits/train\"); m = fit_mlp(select(d, \"pixel_*\"), d.label, hidden=[32], epochs=20, seed=1)"]
    ) { args, context in
        let (x, names) = try args.features("X")
        try checkFinite(x, names, args, "X")
        let (y, classes) = try args.labels("y", count: x.rows)
        guard let first = y.first, y.contains(where: { $0 != first }) else { throw args.invalid("y", "fit_mlp() needs at least two classes; every label is the same") }
        var options = MLPTraining.Options()
        let hidden = try args.vector("hidden")
        guard !hidden.isEmpty, hidden.allSatisfy({ $0 >= 1 && $0 == $0.rounded() && $0 <= 100_000 }) else {
            throw args.invalid("hidden", "fit_mlp(): hidden must list layer sizes, whole numbers ≥ 1, such as [64] or [128, 64]")
        }
        options.hidden = hidden.map { Int($0) }
        options.epochs = try args.wholeNumber("epochs", atLeast: 1, atMost: 1_000_000)
        options.learningRate = try args.number("lr")
        options.batchSize = try args.wholeNumber("batch", atLeast: 1)
        options.l2 = try args.number("l2")
        let act = try args.choice("activation", ["relu", "tanh", "logistic"])
        options.activation = Model.Activation(rawValue: act)!
        options.standardize = try args.bool("standardize")
        options.seed = UInt64(try args.wholeNumber("seed", atLeast: 0))
        guard options.learningRate > 0, options.learningRate.isFinite else { throw args.invalid("lr", "fit_mlp(): lr must be positive") }
        let parameters = zip([x.cols] + options.hidden, options.hidden + [classes.count]).reduce(0.0) { $0 + Double($1.0 * $1.1 + $1.1) }
        try context.checkSize(parameters * 4, at: args.range("hidden"), what: "weights and optimiser moments")
        var fit = try MLPTraining.fit(x, labels: y, classes: classes.count, options: options, progress: context.progress)
        fit.model.classes = classes
        fit.model.features = names
        return .object(ModelValue(try ForecastabilityBuiltins.afterFit(fit.model, x, y, l2: options.l2, seed: options.seed, args, context)))
    }

    /// The model argument and the feature matrix for it (a table's columns picked by the
    /// model's feature names when it has them).
    static func modelAndInputs(_ args: Arguments) throws -> (Model, Matrix) {
        guard case .object(let o) = try args.required("model"), let mv = o as? ModelValue else {
            throw args.mismatch("model", expected: "a model (from fit_logistic, fit_mlp or load)")
        }
        let model = mv.model
        var x: Matrix
        if case .table(let t) = try args.required("X"), let features = model.features, features.allSatisfy({ t.index(of: $0) != nil }) {
            guard case .success(let m) = t.selectingColumns(features.map { t.index(of: $0)! }).numericMatrix() else {
                throw args.invalid("X", "\(args.builtin.name)(): the model's feature columns must be numeric")
            }
            x = m
        } else if case .vector(.numbers(let v)) = try args.required("X"), v.count == model.inputCount {
            x = Matrix(rows: 1, cols: v.count, storage: v)
        } else {
            x = try args.features("X").matrix
        }
        guard x.cols == model.inputCount else {
            var notes: [String] = []
            if case .table = try args.required("X"), model.features == nil {
                notes.append("the model was fitted on a matrix and has no feature names: pass the same columns, e.g. select(t, \"pixel_*\")")
            }
            throw args.invalid("X", "\(args.builtin.name)(): the model takes \(model.inputCount) features per row, X has \(x.cols)", notes: notes)
        }
        try checkFinite(x, model.features, args, "X")
        return (model, x)
    }

    static let predict = Builtin(
        "predict", area: .models,
        parameters: [Parameter("model", "model", doc: "the classifier"), Parameter("X", "matrix, table or vector", doc: "features, one row per example")],
        returns: "an N×K matrix of class probabilities",
        summary: "class probabilities",
        doc: "predict(model, X) is softmax(logits(model, X)): one row of K probabilities per example. A table supplies the columns the model was trained on, by name.",
        examples: ["m = load(\"digits/softmax.json\"); p = predict(m, select(load(\"digits/test\"), \"pixel_*\"))"]
    ) { args, _ in
        let (model, x) = try modelAndInputs(args)
        return .matrix(try model.probabilities(x).named(ModelValue.textClasses(model)))
    }

    static let logits = Builtin(
        "logits", area: .models,
        parameters: [Parameter("model", "model", doc: "the classifier"), Parameter("X", "matrix, table or vector", doc: "features, one row per example")],
        returns: "an N×K matrix of logits",
        summary: "the model's scores before softmax",
        doc: "logits(model, X) is the last layer's output for each row: the scores whose softmax are the probabilities. Recalibration (temperature scaling) works on these.",
        examples: ["m = load(\"digits/mlp.json\"); z = logits(m, select(load(\"digits/test\"), \"pixel_*\"))"]
    ) { args, _ in
        let (model, x) = try modelAndInputs(args)
        return .matrix(try model.logits(x).named(ModelValue.textClasses(model)))
    }
}
