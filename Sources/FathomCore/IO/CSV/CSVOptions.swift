/// How to read a delimited text file.
public struct CSVOptions: Sendable {
    /// The field separator; nil guesses it: a tab for `.tsv` and `.tab` files, otherwise
    /// whichever of `,` `\t` `;` appears most in the first line (a comma when none does).
    public var separator: UInt8?
    /// Whether the first record names the columns (otherwise they are `c0`, `c1`, …).
    public var header = true
    /// Column kinds to use instead of inferring them, by column name.
    public var types: [String: Table.ColumnKind] = [:]
    /// Threads for large files (each reads a part; the result does not depend on how many).
    public var threads = Parallel.workers
    /// The most cells (rows × columns) the table may hold: the session's element limit,
    /// checked while the file is read.
    public var limit = InputSize.defaultLimit

    /// The most columns read: each costs a few hundred bytes before any row is read, and no
    /// analysis wants more.
    public static let maximumColumns = 100_000

    /// Why `separator` cannot separate fields, or nil when it can.
    public static func separatorProblem(_ separator: UInt8) -> String? {
        switch separator {
        case 10, 13: return "a line break ends a row, so it cannot also separate fields"
        case 34: return "the double quote encloses fields, so it cannot also separate them"
        case 0: return "a NUL byte never appears in a text file"
        case 0x80...: return "it must be a single ASCII character"
        default: return nil
        }
    }

    public init(separator: UInt8? = nil, header: Bool = true, types: [String: Table.ColumnKind] = [:]) {
        self.separator = separator
        self.header = header
        self.types = types
    }

    /// Field texts read as missing: NaN in numeric columns, "" in string columns.
    public static let missingMarkers = ["", "NA", "N/A", "NaN", "nan", "null", "NULL"]
}

/// A delimited file that could not be read, located where possible.
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(path: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file.csv:3:7: ragged row: …`
    public var description: String {
        var s = path
        if let line { s += ":\(line)" }
        if let column { s += ":\(column)" }
        return s + ": " + message
    }
}
