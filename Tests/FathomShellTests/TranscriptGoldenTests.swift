import Testing
import Foundation

/// Every transcript under Transcripts/ replays with --check through the built binary.
/// To re-record on purpose: .build/debug/fathom replay FILE --update, then read the diff.
@Suite("Golden transcripts")
struct TranscriptGoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Transcripts")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".fathom") }.sorted()
    }

    @Test("there are transcripts to check")
    func present() {
        #expect(TranscriptGoldenTests.files.count >= 4)
        #expect(TranscriptGoldenTests.lessonFiles.count == 8)
    }

    static let lessons = repositoryRoot.appendingPathComponent("Lessons")

    static var lessonFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: lessons.path)) ?? []).filter { $0.hasSuffix(".fathom") }.sorted()
    }

    @Test("every lesson of the tour replays with --check", arguments: lessonFiles)
    func lesson(_ name: String) throws {
        let r = try runFathom(["replay", TranscriptGoldenTests.lessons.appendingPathComponent(name).path, "--check"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let text = try String(contentsOf: TranscriptGoldenTests.lessons.appendingPathComponent(name), encoding: .utf8)
        #expect(!text.contains("\n#> error:"), "a lesson shows no errors")
    }

    @Test("replay --check", arguments: files)
    func check(_ name: String) throws {
        let r = try runFathom(["replay", TranscriptGoldenTests.folder.appendingPathComponent(name).path, "--check"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    }
}
