import Testing
import Foundation
@testable import FathomShell
import FathomLanguage

@Suite("Session")
struct SessionTests {
    @Test("every statement is a numbered cell; _ is the last value shown and _N the value of cell N")
    func cells() {
        let s = RecordingSession()
        s.run("x = 2\nx * 3; x + 1\n_\n_2\n_1")
        #expect(s.values.map(\.0) == [2, 3, 4, 5, 6])
        #expect(s.out == "6\n3\n3\n6\n2\n")
        #expect(s.session.nextCell == 7)
    }

    @Test("failed statements use a cell number and leave _ alone")
    func failedCells() {
        let s = RecordingSession()
        s.run("1\nnope\n_")
        #expect(s.errors.map(\.id) == ["name.unknown"])
        #expect(s.values.map(\.0) == [1, 3])
        #expect(s.out.hasSuffix("1\n"))
    }

    @Test("batch input carries on after an error; stopAtError does not")
    func stopAtError() {
        let s = RecordingSession()
        let outcome = s.session.run("a = 1; nope; b = 2", sourceName: "t", stopAtError: true)
        #expect(outcome.failed)
        #expect(s.session.interpreter.variables["b"] == nil)
        s.session.run("c = 1; nope; d = 2", sourceName: "t")
        #expect(s.session.interpreter.variables["d"] != nil)
    }

    @Test(":set seed restarts the generator; :set digits changes printing")
    func settings() {
        let s = RecordingSession()
        let first = s.run(":set seed 5\nrandn(2)")
        let second = s.run(":set seed 5\nrandn(2)")
        #expect(first == second)
        #expect(s.run(":set digits 3\n1/3") == "0.333\n")
        #expect(s.run(":set width 5").contains("width takes 20 to 1000, got '5'"))
        #expect(s.run(":set colour on").contains("note: did you mean 'color'?"))
        #expect(s.run(":set digits").contains("digits = 3"))
    }

    @Test(":vars, :clear and :history")
    func bookkeeping() {
        let s = RecordingSession()
        #expect(s.run(":vars") == "no variables yet; assign one with name = value\n")
        s.run("zeta = [1, 2]\nalpha = {k: 1}")
        #expect(s.run(":vars") == "alpha  a record\nzeta   a vector of 2 numbers\n")
        #expect(s.run(":clear zeta") == "cleared 1 variable\n")
        #expect(s.run(":clear") == "cleared 1 variable and every cell value\n")
        #expect(s.session.interpreter.variables.isEmpty)
        s.session.remember("first")
        s.session.remember("second")
        #expect(s.run(":history") == "1  first\n2  second\n")
        #expect(s.run(":history 1") == "2  second\n")
    }

    @Test("help for builtins, topics and commands; an unknown name gets a suggestion")
    func help() {
        let s = RecordingSession()
        #expect(s.run("?mean").hasPrefix("mean(x)  —  arithmetic mean"))
        #expect(s.run(":help randn").contains("randn(n, d=1, seed=)"))
        #expect(s.run(":help language").contains("Indexing is 0-based"))
        #expect(s.run(":help").contains("Random numbers"))
        #expect(s.run("?quantil").contains("did you mean 'quantile'?"))
        #expect(s.run(":help :save").contains(":save FILE"))
    }

    @Test(":save writes a transcript that replays to the same outputs; :load runs a script")
    func saveAndLoad() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("saved.fathom").path
        let s = RecordingSession()
        s.run("#' Prose is kept\nx = seq(4)\nmean(x)\nnope\nprint(\"hi\")\n:set seed 3\nrandn(2)")
        s.session.logProse("#' typed prose")
        #expect(s.run(":save \"\(path)\"").contains("saved 6 cells"))
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        #expect(saved.contains("x = seq(4)\nmean(x)\n#> 1.5\n"))
        #expect(saved.contains("print(\"hi\")\n#> hi\n"))
        #expect(!saved.contains("nope"), "failed statements are not saved")
        #expect(saved.contains(":set seed 3\nrandn(2)\n#> "))
        #expect(saved.hasSuffix("#' typed prose\n"))

        let t = Transcript(parsing: saved)
        let replayed = Frontends.replayOutputs(t, name: path, options: ShellOptions())
        #expect(!replayed.failed)
        #expect(replayed.outputs == t.codeSegments.map(\.recorded))

        let other = RecordingSession()
        #expect(other.run(":load \(path)").contains("1.5"))
        #expect(other.session.interpreter.variables["x"] != nil)
        #expect(other.run(":load /nonexistent/x.fathom").contains("cannot load /nonexistent/x.fathom: no such file or folder"))
        #expect(other.run(":save /nonexistent/dir/x.fathom").contains("cannot save: the folder /nonexistent/dir does not exist"))
    }

    @Test("a script that loads itself stops at a depth limit")
    func selfLoading() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("loop.fathom").path
        try ":load \(path)\n".write(toFile: path, atomically: true, encoding: .utf8)
        let s = RecordingSession()
        #expect(s.run(":load \(path)").contains("nest more than 16 deep"))
    }

    @Test("unknown commands suggest the nearest")
    func unknownCommand() {
        let s = RecordingSession()
        #expect(s.run(":var").contains("did you mean 'vars'?"))
        #expect(s.run(":").contains("expected a command name after ':'"))
    }

    @Test(":quit asks the front end to stop")
    func quit() {
        let s = RecordingSession()
        s.run(":quit")
        #expect(s.session.quitRequested)
    }
}

/// `:help TOPIC` pages: the form a test can hold them to, the builtins they name, the lesson
/// they point to, and a worked example that runs.
@Suite("Help topics")
struct HelpTopicTests {
    @Test("every concept page fits 78 columns, names real builtins and a real lesson, and its example runs", arguments: Help.conceptTopics.map(\.name))
    func page(_ name: String) throws {
        let topic = try #require(Help.conceptTopics.first { $0.name == name })
        let lines = topic.text.split(separator: "\n", omittingEmptySubsequences: false)
        for l in lines { #expect(l.count <= 78, "\(name): \(l)") }
        #expect(topic.summary.count <= 60)
        let parts = topic.text.components(separatedBy: "\n\nBuiltins: ")
        #expect(parts.count == 2, "\(name) ends with a Builtins: line")
        let tail = parts.last ?? ""
        let lessonLine = tail.split(separator: "\n").last.map(String.init) ?? ""
        #expect(lessonLine.hasPrefix("Lesson:   fathom tour"))
        let names = tail.split(separator: "\n").dropLast().joined(separator: " ").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let registry = BuiltinRegistry.standard
        for n in names { #expect(registry.builtin(named: n) != nil, "\(name) names '\(n)', which is no builtin") }
        let lesson = lessonLine.dropFirst("Lesson:   fathom tour".count).trimmingCharacters(in: .whitespaces)
        if !lesson.isEmpty {
            let files = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Lessons").path)
            #expect(files.contains { $0.hasSuffix("-\(lesson).fathom") }, "\(name) points to lesson '\(lesson)'")
        }
        // The worked example: the indented lines of the last paragraph before Builtins:.
        let example = (parts.first ?? "").components(separatedBy: "\n\n").last ?? ""
        let code = example.split(separator: "\n").dropFirst().filter { $0.hasPrefix("  ") }.map { String($0.dropFirst(2)) }
        #expect(!code.isEmpty, "\(name) has a worked example")
        let s = RecordingSession()
        let out = s.run(code.joined(separator: "\n"))
        #expect(s.errors.isEmpty, "\(name)'s example: \(out)")
    }

    @Test("every page in docs/help is read, in the order of its number, and no other")
    func pagesRead() throws {
        let folder = repositoryRoot.appendingPathComponent("docs/help").path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".md") }.sorted()
        #expect(files.count >= 11)
        let names = files.map { String($0.drop { $0 != "-" }.dropFirst().dropLast(3)) }
        #expect(Help.conceptTopics.map(\.name) == names)
        for f in files {
            let text = try String(contentsOfFile: folder + "/" + f, encoding: .utf8)
            #expect(HelpPages.page("x", markdown: text) != nil, "\(f) has no summary line")
        }
    }

    @Test("the reports page names every lesson fathom tour has")
    func reportsPageNamesLessons() throws {
        let topic = try #require(Help.conceptTopics.first { $0.name == "reports" })
        let files = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Lessons").path).filter { $0.hasSuffix(".fathom") }
        #expect(files.count >= 8)
        let prose = topic.text.split(separator: "\n").joined(separator: " ")
        for f in files {
            let name = String(f.drop { $0 != "-" }.dropFirst().dropLast(".fathom".count))
            #expect(prose.contains(" \(name),") || prose.contains(" \(name).") || prose.contains(" \(name):"), "the reports page names the lesson \(name)")
        }
    }

    @Test("a page's terminal text drops the summary line, the title's #, fences and line-break backslashes")
    func pageText() throws {
        let md = "<!-- summary: what it is -->\n# Title: a question?\n\nProse.\n```\n  x = 1\n```\n\nBuiltins: a, b,\\\n          c\\\nLesson:   fathom tour\n"
        let topic = try #require(HelpPages.page("t", markdown: md))
        #expect(topic.summary == "what it is")
        #expect(topic.text == "Title: a question?\n\nProse.\n  x = 1\n\nBuiltins: a, b,\n          c\nLesson:   fathom tour")
        #expect(HelpPages.page("t", markdown: "# Title\n") == nil)
    }

    @Test("every topic :help lists is reached by :help NAME, also one that shares its name with a builtin")
    func everyTopicReachable() {
        let s = RecordingSession()
        let overview = s.run(":help")
        for topic in Help.topics {
            #expect(overview.contains("  \(topic.name) "), "\(topic.name) is listed")
            #expect(s.run(":help \(topic.name)").contains(topic.text), ":help \(topic.name) shows the topic")
        }
        let both = s.run("?reliability")
        #expect(both.hasPrefix("reliability(p, y"))
        #expect(both.contains("── topic reliability ─"))
        #expect(both.contains("Reliability: where and how often does the model fail on familiar data?"))
    }

    @Test("without the pages, :help says they are missing and how to point at them")
    func pagesMissing() throws {
        let empty = try temporaryDirectory()
        let r = try runFathom([], input: ":help\n:help calibration\n", environment: ["FATHOM_HELP": empty.path])
        #expect(r.stdout.contains("the concept pages are missing: no docs/help folder beside fathom; FATHOM_HELP names one"))
        #expect(r.stderr.contains("no help for 'calibration'"))
    }

    @Test(":help TOPIC shows the page; :help lists the topics with a line each")
    func routing() {
        let s = RecordingSession()
        #expect(s.run(":help calibration").hasPrefix("Calibration: do the probabilities mean what they say?"))
        #expect(s.run("?label-shift").contains("Lesson:   fathom tour label-shift"))
        let overview = s.run(":help")
        let lines = overview.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("  calibration ") && $0.hasSuffix("ECE and its variants, reliability diagrams, recalibration") })
        #expect(lines.contains { $0.hasPrefix("  rare-failures ") })
        #expect(lines.contains { $0.hasPrefix("  performance-estimation  accuracy before the labels arrive") }, "the longest name sets the column")
        #expect(s.run(":help calibratoin").contains("did you mean 'calibration'"))
    }
}
