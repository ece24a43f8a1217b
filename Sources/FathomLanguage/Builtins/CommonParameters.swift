/// Parameters several builtins take, declared once: the bootstrap interval (ci=, boot=,
/// seed=), per-example weights and the bin count. A builtin whose doc line differs declares
/// the same key with ``ParameterKey/documented(_:)``.
enum CommonParameters {
    static let weights: ParameterKey<ExampleWeights> = .weights(absent: "equal", doc: "a weight per example (importance weights under shift)")
    static let ci: ParameterKey<Double?> = .confidenceLevel("ci", .absent("no interval"), doc: "a confidence level such as 0.95: returns {estimate, lower, upper} from a seeded bootstrap")
    static let boot: ParameterKey<Int> = .wholeNumber("boot", default: 1000, atLeast: 10, atMost: 1_000_000, doc: "bootstrap replicates")
    static let bootstrapSeed: ParameterKey<UInt64?> = .seed(absent: "the session generator", doc: "seed of the bootstrap")
    static let bins: ParameterKey<Int> = .wholeNumber("bins", default: 15, atLeast: 1, atMost: 10_000, doc: "number of bins B")

    /// weights=, ci=, boot= and seed=, in that order: the interval of a metric.
    static let interval: [Parameter] = declare(weights, ci, boot, bootstrapSeed)
}
