import Testing
import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import FathomShell

/// An HTML report made from hostile prose, title, column names, strings and plot labels,
/// loaded in headless Chromium: no script runs (a canary that every payload would fire stays
/// silent), the DOM holds no script, event handler or javascript: URL, and identifiers and
/// formulas read as written. Chromium is a test dependency (Scripts/test installs it); the
/// test fails, not skips, without it.
@Suite("Reports in a browser", .serialized)
struct ReportBrowserTests {
    /// Every payload would set the title or log this, spelled so that the page's source
    /// never holds it: only running code can make it appear.
    static let fire = "document.title='CANARY'+'FIRED';console.log('CANARY'+'FIRED')"

    static var script: String {
        let f = fire
        return """
        #' # Hostile <script>\(f)</script> title
        #' Prose with <script>\(f)</script> and <img src=x onerror="\(f)"> and <svg onload="\(f)"></svg>
        #' <iframe src="javascript:\(f)"></iframe> <object data="javascript:\(f)"></object>
        #' [click](javascript:\(f)) [JS](JAVASCRIPT:\(f)) ![i](javascript:\(f)) [d](data:text/html;base64,PHNjcmlwdD4=)
        #' [t](x "a\\" onmouseover=\\"\(f)") <javascript:\(f)> ![p](x onerror=\(f))
        #' </section></main><script>\(f)</script>
        #'
        #' Formulas and names: z_0 … z_9, failure_probs, a_b_c, `x_y_z` and $z_1 + z_2$.
        d = load("hostile.csv")
        d
        print("<script>\(f)</script>")
        plot(ks([1.0, 2, 3], [2.0, 3, 4], labels=["<img src=x onerror=\(f)>", "</text></svg><script>\(f)</script>"]), title="<script>\(f)</script>")
        check("<img src=x onerror=\(f)>", true)

        """
    }

    static let csv = "\"<img src=x onerror=\(fire.replacingOccurrences(of: "'", with: "`"))>\",name\n1,\"<script>\(fire.replacingOccurrences(of: "'", with: "`"))</script>\"\n"

    /// Chromium's binary, or nil.
    static var chromium: String? {
        for name in ["chromium", "chromium-browser"] {
            for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
                let path = "\(dir)/\(name)"
                if access(path, X_OK) == 0 { return path }
            }
        }
        return nil
    }

    /// Runs `argv` with output to files; returns status, stdout and stderr.
    static func run(_ argv: [String], in dir: URL) throws -> (Int32, String, String) {
        let out = dir.appendingPathComponent("stdout-\(UUID().uuidString)").path
        let err = dir.appendingPathComponent("stderr-\(UUID().uuidString)").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let cargv = argv.map { strdup($0) } + [nil]
        let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cargv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, cargv, envp)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let o = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        let e = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        return ((status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F), o, e)
    }

    /// The page's DOM after it loaded and its timers ran, and Chromium's log (console
    /// messages included).
    static func load(_ page: URL, chromium: String, in dir: URL) throws -> (dom: String, log: String) {
        let (status, dom, log) = try run([
            "/usr/bin/timeout", "90", chromium, "--headless", "--disable-gpu", "--no-sandbox", "--disable-dev-shm-usage",
            "--no-first-run", "--user-data-dir=\(dir.appendingPathComponent("profile").path)",
            "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000", "--dump-dom", page.absoluteString,
        ], in: dir)
        #expect(status == 0, "chromium exited with \(status): \(log.suffix(2000))")
        return (dom, log)
    }

    /// What in the DOM could run code: script-like elements, event-handler attributes,
    /// javascript: and non-image data: URLs.
    static func liveContent(_ dom: String) -> [String] {
        let s = Array(dom.utf8)
        var found: [String] = []
        var i = 0
        while i < s.count {
            guard s[i] == UInt8(ascii: "<"), let tag = InlineSVG.Tag.parse(s, at: i) else { i += 1; continue }
            i = tag.end
            let name = tag.name.lowercased()
            if ["script", "iframe", "object", "embed", "frame", "base", "form", "link", "meta"].contains(name) && !(name == "meta" && !tag.attributes.contains { $0.0.lowercased() == "http-equiv" && String(decoding: $0.1, as: UTF8.self).lowercased() == "refresh" }) {
                if name != "meta" { found.append("<\(name)>") } else { found.append("meta refresh") }
            }
            for (attribute, value) in tag.attributes {
                let a = attribute.lowercased()
                let v = String(decoding: value, as: UTF8.self).lowercased().filter { !$0.isWhitespace }
                if a.hasPrefix("on") { found.append("\(name) \(a)=") }
                if ["href", "src", "xlink:href", "data", "action", "formaction"].contains(a),
                   v.hasPrefix("javascript:") || v.hasPrefix("vbscript:") || (v.hasPrefix("data:") && !v.hasPrefix("data:image/")) {
                    found.append("\(name) \(a)=\(v.prefix(30))")
                }
            }
        }
        return found
    }

    @Test("hostile prose, title, columns, strings and plot labels run no script in Chromium; identifiers and formulas survive")
    func hostileReport() throws {
        guard let chromium = ReportBrowserTests.chromium else {
            Issue.record("Chromium is not installed, so the HTML report cannot be checked in a browser: run ./Scripts/test (it installs it) or apt-get install -y --no-install-recommends chromium")
            return
        }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }

        // The harness sees a script that runs: a page with the same canary, without Fathom.
        let control = dir.appendingPathComponent("control.html")
        try "<!DOCTYPE html><title>x</title><p>x</p><img src=x onerror=\"\(ReportBrowserTests.fire)\">".write(to: control, atomically: true, encoding: .utf8)
        let live = try ReportBrowserTests.load(control, chromium: chromium, in: dir)
        #expect(live.dom.contains("CANARYFIRED") && live.log.contains("CANARYFIRED"), "the canary must fire on a page that runs it")
        #expect(ReportBrowserTests.liveContent(live.dom) == ["img onerror="])

        try ReportBrowserTests.script.write(to: dir.appendingPathComponent("hostile.fathom"), atomically: true, encoding: .utf8)
        try ReportBrowserTests.csv.write(to: dir.appendingPathComponent("hostile.csv"), atomically: true, encoding: .utf8)
        let r = try Child(["run", "hostile.fathom", "--report", "hostile.html"], directory: dir.path).communicate("")
        #expect(r.status == 0, "\(r.stderr)")
        let page = dir.appendingPathComponent("hostile.html")
        let source = try String(contentsOf: page, encoding: .utf8)
        #expect(source.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"))
        #expect(!source.contains("CANARYFIRED"))

        let (dom, log) = try ReportBrowserTests.load(page, chromium: chromium, in: dir)
        #expect(!dom.contains("CANARYFIRED"), "a payload ran and set the title")
        #expect(!log.contains("CANARYFIRED"), "a payload ran and logged")
        #expect(ReportBrowserTests.liveContent(dom) == [], "live content in the DOM")
        #expect(dom.contains("<title>Hostile &lt;script&gt;"))
        // The payloads are there, as text.
        #expect(dom.contains("Prose with &lt;script&gt;document.title="))
        #expect(dom.contains("&lt;img src=x onerror="))
        #expect(dom.contains("<svg"), "the plot is drawn")
        // Identifiers, formulas and code spans read as written.
        #expect(dom.contains("Formulas and names: z_0 … z_9, failure_probs, a_b_c, <code>x_y_z</code> and <span class=\"math\">$z_1 + z_2$</span>."))
        #expect(!dom.contains("<em>"))
    }
}
