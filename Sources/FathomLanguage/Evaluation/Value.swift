import FathomCore

/// Every result in Fathom is a value. Values are immutable from the user's side: an
/// assignment such as `v[0] = 1` builds a new value (arrays are copy-on-write, so this is cheap
/// when nothing else shares the storage).
public enum Value: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    /// A vector of numbers, booleans or strings.
    case vector(Column)
    case matrix(Matrix)
    case table(Table)
    case record(Record)
    /// An ordered collection of arbitrary values (`[m1, m2]`, `[1, "a"]`).
    case list([Value])
    case builtin(Builtin)
    /// Analysis values that later layers add: models, calibrators, test results, forecasts,
    /// plots.
    case object(any ObjectValue)

    public static func numbers(_ v: [Double]) -> Value { .vector(.numbers(v)) }
    public static func bools(_ v: [Bool]) -> Value { .vector(.bools(v)) }
    public static func strings(_ v: [String]) -> Value { .vector(.strings(v)) }

    /// The kind of value in one word, as `type(x)` returns it.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .vector: "vector"
        case .matrix: "matrix"
        case .table: "table"
        case .record: "record"
        case .list: "list"
        case .builtin: "builtin"
        case .object(let o): o.typeName
        }
    }

    /// The value described for an error message: "a string", "a vector of 5 numbers",
    /// "a 3×4 matrix".
    public var described: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "a bool (\(b))"
        case .number(let x): return "the number \(NumberFormat.short(x))"
        case .string(let s): return s.count <= 20 ? "the string \"\(s)\"" : "a string"
        case .vector(let c):
            let n = c.count
            return n == 0 ? "an empty vector" : "a vector of \(n) \(c.elementName)\(n == 1 ? "" : "s")"
        case .matrix(let m): return "a \(m.rows)×\(m.cols) matrix"
        case .table(let t): return "a table (\(t.rowCount) rows, \(t.columnCount) columns)"
        case .record: return "a record"
        case .list(let l): return "a list of \(l.count)"
        case .builtin(let b): return "the builtin \(b.name)()"
        case .object(let o): return o.described
        }
    }
}

/// What an analysis value (model, calibrator, test result, forecast, plot) provides to take
/// part in the language: a name, text and JSON forms, and fields reachable with `.`.
public protocol ObjectValue: Sendable {
    /// One word: "model", "calibrator", "test", "forecast", "plot".
    var typeName: String { get }
    /// For messages: "a softmax-regression model".
    var described: String { get }
    /// The fields reachable with `.` (for completion and `fields(x)`).
    var fieldNames: [String] { get }
    /// The field called `name`, if it exists.
    func field(_ name: String) -> Value?
    /// How it prints in the shell.
    func renderText(_ options: RenderOptions) -> String
    /// How it serialises (`--json`, `save(x, "x.json")`).
    func json() -> JSONValue
}
