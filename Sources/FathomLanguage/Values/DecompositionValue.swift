#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// Where a Gumbel-tail forecast's error comes from.
public struct DecompositionValue: DeclaredResult, Plottable {
    let parts: Backtest.Decomposition
    let backtest: BacktestValue
    let meaning: String

    public var typeName: String { "decomposition" }
    public var described: String { "a forecast-error decomposition" }
    public static let resultName = "decomposition"
    public static let resultDoc = "Where a forecast's error comes from (decompose, Schwarzer & Niekum 2026): the mean error split into the plotting-position bias and tail misspecification, with the estimation noise beside it."
    public static let fields: [ResultField<DecompositionValue>] = [
        ResultField("mean_error", "the mean log10 error of the gumbel method") { .number($0.parts.meanError) },
        ResultField("plotting_position_bias", "gumbel − gumbel-unbiased: the part due to biased plotting positions") { .number($0.parts.plottingPositionBias) },
        ResultField("misspecification", "the error that remains with unbiased positions: the tail is not Gumbel") { .number($0.parts.misspecification) },
        ResultField("noise", "the standard deviation of the error across repetitions") { .number($0.parts.noise) },
        ResultField("under_rate", "share of repetitions under-predicted") { .number($0.parts.underRate) },
        ResultField("backtest", "the backtest it rests on") { .object($0.backtest) },
        ResultField("meaning", "one sentence on what dominates the error") { .string($0.meaning) },
    ]

    public func renderText(_ options: RenderOptions) -> String {
        func num(_ x: Double) -> String { (x > 0 ? "+" : "") + NumberFormat.short(x, digits: 3) }
        return """
        forecast error of the gumbel method (log10 forecast − log10 truth), \(backtest.repetitions.count) repetitions
          mean error              \(num(parts.meanError))  (under-predicted in \(NumberFormat.short(parts.underRate * 100, digits: 3))%)
          = plotting positions    \(num(parts.plottingPositionBias))  (gumbel − gumbel-unbiased)
          + tail misspecification \(num(parts.misspecification))  (the error that remains with unbiased positions)
          estimation noise (sd)   \(NumberFormat.short(parts.noise, digits: 3))
        \(meaning)
        """
    }

    public func figure() throws -> Figure { try backtest.figure() }
}
