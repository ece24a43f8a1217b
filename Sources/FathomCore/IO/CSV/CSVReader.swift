/// Reads CSV and TSV files into tables (RFC 4180: quoted fields, doubled quotes, separators and
/// line breaks inside quotes, CRLF, a UTF-8 byte-order mark, a header row).
///
/// Each column's kind is inferred (integer, float, bool or string) from the first records and
/// confirmed while reading; a column that turns out to hold text is read again as text.
/// Missing values (empty, NA, N/A, NaN, nan, null, NULL) are NaN in numeric columns and "" in
/// text columns. Large files are memory-mapped and read in parts on all threads, with parsed pages
/// handed back to the system as the scan passes them, so memory stays near the size of the
/// result.
public enum CSVReader {
    /// Records examined to choose the column kinds.
    static let sampleRecords = 1000

    public static func read(path: String, options: CSVOptions = CSVOptions()) throws -> Table {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch let e as FileError {
            throw CSVError(path: path, message: e.reason)
        }
        return try read(file, options: options)
    }

    /// Reads text already in memory (`name` appears in messages).
    public static func read(bytes: [UInt8], name: String, options: CSVOptions = CSVOptions()) throws -> Table {
        try read(MappedFile(bytes: bytes, name: name), options: options)
    }

    static func read(_ file: MappedFile, options: CSVOptions) throws -> Table {
        let base = file.base
        let end = file.count
        var start = 0
        if end >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { start = 3 }
        // The first line must be text before anything else is judged.
        var firstLineEnd = start
        while firstLineEnd < end, firstLineEnd - start < 1 << 16, base[firstLineEnd] != UInt8(ascii: "\n") { firstLineEnd += 1 }
        try checkText(file, from: start, to: min(end, max(firstLineEnd, start + 4096)))
        var nonBlank = start
        while nonBlank < end, base[nonBlank] == 10 || base[nonBlank] == 13 || base[nonBlank] == 32 || base[nonBlank] == 9 { nonBlank += 1 }
        if nonBlank >= end {
            throw CSVError(path: file.path, message: "the file is empty: expected a header row")
        }
        let separator = options.separator ?? guessSeparator(file.path, base + start, firstLineEnd - start)
        if let problem = CSVOptions.separatorProblem(separator) {
            throw CSVError(path: file.path, message: "cannot use \(String(decoding: [separator], as: UTF8.self).debugDescription) as the separator: \(problem)")
        }
        let scanner = CSVScanner(base: base, end: end, separator: separator)

        // The header.
        var header = HeaderSink()
        var dataStart = start
        switch scanner.scan(from: start, stop: start + 1, into: &header) {
        case .finished(let next): dataStart = next
        case .stopped:
            if header.interrupted { throw Interrupted() }
            throw CSVError(path: file.path, line: 1, message: "the first row has more than \(CSVOptions.maximumColumns) fields, the most columns Fathom reads")
        case .problem(let p): throw error(file, p)
        }
        let width = header.fields.count
        var names: [String]
        if options.header {
            names = uniqueNames(header.fields)
        } else {
            names = (0..<width).map { "c\($0)" }
            dataStart = start
        }
        for (name, _) in options.types where !names.contains(name) {
            throw CSVError(path: file.path, message: "types= names a column '\(name)' that the file does not have (it has \(names.prefix(8).joined(separator: ", "))\(names.count > 8 ? ", …" : ""))")
        }

        // Choose kinds from a sample of records.
        var sample = SampleSink(width: width, trimSpaces: separator != 9)
        var sampledAll = false
        switch scanner.scan(from: dataStart, stop: end, into: &sample) {
        case .problem(let p) where !sample.full: throw error(file, p)
        case .finished: sampledAll = true
        default: break
        }
        if sample.interrupted { throw Interrupted() }
        if let bad = sample.ragged { throw raggedError(file, bad.offset, bad.fields, width) }
        let rounding = names.map { options.types[$0] == .float }
        let kinds: [(CSVColumnBuilder.Kind, Bool)] = names.enumerated().map { j, name in
            if let forced = options.types[name] {
                switch forced {
                case .integer, .float: return (.number, true)
                case .bool: return (.bool, true)
                case .string: return (.string, true)
                }
            }
            return (sample.kinds[j], false)
        }
        // Bytes per record: exact when the sample was the whole file, else from the starts of
        // the first and last records sampled.
        let averageRecord = sampledAll ? max(1, (end - dataStart) / max(1, sample.records))
            : sample.records > 1 ? max(1, (sample.lastOffset - dataStart) / (sample.records - 1)) : 64
        // Cells are counted across all parts as they are read.
        let budget = CSVCellBudget(limit: options.limit, width: width)
        func builders(expectedRows: Int) -> [CSVColumnBuilder] {
            // An estimate from the sample, never more rows than the cell limit allows.
            let rows = min(expectedRows, options.limit / max(1, width) + 1)
            return kinds.indices.map { j in
                let k = kinds[j]
                var b = CSVColumnBuilder(kind: k.0, forced: k.1, roundsIntegers: rounding[j], trimSpaces: separator != 9)
                b.reserve(rows)
                return b
            }
        }

        // Scan, in parts on all threads when the file is large (at least 4 MiB a part).
        let dataBytes = end - dataStart
        var parts: [TypedSink] = []
        let threads = min(options.threads, dataBytes / (4 << 20))
        if threads > 1 {
            // Parts start at line starts; the first part's columns are reserved for the whole
            // file, so the others are appended to them without moving them.
            var bounds = [dataStart]
            for k in 1..<threads {
                var split = max(bounds[k - 1], dataStart + dataBytes / threads * k)
                while split < end, base[split - 1] != UInt8(ascii: "\n") { split += 1 }
                bounds.append(split)
            }
            bounds.append(end)
            let limits = bounds
            let sinks = (0..<threads).map { k in
                TypedSink(width: width, builders: builders(expectedRows: ((k == 0 ? end : bounds[k + 1]) - bounds[k]) / averageRecord * 21 / 20 + 2), file: file, budget: budget)
            }
            let scanned = Parallel.map(threads) { k -> (TypedSink, CSVScanner.Result) in
                var sink = sinks[k]
                let result = sink.run(scanner, from: limits[k], stop: limits[k + 1])
                return (sink, result)
            }
            for k in 0..<threads {
                var (sink, result) = scanned[k]
                try sink.throwIfFailed(result)
                parts.append(sink)
                guard case .finished(let next) = result else { throw CSVError(path: file.path, message: "could not read the file") }
                if k + 1 < threads, next != bounds[k + 1] {
                    // The split fell inside a quoted field: carry on from where this part
                    // really ended, on one thread.
                    var rest = TypedSink(width: width, builders: builders(expectedRows: (end - next) / averageRecord + 2), file: file, budget: budget)
                    try rest.throwIfFailed(rest.run(scanner, from: next, stop: end))
                    parts.append(rest)
                    break
                }
            }
        } else {
            var sink = TypedSink(width: width, builders: builders(expectedRows: dataBytes / averageRecord * 21 / 20 + 2), file: file, budget: budget)
            try sink.throwIfFailed(sink.run(scanner, from: dataStart, stop: end))
            parts = [sink]
        }
        return try assemble(&parts, names: names, kinds: kinds, file: file, scanner: scanner, dataStart: dataStart)
    }

    /// Joins the parts' columns (moving, not copying, the first part's storage), settles
    /// kinds, re-reads demoted columns as text.
    static func assemble(_ parts: inout [TypedSink], names: [String], kinds: [(CSVColumnBuilder.Kind, Bool)], file: MappedFile, scanner: CSVScanner, dataStart: Int) throws -> Table {
        var demoted: [Int] = []
        var columns: [Column?] = Array(repeating: nil, count: names.count)
        var columnKinds: [Table.ColumnKind] = Array(repeating: .float, count: names.count)
        for j in 0..<names.count {
            if let bad = parts.compactMap({ $0.builders[j].badOffset }).first {
                let text = fieldText(file, bad, separator: scanner.separator)
                let (line, col) = location(file, bad)
                let kind = kinds[j].0 == .bool ? "true or false" : "a number"
                throw CSVError(path: file.path, line: line, column: col, message: "'\(text)' in column '\(names[j])' is not \(kind), as types= requires")
            }
            if let bad = parts.compactMap({ $0.builders[j].inexactOffset }).first {
                let text = fieldText(file, bad, separator: scanner.separator)
                let (line, col) = location(file, bad)
                throw CSVError(path: file.path, line: line, column: col, message: "the integer \(text) in column '\(names[j])' is beyond 2^53, where a number loses its last digits; read the column as text with types={\(names[j]): \"string\"}, or as rounded numbers with \"float\"")
            }
            let settled = Set(parts.map { $0.builders[j].kind }).subtracting([.unknown])
            if parts.contains(where: { $0.builders[j].demoted }) || settled.count > 1 {
                demoted.append(j)
                for k in parts.indices { parts[k].builders[j].release() }
                continue
            }
            let kind = settled.first ?? .unknown
            if kind == .string {
                var all: [String] = []
                for k in parts.indices {
                    if parts[k].builders[j].kind == .string { all.append(contentsOf: parts[k].builders[j].strings) }
                    else { all.append(contentsOf: repeatElement("", count: parts[k].builders[j].numbers.count)) }
                    parts[k].builders[j].release()
                }
                columns[j] = .strings(all)
                columnKinds[j] = .string
                continue
            }
            let missing = parts.reduce(0) { $0 + $1.builders[j].missing }
            let integral = parts.allSatisfy { $0.builders[j].integral }
            var all = parts[0].builders[j].takeNumbers()
            for k in parts.indices.dropFirst() {
                all.append(contentsOf: parts[k].builders[j].numbers)
                parts[k].builders[j].release()
            }
            if kind == .bool && missing == 0 {
                columns[j] = .bools(all.map { $0 != 0 })
                columnKinds[j] = .bool
            } else {
                columns[j] = .numbers(all)
                columnKinds[j] = (kind == .bool || (kind == .number && integral)) ? .integer : .float
            }
        }
        if !demoted.isEmpty {
            var sink = TextSink(columns: demoted, width: names.count)
            _ = scanner.scan(from: dataStart, stop: scanner.end, into: &sink)
            try Interruption.check()
            for (k, j) in demoted.enumerated() {
                columns[j] = .strings(sink.values[k])
                columnKinds[j] = .string
            }
        }
        return Table(uniqueNames: names, columns: columns.map { $0! }, kinds: columnKinds)
    }

    // MARK: - Helpers

    static func guessSeparator(_ path: String, _ p: UnsafePointer<UInt8>, _ n: Int) -> UInt8 {
        let lower = path.lowercased()
        if lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") { return 9 }
        var commas = 0, tabs = 0, semicolons = 0
        var inQuote = false
        // The first 64 KiB of the line decide (a line of millions of fields need not be counted).
        for i in 0..<min(n, 1 << 16) {
            switch p[i] {
            case 34: inQuote.toggle()
            case 44 where !inQuote: commas += 1
            case 9 where !inQuote: tabs += 1
            case 59 where !inQuote: semicolons += 1
            default: break
            }
        }
        // The most frequent; ties go to the lowest byte (tab, then comma, then semicolon).
        if tabs > 0, tabs >= commas, tabs >= semicolons { return 9 }
        if semicolons > commas { return 59 }
        return 44
    }

    /// Header names made unique the way pandas does (`x`, `x.1`, …); blank names become
    /// `unnamed_j`.
    static func uniqueNames(_ raw: [String]) -> [String] {
        var seen: [String: Int] = [:]
        var out: [String] = []
        for (j, r) in raw.enumerated() {
            var name = r.isEmpty ? "unnamed_\(j)" : r
            if let n = seen[name] {
                var k = n
                while seen["\(name).\(k)"] != nil { k += 1 }
                seen[name] = k + 1
                name = "\(name).\(k)"
            }
            seen[name] = seen[name] ?? 1
            out.append(name)
        }
        return out
    }

    /// Line (1-based) and column (characters, 1-based) of a byte offset.
    static func location(_ file: MappedFile, _ offset: Int) -> (Int, Int) {
        var line = 1, lineStart = 0
        for i in 0..<min(offset, file.count) where file.base[i] == 10 {
            line += 1
            lineStart = i + 1
        }
        var col = 1
        for i in lineStart..<min(offset, file.count) where file.base[i] & 0xC0 != 0x80 { col += 1 }
        return (line, col)
    }

    static func fieldText(_ file: MappedFile, _ offset: Int, separator: UInt8) -> String {
        var e = offset
        while e < file.count, e - offset < 40, file.base[e] != separator, file.base[e] != 10, file.base[e] != 13 { e += 1 }
        var s = offset
        if s < e, file.base[s] == 34 { s += 1; if e > s, file.base[e - 1] == 34 { e -= 1 } }
        return String(decoding: UnsafeBufferPointer(start: file.base + s, count: e - s), as: UTF8.self)
    }

    static func error(_ file: MappedFile, _ p: CSVScanner.Problem) -> CSVError {
        switch p {
        case .unterminatedQuote(let opened):
            let (l, c) = location(file, opened)
            return CSVError(path: file.path, line: l, column: c, message: "a quoted field opened here is never closed")
        case .textAfterQuote(let at):
            let (l, c) = location(file, at)
            return CSVError(path: file.path, line: l, column: c, message: "unexpected text after a closing quote (a quote inside a quoted field is written twice: \"\")")
        }
    }

    static func raggedError(_ file: MappedFile, _ offset: Int, _ fields: Int, _ width: Int) -> CSVError {
        let (l, _) = location(file, offset)
        return CSVError(path: file.path, line: l, message: "ragged row: line \(l) has \(fields) field\(fields == 1 ? "" : "s"), the header has \(width)")
    }

    static func checkText(_ file: MappedFile, from: Int, to: Int) throws {
        switch UTF8Check.firstProblem(file.base, from: from, to: to) {
        case nil: return
        case .invalid(let i):
            throw CSVError(path: file.path, message: "not UTF-8 at byte \(i): is this a text file (or saved in another encoding)?")
        case .nul(let i):
            throw CSVError(path: file.path, message: "binary data (a NUL byte) at byte \(i): this is not a text file")
        }
    }
}
