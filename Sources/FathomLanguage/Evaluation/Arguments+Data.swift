import FathomCore

extension Arguments {
    public func table(_ name: ParameterName) throws -> Table {
        guard case .table(let t) = try required(name) else { throw mismatch(name, expected: "a table") }
        return t
    }

    /// A numeric matrix: a matrix as it is, a vector as one column, or a table's numeric and
    /// boolean columns (with their names).
    public func features(_ name: ParameterName) throws -> (matrix: Matrix, names: [String]?) {
        switch try required(name) {
        case .matrix(let m): return (m, nil)
        case .vector(.numbers(let v)): return (Matrix(rows: v.count, cols: 1, storage: v), nil)
        case .table(let t):
            switch t.numericMatrix() {
            case .success(let m): return (m, t.names)
            case .failure(let text):
                throw invalid(name, "\(builtin.name)() needs numbers, but column '\(t.names[text.index])' of \(name) holds text",
                              notes: ["pick the numeric columns with select(t, [\"a\", \"b\"]) or drop it with t[[...names]]"])
            }
        default:
            throw mismatch(name, expected: "a matrix or a table of numbers")
        }
    }

    /// A numeric matrix (vectors are not accepted).
    public func matrix(_ name: ParameterName) throws -> Matrix {
        guard case .matrix(let m) = try required(name) else { throw mismatch(name, expected: "a matrix") }
        return m
    }

    /// Class labels for `count` examples: whole numbers 0, 1, …, K−1 (K is one more than the
    /// largest), text (classes in sorted order) or booleans (false 0, true 1).
    public func labels(_ name: ParameterName, count: Int) throws -> (labels: [Int], classes: [JSONValue]) {
        let v = try required(name)
        let labels: [Int]
        let classes: [JSONValue]
        switch v {
        case .vector(.numbers(let y)):
            if let i = y.firstIndex(where: { $0.isNaN }) {
                throw invalid(name, "\(builtin.name)(): label \(i) is missing (NaN); drop those rows first", notes: ["drop_missing(t) removes rows with missing values"])
            }
            if let i = y.firstIndex(where: { $0 < 0 || $0 != $0.rounded() || $0 > 1e6 }) {
                throw invalid(name, "\(builtin.name)(): labels must be whole numbers 0, 1, …, K−1; label \(i) is \(NumberFormat.short(y[i]))")
            }
            labels = y.map { Int($0) }
            classes = (0...(labels.max() ?? 0)).map { .number(Double($0)) }
        case .vector(.strings(let s)):
            let names = Array(Set(s)).sorted()
            let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
            labels = s.map { index[$0]! }
            classes = names.map { .string($0) }
        case .vector(.bools(let b)):
            labels = b.map { $0 ? 1 : 0 }
            classes = [.bool(false), .bool(true)]
        default:
            throw mismatch(name, expected: "a vector of class labels (whole numbers 0…K−1, or text)")
        }
        guard labels.count == count else {
            throw invalid(name, "\(builtin.name)() has \(NumberFormat.count(count, "example")) but \(NumberFormat.count(labels.count, "label"))")
        }
        return (labels, classes)
    }
}
