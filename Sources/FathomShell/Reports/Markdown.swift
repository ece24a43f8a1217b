/// Reports' prose as HTML: a small subset of CommonMark that is safe for text someone else
/// wrote and linear in the length of its input.
///
/// Blocks: ATX and setext headings, paragraphs, fenced and indented code, thematic breaks,
/// block quotes, bullet and ordered lists (tight or loose). Inlines: emphasis and strong
/// emphasis by CommonMark's delimiter rules (so `failure_probs` and `z_0 … z_9` keep their
/// underscores), code spans, inline links and images, autolinks, backslash escapes, entity
/// references, hard line breaks, and inline math (`$…$`, `$$…$$`), which is left as written.
/// Not supported: raw HTML (it is escaped and shows as text), reference links, tables.
///
/// Safety: every `<` the author wrote arrives as `&lt;`; link and image destinations are
/// percent-encoded and kept only with an allowed scheme (http, https, mailto for links; http,
/// https and PNG or SVG data for images; relative paths for both), otherwise the text stays
/// and the link goes. Cost: blocks nest at most ``maxDepth`` deep (deeper markers are text),
/// and the inline pass never rescans: closers are found through tables built once per
/// paragraph, emphasis uses CommonMark's openers-bottom bound, and a link destination's
/// parentheses nest at most 32 deep, so at most 33 failed destinations overlap any byte.
enum Markdown {
    /// Block quotes and list items nest at most this deep; deeper markers are plain text.
    static let maxDepth = 16

    /// The HTML of a Markdown document.
    static func html(_ text: String) -> String {
        var lines: [[UInt8]] = []
        var line: [UInt8] = []
        var bytes = Array(text.utf8)
        bytes.append(10)
        var column = 0, leading = true
        for b in bytes {
            switch b {
            case 10:
                lines.append(line)
                line = []; column = 0; leading = true
            case 13:
                continue
            case 9 where leading:
                // Tabs in the indentation count to the next multiple of 4.
                let n = 4 - column % 4
                line += repeatElement(32, count: n); column += n
            case 0:
                line += Array("\u{FFFD}".utf8); column += 1; leading = false
            default:
                if b != 32 { leading = false }
                line.append(b); column += 1
            }
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        var out: [UInt8] = []
        render(parseBlocks(lines, depth: 0), tight: false, into: &out)
        while out.last == 10 { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Blocks

    indirect enum Block: Equatable {
        case heading(level: Int, text: [UInt8])
        case paragraph([UInt8])
        case code(info: [UInt8], lines: [[UInt8]])
        case rule
        case quote([Block])
        case list(ordered: Bool, start: Int, tight: Bool, items: [[Block]])
    }

    struct ListMarker {
        var ordered: Bool
        /// `-`, `+`, `*`, or `.` / `)` after the number.
        var symbol: UInt8
        var start: Int
        /// Where the item's content starts.
        var offset: Int
        /// Nothing after the marker.
        var empty: Bool
    }

    static func indent(_ line: [UInt8]) -> Int {
        var i = 0
        while i < line.count, line[i] == 32 { i += 1 }
        return i
    }

    static func isBlank(_ line: [UInt8]) -> Bool { line.allSatisfy { $0 == 32 || $0 == 9 } }

    static func trimmed(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = line
        while let f = s.first, f == 32 || f == 9 { s = s.dropFirst() }
        while let l = s.last, l == 32 || l == 9 { s = s.dropLast() }
        return s
    }

    /// `# Heading` with 1 to 6 `#`: the level and text, without a closing run of `#`.
    static func atxHeading(_ line: [UInt8]) -> (Int, [UInt8])? {
        let i = indent(line)
        guard i <= 3 else { return nil }
        var j = i
        while j < line.count, line[j] == UInt8(ascii: "#") { j += 1 }
        let level = j - i
        guard (1...6).contains(level), j == line.count || line[j] == 32 || line[j] == 9 else { return nil }
        var text = trimmed(line[j...])
        var k = text.endIndex
        while k > text.startIndex, line[k - 1] == UInt8(ascii: "#") { k -= 1 }
        if k == text.startIndex { text = text[k..<k] }
        else if k < text.endIndex, line[k - 1] == 32 || line[k - 1] == 9 { text = trimmed(line[text.startIndex..<k]) }
        return (level, Array(text))
    }

    static func isRule(_ line: [UInt8]) -> Bool {
        guard indent(line) <= 3 else { return false }
        var kind: UInt8 = 0, count = 0
        for b in line where b != 32 && b != 9 {
            guard b == UInt8(ascii: "-") || b == UInt8(ascii: "*") || b == UInt8(ascii: "_") else { return false }
            if kind == 0 { kind = b } else if b != kind { return false }
            count += 1
        }
        return count >= 3
    }

    /// A setext underline: 1 for `===`, 2 for `---`.
    static func setextLevel(_ line: [UInt8]) -> Int? {
        guard indent(line) <= 3 else { return nil }
        let body = trimmed(line[...])
        guard let c = body.first, c == UInt8(ascii: "=") || c == UInt8(ascii: "-"), body.allSatisfy({ $0 == c }) else { return nil }
        return c == UInt8(ascii: "=") ? 1 : 2
    }

    /// An opening code fence: its character, length and info string.
    static func fenceOpen(_ line: [UInt8]) -> (UInt8, Int, [UInt8])? {
        let i = indent(line)
        guard i <= 3, i < line.count, line[i] == UInt8(ascii: "`") || line[i] == UInt8(ascii: "~") else { return nil }
        let c = line[i]
        var j = i
        while j < line.count, line[j] == c { j += 1 }
        guard j - i >= 3 else { return nil }
        let info = trimmed(line[j...])
        if c == UInt8(ascii: "`"), info.contains(c) { return nil }
        return (c, j - i, Array(info))
    }

    static func isFenceClose(_ line: [UInt8], _ c: UInt8, _ length: Int) -> Bool {
        let i = indent(line)
        guard i <= 3 else { return false }
        var j = i
        while j < line.count, line[j] == c { j += 1 }
        return j - i >= length && trimmed(line[j...]).isEmpty
    }

    /// The content of a `>` line.
    static func quoteContent(_ line: [UInt8]) -> [UInt8]? {
        let i = indent(line)
        guard i <= 3, i < line.count, line[i] == UInt8(ascii: ">") else { return nil }
        var j = i + 1
        if j < line.count, line[j] == 32 { j += 1 }
        return Array(line[j...])
    }

    static func listMarker(_ line: [UInt8]) -> ListMarker? {
        let i = indent(line)
        guard i <= 3, i < line.count else { return nil }
        var j = i
        var marker = ListMarker(ordered: false, symbol: line[i], start: 1, offset: 0, empty: false)
        switch line[i] {
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "*"):
            j += 1
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            var n = 0
            while j < line.count, j - i < 9, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[j]) {
                n = n * 10 + Int(line[j] - UInt8(ascii: "0")); j += 1
            }
            guard j < line.count, line[j] == UInt8(ascii: ".") || line[j] == UInt8(ascii: ")") else { return nil }
            marker.ordered = true; marker.symbol = line[j]; marker.start = n
            j += 1
        default:
            return nil
        }
        if line[j...].allSatisfy({ $0 == 32 || $0 == 9 }) {
            marker.empty = true; marker.offset = j + 1
            return marker
        }
        guard line[j] == 32 else { return nil }
        var k = j
        while k < line.count, line[k] == 32 { k += 1 }
        marker.offset = k - j > 4 ? j + 1 : k
        return marker
    }

    /// Whether `line` starts a block that ends a paragraph before it.
    static func interruptsParagraph(_ line: [UInt8]) -> Bool {
        if atxHeading(line) != nil || fenceOpen(line) != nil || quoteContent(line) != nil || isRule(line) { return true }
        if let m = listMarker(line), !m.empty, !m.ordered || m.start == 1 { return true }
        return false
    }

    static func parseBlocks(_ lines: [[UInt8]], depth: Int) -> [Block] {
        var blocks: [Block] = []
        var paragraph: [[UInt8]] = []
        func closeParagraph() {
            guard !paragraph.isEmpty else { return }
            var text: [UInt8] = []
            for (n, line) in paragraph.enumerated() {
                if n > 0 { text.append(10) }
                var s = line[...]
                while let f = s.first, f == 32 || f == 9 { s = s.dropFirst() }
                text += s
            }
            while let l = text.last, l == 32 || l == 9 { text.removeLast() }
            blocks.append(.paragraph(text))
            paragraph = []
        }
        let nested = depth < maxDepth
        var i = 0
        while i < lines.count {
            let line = lines[i]
            if isBlank(line) { closeParagraph(); i += 1; continue }
            let ind = indent(line)
            if ind >= 4 {
                if !paragraph.isEmpty { paragraph.append(line); i += 1; continue }
                var code: [[UInt8]] = []
                while i < lines.count, isBlank(lines[i]) || indent(lines[i]) >= 4 {
                    code.append(Array(lines[i].dropFirst(min(4, lines[i].count))))
                    i += 1
                }
                while code.last.map(isBlank) == true { code.removeLast() }
                blocks.append(.code(info: [], lines: code))
                continue
            }
            if let (c, length, info) = fenceOpen(line) {
                closeParagraph()
                var code: [[UInt8]] = []
                i += 1
                while i < lines.count, !isFenceClose(lines[i], c, length) {
                    let l = lines[i]
                    code.append(Array(l.dropFirst(min(ind, indent(l)))))
                    i += 1
                }
                i += 1
                blocks.append(.code(info: info, lines: code))
                continue
            }
            if let (level, text) = atxHeading(line) {
                closeParagraph()
                blocks.append(.heading(level: level, text: text))
                i += 1
                continue
            }
            if !paragraph.isEmpty, let level = setextLevel(line) {
                let lines = paragraph
                paragraph = []
                var text: [UInt8] = []
                for (n, l) in lines.enumerated() { if n > 0 { text.append(10) }; text += trimmed(l[...]) }
                blocks.append(.heading(level: level, text: text))
                i += 1
                continue
            }
            if isRule(line) {
                closeParagraph()
                blocks.append(.rule)
                i += 1
                continue
            }
            if nested, let first = quoteContent(line) {
                closeParagraph()
                var content = [first]
                i += 1
                while i < lines.count {
                    if let c = quoteContent(lines[i]) { content.append(c) }
                    else if !isBlank(lines[i]), let last = content.last, !isBlank(last), !interruptsParagraph(lines[i]) { content.append(lines[i]) }
                    else { break }
                    i += 1
                }
                blocks.append(.quote(parseBlocks(content, depth: depth + 1)))
                continue
            }
            if nested, let marker = listMarker(line), paragraph.isEmpty || (!marker.empty && (!marker.ordered || marker.start == 1)) {
                closeParagraph()
                blocks.append(parseList(lines, &i, marker, depth: depth))
                continue
            }
            paragraph.append(line)
            i += 1
        }
        closeParagraph()
        return blocks
    }

    /// The list starting at `lines[i]`; leaves `i` after it.
    static func parseList(_ lines: [[UInt8]], _ i: inout Int, _ first: ListMarker, depth: Int) -> Block {
        var items: [[Block]] = []
        var tight = true
        var marker = first
        while true {
            let line = lines[i]
            var content: [[UInt8]] = [marker.empty ? [] : Array(line[min(marker.offset, line.count)...])]
            i += 1
            while i < lines.count {
                let l = lines[i]
                if isBlank(l) { content.append([]) }
                else if indent(l) >= marker.offset { content.append(Array(l[marker.offset...])) }
                else if listMarker(l) != nil { break }
                else if let last = content.last, !isBlank(last), !interruptsParagraph(l) { content.append(l) }
                else { break }
                i += 1
            }
            var blanksAfter = 0
            while content.count > 1, isBlank(content[content.count - 1]) { content.removeLast(); blanksAfter += 1 }
            let blocks = parseBlocks(content, depth: depth + 1)
            if blocks.count > 1, content.contains(where: isBlank) { tight = false }
            items.append(blocks)
            guard i < lines.count, !isRule(lines[i]), let next = listMarker(lines[i]),
                  next.ordered == marker.ordered, next.symbol == marker.symbol else { break }
            if blanksAfter > 0 { tight = false }
            marker = next
        }
        return .list(ordered: first.ordered, start: first.start, tight: tight, items: items)
    }

    static func render(_ blocks: [Block], tight: Bool, into out: inout [UInt8]) {
        for block in blocks {
            switch block {
            case .heading(let level, let text):
                out.append(contentsOf: "<h\(level)>".utf8)
                Inline.render(text, into: &out)
                out.append(contentsOf: "</h\(level)>\n".utf8)
            case .paragraph(let text):
                if !tight { out.append(contentsOf: "<p>".utf8) }
                Inline.render(text, into: &out)
                out.append(contentsOf: (tight ? "\n" : "</p>\n").utf8)
            case .code(let info, let lines):
                let language = info.prefix { $0 != 32 && $0 != 9 }.filter {
                    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                        || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "+")
                }
                out.append(contentsOf: "<pre><code".utf8)
                if !language.isEmpty { out += Array(" class=\"language-".utf8) + language + [UInt8(ascii: "\"")] }
                out.append(contentsOf: ">".utf8)
                for line in lines { escape(line[...], into: &out); out.append(10) }
                out.append(contentsOf: "</code></pre>\n".utf8)
            case .rule:
                out.append(contentsOf: "<hr />\n".utf8)
            case .quote(let inner):
                out.append(contentsOf: "<blockquote>\n".utf8)
                render(inner, tight: false, into: &out)
                out.append(contentsOf: "</blockquote>\n".utf8)
            case .list(let ordered, let start, let tightList, let items):
                if ordered { out += Array((start == 1 ? "<ol>\n" : "<ol start=\"\(start)\">\n").utf8) } else { out.append(contentsOf: "<ul>\n".utf8) }
                for item in items {
                    out.append(contentsOf: "<li>".utf8)
                    if !tightList || item.first.map({ if case .paragraph = $0 { return false }; return true }) == true { out.append(10) }
                    render(item, tight: tightList, into: &out)
                    if out.last == 10, tightList, case .paragraph? = item.last { out.removeLast() }
                    out.append(contentsOf: "</li>\n".utf8)
                }
                out.append(contentsOf: (ordered ? "</ol>\n" : "</ul>\n").utf8)
            }
        }
    }

    /// Text as HTML character data (also safe inside a double-quoted attribute).
    static func escape(_ text: ArraySlice<UInt8>, into out: inout [UInt8]) {
        for b in text {
            switch b {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            default: out.append(b)
            }
        }
    }
}
