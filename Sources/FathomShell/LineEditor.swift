#if canImport(Glibc)
import Glibc
#endif
import CLibEdit
import FathomCore

/// The libedit line editor: emacs keys, history with Ctrl-R search, a prompt that may carry
/// colour, and Tab completion through a Swift function. The only user of CLibEdit.
final class LineEditor {
    enum Input: Equatable {
        case line(String)
        /// Ctrl-C at the prompt.
        case interrupted
        /// Ctrl-D on an empty line, or the terminal went away.
        case endOfInput
    }

    /// What Tab does with the text before the cursor.
    struct Completion {
        /// Text to insert at the cursor.
        var insert: String
        /// Choices to list when the input is still ambiguous.
        var candidates: [String]
    }

    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private var promptBuffer: UnsafeMutablePointer<CChar>
    var complete: (String) -> Completion = { _ in Completion(insert: "", candidates: []) }

    /// The marker around invisible prompt characters (colour codes).
    static let promptEscape: CChar = 1

    init?(program: String) {
        fathom_set_ctype_locale()
        guard let el = el_init(program, fathom_stdin(), fathom_stdout(), fathom_stderr()) else { return nil }
        guard let h = history_init() else {
            el_end(el)
            return nil
        }
        editLine = el
        history = h
        promptBuffer = strdup("> ")!
        fathom_history_setsize(h, 5000)
        fathom_history_setunique(h, 1)
        fathom_el_set_history(el, h)
        fathom_el_set_editor(el, "emacs")
        fathom_el_set_signal(el, 1)
        fathom_el_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        fathom_el_set_prompt_esc(el, { el in
            guard let el, let raw = fathom_el_get_clientdata(el) else { return nil }
            return Unmanaged<LineEditor>.fromOpaque(raw).takeUnretainedValue().promptBuffer
        }, LineEditor.promptEscape)
        fathom_el_addfn(el, "fathom-complete", "complete the word before the cursor") { el, _ in
            guard let el, let raw = fathom_el_get_clientdata(el) else { return UInt8(CC_ERROR) }
            return Unmanaged<LineEditor>.fromOpaque(raw).takeUnretainedValue().completeAtCursor()
        }
        fathom_el_bind(el, "^I", "fathom-complete")
        // Our own key reader: it notices Ctrl-C however the signal arrives (libedit's own
        // reader retries a read interrupted once, and can be left waiting in cooked mode).
        fathom_el_set_getcfn(el) { _, out in
            guard let out else { return -1 }
            return LineEditor.readKey(out)
        }
        // Ctrl-R: incremental search backwards through the history.
        fathom_el_bind(el, "^R", "em-inc-search-prev")
    }

    deinit {
        el_end(editLine)
        history_end(history)
        free(promptBuffer)
    }

    /// Reads one line with `prompt` (which may hold \u{1}-delimited invisible sequences).
    func read(prompt: String) -> Input {
        free(promptBuffer)
        promptBuffer = strdup(prompt)!
        var count: Int32 = 0
        guard let raw = el_gets(editLine, &count) else {
            return count < 0 && Interruption.isRequested ? .interrupted : .endOfInput
        }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    /// One character from standard input for libedit: 1 with the character, 0 at the end of
    /// input, −1 when Ctrl-C is pending (checked before and while waiting) or reading fails.
    static func readKey(_ out: UnsafeMutablePointer<wchar_t>) -> Int32 {
        var bytes: [UInt8] = []
        var expected = 1
        while true {
            if Interruption.isRequested { return -1 }
            var pfd = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return -1
            }
            var b: UInt8 = 0
            let n = Glibc.read(0, &b, 1)
            if n == 0 { return 0 }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return -1
            }
            if bytes.isEmpty {
                expected = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 1
            }
            bytes.append(b)
            if bytes.count < expected { continue }
            let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
            out.pointee = wchar_t(bitPattern: scalar.value)
            return 1
        }
    }

    func addToHistory(_ line: String) {
        fathom_history_enter(history, line)
    }

    func loadHistory(_ path: String) {
        fathom_history_load(history, path)
    }

    private func completeAtCursor() -> UInt8 {
        guard let info = el_line(editLine) else { return UInt8(CC_ERROR) }
        let start = UnsafeRawPointer(info.pointee.buffer!)
        let length = UnsafeRawPointer(info.pointee.cursor!) - start
        let before = String(decoding: UnsafeRawBufferPointer(start: start, count: length), as: UTF8.self)
        let result = complete(before)
        // A name from data with a control character in it is listed (as escapes), never typed.
        if !result.insert.isEmpty, !result.insert.unicodeScalars.contains(where: Printable.isControl) {
            el_insertstr(editLine, result.insert)
            return UInt8(CC_REFRESH)
        }
        if result.candidates.count > 1 || !result.insert.isEmpty {
            let width = max(20, min(200, Terminal.columns()))
            let text = "\n" + LineEditor.columns(result.candidates, width: width) + "\n"
            Console.writeAll(1, Array(text.utf8))
            return UInt8(CC_REDISPLAY)
        }
        return UInt8(CC_REFRESH_BEEP)
    }

    /// Candidates laid out in columns, as shells list completions.
    static func columns(_ items: [String], width: Int) -> String {
        let shown = items.prefix(200).map { Printable.text($0) }
        let w = (shown.map(\.count).max() ?? 0) + 2
        let perLine = max(1, width / max(1, w))
        var lines: [String] = []
        var line = ""
        for (i, item) in shown.enumerated() {
            line += item.padding(w)
            if (i + 1) % perLine == 0 { lines.append(line); line = "" }
        }
        if !line.isEmpty { lines.append(line) }
        if items.count > shown.count { lines.append("… and \(items.count - shown.count) more") }
        return lines.map { $0.trimmingSpaces }.joined(separator: "\n")
    }
}
