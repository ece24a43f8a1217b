import FathomCore

/// Which positions a subscript picks out of `count` items: one (a number), a contiguous run,
/// or a list (a slice with a step, a vector of positions, or a boolean mask).
enum Selection {
    case one(Int)
    case run(Range<Int>)
    case list([Int])

    var indices: [Int] {
        switch self {
        case .one(let i): [i]
        case .run(let r): Array(r)
        case .list(let l): l
        }
    }

    var count: Int {
        switch self {
        case .one: 1
        case .run(let r): r.count
        case .list(let l): l.count
        }
    }

    /// Resolves a subscript against `count` items; `what` names them for messages
    /// ("a vector of 5 numbers", "rows").
    static func resolve(_ s: EvaluatedSubscript, count: Int, of what: String) throws -> Selection {
        switch s {
        case .value(let v, let range):
            switch v {
            case .number(let x):
                return .one(try position(x, count: count, of: what, at: range))
            case .vector(.numbers(let xs)):
                return .list(try xs.map { try position($0, count: count, of: what, at: range) })
            case .vector(.bools(let mask)):
                guard mask.count == count else {
                    throw Diagnostic("index.mask-length", "a mask must have one bool per element: this one has \(mask.count), \(what) has \(count)", at: range)
                }
                var out: [Int] = []
                out.reserveCapacity(count)
                for i in 0..<count where mask[i] { out.append(i) }
                return .list(out)
            default:
                throw Diagnostic("index.type", "an index must be a number, a slice a:b, a vector of positions or a vector of bools; got \(v.described)", at: range)
            }
        case .slice(let start, let stop, let step, let range):
            func bound(_ v: Value?, _ name: String) throws -> Int? {
                guard let v, !v.isNull else { return nil }
                guard case .number(let x) = v, x.isFinite, x == x.rounded() else {
                    throw Diagnostic("index.type", "a slice \(name) must be a whole number, got \(v.described)", at: range)
                }
                return Int(max(-9e18, min(9e18, x)))
            }
            let st = try bound(step, "step") ?? 1
            guard st != 0 else { throw Diagnostic("index.slice-step", "a slice step cannot be 0", at: range) }
            let n = count
            func clamp(_ i: Int?, _ dflt: Int, lower: Int, upper: Int) -> Int {
                guard var i else { return dflt }
                if i < 0 { i += n }
                return min(max(i, lower), upper)
            }
            if st > 0 {
                let a = clamp(try bound(start, "start"), 0, lower: 0, upper: n)
                let b = clamp(try bound(stop, "stop"), n, lower: 0, upper: n)
                if st == 1 { return .run(a..<max(a, b)) }
                return .list(Array(stride(from: a, to: max(a, b), by: st)))
            }
            let a = clamp(try bound(start, "start"), n - 1, lower: -1, upper: n - 1)
            let b = clamp(try bound(stop, "stop"), -1, lower: -1, upper: n - 1)
            return .list(Array(stride(from: a, to: b, by: st)).filter { $0 > b })
        }
    }

    /// A single position: whole, and within -count..<count (negative counts from the end).
    static func position(_ x: Double, count: Int, of what: String, at range: SourceRange) throws -> Int {
        guard x.isFinite, x == x.rounded() else {
            throw Diagnostic("index.type", "an index must be a whole number, got \(NumberFormat.short(x))", at: range)
        }
        guard x >= Double(-count), x < Double(count) else {
            let valid = count == 0 ? "it is empty" : "valid positions are 0 to \(count - 1), or -\(count) to -1 from the end"
            throw Diagnostic("index.range", "index \(NumberFormat.short(x)) is out of range for \(what): \(valid)", at: range)
        }
        let i = Int(x)
        return i < 0 ? i + count : i
    }
}
