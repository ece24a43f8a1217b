#if canImport(Glibc)
import Glibc
#endif

/// The smooth ECE of Błasiok & Nakkiran (2023), as their `relplot.smECE` computes it.
///
/// The residuals f − y are spread onto a grid of E points on [0, 1] (linear interpolation
/// between the two nearest grid points; E starts at 200), divided by N, and smoothed with a
/// Gaussian kernel of width σ reflected at 0 and 1; smECE_σ is the mean absolute smoothed
/// residual. The width is the fixed point σ = smECE_σ, found as relplot finds it: σ = 1 if
/// 1 < smECE₁, else ten bisection steps on [0, 1] keeping the side where σ ≥ smECE_σ (or
/// σ ≥ 0.001), refining the grid fourfold whenever round(20/σ) exceeds it. The kernel is cut
/// at ten widths from its centre (beyond that its weight is below e⁻⁵⁰).
public enum SmoothECE {
    public static func value(confidence f: [Double], correct y: [Double]) -> (value: Double, sigma: Double) {
        let n = Double(f.count)
        var points = 200
        func grid(_ e: Int) -> [Double] {
            var values = [Double](repeating: 0, count: e)
            let scale = Double(e - 1)
            for i in f.indices {
                let x = f[i] * scale
                let bin = min(max(Int(x), 0), e - 2)
                let frac = x - Double(bin)
                let r = f[i] - y[i]
                values[bin] += (1 - frac) * r
                values[bin + 1] += frac * r
            }
            return values.map { $0 / n }
        }
        var r = grid(points)
        func refine(_ alpha: Double) {
            var grew = false
            while (20 / alpha).rounded(.toNearestOrEven) > Double(points) {
                points *= 4
                grew = true
            }
            if grew { r = grid(points) }
        }
        func predicate(_ alpha: Double) -> Bool {
            refine(alpha)
            return alpha < 0.001 || alpha < smoothed(r, sigma: alpha)
        }
        var sigma = 1.0
        if !predicate(1) {
            var start = 1.0, end = 0.0
            for _ in 0..<10 {
                let mid = (start + end) / 2
                if predicate(mid) { end = mid } else { start = mid }
            }
            sigma = start
        }
        return (smoothed(r, sigma: sigma), sigma)
    }

    /// Mean absolute value of the grid convolved with the reflected Gaussian of width sigma,
    /// laid out exactly as relplot's ReflectedGaussianKernel.convolve does.
    static func smoothed(_ values: [Double], sigma: Double) -> Double {
        let e = values.count
        let scale = Double(e - 1)
        let norm = 1 / ((2 * Double.pi).squareRoot() * sigma)
        // ker[k] = N(k/(e−1) − 0.5; σ), only where it matters.
        let centre = scale / 2
        let reach = 10 * sigma * scale
        let kLow = max(0, Int((centre - reach).rounded(.down)))
        let kHigh = min(e - 1, Int((centre + reach).rounded(.up)))
        let kernel = (kLow...kHigh).map { k -> Double in
            let t = Double(k) / scale - 0.5
            return exp(-t * t / (2 * sigma * sigma)) * norm
        }
        // ext = [values reversed without its last, values, values reversed without its first].
        @inline(__always) func ext(_ j: Int) -> Double {
            if j < e - 1 { return values[e - 1 - j] }
            if j < 2 * e - 1 { return values[j - (e - 1)] }
            return values[e - 2 - (j - (2 * e - 1))]
        }
        let shift = e / 2
        var total = 0.0
        for i in 0..<e {
            var s = 0.0
            for (offset, w) in kernel.enumerated() { s += w * ext(i + shift + kLow + offset) }
            total += abs(s)
        }
        return total / Double(e)
    }
}
