/// The classifier two-sample test (Lopez-Paz & Oquab 2017): a logistic regression learns to
/// tell the samples apart; cross-fitted over K folds, its held-out accuracy is compared with
/// what guessing achieves. Guessing the larger sample's label is right max(m, n)/N of the
/// time (1/2 for equal sizes), so the p-value is P(Binomial(N, max(m, n)/N) ≥ correct).
public enum ClassifierTwoSample {
    public struct Result: Sendable {
        public var accuracy: Double
        public var chance: Double
        public var correct: Int
        public var pvalue: Double
        /// Held-out P(from the second sample) for every pooled row, X first.
        public var scores: [Double]
    }

    public static func test(_ x: Matrix, _ y: Matrix, folds: Int, l2: Double, random: inout Xoshiro256) throws -> Result {
        let m = x.rows, n = y.rows, total = m + n, d = x.cols
        let pooled = Matrix(rows: total, cols: d, storage: x.storage + y.storage)
        let labels = [Int](repeating: 0, count: m) + [Int](repeating: 1, count: n)
        // Folds: a seeded shuffle of each sample separately, dealt round-robin, so every fold
        // holds both samples in proportion.
        var fold = [Int](repeating: 0, count: total)
        for (start, count) in [(0, m), (m, n)] {
            var order = Array(start..<(start + count))
            for k in stride(from: count - 1, to: 0, by: -1) { order.swapAt(k, random.nextInt(below: k + 1)) }
            for (position, row) in order.enumerated() { fold[row] = position % folds }
        }
        var scores = [Double](repeating: .nan, count: total)
        for f in 0..<folds {
            try Interruption.check()
            let train = (0..<total).filter { fold[$0] != f }, test = (0..<total).filter { fold[$0] == f }
            guard !test.isEmpty, train.contains(where: { labels[$0] != labels[train[0]] }) else { continue }
            let model = try LogisticRegression.fit(pooled.selectingRows(train), labels: train.map { labels[$0] }, classes: 2, l2: l2, standardize: true).model
            let p = try model.probabilities(pooled.selectingRows(test))
            for (k, row) in test.enumerated() { scores[row] = p[k, 1] }
        }
        var correct = 0
        for i in 0..<total where scores[i].isFinite && (scores[i] >= 0.5 ? 1 : 0) == labels[i] { correct += 1 }
        let chance = Double(max(m, n)) / Double(total)
        let p = Distribution.binomialUpperTail(correct, trials: total, probability: chance)
        return Result(accuracy: Double(correct) / Double(total), chance: chance, correct: correct, pvalue: p, scores: scores)
    }
}
