#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// Facts about the terminal, if there is one.
public enum Terminal {
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Interactive mode needs both standard input and standard output to be terminals.
    public static var isInteractive: Bool { isTerminal(0) && isTerminal(1) }

    /// Whether the environment forbids colour (the NO_COLOR convention: set and non-empty).
    public static var noColorRequested: Bool {
        guard let v = FileSystem.environment("NO_COLOR") else { return false }
        return !v.isEmpty
    }

    /// Whether the terminal is known to show sixel graphics: TERM names sixel, or the terminal
    /// program is one that does (WezTerm, iTerm2, mlterm, foot, contour). `:set plots sixel`
    /// forces it where this cannot tell.
    public static var supportsSixel: Bool {
        let term = FileSystem.environment("TERM") ?? ""
        if term.contains("sixel") || term.hasPrefix("mlterm") || term.hasPrefix("foot") || term.hasPrefix("contour") { return true }
        let program = FileSystem.environment("TERM_PROGRAM") ?? ""
        return ["WezTerm", "iTerm.app", "mlterm", "contour"].contains(program)
    }

    /// The width of the terminal on standard output, or 80.
    public static func columns() -> Int {
        var w = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0 { return Int(w.ws_col) }
        return 80
    }

    /// The height of the terminal on standard output, or 24.
    public static func rows() -> Int {
        var w = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &w) == 0, w.ws_row > 0 { return Int(w.ws_row) }
        return 24
    }

    /// One key from the terminal on standard input, without echo and without waiting for
    /// Enter (Ctrl-C arrives as 3, Ctrl-D as 4); nil at the end of input.
    public static func readKey() -> UInt8? {
        var saved = termios()
        let raw = tcgetattr(0, &saved) == 0
        if raw {
            var t = saved
            t.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG)
            withUnsafeMutableBytes(of: &t.c_cc) { cc in
                cc[Int(VMIN)] = 1
                cc[Int(VTIME)] = 0
            }
            tcsetattr(0, TCSANOW, &t)
        }
        defer { if raw { tcsetattr(0, TCSANOW, &saved) } }
        var byte: UInt8 = 0
        while true {
            let n = read(0, &byte, 1)
            if n == 1 { return byte }
            if n < 0 && errno == EINTR { continue }
            return nil
        }
    }
}
