/// Text from data made safe to show on a terminal: control characters (C0, DEL and the C1
/// range, which includes the escape sequences that move the cursor, change colours or set
/// the window title) are written as visible `\u{1b}` escapes, so a cell, a column name or a
/// quoted source line can never drive the terminal.
public enum Printable {
    /// Whether `scalar` would act on a terminal instead of being shown.
    @inlinable
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (v >= 0x7F && v <= 0x9F)
    }

    /// `s` with every control character written as `\u{…}`; tabs too unless `keepTabs`, line
    /// breaks (`\n`) too unless `keepLineBreaks`.
    public static func text(_ s: String, keepTabs: Bool = false, keepLineBreaks: Bool = false) -> String {
        func shown(_ ch: Unicode.Scalar) -> Bool {
            isControl(ch) && !(keepTabs && ch == "\t") && !(keepLineBreaks && ch == "\n")
        }
        guard s.unicodeScalars.contains(where: shown) else { return s }
        var out = String.UnicodeScalarView()
        for ch in s.unicodeScalars {
            if shown(ch) {
                out.append(contentsOf: "\\u{\(String(ch.value, radix: 16))}".unicodeScalars)
            } else {
                out.append(ch)
            }
        }
        return String(out)
    }

    /// Text of several lines for a terminal: line breaks and tabs kept, every other control
    /// character written as `\u{…}`.
    public static func lines(_ s: String) -> String {
        text(s, keepTabs: true, keepLineBreaks: true)
    }
}
