import Testing
import Foundation
@testable import FathomShell

@Suite("Tab completion")
struct CompletionTests {
    static func session() -> RecordingSession {
        let s = RecordingSession()
        s.run("val_scores = [1]\nrec = {alpha: 1, beta: {gamma: 2}}")
        return s
    }

    @Test("builtins, variables and keywords; a unique builtin gets its bracket")
    func names() {
        let s = CompletionTests.session().session
        #expect(s.completions(for: "x = sqr").insertion == "t(")
        #expect(s.completions(for: "val_").candidates == ["val_scores"])
        // A prefix shared by a builtin and more: the common part only.
        #expect(s.completions(for: "mea").candidates == ["mean", "mean_excess"])
        #expect(s.completions(for: "mea").insertion == "n")
        #expect(s.completions(for: "s").candidates.contains("sqrt"))
        #expect(s.completions(for: "s").insertion == "")
        #expect(s.completions(for: "tr").candidates == ["training_experiment", "transpose", "true"])
        #expect(s.completions(for: "tru").insertion == "e")
        #expect(s.completions(for: "qua").insertion == "ntile(")
        #expect(s.completions(for: "1").candidates.isEmpty)
    }

    @Test("fields and columns after a dot")
    func members() {
        let s = CompletionTests.session().session
        #expect(s.completions(for: "rec.").candidates == ["alpha", "beta"])
        #expect(s.completions(for: "rec.al").insertion == "pha")
        #expect(s.completions(for: "rec.beta.").candidates == ["gamma"])
        #expect(s.completions(for: "nothing.").candidates.isEmpty)
        #expect(s.completions(for: "f(x).").candidates.isEmpty)
    }

    @Test(":commands, their arguments and help names")
    func commands() {
        let s = CompletionTests.session().session
        #expect(s.completions(for: ":he").insertion == "lp ")
        #expect(s.completions(for: ":help quan").insertion == "tile")
        #expect(s.completions(for: ":set dig").insertion == "its ")
        #expect(s.completions(for: ":set plots s").candidates == ["sixel"])
        #expect(s.completions(for: "?ran").candidates == ["randn"])
    }

    @Test("file paths inside strings")
    func paths() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "x".write(to: dir.appendingPathComponent("model.json"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("models"), withIntermediateDirectories: true)
        let s = CompletionTests.session().session
        let r = s.completions(for: "d = load(\"\(dir.path)/mod")
        #expect(r.candidates == ["model.json", "models"])
        #expect(r.insertion == "el")
        #expect(s.completions(for: "load(\"\(dir.path)/models").candidates == ["models"])
        #expect(s.completions(for: "load(\"\(dir.path)/model.").insertion == "json")
        #expect(s.completions(for: "load(\"\(dir.path)/modelsX").candidates.isEmpty)
        #expect(s.completions(for: ":load \(dir.path)/model.").insertion == "json")
    }
}
