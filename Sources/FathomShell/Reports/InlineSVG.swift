/// gnuplot's SVG made fit to sit inside a report's HTML. gnuplot writes plot labels into its
/// SVG (titles, axis labels, legend entries: user text) and escapes `<` and `&` there; this
/// does not rely on it. The document is tokenised and written again with only drawing
/// elements (others are dropped with everything inside them: `script`, `foreignObject`, …),
/// no event-handler attributes, links only to fragments in the same picture, no `url(…)`
/// but fragments, and text escaped. One pass, no recursion.
enum InlineSVG {
    static let elements: Set<String> = [
        "svg", "g", "title", "desc", "defs", "path", "rect", "circle", "ellipse", "line", "polyline",
        "polygon", "text", "tspan", "use", "symbol", "marker", "clipPath", "mask", "pattern",
        "linearGradient", "radialGradient", "stop", "filter", "feComposite", "feFlood", "feOffset",
        "feGaussianBlur", "feBlend", "feMerge", "feMergeNode", "feColorMatrix",
    ]

    /// The `<svg>` element of `document`, sanitised, every id prefixed with `prefix` (several
    /// plots in one page must not share ids), and its title set to `title`.
    static func sanitize(_ document: String, prefix: String, title: String) -> String {
        let s = Array(document.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var open: [String] = []
        /// Nesting inside a dropped element (0: not dropping).
        var dropping = 0
        /// Inside the picture's own `<title>`, whose text is replaced.
        var inTitle = false
        var i = 0
        // Everything before the root element (XML prolog, doctype, comments) goes.
        while i < s.count, !(s[i] == UInt8(ascii: "<") && s[i...].starts(with: "<svg".utf8)) { i += 1 }
        while i < s.count {
            if s[i] != UInt8(ascii: "<") {
                var j = i
                while j < s.count, s[j] != UInt8(ascii: "<") { j += 1 }
                if dropping == 0, !inTitle, !open.isEmpty { text(s[i..<j], into: &out) }
                i = j
                continue
            }
            if s[i...].starts(with: "<!--".utf8) { i = after(s, i + 4, "-->"); continue }
            if s[i...].starts(with: "<![CDATA[".utf8) {
                let end = after(s, i + 9, "]]>")
                if dropping == 0, !inTitle, !open.isEmpty { Markdown.escape(s[(i + 9)..<max(i + 9, end - 3)], into: &out) }
                i = end
                continue
            }
            if s[i...].starts(with: "<?".utf8) || s[i...].starts(with: "<!".utf8) { i = after(s, i + 2, ">"); continue }
            guard let tag = Tag.parse(s, at: i) else {
                // A lone `<` in text.
                if dropping == 0, !open.isEmpty { out.append(contentsOf: "&lt;".utf8) }
                i += 1
                continue
            }
            i = tag.end
            if tag.closing {
                if dropping > 0 { dropping -= 1; continue }
                guard open.last == tag.name else { continue }
                open.removeLast()
                if tag.name == "title" { inTitle = false }
                out.append(contentsOf: "</\(tag.name)>".utf8)
                if open.isEmpty { break }
                continue
            }
            if dropping > 0 || !elements.contains(tag.name) || (open.isEmpty && tag.name != "svg") {
                if !tag.selfClosing { dropping += 1 }
                continue
            }
            out.append(contentsOf: "<\(tag.name)".utf8)
            for (name, value) in tag.attributes {
                guard let value = attribute(name, value, prefix: prefix) else { continue }
                out.append(contentsOf: " \(name)=\"".utf8)
                out += value
                out.append(UInt8(ascii: "\""))
            }
            if tag.selfClosing {
                out.append(contentsOf: "/>".utf8)
                continue
            }
            out.append(UInt8(ascii: ">"))
            if tag.name == "title" && open == ["svg"] {
                out.append(contentsOf: HTMLReport.escape(title).utf8)
                inTitle = true
            }
            open.append(tag.name)
        }
        // An unfinished document is closed.
        for name in open.reversed() { out.append(contentsOf: "</\(name)>".utf8) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The index just after the next `marker` at or after `i` (the end when there is none).
    static func after(_ s: [UInt8], _ i: Int, _ marker: String) -> Int {
        let m = Array(marker.utf8)
        var j = i
        while j + m.count <= s.count {
            if s[j] == m[0], s[j..<(j + m.count)].elementsEqual(m) { return j + m.count }
            j += 1
        }
        return s.count
    }

    /// Character data: entity references kept, a bare `&` escaped, `>` escaped.
    static func text(_ t: ArraySlice<UInt8>, into out: inout [UInt8]) {
        var i = t.startIndex
        while i < t.endIndex {
            let b = t[i]
            if b == UInt8(ascii: "&") {
                if let end = Markdown.Inline.entityEnd(Array(t[i..<min(t.endIndex, i + 40)]), 0) {
                    out += t[i..<(i + end)]
                    i += end
                    continue
                }
                out.append(contentsOf: "&amp;".utf8)
            } else if b == UInt8(ascii: ">") {
                out.append(contentsOf: "&gt;".utf8)
            } else {
                out.append(b)
            }
            i += 1
        }
    }

    /// An attribute's value as it may be written (double-quoted), or nil to drop it.
    static func attribute(_ name: String, _ raw: [UInt8], prefix: String) -> [UInt8]? {
        let lowerName = name.lowercased()
        if lowerName.hasPrefix("on") || lowerName.hasPrefix("xmlns:") && lowerName != "xmlns:xlink" { return nil }
        // Only the five XML entities: none of them can spell `url(` or a scheme.
        var value = String(decoding: raw, as: UTF8.self)
        var rest = value[...]
        while let amp = rest.firstIndex(of: "&") {
            let tail = rest[amp...]
            guard ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(where: { tail.hasPrefix($0) }) else { return nil }
            rest = tail.dropFirst()
        }
        if value.contains("<") || value.contains("\"") {
            value = value.replacingAll("<", with: "&lt;").replacingAll("\"", with: "&quot;")
        }
        switch lowerName {
        case "id":
            value = prefix + value
        case "href", "xlink:href":
            guard value.hasPrefix("#") else { return nil }
            value = "#" + prefix + value.dropFirst()
        default:
            let compact = value.lowercased().filter { !$0.isWhitespace }
            if compact.contains("url(") {
                guard compact.replacingAll("url(#", with: "").contains("url(") == false else { return nil }
                value = value.replacingAll("url(#", with: "url(#\(prefix)")
            }
            if compact.contains("javascript:") || compact.contains("expression(") { return nil }
        }
        return Array(value.utf8)
    }

    /// One start or end tag.
    struct Tag {
        var name: String
        var attributes: [(String, [UInt8])] = []
        var closing = false
        var selfClosing = false
        /// Just after the `>`.
        var end: Int

        static func isNameByte(_ b: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
                || b == UInt8(ascii: ":") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
        }

        static func parse(_ s: [UInt8], at start: Int) -> Tag? {
            var i = start + 1
            let closing = i < s.count && s[i] == UInt8(ascii: "/")
            if closing { i += 1 }
            let nameStart = i
            while i < s.count, isNameByte(s[i]) { i += 1 }
            guard i > nameStart else { return nil }
            var tag = Tag(name: String(decoding: s[nameStart..<i], as: UTF8.self), closing: closing, end: 0)
            while i < s.count {
                while i < s.count, Markdown.Inline.isSpace(s[i]) { i += 1 }
                guard i < s.count else { return nil }
                if s[i] == UInt8(ascii: ">") { tag.end = i + 1; return tag }
                if s[i] == UInt8(ascii: "/"), i + 1 < s.count, s[i + 1] == UInt8(ascii: ">") {
                    tag.selfClosing = true; tag.end = i + 2; return tag
                }
                let a = i
                while i < s.count, isNameByte(s[i]) { i += 1 }
                guard i > a else { return nil }
                let name = String(decoding: s[a..<i], as: UTF8.self)
                while i < s.count, Markdown.Inline.isSpace(s[i]) { i += 1 }
                var value: [UInt8] = []
                if i < s.count, s[i] == UInt8(ascii: "=") {
                    i += 1
                    while i < s.count, Markdown.Inline.isSpace(s[i]) { i += 1 }
                    guard i < s.count else { return nil }
                    if s[i] == UInt8(ascii: "\"") || s[i] == UInt8(ascii: "'") {
                        let q = s[i]
                        let v = i + 1
                        i = v
                        while i < s.count, s[i] != q { i += 1 }
                        guard i < s.count else { return nil }
                        value = Array(s[v..<i])
                        i += 1
                    } else {
                        let v = i
                        while i < s.count, !Markdown.Inline.isSpace(s[i]), s[i] != UInt8(ascii: ">") { i += 1 }
                        value = Array(s[v..<i])
                    }
                }
                if !closing { tag.attributes.append((name, value)) }
            }
            return nil
        }
    }
}
