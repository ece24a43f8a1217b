import Testing
@testable import FathomShell

@Suite("Transcripts")
struct TranscriptTests {
    static let text = """
    #' # Title
    x = [1,
         2]
    #> stale
    # a comment
    mean(x); x

    #> 1.5
    #> [1, 2]
    :set digits 3
    """

    @Test("code chunks, recorded outputs and other lines")
    func parse() {
        let t = Transcript(parsing: TranscriptTests.text)
        let expected: [Transcript.Segment] = [
            .other(["#' # Title"]),
            .code(text: "x = [1,\n     2]", firstLine: 2, recorded: ["stale"]),
            .other(["# a comment"]),
            .code(text: "mean(x); x", firstLine: 6, recorded: []),
            .other(["", "#> 1.5", "#> [1, 2]"]),
            .code(text: ":set digits 3", firstLine: 10, recorded: []),
        ]
        #expect(t.segments == expected)
    }

    @Test("rendering replaces outputs and keeps everything else")
    func render() {
        let t = Transcript(parsing: "a = 1\n#> old\n# keep\nb\n")
        #expect(t.rendered(outputs: [[], ["1", "", "two"]]) == "a = 1\n# keep\nb\n#> 1\n#>\n#> two\n")
    }

    @Test("output lines drop trailing spaces and the final line break")
    func outputLines() {
        #expect(Transcript.outputLines("a  \nb\n\n") == ["a", "b", ""])
        #expect(Transcript.outputLines("") == [])
    }

    @Test("the diff marks removed and added lines")
    func diff() {
        #expect(Diff.unified(["1", "2", "3"], ["1", "4", "3"]) == ["  #> 1", "- #> 2", "+ #> 4", "  #> 3"])
        #expect(Diff.unified([], ["x"]) == ["+ #> x"])
    }
}
