#if canImport(Glibc)
import Glibc
#endif

/// The smooth ECE of Błasiok & Nakkiran (2023), computed step for step as their
/// `relplot.smECE` (relplot 1.0.3, reflected Gaussian kernel) computes it.
///
/// At a width σ, the residuals r = f − y and the ones are each spread onto a grid of
/// G = ⌊E/2⌋ + 1 points on [0, 1] (E = max(2000, round(20/σ)); linear interpolation between the
/// two nearest grid points), convolved with the Gaussian N(0, σ²) sampled on the grid over
/// ±0.5 (not normalised) after reflecting the grid at both ends, and read off by linear
/// interpolation at T = max(round(10/σ), 200) evenly spaced points t. With ys = smoothed
/// residuals and d = smoothed ones + 10⁻⁴, smECE_σ = Σ_t |ys/d|·d / Σ_t d.
///
/// The width is relplot's: σ = 1 if 1 < smECE₁; otherwise ten bisection steps on [0, 1] keep
/// the upper end of the bracket where σ ≥ smECE_σ (or σ ≥ 0.001), so σ is a multiple of 2⁻¹⁰,
/// and the result is smECE at that σ.
///
/// With weights (relplot has none), each example's residual and its one are multiplied by its
/// weight, the weights first scaled to mean 1: equal weights give relplot's value exactly, and
/// scaling every weight by the same factor changes nothing.
public enum SmoothECE {
    public static func value(confidence f: [Double], correct y: [Double], weights: [Double]? = nil) -> (value: Double, sigma: Double) {
        let w = weights.map { w -> [Double] in
            let mean = w.reduce(0, +) / Double(w.count)
            return w.map { $0 / mean }
        }
        func tooSmall(_ sigma: Double) -> Bool { sigma < 0.001 || sigma < atWidth(confidence: f, correct: y, weights: w, sigma: sigma) }
        var sigma = 1.0
        if !tooSmall(1) {
            var high = 1.0, low = 0.0
            for _ in 0..<10 {
                // On Ctrl-C the search stops; the value is discarded.
                if Interruption.isRequested { break }
                let mid = (high + low) / 2
                if tooSmall(mid) { low = mid } else { high = mid }
            }
            sigma = high
        }
        return (atWidth(confidence: f, correct: y, weights: w, sigma: sigma), sigma)
    }

    /// smECE_σ at a fixed width (relplot's `smECE_sigma`).
    public static func atWidth(confidence f: [Double], correct y: [Double], weights: [Double]? = nil, sigma: Double) -> Double {
        let e = max(2000, Int((20 / sigma).rounded(.toNearestOrEven)))
        let g = e / 2 + 1
        // Spread r = f − y and 1 onto the grid j/(G − 1).
        var residual = [Double](repeating: 0, count: g), ones = [Double](repeating: 0, count: g)
        let scale = Double(g - 1)
        for i in f.indices {
            if i & 0xFFFFF == 0 && Interruption.isRequested { return .nan }
            let x = f[i] * scale
            let bin = min(max(Int(x), 0), g - 2)
            let frac = x - Double(bin)
            let wi = weights?[i] ?? 1
            let r = (f[i] - y[i]) * wi
            residual[bin] += (1 - frac) * r
            residual[bin + 1] += frac * r
            ones[bin] += (1 - frac) * wi
            ones[bin + 1] += frac * wi
        }
        let (smoothedResidual, smoothedOnes) = convolveReflected(residual, ones, sigma: sigma)
        let points = max(200, Int((10 / sigma).rounded(.toNearestOrEven)))
        var weighted = 0.0, total = 0.0
        let step = 1 / Double(points - 1)
        for k in 0..<points {
            let t = k == points - 1 ? 1.0 : Double(k) * step
            let ys = interpolate(smoothedResidual, at: t)
            let density = interpolate(smoothedOnes, at: t) + 0.0001
            weighted += abs(ys / density) * density
            total += density
        }
        return weighted / total
    }

    /// relplot's `interpolate`: the piecewise-linear function through (j/(G − 1), values[j]).
    @inline(__always) static func interpolate(_ values: [Double], at t: Double) -> Double {
        let g = values.count
        let size = 1 / Double(g - 1)
        let i = min(max(Int(t * Double(g - 1)), 0), g - 2)
        let w = (t - Double(i) * size) / size
        return values[i] * (1 - w) + values[i + 1] * w
    }

    /// `ReflectedGaussianKernel.convolve` applied to two grids at once: the grids are reflected
    /// without repeating their end points and convolved with ker[m] = φ_σ(m/(G − 1) − 0.5),
    /// keeping the G centre values. Kernel entries beyond 39σ underflow to exactly 0 in double
    /// precision, so they are skipped without changing the sums.
    static func convolveReflected(_ a: [Double], _ b: [Double], sigma: Double) -> ([Double], [Double]) {
        let g = a.count
        let variance = sigma * sigma
        let norm = (2 * Double.pi).squareRoot() * sigma
        let step = 1 / Double(g - 1)
        // Reversed kernel kr[q] = ker[G − 1 − q], restricted to where it is not 0.
        var reversed = [Double](repeating: 0, count: g)
        for m in 0..<g {
            let s = m == g - 1 ? 1.0 : Double(m) * step
            reversed[g - 1 - m] = exp(-(s - 0.5) * (s - 0.5) / (2 * variance)) / norm
        }
        let first = reversed.firstIndex { $0 != 0 } ?? 0
        let last = reversed.lastIndex { $0 != 0 } ?? g - 1
        // ext[u] for u in 0..<3G − 2: reflected, original, reflected.
        func extend(_ v: [Double]) -> [Double] {
            var ext = [Double](repeating: 0, count: 3 * g - 2)
            for u in 0..<(g - 1) { ext[u] = v[g - 1 - u] }
            for u in 0..<g { ext[g - 1 + u] = v[u] }
            for u in 1..<g { ext[2 * g - 2 + u] = v[g - 1 - u] }
            return ext
        }
        let extA = extend(a), extB = extend(b)
        var outA = [Double](repeating: 0, count: g), outB = [Double](repeating: 0, count: g)
        let half = g / 2
        extA.withUnsafeBufferPointer { ea in
            extB.withUnsafeBufferPointer { eb in
                reversed.withUnsafeBufferPointer { kr in
                    for j in 0..<g {
                        // smoothed[j] = Σ_q ext[j + G/2 + q]·kr[q]
                        var sa = 0.0, sb = 0.0
                        let base = j + half
                        for q in first...last {
                            sa += ea[base + q] * kr[q]
                            sb += eb[base + q] * kr[q]
                        }
                        outA[j] = sa
                        outB[j] = sb
                    }
                }
            }
        }
        return (outA, outB)
    }
}
