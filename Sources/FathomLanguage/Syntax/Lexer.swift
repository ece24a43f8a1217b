/// Turns source text into tokens.
///
/// Line breaks end statements except where the statement is visibly unfinished: inside an
/// open bracket, after a binary operator or comma, or after a trailing `\`. A blank line
/// always ends the statement (an unfinished one is then an error), so one stray bracket
/// cannot swallow the rest of a session. `#` starts a comment that runs to the end of the line.
public struct Lexer {
    /// Brackets deeper than this are refused: the parser and evaluator recurse per level.
    public static let maximumNesting = 200

    private let bytes: [UInt8]
    private var position = 0
    private(set) var tokens: [Token] = []
    /// Brackets opened and not yet closed, innermost last.
    public private(set) var openBrackets: [(symbol: TokenKind.Symbol, range: SourceRange)] = []
    /// True when the input ended right after a `\` line continuation.
    public private(set) var endsWithBackslash = false
    private var lineHasContent = false

    public init(_ source: SourceFile) {
        bytes = source.bytes
    }

    /// All tokens of `source`, ending with `.endOfInput`.
    public static func tokenize(_ source: SourceFile) -> [Token] {
        var lexer = Lexer(source)
        lexer.run()
        return lexer.tokens
    }

    /// Whether the statement so far needs another line: an open bracket, a trailing operator
    /// or a trailing `\`. A REPL shows its continuation prompt while this is true.
    public var needsMoreInput: Bool {
        endsWithBackslash || !openBrackets.isEmpty || lastTokenContinuesLine
    }

    private var lastTokenContinuesLine: Bool {
        guard let last = tokens.last(where: { $0.kind != .endOfInput }) else { return false }
        switch last.kind {
        case .symbol(let s): return s.continuesLine
        case .keyword(let k): return k == .and || k == .or || k == .not
        default: return false
        }
    }

    public mutating func run() {
        while position < bytes.count {
            let b = bytes[position]
            switch b {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0C:
                position += 1
            case UInt8(ascii: "#"):
                lineHasContent = true
                while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            case UInt8(ascii: "\n"):
                lineBreak()
            case UInt8(ascii: "\\"):
                backslash()
            case UInt8(ascii: ";"):
                emit(.semicolon, position, position + 1)
                position += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                number()
            case UInt8(ascii: "."):
                if position + 1 < bytes.count, isDigit(bytes[position + 1]), !previousEndsOperand {
                    number()
                } else {
                    symbol(.dot, length: 1)
                }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                string(quote: b)
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
                word()
            default:
                operatorOrInvalid()
            }
        }
        emit(.endOfInput, bytes.count, bytes.count)
    }

    // MARK: - Pieces

    private mutating func emit(_ kind: TokenKind, _ start: Int, _ end: Int) {
        tokens.append(Token(kind, SourceRange(start, end)))
        if kind != .endOfInput { lineHasContent = true }
        endsWithBackslash = false
    }

    private var previousEndsOperand: Bool {
        guard let last = tokens.last else { return false }
        switch last.kind {
        case .number, .string, .identifier: return true
        case .keyword(let k): return k == .true || k == .false || k == .null
        case .symbol(let s): return s.closesBracket
        default: return false
        }
    }

    private mutating func lineBreak() {
        let start = position
        position += 1
        let blank = !lineHasContent
        lineHasContent = false
        endsWithBackslash = false
        if !openBrackets.isEmpty || lastTokenContinuesLine {
            guard blank else { return }
            // A blank line ends even an unfinished statement; the parser reports what is missing.
            openBrackets.removeAll()
        }
        if let last = tokens.last, last.kind != .newline, last.kind != .semicolon {
            emit(.newline, start, start + 1)
            lineHasContent = false
        }
    }

    private mutating func backslash() {
        let start = position
        var p = position + 1
        while p < bytes.count, bytes[p] == UInt8(ascii: " ") || bytes[p] == UInt8(ascii: "\t") || bytes[p] == UInt8(ascii: "\r") { p += 1 }
        if p >= bytes.count {
            position = p
            endsWithBackslash = true
            return
        }
        if bytes[p] == UInt8(ascii: "\n") {
            // The line break is consumed here; the next token clears the flag.
            position = p + 1
            lineHasContent = false
            endsWithBackslash = true
            return
        }
        position += 1
        emit(.invalid("unexpected '\\': a backslash continues a statement only at the end of a line"), start, start + 1)
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private func isWordByte(_ b: UInt8) -> Bool {
        isDigit(b) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || b == UInt8(ascii: "_")
    }

    private mutating func number() {
        let start = position
        var text: [UInt8] = []
        var bad: String?
        func digits(_ lexer: inout Lexer) -> Int {
            var count = 0
            while lexer.position < lexer.bytes.count {
                let c = lexer.bytes[lexer.position]
                if lexer.isDigit(c) {
                    text.append(c); count += 1
                } else if c == UInt8(ascii: "_") {
                    let next = lexer.position + 1 < lexer.bytes.count ? lexer.bytes[lexer.position + 1] : 0
                    if count == 0 || !lexer.isDigit(next) { bad = "'_' in a number must sit between two digits" }
                } else {
                    break
                }
                lexer.position += 1
            }
            return count
        }
        _ = digits(&self)
        if position < bytes.count, bytes[position] == UInt8(ascii: "."), position + 1 < bytes.count, isDigit(bytes[position + 1]) {
            text.append(UInt8(ascii: "."))
            position += 1
            _ = digits(&self)
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            let save = position
            text.append(UInt8(ascii: "e"))
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                text.append(bytes[position])
                position += 1
            }
            if digits(&self) == 0 {
                position = save + 1
                bad = bad ?? "an exponent needs digits, as in 1e-3"
            }
        }
        // A letter glued to a number (`3x`, `1e`) is a typo, not two tokens.
        if bad == nil, position < bytes.count, isWordByte(bytes[position]) {
            while position < bytes.count, isWordByte(bytes[position]) { position += 1 }
            bad = "a number cannot run into a name; put an operator between them, as in 3 * x"
        }
        if let bad {
            emit(.invalid(bad), start, position)
            return
        }
        let value = Double(String(decoding: text, as: UTF8.self)) ?? .nan
        emit(.number(value), start, position)
    }

    private mutating func string(quote: UInt8) {
        let start = position
        position += 1
        var content: [UInt8] = []
        while position < bytes.count {
            let c = bytes[position]
            if c == quote {
                position += 1
                emit(.string(String(decoding: content, as: UTF8.self)), start, position)
                return
            }
            if c == UInt8(ascii: "\n") { break }
            if c == UInt8(ascii: "\\") {
                let escStart = position
                position += 1
                guard position < bytes.count, bytes[position] != UInt8(ascii: "\n") else { break }
                let e = bytes[position]
                position += 1
                switch e {
                case UInt8(ascii: "n"): content.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): content.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"): content.append(e)
                default:
                    skipRestOfString(quote: quote)
                    let shown = String(decoding: [e], as: UTF8.self)
                    emit(.invalid("unknown escape '\\\(shown)' in a string; the escapes are \\n \\t \\\" \\' \\\\"), escStart, position)
                    return
                }
                continue
            }
            content.append(c)
            position += 1
        }
        let q = quote == UInt8(ascii: "\"") ? "\"" : "'"
        emit(.invalid("unterminated string: a string must end with \(q) on the line where it starts"), start, position)
    }

    private mutating func skipRestOfString(quote: UInt8) {
        while position < bytes.count, bytes[position] != UInt8(ascii: "\n") {
            let c = bytes[position]
            position += 1
            if c == UInt8(ascii: "\\"), position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1; continue }
            if c == quote { return }
        }
    }

    private mutating func word() {
        let start = position
        while position < bytes.count, isWordByte(bytes[position]) { position += 1 }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if let k = TokenKind.Keyword(rawValue: text) {
            emit(.keyword(k), start, position)
        } else {
            emit(.identifier(text), start, position)
        }
    }

    private mutating func symbol(_ s: TokenKind.Symbol, length: Int) {
        let start = position
        position += length
        let range = SourceRange(start, position)
        if s.opensBracket {
            if openBrackets.count >= Lexer.maximumNesting {
                // Refuse, and drop the rest of the line so the statement ends here.
                while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
                openBrackets.removeAll()
                emit(.invalid("brackets nested more than \(Lexer.maximumNesting) deep"), start, position)
                return
            }
            openBrackets.append((s, range))
        } else if s.closesBracket {
            if openBrackets.isEmpty {
                emit(.invalid("unmatched '\(s.rawValue)': no bracket is open here"), start, position)
                return
            }
            openBrackets.removeLast()
        }
        emit(.symbol(s), start, position)
    }

    private mutating func operatorOrInvalid() {
        let b = bytes[position]
        let next: UInt8 = position + 1 < bytes.count ? bytes[position + 1] : 0
        switch (b, next) {
        case (UInt8(ascii: "="), UInt8(ascii: "=")): symbol(.equal, length: 2)
        case (UInt8(ascii: "!"), UInt8(ascii: "=")): symbol(.notEqual, length: 2)
        case (UInt8(ascii: "<"), UInt8(ascii: "=")): symbol(.lessEqual, length: 2)
        case (UInt8(ascii: ">"), UInt8(ascii: "=")): symbol(.greaterEqual, length: 2)
        case (UInt8(ascii: "|"), UInt8(ascii: ">")): symbol(.pipe, length: 2)
        case (UInt8(ascii: "="), _): symbol(.assign, length: 1)
        case (UInt8(ascii: "<"), _): symbol(.less, length: 1)
        case (UInt8(ascii: ">"), _): symbol(.greater, length: 1)
        case (UInt8(ascii: "+"), _): symbol(.plus, length: 1)
        case (UInt8(ascii: "-"), _): symbol(.minus, length: 1)
        case (UInt8(ascii: "*"), UInt8(ascii: "*")):
            invalid(length: 2, "'**' is not an operator; use '^' for powers, as in x^2")
        case (UInt8(ascii: "*"), _): symbol(.star, length: 1)
        case (UInt8(ascii: "/"), _): symbol(.slash, length: 1)
        case (UInt8(ascii: "%"), _): symbol(.percent, length: 1)
        case (UInt8(ascii: "^"), _): symbol(.caret, length: 1)
        case (UInt8(ascii: "("), _): symbol(.leftParen, length: 1)
        case (UInt8(ascii: ")"), _): symbol(.rightParen, length: 1)
        case (UInt8(ascii: "["), _): symbol(.leftBracket, length: 1)
        case (UInt8(ascii: "]"), _): symbol(.rightBracket, length: 1)
        case (UInt8(ascii: "{"), _): symbol(.leftBrace, length: 1)
        case (UInt8(ascii: "}"), _): symbol(.rightBrace, length: 1)
        case (UInt8(ascii: ","), _): symbol(.comma, length: 1)
        case (UInt8(ascii: ":"), _): symbol(.colon, length: 1)
        case (UInt8(ascii: "!"), _): invalid(length: 1, "unexpected '!'; write 'not' for negation and '!=' for inequality")
        case (UInt8(ascii: "&"), _): invalid(length: next == UInt8(ascii: "&") ? 2 : 1, "unexpected '&'; write 'and'")
        case (UInt8(ascii: "|"), _): invalid(length: next == UInt8(ascii: "|") ? 2 : 1, "unexpected '|'; write 'or', or '|>' to pipe a value into a call")
        case (UInt8(ascii: "@"), _): invalid(length: 1, "unexpected '@'; Fathom has no matrix-product operator")
        case (UInt8(ascii: "`"), _): invalid(length: 1, "unexpected '`'; strings use \" or '")
        default:
            let length = utf8Length(b)
            let end = min(bytes.count, position + length)
            let scalar = String(decoding: bytes[position..<end], as: UTF8.self)
            let shown = b < 0x20 || b == 0x7F ? "byte 0x" + String(b, radix: 16, uppercase: true) : "'\(scalar)'"
            invalid(length: end - position, "unexpected character \(shown)")
        }
    }

    private func utf8Length(_ b: UInt8) -> Int {
        if b < 0x80 { return 1 }
        if b >> 5 == 0b110 { return 2 }
        if b >> 4 == 0b1110 { return 3 }
        if b >> 3 == 0b11110 { return 4 }
        return 1
    }

    private mutating func invalid(length: Int, _ message: String) {
        let start = position
        position += length
        emit(.invalid(message), start, position)
    }
}
