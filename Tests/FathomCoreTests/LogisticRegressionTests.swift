import Testing
import FathomCore
import FathomTestSupport

@Suite("Logistic regression against scikit-learn")
struct LogisticRegressionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let json: JSONValue
        var testDescription: String { json["name"]!.text }
    }

    static let cases = try! Fixture.json("logistic/cases.json")["cases"]!.array.map(Case.init)

    @Test("probabilities agree to 1e-6 and the objective to 1e-9", arguments: cases)
    func agrees(_ c: Case) throws {
        let rows = c.json["X"]!.array.map(\.doubles)
        let x = Matrix(rowArrays: rows)
        let y = c.json["y"]!.doubles.map { Int($0) }
        let k = Int(c.json["K"]!.double)
        let fit = try LogisticRegression.fit(x, labels: y, classes: k, l2: c.json["l2"]!.double)
        #expect(fit.converged)
        let p = try fit.model.probabilities(x)
        let want = c.json["proba"]!.array.map(\.doubles)
        var worst = 0.0
        for i in 0..<x.rows { for j in 0..<k { worst = max(worst, abs(p[i, j] - want[i][j])) } }
        #expect(worst < 1e-6, "max |Δp| = \(worst)")
        #expect(abs(fit.objective - c.json["objective"]!.double) <= 1e-9 * max(1, abs(c.json["objective"]!.double)))
    }

    @Test("standardising inside the model changes nothing about predictions on the raw inputs' scale")
    func standardize() throws {
        let x = Matrix(rowArrays: [[1, 200], [2, 180], [3, 260], [4, 240], [5, 300], [6, 280]])
        let fit = try LogisticRegression.fit(x, labels: [0, 0, 1, 0, 1, 1], classes: 2, l2: 0.01, standardize: true)
        #expect(fit.model.standardize != nil)
        let p = try fit.model.probabilities(x)
        #expect(p[4, 1] > p[0, 1])
    }
}

@Suite("Model files")
struct ModelFileTests {
    static let valid = """
    {"format": "fathom-model", "version": 1, "kind": "mlp", "classes": [0, 1, 2],
     "standardize": {"mean": [1, 2], "scale": [2, 4]},
     "layers": [{"weights": [[1, 0], [0, 1], [1, 1]], "bias": [0, 0, -1], "activation": "relu"},
                {"weights": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "bias": [0, 0, 0], "activation": "identity"}],
     "output": "softmax"}
    """

    @Test("a model reads, computes logits by hand, and writes back the same")
    func roundTrip() throws {
        let m = try Model(json: JSONValue.parse(ModelFileTests.valid))
        let z = try m.logits(Matrix(rowArrays: [[3, 6]]))
        // standardised: (1, 1); hidden: relu(1, 1, 1); logits = hidden.
        #expect(z.storage == [1, 1, 1])
        let again = try Model(json: m.json())
        #expect(try again.logits(Matrix(rowArrays: [[3, 6]])).storage == z.storage)
    }

    @Test("broken files name the field", arguments: [
        (#""format": "fathom-model""#, #""format": "other""#, "format: must be \"fathom-model\""),
        (#""version": 1"#, #""version": 2"#, "version: is 2; this reader knows version 1"),
        (#""kind": "mlp""#, #""kind": "tree""#, "kind: must be \"softmax-regression\" or \"mlp\""),
        (#""classes": [0, 1, 2]"#, #""classes": [0, 1]"#, "classes: has 2 labels; the last layer has 3 outputs"),
        (#""scale": [2, 4]"#, #""scale": [2, 0]"#, "standardize.scale[1]: is 0; scales must be non-zero"),
        (#""mean": [1, 2]"#, #""mean": [1]"#, "standardize.mean: has 1 numbers; the model takes 2 inputs"),
        (#""bias": [0, 0, -1]"#, #""bias": [0, 0]"#, "layers[0].bias: has 2 numbers; the weights have 3 rows"),
        (#""activation": "relu""#, #""activation": "gelu""#, "layers[0].activation: must be one of \"relu\", \"tanh\", \"logistic\", \"identity\""),
        (#"[[1, 0, 0], [0, 1, 0], [0, 0, 1]]"#, #"[[1, 0], [0, 1], [0, 0]]"#, "layers[1].weights: rows have 2 inputs; the previous layer has 3 outputs"),
        (#"[[1, 0], [0, 1], [1, 1]]"#, #"[[1, 0], [0], [1, 1]]"#, "layers[0].weights[1]: has 1 numbers; row 0 has 2"),
        (#""output": "softmax""#, #""output": "sigmoid""#, "output: must be \"softmax\""),
    ])
    func broken(_ find: String, _ replace: String, _ message: String) throws {
        let text = ModelFileTests.valid.replacingOccurrences(of: find, with: replace)
        #expect(text != ModelFileTests.valid)
        #expect(throws: ModelFormatError.self) { try Model(json: JSONValue.parse(text)) }
        do { _ = try Model(json: JSONValue.parse(text)) } catch let e as ModelFormatError { #expect(e.description == message) }
    }
}
