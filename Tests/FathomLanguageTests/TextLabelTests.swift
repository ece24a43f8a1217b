import Testing
import FathomLanguage

/// Text labels are matched to probability columns by the columns' names or classes=, never by
/// the sorted order of the labels; numeric labels are column positions.
@Suite("Text labels and class names")
struct TextLabelTests {
    static let pets = "t = as_table({p_dog: [0.9, 0.2, 0.3, 0.6], p_cat: [0.1, 0.8, 0.7, 0.4], label: [\"dog\", \"cat\", \"dog\", \"dog\"]})\n"

    @Test("columns p_dog, p_cat or p_cat, p_dog give the same answers with text labels", arguments: [
        "accuracy", "nll", "brier", "ece", "mce", "ace",
    ])
    func columnOrderDoesNotMatter(_ metric: String) throws {
        let a = try evaluate(TextLabelTests.pets + "\(metric)(select(t, \"p_*\"), t.label)")
        let b = try evaluate(TextLabelTests.pets + "\(metric)(select(t, [\"p_cat\", \"p_dog\"]), t.label)")
        // The same metric with numeric labels in the first order: dog is column 0.
        let c = try evaluate(TextLabelTests.pets + "\(metric)(select(t, \"p_*\"), [0, 1, 0, 0])")
        #expect(a == b)
        #expect(a == c)
    }

    @Test("the issue's example: accuracy 0.75 in both column orders (it was 0.25 in one)")
    func issueExample() throws {
        #expect(try evaluate(TextLabelTests.pets + "accuracy(select(t, \"p_*\"), t.label)") == "0.75")
        #expect(try evaluate(TextLabelTests.pets + "accuracy(select(t, [\"p_cat\", \"p_dog\"]), t.label)") == "0.75")
    }

    @Test("names survive softmax, row selection, calibrate and reweight; arithmetic drops them")
    func namesFlow() throws {
        let z = "z = as_table({logit_dog: [2, -1, 0.5, 1], logit_cat: [0, 1, 1, -1], label: [\"dog\", \"cat\", \"dog\", \"dog\"]})\nm = select(z, \"logit_*\")\n"
        #expect(try evaluate(z + "accuracy(softmax(m), z.label)") == "0.75")
        #expect(try evaluate(z + "accuracy(softmax(m)[0:2], z.label[0:2])") == "1")
        #expect(try evaluate(z + "accuracy(softmax(m)[z.label == \"dog\"], z.label[z.label == \"dog\"])") == "0.666667")
        #expect(try evaluate(z + "cal = temperature(m, z.label); accuracy(calibrate(cal, m), z.label)") == "0.75")
        #expect(try evaluate(z + "columns(as_table(softmax(m)))") == "[\"logit_dog\", \"logit_cat\"]")
        #expect(diagnostic(z + "accuracy(softmax(m * 1), z.label)")?.message.contains("does not say which column is which class") == true)
        #expect(try evaluate(z + "accuracy(softmax(m * 1), z.label, classes=[\"dog\", \"cat\"])") == "0.75")
    }

    @Test("a vector of P(y = 1) takes classes=[negative, positive]")
    func binaryVector() throws {
        #expect(try evaluate(TextLabelTests.pets + "accuracy(t.p_cat, t.label, classes=[\"dog\", \"cat\"])") == "0.75")
        #expect(try evaluate(TextLabelTests.pets + "accuracy(t.p_dog, t.label, classes=[\"cat\", \"dog\"])") == "0.75")
        #expect(diagnostic(TextLabelTests.pets + "accuracy(t.p_cat, t.label)")?.message.contains("which label its scores are for") == true)
    }

    @Test("a model fitted on text labels names its predictions' columns; a subset of classes in y still lines up")
    func modelNames() throws {
        let fit = "p = load(\"penguins/penguins\"); p = drop_missing(p); m = fit_logistic(p[[\"bill_length_mm\", \"flipper_length_mm\"]], p.species, standardize=true)\n"
        let full = try evaluate(fit + "accuracy(predict(m, p), p.species)")
        #expect(Double(full)! > 0.9)
        // Only Gentoo rows: the labels name one class, which must still be column 2.
        let gentoo = try evaluate(fit + "g = p[p.species == \"Gentoo\"]; accuracy(predict(m, g), g.species)")
        #expect(Double(gentoo)! > 0.9)
        #expect(try evaluate(fit + "columns(as_table(predict(m, p)))") == "[\"Adelie\", \"Chinstrap\", \"Gentoo\"]")
    }

    @Test("numbered columns out of class order are refused for numeric labels; in order they are fine")
    func numberedColumns() throws {
        let t = "t = as_table({p_1: [0.9, 0.2], p_0: [0.1, 0.8]})\n"
        #expect(diagnostic(t + "accuracy(select(t, \"p_*\"), [1, 0])")?.message.contains("ambiguous") == true)
        #expect(try evaluate(t + "accuracy(select(t, [\"p_0\", \"p_1\"]), [1, 0])") == "1")
    }
}

/// The same rule in the builtins added since: auc, f1, confusion and failure_probs(p, y).
@Suite("Text labels in classification builtins")
struct ClassificationTextLabelTests {
    static let t = "t = as_table({p_dog: [0.9, 0.2, 0.3, 0.6], p_cat: [0.1, 0.8, 0.7, 0.4], label: [\"dog\", \"cat\", \"dog\", \"dog\"]})\n"

    @Test("column order does not change auc, f1, confusion or failure_probs", arguments: [
        "auc(P, t.label).auc", "f1(P, t.label)", "confusion(P, t.label).accuracy", "sum(failure_probs(P, t.label))",
    ])
    func order(_ call: String) throws {
        let a = try evaluate(Self.t + call.replacingOccurrences(of: "P", with: "select(t, \"p_*\")"))
        let b = try evaluate(Self.t + call.replacingOccurrences(of: "P", with: "select(t, [\"p_cat\", \"p_dog\"])"))
        #expect(a == b, "\(call)")
    }

    @Test("a score vector with text labels needs classes=[negative, positive]")
    func scoreVector() throws {
        #expect(diagnostic(Self.t + "auc(t.p_cat, t.label)")?.message.contains("which label its scores are for") == true)
        let named = try evaluate(Self.t + "auc(t.p_cat, t.label, classes=[\"dog\", \"cat\"]).auc")
        let boolean = try evaluate(Self.t + "auc(t.p_cat, t.label == \"cat\").auc")
        #expect(named == boolean)
    }

    @Test("confusion names its rows by the columns' classes, in column order")
    func names() throws {
        #expect(try evaluate(Self.t + "confusion(select(t, \"p_*\"), t.label).classes") == "[\"dog\", \"cat\"]")
    }
}

/// Settings that only a bootstrap reads are refused when no interval was asked for, instead
/// of being silently ignored.
@Suite("Bootstrap settings without ci=")
struct BootstrapSettingsTests {
    @Test("boot= or seed= without ci= is an error; with ci= it is used", arguments: [
        "ece([0.7, 0.2, 0.6], [1, 0, 1], boot=50)", "accuracy([0.7, 0.2, 0.6], [1, 0, 1], seed=3)",
        "p = load(\"elicitation/clean\"); forecast(p[0:1000], n=1e6, boot=100)",
    ])
    func refused(_ call: String) throws {
        let d = try #require(diagnostic(call))
        #expect(d.message.contains("sets the bootstrap of an interval, but no interval was asked for"), "\(d.message)")
        #expect(diagnostic(call.replacingOccurrences(of: ")", with: ", ci=0.9)", options: .backwards, range: call.range(of: ")", options: .backwards))) == nil)
    }
}

/// Messages and edge cases found by the hostile-input review that are cheap to hold now.
@Suite("Small edge cases")
struct SmallEdgeCaseTests {
    @Test("argmax agrees with max about NaN: its position, as numpy")
    func argmaxNaN() throws {
        #expect(try evaluate("argmax([nan, 1])") == "0")
        #expect(try evaluate("argmax([1, nan, 3])") == "1")
        #expect(try evaluate("argmax([[1, nan], [3, 2]])") == "[1, 0]")
        #expect(try evaluate("max([1, nan, 3])") == "NaN")
    }

    @Test("adding a number to a string suggests something that exists")
    func stringPlusNumber() throws {
        let d = try #require(diagnostic("\"total: \" + 3"))
        let note = d.notes.joined(separator: "\n")
        #expect(!note.contains("str("), "\(note)")
        #expect(note.contains("print("), "\(note)")
    }
}
