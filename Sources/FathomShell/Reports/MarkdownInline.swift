extension Markdown {
    /// The inline pass over one paragraph or heading: a flat, doubly linked list of nodes
    /// (text, ready HTML, delimiter runs) that emphasis and links decorate in place, so
    /// nothing recurses and nothing is parsed twice. See ``Markdown`` for what it supports.
    struct Inline {
        struct Node {
            enum Kind { case text, html, delimiter }
            var kind: Kind
            /// Text (unescaped) or HTML; for a delimiter run, its character.
            var bytes: [UInt8]
            /// The plain text an image's alt takes from an HTML node.
            var plain: [UInt8] = []
            /// The delimiters of a run not yet used by emphasis.
            var count = 0
            var prev = -1, next = -1
        }

        struct Delimiter {
            var node: Int
            var char: UInt8
            var original: Int
            var canOpen: Bool, canClose: Bool
            var prev = -1, next = -1
        }

        struct Bracket {
            var node: Int
            var image: Bool
            /// The last delimiter before the bracket.
            var bottom: Int
        }

        let s: [UInt8]
        var nodes: [Node] = []
        var tail = -1
        var delimiters: [Delimiter] = []
        var delimiterHead = -1, delimiterTail = -1
        var brackets: [Bracket] = []
        /// Link brackets below this depth of `brackets` are inactive (a link holds no link).
        var activeFrom = 0
        /// Backtick runs by length: their starts, and how far the search has come.
        var backtickRuns: [Int: (starts: [Int], cursor: Int)] = [:]
        /// For `$` and `$$`: from each position, the next run that can close inline math.
        var mathClosers: [[Int32]] = []
        /// Per character (`>`, `"`, `'`, `)`), from each position, the next unescaped one.
        var nextUnescaped: [UInt8: [Int32]] = [:]

        static func render(_ text: [UInt8], into out: inout [UInt8]) {
            var parser = Inline(s: text)
            parser.parse()
            parser.write(into: &out)
        }

        init(s: [UInt8]) {
            self.s = s
            var i = 0
            while i < s.count {
                guard s[i] == UInt8(ascii: "`") else { i += 1; continue }
                var j = i
                while j < s.count, s[j] == UInt8(ascii: "`") { j += 1 }
                backtickRuns[j - i, default: ([], 0)].starts.append(i)
                i = j
            }
        }

        // MARK: Nodes

        @discardableResult
        mutating func append(_ kind: Node.Kind, _ bytes: [UInt8], plain: [UInt8] = []) -> Int {
            nodes.append(Node(kind: kind, bytes: bytes, plain: plain, prev: tail))
            let n = nodes.count - 1
            if tail >= 0 { nodes[tail].next = n }
            tail = n
            return n
        }

        mutating func insert(after a: Int, _ html: String) {
            nodes.append(Node(kind: .html, bytes: Array(html.utf8), prev: a, next: nodes[a].next))
            let n = nodes.count - 1
            if nodes[a].next >= 0 { nodes[nodes[a].next].prev = n } else { tail = n }
            nodes[a].next = n
        }

        mutating func insert(before b: Int, _ html: String) {
            insert(after: nodes[b].prev, html)
        }

        // MARK: Delimiters

        mutating func pushDelimiter(_ d: Delimiter) {
            var d = d
            d.prev = delimiterTail
            delimiters.append(d)
            let n = delimiters.count - 1
            if delimiterTail >= 0 { delimiters[delimiterTail].next = n } else { delimiterHead = n }
            delimiterTail = n
        }

        mutating func removeDelimiter(_ d: Int) {
            let p = delimiters[d].prev, n = delimiters[d].next
            if p >= 0 { delimiters[p].next = n } else { delimiterHead = n }
            if n >= 0 { delimiters[n].prev = p } else { delimiterTail = p }
        }

        /// CommonMark's "process emphasis" over the delimiters after `bottom` (-1: all).
        /// Delimiter indices grow along the list, so "at or below" is a comparison.
        mutating func processEmphasis(above bottom: Int) {
            var openersBottom = [Int](repeating: bottom, count: 12)
            var current = bottom >= 0 ? delimiters[bottom].next : delimiterHead
            while current >= 0 {
                let closer = delimiters[current]
                guard closer.canClose else { current = closer.next; continue }
                let key = (closer.char == UInt8(ascii: "*") ? 0 : 6) + (closer.canOpen ? 3 : 0) + closer.original % 3
                var opener = closer.prev
                var found = false
                while opener > openersBottom[key] {
                    let o = delimiters[opener]
                    if o.char == closer.char, o.canOpen {
                        let oddMatch = (o.canClose || closer.canOpen) && (o.original + closer.original) % 3 == 0
                            && !(o.original % 3 == 0 && closer.original % 3 == 0)
                        if !oddMatch { found = true; break }
                    }
                    opener = o.prev
                }
                if found {
                    let on = delimiters[opener].node, cn = closer.node
                    let strong = nodes[on].count >= 2 && nodes[cn].count >= 2
                    nodes[on].count -= strong ? 2 : 1
                    nodes[cn].count -= strong ? 2 : 1
                    insert(after: on, strong ? "<strong>" : "<em>")
                    insert(before: cn, strong ? "</strong>" : "</em>")
                    delimiters[opener].next = current
                    delimiters[current].prev = opener
                    if nodes[on].count == 0 { removeDelimiter(opener) }
                    if nodes[cn].count == 0 {
                        let next = closer.next
                        removeDelimiter(current)
                        current = next
                    }
                } else {
                    openersBottom[key] = closer.prev
                    let next = closer.next
                    if !closer.canOpen { removeDelimiter(current) }
                    current = next
                }
            }
            if bottom >= 0 {
                delimiters[bottom].next = -1
                delimiterTail = bottom
            } else {
                delimiterHead = -1
                delimiterTail = -1
            }
        }

        // MARK: Parsing

        mutating func parse() {
            var i = 0, textStart = 0
            func flush(_ parser: inout Inline, to end: Int) {
                if end > textStart { parser.append(.text, Array(parser.s[textStart..<end])) }
            }
            while i < s.count {
                let b = s[i]
                switch b {
                case UInt8(ascii: "\\"):
                    if i + 1 < s.count, Inline.isASCIIPunctuation(s[i + 1]) {
                        flush(&self, to: i)
                        append(.text, [s[i + 1]])
                        i += 2
                    } else if i + 1 < s.count, s[i + 1] == 10 {
                        flush(&self, to: i)
                        append(.html, Array("<br />\n".utf8))
                        i += 2
                        while i < s.count, s[i] == 32 { i += 1 }
                    } else {
                        i += 1
                        continue
                    }
                case UInt8(ascii: "`"):
                    var j = i
                    while j < s.count, s[j] == UInt8(ascii: "`") { j += 1 }
                    guard let close = backtickCloser(length: j - i, after: j) else { i = j; continue }
                    flush(&self, to: i)
                    var content = s[j..<close].map { $0 == 10 ? 32 : $0 }
                    if content.count >= 2, content.first == 32, content.last == 32, content.contains(where: { $0 != 32 }) {
                        content = Array(content.dropFirst().dropLast())
                    }
                    var html = Array("<code>".utf8)
                    Markdown.escape(content[...], into: &html)
                    html.append(contentsOf: "</code>".utf8)
                    append(.html, html, plain: content)
                    i = close + (j - i)
                case UInt8(ascii: "$"):
                    var j = i
                    while j < s.count, s[j] == UInt8(ascii: "$") { j += 1 }
                    let length = j - i
                    guard length <= 2, j < s.count, !Inline.isSpace(s[j]), let close = mathCloser(length: length, after: j) else { i = j; continue }
                    flush(&self, to: i)
                    let written = Array(s[i..<(close + length)])
                    var html = Array("<span class=\"math\">".utf8)
                    Markdown.escape(written[...], into: &html)
                    html.append(contentsOf: "</span>".utf8)
                    append(.html, html, plain: written)
                    i = close + length
                case UInt8(ascii: "*"), UInt8(ascii: "_"):
                    var j = i
                    while j < s.count, s[j] == b { j += 1 }
                    flush(&self, to: i)
                    let before = Inline.scalar(before: i, in: s), after = Inline.scalar(at: j, in: s)
                    let left = !Inline.isWhitespace(after) && (!Inline.isPunctuation(after) || Inline.isWhitespace(before) || Inline.isPunctuation(before))
                    let right = !Inline.isWhitespace(before) && (!Inline.isPunctuation(before) || Inline.isWhitespace(after) || Inline.isPunctuation(after))
                    let canOpen = b == UInt8(ascii: "*") ? left : left && (!right || Inline.isPunctuation(before))
                    let canClose = b == UInt8(ascii: "*") ? right : right && (!left || Inline.isPunctuation(after))
                    let node = append(.delimiter, [b])
                    nodes[node].count = j - i
                    if canOpen || canClose {
                        pushDelimiter(Delimiter(node: node, char: b, original: j - i, canOpen: canOpen, canClose: canClose))
                    }
                    i = j
                case UInt8(ascii: "["):
                    flush(&self, to: i)
                    brackets.append(Bracket(node: append(.text, [b]), image: false, bottom: delimiterTail))
                    i += 1
                case UInt8(ascii: "!") where i + 1 < s.count && s[i + 1] == UInt8(ascii: "["):
                    flush(&self, to: i)
                    brackets.append(Bracket(node: append(.text, Array("![".utf8)), image: true, bottom: delimiterTail))
                    i += 2
                case UInt8(ascii: "]"):
                    flush(&self, to: i)
                    i = closeBracket(at: i)
                case UInt8(ascii: "<"):
                    flush(&self, to: i)
                    i = autolink(at: i)
                case UInt8(ascii: "&"):
                    flush(&self, to: i)
                    let end = Inline.entityEnd(s, i)
                    append(end == nil ? .text : .html, Array(s[i..<(end ?? i + 1)]), plain: Array(s[i..<(end ?? i + 1)]))
                    i = end ?? i + 1
                case 10:
                    var end = i
                    while end > textStart, s[end - 1] == 32 { end -= 1 }
                    flush(&self, to: end)
                    append(.html, Array((i - end >= 2 ? "<br />\n" : "\n").utf8), plain: [32])
                    i += 1
                    while i < s.count, s[i] == 32 { i += 1 }
                default:
                    i += 1
                    continue
                }
                textStart = i
            }
            flush(&self, to: s.count)
            processEmphasis(above: -1)
        }

        /// The start of the next run of exactly `length` backticks at or after `p`.
        mutating func backtickCloser(length: Int, after p: Int) -> Int? {
            guard var runs = backtickRuns[length] else { return nil }
            while runs.cursor < runs.starts.count, runs.starts[runs.cursor] < p { runs.cursor += 1 }
            backtickRuns[length] = runs
            return runs.cursor < runs.starts.count ? runs.starts[runs.cursor] : nil
        }

        /// The start of the next run of exactly `length` dollars at or after `p` that can close
        /// math: after a character that is not a space or a backslash, and not before a digit.
        mutating func mathCloser(length: Int, after p: Int) -> Int? {
            if mathClosers.isEmpty {
                mathClosers = [[Int32]](repeating: [Int32](repeating: -1, count: s.count + 1), count: 2)
                var next: [Int32] = [-1, -1]
                var i = s.count - 1
                while i >= 0 {
                    if s[i] == UInt8(ascii: "$") {
                        var j = i
                        while j > 0, s[j - 1] == UInt8(ascii: "$") { j -= 1 }
                        let length = i - j + 1
                        if length <= 2, j > 0, !Inline.isSpace(s[j - 1]), s[j - 1] != UInt8(ascii: "\\"),
                           i + 1 == s.count || !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(s[i + 1]) {
                            next[length - 1] = Int32(j)
                        }
                        for k in j...i { mathClosers[0][k] = next[0]; mathClosers[1][k] = next[1] }
                        i = j - 1
                        continue
                    }
                    mathClosers[0][i] = next[0]; mathClosers[1][i] = next[1]
                    i -= 1
                }
            }
            let c = mathClosers[length - 1][p]
            return c < 0 ? nil : Int(c)
        }

        /// From each position, where the next unescaped `c` is.
        mutating func nextUnescaped(_ c: UInt8, from p: Int) -> Int? {
            if nextUnescaped[c] == nil {
                var table = [Int32](repeating: -1, count: s.count + 1)
                var escaped = [Bool](repeating: false, count: s.count)
                for i in 1..<max(1, s.count) where s[i - 1] == UInt8(ascii: "\\") && !escaped[i - 1] { escaped[i] = true }
                var next: Int32 = -1
                for i in stride(from: s.count - 1, through: 0, by: -1) {
                    if s[i] == c && !escaped[i] { next = Int32(i) }
                    table[i] = next
                }
                nextUnescaped[c] = table
            }
            let n = nextUnescaped[c]![min(p, s.count)]
            return n < 0 ? nil : Int(n)
        }

        /// `]` at `i`: a link or image when the innermost bracket is active and an inline
        /// destination follows; otherwise a literal `]`. Returns where to go on.
        mutating func closeBracket(at i: Int) -> Int {
            guard let bracket = brackets.last else { append(.text, [s[i]]); return i + 1 }
            let inactive = !bracket.image && brackets.count - 1 < activeFrom
            guard !inactive, let (destination, title, end) = linkTail(at: i + 1) else {
                brackets.removeLast()
                activeFrom = min(activeFrom, brackets.count)
                append(.text, [s[i]])
                return i + 1
            }
            brackets.removeLast()
            activeFrom = min(activeFrom, brackets.count)
            processEmphasis(above: bracket.bottom)
            let url = Inline.normalizedURL(destination)
            let allowed = Inline.isAllowed(url, image: bracket.image)
            if bracket.image {
                var alt: [UInt8] = []
                var n = nodes[bracket.node].next
                while n >= 0 {
                    switch nodes[n].kind {
                    case .text: alt += nodes[n].bytes
                    case .html: alt += nodes[n].plain
                    case .delimiter: alt += repeatElement(nodes[n].bytes[0], count: nodes[n].count)
                    }
                    n = nodes[n].next
                }
                nodes[bracket.node].next = -1
                tail = bracket.node
                if allowed {
                    var html = Array("<img src=\"".utf8) + url
                    html.append(contentsOf: "\" alt=\"".utf8)
                    Markdown.escape(alt[...], into: &html)
                    html += Inline.titleAttribute(title)
                    html.append(contentsOf: "\" />".utf8)
                    nodes[bracket.node] = Node(kind: .html, bytes: html, plain: alt, prev: nodes[bracket.node].prev)
                } else {
                    nodes[bracket.node] = Node(kind: .text, bytes: alt, prev: nodes[bracket.node].prev)
                }
            } else {
                if allowed {
                    var html = Array("<a href=\"".utf8) + url + [UInt8(ascii: "\"")]
                    html += Inline.titleAttribute(title)
                    html.append(UInt8(ascii: ">"))
                    nodes[bracket.node] = Node(kind: .html, bytes: html, prev: nodes[bracket.node].prev, next: nodes[bracket.node].next)
                    append(.html, Array("</a>".utf8))
                } else {
                    nodes[bracket.node] = Node(kind: .html, bytes: [], prev: nodes[bracket.node].prev, next: nodes[bracket.node].next)
                }
                activeFrom = brackets.count
            }
            return end
        }

        /// `(destination "title")` at `p`: the raw destination, title and where it ends.
        mutating func linkTail(at p: Int) -> ([UInt8], [UInt8]?, Int)? {
            guard p < s.count, s[p] == UInt8(ascii: "(") else { return nil }
            var q = skipWhitespace(p + 1)
            var destination: [UInt8] = []
            if q < s.count, s[q] == UInt8(ascii: "<") {
                guard let close = nextUnescaped(UInt8(ascii: ">"), from: q + 1),
                      !s[(q + 1)..<close].contains(where: { $0 == 10 || $0 == UInt8(ascii: "<") }) else { return nil }
                destination = Array(s[(q + 1)..<close])
                q = close + 1
            } else {
                let start = q
                var depth = 0
                while q < s.count {
                    let c = s[q]
                    if c == UInt8(ascii: "\\"), q + 1 < s.count, Inline.isASCIIPunctuation(s[q + 1]) { q += 2; continue }
                    if c <= 32 || c == 127 { break }
                    if c == UInt8(ascii: "(") { depth += 1; if depth > 32 { return nil } }
                    if c == UInt8(ascii: ")") { if depth == 0 { break }; depth -= 1 }
                    q += 1
                }
                guard depth == 0 else { return nil }
                destination = Array(s[start..<q])
            }
            let afterDestination = q
            q = skipWhitespace(q)
            var title: [UInt8]?
            if q > afterDestination, q < s.count, let opening = [UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "(")].first(where: { $0 == s[q] }) {
                let closing = opening == UInt8(ascii: "(") ? UInt8(ascii: ")") : opening
                guard let close = nextUnescaped(closing, from: q + 1) else { return nil }
                title = Array(s[(q + 1)..<close])
                q = skipWhitespace(close + 1)
            }
            guard q < s.count, s[q] == UInt8(ascii: ")") else { return nil }
            return (destination, title, q + 1)
        }

        func skipWhitespace(_ p: Int) -> Int {
            var q = p, newlines = 0
            while q < s.count, Inline.isSpace(s[q]) {
                if s[q] == 10 { newlines += 1; if newlines > 1 { break } }
                q += 1
            }
            return q
        }

        /// `<scheme:…>` at `i`: a link when the scheme is allowed; otherwise a literal `<`.
        mutating func autolink(at i: Int) -> Int {
            var j = i + 1
            while j < s.count, j - i <= 33, Inline.isSchemeCharacter(s[j], first: j == i + 1) { j += 1 }
            if j - i - 1 >= 2, j < s.count, s[j] == UInt8(ascii: ":") {
                var k = j + 1
                while k < s.count, s[k] > 32, s[k] != 127, s[k] != UInt8(ascii: "<"), s[k] != UInt8(ascii: ">") { k += 1 }
                if k < s.count, s[k] == UInt8(ascii: ">") {
                    let written = Array(s[(i + 1)..<k])
                    let url = Inline.normalizedURL(written, escapes: false)
                    if Inline.isAllowed(url, image: false) {
                        var html = Array("<a href=\"".utf8) + url
                        html.append(contentsOf: "\">".utf8)
                        Markdown.escape(written[...], into: &html)
                        html.append(contentsOf: "</a>".utf8)
                        append(.html, html, plain: written)
                        return k + 1
                    }
                }
            }
            append(.text, [s[i]])
            return i + 1
        }

        func write(into out: inout [UInt8]) {
            var n = nodes.isEmpty ? -1 : 0
            while n >= 0 {
                let node = nodes[n]
                switch node.kind {
                case .text: Markdown.escape(node.bytes[...], into: &out)
                case .html: out += node.bytes
                case .delimiter: out += repeatElement(node.bytes[0], count: node.count)
                }
                n = node.next
            }
        }

        // MARK: URLs

        /// A destination with backslash escapes resolved and every byte outside URLs' safe
        /// set percent-encoded, ready for a double-quoted attribute (`&` as `&amp;`).
        /// Entities are not decoded, so `&#106;avascript:` stays a harmless relative path.
        static func normalizedURL(_ raw: [UInt8], escapes: Bool = true) -> [UInt8] {
            var out: [UInt8] = []
            var i = 0
            let hex = Array("0123456789ABCDEF".utf8)
            while i < raw.count {
                var b = raw[i]
                if escapes, b == UInt8(ascii: "\\"), i + 1 < raw.count, isASCIIPunctuation(raw[i + 1]) { i += 1; b = raw[i] }
                let safe = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || Array("-._~:/?#@!$'()*+,;=%".utf8).contains(b)
                if b == UInt8(ascii: "&") { out.append(contentsOf: "&amp;".utf8) }
                else if safe { out.append(b) }
                else { out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]] }
                i += 1
            }
            return out
        }

        /// Whether a normalised URL may be a link (`image: false`) or an image source:
        /// relative, or with an allowed scheme.
        static func isAllowed(_ url: [UInt8], image: Bool) -> Bool {
            guard let colon = url.firstIndex(where: { [UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#")].contains($0) }),
                  url[colon] == UInt8(ascii: ":") else { return true }
            let lower = String(decoding: url.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
            if lower.hasPrefix("http:") || lower.hasPrefix("https:") { return true }
            if image {
                return ["data:image/png;", "data:image/png,", "data:image/svg+xml;", "data:image/svg+xml,"].contains { lower.hasPrefix($0) }
            }
            return lower.hasPrefix("mailto:")
        }

        static func titleAttribute(_ title: [UInt8]?) -> [UInt8] {
            guard let title else { return [] }
            var out = Array(" title=\"".utf8)
            var unescaped: [UInt8] = []
            var i = 0
            while i < title.count {
                if title[i] == UInt8(ascii: "\\"), i + 1 < title.count, isASCIIPunctuation(title[i + 1]) { i += 1 }
                unescaped.append(title[i])
                i += 1
            }
            Markdown.escape(unescaped[...], into: &out)
            out.append(UInt8(ascii: "\""))
            return out
        }

        // MARK: Characters

        /// The end of an entity or numeric character reference starting at `i`.
        static func entityEnd(_ s: [UInt8], _ i: Int) -> Int? {
            var j = i + 1
            let isDigit = { (b: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) }
            let isHex = { (b: UInt8) in isDigit(b) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(b | 0x20) }
            let isAlnum = { (b: UInt8) in isDigit(b) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b | 0x20) }
            if j < s.count, s[j] == UInt8(ascii: "#") {
                j += 1
                let hex = j < s.count && (s[j] | 0x20) == UInt8(ascii: "x")
                if hex { j += 1 }
                let start = j
                while j < s.count, j - start < (hex ? 6 : 7), hex ? isHex(s[j]) : isDigit(s[j]) { j += 1 }
                guard j > start else { return nil }
            } else {
                let start = j
                guard j < s.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(s[j] | 0x20) else { return nil }
                while j < s.count, j - start < 32, isAlnum(s[j]) { j += 1 }
            }
            return j < s.count && s[j] == UInt8(ascii: ";") ? j + 1 : nil
        }

        static func isSchemeCharacter(_ b: UInt8, first: Bool) -> Bool {
            let letter = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b | 0x20)
            if first { return letter }
            return letter || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
        }

        static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 12 || b == 13 }

        static func isASCIIPunctuation(_ b: UInt8) -> Bool {
            (33...47).contains(b) || (58...64).contains(b) || (91...96).contains(b) || (123...126).contains(b)
        }

        /// The Unicode scalar ending just before byte `i` (nil at the start).
        static func scalar(before i: Int, in s: [UInt8]) -> Unicode.Scalar? {
            guard i > 0 else { return nil }
            var j = i - 1
            while j > 0, i - j < 4, s[j] & 0xC0 == 0x80 { j -= 1 }
            return scalar(at: j, in: s)
        }

        /// The Unicode scalar starting at byte `i` (nil at the end).
        static func scalar(at i: Int, in s: [UInt8]) -> Unicode.Scalar? {
            guard i < s.count else { return nil }
            let end = min(s.count, i + 4)
            var iterator = s[i..<end].makeIterator()
            var decoder = UTF8()
            if case .scalarValue(let v) = decoder.decode(&iterator) { return v }
            return "\u{FFFD}"
        }

        /// Start and end of the text count as whitespace.
        static func isWhitespace(_ c: Unicode.Scalar?) -> Bool {
            guard let c else { return true }
            return c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" || c.properties.generalCategory == .spaceSeparator
        }

        static func isPunctuation(_ c: Unicode.Scalar?) -> Bool {
            guard let c else { return false }
            if c.isASCII { return isASCIIPunctuation(UInt8(c.value)) }
            switch c.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
                 .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
                return true
            default:
                return false
            }
        }
    }
}
