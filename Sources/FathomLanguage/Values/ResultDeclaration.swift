import FathomCore

/// One field of a result type: its name, what it holds, and how it is read. A result type
/// lists its fields once; field access (`r.name`), completion, `fields(r)`, the JSON form and
/// the help page all come from that list, so they cannot disagree.
public struct ResultField<Owner>: Sendable {
    public let name: String
    public let doc: String
    /// The field's value, or nil when this value does not have the field (a forecast without
    /// a bootstrap has no ci_low).
    let read: @Sendable (Owner) -> Value?

    public init(_ name: String, _ doc: String, _ read: @escaping @Sendable (Owner) -> Value) {
        self.name = name
        self.doc = doc
        self.read = { read($0) }
    }

    /// A field only some values of the type have: `read` gives nil for the others.
    public init(_ name: String, _ doc: String, optional read: @escaping @Sendable (Owner) -> Value?) {
        self.name = name
        self.doc = doc
        self.read = read
    }
}

/// A result type declared once: its name in messages and help, a sentence on what it is, and
/// its fields.
public protocol DeclaredResult: ObjectValue {
    /// The name help lists it under ("forecast", "test").
    static var resultName: String { get }
    /// One sentence: what the result says.
    static var resultDoc: String { get }
    static var fields: [ResultField<Self>] { get }
    /// Fields only some values have (a test's own extras), after the declared ones.
    var extraFields: [(name: String, value: Value)] { get }
    /// The fields this value has, in order, with their values: the declared ones it has, then
    /// its extras (a type whose values lead with fields of their own, such as a fit's
    /// parameters by name, says so here).
    var presentFields: [(name: String, value: Value)] { get }
    /// What `as_table(r)` gives, for help (nil: the type has no table form). ResultTables.swift.
    static var tableDoc: String? { get }
    /// The result as one table, which `as_table` returns and `save` writes to CSV or Parquet;
    /// nil for the types that have none (models, calibrators, plots).
    var resultTable: Table? { get }
}

extension DeclaredResult {
    public var extraFields: [(name: String, value: Value)] { [] }

    /// The declared fields this value has, then its extras, with their values.
    public var presentFields: [(name: String, value: Value)] {
        Self.fields.compactMap { f in f.read(self).map { (f.name, $0) } } + extraFields
    }

    public var fieldNames: [String] { presentFields.map(\.name) }

    public func field(_ name: String) -> Value? {
        if let f = Self.fields.first(where: { $0.name == name }) { return f.read(self) }
        return extraFields.first { $0.name == name }?.value
    }

    /// Every field it has, in order, with its value's JSON.
    public func json() -> JSONValue {
        .object(presentFields.map { ($0.name, $0.value.json()) })
    }
}

/// The documentation of a result type, as help and the reference show it.
public struct ResultDocumentation: Sendable {
    public let name: String
    public let doc: String
    public let fields: [(name: String, doc: String)]
    /// Whether its JSON is a file format (a model, a calibrator) rather than its fields.
    public let jsonIsFileFormat: Bool
    /// What as_table gives, or nil when it has no table form.
    public let table: String?
}

/// A result type whose JSON is a documented file format (written by `save`, read by `load`)
/// rather than its fields.
public protocol FileFormatResult {}

/// Every result type of the language, for help, the reference and the tests that hold each
/// type's fields, field access and JSON to one declaration.
public enum ResultTypes {
    public static let registered: [any DeclaredResult.Type] = [
        ModelValue.self, CalibratorValue.self, TestResultValue.self, DriftValue.self, PriorShiftValue.self, HarmValue.self,
        RiskCoverageValue.self, FigureValue.self, ForecastValue.self, BacktestValue.self, DecompositionValue.self, ExtremeFitValue.self,
        MeanExcessValue.self, ForecastabilityValue.self, ReliabilityValue.self, CurveValue.self, ConfusionValue.self, SlicesValue.self, PerformanceValue.self, ConformalValue.self, RiskControlValue.self, ExperimentValue.self,
    ]

    public static var documentation: [ResultDocumentation] {
        registered.map { t in
            ResultDocumentation(name: t.resultName, doc: t.resultDoc, fields: t.fieldDocs, jsonIsFileFormat: t is any FileFormatResult.Type, table: t.tableDoc)
        }
    }
}

extension DeclaredResult {
    static var fieldDocs: [(name: String, doc: String)] { fields.map { ($0.name, $0.doc) } }
}
