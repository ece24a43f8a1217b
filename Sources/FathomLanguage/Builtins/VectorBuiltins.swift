import FathomCore

/// Building and reshaping vectors.
enum VectorBuiltins {
    static var all: [Builtin] {
        [len, seq, sort, unique, any, all_, which, cumsum]
    }

    static let len = Builtin(
        "len", area: .vectors,
        parameters: [Parameter("x", "vector, matrix, table, record, list or string", doc: "a collection")],
        returns: "a number",
        summary: "number of elements, rows, fields or characters",
        doc: "len(x) is the number of elements of a vector or list, the number of rows of a matrix or table, the number of fields of a record, and the number of characters of a string.",
        examples: ["len([1, 2, 3])", "len(randn(5, 3, seed=1))", "len(\"fathom\")"]
    ) { args, _ in
        switch try args.required("x") {
        case .vector(let c): return .number(Double(c.count))
        case .matrix(let m): return .number(Double(m.rows))
        case .table(let t): return .number(Double(t.rowCount))
        case .record(let r): return .number(Double(r.count))
        case .list(let l): return .number(Double(l.count))
        case .string(let s): return .number(Double(s.count))
        default: throw args.mismatch("x", expected: "a vector, matrix, table, record, list or string")
        }
    }

    static let seq = Builtin(
        "seq", area: .vectors,
        parameters: [
            Parameter("from", "number", doc: "the first value; alone, seq(n) is 0, 1, …, n − 1"),
            Parameter("to", "number", .absent("from is the count"), doc: "where to stop (excluded, as Python's range)"),
            Parameter("by", "number", .value(.number(1)), doc: "the step"),
            Parameter("length", "whole number", .absent("use by"), doc: "how many evenly spaced values from from to to, both included"),
        ],
        returns: "a vector",
        summary: "evenly spaced numbers",
        doc: "seq(n) is 0, 1, …, n − 1, the positions of a vector of n (indexing is 0-based). seq(a, b) runs from a up to but excluding b in steps of by=1, like numpy's arange. seq(a, b, length=k) gives k evenly spaced values including both ends, like numpy's linspace.",
        examples: ["seq(5)", "seq(2, 10, by=2)", "seq(0, 1, length=5)"]
    ) { args, context in
        let from = try args.number("from")
        let to = try args.optionalNumber("to")
        guard from.isFinite else { throw args.mismatch("from", expected: "a finite number") }
        if let k = try args.optionalWholeNumber("length", atLeast: 0) {
            guard let to, to.isFinite else { throw args.invalid("length", "seq(from, to, length=k) needs to as well as from") }
            try context.checkSize(Double(k), at: args.range("length"))
            if k == 1 { return .numbers([from]) }
            let step = (to - from) / Double(k - 1)
            return .numbers(Interruption.generate(k) { i in i == k - 1 ? to : from + Double(i) * step })
        }
        let (start, stop) = to.map { (from, $0) } ?? (0, from)
        let by = try args.number("by")
        guard by != 0, by.isFinite else { throw args.invalid("by", "seq() needs a step by= that is finite and not 0") }
        guard stop.isFinite else { throw args.mismatch("to", expected: "a finite number") }
        let n = max(0, ((stop - start) / by).rounded(.up))
        try context.checkSize(n, at: args.callRange)
        return .numbers(Interruption.generate(Int(n)) { start + Double($0) * by })
    }

    static let sort = Builtin(
        "sort", area: .vectors,
        parameters: [Parameter("x", "vector", doc: "numbers, strings or bools"), Parameter("desc", "bool", .value(.bool(false)), doc: "largest first")],
        returns: "a vector",
        summary: "sorted copy of a vector",
        doc: "sort(x) orders ascending (desc=true for descending). NaN sorts last either way, as in numpy. Strings sort by Unicode code points.",
        examples: ["sort([3, 1, 2])", "sort([\"b\", \"a\"])", "sort([1, 3, 2], desc=true)"]
    ) { args, _ in
        let desc = try args.bool("desc")
        switch try args.required("x") {
        case .vector(.numbers(let v)): return .numbers(Descriptive.sorted(v, descending: desc))
        case .vector(.strings(let v)): return .strings(Sorting.strings(v, descending: desc))
        case .vector(.bools(let v)):
            let t = v.filter { $0 }.count
            let asc = [Bool](repeating: false, count: v.count - t) + [Bool](repeating: true, count: t)
            return .bools(desc ? asc.reversed() : asc)
        case .number(let x): return .numbers([x])
        default: throw args.mismatch("x", expected: "a vector")
        }
    }

    static let unique = Builtin(
        "unique", area: .vectors,
        parameters: [Parameter("x", "vector", doc: "numbers, strings or bools")],
        returns: "a vector",
        summary: "distinct values, sorted",
        doc: "unique(x) lists each distinct value once, in ascending order (numpy's unique); NaN, if present, once at the end.",
        examples: ["unique([3, 1, 3, 2, 1])", "unique([\"b\", \"a\", \"b\"])"]
    ) { args, _ in
        switch try args.required("x") {
        case .vector(.numbers(let v)): return .numbers(Descriptive.unique(v))
        case .vector(.strings(let v)): return .strings(Sorting.strings(Array(Set(v))))
        case .vector(.bools(let v)): return .bools([false, true].filter { v.contains($0) })
        case .number(let x): return .numbers([x])
        default: throw args.mismatch("x", expected: "a vector")
        }
    }

    static func bools(_ args: Arguments) throws -> [Bool] {
        switch try args.required("x") {
        case .bool(let b): return [b]
        case .vector(.bools(let v)): return v
        case .vector(let c) where c.count == 0: return []
        // A comparison of matrices gives a matrix of 0s and 1s.
        case .matrix(let m) where m.storage.allSatisfy({ $0 == 0 || $0 == 1 }): return m.storage.map { $0 != 0 }
        default: throw args.mismatch("x", expected: "a bool, a vector of bools, or a comparison of matrices")
        }
    }

    static let any = Builtin(
        "any", area: .vectors, parameters: [Parameter("x", "vector of bools", doc: "conditions")], returns: "a bool",
        summary: "whether any element is true",
        doc: "any(x) is true when at least one element is true; any([]) is false.",
        examples: ["any([1, 2, 3] > 2)"]
    ) { args, _ in .bool(try bools(args).contains(true)) }

    static let all_ = Builtin(
        "all", area: .vectors, parameters: [Parameter("x", "vector of bools", doc: "conditions")], returns: "a bool",
        summary: "whether every element is true",
        doc: "all(x) is true when no element is false; all([]) is true. all(a == b) tests two vectors for equality.",
        examples: ["all([1, 2, 3] > 0)", "all(sort([2, 1]) == [1, 2])"]
    ) { args, _ in .bool(!(try bools(args).contains(false))) }

    static let which = Builtin(
        "which", area: .vectors, parameters: [Parameter("x", "vector of bools", doc: "conditions")], returns: "a vector of positions",
        summary: "positions of the true elements",
        doc: "which(x) lists the 0-based positions where x is true, ready for indexing.",
        examples: ["which([false, true, true])", "v = [5, 1, 7]; which(v > 2)"]
    ) { args, _ in
        .numbers(try bools(args).enumerated().compactMap { $0.element ? Double($0.offset) : nil })
    }

    static let cumsum = Builtin(
        "cumsum", area: .vectors,
        parameters: [Parameter("x", "vector", doc: "numbers (booleans count as 0 and 1; a matrix counts all its elements, row by row)")],
        returns: "a vector as long as x",
        summary: "running sums",
        doc: "cumsum(x)[i] = x[0] + … + x[i], added left to right (numpy's cumsum). A NaN makes its position and every later one NaN. cumsum(v > 0) counts the true values so far.",
        examples: ["cumsum([1, 2, 3, 4])", "cumsum([true, false, true])"]
    ) { args, _ in
        .numbers(Descriptive.cumulativeSum(try args.numbers("x", expected: "numbers (a vector)")))
    }
}
