import FathomCore

extension Arguments {
    /// A sample of numbers for a two-sample test: a non-empty vector (booleans count as 0/1)
    /// without missing or infinite values.
    public func sample(_ name: ParameterName) throws -> [Double] {
        let values: [Double]
        switch try required(name) {
        case .vector(.numbers(let v)): values = v
        case .vector(.bools(let b)): values = b.map { $0 ? 1 : 0 }
        case .vector(.strings):
            throw invalid(name, "\(builtin.name)() compares numbers, and \(name) holds text", notes: ["for categories, use chisq(a, b)"])
        default: throw mismatch(name, expected: "a vector of numbers")
        }
        guard !values.isEmpty else { throw invalid(name, "\(builtin.name)(): \(name) is empty; a test needs at least one value in each sample") }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            let what = values[i].isNaN ? "a missing value (NaN)" : "an infinite value"
            throw invalid(name, "\(builtin.name)(): \(name) holds \(what) at position \(i)", notes: ["drop_missing(\(name)) keeps the values that are present"])
        }
        return values
    }

    /// A multivariate sample: a matrix, a vector (one column) or a table of numbers, with at
    /// least `minimum` rows and no missing values.
    public func multivariateSample(_ name: ParameterName, minimum: Int = 2) throws -> Matrix {
        let (m, _) = try features(name)
        guard m.rows >= minimum else {
            throw invalid(name, "\(builtin.name)(): \(name) has \(m.rows) row\(m.rows == 1 ? "" : "s"); this test needs at least \(minimum)")
        }
        if let k = m.storage.firstIndex(where: { !$0.isFinite }) {
            throw invalid(name, "\(builtin.name)(): \(name) has a missing or infinite value at row \(k / m.cols), column \(k % m.cols)",
                          notes: ["drop_missing(t) removes rows with missing values from a table"])
        }
        return m
    }

    /// α in (0, 1).
    public func significance(_ name: ParameterName) throws -> Double {
        let a = try number(name)
        guard a > 0, a < 1 else { throw invalid(name, "\(builtin.name)(): \(name) is a significance level between 0 and 1, such as 0.05; got \(NumberFormat.short(a))") }
        return a
    }

    /// Two names for the samples in plots and tables.
    public func sampleLabels(_ name: ParameterName) throws -> [String] {
        guard let v = value(name), !v.isNull else { return ["a", "b"] }
        guard case .vector(.strings(let s)) = v, s.count == 2 else { throw mismatch(name, expected: "two names, such as [\"source\", \"target\"]") }
        return s
    }
}
