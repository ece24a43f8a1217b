import FathomCore

/// What builtins may use besides their arguments: the session's random generator, limits,
/// rendering settings and the place `print` writes to. The shell creates one per session.
public final class EvaluationContext {
    /// The session's generator; builtins given `seed=` use a fresh one instead.
    public var random: Xoshiro256
    /// The seed the session's generator started from (`--seed`, `:set seed`).
    public private(set) var seed: UInt64
    /// The most elements one value may hold (`:set max_elements`); larger requests are refused.
    public var maxElements: Int
    public var renderOptions: RenderOptions
    /// Where `print` and other direct output go.
    public var emit: (String) -> Void
    /// Where long computations report progress.
    public var progress: any ProgressReporter
    /// The bundled datasets (`datasets()`, `load("digits/test")`), found by whoever knows
    /// where they live.
    public var datasets: DatasetCatalog?
    /// Draws plots to files; nil where nothing can draw (plotting then says how to install
    /// gnuplot).
    public var plotRenderer: PlotRenderer?
    /// Runs SQL over files (`sql()`, Parquet); nil where no engine is installed.
    public var sqlEngine: SQLEngine?
    /// Every check() so far: its name and whether it passed.
    public var checks: [(name: String, passed: Bool)] = []

    /// 2²⁸ values: 2 GiB of doubles.
    public static let defaultMaxElements = 1 << 28

    public init(seed: UInt64 = 0, emit: @escaping (String) -> Void = { _ in }) {
        self.seed = seed
        random = Xoshiro256(seed: seed)
        maxElements = EvaluationContext.defaultMaxElements
        renderOptions = RenderOptions()
        self.emit = emit
        progress = SilentProgress()
    }

    /// Runs `body` with a fresh generator started from `seed`, or with the session generator
    /// (which advances) when there is no seed: how every seeded builtin draws.
    public func withGenerator<T>(seed: UInt64?, _ body: (inout Xoshiro256) throws -> T) rethrows -> T {
        if let seed {
            var g = Xoshiro256(seed: seed)
            return try body(&g)
        }
        return try body(&random)
    }

    /// Restart the session generator from `seed`.
    public func reseed(_ seed: UInt64) {
        self.seed = seed
        random = Xoshiro256(seed: seed)
    }

    /// Refuses a request for `count` elements of `bytesEach` bytes (numbers by default) when
    /// it is above ``maxElements`` × `allowance`, or more than the machine's memory and swap:
    /// every allocation whose size comes from input goes through here first, so asking for too
    /// much is a message, never an abort. `allowance` is for work done in pieces (a bootstrap
    /// draws 100 × the limit in resampled values, never holding them at once).
    public func checkSize(_ count: Double, at range: SourceRange?, what: String = "values", bytesEach: Double = 8, allowance: Double = 1) throws {
        let bytes = count * bytesEach
        if count.isFinite, count <= Double(maxElements) * allowance, bytes <= Memory.totalBytes { return }
        let amount = bytesEach == 1 || allowance != 1 ? NumberFormat.short(count) + " " + what : "\(NumberFormat.short(count)) \(what) (\(Self.bytesText(bytes)))"
        if count.isFinite, count <= Double(maxElements) * allowance {
            throw Diagnostic(
                "resource.too-large",
                "refused: this would hold \(amount), more than this machine's memory and swap (\(Self.bytesText(Memory.totalBytes)))",
                at: range)
        }
        let limit = allowance == 1
            ? "the limit is max_elements = \(maxElements)" + (bytesEach == 8 ? " numbers (\(Self.bytesText(Double(maxElements) * 8)))" : "")
            : "the limit is \(NumberFormat.short(allowance)) × max_elements = \(NumberFormat.short(Double(maxElements) * allowance))"
        throw Diagnostic(
            "resource.too-large",
            "refused: this would \(allowance == 1 ? "hold" : "work through") \(amount); \(limit)",
            at: range,
            notes: ["raise the limit with :set max_elements N if the machine has the memory"])
    }

    /// `b` bytes in the largest binary unit below it, to three digits: "7.45 GiB".
    static func bytesText(_ b: Double) -> String {
        guard b.isFinite, b < 1_152_921_504_606_846_976 * 1024 else { return "more memory than exists" }
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var v = b, i = 0
        while v >= 1024, i < units.count - 1 { v /= 1024; i += 1 }
        return i == 0 ? "\(Int(v)) bytes" : NumberFormat.formatG(v, digits: 3) + " " + units[i]
    }
}
