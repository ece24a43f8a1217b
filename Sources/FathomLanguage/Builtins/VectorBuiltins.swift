import FathomCore

/// Building and reshaping vectors.
enum VectorBuiltins {
    static var all: [Builtin] {
        [len, seq, sort, unique, any, all_, which, cumsum]
    }

    static let collection: ParameterKey<Value> = .value("x", type: "vector, matrix, table, record, list or string", doc: "a collection")
    static let seqFrom: ParameterKey<Double> = .number("from", doc: "the first value; alone, seq(n) is 0, 1, …, n − 1")
    static let seqTo: ParameterKey<Double?> = .optionalNumber("to", absent: "from is the count", doc: "where to stop (excluded, as Python's range)")
    static let seqBy: ParameterKey<Double> = .number("by", .value(.number(1)), doc: "the step")
    static let seqLength: ParameterKey<Int?> = .optionalWholeNumber("length", absent: "use by", atLeast: 0, doc: "how many evenly spaced values from from to to, both included")
    static let elements: ParameterKey<Value> = .value("x", type: "vector", doc: "numbers, strings or bools")
    static let desc: ParameterKey<Bool> = .bool("desc", default: false, doc: "largest first")
    /// A bool, a vector of bools, or a comparison of matrices (0s and 1s).
    static let conditions = ParameterKey(Parameter("x", "vector of bools", doc: "conditions")) { args, name -> [Bool] in
        switch try args.required(name) {
        case .bool(let b): return [b]
        case .vector(.bools(let v)): return v
        case .vector(let c) where c.count == 0: return []
        // A comparison of matrices gives a matrix of 0s and 1s.
        case .matrix(let m) where m.storage.allSatisfy({ $0 == 0 || $0 == 1 }): return m.storage.map { $0 != 0 }
        default: throw args.mismatch(name, expected: "a bool, a vector of bools, or a comparison of matrices")
        }
    }
    static let running: ParameterKey<[Double]> = .numbers("x", type: "vector", doc: "numbers (booleans count as 0 and 1; a matrix counts all its elements, row by row)", expected: "numbers (a vector)")

    static let len = Builtin(
        "len", area: .vectors,
        parameters: declare(collection),
        returns: "a number",
        summary: "number of elements, rows, fields or characters",
        doc: "len(x) is the number of elements of a vector or list, the number of rows of a matrix or table, the number of fields of a record, and the number of characters of a string.",
        examples: ["len([1, 2, 3])", "len(randn(5, 3, seed=1))", "len(\"fathom\")"]
    ) { args, _ in
        switch try args[collection] {
        case .vector(let c): return .number(Double(c.count))
        case .matrix(let m): return .number(Double(m.rows))
        case .table(let t): return .number(Double(t.rowCount))
        case .record(let r): return .number(Double(r.count))
        case .list(let l): return .number(Double(l.count))
        case .string(let s): return .number(Double(s.count))
        default: throw args.mismatch(collection, expected: "a vector, matrix, table, record, list or string")
        }
    }

    static let seq = Builtin(
        "seq", area: .vectors,
        parameters: declare(seqFrom, seqTo, seqBy, seqLength),
        returns: "a vector",
        summary: "evenly spaced numbers",
        doc: "seq(n) is 0, 1, …, n − 1, the positions of a vector of n (indexing is 0-based). seq(a, b) runs from a up to but excluding b in steps of by=1, like numpy's arange. seq(a, b, length=k) gives k evenly spaced values including both ends, like numpy's linspace.",
        examples: ["seq(5)", "seq(2, 10, by=2)", "seq(0, 1, length=5)"]
    ) { args, context in
        let from = try args[seqFrom]
        let to = try args[seqTo]
        guard from.isFinite else { throw args.mismatch(seqFrom, expected: "a finite number") }
        if let k = try args[seqLength] {
            guard let to, to.isFinite else { throw args.invalid(seqLength, "seq(from, to, length=k) needs to as well as from") }
            try context.checkSize(Double(k), at: try args.range(seqLength))
            if k == 1 { return .numbers([from]) }
            let step = (to - from) / Double(k - 1)
            return .numbers(Interruption.generate(k) { i in i == k - 1 ? to : from + Double(i) * step })
        }
        let (start, stop) = to.map { (from, $0) } ?? (0, from)
        let by = try args[seqBy]
        guard by != 0, by.isFinite else { throw args.invalid(seqBy, "seq() needs a step by= that is finite and not 0") }
        guard stop.isFinite else { throw args.mismatch(seqTo, expected: "a finite number") }
        let n = max(0, ((stop - start) / by).rounded(.up))
        try context.checkSize(n, at: args.callRange)
        return .numbers(Interruption.generate(Int(n)) { start + Double($0) * by })
    }

    static let sort = Builtin(
        "sort", area: .vectors,
        parameters: declare(elements, desc),
        returns: "a vector",
        summary: "sorted copy of a vector",
        doc: "sort(x) orders ascending (desc=true for descending). NaN sorts last either way, as in numpy. Strings sort by Unicode code points.",
        examples: ["sort([3, 1, 2])", "sort([\"b\", \"a\"])", "sort([1, 3, 2], desc=true)"]
    ) { args, _ in
        let desc = try args[desc]
        switch try args[elements] {
        case .vector(.numbers(let v)): return .numbers(Descriptive.sorted(v, descending: desc))
        case .vector(.strings(let v)): return .strings(Sorting.strings(v, descending: desc))
        case .vector(.bools(let v)):
            let t = v.filter { $0 }.count
            let asc = [Bool](repeating: false, count: v.count - t) + [Bool](repeating: true, count: t)
            return .bools(desc ? asc.reversed() : asc)
        case .number(let x): return .numbers([x])
        default: throw args.mismatch(elements, expected: "a vector")
        }
    }

    static let unique = Builtin(
        "unique", area: .vectors,
        parameters: declare(elements),
        returns: "a vector",
        summary: "distinct values, sorted",
        doc: "unique(x) lists each distinct value once, in ascending order (numpy's unique); NaN, if present, once at the end.",
        examples: ["unique([3, 1, 3, 2, 1])", "unique([\"b\", \"a\", \"b\"])"]
    ) { args, _ in
        switch try args[elements] {
        case .vector(.numbers(let v)): return .numbers(Descriptive.unique(v))
        case .vector(.strings(let v)): return .strings(Sorting.strings(Array(Set(v))))
        case .vector(.bools(let v)): return .bools([false, true].filter { v.contains($0) })
        case .number(let x): return .numbers([x])
        default: throw args.mismatch(elements, expected: "a vector")
        }
    }

    static let any = Builtin(
        "any", area: .vectors, parameters: declare(conditions), returns: "a bool",
        summary: "whether any element is true",
        doc: "any(x) is true when at least one element is true; any([]) is false.",
        examples: ["any([1, 2, 3] > 2)"]
    ) { args, _ in .bool(try args[conditions].contains(true)) }

    static let all_ = Builtin(
        "all", area: .vectors, parameters: declare(conditions), returns: "a bool",
        summary: "whether every element is true",
        doc: "all(x) is true when no element is false; all([]) is true. all(a == b) tests two vectors for equality.",
        examples: ["all([1, 2, 3] > 0)", "all(sort([2, 1]) == [1, 2])"]
    ) { args, _ in .bool(!(try args[conditions].contains(false))) }

    static let which = Builtin(
        "which", area: .vectors, parameters: declare(conditions), returns: "a vector of positions",
        summary: "positions of the true elements",
        doc: "which(x) lists the 0-based positions where x is true, ready for indexing.",
        examples: ["which([false, true, true])", "v = [5, 1, 7]; which(v > 2)"]
    ) { args, _ in
        .numbers(try args[conditions].enumerated().compactMap { $0.element ? Double($0.offset) : nil })
    }

    static let cumsum = Builtin(
        "cumsum", area: .vectors,
        parameters: declare(running),
        returns: "a vector as long as x",
        summary: "running sums",
        doc: "cumsum(x)[i] = x[0] + … + x[i], added left to right (numpy's cumsum). A NaN makes its position and every later one NaN. cumsum(v > 0) counts the true values so far.",
        examples: ["cumsum([1, 2, 3, 4])", "cumsum([true, false, true])"]
    ) { args, _ in
        .numbers(Descriptive.cumulativeSum(try args[running]))
    }
}
