import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import FathomCore

/// The forecastability loss and its gradient against central finite differences, at each
/// stage: dL/dℓ, dL/dlogits, and dL/dparameters of a softmax regression and an MLP.
@Suite("Forecastability loss")
struct ForecastabilityTests {
    /// A pool of logits with a heavy-ish upper tail of failures.
    static func pool(_ n: Int, classes: Int, seed: UInt64) -> (Matrix, [Int]) {
        var r = Xoshiro256(seed: seed)
        var z = Matrix(rows: n, cols: classes, storage: [Double](repeating: 0, count: n * classes))
        var y = [Int](repeating: 0, count: n)
        for i in 0..<n {
            y[i] = r.nextInt(below: classes)
            let margin = 1 + 6 * r.nextUniform()
            for c in 0..<classes { z[i, c] = r.nextNormal() + (c == y[i] ? margin : 0) }
        }
        return (z, y)
    }

    static func parts(_ pool: Int, m: Int, n: Int, count: Int, seed: UInt64) -> [Forecastability.Partition] {
        var r = Xoshiro256(seed: seed)
        var order: [Int] = []
        return try! Forecastability.partitions(pool: pool, m: m, n: n, count: count, order: &order, random: &r)
    }

    @Test("partitions are disjoint, of sizes m and n, and seeded")
    func partitions() throws {
        let p = ForecastabilityTests.parts(500, m: 100, n: 300, count: 5, seed: 3)
        for part in p {
            #expect(part.evaluation.count == 100 && part.deployment.count == 300)
            #expect(Set(part.evaluation).isDisjoint(with: part.deployment))
            #expect(Set(part.evaluation + part.deployment).count == 400)
        }
        #expect(ForecastabilityTests.parts(500, m: 100, n: 300, count: 5, seed: 3).map(\.evaluation) == p.map(\.evaluation))
        var r = Xoshiro256(seed: 1)
        var order: [Int] = []
        #expect(throws: Forecastability.Problem.poolTooSmall(pool: 10, need: 12)) {
            try Forecastability.partitions(pool: 10, m: 4, n: 8, count: 1, order: &order, random: &r)
        }
    }

    @Test("log failure probability is log(1 − p_y), exact where 1 − p_y rounds")
    func logFailure() {
        let z = Matrix(rows: 2, cols: 3, storage: [2, 0, -1, 40, 0, 0])
        let l = Forecastability.logFailure(logits: z, labels: [0, 0])
        let e = [exp(2.0), 1, exp(-1.0)]
        #expect(abs(l[0] - log((e[1] + e[2]) / (e[0] + e[1] + e[2]))) < 1e-14)
        // 1 − p_y = 2e^−40/(1 + 2e^−40): log of it is −40 + log 2 − log1p(2e^−40).
        #expect(abs(l[1] - (-40 + log(2.0))) < 1e-12)
    }

    @Test("a confidently wrong row keeps a finite score and an accurate gradient")
    func confidentlyWrong() {
        // p_y = σ(−50): p_fail = 1 − e^−50 to double precision, yet ℓ = −softplus(−50)
        // ≈ −e^−50 is exact and ψ = −log(−ℓ) ≈ 50; a gap of 2000 is held at the cap.
        let z = Matrix(rows: 2, cols: 2, storage: [0, -50, 0, -2000])
        let l = Forecastability.logFailure(logits: z, labels: [1, 1])
        #expect(abs(l[0] / -log1p(exp(-50.0)) - 1) < 1e-14)
        #expect(abs(-log(-l[0]) - 50) < 1e-12)
        #expect(l[1] == Forecastability.largestLogFailure && (-log(-l[1])).isFinite)
        // dψ/dz = (−1/ℓ)·dℓ/dz: ±σ(d)/softplus(d) ≈ ±1, where r − q would cancel to 0.
        let g = Forecastability.logitGradient(logits: z, labels: [1, 1], [-1 / l[0], 0])
        #expect(abs(g[0, 0] - 1) < 1e-12 && abs(g[0, 1] + 1) < 1e-12)
        #expect(g[1, 0] == 0 && g[1, 1] == 0)
    }

    @Test("dL/dℓ and dL/dz agree with central differences, with the hard and the smooth maximum", arguments: [
        (GumbelTail.Positions.empirical, Forecastability.Scale.log10, nil), (.unbiased, .log10, nil), (.empirical, .score, nil),
        (.empirical, .log10, 0.3), (.empirical, .score, 1.0),
    ] as [(GumbelTail.Positions, Forecastability.Scale, Double?)])
    func gradients(_ positions: GumbelTail.Positions, _ scale: Forecastability.Scale, _ smoothing: Double?) throws {
        let (z, y) = ForecastabilityTests.pool(600, classes: 4, seed: 11)
        let parts = ForecastabilityTests.parts(600, m: 80, n: 400, count: 6, seed: 5)
        func loss(_ z: Matrix) throws -> Double {
            try Forecastability.evaluate(logFailure: Forecastability.logFailure(logits: z, labels: y), partitions: parts, k: 10, positions: positions, scale: scale, smoothing: smoothing, gradient: false).loss
        }
        let l = Forecastability.logFailure(logits: z, labels: y)
        let e = try Forecastability.evaluate(logFailure: l, partitions: parts, k: 10, positions: positions, scale: scale, smoothing: smoothing, gradient: true)
        #expect(e.skipped == 0 && e.loss > 0)
        let g = try #require(e.gradient)
        let touched = g.indices.filter { g[$0] != 0 }
        #expect(touched.count >= 10)
        // dL/dℓ on every index the loss depends on, and on a few it does not.
        for i in touched.prefix(40) + [0, 1, 2] {
            let h = 1e-6 * max(1, abs(l[i]))
            var up = l, down = l
            up[i] += h; down[i] -= h
            let fd = (try Forecastability.evaluate(logFailure: up, partitions: parts, k: 10, positions: positions, scale: scale, smoothing: smoothing, gradient: false).loss
                      - Forecastability.evaluate(logFailure: down, partitions: parts, k: 10, positions: positions, scale: scale, smoothing: smoothing, gradient: false).loss) / (2 * h)
            #expect(abs(fd - g[i]) <= 1e-5 * max(1, abs(g[i])), "ℓ[\(i)]: analytic \(g[i]), differences \(fd)")
        }
        let gz = Forecastability.logitGradient(logits: z, labels: y, g)
        for i in touched.prefix(12) {
            for c in 0..<4 {
                var up = z, down = z
                up[i, c] += 1e-6; down[i, c] -= 1e-6
                let fd = (try loss(up) - loss(down)) / 2e-6
                #expect(abs(fd - gz[i, c]) <= 1e-5 * max(1, abs(gz[i, c])), "z[\(i), \(c)]: analytic \(gz[i, c]), differences \(fd)")
            }
        }
    }

    @Test("the fine-tuning objective's parameter gradient agrees with central differences", arguments: [0, 1])
    func parameterGradient(_ hidden: Int) throws {
        var r = Xoshiro256(seed: 21)
        let n = 400, d = 5, k = 3
        let x = Matrix(rows: n, cols: d, storage: (0..<(n * d)).map { _ in r.nextNormal() })
        let y = (0..<n).map { i in x[i, 0] + 0.5 * x[i, 1] > 0.3 ? 0 : (x[i, 2] > 0 ? 1 : 2) }
        var sizes = [d]
        if hidden > 0 { sizes.append(6) }
        sizes.append(k)
        var layers: [Model.Layer] = []
        for l in 1..<sizes.count {
            layers.append(Model.Layer(weights: Matrix(rows: sizes[l], cols: sizes[l - 1], storage: (0..<(sizes[l] * sizes[l - 1])).map { _ in 1.5 * r.nextNormal() }),
                                      bias: (0..<sizes[l]).map { _ in 0.3 * r.nextNormal() }, activation: l == sizes.count - 1 ? .identity : .tanh))
        }
        var options = Finetuning.Options()
        options.lambda = 0.7; options.m = 60; options.n = 300; options.k = 8; options.partitions = 4; options.l2 = 0.01
        func value(_ layers: [Model.Layer]) throws -> Double {
            var order: [Int] = [], rr = Xoshiro256(seed: 9)
            let (ce, f, _) = try Finetuning.objective(layers, x, y, options, order: &order, random: &rr)
            var penalty = 0.0
            for layer in layers { for w in layer.weights.storage { penalty += 0.5 * options.l2 * w * w } }
            return ce + options.lambda * f + penalty
        }
        var order: [Int] = [], rr = Xoshiro256(seed: 9)
        let (_, f, grads) = try Finetuning.objective(layers, x, y, options, order: &order, random: &rr)
        #expect(f.isFinite && f > 0)
        for l in layers.indices {
            for w in stride(from: 0, to: layers[l].weights.count, by: 2) {
                var up = layers, down = layers
                up[l].weights.storage[w] += 1e-6; down[l].weights.storage[w] -= 1e-6
                let fd = (try value(up) - value(down)) / 2e-6
                #expect(abs(fd - grads[l].0[w]) <= 2e-5 * max(1, abs(fd)), "layer \(l) weight \(w): analytic \(grads[l].0[w]), differences \(fd)")
            }
            for b in layers[l].bias.indices {
                var up = layers, down = layers
                up[l].bias[b] += 1e-6; down[l].bias[b] -= 1e-6
                let fd = (try value(up) - value(down)) / 2e-6
                #expect(abs(fd - grads[l].1[b]) <= 2e-5 * max(1, abs(fd)), "layer \(l) bias \(b): analytic \(grads[l].1[b]), differences \(fd)")
            }
        }
    }
}

fileprivate extension Xoshiro256 {
    mutating func nextNormal() -> Double {
        let u = max(nextUniform(), 1e-300), v = nextUniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
