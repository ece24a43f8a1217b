/// Collects one column's values while a file is scanned, settling its kind from what it sees.
struct CSVColumnBuilder {
    enum Kind: Equatable {
        /// Only missing values so far.
        case unknown
        case number
        case bool
        case string
    }

    var kind: Kind
    /// The kind was given by `types=`: a value that does not fit is an error, not a change.
    let forced: Bool
    /// Numbers, bools (as 0 and 1) and missing values (NaN) of unknown, number and bool columns.
    var numbers: [Double] = []
    var strings: [String] = []
    /// Every number so far was written as an integer.
    var integral = true
    var missing = 0
    /// A value did not fit the kind: the column is re-read as strings in a second pass.
    var demoted = false
    /// For a forced kind: where the first value that does not fit starts.
    var badOffset: Int?
    /// `types=` made the column "float": integers beyond 2⁵³ are rounded to the nearest
    /// double, as asked. Otherwise such an integer (an ID, a hash) makes an inferred column
    /// text, and is an error in a column given as "integer", so no digit changes silently.
    let roundsIntegers: Bool
    /// For a column given as "integer": where the first integer a double cannot hold starts.
    var inexactOffset: Int?
    var trimSpaces: Bool

    init(kind: Kind, forced: Bool, roundsIntegers: Bool = false, trimSpaces: Bool) {
        self.kind = kind
        self.forced = forced
        self.roundsIntegers = roundsIntegers
        self.trimSpaces = trimSpaces
    }

    var count: Int { kind == .string ? strings.count : numbers.count }

    /// Hands over the numbers, leaving the builder empty (no copy).
    mutating func takeNumbers() -> [Double] {
        var out: [Double] = []
        swap(&out, &numbers)
        return out
    }

    /// Frees the storage.
    mutating func release() {
        numbers = []
        strings = []
    }

    mutating func reserve(_ n: Int) {
        if kind == .string { strings.reserveCapacity(n) } else { numbers.reserveCapacity(n) }
    }

    static func isMissing(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        switch n {
        case 0: return true
        case 2: return p[0] == UInt8(ascii: "N") && p[1] == UInt8(ascii: "A")
        case 3:
            if p[0] == UInt8(ascii: "N") { return (p[1] == UInt8(ascii: "a") && p[2] == UInt8(ascii: "N")) || (p[1] == UInt8(ascii: "/") && p[2] == UInt8(ascii: "A")) }
            return p[0] == UInt8(ascii: "n") && p[1] == UInt8(ascii: "a") && p[2] == UInt8(ascii: "n")
        case 4:
            return (p[0] == UInt8(ascii: "n") && p[1] == UInt8(ascii: "u") && p[2] == UInt8(ascii: "l") && p[3] == UInt8(ascii: "l"))
                || (p[0] == UInt8(ascii: "N") && p[1] == UInt8(ascii: "U") && p[2] == UInt8(ascii: "L") && p[3] == UInt8(ascii: "L"))
        default: return false
        }
    }

    /// true, false (also True/TRUE/False/FALSE), or nil.
    static func boolValue(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool? {
        func spells(_ words: [StaticString]) -> Bool {
            words.contains { w in
                w.utf8CodeUnitCount == n && (0..<n).allSatisfy { p[$0] == w.utf8Start[$0] }
            }
        }
        if n == 4, spells(["true", "True", "TRUE"]) { return true }
        if n == 5, spells(["false", "False", "FALSE"]) { return false }
        return nil
    }

    /// Whether the bytes spell an integer: optional sign, then digits only.
    static func isIntegerText(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        if n > 0, p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") { i = 1 }
        if i >= n { return false }
        while i < n { if p[i] &- 48 > 9 { return false }; i += 1 }
        return true
    }

    /// Whether integer text whose value parsed as `v` (beyond 2⁵³ in magnitude) names exactly
    /// that double: its digits, without sign and leading zeros, are the double's.
    static func isExactInteger(_ p: UnsafePointer<UInt8>, _ n: Int, _ v: Double) -> Bool {
        guard v.magnitude < 18_446_744_073_709_551_616 else { return false }
        var i = 0
        if n > 0, p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") { i = 1 }
        while i < n - 1, p[i] == UInt8(ascii: "0") { i += 1 }
        let digits = Array(String(UInt64(v.magnitude)).utf8)
        return digits.count == n - i && digits.indices.allSatisfy { digits[$0] == p[i + $0] }
    }

    /// Integer text that a double cannot hold: beyond 2⁵³ and not exactly a double.
    @inline(__always)
    static func isInexactInteger(_ p: UnsafePointer<UInt8>, _ n: Int, _ v: Double) -> Bool {
        v.magnitude >= 9_007_199_254_740_992 && isIntegerText(p, n) && !isExactInteger(p, n, v)
    }

    /// What a text value is, for choosing a column's kind from a sample.
    static func classify(_ p: UnsafePointer<UInt8>, _ n: Int, trimSpaces: Bool) -> Kind {
        if isMissing(p, n) { return .unknown }
        var s = p, m = n
        if trimSpaces { trim(&s, &m) }
        if isMissing(s, m) { return .unknown }
        if let v = FastFloat.parse(s, m) { return isInexactInteger(s, m, v) ? .string : .number }
        if boolValue(s, m) != nil { return .bool }
        return .string
    }

    static func trim(_ p: inout UnsafePointer<UInt8>, _ n: inout Int) {
        while n > 0, p[0] == 32 || p[0] == 9 { p += 1; n -= 1 }
        while n > 0, p[n - 1] == 32 || p[n - 1] == 9 { n -= 1 }
    }

    /// Adds one field's text (already unescaped).
    @inline(__always)
    mutating func add(_ p: UnsafePointer<UInt8>, _ n: Int, offset: Int) {
        switch kind {
        case .number:
            var s = p, m = n
            if m > 0, trimSpaces, s[0] == 32 || s[m - 1] == 32 || s[0] == 9 || s[m - 1] == 9 { CSVColumnBuilder.trim(&s, &m) }
            if let v = FastFloat.parse(s, m) {
                if integral, !CSVColumnBuilder.isIntegerText(s, m) { integral = false }
                if !roundsIntegers, CSVColumnBuilder.isInexactInteger(s, m, v) {
                    if forced {
                        if inexactOffset == nil { inexactOffset = offset }
                    } else {
                        demoted = true
                    }
                    numbers.append(.nan)
                    return
                }
                numbers.append(v)
            } else if CSVColumnBuilder.isMissing(s, m) {
                missing += 1
                numbers.append(.nan)
            } else {
                misfit(offset)
            }
        case .string:
            if CSVColumnBuilder.isMissing(p, n) {
                missing += 1
                strings.append("")
            } else {
                strings.append(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
            }
        case .bool:
            var s = p, m = n
            if trimSpaces { CSVColumnBuilder.trim(&s, &m) }
            if let b = CSVColumnBuilder.boolValue(s, m) {
                numbers.append(b ? 1 : 0)
            } else if CSVColumnBuilder.isMissing(s, m) {
                missing += 1
                numbers.append(.nan)
            } else {
                misfit(offset)
            }
        case .unknown:
            switch CSVColumnBuilder.classify(p, n, trimSpaces: trimSpaces) {
            case .unknown:
                missing += 1
                numbers.append(.nan)
            case .number:
                kind = .number
                add(p, n, offset: offset)
            case .bool:
                kind = .bool
                add(p, n, offset: offset)
            case .string:
                // Everything before was missing: those become empty strings.
                kind = .string
                strings = [String](repeating: "", count: numbers.count)
                numbers = []
                add(p, n, offset: offset)
            }
        }
    }

    /// A value that does not fit: an error for a forced kind, otherwise a placeholder now and
    /// a second pass as strings later.
    private mutating func misfit(_ offset: Int) {
        if forced {
            if badOffset == nil { badOffset = offset }
        } else {
            demoted = true
        }
        numbers.append(.nan)
    }
}
