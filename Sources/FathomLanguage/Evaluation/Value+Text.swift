import FathomCore

extension Value {
    /// How the value prints in the shell: readable, abbreviated when long, numbers to
    /// `options.digits` significant digits.
    public func renderText(_ options: RenderOptions = RenderOptions()) -> String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let x): return NumberFormat.short(x, digits: options.digits)
        case .string(let s): return Value.quoted(s)
        case .vector(let c): return Value.renderVector(c, options)
        case .matrix(let m): return Value.renderMatrix(m, options)
        case .table(let t): return Value.renderTable(t, options)
        case .record(let r):
            var budget = Value.maxShownLines
            return Value.renderRecord(r, options, &budget)
        case .list(let l):
            var budget = Value.maxShownLines
            return Value.renderList(l, options, &budget)
        case .builtin(let b): return "builtin \(b.signature)"
        case .object(let o): return o.renderText(options)
        }
    }

    /// The text `print` writes: like ``renderText(_:)``, but a string prints bare.
    public func printedText(_ options: RenderOptions = RenderOptions()) -> String {
        if case .string(let s) = self { return s }
        return renderText(options)
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if Printable.isControl(ch) {
                    out += "\\u{" + String(ch.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out + "\""
    }

    /// One element of a column as text.
    public static func element(_ c: Column, _ i: Int, _ options: RenderOptions, quoteStrings: Bool = true) -> String {
        switch c {
        case .numbers(let v): return NumberFormat.short(v[i], digits: options.digits)
        case .bools(let v): return v[i] ? "true" : "false"
        case .strings(let v): return quoteStrings ? quoted(v[i]) : Printable.text(v[i])
        }
    }

    static func renderVector(_ c: Column, _ options: RenderOptions) -> String {
        let n = c.count
        if n == 0 { return "[]" }
        let head = 6, tail = 2
        if n <= head + tail + 4 {
            let items = (0..<n).map { element(c, $0, options) }
            let line = "[" + items.joined(separator: ", ") + "]"
            // Eliding saves nothing when there are no more elements than it would show.
            if line.count <= options.width || n <= head + tail { return line }
        }
        let shown = (0..<min(head, n)).map { element(c, $0, options) } + ["…"] + (max(head, n - tail)..<n).map { element(c, $0, options) }
        return "[" + shown.joined(separator: ", ") + "]  (\(n) \(c.elementName)s)"
    }

    static func renderMatrix(_ m: Matrix, _ options: RenderOptions) -> String {
        var lines = ["matrix \(m.rows)×\(m.cols)"]
        if m.rows == 0 || m.cols == 0 { return lines[0] }
        let rowIndices = shownIndices(m.rows, options.maxRows)
        // Choose how many columns fit the width: a cell is its widest shown element.
        func cell(_ i: Int, _ j: Int) -> String { NumberFormat.short(m[i, j], digits: options.digits) }
        let labelWidth = String(m.rows - 1).count
        var used = labelWidth
        var colIndices: [Int] = []
        var widths: [Int] = []
        let candidates = m.cols <= 2 ? Array(0..<m.cols) : Array(0..<(m.cols - 1)) + [m.cols - 1]
        for j in candidates {
            let w = max(String(j).count, rowIndices.compactMap { $0 }.map { cell($0, j).count }.max() ?? 1)
            let reserve = j == m.cols - 1 ? 0 : 5
            if used + 2 + w + reserve > options.width, !colIndices.isEmpty, j != m.cols - 1 {
                break
            }
            colIndices.append(j)
            widths.append(w)
            used += 2 + w
        }
        if colIndices.count < m.cols, colIndices.last != m.cols - 1 {
            let j = m.cols - 1
            colIndices.append(j)
            widths.append(max(String(j).count, rowIndices.compactMap { $0 }.map { cell($0, j).count }.max() ?? 1))
        }
        let skipAfter = colIndices.count < m.cols ? colIndices.count - 2 : -1
        func join(_ label: String, _ items: [String]) -> String {
            var s = pad(label, labelWidth, right: false)
            for (k, item) in items.enumerated() {
                s += "  " + pad(item, widths[k], right: true)
                if k == skipAfter { s += "  …" }
            }
            return s
        }
        lines.append(join("", colIndices.map(String.init)))
        for r in rowIndices {
            guard let i = r else { lines.append("⋮"); continue }
            lines.append(join(String(i), colIndices.map { cell(i, $0) }))
        }
        return lines.joined(separator: "\n")
    }

    /// Which rows to show: all when few, else the first ones, a gap (nil) and the last two.
    public static func shownIndices(_ n: Int, _ maxRows: Int) -> [Int?] {
        // Hiding only a handful of rows saves nothing: show them.
        if n <= maxRows + 5 { return Array(0..<n) }
        let tail = 2
        let head = max(1, maxRows - tail - 3)
        return Array(0..<head).map { Optional($0) } + [nil] + Array((n - tail)..<n).map { Optional($0) }
    }

    static func pad(_ s: String, _ width: Int, right: Bool) -> String {
        let n = s.count
        if n >= width { return s }
        let fill = String(repeating: " ", count: width - n)
        return right ? fill + s : s + fill
    }

    static func renderTable(_ t: Table, _ options: RenderOptions) -> String {
        var lines = ["table \(t.rowCount)×\(t.columnCount)"]
        // Names and cells come from data: control characters show as escapes, never act.
        func name(_ j: Int) -> String { Printable.text(t.names[j]) }
        if t.columnCount == 0 { return lines[0] }
        let rows = shownIndices(t.rowCount, options.maxRows)
        let labelWidth = max(1, String(max(0, t.rowCount - 1)).count)
        var used = labelWidth
        var shownColumns: [(Int, Int, Bool)] = []
        for j in 0..<t.columnCount {
            let c = t.columns[j]
            var w = max(name(j).count, rows.compactMap { $0 }.map { element(c, $0, options, quoteStrings: false).count }.max() ?? 0)
            var rightAlign = true
            if case .strings = c { rightAlign = false }
            if used + 2 + w > options.width, !shownColumns.isEmpty {
                // A text column may still fit cut short; anything else waits for the summary line.
                let room = options.width - used - 2
                guard !rightAlign, room >= 12 else { break }
                w = room
            }
            shownColumns.append((j, min(w, options.width), rightAlign))
            used += 2 + w
            if used >= options.width { break }
        }
        func line(_ label: String, _ cells: [String]) -> String {
            var s = pad(label, labelWidth, right: false)
            for (k, cell) in cells.enumerated() {
                let (_, w, right) = shownColumns[k]
                let text = cell.count > w ? String(cell.prefix(w - 1)) + "…" : cell
                s += "  " + pad(text, w, right: right)
            }
            return s
        }
        lines.append(line("", shownColumns.map { name($0.0) }))
        for r in rows {
            guard let i = r else { lines.append("⋮"); continue }
            lines.append(line(String(i), shownColumns.map { element(t.columns[$0.0], i, options, quoteStrings: false) }))
        }
        lines = lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }
        if shownColumns.count < t.columnCount {
            let rest = t.names[shownColumns.count...]
            let listed = rest.prefix(8).map { Printable.text($0) }.joined(separator: ", ")
            lines.append("… \(rest.count) more column\(rest.count == 1 ? "" : "s"): \(listed)\(rest.count > 8 ? ", …" : "")")
        }
        return lines.joined(separator: "\n")
    }

    /// Short enough to sit on one line inside a record or list.
    var isInline: Bool {
        switch self {
        case .null, .bool, .number, .string, .builtin: return true
        case .vector(let c): return c.count <= 12
        case .record(let r): return r.count <= 4 && r.values.allSatisfy { $0.isScalar }
        case .list(let l): return l.count <= 6 && l.allSatisfy { $0.isScalar }
        default: return false
        }
    }

    var isScalar: Bool {
        switch self {
        case .null, .bool, .number, .string: true
        default: false
        }
    }

    /// Records and lists nested deeper than this print as `{…}` and `[…]`: a value loaded from
    /// a JSON file 500 levels deep shows its first levels, not 500 indented lines.
    public static let maxShownDepth = 8

    /// The most lines one record or list prints (its parts included); the fields or items
    /// past it are counted, not shown. With ``maxShownDepth`` this bounds the text of any
    /// value: `r = {a: r, b: r}` repeated 24 times holds 2²⁴ numbers and prints a page.
    public static let maxShownLines = 400

    /// A part of a record or list. Records and lists inside share the caller's line budget;
    /// any other value spends its own lines from it.
    static func renderPart(_ v: Value, _ options: RenderOptions, _ budget: inout Int) -> String {
        switch v {
        case .record(let r): return renderRecord(r, options, &budget)
        case .list(let l): return renderList(l, options, &budget)
        default:
            let text = v.renderText(options)
            budget -= 1 + text.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            return text
        }
    }

    /// "… 3 more fields" for what the budget or the row limit left out.
    static func moreLine(_ count: Int, _ noun: String) -> String {
        "… \(count) more\(noun.isEmpty ? "" : " " + noun + (count == 1 ? "" : "s"))"
    }

    /// A record: on one line when its fields are scalars that fit, else a field per line with
    /// records and lists inside indented. Each part is rendered once, so the text costs time
    /// in proportion to its length.
    static func renderRecord(_ r: Record, _ options: RenderOptions, _ budget: inout Int) -> String {
        if r.count == 0 { return "{}" }
        if options.depth >= maxShownDepth { budget -= 1; return "{…}" }
        let parts = options.forParts
        // The shortest field ("k: 1, ") takes six characters: more fields cannot fit a line.
        if r.count * 6 <= options.width + 2, r.values.allSatisfy({ $0.isScalar }) {
            let inline = "{" + r.pairs.map { "\(Value.key($0.0)): \($0.1.renderText(parts))" }.joined(separator: ", ") + "}"
            if inline.count <= options.width, !inline.contains("\n") {
                budget -= 1
                return inline
            }
        }
        let shown = min(r.count, options.maxRows)
        let keyWidth = r.keys.prefix(shown).map { Value.key($0).count }.max() ?? 0
        var inner = parts
        inner.width = max(20, options.width - 2)
        var lines: [String] = []
        var written = 0
        for (k, v) in zip(r.keys.prefix(shown), r.values.prefix(shown)) {
            if budget <= 0 { break }
            let label = Value.key(k) + ":"
            let text = renderPart(v, inner, &budget)
            written += 1
            if !text.contains("\n"), label.count + 1 + text.count + (keyWidth + 1 - label.count) <= options.width {
                lines.append(pad(label, keyWidth + 1, right: false) + " " + text)
            } else {
                budget -= 1
                lines.append(label)
                for l in text.split(separator: "\n", omittingEmptySubsequences: false) { lines.append("  " + l) }
            }
        }
        if written < r.count {
            budget -= 1
            lines.append(moreLine(r.count - written, "field"))
        }
        return lines.joined(separator: "\n")
    }

    /// A record key as written: bare when it is a plain name, quoted otherwise.
    static func key(_ k: String) -> String {
        let plain = !k.isEmpty && k.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 }
            && !(k.utf8.first! >= 48 && k.utf8.first! <= 57)
        return plain ? k : quoted(k)
    }

    /// A list: on one line when its items are short and fit, else an item per line.
    static func renderList(_ l: [Value], _ options: RenderOptions, _ budget: inout Int) -> String {
        if l.isEmpty { return "[]" }
        if options.depth >= maxShownDepth { budget -= 1; return "[…]" }
        let parts = options.forParts
        // The shortest item ("1, ") takes three characters: more items cannot fit a line.
        if l.count * 3 <= options.width + 1, l.allSatisfy({ $0.isInline }) {
            let line = "[" + l.map { $0.renderText(parts) }.joined(separator: ", ") + "]"
            if line.count <= options.width {
                budget -= 1
                return line
            }
        }
        budget -= 1
        var lines = ["list of \(l.count)"]
        var written = 0
        for (i, v) in l.prefix(options.maxRows).enumerated() {
            if budget <= 0 { break }
            let text = renderPart(v, parts, &budget)
            written += 1
            let rows = text.split(separator: "\n", omittingEmptySubsequences: false)
            lines.append("[\(i)] " + rows[0])
            for p in rows.dropFirst() { lines.append("    " + p) }
        }
        if written < l.count {
            budget -= 1
            lines.append(moreLine(l.count - written, ""))
        }
        return lines.joined(separator: "\n")
    }
}
