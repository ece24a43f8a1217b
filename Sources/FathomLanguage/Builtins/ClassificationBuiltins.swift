import FathomCore

/// Scores of a classifier's decisions and rankings: ROC and PR AUC, F1, the confusion matrix.
enum ClassificationBuiltins {
    static var all: [Builtin] { [auc, f1, confusion] }

    static let trueLabels: ParameterKey<ClassLabels> = .classLabels("y", doc: "true classes: whole numbers 0…K−1, booleans, or text (matched to the columns by name or classes=)")
    static let scores: ParameterKey<Value> = .value("scores", type: "vector or probabilities", doc: "a score per example, higher meaning more likely positive (any real numbers: probabilities, logits, monitor scores), or an N×K probability matrix")
    static let scoreProbabilities = scores.reading { args, name in try args.probabilities(name) }
    static let scoreVector = scores.reading { args, name in try args.vector(name) }
    static let curve: ParameterKey<String> = .choice("curve", ["roc", "pr"], default: "roc", doc: "\"roc\": area under the ROC curve; \"pr\": average precision, the area under the precision–recall curve")
    static let decision: ParameterKey<Value> = .value("p", type: "probabilities or predictions", doc: "an N×K probability matrix (the prediction is its most probable class) or a vector of predicted classes like y")
    static let decisionProbabilities = decision.reading { args, name in try args.probabilities(name) }
    static let averaging: ParameterKey<ConfusionMatrix.Average> = .choice("average", ConfusionMatrix.Average.allCases, default: .macro, doc: "\"macro\": mean of the per-class F1; \"micro\": F1 of the pooled counts (equals accuracy for single-label data); \"weighted\": per-class F1 weighted by class size; \"binary\": the F1 of class 1")

    /// Class names for display: with text labels, the classes they were matched to
    /// (classes= or the columns' names, as classLabels matched them), else 0…K−1.
    static func classNames(_ args: Arguments, classes: Int, columns: [String]? = nil) throws -> [String] {
        if case .vector(.strings(let s))? = try args.value(trueLabels),
           let names = try args.declaredClassNames(classes: classes) ?? columns.flatMap({ ClassNames.matching($0, labels: Set(s)) }) {
            return names
        }
        return (0..<classes).map(String.init)
    }

    // MARK: - auc

    static let auc = Builtin(
        "auc", area: .reliability,
        parameters: declare(scores, trueLabels, curve, ClassNames.parameter),
        returns: "a curve result: auc, the curve's points (fpr/tpr or recall/precision), thresholds, positives, negatives; plot() draws the curve",
        summary: "area under the ROC or precision–recall curve",
        doc: "auc(s, y) is the ROC AUC of scores s for binary labels y: the chance that a random positive scores above a random negative, ties counting half (scikit-learn's roc_auc_score, the trapezoidal area under roc_curve). curve=\"pr\" gives average precision AP = Σ (R_k − R_{k−1})·P_k over the thresholds (scikit-learn's average_precision_score: steps, not trapezoids, so it is not optimistic); a random ranking scores the base rate. Labels are 0/1, booleans (true positive) or text: with a score vector classes=[negative, positive] says which text is positive; with a probability matrix the columns' names (p_<class>) or classes= say which column is which class. For an N×2 probability matrix the score is P(y = 1); for N×K with K > 2 the result is the one-vs-rest macro average over the classes (roc_auc_score(multi_class=\"ovr\", average=\"macro\"), and average_precision_score's macro average), each class needing at least one example. The points run from the highest threshold (+Inf, where nothing is flagged) down; .table holds them. plot(r) draws the ROC curve with the chance diagonal, or the PR curve with the base-rate line.",
        examples: ["auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])", "b = load(\"breast-cancer/test-predictions\"); r = auc(b.p_naive_bayes, b.label); r.auc", "auc(b.p_naive_bayes, b.label, curve=\"pr\")"]
    ) { args, _ in
        let curve = try args[curve]
        let (perClass, names, binary) = try rankingInputs(args, curve: curve)
        let curves = perClass.map { scores, positive in
            curve == "roc" ? RankingCurves.roc(scores: scores, positive: positive) : RankingCurves.precisionRecall(scores: scores, positive: positive)
        }
        return .object(CurveValue(curve: curve, curves: curves, classNames: binary ? nil : names))
    }

    /// Per class (one for binary input): the scores and which examples are positive, with
    /// the classes' names and whether the input was binary.
    static func rankingInputs(_ args: Arguments, curve: String) throws -> (perClass: [([Double], [Bool])], names: [String], binary: Bool) {
        let what = curve == "roc" ? "ROC AUC" : "average precision"
        switch try args[scores] {
        case .matrix(let m):
            let (p, _) = try args[scoreProbabilities]
            guard p.cols >= 2 else { throw args.invalid(scores, "auc(): scores has \(m.cols) column; probabilities of K ≥ 2 classes have K columns") }
            let y = try args.classLabels(trueLabels, rows: p.rows, classes: p.cols, columns: p.columnNames, of: scores.name)
            let names = try classNames(args, classes: p.cols, columns: p.columnNames)
            if p.cols == 2 {
                let positive = y.map { $0 == 1 }
                try requireBoth(args, positive, curve: curve, what: what)
                return ([(p.column(1), positive)], names, true)
            }
            for k in 0..<p.cols where !y.contains(k) {
                throw args.invalid(trueLabels, "auc(): class \(names[k]) never occurs in y, so its one-vs-rest \(what) is undefined", notes: ["the macro average needs an example of each of the \(p.cols) classes"])
            }
            return ((0..<p.cols).map { k in (p.column(k), y.map { $0 == k }) }, names, false)
        case .vector(.numbers), .vector(.bools), .number:
            let s = try args[scoreVector]
            guard !s.isEmpty else { throw args.invalid(scores, "auc(): scores is empty; there is nothing to rank") }
            if let i = s.firstIndex(where: { !$0.isFinite }) {
                throw args.invalid(scores, "auc(): scores holds \(s[i].isNaN ? "a missing value (NaN)" : "an infinite value") at position \(i)", notes: ["drop those rows from both scores and y first"])
            }
            let y = try args.classLabels(trueLabels, rows: s.count, classes: 2, counted: "scores has \(s.count) value\(s.count == 1 ? "" : "s")", of: scores.name)
            let positive = y.map { $0 == 1 }
            try requireBoth(args, positive, curve: curve, what: what)
            return ([(s, positive)], try classNames(args, classes: 2), true)
        default:
            throw args.mismatch(scores, expected: "a vector of scores or an N×K probability matrix")
        }
    }

    static func requireBoth(_ args: Arguments, _ positive: [Bool], curve: String, what: String) throws {
        let p = positive.filter { $0 }.count
        if p == 0 { throw args.invalid(trueLabels, "auc(): y holds no positive (class 1); \(what) needs at least one") }
        if curve == "roc" && p == positive.count { throw args.invalid(trueLabels, "auc(): y holds no negative (class 0); ROC AUC needs both positives and negatives") }
    }

    // MARK: - f1 and confusion

    /// True and predicted classes as positions in `names`; `labels` are the classes present
    /// in either (scikit-learn averages over those).
    struct Decisions {
        var truth: [Int]
        var predicted: [Int]
        var names: [String]
        var present: [Int]
        var fromProbabilities: Bool
    }

    static func decisions(_ args: Arguments) throws -> Decisions {
        let f = args.builtin.name
        let x = try args[decision]
        if case .matrix = x {
            let (p, _) = try args[decisionProbabilities]
            let y = try args.classLabels(trueLabels, rows: p.rows, classes: p.cols, columns: p.columnNames, of: decision.name)
            let predicted = TopLabel(probabilities: p, labels: y).prediction
            let present = Array(Set(y).union(predicted)).sorted()
            return Decisions(truth: y, predicted: predicted, names: try classNames(args, classes: p.cols, columns: p.columnNames), present: present, fromProbabilities: true)
        }
        let yValue = try args.required(trueLabels)
        guard case .vector(let pc) = x else { throw args.mismatch(decision, expected: "an N×K probability matrix or a vector of predicted classes") }
        guard case .vector(let yc) = yValue else { throw args.mismatch(trueLabels, expected: "a vector of class labels") }
        guard pc.count == yc.count else { throw args.invalid(trueLabels, "\(f)(): y has \(yc.count) label\(yc.count == 1 ? "" : "s") but p has \(pc.count) prediction\(pc.count == 1 ? "" : "s")") }
        guard pc.count > 0 else { throw args.invalid(decision, "\(f)(): p and y are empty; there is nothing to score") }
        switch (pc, yc) {
        case (.strings(let p), .strings(let y)):
            let names = Array(Set(p).union(y)).sorted()
            let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
            return Decisions(truth: y.map { index[$0]! }, predicted: p.map { index[$0]! }, names: names, present: Array(names.indices), fromProbabilities: false)
        case (.strings, _), (_, .strings):
            throw args.invalid(decision, "\(f)(): \(pc.elementName == "string" ? "p holds text but y holds \(yc.elementName)s" : "p holds \(pc.elementName)s but y holds text"); predictions and labels must name classes the same way")
        default:
            let y = try wholeClasses(args, trueLabels, yc, what: "label")
            let p = try wholeClasses(args, decision, pc, what: "prediction")
            let k = max(y.max() ?? 0, p.max() ?? 0) + 1
            let present = Array(Set(y).union(p)).sorted()
            let booleans: Bool
            if case .bools = pc, case .bools = yc { booleans = true } else { booleans = false }
            let names = booleans ? ["false", "true"] : (0..<k).map(String.init)
            return Decisions(truth: y, predicted: p, names: names, present: present, fromProbabilities: false)
        }
    }

    /// Whole numbers ≥ 0 (booleans as 0 and 1), with a message for the first that is not.
    static func wholeClasses<T>(_ args: Arguments, _ key: ParameterKey<T>, _ c: Column, what: String) throws -> [Int] {
        switch c {
        case .bools(let b): return b.map { $0 ? 1 : 0 }
        case .numbers(let v):
            if let i = v.firstIndex(where: { !($0 >= 0 && $0 == $0.rounded() && $0 <= 1e6) }) {
                let shown = v[i].isNaN ? "missing (NaN)" : NumberFormat.short(v[i])
                throw args.invalid(key, "\(args.builtin.name)(): the \(what) at position \(i) is \(shown); classes are whole numbers 0, 1, …, K−1")
            }
            return v.map { Int($0) }
        case .strings: preconditionFailure("text handled by the caller")
        }
    }

    static let f1 = Builtin(
        "f1", area: .reliability,
        parameters: declare(decision, trueLabels, averaging, ClassNames.parameter),
        returns: "a number",
        summary: "F1 score (harmonic mean of precision and recall)",
        doc: "f1(p, y) scores decisions: for each class, F1 = 2·tp / (2·tp + fp + fn), the harmonic mean of its precision and recall, then averaged (scikit-learn's f1_score). The classes averaged over are those present in y or in the predictions, as scikit-learn; a class with no true and no predicted example scores 0. Given a probability matrix, the prediction is the most probable class (ties: the lowest). average=\"binary\" needs labels 0 and 1 (or booleans) and scores class 1.",
        examples: ["f1([0, 1, 1, 0, 1], [0, 1, 0, 0, 1])", "f1([0, 1, 1, 0, 1], [0, 1, 0, 0, 1], average=\"binary\")", "z = load(\"digits/mlp-test\"); f1(softmax(select(z, \"logit_*\")), z.label, average=\"weighted\")"]
    ) { args, _ in
        let average = try args[averaging]
        let d = try decisions(args)
        if average == .binary, let bad = d.present.first(where: { $0 > 1 }) {
            throw args.invalid(averaging, "f1(): average=\"binary\" scores class 1 against class 0, but class \(d.names[bad]) occurs too", notes: ["for several classes use average=\"macro\", \"micro\" or \"weighted\""])
        }
        if average == .binary, !d.fromProbabilities, case .vector(.strings)? = try args.value(trueLabels) {
            throw args.invalid(averaging, "f1(): average=\"binary\" needs labels 0 and 1 (or booleans) to know which class is positive; y holds text", notes: ["compare with the positive class: f1(p == \"yes\", y == \"yes\", average=\"binary\")"])
        }
        let m = ConfusionMatrix(truth: d.truth, predicted: d.predicted, classes: d.names.count)
        return .number(m.f1(average: average, labels: d.present))
    }

    static let confusion = Builtin(
        "confusion", area: .reliability,
        parameters: declare(decision, trueLabels, ClassNames.parameter),
        returns: "a confusion result: .matrix (counts), .normalized (each row divided by its sum), .classes, .table; plot() draws a heat map",
        summary: "confusion matrix: true class against predicted class",
        doc: "confusion(p, y) counts the examples of each true class (rows) predicted as each class (columns), as scikit-learn's confusion_matrix. With a probability matrix the prediction is the most probable class and all K classes are shown; with vectors, the classes present in y or in the predictions. .normalized divides each row by its total (confusion_matrix(normalize=\"true\")): the diagonal is each class's recall; a class without examples has a row of zeros. plot(c) draws the matrix as a heat map with the counts written in the cells.",
        examples: ["confusion([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 1])", "z = load(\"digits/mlp-test\"); c = confusion(softmax(select(z, \"logit_*\")), z.label); c.normalized"]
    ) { args, _ in
        var d = try decisions(args)
        if !d.fromProbabilities {
            // Only the classes that occur, renumbered in order (scikit-learn's labels).
            let position = Dictionary(uniqueKeysWithValues: d.present.enumerated().map { ($1, $0) })
            d.truth = d.truth.map { position[$0]! }
            d.predicted = d.predicted.map { position[$0]! }
            d.names = d.present.map { d.names[$0] }
        }
        return .object(ConfusionValue(matrix: ConfusionMatrix(truth: d.truth, predicted: d.predicted, classes: d.names.count), classNames: d.names))
    }
}
