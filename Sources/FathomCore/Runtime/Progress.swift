/// How long work reports how far it has got. The shell installs a reporter that draws on the
/// terminal; everywhere else (tests, pipes) reports go nowhere.
public protocol ProgressReporter: Sendable {
    /// `fraction` in [0, 1]; `label` names the work ("bootstrap", "permutations").
    func report(_ label: String, fraction: Double)
    /// The work finished or stopped: erase whatever was drawn.
    func finish()
}

/// A reporter that discards every report.
public struct SilentProgress: ProgressReporter {
    public init() {}
    public func report(_ label: String, fraction: Double) {}
    public func finish() {}
}
