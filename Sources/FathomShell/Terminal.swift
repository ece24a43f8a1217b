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
}
