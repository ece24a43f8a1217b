#if canImport(Glibc)
import Glibc
#endif

/// The distributions of the Kolmogorov–Smirnov statistics, computed as scipy computes them:
/// `kstwo.sf` (scipy.stats._ksstats._kolmogn, after Simard & L'Ecuyer 2011: Ruben–Gambino
/// near the ends, Durbin's matrix, Pomeranz, Pelz–Good, and twice the one-sided tail) and
/// `smirnov` (the exact one-sided tail, here by the Birnbaum–Tingey sum in logarithms).
public enum KolmogorovDistribution {
    static let twoTo128 = 0x1p128
    static let twoToMinus128 = 0x1p-128

    /// P(D_n ≥ x) for the two-sided one-sample statistic D_n (scipy's `kstwo.sf(x, n)`).
    public static func survival(n: Int, x: Double) -> Double {
        guard n > 0 else { return .nan }
        if x >= 1 { return 0 }
        if x <= 0 { return 1 }
        let nd = Double(n)
        let t = nd * x
        if t <= 1 {
            if t <= 0.5 { return 1 }
            let cdf: Double
            if n <= 140 {
                var product = 1.0
                for i in 1...n { product *= Double(i) * (1 / nd) * (2 * t - 1) }
                cdf = product
            } else {
                cdf = exp(logFactorialOverPower(n) + nd * log(2 * t - 1))
            }
            return clip(1 - clip(cdf))
        }
        if t >= nd - 1 { return clip(2 * pow(1 - x, nd)) }
        if x >= 0.5 { return clip(2 * smirnov(n: n, x: x)) }
        let nxSquared = t * x
        if n <= 140 {
            if nxSquared <= 0.754693 { return clip(1 - clip(durbinMatrix(n: n, d: x))) }
            if nxSquared <= 4 { return clip(1 - clip(pomeranz(n: n, x: x))) }
            return clip(2 * smirnov(n: n, x: x))
        }
        if nxSquared >= 370 { return 0 }
        if nxSquared >= 2.2 { return clip(2 * smirnov(n: n, x: x)) }
        let cdf: Double
        if n <= 100_000 && nd * pow(x, 1.5) <= 1.4 {
            cdf = clip(durbinMatrix(n: n, d: x))
        } else {
            cdf = pelzGood(n: n, x: x)
        }
        return clip(1 - cdf)
    }

    static func clip(_ p: Double) -> Double { min(1, max(0, p)) }

    /// ln(n!/nⁿ) by Stirling's series (scipy's `_log_nfactorial_div_n_pow_n`).
    static func logFactorialOverPower(_ n: Int) -> Double {
        let coefficients = [-2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
                            -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2]
        let nd = Double(n), rn = 1 / nd
        var poly = 0.0
        for c in coefficients { poly = poly * (rn / nd) + c }
        return log(nd) / 2 - nd + log(2 * Double.pi) / 2 + rn * poly
    }

    /// P(D_n⁺ ≥ x), the one-sided Smirnov tail (scipy.special.smirnov), by the Birnbaum–Tingey
    /// sum x·Σ_j C(n, j)(1 − x − j/n)^(n−j)(x + j/n)^(j−1), all terms positive, summed in
    /// logarithms outward from the largest term until the rest cannot matter.
    public static func smirnov(n: Int, x: Double) -> Double {
        guard n > 0 else { return .nan }
        if x >= 1 { return 0 }
        if x <= 0 { return 1 }
        let nd = Double(n)
        let last = min(n, Int((nd * (1 - x)).rounded(.down)))
        let logFactN = SpecialFunctions.logGamma(nd + 1)
        func logTerm(_ j: Int) -> Double {
            let jd = Double(j)
            let base = 1 - x - jd / nd
            let power = nd - jd
            var value = logFactN - SpecialFunctions.logGamma(jd + 1) - SpecialFunctions.logGamma(power + 1) + log(x)
            if power > 0 {
                if base <= 0 { return -.infinity }
                value += power * log(base)
            }
            value += (jd - 1) * log(x + jd / nd)
            return value
        }
        // Find the largest term on a coarse grid, then locally.
        let step = max(1, (last + 1) / 2048)
        var peak = 0, peakValue = logTerm(0)
        var j = step
        while j <= last {
            let v = logTerm(j)
            if v > peakValue { peak = j; peakValue = v }
            j += step
        }
        for k in max(0, peak - step)...min(last, peak + step) {
            let v = logTerm(k)
            if v > peakValue { peak = k; peakValue = v }
        }
        guard peakValue > -.infinity else { return 0 }
        var sum = 1.0
        var k = peak - 1
        while k >= 0 {
            let r = exp(logTerm(k) - peakValue)
            sum += r
            if r < 1e-20 * sum { break }
            k -= 1
        }
        k = peak + 1
        while k <= last {
            let r = exp(logTerm(k) - peakValue)
            sum += r
            if r < 1e-20 * sum { break }
            k += 1
        }
        return min(1, exp(peakValue) * sum)
    }

    /// P(D_n < d) by Durbin's matrix method as Marsaglia, Tsang & Wang (2003) compute it,
    /// with scipy's rescaling (`_kolmogn_DMTW`).
    static func durbinMatrix(n: Int, d: Double) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1
        var v = (1...m).map { 1 - pow(h, Double($0)) }
        var w = [Double](repeating: 0, count: m)
        var fac = 1.0
        for j in 1...m {
            w[j - 1] = fac
            fac /= Double(j)
            v[j - 1] *= fac
        }
        let tt = pow(max(2 * h - 1, 0), Double(m)) - 2 * pow(h, Double(m))
        v[m - 1] = (1 + tt) * fac
        var hm = [Double](repeating: 0, count: m * m)
        for i in 1..<m {
            for r in (i - 1)..<m { hm[r * m + i] = w[r - (i - 1)] }
        }
        for r in 0..<m { hm[r * m] = v[r] }
        for c in 0..<m { hm[(m - 1) * m + c] = v[m - 1 - c] }
        func multiply(_ a: [Double], _ b: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: m * m)
            for i in 0..<m {
                for l in 0..<m {
                    let ail = a[i * m + l]
                    if ail == 0 { continue }
                    for j in 0..<m { out[i * m + j] += ail * b[l * m + j] }
                }
            }
            return out
        }
        var power = [Double](repeating: 0, count: m * m)
        for i in 0..<m { power[i * m + i] = 1 }
        var nn = n, exponent = 0, hExponent = 0
        while nn > 0 {
            if nn % 2 == 1 {
                power = multiply(power, hm)
                exponent += hExponent
            }
            hm = multiply(hm, hm)
            hExponent *= 2
            if abs(hm[(k - 1) * m + (k - 1)]) > twoTo128 {
                for i in hm.indices { hm[i] /= twoTo128 }
                hExponent += 128
            }
            nn /= 2
        }
        var p = power[(k - 1) * m + (k - 1)]
        for i in 1...n {
            p = Double(i) * p / Double(n)
            if abs(p) < twoToMinus128 {
                p *= twoTo128
                exponent -= 128
            }
        }
        if exponent != 0 { p = scalbn(p, Int32(exponent)) }
        return p
    }

    /// P(D_n < x) by Pomeranz's recursion (1974) as scipy's `_kolmogn_Pomeranz`, for n ≤ 140.
    static func pomeranz(n: Int, x: Double) -> Double {
        let t = Double(n) * x
        let ll = Int(t.rounded(.down))
        let f = t - Double(ll)
        let g = min(f, 1 - f)
        let ceilf = f > 0 ? 1 : 0
        let roundf = f > 0.5 ? 1 : 0
        let npwrs = 2 * (ll + 1)
        var gpower = [Double](repeating: 1, count: npwrs), twogpower = gpower, onem2gpower = gpower
        let nd = Double(n)
        for m in 1..<npwrs {
            gpower[m] = gpower[m - 1] * (g / nd) / Double(m)
            twogpower[m] = twogpower[m - 1] * (2 * g / nd) / Double(m)
            onem2gpower[m] = onem2gpower[m - 1] * ((1 - 2 * g) / nd) / Double(m)
        }
        func bounds(_ i: Int) -> (Int, Int) {
            var j1: Int, j2: Int
            if i == 0 {
                j1 = -ll - ceilf - 1; j2 = ll + ceilf - 1
            } else {
                let half = (i + 1) / 2, odd = (i + 1) % 2 == 0
                if odd {
                    if half == n + 1 {
                        j1 = n - ll - ceilf - 1; j2 = n + ll + ceilf - 1
                    } else {
                        j1 = half - 1 - ll - roundf - 1; j2 = half + ll - 1 + ceilf - 1
                    }
                } else {
                    j1 = half - 1 - ll - 1; j2 = half + ll + roundf - 1
                }
            }
            return (max(j1 + 2, 0), min(j2, n))
        }
        var v0 = [Double](repeating: 0, count: npwrs), v1 = v0
        v1[0] = 1
        var v0s = 0, v1s = 0
        var (j1, j2) = bounds(0)
        var exponent = 0
        for i in 1..<(2 * n + 2) {
            let k1 = j1
            swap(&v0, &v1)
            swap(&v0s, &v1s)
            for q in v1.indices { v1[q] = 0 }
            (j1, j2) = bounds(i)
            let powers = (i == 1 || i == 2 * n + 1) ? gpower : (i % 2 == 1 ? twogpower : onem2gpower)
            let ln2 = j2 - k1 + 1
            if ln2 > 0 {
                // numpy slicing: V0[k1 − V0s : k1 − V0s + ln2], clipped to the array.
                let start = max(0, k1 - v0s), end = min(npwrs, k1 - v0s + ln2)
                let a = start < end ? Array(v0[start..<end]) : []
                let b = Array(powers[0..<min(ln2, npwrs)])
                let convStart = j1 - k1, convLength = j2 - j1 + 1
                if !a.isEmpty && convLength > 0 {
                    for q in 0..<convLength {
                        let index = convStart + q
                        var s = 0.0
                        // full convolution: c[index] = Σ a[r]·b[index − r]
                        let lo = max(0, index - (b.count - 1)), hi = min(a.count - 1, index)
                        if lo <= hi { for r in lo...hi { s += a[r] * b[index - r] } }
                        if q < npwrs { v1[q] = s }
                    }
                }
                let top = v1.max() ?? 0
                if top > 0 && top < twoToMinus128 {
                    for q in v1.indices { v1[q] *= twoTo128 }
                    exponent -= 128
                }
                v1s = v0s + j1 - k1
            }
        }
        let index = n - v1s
        var answer = index >= 0 && index < npwrs ? v1[index] : 0
        for m in 1...n {
            if abs(answer) > twoTo128 {
                answer *= twoToMinus128
                exponent += 128
            }
            answer *= Double(m)
        }
        if exponent != 0 { answer = scalbn(answer, Int32(exponent)) }
        return answer
    }

    /// P(D_n ≤ x) by the Pelz–Good (1976) expansion, as scipy's `_kolmogn_PelzGood`.
    static func pelzGood(n: Int, x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let pi2 = Double.pi * Double.pi, pi4 = pi2 * pi2, pi6 = pi4 * pi2
        let sqrt2pi = (2 * Double.pi).squareRoot()
        let z = Double(n).squareRoot() * x
        let z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2
        let qlog = -pi2 / 8 / z2
        if qlog < -708 { return 0 }
        var q = exp(qlog)
        let k1a = -z2, k1b = pi2 / 4
        let k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16
        let k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16
        let k3b = pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * pow(z, 8)
        var k0to3 = [0.0, 0, 0, 0]
        let maxk = Int((16 * z / Double.pi).rounded(.up))
        var k = maxk
        while k >= 1 {
            let m = Double(2 * k - 1)
            let m2 = m * m, m4 = m2 * m2, m6 = m4 * m2
            let qpower = pow(q, Double(8 * k))
            let coefficients = [1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6]
            for i in 0..<4 { k0to3[i] = k0to3[i] * qpower + coefficients[i] }
            k -= 1
        }
        let divisors = [z, 6 * z4, 72 * pow(z, 7), 6480 * pow(z, 10)]
        for i in 0..<4 { k0to3[i] = k0to3[i] * q * sqrt2pi / divisors[i] }
        q = exp(-pi2 / 2 / z2)
        var k2extra = 0.0, k3extra = 0.0
        let sqrt3z = 3.0.squareRoot() * z
        for kk in stride(from: maxk, through: 1, by: -1) {
            let kd = Double(kk), k2 = kd * kd
            let qp = pow(q, k2)
            k2extra += k2 * qp
            let kspi = Double.pi * kd
            k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * k2 * qp
        }
        k0to3[2] += k2extra * pi2 * sqrt2pi / (-36 * z3)
        k0to3[3] += k3extra * pi2 * sqrt2pi / (216 * z6)
        var total = 0.0
        for i in 0..<4 { total += k0to3[i] / pow(Double(n), Double(i) / 2) }
        return total
    }
}
