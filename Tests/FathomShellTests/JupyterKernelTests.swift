import Testing
import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import FathomShell
import FathomCore
import FathomLanguage

/// `fathom kernel`: the Jupyter project's own kernel test suite and Fathom's protocol checks
/// (forged signatures, interrupts, shutdown, restart), run by the tests' Python
/// (FATHOM_TEST_PYTHON, from Scripts/requirements-test.txt) against the kernel spec the
/// binary installs; and the connection-file and install errors, through the binary.
@Suite("Jupyter kernel", .serialized)
struct JupyterKernelTests {
    /// The tests' Python, or a failure saying how to get it.
    static func python() throws -> String {
        guard let python = ProcessInfo.processInfo.environment["FATHOM_TEST_PYTHON"], !python.isEmpty else {
            Issue.record("FATHOM_TEST_PYTHON is not set: run ./Scripts/test, which makes the tests' Python environment")
            throw POSIXError(.ENOENT)
        }
        return python
    }

    /// Installs the kernel spec under a new prefix; returns the prefix.
    static func installSpec() throws -> URL {
        let prefix = try temporaryDirectory()
        let r = try runFathom(["kernel", "install", "--prefix", prefix.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "installed the Fathom kernel spec in \(prefix.path)/share/jupyter/kernels/fathom\n")
        return prefix
    }

    /// Runs a unittest file of Tests/kernel verbosely with the installed spec, from the
    /// repository root (the samples load Datasets/).
    static func runPythonTests(_ file: String) throws -> ProcessResult {
        let python = try python()
        let prefix = try installSpec()
        defer { try? FileManager.default.removeItem(at: prefix) }
        return try Child(["-m", "unittest", "-v", "Tests/kernel/" + file], program: python,
                         environment: ["JUPYTER_PATH": prefix.path + "/share/jupyter", "PYTHONDONTWRITEBYTECODE": "1"],
                         directory: repositoryRoot.path).communicate("", timeout: 240)
    }

    @Test("the Jupyter kernel test suite passes: 11 tests run, none skipped")
    func kernelTestSuite() throws {
        let r = try JupyterKernelTests.runPythonTests("test_fathom_kernel.py")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("Ran 11 tests"), "\(r.stderr)")
        #expect(r.stderr.contains("\nOK\n"), "\(r.stderr)")
        #expect(!r.stderr.contains("skipped"), "\(r.stderr)")
    }

    @Test("a forged signature is refused; interrupts (signal and control) keep the session; shutdown while a cell runs; restart")
    func behaviour() throws {
        let r = try JupyterKernelTests.runPythonTests("test_kernel_behaviour.py")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("Ran 5 tests"), "\(r.stderr)")
        #expect(r.stderr.contains("\nOK\n"), "\(r.stderr)")
        #expect(!r.stderr.contains("skipped"), "\(r.stderr)")
        #expect(r.stderr.contains("fathom kernel: refused a message on shell: its signature does not match"), "\(r.stderr)")
        #expect(r.stdout.components(separatedBy: "interrupt answered in").count == 3, "\(r.stdout)")
    }

    static func connectionFile(_ text: String) throws -> (URL, String) {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("kernel.json")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return (dir, file.path)
    }

    static let goodPorts = "\"shell_port\": 1, \"iopub_port\": 2, \"stdin_port\": 3, \"control_port\": 4, \"hb_port\": 5"

    @Test("bad connection files: one message and exit 2", arguments: [
        ("{", "is not a Jupyter connection file: it is not JSON"),
        ("[1, 2]", "is not a Jupyter connection file: expected a JSON object"),
        ("{\"ip\": \"127.0.0.1\", \"shell_port\": 1}", "the connection file has no 'iopub_port'"),
        ("{\"ip\": \"127.0.0.1\", \(goodPorts), \"signature_scheme\": \"hmac-md5\", \"key\": \"k\"}", "signature_scheme 'hmac-md5' is not supported; Fathom signs messages with hmac-sha256"),
        ("{\"ip\": \"127.0.0.1\", \(goodPorts), \"transport\": \"udp\"}", "transport 'udp' is not supported; expected tcp or ipc"),
        ("{\"ip\": \"127.0.0.1\", \(goodPorts.replacingOccurrences(of: "\"hb_port\": 5", with: "\"hb_port\": 70000"))}", "'hb_port' must be a port number from 1 to 65535"),
        ("{\"ip\": 127, \(goodPorts)}", "'ip' must be a string"),
    ])
    func badConnectionFile(_ sample: (text: String, message: String)) throws {
        let (dir, file) = try JupyterKernelTests.connectionFile(sample.text)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try runFathom(["kernel", "-f", file], timeout: 30)
        #expect(r.status == 2)
        #expect(r.stdout == "")
        #expect(r.stderr.hasPrefix("fathom kernel: "), "\(r.stderr)")
        #expect(r.stderr.contains(sample.message), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    }

    @Test("a missing connection file and a missing -f are usage errors")
    func missingConnectionFile() throws {
        let r = try runFathom(["kernel", "-f", "/nonexistent/kernel-1.json"], timeout: 30)
        #expect(r.status == 2)
        #expect(r.stderr == "fathom kernel: cannot read the connection file /nonexistent/kernel-1.json: no such file or folder\n")
        let none = try runFathom(["kernel"], timeout: 30)
        #expect(none.status == 2)
        #expect(none.stderr.contains("give the connection file with -f CONNECTION_FILE"))
    }

    @Test("a port already in use: one message naming it, exit 1")
    func portInUse() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        // Every channel on the taken port: the shell, bound first, is refused.
        let ports = ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"].map { "\"\($0)\": \(port)" }.joined(separator: ", ")
        let (dir, file) = try JupyterKernelTests.connectionFile(
            "{\"ip\": \"127.0.0.1\", \"transport\": \"tcp\", \(ports), \"key\": \"k\", \"signature_scheme\": \"hmac-sha256\"}")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try runFathom(["kernel", "-f", file], timeout: 30)
        #expect(r.status == 1)
        #expect(r.stderr == "fathom kernel: cannot listen on tcp://127.0.0.1:\(port) (shell_port): Address already in use\n", "\(r.stderr)")
    }

    @Test("kernel install: --user writes to JUPYTER_DATA_DIR, --name names it, bad names and --user with --prefix are refused")
    func install() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try runFathom(["kernel", "install", "--user", "--name", "fathom-2"], environment: ["JUPYTER_DATA_DIR": dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let spec = try String(contentsOfFile: dir.path + "/kernels/fathom-2/kernel.json", encoding: .utf8)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(spec.utf8)) as? [String: Any])
        let argv = try #require(json["argv"] as? [String])
        #expect(argv.count == 4)
        #expect(argv.dropFirst() == ["kernel", "-f", "{connection_file}"])
        #expect(URL(fileURLWithPath: argv[0]).resolvingSymlinksInPath().path == URL(fileURLWithPath: fathomBinary).resolvingSymlinksInPath().path)
        #expect(json["language"] as? String == "fathom")
        #expect(json["interrupt_mode"] as? String == "signal")
        let bad = try runFathom(["kernel", "install", "--prefix", dir.path, "--name", "../evil"])
        #expect(bad.status == 1)
        #expect(bad.stderr == "fathom kernel install: '../evil' cannot name a kernel: use letters, digits, '.', '_' and '-'\n")
        let both = try runFathom(["kernel", "install", "--user", "--prefix", dir.path])
        #expect(both.status == 2)
        #expect(both.stderr.contains("--user and --prefix cannot be used together"))
    }

    @Test("tables as HTML escape every name and cell; long tables show their first and last rows")
    func tableHTML() {
        let t = Table([("<th>&", .strings(["<script>alert(1)</script>", "a\"b'c"])), ("n", .numbers([1, 2.5]))])
        let html = KernelHTML.table(t, RenderOptions())
        #expect(html.contains("<th>&lt;th&gt;&amp;</th><th>n</th>"))
        #expect(html.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td>1</td>"))
        #expect(html.contains("<td>a&quot;b&#39;c</td><td>2.5</td>"))
        #expect(!html.contains("<script>"))
        let long = KernelHTML.table(Table([("i", .numbers((0..<1000).map(Double.init)))]), RenderOptions(maxRows: 20))
        #expect(long.contains("<caption>table 1000×1</caption>"))
        #expect(long.contains("<tr><th>0</th><td>0</td></tr>") && long.contains("<tr><th>999</th><td>999</td></tr>"))
        #expect(long.contains("<tr><th>⋮</th><td>⋮</td></tr>"))
        #expect(!long.contains("<th>500</th>"))
    }

    @Test("messages are signed with HMAC-SHA256 and a changed part fails verification")
    func signing() throws {
        let signer = MessageSigner(key: "secret")
        let parts = [Array("{}".utf8), Array("{}".utf8), Array("{}".utf8), Array("{\"code\":\"1\"}".utf8)]
        let signature = signer.signature(parts)
        // HMAC-SHA256("secret", "{}{}{}{\"code\":\"1\"}"), from Python's hmac module.
        #expect(signature == "1d05c0942257e2b08def32f214539934db1f81aeae8414bbbf1100a791f02a32")
        #expect(signer.verify(Array(signature.utf8), parts))
        var altered = parts
        altered[3] = Array("{\"code\":\"2\"}".utf8)
        #expect(!signer.verify(Array(signature.utf8), altered))
        #expect(!MessageSigner(key: "other").verify(Array(signature.utf8), parts))
        #expect(!signer.verify(Array(signature.dropLast().utf8), parts))
        #expect(MessageSigner(key: "").verify([], parts))
    }
}

/// `fathom tour NAME --notebook`: lessons as notebooks, executed by nbclient.
@Suite("Lesson notebooks under nbclient", .serialized)
struct LessonNotebookTests {
    /// All eight lessons convert and execute with no error output and with plots as PNG and
    /// SVG (about 14 s in the release build ./Scripts/test makes; training alone takes a
    /// minute and a half in a debug build).
    static let lessons = ["failures", "calibration", "deferral", "covariate-shift", "label-shift", "rare-failures", "extremes", "training"]

    @Test("lessons convert to notebooks that execute under nbclient with no error and with images")
    func lessonsExecute() throws {
        let python = try JupyterKernelTests.python()
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let prefix = try JupyterKernelTests.installSpec()
        defer { try? FileManager.default.removeItem(at: prefix) }
        var paths: [String] = []
        for lesson in LessonNotebookTests.lessons {
            let path = dir.appendingPathComponent(lesson + ".ipynb").path
            let r = try runFathom(["tour", lesson, "--notebook", path])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.hasPrefix("wrote lesson "), "\(r.stdout)")
            paths.append(path)
        }
        let notebook = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: paths[1]))) as? [String: Any])
        let cells = try #require(notebook["cells"] as? [[String: Any]])
        #expect(cells.first?["cell_type"] as? String == "markdown")
        #expect((cells.first?["source"] as? String)?.hasPrefix("# Calibration") == true)
        #expect(cells.contains { $0["cell_type"] as? String == "code" && ($0["source"] as? String)?.contains("reliability(") == true })
        // Plots written with to= land in the working folder: the temporary one.
        let r = try Child([repositoryRoot.path + "/Tests/kernel/run_notebooks.py"] + paths, program: python,
                          environment: ["JUPYTER_PATH": prefix.path + "/share/jupyter"], directory: dir.path).communicate("", timeout: 600)
        #expect(r.status == 0, "\(r.stderr)")
        let results = r.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(results.count == LessonNotebookTests.lessons.count, "\(r.stdout)\n\(r.stderr)")
        for result in results {
            let name = result["notebook"] as? String ?? "?"
            #expect(result["failure"] is NSNull, "\(name): \(result["failure"] ?? "")")
            #expect(result["errors"] as? Int == 0, "\(name)")
            #expect((result["image/png"] as? Int ?? 0) >= 1, "\(name)")
            #expect(result["image/png"] as? Int == result["image/svg+xml"] as? Int, "\(name)")
        }
        print("notebooks: " + results.map { "\(($0["notebook"] as? String).map(FileSystem.baseName) ?? "?") \($0["seconds"] ?? "?") s" }.joined(separator: ", "))
    }

    @Test("--notebook needs a lesson; an unwritable path is one message")
    func notebookErrors() throws {
        let none = try runFathom(["tour", "--notebook", "/tmp/x.ipynb"])
        #expect(none.status == 2)
        #expect(none.stderr.hasPrefix("fathom: --notebook writes one lesson: give its name"))
        let bad = try runFathom(["tour", "calibration", "--notebook", "/nonexistent/x.ipynb"])
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("fathom: cannot write /nonexistent/x.ipynb"), "\(bad.stderr)")
    }
}
