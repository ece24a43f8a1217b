import Foundation
import Testing
import FathomCore

/// Label-shift estimators on data whose target prior is known: three Gaussian classes with
/// the Bayes posterior as the model, so the estimators' only error is sampling error.
@Suite("Label-shift estimation with a known prior")
struct LabelShiftConvergenceTests {
    static let means = [-2.0, 0.0, 2.0]
    static let sourcePrior = [1.0 / 3, 1.0 / 3, 1.0 / 3]
    static let targetPrior = [0.6, 0.3, 0.1]

    /// n draws from the mixture with `prior`: the Bayes posteriors under the source prior,
    /// and the labels.
    static func draw(_ n: Int, prior: [Double], random g: inout Xoshiro256) throws -> (Matrix, [Int]) {
        var noise = [Double](repeating: 0, count: n)
        try noise.withUnsafeMutableBufferPointer { try g.fillNormal($0) }
        var storage = [Double](repeating: 0, count: 3 * n)
        var labels = [Int](repeating: 0, count: n)
        for i in 0..<n {
            let u = g.nextUniform()
            let y = u < prior[0] ? 0 : u < prior[0] + prior[1] ? 1 : 2
            labels[i] = y
            let x = means[y] + noise[i]
            let like = means.indices.map { sourcePrior[$0] * exp(-0.5 * (x - means[$0]) * (x - means[$0])) }
            let total = like.reduce(0, +)
            for k in 0..<3 { storage[3 * i + k] = like[k] / total }
        }
        return (Matrix(rows: n, cols: 3, storage: storage), labels)
    }

    /// Mean over seeds of max |estimated − true| for BBSE and EM.
    static func errors(_ n: Int) throws -> (bbse: Double, em: Double) {
        var b = 0.0, e = 0.0
        let seeds: [UInt64] = [1, 2, 3, 4, 5]
        for seed in seeds {
            var g = Xoshiro256(seed: seed)
            let (pv, yv) = try draw(n, prior: sourcePrior, random: &g)
            let (pt, _) = try draw(n, prior: targetPrior, random: &g)
            let bbse = try LabelShift.bbse(validation: pv, labels: yv, target: pt, soft: false)
            b += zip(bbse.targetPrior, targetPrior).map { abs($0 - $1) }.max()!
            let em = try LabelShift.expectationMaximization(target: pt, sourcePrior: LabelShift.prior(yv, classes: 3))
            e += zip(em.prior, targetPrior).map { abs($0 - $1) }.max()!
        }
        return (b / Double(seeds.count), e / Double(seeds.count))
    }

    @Test("the error shrinks as the samples grow, about as 1/√n")
    func convergence() throws {
        let small = try Self.errors(500), large = try Self.errors(50_000)
        #expect(large.bbse < small.bbse / 4, "BBSE: \(small.bbse) → \(large.bbse)")
        #expect(large.em < small.em / 4, "EM: \(small.em) → \(large.em)")
        #expect(large.bbse < 0.015 && large.em < 0.01, "BBSE \(large.bbse), EM \(large.em)")
    }

    @Test("reweighting the posteriors by the true weights gives the target's Bayes posteriors")
    func reweighting() throws {
        var g = Xoshiro256(seed: 9)
        let (p, _) = try Self.draw(50, prior: Self.targetPrior, random: &g)
        let w = zip(Self.targetPrior, Self.sourcePrior).map { $0 / $1 }
        let adjusted = LabelShift.reweight(p, weights: w)
        for i in 0..<p.rows {
            // Recover the likelihood ratios from the source posterior and apply the target prior.
            let expected = (0..<3).map { p[i, $0] * w[$0] }
            let total = expected.reduce(0, +)
            for k in 0..<3 { #expect(abs(adjusted[i, k] - expected[k] / total) < 1e-15) }
        }
    }

    @Test("small dense algebra: solve and singular values")
    func linearAlgebra() {
        let a = Matrix(rowArrays: [[4, 1, 0], [1, 3, 1], [0, 1, 2]])
        let x = SmallDense.solve(a, [1, 2, 3])!
        let back = (0..<3).map { i in (0..<3).reduce(0.0) { $0 + a[i, $1] * x[$1] } }
        #expect(zip(back, [1.0, 2, 3]).allSatisfy { abs($0 - $1) < 1e-14 })
        // A symmetric positive definite matrix: singular values are its eigenvalues,
        // 3 + √3, 3, 3 − √3.
        let s = SmallDense.singularValues(a)
        #expect(abs(s[0] - (3 + 3.0.squareRoot())) < 1e-13 && abs(s[1] - 3) < 1e-13 && abs(s[2] - (3 - 3.0.squareRoot())) < 1e-13)
        #expect(SmallDense.solve(Matrix(rowArrays: [[1, 2], [2, 4]]), [1, 1]) == nil)
        #expect(SmallDense.conditionNumber(Matrix(rowArrays: [[1, 0], [0, 0]])) == .infinity)
    }
}
