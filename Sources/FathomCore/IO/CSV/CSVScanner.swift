/// Receives the fields of records as the scanner finds them.
protocol CSVSink {
    /// Field `column` of the current record: `length` bytes at `p` (between the quotes for a
    /// quoted field; `escaped` when it holds doubled quotes). Return false to stop.
    mutating func field(_ column: Int, _ p: UnsafePointer<UInt8>, _ length: Int, quoted: Bool, escaped: Bool, offset: Int) -> Bool
    /// The record that started at `offset` ended after `fields` fields. Return false to stop.
    mutating func endRecord(fields: Int, offset: Int) -> Bool
}

/// Splits bytes into RFC 4180 records and fields: fields separated by one byte, records by
/// LF, CRLF or CR; a field in double quotes may hold separators, line breaks and doubled
/// quotes. Blank lines are skipped.
struct CSVScanner: @unchecked Sendable {
    enum Problem: Equatable {
        case unterminatedQuote(opened: Int)
        case textAfterQuote(at: Int)
    }

    enum Result: Equatable {
        /// Reached `stop`: `next` is where the following record starts.
        case finished(next: Int)
        /// The sink asked to stop.
        case stopped
        case problem(Problem)
    }

    let base: UnsafePointer<UInt8>
    let end: Int
    let separator: UInt8

    /// Scans records starting at `from` until a record starts at or after `stop` (a record
    /// that starts before `stop` is read to its end even past it).
    func scan<S: CSVSink>(from: Int, stop: Int, into sink: inout S) -> Result {
        let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        let sep = separator
        var p = from
        while p < stop && p < end {
            let first = base[p]
            if first == lf { p += 1; continue }
            if first == cr { p += 1; continue }
            let recordStart = p
            var column = 0
            while true {
                if p < end, base[p] == quote {
                    let open = p
                    p += 1
                    let fieldStart = p
                    var escaped = false
                    while true {
                        guard p < end else { return .problem(.unterminatedQuote(opened: open)) }
                        if base[p] == quote {
                            if p + 1 < end, base[p + 1] == quote { escaped = true; p += 2; continue }
                            break
                        }
                        p += 1
                    }
                    let fieldEnd = p
                    p += 1
                    if p < end {
                        let c = base[p]
                        if c != sep && c != lf && c != cr { return .problem(.textAfterQuote(at: p)) }
                    }
                    if !sink.field(column, base + fieldStart, fieldEnd - fieldStart, quoted: true, escaped: escaped, offset: open) { return .stopped }
                } else {
                    let fieldStart = p
                    // Eight bytes at a time to the next separator or line break.
                    let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                    let sepWord = UInt64(sep) &* ones, lfWord = UInt64(lf) &* ones, crWord = UInt64(cr) &* ones
                    while p + 8 <= end {
                        let v = UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)
                        let a = v ^ sepWord, b = v ^ lfWord, c = v ^ crWord
                        let found = ((a &- ones) & ~a | (b &- ones) & ~b | (c &- ones) & ~c) & highs
                        if found != 0 {
                            p += found.trailingZeroBitCount >> 3
                            break
                        }
                        p += 8
                    }
                    while p < end {
                        let c = base[p]
                        if c == sep || c == lf || c == cr { break }
                        p += 1
                    }
                    if !sink.field(column, base + fieldStart, p - fieldStart, quoted: false, escaped: false, offset: fieldStart) { return .stopped }
                }
                column += 1
                if p >= end {
                    if !sink.endRecord(fields: column, offset: recordStart) { return .stopped }
                    return .finished(next: p)
                }
                let c = base[p]
                if c == sep {
                    p += 1
                    if p >= end || base[p] == lf || base[p] == cr {
                        // A separator at the end of the line leaves an empty last field.
                        if !sink.field(column, base + p, 0, quoted: false, escaped: false, offset: p) { return .stopped }
                        column += 1
                    } else {
                        continue
                    }
                }
                if p < end {
                    if base[p] == cr {
                        p += 1
                        if p < end, base[p] == lf { p += 1 }
                    } else if base[p] == lf {
                        p += 1
                    }
                }
                if !sink.endRecord(fields: column, offset: recordStart) { return .stopped }
                break
            }
        }
        return .finished(next: p)
    }

    /// A quoted field's content with doubled quotes made single.
    static func unescape(_ p: UnsafePointer<UInt8>, _ length: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(length)
        var i = 0
        while i < length {
            out.append(p[i])
            if p[i] == UInt8(ascii: "\""), i + 1 < length, p[i + 1] == UInt8(ascii: "\"") { i += 2 } else { i += 1 }
        }
        return out
    }
}
