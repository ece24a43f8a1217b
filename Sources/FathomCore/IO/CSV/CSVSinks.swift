import Synchronization

/// The cells read so far by all parts of a scan, against the table's cell limit.
final class CSVCellBudget: Sendable {
    let limit: Int
    let width: Int
    private let rows = Atomic<Int>(0)

    init(limit: Int, width: Int) {
        self.limit = limit
        self.width = width
    }

    /// Adds `records` rows; the refusal when the cells now exceed the limit.
    func add(_ records: Int) -> InputSize.Refusal? {
        let total = rows.add(records, ordering: .relaxed).newValue
        do { try InputSize.checkCells(rows: total, columns: width, limit: limit) } catch { return error }
        return nil
    }
}

/// The header record's fields, unescaped (at most ``CSVOptions/maximumColumns``: the scan
/// stops at the next one).
struct HeaderSink: CSVSink {
    var fields: [String] = []
    var interrupted = false

    mutating func field(_ column: Int, _ p: UnsafePointer<UInt8>, _ length: Int, quoted: Bool, escaped: Bool, offset: Int) -> Bool {
        guard fields.count < CSVOptions.maximumColumns else { return false }
        if fields.count & 0xFFFF == 0xFFFF, Interruption.isRequested { interrupted = true; return false }
        let bytes = escaped ? CSVScanner.unescape(p, length) : Array(UnsafeBufferPointer(start: p, count: length))
        var s = String(decoding: bytes, as: UTF8.self)
        if !quoted { s = s.trimmingWhitespace }
        fields.append(s)
        return true
    }

    /// One record only: the scan stops because the next record starts past `stop`.
    mutating func endRecord(fields: Int, offset: Int) -> Bool { true }
}

/// The first records, to choose each column's kind.
struct SampleSink: CSVSink {
    let width: Int
    let trimSpaces: Bool
    var kinds: [CSVColumnBuilder.Kind]
    var records = 0
    var lastOffset = 0
    var full = false
    var ragged: (offset: Int, fields: Int)?
    var interrupted = false
    private var fieldsSeen = 0

    init(width: Int, trimSpaces: Bool) {
        self.width = width
        self.trimSpaces = trimSpaces
        kinds = Array(repeating: .unknown, count: width)
    }

    mutating func field(_ column: Int, _ p: UnsafePointer<UInt8>, _ length: Int, quoted: Bool, escaped: Bool, offset: Int) -> Bool {
        // A row of millions of fields: notice Ctrl-C inside it.
        fieldsSeen &+= 1
        if fieldsSeen & 0xFFFFF == 0, Interruption.isRequested { interrupted = true; return false }
        guard column < width, kinds[column] != .string else { return true }
        let k = CSVColumnBuilder.classify(p, length, trimSpaces: trimSpaces)
        switch (kinds[column], k) {
        case (_, .unknown): break
        case (.unknown, _): kinds[column] = k
        case (.number, .number), (.bool, .bool): break
        default: kinds[column] = .string
        }
        return true
    }

    mutating func endRecord(fields: Int, offset: Int) -> Bool {
        if fields != width {
            ragged = (offset, fields)
            return false
        }
        records += 1
        lastOffset = offset
        if records >= CSVReader.sampleRecords { full = true; return false }
        return true
    }
}

/// Every column's values for one range of records.
struct TypedSink: CSVSink {
    let width: Int
    var builders: [CSVColumnBuilder]
    let file: MappedFile
    let budget: CSVCellBudget
    var failure: CSVError?
    /// The scan stopped on Ctrl-C.
    var interrupted = false
    private var scratch: [UInt8] = []
    private var released = 0
    /// Records not yet counted against the budget.
    private var uncounted = 0
    private var fieldsSeen = 0

    init(width: Int, builders: [CSVColumnBuilder], file: MappedFile, budget: CSVCellBudget) {
        self.width = width
        self.builders = builders
        self.file = file
        self.budget = budget
    }

    mutating func run(_ scanner: CSVScanner, from: Int, stop: Int) -> CSVScanner.Result {
        released = from
        let result = scanner.scan(from: from, stop: stop, into: &self)
        if failure == nil, case .finished(let next) = result { passed(next, final: true) }
        return result
    }

    /// The scan has passed `offset`: check the text behind it and hand its pages back, every
    /// 1 MiB (and at the end), and notice Ctrl-C.
    private mutating func passed(_ offset: Int, final: Bool) {
        guard final || offset - released > 1 << 20 || uncounted * width >= 1 << 16 else { return }
        if Interruption.isRequested { interrupted = true }
        if let refusal = budget.add(uncounted) {
            failure = CSVError(path: file.path, message: refusal.message)
        }
        uncounted = 0
        if let problem = UTF8Check.firstProblem(file.base, from: released, to: min(offset, file.count)) {
            switch problem {
            case .invalid(let i): failure = CSVError(path: file.path, message: "not UTF-8 at byte \(i): is this a text file (or saved in another encoding)?")
            case .nul(let i): failure = CSVError(path: file.path, message: "binary data (a NUL byte) at byte \(i): this is not a text file")
            }
        }
        file.release(from: released, to: offset)
        released = offset
    }

    mutating func throwIfFailed(_ result: CSVScanner.Result) throws {
        if interrupted { throw Interrupted() }
        if let failure { throw failure }
        if case .problem(let p) = result { throw CSVReader.error(file, p) }
    }

    mutating func field(_ column: Int, _ p: UnsafePointer<UInt8>, _ length: Int, quoted: Bool, escaped: Bool, offset: Int) -> Bool {
        fieldsSeen &+= 1
        if fieldsSeen & 0xFFFFF == 0, Interruption.isRequested { interrupted = true; return false }
        guard column < width else { return true }
        if escaped {
            scratch = CSVScanner.unescape(p, length)
            let n = scratch.count
            scratch.withUnsafeBufferPointer { builders[column].add($0.baseAddress!, n, offset: offset) }
        } else {
            builders[column].add(p, length, offset: offset)
        }
        return true
    }

    mutating func endRecord(fields: Int, offset: Int) -> Bool {
        if fields != width {
            failure = CSVReader.raggedError(file, offset, fields, width)
            return false
        }
        uncounted += 1
        passed(offset, final: false)
        return failure == nil && !interrupted
    }
}

/// The text of some columns, for columns whose kind changed during the scan.
struct TextSink: CSVSink {
    let columns: [Int]
    let width: Int
    var values: [[String]]
    private var slot: [Int]
    private var records = 0

    init(columns: [Int], width: Int) {
        self.columns = columns
        self.width = width
        values = Array(repeating: [], count: columns.count)
        slot = Array(repeating: -1, count: width)
        for (k, j) in columns.enumerated() { slot[j] = k }
    }

    mutating func field(_ column: Int, _ p: UnsafePointer<UInt8>, _ length: Int, quoted: Bool, escaped: Bool, offset: Int) -> Bool {
        guard column < width, slot[column] >= 0 else { return true }
        let bytes = escaped ? CSVScanner.unescape(p, length) : Array(UnsafeBufferPointer(start: p, count: length))
        values[slot[column]].append(CSVColumnBuilder.isMissing(p, length) ? "" : String(decoding: bytes, as: UTF8.self))
        return true
    }

    /// Stops on Ctrl-C (checked every 65 536 records).
    mutating func endRecord(fields: Int, offset: Int) -> Bool {
        records += 1
        return records & 0xFFFF != 0 || !Interruption.isRequested
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
