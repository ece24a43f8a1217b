import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import FathomCore
import FathomTestSupport

/// The training experiment's pieces: the split by source group, the temperature, and a small
/// run whose metrics are checked against their definitions.
@Suite("Training experiment")
struct TrainingExperimentTests {
    @Test("each seed deals whole groups into three thirds; seeds differ, a seed repeats")
    func thirds() {
        let groups = (0..<600).map { $0 % 60 }
        let a = TrainingExperiment.thirds(groups: groups, groupCount: 60, seed: 1)
        #expect(a.map(\.count) == [200, 200, 200], "60 groups of 10 rows, 20 groups a third")
        #expect(Set(a.flatMap { $0 }).count == 600)
        for part in a {
            let inside = Set(part.map { groups[$0] })
            for (j, other) in a.enumerated() where other != part { #expect(inside.isDisjoint(with: other.map { groups[$0] }), "third \(j) shares a group") }
        }
        #expect(TrainingExperiment.thirds(groups: groups, groupCount: 60, seed: 1) == a)
        #expect(TrainingExperiment.thirds(groups: groups, groupCount: 60, seed: 2) != a)
    }

    @Test("a temperature divides the output logits")
    func temperature() throws {
        let (model, x, _) = FinetuningSmoothBatchTests.problem(rows: 20)
        let z = try model.logits(x), z2 = try TrainingExperiment.scaled(model, temperature: 2).logits(x)
        #expect(agrees(z2.storage, z.storage.map { $0 / 2 }, rel: 1e-14, abs: 1e-15))
    }

    /// A 1800-row problem in 300 groups of 6, every 97th row rare, and a quick setup: two
    /// splits, two λ, ten steps.
    static func small() -> (Model, Matrix, [Int], [Int], [Bool], TrainingExperiment.Setup) {
        let (model, x, y) = FinetuningSmoothBatchTests.problem(rows: 1800, seed: 5)
        var setup = TrainingExperiment.Setup()
        setup.seeds = 2
        setup.lambdas = [0.05, 0.2]
        setup.upweight = 3
        setup.judgePartitions = 20
        setup.options.steps = 10; setup.options.learningRate = 0.01
        setup.options.m = 100; setup.options.n = 400; setup.options.k = 8; setup.options.partitions = 4
        return (model, x, y, (0..<1800).map { $0 / 6 }, (0..<1800).map { $0 % 97 == 0 }, setup)
    }

    @Test("a small run: seeded, every method judged on the same partitions, under + over = mean |error|")
    func run() throws {
        let (model, x, y, groups, rare, setup) = Self.small()
        let runs = try TrainingExperiment.run(base: model, x: x, labels: y, groups: groups, groupCount: 300, rare: rare, setup: setup)
        #expect(runs.count == 2 && runs.map(\.seed) == [1, 2])
        #expect(runs.allSatisfy { setup.lambdas.contains($0.lambda) && $0.temperature > 0 })
        for r in runs {
            #expect(r.rareRows.reduce(0, +) == rare.filter { $0 }.count)
            for m in TrainingExperiment.Method.allCases {
                let x = try #require(r.metrics[m])
                #expect(x.forecasts > 0)
                #expect(agrees(x.under + x.over, x.meanAbsolute, rel: 1e-12), "\(m): under + over is the mean |error|")
                #expect(x.ordinaryFailure >= 0 && x.ordinaryFailure <= 1 && x.ece >= 0 && x.ece <= 1)
            }
        }
        // The base model is judged as given: its held-out ordinary failure rate by hand.
        let third = TrainingExperiment.thirds(groups: groups, groupCount: 300, seed: 1)[2]
        let p = RowOperations.softmax(try model.logits(x.selectingRows(third)))
        var wrong = 0.0, ordinary = 0.0
        for (j, i) in third.enumerated() where !rare[i] {
            var best = 0
            for k in 1..<p.cols where p[j, k] > p[j, best] { best = k }
            wrong += best == y[i] ? 0 : 1
            ordinary += 1
        }
        #expect(agrees(runs[0].metrics[.base]!.ordinaryFailure, wrong / ordinary, rel: 1e-15))
        let again = try TrainingExperiment.run(base: model, x: x, labels: y, groups: groups, groupCount: 300, rare: rare, setup: setup)
        #expect(again.map { $0.metrics[.forecastability]!.meanAbsolute } == runs.map { $0.metrics[.forecastability]!.meanAbsolute })
    }

    @Test("fine-tuning seeds: the first repeats the design without them; full-batch plain is shared, the λ model and batched plain vary")
    func tuneSeeds() throws {
        let (model, x, y, groups, rare, small) = Self.small()
        var setup = small
        let one = try TrainingExperiment.run(base: model, x: x, labels: y, groups: groups, groupCount: 300, rare: rare, setup: setup)
        setup.tuneSeeds = 3
        let three = try TrainingExperiment.run(base: model, x: x, labels: y, groups: groups, groupCount: 300, rare: rare, setup: setup)
        #expect(three.map(\.seed) == [1, 1, 1, 2, 2, 2] && three.map(\.tuneSeed) == [1, 2, 3, 1, 2, 3])
        #expect(TrainingExperiment.tuningSeed(split: 2, tune: 1) == 2)
        let distinct = Set((1...3).flatMap { s in (1...3).map { TrainingExperiment.tuningSeed(split: s, tune: $0) } })
        #expect(distinct.count == 9, "every split and fine-tuning seed trains with its own seed")
        for (a, b) in zip(one, three.filter { $0.tuneSeed == 1 }) {
            for m in TrainingExperiment.Method.allCases {
                #expect(a.metrics[m]!.meanAbsolute == b.metrics[m]!.meanAbsolute, "\(m): the first fine-tuning seed is the split's own")
            }
        }
        for split in [1, 2] {
            let runs = three.filter { $0.seed == split }
            // Base and full-batch plain fine-tuning draw nothing at random: one model per split.
            #expect(Set(runs.map { $0.metrics[.plain]!.meanAbsolute }).count == 1)
            #expect(Set(runs.map { $0.metrics[.upweighted]!.ece }).count == 1)
            #expect(Set(runs.map { $0.metrics[.base]!.meanAbsolute }).count == 1)
        }
        #expect(Set(three.filter { $0.seed == 1 }.map { $0.metrics[.forecastability]!.meanAbsolute }).count > 1,
                "the λ model's training partitions change with the fine-tuning seed")
        // With mini-batches plain fine-tuning draws its batches, so it varies too.
        setup.options.batch = 520
        let batched = try TrainingExperiment.run(base: model, x: x, labels: y, groups: groups, groupCount: 300, rare: rare, setup: setup)
        #expect(Set(batched.filter { $0.seed == 1 }.map { $0.metrics[.plain]!.ece }).count == 3)
        #expect(batched.allSatisfy { r in r.metrics.values.allSatisfy { agrees($0.under + $0.over, $0.meanAbsolute, rel: 1e-12) } })
    }
}
