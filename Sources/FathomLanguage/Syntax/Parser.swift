/// A recursive-descent parser with one function per precedence level, lowest first:
///
///     |>   or   and   not   == != < <= > >=   + -   * / %   unary -   ^   postfix (call . [ ])
///
/// `^` is right-associative and binds tighter than unary minus (`-2^2` is −4); comparisons do
/// not chain. Each statement is parsed on its own: an error skips to the end of that statement
/// and parsing resumes with the next one.
public struct Parser {
    /// The deepest expression tree accepted (brackets, unary chains and operator chains all
    /// count); deeper input is an error, never a stack overflow.
    public static let maximumDepth = 400

    private let source: SourceFile
    private let tokens: [Token]
    private var index = 0
    private var recursion = 0

    public init(_ source: SourceFile) {
        self.source = source
        self.tokens = Lexer.tokenize(source)
    }

    /// Every statement of `source`, in order, each parsed or failed.
    public static func parse(_ source: SourceFile) -> [Result<Statement, Diagnostic>] {
        var parser = Parser(source)
        return parser.statements()
    }

    public mutating func statements() -> [Result<Statement, Diagnostic>] {
        var results: [Result<Statement, Diagnostic>] = []
        while true {
            skipSeparators()
            if case .endOfInput = peek.kind { break }
            do {
                results.append(.success(try statement()))
            } catch let d as Diagnostic {
                var d = d
                d.source = source
                results.append(.failure(d))
                recover()
            } catch {
                results.append(.failure(Diagnostic("syntax.internal", "\(error)", at: peek.range, source: source)))
                recover()
            }
        }
        return results
    }

    // MARK: - Tokens

    private var peek: Token { tokens[index] }

    private func peekKind(_ offset: Int) -> TokenKind {
        let i = min(index + offset, tokens.count - 1)
        return tokens[i].kind
    }

    @discardableResult
    private mutating func advance() -> Token {
        let t = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return t
    }

    private func isSymbol(_ s: TokenKind.Symbol) -> Bool { peek.kind == .symbol(s) }
    private func isKeyword(_ k: TokenKind.Keyword) -> Bool { peek.kind == .keyword(k) }

    private mutating func take(_ s: TokenKind.Symbol) -> Bool {
        if isSymbol(s) { advance(); return true }
        return false
    }

    private mutating func skipSeparators() {
        while peek.kind == .newline || peek.kind == .semicolon { advance() }
    }

    /// Skips to the end of the failed statement.
    private mutating func recover() {
        while true {
            switch peek.kind {
            case .newline, .semicolon: advance(); return
            case .endOfInput: return
            default: advance()
            }
        }
    }

    private var atStatementEnd: Bool {
        switch peek.kind {
        case .newline, .semicolon, .endOfInput: true
        default: false
        }
    }

    // MARK: - Errors

    private func unexpected(_ expected: String) -> Diagnostic {
        let t = peek
        if case .invalid(let message) = t.kind {
            return Diagnostic("syntax.invalid-token", message, at: t.range)
        }
        if case .symbol(let s) = t.kind, s.closesBracket {
            return Diagnostic("syntax.mismatched-bracket", "mismatched '\(s.rawValue)': expected \(expected)", at: t.range)
        }
        return Diagnostic("syntax.unexpected-token", "expected \(expected), found \(t.kind.spelled)", at: t.range)
    }

    /// The error for a bracket that should have been closed before the current token.
    private func unclosed(_ open: Token, _ closer: TokenKind.Symbol, expecting: String) -> Diagnostic {
        if case .invalid = peek.kind { return unexpected(expecting) }
        if atStatementEnd {
            return Diagnostic(
                "syntax.unclosed-bracket",
                "unclosed '\(source.text(in: open.range))': expected '\(closer.rawValue)' before \(peek.kind.spelled)",
                at: open.range,
                notes: ["a blank line ends an unfinished statement"].filter { _ in peek.kind == .newline })
        }
        return unexpected(expecting)
    }

    private mutating func enter() throws {
        recursion += 1
        if recursion > Parser.maximumDepth {
            throw Diagnostic("syntax.too-deep", "expression nested more than \(Parser.maximumDepth) levels deep; split it into several statements", at: peek.range)
        }
    }

    private mutating func leave() { recursion -= 1 }

    private func node(_ kind: Expr.Kind, _ range: SourceRange, _ children: [Expr]) throws -> Expr {
        let depth = 1 + (children.map(\.depth).max() ?? 0)
        if depth > Parser.maximumDepth {
            throw Diagnostic("syntax.too-deep", "expression nested more than \(Parser.maximumDepth) levels deep; split it into several statements", at: range)
        }
        return Expr(kind, range, depth: depth)
    }

    // MARK: - Statements

    private mutating func statement() throws -> Statement {
        let start = peek.range.start
        let lhs = try expression()
        if isSymbol(.assign) {
            let assignToken = advance()
            try checkAssignable(lhs, assignToken)
            if atStatementEnd {
                throw Diagnostic("syntax.missing-value", "expected a value after '='", at: assignToken.range)
            }
            let value = try expression()
            try expectStatementEnd(after: value)
            return Statement(kind: .assignment(target: lhs, value: value), range: SourceRange(start, value.range.end), source: source)
        }
        try expectStatementEnd(after: lhs)
        return Statement(kind: .expression(lhs), range: SourceRange(start, lhs.range.end), source: source)
    }

    private mutating func expectStatementEnd(after expr: Expr) throws {
        if atStatementEnd { return }
        if case .symbol(let s) = peek.kind, s.closesBracket {
            throw Diagnostic("syntax.mismatched-bracket", "mismatched '\(s.rawValue)': no matching bracket is open here", at: peek.range)
        }
        if case .invalid = peek.kind { throw unexpected("") }
        if isSymbol(.assign) {
            throw Diagnostic("syntax.chained-assignment", "only one '=' per statement; compare with '=='", at: peek.range)
        }
        throw Diagnostic("syntax.unexpected-token", "expected an operator or the end of the statement after \(source.text(in: expr.range).prefixForMessage), found \(peek.kind.spelled)", at: peek.range)
    }

    /// Targets are a name, optionally followed by `.field` and `[index]` steps.
    private func checkAssignable(_ target: Expr, _ assign: Token) throws {
        switch target.kind {
        case .name(let n):
            if n == "_" || (n.hasPrefix("_") && n.dropFirst().allSatisfy(\.isNumber) && n.count > 1) {
                throw Diagnostic("assign.reserved", "'\(n)' is the value of an earlier cell and cannot be assigned", at: target.range)
            }
        case .member(let base, _, _): try checkAssignable(base, assign)
        case .index(let base, _): try checkAssignable(base, assign)
        default:
            throw Diagnostic(
                "syntax.bad-assignment-target",
                "cannot assign to this expression; the left of '=' must be a name such as x, t.column or v[0]",
                at: target.range,
                notes: target.isCall ? ["named arguments go inside the call's brackets: f(x, bins=15)"] : [])
        }
    }

    // MARK: - Expressions, lowest precedence first

    public mutating func expression() throws -> Expr {
        try enter(); defer { leave() }
        var lhs = try orExpression()
        while isSymbol(.pipe) {
            let op = advance()
            if atStatementEnd { throw unexpected("a call after '|>'") }
            let rhs = try orExpression()
            switch rhs.kind {
            case .call, .name, .member: break
            default:
                throw Diagnostic("syntax.bad-pipe", "the right of '|>' must be a function or a call, as in x |> mean or x |> quantile(0.9)", at: rhs.range.union(op.range))
            }
            lhs = try node(.pipe(lhs, rhs), lhs.range.union(rhs.range), [lhs, rhs])
        }
        return lhs
    }

    private mutating func orExpression() throws -> Expr {
        var lhs = try andExpression()
        while isKeyword(.or) {
            advance()
            let rhs = try operand(after: "or") { try $0.andExpression() }
            lhs = try node(.binary(.or, lhs, rhs), lhs.range.union(rhs.range), [lhs, rhs])
        }
        return lhs
    }

    private mutating func andExpression() throws -> Expr {
        var lhs = try notExpression()
        while isKeyword(.and) {
            advance()
            let rhs = try operand(after: "and") { try $0.notExpression() }
            lhs = try node(.binary(.and, lhs, rhs), lhs.range.union(rhs.range), [lhs, rhs])
        }
        return lhs
    }

    private mutating func notExpression() throws -> Expr {
        if isKeyword(.not) {
            try enter(); defer { leave() }
            let op = advance()
            let operand = try operand(after: "not") { try $0.notExpression() }
            return try node(.unary(.not, operand), op.range.union(operand.range), [operand])
        }
        return try comparison()
    }

    private static let comparisons: [TokenKind.Symbol: BinaryOperator] = [
        .equal: .equal, .notEqual: .notEqual, .less: .less, .lessEqual: .lessEqual,
        .greater: .greater, .greaterEqual: .greaterEqual,
    ]

    private mutating func comparison() throws -> Expr {
        let lhs = try additive()
        guard case .symbol(let s) = peek.kind, let op = Parser.comparisons[s] else { return lhs }
        advance()
        let rhs = try operand(after: s.rawValue) { try $0.additive() }
        if case .symbol(let s2) = peek.kind, Parser.comparisons[s2] != nil {
            throw Diagnostic("syntax.chained-comparison", "comparisons do not chain; write a < b and b < c", at: peek.range)
        }
        return try node(.binary(op, lhs, rhs), lhs.range.union(rhs.range), [lhs, rhs])
    }

    private mutating func additive() throws -> Expr {
        var lhs = try multiplicative()
        while true {
            let op: BinaryOperator
            if isSymbol(.plus) { op = .add } else if isSymbol(.minus) { op = .subtract } else { break }
            advance()
            let rhs = try operand(after: op.rawValue) { try $0.multiplicative() }
            lhs = try node(.binary(op, lhs, rhs), lhs.range.union(rhs.range), [lhs, rhs])
        }
        return lhs
    }

    private mutating func multiplicative() throws -> Expr {
        var lhs = try unary()
        while true {
            let op: BinaryOperator
            if isSymbol(.star) { op = .multiply } else if isSymbol(.slash) { op = .divide } else if isSymbol(.percent) { op = .remainder } else { break }
            advance()
            let rhs = try operand(after: op.rawValue) { try $0.unary() }
            lhs = try node(.binary(op, lhs, rhs), lhs.range.union(rhs.range), [lhs, rhs])
        }
        return lhs
    }

    private mutating func unary() throws -> Expr {
        if isSymbol(.minus) || isSymbol(.plus) {
            try enter(); defer { leave() }
            let op = advance()
            let operand = try operand(after: op.kind == .symbol(.minus) ? "-" : "+") { try $0.unary() }
            return try node(.unary(op.kind == .symbol(.minus) ? .negate : .plus, operand), op.range.union(operand.range), [operand])
        }
        return try power()
    }

    private mutating func power() throws -> Expr {
        let base = try postfix()
        guard isSymbol(.caret) else { return base }
        try enter(); defer { leave() }
        advance()
        let exponent = try operand(after: "^") { try $0.unary() }
        return try node(.binary(.power, base, exponent), base.range.union(exponent.range), [base, exponent])
    }

    /// The right operand of a binary operator, with a clear error when it is missing.
    private mutating func operand(after op: String, _ parse: (inout Parser) throws -> Expr) throws -> Expr {
        if atStatementEnd {
            // Point at the operator: the end of the statement may be a blank line.
            let opRange = tokens[max(0, index - 1)].range
            throw Diagnostic("syntax.missing-operand", "expected a value after '\(op)', found \(peek.kind.spelled)", at: opRange)
        }
        return try parse(&self)
    }

    // MARK: - Postfix and primary

    private mutating func postfix() throws -> Expr {
        var expr = try primary()
        while true {
            if isSymbol(.leftParen) {
                expr = try call(expr)
            } else if isSymbol(.dot) {
                let dot = advance()
                guard case .identifier(let name) = peek.kind else {
                    throw Diagnostic("syntax.member-name", "expected a field name after '.', found \(peek.kind.spelled)", at: peek.kind == .newline || peek.kind == .endOfInput ? dot.range : peek.range,
                                     notes: ["for a column whose name is not a plain word, write t[\"column name\"]"])
                }
                let nameToken = advance()
                expr = try node(.member(expr, name, nameToken.range), expr.range.union(nameToken.range), [expr])
            } else if isSymbol(.leftBracket) {
                expr = try subscripts(expr)
            } else {
                return expr
            }
        }
    }

    private mutating func call(_ callee: Expr) throws -> Expr {
        try enter(); defer { leave() }
        let open = advance()
        var arguments: [Argument] = []
        var namedSeen: String?
        var seenNames: Set<String> = []
        while !isSymbol(.rightParen) {
            if atStatementEnd { throw unclosed(open, .rightParen, expecting: "an argument or ')'") }
            if case .identifier(let label) = peek.kind, peekKind(1) == .symbol(.assign) {
                let labelToken = advance()
                advance()
                if seenNames.contains(label) {
                    throw Diagnostic("syntax.duplicate-argument", "argument '\(label)' is given twice", at: labelToken.range)
                }
                seenNames.insert(label)
                if atStatementEnd || isSymbol(.comma) || isSymbol(.rightParen) {
                    throw Diagnostic("syntax.missing-value", "expected a value for '\(label)='", at: peek.range)
                }
                let value = try expression()
                arguments.append(Argument(label: label, labelRange: labelToken.range, value: value))
                namedSeen = label
            } else {
                let value = try expression()
                if let namedSeen {
                    throw Diagnostic("syntax.positional-after-named", "a positional argument cannot follow the named argument '\(namedSeen)='; name it, or move it before", at: value.range)
                }
                arguments.append(Argument(label: nil, labelRange: nil, value: value))
            }
            if take(.comma) { continue }
            if !isSymbol(.rightParen) {
                if atStatementEnd { throw unclosed(open, .rightParen, expecting: "',' or ')'") }
                throw unexpected("',' or ')' in the call")
            }
        }
        let close = advance()
        return try node(.call(callee, arguments), callee.range.union(close.range), [callee] + arguments.map(\.value))
    }

    private mutating func subscripts(_ base: Expr) throws -> Expr {
        try enter(); defer { leave() }
        let open = advance()
        var items: [Subscript] = []
        var children: [Expr] = [base]
        if isSymbol(.rightBracket) {
            throw Diagnostic("syntax.empty-index", "empty index: write v[0], v[2:5] or d[\"column\"]", at: open.range.union(peek.range))
        }
        while true {
            if atStatementEnd { throw unclosed(open, .rightBracket, expecting: "an index or ']'") }
            let itemStart = peek.range.start
            var start: Expr?
            if !isSymbol(.colon) {
                start = try expression()
                children.append(start!)
            }
            if take(.colon) {
                var stop: Expr?, step: Expr?
                if !isSymbol(.colon), !isSymbol(.comma), !isSymbol(.rightBracket), !atStatementEnd {
                    stop = try expression()
                    children.append(stop!)
                }
                if take(.colon), !isSymbol(.comma), !isSymbol(.rightBracket), !atStatementEnd {
                    step = try expression()
                    children.append(step!)
                }
                let end = tokens[max(0, index - 1)].range.end
                items.append(.slice(start: start, stop: stop, step: step, range: SourceRange(itemStart, end)))
            } else {
                items.append(.value(start!))
            }
            if take(.comma) { continue }
            if isSymbol(.rightBracket) { break }
            if atStatementEnd { throw unclosed(open, .rightBracket, expecting: "',' or ']'") }
            throw unexpected("',' or ']' in the index")
        }
        let close = advance()
        return try node(.index(base, items), base.range.union(close.range), children)
    }

    private mutating func primary() throws -> Expr {
        let t = peek
        switch t.kind {
        case .number(let v): advance(); return Expr(.number(v), t.range)
        case .string(let s): advance(); return Expr(.string(s), t.range)
        case .keyword(.true): advance(); return Expr(.bool(true), t.range)
        case .keyword(.false): advance(); return Expr(.bool(false), t.range)
        case .keyword(.null): advance(); return Expr(.null, t.range)
        case .identifier(let name): advance(); return Expr(.name(name), t.range)
        case .symbol(.leftParen):
            try enter(); defer { leave() }
            let open = advance()
            if isSymbol(.rightParen) { throw Diagnostic("syntax.empty-parentheses", "empty parentheses: expected a value inside", at: open.range.union(peek.range)) }
            if atStatementEnd { throw unclosed(open, .rightParen, expecting: "a value") }
            var inner = try expression()
            if !isSymbol(.rightParen) {
                if atStatementEnd { throw unclosed(open, .rightParen, expecting: "')'") }
                if isSymbol(.comma) {
                    throw Diagnostic("syntax.tuple", "expected ')', found ','; write [a, b] for a vector", at: peek.range)
                }
                throw unexpected("')'")
            }
            let close = advance()
            inner.range = open.range.union(close.range)
            return inner
        case .symbol(.leftBracket):
            return try array()
        case .symbol(.leftBrace):
            return try record()
        case .keyword(.and), .keyword(.or):
            throw Diagnostic("syntax.missing-operand", "expected a value before \(t.kind.spelled)", at: t.range)
        default:
            throw unexpected("a value")
        }
    }

    private mutating func array() throws -> Expr {
        try enter(); defer { leave() }
        let open = advance()
        var items: [Expr] = []
        while !isSymbol(.rightBracket) {
            if atStatementEnd { throw unclosed(open, .rightBracket, expecting: "a value or ']'") }
            items.append(try expression())
            if take(.comma) { continue }
            if !isSymbol(.rightBracket) {
                if atStatementEnd { throw unclosed(open, .rightBracket, expecting: "',' or ']'") }
                throw unexpected("',' or ']' in the vector")
            }
        }
        let close = advance()
        return try node(.array(items), open.range.union(close.range), items)
    }

    private mutating func record() throws -> Expr {
        try enter(); defer { leave() }
        let open = advance()
        var fields: [RecordField] = []
        var seen: Set<String> = []
        while !isSymbol(.rightBrace) {
            if atStatementEnd { throw unclosed(open, .rightBrace, expecting: "a field or '}'") }
            let keyToken = peek
            let key: String
            switch keyToken.kind {
            case .identifier(let s), .string(let s): key = s
            case .keyword(let k): key = k.rawValue
            default: throw unexpected("a field name (a word or a string)")
            }
            advance()
            guard take(.colon) else {
                if isSymbol(.assign) {
                    throw Diagnostic("syntax.record-colon", "record fields are written name: value, with ':'", at: peek.range)
                }
                throw unexpected("':' after the field name")
            }
            if seen.contains(key) {
                throw Diagnostic("syntax.duplicate-field", "field '\(key)' appears twice in the record", at: keyToken.range)
            }
            seen.insert(key)
            if atStatementEnd || isSymbol(.comma) || isSymbol(.rightBrace) {
                throw Diagnostic("syntax.missing-value", "expected a value for field '\(key)'", at: peek.range)
            }
            let value = try expression()
            fields.append(RecordField(key: key, keyRange: keyToken.range, value: value))
            if take(.comma) { continue }
            if !isSymbol(.rightBrace) {
                if atStatementEnd { throw unclosed(open, .rightBrace, expecting: "',' or '}'") }
                throw unexpected("',' or '}' in the record")
            }
        }
        let close = advance()
        return try node(.record(fields), open.range.union(close.range), fields.map(\.value))
    }
}

extension Expr {
    var isCall: Bool {
        if case .call = kind { return true }
        return false
    }
}

extension String {
    /// The text quoted in a message, shortened when long.
    var prefixForMessage: String {
        let oneLine = self.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? self
        if oneLine.count <= 30 && oneLine.count == count { return "'\(oneLine)'" }
        return "'\(oneLine.prefix(27))…'"
    }
}
