import FathomCore

/// The model's signals of doubt, and deciding when to defer.
enum MonitorBuiltins {
    static var all: [Builtin] { [confidence, margin, entropy, riskCoverage, selectThreshold] }

    static let probabilities: ParameterKey<ProbabilityInput> = .probabilities("p", doc: "an N×K matrix, or a vector of P(y = 1)")
    static let score = ParameterKey(Parameter("score", "vector", doc: "a confidence score per example: higher means surer (confidence, margin, -entropy)")) { args, name -> [Double] in
        let s = try args.vector(name)
        guard !s.isEmpty else { throw args.invalid(name, "\(args.builtin.name)(): score is empty") }
        if let i = s.firstIndex(where: { $0.isNaN }) { throw args.invalid(name, "\(args.builtin.name)(): score \(i) is NaN") }
        return s
    }
    static let correct = ParameterKey(Parameter("correct", "vector of bools", doc: "whether each prediction was right, e.g. argmax(p) == y")) { args, name -> [Double] in
        switch try args.required(name) {
        case .vector(.bools(let b)): return b.map { $0 ? 1 : 0 }
        case .vector(.numbers(let v)) where v.allSatisfy({ $0 == 0 || $0 == 1 }): return v
        default: throw args.mismatch(name, expected: "a vector of bools (or 0s and 1s): whether each prediction was right")
        }
    }
    static let risk: ParameterKey<Double> = .number("risk", doc: "the target risk r*: the highest error rate acceptable among answered examples")
    static let delta: ParameterKey<Double> = .number("delta", .value(.number(0.05)), doc: "the chance the guarantee may fail: it holds with probability 1 − δ")

    static func monitor(_ name: String, _ summary: String, _ doc: String, _ f: @escaping @Sendable (Matrix) -> [Double]) -> Builtin {
        Builtin(name, area: .monitors, parameters: declare(probabilities),
                returns: "a vector, one score per example", summary: summary, doc: doc,
                examples: ["z = load(\"digits/mlp-test\"); \(name)(softmax(select(z, \"logit_*\")))[0:5]"]) { args, _ in
            .numbers(f(try args[probabilities].matrix))
        }
    }

    static let confidence = monitor("confidence", "the largest class probability", "confidence(p) is maxₖ p_ik per example: how sure the model says it is of its prediction.", Monitors.confidence)
    static let margin = monitor("margin", "largest minus second-largest probability", "margin(p) is p₍₁₎ − p₍₂₎ per example: how far the prediction is from a tie.", Monitors.margin)
    static let entropy = monitor("entropy", "entropy of the predicted distribution", "entropy(p) = −Σₖ p_ik ln p_ik per example (0·ln 0 = 0), in nats: 0 when certain, ln K when uniform. Use -entropy(p) as a confidence score.", Monitors.entropy)

    /// A score per example and correctness per example, of equal length.
    static func scoreAndCorrect(_ args: Arguments) throws -> ([Double], [Double]) {
        let s = try args[score]
        let c = try args[correct]
        guard c.count == s.count else { throw args.invalid(correct, "\(args.builtin.name)(): \(s.count) scores but \(c.count) correctness values") }
        return (s, c)
    }

    static let pairParameters = declare(score, correct)

    static let riskCoverage = Builtin(
        "risk_coverage", area: .monitors, parameters: pairParameters,
        returns: "a risk–coverage result: the curve as a table, with AURC; plot() draws it",
        summary: "error rate when answering only the surest examples",
        doc: "risk_coverage(score, correct) orders the examples from the highest score down (ties keep their order) and gives, for each coverage j/N, the error rate among the first j: the risk of answering only the surest j and deferring the rest. AURC, the mean of those N risks (the area under the curve), is lower for a better monitor.",
        examples: ["z = load(\"digits/mlp-test\"); p = softmax(select(z, \"logit_*\")); rc = risk_coverage(confidence(p), argmax(p) == z.label); rc.aurc"]
    ) { args, _ in
        let (s, c) = try scoreAndCorrect(args)
        let r = SelectivePrediction.riskCoverage(score: s, correct: c)
        return .object(RiskCoverageValue(coverage: r.coverage, risk: r.risk, aurc: r.aurc, scores: Descriptive.sorted(s, descending: true)))
    }

    static let selectThreshold = Builtin(
        "select_threshold", area: .monitors,
        parameters: pairParameters + declare(risk, delta),
        returns: "a record: threshold, coverage, risk, bound, answered, deferred",
        summary: "a deferral threshold with guaranteed risk",
        doc: "select_threshold(score, correct, risk=r, delta=d) is Geifman & El-Yaniv's selection with guaranteed risk (2017): a binary search over ⌈log₂ N⌉ thresholds for the lowest one whose one-sided Clopper–Pearson bound on the error rate of the answered examples, at level d/⌈log₂ N⌉, stays below r. Answer when score ≥ threshold, defer otherwise: with probability at least 1 − d the risk on new data from the same distribution is below r.",
        examples: ["z = load(\"digits/mlp-test\"); p = softmax(select(z, \"logit_*\")); select_threshold(confidence(p), argmax(p) == z.label, risk=0.05, delta=0.05)"]
    ) { args, _ in
        let (s, c) = try scoreAndCorrect(args)
        let r = try args[risk], d = try args[delta]
        guard r > 0, r < 1 else { throw args.invalid(risk, "select_threshold(): risk is a target error rate in (0, 1), got \(NumberFormat.short(r))") }
        guard d > 0, d < 1 else { throw args.invalid(delta, "select_threshold(): delta is a failure probability in (0, 1), got \(NumberFormat.short(d))") }
        guard let g = SelectivePrediction.guaranteedRisk(score: s, correct: c, targetRisk: r, delta: d) else {
            throw Diagnostic("select.none", "select_threshold(): no threshold guarantees risk below \(NumberFormat.short(r)) with probability \(NumberFormat.short(1 - d)) on these \(s.count) examples", at: try args.range(risk),
                             notes: ["a larger target risk, a larger delta, or more held-out examples would help"])
        }
        return .record(Record([
            ("threshold", .number(g.threshold)), ("coverage", .number(g.coverage)), ("risk", .number(g.risk)),
            ("bound", .number(g.bound)), ("answered", .number(Double(g.answered))), ("deferred", .number(Double(s.count - g.answered))),
        ]))
    }
}
