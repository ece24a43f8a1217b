import FathomCore
import FathomLanguage

/// What one execute_request produced, gathered while its statements run.
final class CellOutput {
    /// The last shown value not yet published: it becomes the cell's execute_result, or a
    /// display_data when something follows it.
    var pending: (cell: Int, value: Value)?
    /// The first error (or interruption): ename, evalue, traceback.
    var error: (name: String, value: String, traceback: [String])?
    /// `?name` alone in a cell: its help goes into the reply's pager payload.
    var pager: String?
    /// The shown value's text, for history with output.
    var shownText = ""
}

extension Kernel {
    /// execute_request: busy, execute_input, the statements' output (stream, display_data,
    /// execute_result, error), execute_reply, idle. `silent` publishes no output and stores
    /// no history; `store_history` false runs without counting.
    func execute(_ request: JupyterMessage) {
        let code = request.content["code"]?.stringValue ?? ""
        let silent = request.content["silent"]?.boolValue ?? false
        let storeHistory = !silent && (request.content["store_history"]?.boolValue ?? true)
        if storeHistory { executionCount += 1 }
        let count = executionCount
        channels.status("busy", parent: request)
        if !silent {
            channels.publish("execute_input", parent: request, .object([("code", .string(code)), ("execution_count", .number(Double(count)))]))
        }
        let output = CellOutput()
        let trimmed = code.trimmingSpaces
        if trimmed.hasPrefix("?"), !trimmed.contains("\n") { output.pager = "" }
        session.onEvent = { [unowned self] event in
            self.handle(event, output, parent: request, count: count, silent: silent)
        }
        if storeHistory { session.remember(code) }
        let checksBefore = session.interpreter.context.checks.count
        _ = Frontends.runText(code, name: "In[\(count)]", session: session, stopAtError: true)
        flushPending(output, parent: request, count: count, silent: silent, final: true)
        // Failed checks are named on stderr, as a script's are at its end.
        let failed = session.interpreter.context.checks.dropFirst(checksBefore).filter { !$0.passed }
        if !failed.isEmpty {
            let n = session.interpreter.context.checks.count - checksBefore
            stream("\(failed.count) of \(n) check\(n == 1 ? "" : "s") failed:\n" + failed.map { "  FAIL  \(Printable.text($0.name))\n" }.joined(), to: "stderr", parent: request, silent: silent)
        }
        session.onEvent = { _ in }
        if storeHistory { history.append((count, code, output.shownText)) }
        var reply: [(String, JSONValue)]
        if let e = output.error {
            reply = [("status", .string("error")), ("execution_count", .number(Double(count))),
                     ("ename", .string(e.name)), ("evalue", .string(e.value)), ("traceback", .array(e.traceback.map { .string($0) }))]
        } else {
            var payload: [JSONValue] = []
            if let page = output.pager, !page.isEmpty {
                payload.append(.object([("source", .string("page")), ("data", .object([("text/plain", .string(page))])), ("start", .number(0))]))
            }
            reply = [("status", .string("ok")), ("execution_count", .number(Double(count))),
                     ("payload", .array(payload)), ("user_expressions", .object([]))]
        }
        channels.reply("execute_reply", to: request, on: shell, .object(reply))
        channels.status("idle", parent: request)
    }

    private func handle(_ event: SessionEvent, _ output: CellOutput, parent: JupyterMessage, count: Int, silent: Bool) {
        switch event {
        case .value(let cell, _, let value):
            flushPending(output, parent: parent, count: count, silent: silent, final: false)
            if case .object(let o) = value, let figure = o as? FigureValue {
                if !silent { publishFigure(figure, cell: cell, parent: parent) }
            } else {
                output.pending = (cell, value)
            }
        case .printed(_, let text):
            flushPending(output, parent: parent, count: count, silent: silent, final: false)
            stream(text, parent: parent, silent: silent)
        case .info(let text):
            if output.pager != nil {
                output.pager! += text
            } else {
                flushPending(output, parent: parent, count: count, silent: silent, final: false)
                stream(text.hasSuffix("\n") ? text : text + "\n", parent: parent, silent: silent)
            }
        case .failed(_, _, let diagnostic):
            flushPending(output, parent: parent, count: count, silent: silent, final: false)
            let rendered = DiagnosticRenderer(color: false).render(diagnostic)
            fail(output, name: diagnostic.id, value: diagnostic.message, traceback: rendered.split(separator: "\n", omittingEmptySubsequences: false).map(String.init), parent: parent, silent: silent)
        case .interrupted(let cell):
            flushPending(output, parent: parent, count: count, silent: silent, final: false)
            let text = "interrupted (cell \(cell)); every variable is as it was"
            fail(output, name: "Interrupted", value: text, traceback: [text], parent: parent, silent: silent)
        }
    }

    private func fail(_ output: CellOutput, name: String, value: String, traceback: [String], parent: JupyterMessage, silent: Bool) {
        guard output.error == nil else { return }
        output.error = (name, value, traceback)
        if !silent {
            channels.publish("error", parent: parent, .object([
                ("ename", .string(name)), ("evalue", .string(value)), ("traceback", .array(traceback.map { .string($0) })),
            ]))
        }
    }

    private func stream(_ text: String, to name: String = "stdout", parent: JupyterMessage, silent: Bool) {
        guard !silent, !text.isEmpty else { return }
        channels.publish("stream", parent: parent, .object([("name", .string(name)), ("text", .string(text))]))
    }

    /// Publishes the pending value: as the execute_result when it is the cell's last output
    /// (`final`), else as display_data.
    private func flushPending(_ output: CellOutput, parent: JupyterMessage, count: Int, silent: Bool, final: Bool) {
        guard let (cell, value) = output.pending else { return }
        output.pending = nil
        let bundle = mimeBundle(value, cell: cell)
        output.shownText = bundle.first { $0.0 == "text/plain" }?.1.stringValue ?? ""
        guard !silent else { return }
        if final {
            channels.publish("execute_result", parent: parent, .object([
                ("execution_count", .number(Double(count))), ("data", .object(bundle)), ("metadata", .object([])),
            ]))
        } else {
            channels.publish("display_data", parent: parent, .object([("data", .object(bundle)), ("metadata", .object([])), ("transient", .object([]))]))
        }
    }

    /// A value as text/plain and, for a table, text/html.
    func mimeBundle(_ value: Value, cell: Int) -> [(String, JSONValue)] {
        let options = session.settings.renderOptions(cell: cell)
        var bundle: [(String, JSONValue)] = [("text/plain", .string(Printable.lines(value.renderText(options))))]
        if case .table(let t) = value { bundle.append(("text/html", .string(KernelHTML.table(t, options)))) }
        return bundle
    }

    /// A plot as PNG and SVG drawn by the session's gnuplot, with its description as text;
    /// when gnuplot cannot draw it, the description and the reason.
    private func publishFigure(_ figure: FigureValue, cell: Int, parent: JupyterMessage) {
        let text = Printable.lines(figure.renderText(session.settings.renderOptions(cell: cell)))
        var bundle: [(String, JSONValue)] = [("text/plain", .string(text))]
        do {
            let png = try session.plots.png(figure.content)
            let svg = try session.plots.svg(figure.content)
            bundle.append(("image/png", .string(Base64.encode(png))))
            bundle.append(("image/svg+xml", .string(String(decoding: svg, as: UTF8.self))))
        } catch let d as Diagnostic {
            stream("plot: " + d.message + "\n", to: "stderr", parent: parent, silent: false)
        } catch {
            stream("plot: interrupted\n", to: "stderr", parent: parent, silent: false)
        }
        let size: JSONValue = .object([("width", .number(Double(figure.content.width))), ("height", .number(Double(figure.content.height)))])
        channels.publish("display_data", parent: parent, .object([
            ("data", .object(bundle)), ("metadata", .object([("image/png", size)])), ("transient", .object([])),
        ]))
    }
}

/// Values as HTML for notebooks: every name and cell escaped.
enum KernelHTML {
    static func table(_ t: Table, _ options: RenderOptions) -> String {
        var html = "<table class=\"fathom-table\">\n<caption>table \(t.rowCount)×\(t.columnCount)</caption>\n<thead><tr><th></th>"
        for name in t.names { html += "<th>" + HTMLReport.escape(name) + "</th>" }
        html += "</tr></thead>\n<tbody>\n"
        for r in Value.shownIndices(t.rowCount, options.maxRows) {
            guard let i = r else {
                html += "<tr><th>⋮</th>" + String(repeating: "<td>⋮</td>", count: t.columnCount) + "</tr>\n"
                continue
            }
            html += "<tr><th>\(i)</th>"
            for c in t.columns { html += "<td>" + HTMLReport.escape(Value.element(c, i, options, quoteStrings: false)) + "</td>" }
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table>"
    }
}

/// Standard base64 (RFC 4648) with padding, for images in notebooks.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
