import FathomCore

extension String {
    /// Exactly `width` characters: cut, or padded with spaces on the right (what Foundation's
    /// `padding(toLength:withPad:startingAt:)` did for these ASCII names, without Foundation).
    func padded(to width: Int) -> String {
        count >= width ? String(prefix(width)) : self + String(repeating: " ", count: width - count)
    }
}

extension NumberFormat {
    /// A number to three significant digits, as the tail results print them.
    static func threeDigits(_ x: Double) -> String { short(x, digits: 3) }
}
