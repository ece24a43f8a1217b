/// Every builtin and constant the language knows, by name. Help, completion and the README's
/// reference are generated from here, so a builtin cannot exist without its documentation.
public struct BuiltinRegistry: Sendable {
    public private(set) var builtins: [Builtin] = []
    private var index: [String: Builtin] = [:]
    /// Named constants (`pi`, `inf`, `nan`), with one line of doc each.
    public private(set) var constants: [(name: String, value: Value, doc: String)] = []

    public init() {}

    /// The builtins of this module.
    public static let standard: BuiltinRegistry = {
        var r = BuiltinRegistry()
        let all = MathBuiltins.all + StatisticsBuiltins.all + VectorBuiltins.all + RandomBuiltins.all
            + DataBuiltins.all + SQLBuiltins.all + SQLPushdown.all + TableBuiltins.all + MatrixBuiltins.all + ModelBuiltins.all + ReliabilityBuiltins.all + RecalibrationBuiltins.all + MonitorBuiltins.all + PerformanceBuiltins.all + ConformalBuiltins.all + ExperimentBuiltins.all + FailureBuiltins.all + SliceBuiltins.all + ShiftBuiltins.all + DriftBuiltins.all + LabelShiftBuiltins.all + TailBuiltins.all + [ForecastabilityBuiltins.failureProbs, ForecastabilityBuiltins.forecastabilityLoss] + ExtremeValueBuiltins.all + PlotBuiltins.all + SessionBuiltins.all
            + ClassificationBuiltins.all + JoinBuiltins.all
        for b in all {
            r.register(b)
        }
        r.constants = [
            ("pi", .number(Double.pi), "π = 3.14159…"),
            ("inf", .number(Double.infinity), "positive infinity"),
            ("nan", .number(Double.nan), "not a number: a missing or undefined value"),
        ]
        return r
    }()

    /// Adds `builtin`; a second builtin with the same name is a programming error.
    public mutating func register(_ builtin: Builtin) {
        precondition(index[builtin.name] == nil, "builtin \(builtin.name) registered twice")
        builtins.append(builtin)
        index[builtin.name] = builtin
    }

    public func builtin(named name: String) -> Builtin? { index[name] }

    public func constant(named name: String) -> Value? {
        constants.first { $0.name == name }?.value
    }

    /// Every name a user can call or read: builtins then constants.
    public var allNames: [String] { builtins.map(\.name) + constants.map(\.name) }
}
