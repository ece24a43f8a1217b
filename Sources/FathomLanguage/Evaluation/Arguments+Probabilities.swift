import FathomCore

extension Arguments {
    /// Class probabilities: an N×K matrix whose rows sum to 1, or a vector of P(y = 1) for two
    /// classes (taken as the matrix [1 − q, q]). Returns the matrix and whether it came as a
    /// vector.
    public func probabilities(_ name: String) throws -> (matrix: Matrix, binary: Bool) {
        let (matrix, binary) = try probabilityMatrix(name)
        try checkProbabilities(name, matrix, binary: binary)
        return (matrix, binary)
    }

    /// Probabilities and labels with their top-label view, checked: the check of the
    /// probabilities and the top-label pass share one read of the matrix.
    public func topLabel(_ name: String, labels labelName: String) throws -> (matrix: Matrix, binary: Bool, labels: [Int], top: TopLabel) {
        let (matrix, binary) = try probabilityMatrix(name)
        let raw = try rawLabels(labelName)
        if raw.count == matrix.rows, matrix.rows > 0, let top = TopLabel(ifValid: matrix, labels: raw) {
            let y = try classLabels(labelName, rows: matrix.rows, classes: matrix.cols)
            return (matrix, binary, y, top)
        }
        try checkProbabilities(name, matrix, binary: binary)
        let y = try classLabels(labelName, rows: matrix.rows, classes: matrix.cols)
        return (matrix, binary, y, TopLabel(probabilities: matrix, labels: y))
    }

    /// The matrix of a probability argument, unchecked.
    func probabilityMatrix(_ name: String) throws -> (matrix: Matrix, binary: Bool) {
        let v = try required(name)
        let matrix: Matrix, binary: Bool
        switch v {
        case .matrix(let m):
            matrix = m
            binary = false
        case .vector(.numbers(let q)):
            var storage = [Double](repeating: 0, count: 2 * q.count)
            for i in q.indices { storage[2 * i] = 1 - q[i]; storage[2 * i + 1] = q[i] }
            matrix = Matrix(rows: q.count, cols: 2, storage: storage)
            binary = true
        default:
            throw mismatch(name, expected: "probabilities (N×K matrix or vector)")
        }
        return (matrix, binary)
    }

    /// Throws the precise error for a matrix that does not hold probabilities.
    func checkProbabilities(_ name: String, _ matrix: Matrix, binary: Bool) throws {
        do {
            try ProbabilityCheck.check(matrix)
        } catch let problem as ProbabilityProblem {
            let f = builtin.name
            switch problem {
            case .empty:
                throw invalid(name, "\(f)(): \(name) has no rows; there is nothing to measure")
            case .notFinite(let r, let c):
                throw invalid(name, "\(f)(): \(name) has a missing or infinite value at row \(r)\(binary ? "" : ", column \(c)")")
            case .outOfRange(let r, let c, let x):
                var notes: [String] = []
                if !binary { notes.append("if these are logits, turn them into probabilities with softmax(\(name))") } else { notes.append("if these are scores or logits, use sigmoid(\(name))") }
                throw invalid(name, "\(f)(): \(name) holds \(NumberFormat.short(x)) at row \(r)\(binary ? "" : ", column \(c)"); probabilities lie in [0, 1]", notes: notes)
            case .rowSum(let r, let sum):
                throw invalid(name, "\(f)(): row \(r) of \(name) sums to \(NumberFormat.short(sum, digits: 8)); each row of probabilities must sum to 1 (within \(NumberFormat.short(ProbabilityCheck.rowSumTolerance)))",
                              notes: ["if these are logits, use softmax(\(name)); if they are unnormalised scores, divide by rowsums(\(name))"])
            default:
                throw invalid(name, "\(f)(): \(name) is not a probability matrix")
            }
        }
    }

    /// Class labels 0..<classes, one per row.
    /// `counted` says what the labels are counted against, for the length message: "the
    /// probabilities have 3 rows" by default.
    public func classLabels(_ name: String, rows: Int, classes: Int, counted: String? = nil) throws -> [Int] {
        let y = try rawLabels(name)
        do {
            return try ProbabilityCheck.labels(y, rows: rows, classes: classes)
        } catch let problem as ProbabilityProblem {
            let f = builtin.name
            switch problem {
            case .labelCount(let l, let r):
                throw invalid(name, "\(f)(): \(name) has \(l) labels but \(counted ?? "the probabilities have \(r) rows")")
            case .labelNotWhole(let i, let v):
                throw invalid(name, "\(f)(): the label at position \(i) is \(NumberFormat.short(v)); labels are whole numbers 0…\(classes - 1)")
            case .labelOutOfRange(let i, let l, let k):
                throw invalid(name, "\(f)(): label \(l) at position \(i) is out of range for \(k) classes (0…\(k - 1))")
            default:
                throw invalid(name, "\(f)(): bad labels")
            }
        }
    }

    /// Labels as numbers, unchecked. Text labels become positions in the sorted list of the
    /// names present, as fit_logistic numbers its classes.
    func rawLabels(_ name: String) throws -> [Double] {
        switch try required(name) {
        case .vector(.numbers(let v)): return v
        case .vector(.bools(let b)): return b.map { $0 ? 1 : 0 }
        case .vector(.strings(let s)):
            let names = Array(Set(s)).sorted()
            let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Double($0)) })
            return s.map { index[$0]! }
        case .number(let x): return [x]
        default: throw mismatch(name, expected: "class labels (a vector of whole numbers 0…K−1, or text)")
        }
    }

    /// Optional per-example weights: finite, non-negative, not all zero, one per row.
    public func weights(_ name: String, rows: Int) throws -> [Double]? {
        guard let v = value(name), !v.isNull else { return nil }
        let w = try vector(name)
        guard w.count == rows else { throw invalid(name, "\(builtin.name)(): \(w.count) weight\(w.count == 1 ? "" : "s") for \(rows) row\(rows == 1 ? "" : "s"); give one weight per example") }
        if let i = w.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw invalid(name, "\(builtin.name)(): the weight at position \(i) is \(NumberFormat.short(w[i])); weights must be finite and ≥ 0")
        }
        guard w.contains(where: { $0 > 0 }) else { throw invalid(name, "\(builtin.name)(): every weight is 0") }
        return w
    }

    /// The confidence level asked for with ci= (true means 0.95), or nil.
    public func confidenceLevel(_ name: String = "ci") throws -> Double? {
        guard let v = value(name), !v.isNull else { return nil }
        switch v {
        case .bool(let b): return b ? 0.95 : nil
        case .number(let x):
            guard x > 0, x < 1 else { throw invalid(name, "\(builtin.name)(): ci is a confidence level between 0 and 1, such as 0.95; got \(NumberFormat.short(x))") }
            return x
        default: throw mismatch(name, expected: "a confidence level such as 0.95")
        }
    }
}
