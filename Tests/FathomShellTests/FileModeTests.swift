import Testing
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Every file Fathom writes whole (save(), :save, reports, plots, replay --update) replaces
/// an existing file with the same permissions, so a private file stays private; a new file
/// gets what the umask allows.
@Suite("Written files keep their mode")
struct FileModeTests {
    static func mode(_ url: URL) -> mode_t {
        var st = stat()
        stat(url.path, &st)
        return st.st_mode & 0o777
    }

    /// The ways of writing a file: the arguments, and the file's name.
    static let writers: [(String, [String])] = [
        ("out.csv", ["-e", "save([1, 2], \"out.csv\")"]),
        ("out.json", ["-e", "save({a: 1}, \"out.json\")"]),
        ("out.fathom", ["-e", "x = 1", "-e", ":save out.fathom"]),
        ("out.png", ["-e", "plot(hist([1, 2, 2]), to=\"out.png\")"]),
        ("out.txt", ["-e", "plot(hist([1, 2, 2]), to=\"out.txt\")"]),
        ("out.html", ["run", "script.fathom", "--report", "out.html"]),
        ("out.md", ["run", "script.fathom", "--report", "out.md"]),
        ("script.fathom", ["replay", "script.fathom", "--update"]),
    ]

    @Test("a file written over keeps its mode", arguments: FileModeTests.writers.map(\.0), [0o600, 0o604])
    func overExisting(_ name: String, _ existing: Int) throws {
        let arguments = try #require(FileModeTests.writers.first { $0.0 == name }?.1)
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "1 + 1\n#> 3\n".write(to: dir.appendingPathComponent("script.fathom"), atomically: true, encoding: .utf8)
        let target = dir.appendingPathComponent(name)
        if name != "script.fathom" { try "old".write(to: target, atomically: true, encoding: .utf8) }
        chmod(target.path, mode_t(existing))
        let r = try Child(arguments, directory: dir.path, umask: 0o022).communicate("")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Data(contentsOf: target) != Data("old".utf8))
        #expect(FileModeTests.mode(target) == mode_t(existing), "\(name): \(String(FileModeTests.mode(target), radix: 8))")
    }

    @Test("a new file gets 0666 less the umask", arguments: FileModeTests.writers.map(\.0).filter { $0 != "script.fathom" }, [0o077, 0o027])
    func newFile(_ name: String, _ mask: Int) throws {
        let arguments = try #require(FileModeTests.writers.first { $0.0 == name }?.1)
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "1 + 1\n".write(to: dir.appendingPathComponent("script.fathom"), atomically: true, encoding: .utf8)
        let r = try Child(arguments, directory: dir.path, umask: mode_t(mask)).communicate("")
        #expect(r.status == 0, "\(r.stderr)")
        let target = dir.appendingPathComponent(name)
        #expect(FileModeTests.mode(target) == 0o666 & ~mode_t(mask), "\(name): \(String(FileModeTests.mode(target), radix: 8))")
    }
}
