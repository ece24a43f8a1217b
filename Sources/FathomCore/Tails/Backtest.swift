#if canImport(Glibc)
import Glibc
#endif

/// Backtesting tail forecasts on a pool of per-query failure probabilities: repeatedly draw a
/// disjoint evaluation set (m) and deployment set (n), forecast the deployment's worst query
/// from the evaluation set, and compare with the realised deployment maximum.
public enum Backtest {
    public struct Repetition: Sendable {
        /// One forecast per method, in the order asked.
        public var forecasts: [Double]
        public var truth: Double
        /// The same on the score axis: each forecast's Q_ψ (NaN when it failed) and the
        /// deployment's largest score, from which the log10 errors are computed.
        public var forecastScores: [Double]
        public var truthScore: Double
        /// The evaluation set's scores, kept for the first repetition only (for its picture).
        public var evaluationScores: [Double]?
    }

    public struct Summary: Sendable {
        public var meanAbsLog10Error: Double
        public var withinOrder: Double
        public var underRate: Double
        public var meanLog10Error: Double
        public var sdLog10Error: Double
        /// Repetitions whose forecast failed (for example a rising fitted tail).
        public var failed: Int
    }

    /// log10 p of a score, −exp(−ψ)/ln 10: exact where p underflows to 0 (a very negative ψ)
    /// or rounds to 1 (a large ψ), where log10 of the rounded p would be −∞ or 0.
    @inline(__always) public static func log10Probability(_ psi: Double) -> Double { -exp(-psi) / M_LN10 }

    /// e = log10 forecast − log10 truth over the repetitions where both exist, computed from
    /// the scores.
    public static func errors(_ reps: [Repetition], method: Int) -> [Double] {
        reps.compactMap { r in error(r, method) }
    }

    static func error(_ r: Repetition, _ method: Int) -> Double? {
        let f = log10Probability(r.forecastScores[method]), t = log10Probability(r.truthScore)
        guard f.isFinite, t.isFinite else { return nil }
        return f - t
    }

    public static func summary(_ reps: [Repetition], method: Int) -> Summary {
        let e = errors(reps, method: method)
        let n = Double(e.count)
        guard n > 0 else { return Summary(meanAbsLog10Error: .nan, withinOrder: .nan, underRate: .nan, meanLog10Error: .nan, sdLog10Error: .nan, failed: reps.count) }
        let mean = e.reduce(0, +) / n
        let sd = n > 1 ? (e.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot() : .nan
        return Summary(meanAbsLog10Error: e.reduce(0) { $0 + abs($1) } / n, withinOrder: Double(e.filter { abs($0) <= 1 }.count) / n,
                       underRate: Double(e.filter { $0 < 0 }.count) / n, meanLog10Error: mean, sdLog10Error: sd, failed: reps.count - e.count)
    }

    /// The forecasts and the truth for one partition, given as evaluation and deployment
    /// indices into the pool's scores.
    public static func evaluate(scores: [Double], evaluation: [Int], deployment: [Int], k: Int, methods: [GumbelTail.Method]) -> Repetition {
        let evalScores = evaluation.map { scores[$0] }
        var truthScore = -Double.infinity
        for i in deployment where scores[i] > truthScore { truthScore = scores[i] }
        let n = Double(deployment.count)
        let quantiles = methods.map { method -> Double in
            (try? GumbelTail.forecast(scores: evalScores, n: n, k: k, method: method).scoreQuantile) ?? .nan
        }
        return Repetition(forecasts: quantiles.map(GumbelTail.probability), truth: GumbelTail.probability(truthScore),
                          forecastScores: quantiles, truthScore: truthScore, evaluationScores: nil)
    }

    /// `reps` repetitions on all cores, each with its own generator derived from `random`,
    /// so a seed gives the same repetitions however many threads run them.
    public static func run(pool: [Double], m: Int, n: Int, k: Int, repetitions reps: Int, methods: [GumbelTail.Method],
                           random: inout Xoshiro256, progress: any ProgressReporter = SilentProgress()) throws -> [Repetition] {
        let scores = try GumbelTail.scores(pool)
        let total = pool.count
        precondition(m + n <= total && k < m)
        return try Parallel.replicates(reps, random: &random, progress: progress, label: "backtest",
                                       state: { PartialShuffle(total) }) { shuffle, g, r in
            // A uniformly random ordered choice of m + n queries.
            let order = shuffle.draw(m + n, using: &g)
            var result = evaluate(scores: scores, evaluation: Array(order[0..<m]), deployment: Array(order[m..<(m + n)]), k: k, methods: methods)
            if r == 0 { result.evaluationScores = order[0..<m].map { scores[$0] } }
            return result
        }
    }

    public struct Decomposition: Sendable {
        /// mean(e_gumbel − e_unbiased): what the log(j/m) plotting positions add.
        public var plottingPositionBias: Double
        /// sd(e_gumbel): the spread from one evaluation set to the next.
        public var noise: Double
        /// mean(e_unbiased): the bias that remains, from a tail that is not Gumbel or a mode the
        /// evaluation set missed.
        public var misspecification: Double
        /// mean(e_gumbel) = plotting-position bias + misspecification.
        public var meanError: Double
        public var underRate: Double
    }

    /// Splits the gumbel forecast's error over repetitions that ran both gumbel methods
    /// (methods 0 and 1 of `reps`).
    public static func decompose(_ reps: [Repetition]) -> Decomposition {
        var diff: [Double] = [], unbiased: [Double] = [], plain: [Double] = []
        for r in reps {
            guard let e = error(r, 0), let eu = error(r, 1) else { continue }
            plain.append(e); unbiased.append(eu); diff.append(e - eu)
        }
        let n = Double(plain.count)
        func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(max(1, x.count)) }
        let m = mean(plain)
        let sd = n > 1 ? (plain.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)).squareRoot() : .nan
        return Decomposition(plottingPositionBias: mean(diff), noise: sd, misspecification: mean(unbiased), meanError: m,
                             underRate: Double(plain.filter { $0 < 0 }.count) / max(1, n))
    }
}
