import FathomCore

extension Arguments {
    /// Class probabilities: an N×K matrix whose rows sum to 1, or a vector of P(y = 1) for two
    /// classes (taken as the matrix [1 − q, q]). Returns the matrix and whether it came as a
    /// vector.
    public func probabilities(_ name: ParameterName) throws -> (matrix: Matrix, binary: Bool) {
        let (matrix, binary) = try probabilityMatrix(name)
        try checkProbabilities(name, matrix, binary: binary)
        return (matrix, binary)
    }

    /// Probabilities and labels with their top-label view, checked: the check of the
    /// probabilities and the top-label pass share one read of the matrix.
    public func topLabel(_ name: ParameterName, labels labelName: ParameterName) throws -> (matrix: Matrix, binary: Bool, labels: [Int], top: TopLabel) {
        let (matrix, binary) = try probabilityMatrix(name)
        if matrix.rows > 0, let raw = try? rawLabels(labelName), raw.count == matrix.rows, let top = TopLabel(ifValid: matrix, labels: raw) {
            let y = try classLabels(labelName, rows: matrix.rows, classes: matrix.cols, columns: binary ? nil : matrix.columnNames, of: name)
            return (matrix, binary, y, top)
        }
        try checkProbabilities(name, matrix, binary: binary)
        let y = try classLabels(labelName, rows: matrix.rows, classes: matrix.cols, columns: binary ? nil : matrix.columnNames, of: name)
        return (matrix, binary, y, TopLabel(probabilities: matrix, labels: y))
    }

    /// The matrix of a probability argument, unchecked.
    func probabilityMatrix(_ name: ParameterName) throws -> (matrix: Matrix, binary: Bool) {
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
    func checkProbabilities(_ name: ParameterName, _ matrix: Matrix, binary: Bool) throws {
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
    /// probabilities have 3 rows" by default. `columns` are the names of the probability (or
    /// logit) columns, when they have them, and `probabilities` the argument that holds them.
    ///
    /// Numbers are column positions. Text labels are never matched by guess: they are looked
    /// up in `classes=` (when the builtin takes it and it is given), else among the class
    /// names of the columns (`p_cat`, `logit_cat` and `cat` all name the class `cat`); with
    /// neither, or a label that is not among them, the call is refused.
    public func classLabels(_ name: ParameterName, rows: Int, classes: Int, counted: String? = nil, columns: [String]? = nil, of probabilities: ParameterName? = nil) throws -> [Int] {
        let y: [Double]
        if case .vector(.strings(let text)) = try required(name) {
            y = try textLabelPositions(name, text, classes: classes, columns: columns, of: probabilities)
        } else {
            y = try rawLabels(name)
            if let columns, let named = ClassNames.numbered(columns), named != Array(0..<columns.count) {
                throw invalid(name, "\(builtin.name)(): the columns of \(probabilities?.text ?? "p") are named for classes \(named.map(String.init).joined(separator: ", ")) (\(ClassNames.listed(columns))), so the numeric labels of \(name), which are column positions, are ambiguous",
                              notes: ["put the columns in class order, e.g. select(t, [\(ClassNames.ordered(columns).map { "\"\($0)\"" }.joined(separator: ", "))])"])
            }
        }
        do {
            return try ProbabilityCheck.labels(y, rows: rows, classes: classes)
        } catch let problem as ProbabilityProblem {
            let f = builtin.name
            switch problem {
            case .labelCount(let l, let r):
                throw invalid(name, "\(f)(): \(name) has \(NumberFormat.count(l, "label")) but \(counted ?? "the probabilities have \(NumberFormat.count(r, "row"))")")
            case .labelNotWhole(let i, let v):
                throw invalid(name, "\(f)(): the label at position \(i) is \(NumberFormat.short(v)); labels are whole numbers 0…\(classes - 1)")
            case .labelOutOfRange(let i, let l, let k):
                throw invalid(name, "\(f)(): label \(NumberFormat.short(l)) at position \(i) is out of range for \(k) classes (0…\(k - 1))")
            default:
                throw invalid(name, "\(f)(): bad labels")
            }
        }
    }

    /// The class names given with `classes=`, when the builtin takes it and the caller gave it.
    func declaredClassNames(classes: Int) throws -> [String]? {
        guard builtin.parameters.contains(where: { $0.name == ClassNames.classes.parameter.name }), let v = value(ClassNames.classes.name), !v.isNull else { return nil }
        let names: [String]
        switch v {
        case .vector(.strings(let s)): names = s
        case .vector(.numbers(let x)): names = x.map { NumberFormat.short($0) }
        default: throw mismatch(ClassNames.classes, expected: "the class names in column order, such as [\"cat\", \"dog\"]")
        }
        guard names.count == classes else {
            throw invalid(ClassNames.classes, "\(builtin.name)(): classes= names \(names.count) class\(names.count == 1 ? "" : "es") but the probabilities have \(classes) columns")
        }
        if let d = ClassNames.firstDuplicate(names) { throw invalid(ClassNames.classes, "\(builtin.name)(): classes= names '\(d)' twice") }
        return names
    }

    /// Positions of text labels among the classes' names.
    private func textLabelPositions(_ name: ParameterName, _ text: [String], classes: Int, columns: [String]?, of probabilitiesArgument: ParameterName?) throws -> [Double] {
        let f = builtin.name
        let probabilities = probabilitiesArgument?.text ?? "p"
        let present = Array(Set(text)).sorted()
        let shown = present.prefix(4).map { "'\(Printable.text($0))'" }.joined(separator: ", ") + (present.count > 4 ? ", …" : "")
        let names: [String]
        let source: String
        if let given = try declaredClassNames(classes: classes) {
            names = given
            source = "classes="
        } else if let columns, let fromColumns = ClassNames.matching(columns, labels: Set(present)) {
            names = fromColumns
            source = "the column names of \(probabilities)"
        } else if let columns {
            let candidates = ClassNames.stripped(columns)
            let missing = present.first { !candidates.contains($0) && !columns.contains($0) } ?? present[0]
            var notes = ["the columns of \(probabilities) name the classes \(ClassNames.listed(candidates)); text labels must be among them"]
            if builtin.parameters.contains(where: { $0.name == ClassNames.classes.parameter.name }) { notes.append("classes=[...] gives the class of each column in order") }
            throw invalid(name, "\(f)(): the label '\(Printable.text(missing))' in \(name) is not the name of any column of \(probabilities)", notes: notes)
        } else {
            let isVector: Bool
            if let probabilitiesArgument, case .vector = value(probabilitiesArgument) { isVector = true } else { isVector = false }
            let takesClasses = builtin.parameters.contains { $0.name == ClassNames.classes.parameter.name }
            var notes: [String] = []
            if isVector {
                if takesClasses { notes.append("\(probabilities) is one score per row (for class 1): give classes=[negative, positive] to say which label that is") }
            } else {
                let glob = probabilities.contains("logit") || builtin.parameters.first?.name == "logits" ? "logit_*" : "p_*"
                notes.append("take \(probabilities) from columns named for their classes, such as select(t, \"\(glob)\") with columns \(glob.dropLast())cat, \(glob.dropLast())dog, …")
                if takesClasses { notes.append("or give classes=[...], the class of each column of \(probabilities) in order") }
            }
            throw invalid(name, "\(f)(): \(name) holds text labels (\(shown)) but \(probabilities) does not say which \(isVector ? "label its scores are for" : "column is which class")", notes: notes)
        }
        let index = Dictionary(names.enumerated().map { ($1, Double($0)) }, uniquingKeysWith: { a, _ in a })
        var out = [Double](repeating: 0, count: text.count)
        for (i, label) in text.enumerated() {
            guard let k = index[label] else {
                throw invalid(name, "\(f)(): the label '\(Printable.text(label))' at position \(i) is not one of the classes \(ClassNames.listed(names)) (from \(source))")
            }
            out[i] = k
        }
        return out
    }

    /// Numeric or boolean labels as numbers, unchecked; text labels throw (they need class
    /// names: ``classLabels(_:rows:classes:counted:columns:of:)`` resolves them).
    func rawLabels(_ name: ParameterName) throws -> [Double] {
        switch try required(name) {
        case .vector(.numbers(let v)): return v
        case .vector(.bools(let b)): return b.map { $0 ? 1 : 0 }
        case .vector(.strings): throw invalid(name, "text labels need class names")
        case .number(let x): return [x]
        default: throw mismatch(name, expected: "class labels (a vector of whole numbers 0…K−1, or text)")
        }
    }

    /// Optional per-example weights: finite, non-negative, not all zero, one per row.
    public func weights(_ name: ParameterName, rows: Int) throws -> [Double]? {
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
    public func confidenceLevel(_ name: ParameterName) throws -> Double? {
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
