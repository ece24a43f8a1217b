import Testing
import FathomCore
@testable import FathomLanguage

/// Typed parameter keys: the declaration gives help its text and the reader its check and
/// message; reading a key the builtin does not declare is a diagnostic, not a crash.
@Suite("Typed parameter keys")
struct ParameterKeyTests {
    static let declared: ParameterKey<Int> = .wholeNumber("bins", default: 15, atLeast: 1, atMost: 10_000, doc: "number of bins B")
    static let undeclared: ParameterKey<Bool> = .bool("debias", default: false, doc: "not declared by the builtin below")

    /// A builtin that declares `bins` and reads `key`.
    static func reader<T>(_ key: ParameterKey<T>) -> Builtin {
        Builtin("reads", area: .session, parameters: declare(declared), returns: "", summary: "", examples: []) { args, _ in
            _ = try args[key]
            return .null
        }
    }

    static func call(_ builtin: Builtin, bins: Double? = nil) throws -> Value {
        let named = bins.map { [("bins", SourceRange(0, 0), Value.number($0), SourceRange(5, 6))] } ?? []
        return try builtin.call([], named: named, at: SourceRange(0, 10), context: EvaluationContext())
    }

    @Test("the declaration is what the signature and help show")
    func declaration() {
        #expect(Self.declared.parameter.signatureText == "bins=15")
        #expect(Self.declared.parameter.type == "whole number")
        #expect(Self.declared.documented("equal-width bins").parameter.doc == "equal-width bins")
        #expect(Self.declared.documented("equal-width bins").parameter.signatureText == "bins=15")
    }

    @Test("a declared key reads its default, and its range check words the error as the kind does")
    func reading() throws {
        #expect(try Self.call(Self.reader(Self.declared)).isNull)
        #expect(throws: Diagnostic.self) { try Self.call(Self.reader(Self.declared), bins: 0) }
        do {
            _ = try Self.call(Self.reader(Self.declared), bins: 0)
        } catch let d as Diagnostic {
            #expect(d.id == "argument.type")
            #expect(d.message == "reads() expects bins: a whole number from 1 to 10000, got the number 0")
        }
    }

    /// The diagnostic calling `builtin` throws (nil when it returns).
    static func thrown(_ builtin: Builtin) -> Diagnostic? {
        do {
            _ = try call(builtin)
            return nil
        } catch {
            return error as? Diagnostic
        }
    }

    @Test("reading an undeclared key is an internal diagnostic, not a trap")
    func undeclared() {
        let d = Self.thrown(Self.reader(Self.undeclared))
        #expect(d?.id == "internal.undeclared-parameter")
        #expect(d?.message == "internal: reads() reads a parameter it does not declare: 'debias' (bool)")
    }

    /// A builtin cannot read an argument by a name written by hand: the accessors of Arguments
    /// take a ParameterName, which only a key makes (`args.value("binz")` does not compile). A
    /// key made on the spot for a name the builtin does not declare is refused at every access.
    @Test("a key the builtin does not declare is refused by value, given, has, range and required with an internal diagnostic")
    func undeclaredAccess() {
        let stray: ParameterKey<Int> = .wholeNumber("binz", default: 15, doc: "")
        let b = Builtin("reads", area: .session, parameters: declare(Self.declared), returns: "", summary: "", examples: []) { args, _ in
            for access in [{ _ = try args.value(stray) }, { _ = try args.given(stray) }, { _ = try args.has(stray) }, { _ = try args.range(stray) }] as [() throws -> Void] {
                #expect(throws: Diagnostic.self) { try access() }
            }
            return .number(Double(try args.required(stray).described.count))
        }
        let d = Self.thrown(b)
        #expect(d?.id == "internal.undeclared-parameter")
        #expect(d?.message == "internal: reads() reads a parameter it does not declare: 'binz' (whole number)")
    }

    @Test("keys shared by several builtins keep the messages of the accessors they replaced", arguments: [
        ("ece([0.2, 0.8], [0, 1], bins=0)", "ece() expects bins: a whole number from 1 to 10000, got the number 0"),
        ("ece([0.2, 0.8], [0, 1], binning=\"mas\")", "ece() expects binning to be one of \"width\", \"mass\", got \"mas\""),
        ("accuracy([0.2, 0.8], [0, 1], ci=2)", "accuracy(): ci is a confidence level between 0 and 1, such as 0.95; got 2"),
        ("nll([0.2, 0.8], [0, 1], boot=5, ci=0.9)", "nll() expects boot: a whole number from 10 to 1000000, got the number 5"),
        ("brier([0.2, 0.8], [0, 1], seed=1)", "brier(): seed= sets the bootstrap of an interval, but no interval was asked for"),
        ("histogram_binning([0.2, 0.8], [0, 1], bins=-1)", "histogram_binning() expects bins: a whole number from 1 to 10000, got the number -1"),
        ("vector_scaling([[1, 0], [0, 1]], [0, 1], l2=-1)", "vector_scaling(): l2 must be a finite number ≥ 0, not -1"),
    ])
    func sharedMessages(source: String, message: String) {
        #expect(diagnostic(source)?.message == message)
    }

    @Test("harm() without target labels, when the model never predicts a class, says so at p_source (it read p_val, which it does not declare, and stopped the shell)")
    func harmSingular() {
        let d = diagnostic("harm([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.2, 0.7, 0.1]], [0, 1, 2], [[0.9, 0.05, 0.05], [0.1, 0.8, 0.1]], seed=1)")
        #expect(d?.id == "argument.value")
        #expect(d?.message == "harm(): the model never predicts class 2 on the validation data, so the confusion matrix is singular and the target share of class 2 cannot be recovered")
        #expect(d?.range == SourceRange(5, 58))
    }

    @Test("fine-tuning keys name their own builtin's parameters, without the builtin asking for its name")
    func tuningKeys() {
        #expect(ForecastabilityBuiltins.finetuneTuning.learningRate.name.text == "lr")
        #expect(ForecastabilityBuiltins.fitTuning.learningRate.name.text == "tune_lr")
        #expect(ForecastabilityBuiltins.fitTuning.steps.parameter.signatureText == "tune_steps=200")
        let fit = BuiltinRegistry.standard.builtin(named: "fit_logistic")!
        #expect(fit.parameters.contains { $0.name == "tune_lr" } && !fit.parameters.contains { $0.name == "lr" })
    }
}
