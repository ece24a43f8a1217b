#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// Scores, probabilities and matrix arithmetic.
enum MatrixBuiltins {
    static var all: [Builtin] {
        [softmax, logSoftmax, sigmoid, argmax, onehot, rowsums, colsums, rowmeans, colmeans, transpose, matmul]
    }

    static let logits: ParameterKey<RowsInput> = .rows("z", doc: "logits, one row per example")
    static let scoreRows: ParameterKey<RowsInput> = .rows("x", doc: "scores")
    static let scores: ParameterKey<Value> = .value("x", type: "number, vector or matrix", doc: "scores")
    static let labels: ParameterKey<[Double]> = .vector("y", type: "vector of labels", doc: "whole numbers 0…K−1")
    static let classes: ParameterKey<Int?> = .optionalWholeNumber("k", absent: "one more than the largest label", atLeast: 1, doc: "the number of classes K")
    static let matrix: ParameterKey<Matrix> = .matrix("m", doc: "the matrix")
    static let matrixOrVector: ParameterKey<Value> = .value("m", type: "matrix or vector", doc: "the matrix")
    static let leftFactor: ParameterKey<Value> = .value("a", type: "matrix or vector", doc: "left factor (a vector is a row)")
    static let rightFactor: ParameterKey<Value> = .value("b", type: "matrix or vector", doc: "right factor (a vector is a column)")

    static let softmax = Builtin(
        "softmax", area: .matrices,
        parameters: declare(logits),
        returns: "probabilities of the same shape; each row sums to 1",
        summary: "probabilities from logits, row by row",
        doc: "softmax(z)ₖ = exp(zₖ − max z) / Σⱼ exp(zⱼ − max z) along each row (subtracting the row maximum keeps it finite). A vector is one row.",
        examples: ["softmax([1, 2, 3])", "p = softmax(select(load(\"digits/mlp-test\"), \"logit_*\"))"]
    ) { args, _ in
        let (m, vector) = try args[logits]
        let p = RowOperations.softmax(m)
        return vector ? .numbers(p.storage) : .matrix(p.named(m.columnNames))
    }

    static let logSoftmax = Builtin(
        "log_softmax", area: .matrices,
        parameters: declare(logits),
        returns: "log probabilities of the same shape",
        summary: "log probabilities from logits",
        doc: "log_softmax(z)ₖ = zₖ − max z − log Σⱼ exp(zⱼ − max z): the logarithm of softmax, computed without underflow.",
        examples: ["log_softmax([1, 2, 3])"]
    ) { args, _ in
        let (m, vector) = try args[logits]
        let p = RowOperations.logSoftmax(m)
        return vector ? .numbers(p.storage) : .matrix(p.named(m.columnNames))
    }

    static let sigmoid = Builtin(
        "sigmoid", area: .matrices,
        parameters: declare(scores),
        returns: "the same shape, values in (0, 1)",
        summary: "the logistic function 1 / (1 + e^−x)",
        doc: "sigmoid(x) = 1 / (1 + exp(−x)) elementwise: the probability of class 1 from a binary logit.",
        examples: ["sigmoid(0)", "sigmoid([-2, 0, 2])"]
    ) { args, _ in
        try MathBuiltins.mapNumbers(try args[scores], args, scores, SpecialFunctions.sigmoid)
    }

    static let argmax = Builtin(
        "argmax", area: .matrices,
        parameters: declare(scoreRows),
        returns: "a vector of positions (one per row), or a position",
        summary: "position of the largest value in each row",
        doc: "argmax(p) is, for each row, the position (0-based) of its largest entry: the predicted class. Ties go to the lowest position; a NaN counts as the largest (the first NaN's position, as numpy, and as max() gives NaN). For a vector, the position of its largest element.",
        examples: ["argmax([0.1, 0.7, 0.2])", "argmax([[1, 3], [5, 2]])"]
    ) { args, _ in
        let (m, vector) = try args[scoreRows]
        guard m.cols > 0 else { throw args.invalid(scoreRows, "argmax() of an empty row is undefined") }
        let a = RowOperations.argmax(m).map(Double.init)
        return vector ? .number(a[0]) : .numbers(a)
    }

    static let onehot = Builtin(
        "onehot", area: .matrices,
        parameters: declare(labels, classes),
        returns: "an N×K matrix of 0s and 1s",
        summary: "labels as indicator rows",
        doc: "onehot(y) has a row per label with a 1 in the label's column and 0 elsewhere.",
        examples: ["onehot([0, 2, 1])", "onehot([1, 0], k=3)"]
    ) { args, context in
        let y = try args[labels]
        if let i = y.firstIndex(where: { $0 < 0 || $0 != $0.rounded() || !$0.isFinite }) {
            throw args.invalid(labels, "onehot(): labels must be whole numbers 0…K−1; label \(i) is \(NumberFormat.short(y[i]))")
        }
        let largest = y.max() ?? -1
        let k: Int
        if let given = try args[classes] {
            if largest >= Double(given) { throw args.invalid(classes, "onehot(): label \(NumberFormat.short(largest)) needs k > \(NumberFormat.short(largest)), got k=\(given)") }
            k = given
        } else {
            // Checked as a double first: a label of 1e19 is no Int.
            try context.checkSize(Double(y.count) * (largest + 1), at: try args.range(labels), what: "matrix elements")
            k = Int(largest) + 1
        }
        try context.checkSize(Double(y.count) * Double(k), at: args.callRange, what: "matrix elements")
        var m = Matrix(rows: y.count, cols: k)
        for (i, label) in y.enumerated() { m[i, Int(label)] = 1 }
        return .matrix(m)
    }

    static func reduce(_ name: String, _ summary: String, _ doc: String, rows: Bool, mean: Bool) -> Builtin {
        Builtin(name, area: .matrices, parameters: declare(matrix), returns: "a vector",
                summary: summary, doc: doc, examples: ["\(name)([[1, 2], [3, 4]])"]) { args, _ in
            let m = try args[matrix]
            var v = rows ? RowOperations.rowSums(m) : RowOperations.columnSums(m)
            if mean {
                let n = Double(rows ? m.cols : m.rows)
                v = v.map { n > 0 ? $0 / n : .nan }
            }
            return .numbers(v)
        }
    }

    static let rowsums = reduce("rowsums", "sum of each row", "rowsums(m) adds each row's entries (pairwise summation): one number per row.", rows: true, mean: false)
    static let colsums = reduce("colsums", "sum of each column", "colsums(m) adds each column's entries: one number per column.", rows: false, mean: false)
    static let rowmeans = reduce("rowmeans", "mean of each row", "rowmeans(m) is each row's mean: one number per row.", rows: true, mean: true)
    static let colmeans = reduce("colmeans", "mean of each column", "colmeans(m) is each column's mean: one number per column; on probabilities, the predicted class shares.", rows: false, mean: true)

    static let transpose = Builtin(
        "transpose", area: .matrices, parameters: declare(matrixOrVector), returns: "a matrix",
        summary: "rows become columns",
        doc: "transpose(m) swaps rows and columns; a vector becomes a one-column matrix.",
        examples: ["transpose([[1, 2, 3], [4, 5, 6]])"]
    ) { args, _ in
        switch try args[matrixOrVector] {
        case .matrix(let m): return .matrix(m.transposed())
        case .vector(.numbers(let v)): return .matrix(Matrix(rows: v.count, cols: 1, storage: v))
        default: throw args.mismatch(matrixOrVector, expected: "a matrix or a vector")
        }
    }

    static let matmul = Builtin(
        "matmul", area: .matrices,
        parameters: declare(leftFactor, rightFactor),
        returns: "a matrix (a vector when either factor is one)",
        summary: "matrix product",
        doc: "matmul(a, b) is the matrix product a·b; the columns of a must match the rows of b. A vector on the left is a row, on the right a column, and the result is then a vector.",
        examples: ["matmul([[1, 2], [3, 4]], [[0, 1], [1, 0]])", "matmul([[1, 2], [3, 4]], [1, 1])"]
    ) { args, context in
        let left: (Matrix, Bool), right: (Matrix, Bool)
        switch try args[leftFactor] {
        case .matrix(let m): left = (m, false)
        case .vector(.numbers(let v)): left = (Matrix(rows: 1, cols: v.count, storage: v), true)
        default: throw args.mismatch(leftFactor, expected: "a matrix or a vector")
        }
        switch try args[rightFactor] {
        case .matrix(let m): right = (m, false)
        case .vector(.numbers(let v)): right = (Matrix(rows: v.count, cols: 1, storage: v), true)
        default: throw args.mismatch(rightFactor, expected: "a matrix or a vector")
        }
        guard left.0.cols == right.0.rows else {
            throw Diagnostic("operator.shape", "matmul(): a has \(left.0.cols) columns but b has \(NumberFormat.count(right.0.rows, "row")) (\(left.0.rows)×\(left.0.cols) · \(right.0.rows)×\(right.0.cols))", at: args.callRange)
        }
        try context.checkSize(Double(left.0.rows) * Double(right.0.cols), at: args.callRange)
        let product = left.0.multiplied(by: right.0)
        return left.1 || right.1 ? .numbers(product.storage) : .matrix(product)
    }
}
