import FathomCore

/// Conformal prediction sets and conformal risk control: sets of classes with a coverage
/// guarantee that needs no assumption beyond exchangeability.
enum ConformalBuiltins {
    static var all: [Builtin] { [conformal, riskControl] }

    static let calibration: ParameterKey<ProbabilityInput> = .probabilities("p_cal", doc: "the model's probabilities on labelled calibration rows, held out from training (N×K, or a vector of P(y = 1))")
    static let calibrationLabels: ParameterKey<ClassLabels> = .classLabels("y_cal", doc: "their true classes")
    static let test: ParameterKey<ProbabilityInput> = .probabilities("p_test", doc: "its probabilities on the rows to predict sets for")
    static let testLabels: ParameterKey<ClassLabels> = .classLabels("y_test", .absent("unlabelled test rows"), doc: "the test rows' true classes, to measure coverage")
    static let alpha: ParameterKey<Double> = .number("alpha", .value(.number(0.1)), doc: "the miscoverage allowed: sets hold the true class with probability at least 1 − α",
                                                     where: { $0 > 0 && $0 < 1 }, otherwise: { f, x in "\(f)(): alpha is the miscoverage allowed, in (0, 1); got \(NumberFormat.short(x))" })
    static let score: ParameterKey<ConformalPrediction.Score> = .choice("score", ConformalPrediction.Score.allCases, default: .lac,
                                                                        doc: "\"lac\" (1 − p̂(y): smallest sets, may be empty) or \"aps\" (adaptive prediction sets: the mass ranked at or above y; sets grow with uncertainty)")
    static let randomized: ParameterKey<Bool> = .bool("randomized", default: true, doc: "APS: randomise the calibration scores (u·p̂(y) taken off, u uniform, as MAPIE does) for coverage close to 1 − α; false keeps the conservative score")
    static let seed: ParameterKey<UInt64?> = .seed(absent: "the session generator", doc: "seed of APS's randomisation")
    static let groups: ParameterKey<Column?> = ParameterKey(Parameter("groups", "vector", .absent("one group (split conformal)"), doc: "Mondrian conformal: the group of each calibration row; each group gets its own threshold, so coverage holds within every group")) { args, name in
        try optionalColumn(args, name)
    }
    static let testGroups: ParameterKey<Column?> = ParameterKey(Parameter("groups_test", "vector", .absent("none"), doc: "the group of each test row (required with groups=)")) { args, name in
        try optionalColumn(args, name)
    }
    static let by: ParameterKey<Column?> = ParameterKey(Parameter("by", "vector", .absent("groups_test, if given"), doc: "a slice of each test row to report coverage and set size by")) { args, name in
        try optionalColumn(args, name)
    }
    static let ci: ParameterKey<Double?> = .confidenceLevel("ci", .value(.number(0.95)), doc: "confidence level of the exact (Clopper–Pearson) interval of each coverage")

    static func optionalColumn(_ args: Arguments, _ name: ParameterName) throws -> Column? {
        switch try args.value(name) {
        case nil, .null?: return nil
        case .vector(let c)?: return c
        case let v?: throw args.mismatch(name, expected: "a vector with one group per row (numbers, text or bools)", got: v)
        }
    }

    static let conformal = Builtin(
        "conformal", area: .monitors,
        parameters: declare(calibration, calibrationLabels, test, testLabels, alpha, score, randomized, seed, groups, testGroups, by, ci, ClassNames.parameter),
        returns: "a conformal result: sets (0/1 matrix), size, threshold, coverage with lower and upper (with y_test), table by slice, curve, meaning; plot() draws coverage and set size against α",
        summary: "prediction sets with guaranteed coverage (split conformal)",
        doc: "conformal(p_cal, y_cal, p_test) makes a prediction set for each test row by split conformal prediction, as MAPIE 1.6 does: each calibration row is scored (score=\"lac\": 1 − p̂(y); score=\"aps\": the probability mass of the classes ranked at or above y, randomised as MAPIE randomises it unless randomized=false), the threshold q̂ is the ⌈(n + 1)(1 − α)⌉-th smallest score, and a test row's set holds every class that would score at most q̂. If calibration and test rows are exchangeable (drawn alike; under shift they are not), a set holds the true class with probability at least 1 − α; the guarantee is marginal, over rows, not for each row. α below 1/(n + 1) needs more calibration rows and is refused. With groups= and groups_test=, Mondrian conformal prediction calibrates each group on its own rows, so coverage holds in every group. With y_test the result gives the coverage realised with an exact interval, overall and by slice (by=, or the groups), and plot() shows coverage and mean set size against α.",
        examples: [
            "v = load(\"digits/mlp-validation\"); t = load(\"digits/mlp-test\"); s = conformal(softmax(select(v, \"logit_*\")), v.label, softmax(select(t, \"logit_*\")), y_test=t.label, alpha=0.05); s.meaning",
            "v = load(\"digits/mlp-validation\"); t = load(\"digits/mlp-test\"); pv = softmax(select(v, \"logit_*\")); pt = softmax(select(t, \"logit_*\")); conformal(pv, v.label, pt, y_test=t.label, score=\"aps\", seed=1, groups=argmax(pv), groups_test=argmax(pt)).table",
        ]
    ) { args, context in
        let (pc, binary) = try args[calibration]
        guard pc.rows > 0 else { throw args.invalid(calibration, "conformal(): p_cal has no rows; conformal prediction needs labelled calibration rows") }
        let yc = try args.classLabels(calibrationLabels, rows: pc.rows, classes: pc.cols, counted: "p_cal has \(NumberFormat.count(pc.rows, "row"))", columns: binary ? nil : pc.columnNames, of: calibration.name)
        let (pt, _) = try args[test]
        guard pt.cols == pc.cols else { throw args.invalid(test, "conformal(): p_cal has \(pc.cols) classes but p_test has \(pt.cols); both must come from the same model") }
        let yt = try optionalLabels(args, testLabels, pt, binary: binary, of: test)
        let a = try args[alpha], kind = try args[score]
        let mondrian = try mondrianGroups(args, calibrationRows: pc.rows, testRows: pt.rows)
        let smallest = mondrian.map { m in m.calibrationCounts.min() ?? 0 } ?? pc.rows
        if ConformalPrediction.rank(rows: smallest, alpha: a) > smallest {
            let need = Int((1 / a).rounded(.up)) - 1
            let whose = mondrian == nil ? "there are \(smallest)" : "the smallest group has \(smallest)"
            throw args.invalid(alpha, "conformal(): alpha=\(NumberFormat.short(a)) needs at least \(NumberFormat.count(need, "calibration row")) for a finite threshold; \(whose)",
                               notes: ["the smallest α that n calibration rows can serve is 1/(n + 1)"])
        }
        let randomise = try args[randomized], seedValue = try args[seed]
        let uniforms: [Double]? = kind == .aps && randomise
            ? context.withGenerator(seed: seedValue) { g in (0..<pc.rows).map { _ in g.nextUniform() } } : nil
        try Interruption.check()
        let names = pc.columnNames.map(ClassNames.stripped) ?? (0..<pc.cols).map(String.init)
        let slice = try args[by].map(Optional.some) ?? mondrian?.testColumn
        if let slice, slice.count != pt.rows {
            throw args.invalid(by, "conformal(): by has \(NumberFormat.count(slice.count, "value")) but p_test has \(NumberFormat.count(pt.rows, "row")); give one slice per test row")
        }
        let fit = ConformalValue.Fit(calibration: pc, labels: yc, score: kind, uniforms: uniforms, groups: mondrian?.calibration, groupCount: mondrian?.names.count ?? 1)
        return .object(ConformalValue(fit: fit, alpha: a, test: pt, labels: yt, classNames: names, testGroups: mondrian?.test, groupNames: mondrian?.names,
                                      slices: slice, confidence: try args[ci] ?? 0.95, randomized: uniforms != nil))
    }

    /// Test labels when given (null and absent are the same).
    static func optionalLabels(_ args: Arguments, _ key: ParameterKey<ClassLabels>, _ p: Matrix, binary: Bool, of source: ParameterKey<ProbabilityInput>) throws -> [Int]? {
        guard try args.has(key), !(try args.required(key)).isNull else { return nil }
        return try args.classLabels(key, rows: p.rows, classes: p.cols, counted: "\(source.name) has \(NumberFormat.count(p.rows, "row"))", columns: binary ? nil : p.columnNames, of: source.name)
    }

    struct Mondrian {
        var names: [String]
        var calibration: [Int]
        var test: [Int]
        var calibrationCounts: [Int]
        var testColumn: Column
    }

    /// The groups of Mondrian conformal prediction, coded in sorted order of the calibration
    /// groups; nil without groups=.
    static func mondrianGroups(_ args: Arguments, calibrationRows: Int, testRows: Int) throws -> Mondrian? {
        let gc = try args[groups], gt = try args[testGroups]
        switch (gc, gt) {
        case (nil, nil): return nil
        case (nil, _?): throw args.invalid(testGroups, "conformal(): groups_test= needs groups=, the group of each calibration row")
        case (_?, nil): throw args.invalid(groups, "conformal(): groups= needs groups_test=, the group of each test row, to pick each test row's threshold")
        case let (c?, t?):
            guard c.count == calibrationRows else { throw args.invalid(groups, "conformal(): groups has \(NumberFormat.count(c.count, "value")) but p_cal has \(NumberFormat.count(calibrationRows, "row")); give one group per calibration row") }
            guard t.count == testRows else { throw args.invalid(testGroups, "conformal(): groups_test has \(NumberFormat.count(t.count, "value")) but p_test has \(NumberFormat.count(testRows, "row")); give one group per test row") }
            let found = TableOperations.groups(c)
            let keys = found.map { key($0.key, 0) }
            var code: [String: Int] = [:]
            for (i, k) in keys.enumerated() { code[k] = i }
            var calibration = [Int](repeating: 0, count: c.count)
            for (g, group) in found.enumerated() { for r in group.rows { calibration[r] = g } }
            var test = [Int](repeating: 0, count: t.count)
            for i in 0..<t.count {
                let k = key(t, i)
                guard let g = code[k] else {
                    throw args.invalid(testGroups, "conformal(): test row \(i) is in group \(display(t, i)), which no calibration row is in; every test group needs calibration rows of its own",
                                       notes: ["calibration groups: " + found.map { display($0.key, 0) }.joined(separator: ", ")])
                }
                test[i] = g
            }
            return Mondrian(names: found.map { display($0.key, 0) }, calibration: calibration, test: test,
                            calibrationCounts: found.map(\.rows.count), testColumn: t)
        }
    }

    /// A group's identity: numbers compared exactly, text and bools by value; types apart.
    static func key(_ c: Column, _ i: Int) -> String {
        switch c {
        case .numbers(let v): return v[i].isNaN ? "n:nan" : "n:\(v[i] == 0 ? 0 : v[i])"
        case .strings(let v): return "s:" + v[i]
        case .bools(let v): return "b:\(v[i])"
        }
    }

    static func display(_ c: Column, _ i: Int) -> String {
        switch c {
        case .numbers(let v): return NumberFormat.short(v[i])
        case .strings(let v): return v[i].isEmpty ? "(missing)" : v[i]
        case .bools(let v): return v[i] ? "true" : "false"
        }
    }

    // MARK: Risk control

    static let riskLabels = ParameterKey(Parameter("y_cal", "vector of labels or 0/1 matrix", doc: "the calibration rows' true classes: a label per row, or a 0/1 matrix with a column per class for multi-label rows")) { args, name -> Value in
        try args.required(name)
    }
    static let riskTestLabels = ParameterKey(Parameter("y_test", "vector of labels or 0/1 matrix", .absent("unlabelled test rows"), doc: "the test rows' true classes, to measure the risk realised")) { args, name -> Value? in
        try args.value(name)
    }
    static let scores: ParameterKey<Matrix> = ParameterKey(Parameter("p_cal", "matrix", doc: "the model's score for each class on the calibration rows, in [0, 1] (softmax probabilities, or per-label probabilities that need not sum to 1)")) { args, name in
        try scoreMatrix(args, name)
    }
    static let testScores: ParameterKey<Matrix> = ParameterKey(Parameter("p_test", "matrix", doc: "the same scores on the test rows")) { args, name in
        try scoreMatrix(args, name)
    }
    static let risk: ParameterKey<Double> = .number("alpha", .value(.number(0.1)), doc: "the expected loss allowed, in (0, B)",
                                                    where: { $0 > 0 && $0.isFinite }, otherwise: { f, x in "\(f)(): alpha is the expected loss allowed, above 0; got \(NumberFormat.short(x))" })
    static let cost: ParameterKey<[Double]?> = ParameterKey(Parameter("cost", "vector", .absent("1 for every class"), doc: "single labels: the loss of leaving out each class (≥ 0, one per class); the bound B is the largest")) { args, name -> [Double]? in
        switch try args.value(name) {
        case nil, .null?: return nil
        case .vector(.numbers(let c))?:
            if let i = c.firstIndex(where: { !($0.isFinite && $0 >= 0) }) { throw args.invalid(name, "risk_control(): cost[\(i)] is \(NumberFormat.short(c[i])); costs must be finite and ≥ 0") }
            return c
        case let v?: throw args.mismatch(name, expected: "a vector of costs, one per class", got: v)
        }
    }
    static let grid: ParameterKey<Double?> = .optionalNumber("grid", absent: "every calibration score (exact)", doc: "search thresholds 0, grid, 2·grid, … below 1 instead (MAPIE searches 0.01)")

    static func scoreMatrix(_ args: Arguments, _ name: ParameterName) throws -> Matrix {
        let m: Matrix
        switch try args.required(name) {
        case .matrix(let x): m = x
        case .vector(.numbers(let q)): m = Matrix(rows: q.count, cols: 2, storage: q.flatMap { [1 - $0, $0] })
        case let v: throw args.mismatch(name, expected: "a matrix of scores in [0, 1], one row per example and one column per class", got: v)
        }
        if let i = m.storage.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw args.invalid(name, "risk_control(): \(name) at row \(i / max(m.cols, 1)), column \(i % max(m.cols, 1)) is \(NumberFormat.short(m.storage[i])); scores must be in [0, 1]")
        }
        return m
    }

    /// Labels as positives with loss weights: a label vector (miscoverage, or cost-weighted) or
    /// a 0/1 matrix (the false-negative rate).
    static func positives<T>(_ args: Arguments, _ value: Value, _ key: ParameterKey<T>, rows: Int, classes: Int, cost: [Double]?) throws -> ConformalRiskControl.Positives {
        let name = key.name
        switch value {
        case .matrix(let y):
            guard y.rows == rows, y.cols == classes else {
                throw args.invalid(key, "risk_control(): \(name) is \(y.rows)×\(y.cols) but the scores are \(rows)×\(classes); a multi-label \(name) has a row per example and a column per class")
            }
            if let i = y.storage.firstIndex(where: { $0 != 0 && $0 != 1 }) {
                throw args.invalid(key, "risk_control(): \(name) at row \(i / classes), column \(i % classes) is \(NumberFormat.short(y.storage[i])); a multi-label \(name) holds 0 and 1")
            }
            if cost != nil { throw args.invalid(key, "risk_control(): cost= weighs single labels; with multi-label \(name) the loss is the false-negative rate") }
            return ConformalRiskControl.Positives(multiLabel: y)
        case .vector(.numbers(let v)):
            guard v.count == rows else { throw args.invalid(key, "risk_control(): \(name) has \(NumberFormat.count(v.count, "label")) but \("\(name)" == "y_cal" ? "p_cal" : "p_test") has \(NumberFormat.count(rows, "row"))") }
            if let i = v.firstIndex(where: { !($0 == $0.rounded() && $0 >= 0 && $0 < Double(classes)) }) {
                throw args.invalid(key, "risk_control(): \(name)[\(i)] is \(NumberFormat.short(v[i])); labels are class numbers 0 to \(classes - 1)")
            }
            return ConformalRiskControl.Positives(labels: v.map { Int($0) }, costs: cost)
        default:
            throw args.mismatch(key, expected: "a vector of class numbers or a 0/1 matrix", got: value)
        }
    }

    static let riskControl = Builtin(
        "risk_control", area: .monitors,
        parameters: declare(scores, riskLabels, testScores, riskTestLabels, risk, cost, grid),
        returns: "a risk-control result: threshold, sets (0/1 matrix), size, calibration_risk, bound, risk with lower and upper (with y_test), controlled, meaning",
        summary: "sets that bound an expected loss (conformal risk control)",
        doc: "risk_control(p_cal, y_cal, p_test) chooses a threshold t so that the sets {k : p̂_k > t} keep a bounded loss below alpha in expectation, by conformal risk control (Angelopoulos et al. 2024): t is the largest candidate with (n·R̂(t) + B)/(n + 1) ≤ α, where R̂ is the mean calibration loss and B the loss's bound. The loss is the false-negative rate (the share of a row's true classes left out) when y_cal is a 0/1 multi-label matrix, and miscoverage (or cost[y] with cost=) when it is a label per row. Candidates are every calibration score (exact) or MAPIE's grid 0, 0.01, … with grid=0.01. If calibration and test rows are exchangeable, E[loss] ≤ α on the test rows; with y_test the realised risk is given with a normal 95% interval.",
        examples: [
            "v = load(\"digits/mlp-validation\"); t = load(\"digits/mlp-test\"); r = risk_control(softmax(select(v, \"logit_*\")), v.label, softmax(select(t, \"logit_*\")), y_test=t.label, alpha=0.05); r.meaning",
        ]
    ) { args, _ in
        let pc = try args[scores], pt = try args[testScores]
        guard pc.rows > 0 else { throw args.invalid(scores, "risk_control(): p_cal has no rows; risk control needs labelled calibration rows") }
        guard pt.cols == pc.cols else { throw args.invalid(testScores, "risk_control(): p_cal has \(pc.cols) classes but p_test has \(pt.cols); both must come from the same model") }
        let c = try args[cost]
        if let c, c.count != pc.cols { throw args.invalid(cost, "risk_control(): cost has \(NumberFormat.count(c.count, "value")) for \(pc.cols) classes; give one per class") }
        let yc = try positives(args, try args[riskLabels], riskLabels, rows: pc.rows, classes: pc.cols, cost: c)
        let yt = try (try args[riskTestLabels]).flatMap { $0.isNull ? nil : try positives(args, $0, riskTestLabels, rows: pt.rows, classes: pt.cols, cost: c) }
        let bound = c?.max() ?? 1
        let a = try args[risk]
        guard bound > 0 else { throw args.invalid(cost, "risk_control(): every cost is 0, so there is no loss to control") }
        guard a < bound else { throw args.invalid(risk, "risk_control(): alpha=\(NumberFormat.short(a)) is not below the loss's bound B = \(NumberFormat.short(bound)); any sets would do") }
        let step = try args[grid]
        if let step, !(step > 0 && step < 1) { throw args.invalid(grid, "risk_control(): grid is the step between thresholds, in (0, 1); got \(NumberFormat.short(step))") }
        let candidates = step.map { s in (0..<Int((1 / s).rounded(.up))).map { Double($0) * s }.filter { $0 < 1 } }
        let result = ConformalRiskControl.calibrate(pc, yc, alpha: a, bound: bound, grid: candidates)
        let testLosses = yt.map { ConformalRiskControl.losses(pt, $0, threshold: result.threshold) }
        return .object(RiskControlValue(result: result, alpha: a, bound: bound, calibrationRows: pc.rows, test: pt,
                                        sets: ConformalRiskControl.sets(pt, threshold: result.threshold), testLosses: testLosses,
                                        multiLabel: (try args[riskLabels]).isMatrix, gridStep: step))
    }
}
