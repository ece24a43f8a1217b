#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// A classical extreme-value fit (GEV, Gumbel, GPD).
public struct ExtremeFitValue: DeclaredResult, Plottable {
    let fit: ExtremeValue.Fit
    /// GEV only: the Gumbel fit of the same data, for the likelihood-ratio comparison.
    let gumbel: ExtremeValue.Fit?

    public var typeName: String { fit.model.rawValue + "_fit" }
    public var described: String { "a \(fit.model == .gpd ? "GPD" : fit.model == .gev ? "GEV" : "Gumbel") fit" }
    public static let resultName = "extreme_fit"
    public static let resultDoc = "A classical extreme-value fit by maximum likelihood (gev_fit, gumbel_fit, gpd_fit; its type reads gev_fit, gumbel_fit or gpd_fit): its parameters by name (mu, sigma, xi for the GEV; mu, sigma for the Gumbel; sigma, xi for the GPD), then the fields below. return_level(fit, T) reads return levels from it."
    public static let fields: [ResultField<ExtremeFitValue>] = [
        ResultField("model", "gev, gumbel or gpd") { .string($0.fit.model.rawValue) },
        ResultField("se", "standard errors of the parameters, by name (from the observed information)") { v in
            .record(Record(zip(v.fit.names, v.fit.standardErrors).map { ($0, .number($1)) }))
        },
        ResultField("covariance", "the parameters' covariance matrix, in the order of the names") { .matrix(Matrix(rowArrays: $0.fit.covariance)) },
        ResultField("nll", "the negative log-likelihood at the fit") { .number($0.fit.nll) },
        ResultField("n", "the number of values fitted (for the GPD, the exceedances)") { .number(Double($0.fit.n)) },
        ResultField("threshold", "the GPD threshold", optional: { v in v.fit.threshold.map { .number($0) } }),
        ResultField("rate", "the share of all values above the GPD threshold", optional: { v in v.fit.rate.map { .number($0) } }),
        ResultField("gumbel_deviance", "GEV against Gumbel: twice the log-likelihood gain of ξ ≠ 0", optional: { v in v.deviance.map { .number($0) } }),
        ResultField("gumbel_pvalue", "its χ²₁ p-value: small means the Gumbel is too light or too heavy", optional: { v in
            v.deviance.map { .number(Distribution.chiSquareSurvival(max(0, $0), degrees: 1)) }
        }),
    ]

    /// The fitted parameters by name come first.
    public var presentFields: [(name: String, value: Value)] {
        zip(fit.names, fit.parameters).map { ($0, Value.number($1)) } + Self.fields.compactMap { f in f.read(self).map { (f.name, $0) } }
    }

    public func field(_ name: String) -> Value? {
        if let i = fit.names.firstIndex(of: name) { return .number(fit.parameters[i]) }
        return Self.fields.first { $0.name == name }?.read(self)
    }

    var deviance: Double? { gumbel.map { 2 * ($0.nll - fit.nll) } }

    public func renderText(_ options: RenderOptions) -> String {
        func num(_ x: Double) -> String { NumberFormat.short(x, digits: options.digits) }
        let name = fit.model == .gpd ? "GPD fit to \(fit.n) excesses over \(num(fit.threshold ?? 0)) (rate \(num(fit.rate ?? 0)))" : fit.model == .gev ? "GEV fit to \(fit.n) maxima" : "Gumbel fit to \(fit.n) maxima"
        var lines = [name + ", maximum likelihood (Coles' parameterisation)"]
        let se = fit.standardErrors
        for (i, p) in fit.names.enumerated() {
            let symbol = ["mu": "μ", "sigma": "σ", "xi": "ξ"][p] ?? p
            lines.append("  \(symbol) = \(num(fit.parameters[i]))  (se \(num(se[i])))")
        }
        lines.append("  negative log-likelihood \(num(fit.nll))")
        if let d = deviance {
            let p = Distribution.chiSquareSurvival(max(0, d), degrees: 1)
            lines.append("  against the Gumbel (ξ = 0): deviance \(num(d)), p = \(num(p)): " + (p < 0.05 ? "the shape parameter is needed" : "the simpler Gumbel fits as well"))
        }
        if fit.model != .gpd, fit.names.contains("xi") {
            let xi = fit.parameters[2]
            lines.append("  ξ \(xi > 0 ? "> 0: a heavy upper tail, no upper bound" : "< 0: a bounded upper tail, endpoint \(num(fit.parameters[0] - fit.parameters[1] / xi))")")
        }
        return lines.joined(separator: "\n")
    }

    /// Return-level plot with its delta-method band, QQ and PP plots.
    public func figure() throws -> Figure {
        let data = fit.model == .gpd ? fit.data.filter { $0 > (fit.threshold ?? 0) } : fit.data
        let sorted = Sorting.ascending(data)
        let n = Double(sorted.count)
        let plotting = sorted.indices.map { (Double($0) + 1) / (n + 1) }
        // Return levels against the period on a log axis.
        let periods = (0...60).map { pow(10, 0.05 + Double($0) * 0.05) }
        func period(forProbability q: Double) -> Double {
            fit.model == .gpd ? 1 / ((1 - q) * (fit.rate ?? 1)) : 1 / (1 - q)
        }
        let bands = periods.map { ExtremeValue.deltaInterval(fit, period: $0, confidence: 0.95) }
        var band = Series(.band, x: periods, y: bands.map(\.lower), label: "95% interval (delta method)")
        band.y2 = bands.map(\.upper)
        band.color = 5
        var curve = Series(.lines, x: periods, y: bands.map(\.level), label: "return level")
        curve.color = 0
        var observed = Series(.points, x: plotting.map(period(forProbability:)), y: sorted, label: "observed")
        observed.color = 1
        var returnPanel = Panel(xlabel: fit.model == .gpd ? "return period (observations)" : "return period (blocks)", ylabel: "return level", series: [band, curve, observed])
        returnPanel.logx = true
        returnPanel.xrange = 1...(periods.last ?? 1000)
        returnPanel.heightShare = 0.5
        // QQ: model quantiles against the data; PP: model CDF against plotting positions.
        let model = plotting.map { ExtremeValue.quantile(fit, fit.model == .gpd ? $0 : $0) }
        var qq = Series(.points, x: model, y: sorted, label: "quantiles")
        qq.color = 0
        let lo = min(model.first ?? 0, sorted.first ?? 0), hi = max(model.last ?? 1, sorted.last ?? 1)
        var qqLine = Series(.lines, x: [lo, hi], y: [lo, hi], label: nil)
        qqLine.reference = true
        var qqPanel = Panel(xlabel: "model quantile", ylabel: "observed", series: [qq, qqLine])
        qqPanel.heightShare = 0.25
        var pp = Series(.points, x: sorted.map { ExtremeValue.cdf(fit, $0) }, y: plotting, label: "probabilities")
        pp.color = 2
        var ppLine = Series(.lines, x: [0, 1], y: [0, 1], label: nil)
        ppLine.reference = true
        var ppPanel = Panel(xlabel: "model probability", ylabel: "empirical", series: [pp, ppLine])
        ppPanel.heightShare = 0.25
        ppPanel.xrange = 0...1
        ppPanel.yrange = 0...1
        let name = fit.model == .gpd ? "GPD fit" : fit.model == .gev ? "GEV fit" : "Gumbel fit"
        var figure = Figure(kind: "extreme-value diagnostics", title: name + ": return levels, QQ and PP", panels: [returnPanel, qqPanel, ppPanel])
        figure.height = 900
        return figure
    }
}
