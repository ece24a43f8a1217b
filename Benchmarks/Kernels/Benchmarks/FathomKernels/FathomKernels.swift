import Benchmark
import FathomCore

/// Seeded inputs, made once per process, outside the measured part.
enum Inputs {
    static func uniform(_ n: Int, seed: UInt64) -> [Double] {
        var random = Xoshiro256(seed: seed)
        return (0..<n).map { _ in random.nextUniform() }
    }

    static func normal(_ n: Int, seed: UInt64) -> [Double] {
        var out = [Double](repeating: 0, count: n)
        var random = Xoshiro256(seed: seed)
        out.withUnsafeMutableBufferPointer { try? random.fillNormal($0) }
        return out
    }

    /// A CSV file of 200 000 rows: an integer id, three floats, a text label.
    static let csv: [UInt8] = {
        let x = uniform(600_000, seed: 1)
        var text = "id,a,b,c,label\n"
        text.reserveCapacity(200_000 * 64)
        for i in 0..<200_000 {
            text += "\(i),\(x[3 * i]),\(x[3 * i + 1]),\(x[3 * i + 2]),\(i % 3 == 0 ? "cat" : "dog")\n"
        }
        return Array(text.utf8)
    }()

    static let confidence = uniform(1_000_000, seed: 2).map { 0.5 + $0 / 2 }
    static let correct: [Double] = zip(uniform(1_000_000, seed: 3), confidence).map { $0 < $1 ? 1 : 0 }
    static let a = normal(1_000_000, seed: 4)
    static let b = normal(1_000_000, seed: 5).map { $0 + 0.01 }
    static let pointsX = Matrix(rows: 1500, cols: 16, storage: normal(1500 * 16, seed: 6))
    static let pointsY = Matrix(rows: 1500, cols: 16, storage: normal(1500 * 16, seed: 7))
    static let failureScores: [Double] = uniform(1_000_000, seed: 8).map { GumbelTail.score($0 * 1e-3) }
    static let features = Matrix(rows: 20_000, cols: 64, storage: normal(20_000 * 64, seed: 9))
    static let labels: [Int] = uniform(20_000, seed: 10).map { Int($0 * 10) }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(5), maxIterations: 50)

    Benchmark("CSV parse, 200 000 rows x 5 columns") { benchmark in
        let bytes = Inputs.csv
        benchmark.startMeasurement()
        blackHole(try CSVReader.read(bytes: bytes, name: "bench.csv"))
    }

    Benchmark("ECE bins, 1 000 000 confidences, 15 equal-width bins") { benchmark in
        let c = Inputs.confidence, r = Inputs.correct
        benchmark.startMeasurement()
        let s = BinStatistics(confidence: c, correct: r, bins: 15, binning: .width)
        blackHole(CalibrationError.expected(s))
    }

    Benchmark("KS two-sample, 1 000 000 against 1 000 000") { benchmark in
        let a = Inputs.a, b = Inputs.b
        benchmark.startMeasurement()
        blackHole(KolmogorovSmirnov.twoSample(a, b))
    }

    Benchmark("MMD kernel and 200 permutations, 1500 + 1500 points in 16 dimensions") { benchmark in
        let x = Inputs.pointsX, y = Inputs.pointsY
        var random = Xoshiro256(seed: 11)
        benchmark.startMeasurement()
        blackHole(try KernelTwoSample.test(x, y, kind: .mmd(sigma: nil), permutations: 200, random: &random))
    }

    Benchmark("Gumbel tail fit and forecast, top 10 of 1 000 000 scores") { benchmark in
        let s = Inputs.failureScores
        benchmark.startMeasurement()
        blackHole(try GumbelTail.forecast(scores: s, n: 1e8, k: 10, method: .gumbel))
    }

    Benchmark("Fine-tuning, 5 full-batch steps, softmax regression, 20 000 x 64, R = 32") { benchmark in
        let x = Inputs.features, y = Inputs.labels
        let start = try LogisticRegression.fit(x, labels: y, classes: 10, l2: 1e-3, tolerance: 1e-4).model
        var options = Finetuning.Options()
        options.steps = 5
        options.lambda = 0.01
        options.m = 1000
        options.n = 8000
        options.scale = .score
        benchmark.startMeasurement()
        blackHole(try Finetuning.finetune(start, x: x, labels: y, options: options))
    }
}
