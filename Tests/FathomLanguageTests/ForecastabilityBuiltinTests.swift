import Testing
import FathomTestSupport
import FathomCore
@testable import FathomLanguage

/// The forecastability builtins as a user calls them: what they return agrees with itself and
/// with the definitions, fine-tuning does what it claims on the pool it tunes on, and the
/// results draw.
@Suite("Forecastability builtins")
struct ForecastabilityBuiltinTests {
    /// A small three-class problem a linear model gets about 76 % right.
    static let setup = """
        X = randn(3000, 4, seed=1); y = (X[:, 0] > 0) + (X[:, 1] + 0.5 * X[:, 2] > 0.5)
        m = fit_logistic(X, y, l2=0.01)
        """

    func run(_ source: String) throws -> Interpreter {
        let interpreter = makeInterpreter()
        for parsed in Parser.parse(SourceFile(name: "<test>", text: ForecastabilityBuiltinTests.setup + "\n" + source)) {
            _ = try interpreter.run(try parsed.get())
        }
        return interpreter
    }

    func numbers(_ i: Interpreter, _ name: String) throws -> [Double] {
        switch i.variables[name] {
        case .vector(.numbers(let v))?: return v
        case .number(let x)?: return [x]
        default: Issue.record("\(name) is not numbers"); return []
        }
    }

    @Test("failure_probs is 1 − p(y|x) of predict")
    func failureProbs() throws {
        let i = try run("pf = failure_probs(m, X, y); direct = 1 - rowsums(predict(m, X) * onehot(y, k=3))")
        let pf = try numbers(i, "pf"), direct = try numbers(i, "direct")
        #expect(pf.count == 3000)
        for (a, b) in zip(pf, direct) { #expect(abs(a - b) < 1e-12) }
    }

    @Test("failure_probs(p, y) of the model's probabilities agrees with the model form")
    func fromProbabilities() throws {
        let i = try run("pf = failure_probs(m, X, y); pp = failure_probs(predict(m, X), y)")
        let pf = try numbers(i, "pf"), pp = try numbers(i, "pp")
        #expect(pp.count == 3000)
        // Relative: both keep a confident right answer's small failure probability.
        for (a, b) in zip(pf, pp) { #expect(abs(a - b) <= 1e-12 * max(a, 1e-300) + 1e-15, "\(a) vs \(b)") }
    }

    @Test("text labels are looked up among the model's classes, also for a pool holding only some of them")
    func textLabels() throws {
        let i = try run("""
            names = ["ant", "bee", "cat"]
            words = names[y]
            w = fit_logistic(X, words, l2=0.01)
            all = failure_probs(w, X, words)[y == 1]
            bees = failure_probs(w, X[y == 1], words[y == 1])
            direct = failure_probs(w, X[y == 1], y[y == 1])
            """)
        // Only "bee" rows: sorted among the names present it would be class 0 (ant); it is 1.
        #expect(try numbers(i, "bees") == (try numbers(i, "direct")))
        #expect(try numbers(i, "bees") == (try numbers(i, "all")))
    }

    @Test("forecastability_loss: the loss, mean |error| and under-prediction agree with its partitions; the seed fixes them")
    func loss() throws {
        let i = try run("""
            f = forecastability_loss(m, X, y, m=300, n=2000, partitions=40, scale="score", seed=3)
            F = f.forecast; T = f.realised; loss = f.loss; mae = f.mean_abs_error; under = f.under_prediction
            again = forecastability_loss(m, X, y, m=300, n=2000, partitions=40, scale="score", seed=3).loss
            other = forecastability_loss(m, X, y, m=300, n=2000, partitions=40, scale="score", seed=4).loss
            """)
        let f = try numbers(i, "F"), t = try numbers(i, "T")
        let pairs = zip(f, t).filter { $0.0.isFinite }
        #expect(f.count == 40 && pairs.count > 30)
        let mse = pairs.reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(pairs.count)
        let mae = pairs.reduce(0) { $0 + abs($1.0 - $1.1) } / Double(pairs.count)
        let under = Double(pairs.filter { $0.0 < $0.1 }.count) / Double(pairs.count)
        #expect(abs(try numbers(i, "loss")[0] - mse) < 1e-9 * max(1, mse))
        #expect(abs(try numbers(i, "mae")[0] - mae) < 1e-12)
        #expect(try numbers(i, "under")[0] == under)
        #expect(try numbers(i, "again") == (try numbers(i, "loss")))
        #expect(try numbers(i, "other") != (try numbers(i, "loss")))
    }

    @Test("fine-tuning with λ > 0 lowers the forecastability loss on the tuning pool more than λ = 0 does")
    func finetuneHelps() throws {
        let i = try run("""
            t0 = finetune(m, X, y, forecastability=0, steps=60, lr=0.01)
            t1 = finetune(m, X, y, forecastability=0.05, steps=60, lr=0.01, m=300, n=2000, scale="score", seed=1)
            a = forecastability_loss(t0, X, y, m=300, n=2000, partitions=100, scale="score", seed=9).loss
            b = forecastability_loss(t1, X, y, m=300, n=2000, partitions=100, scale="score", seed=9).loss
            curve = t1.training.finetune.forecastability_loss
            """)
        #expect(try numbers(i, "b")[0] < 0.8 * (try numbers(i, "a")[0]))
        #expect(try numbers(i, "curve").count == 60)
    }

    @Test("fit_logistic(forecastability=) is the fit, then finetune with the same settings")
    func fitThenTune() throws {
        let i = try run("""
            a = fit_logistic(X, y, l2=0.01, forecastability=0.05, tune_steps=10, m=300, n=2000, scale="score", seed=2)
            b = finetune(m, X, y, forecastability=0.05, steps=10, m=300, n=2000, scale="score", seed=2)
            d = max(abs(predict(a, X) - predict(b, X)))
            """)
        #expect(try numbers(i, "d")[0] < 1e-9)
    }

    @Test("smooth= and batch=: recorded, seeded, a batch of the whole pool is the full batch, and the fits' tune_batch= is finetune's batch=")
    func smoothAndBatch() throws {
        let i = try run("""
            a = finetune(m, X, y, forecastability=0.05, steps=8, m=300, n=1000, scale="score", smooth=0.5, batch=1500, seed=1)
            b = finetune(m, X, y, forecastability=0.05, steps=8, m=300, n=1000, scale="score", smooth=0.5, batch=1500, seed=1)
            c = finetune(m, X, y, forecastability=0.05, steps=8, m=300, n=1000, scale="score", smooth=0.5, batch=1500, seed=2)
            same = max(abs(predict(a, X) - predict(b, X))); other = max(abs(predict(a, X) - predict(c, X)))
            tau = a.training.finetune.smooth; rows = a.training.finetune.batch
            full = finetune(m, X, y, forecastability=0.05, steps=8, m=300, n=2000, scale="score", seed=1)
            whole = finetune(m, X, y, forecastability=0.05, steps=8, m=300, n=2000, scale="score", batch=3000, seed=1)
            wholeDiff = max(abs(predict(full, X) - predict(whole, X)))
            fit = fit_logistic(X, y, l2=0.01, forecastability=0.05, tune_steps=8, m=300, n=1000, scale="score", smooth=0.5, tune_batch=1500, seed=1)
            fitDiff = max(abs(predict(fit, X) - predict(a, X)))
            hard = finetune(m, X, y, forecastability=0.05, steps=8, m=300, n=1000, scale="score", batch=1500, seed=1)
            hardDiff = max(abs(predict(hard, X) - predict(a, X)))
            """)
        #expect(try numbers(i, "same") == [0])
        #expect(try numbers(i, "other")[0] > 0)
        #expect(try numbers(i, "tau") == [0.5])
        #expect(try numbers(i, "rows") == [1500])
        #expect(try numbers(i, "wholeDiff") == [0])
        #expect(try numbers(i, "fitDiff")[0] < 1e-9)
        #expect(try numbers(i, "hardDiff")[0] > 0)
    }

    @Test("results draw: forecast against realised with the diagonal, several on one figure; a tuned model's curves")
    func figures() throws {
        let i = try run("""
            t1 = finetune(m, X, y, forecastability=0.05, steps=5, m=300, n=2000, scale="score", seed=1)
            f0 = forecastability_loss(m, X, y, m=300, n=2000, scale="score")
            f1 = forecastability_loss(t1, X, y, m=300, n=2000, scale="score")
            plot([f0, f1], labels=["before", "after"], to="/tmp/both.png")
            plot(t1, to="/tmp/curves.png")
            """)
        let drawn = (i.context.plotRenderer as? RecordingRenderer)?.drawn ?? []
        #expect(drawn.count == 2)
        let both = try #require(drawn.first?.0)
        #expect(both.kind == "forecastability scatter")
        let series = both.panels[0].series
        #expect(series.count == 3 && series[2].reference)
        #expect(series[0].label?.hasPrefix("before (mean |error| ") == true && series[1].label?.hasPrefix("after") == true)
        #expect(series[0].x.count == 32 && series[1].y.count == 32)
        let curves = try #require(drawn.last?.0)
        #expect(curves.panels.count == 2 && curves.panels[0].series[0].x.count == 5)
    }
}
