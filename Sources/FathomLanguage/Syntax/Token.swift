/// What the lexer saw.
public enum TokenKind: Sendable, Equatable {
    case number(Double)
    case string(String)
    case identifier(String)
    case keyword(Keyword)
    case symbol(Symbol)
    /// The end of a statement: a line break outside brackets, or `;`.
    case newline
    case semicolon
    case endOfInput
    /// Text the lexer could not read, with the reason.
    case invalid(String)

    public enum Keyword: String, Sendable, CaseIterable {
        case `true`, `false`, null, and, or, not
    }

    public enum Symbol: String, Sendable, CaseIterable {
        case plus = "+", minus = "-", star = "*", slash = "/", percent = "%", caret = "^"
        case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
        case assign = "=", pipe = "|>"
        case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
        case leftBrace = "{", rightBrace = "}"
        case comma = ",", colon = ":", dot = "."

        /// Symbols after which a line break continues the statement.
        var continuesLine: Bool {
            switch self {
            case .plus, .minus, .star, .slash, .percent, .caret, .equal, .notEqual, .less,
                 .lessEqual, .greater, .greaterEqual, .assign, .pipe, .comma, .dot:
                return true
            default:
                return false
            }
        }

        var opensBracket: Bool { self == .leftParen || self == .leftBracket || self == .leftBrace }
        var closesBracket: Bool { self == .rightParen || self == .rightBracket || self == .rightBrace }

        /// The closing symbol for an opening bracket.
        var closer: Symbol? {
            switch self {
            case .leftParen: .rightParen
            case .leftBracket: .rightBracket
            case .leftBrace: .rightBrace
            default: nil
            }
        }
    }

    /// How the token reads in a message: `'+'`, `a number`, `the end of the line`.
    public var spelled: String {
        switch self {
        case .number: "a number"
        case .string: "a string"
        case .identifier(let name): "'\(name)'"
        case .keyword(let k): "'\(k.rawValue)'"
        case .symbol(let s): "'\(s.rawValue)'"
        case .newline: "the end of the line"
        case .semicolon: "';'"
        case .endOfInput: "the end of the input"
        case .invalid: "unreadable text"
        }
    }
}

public struct Token: Sendable, Equatable {
    public var kind: TokenKind
    public var range: SourceRange

    public init(_ kind: TokenKind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}
