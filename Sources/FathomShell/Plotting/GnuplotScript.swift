#if canImport(Glibc)
import Glibc
#endif
import FathomCore
import FathomLanguage

/// Turns a figure into gnuplot commands. Pure text, no process: the driver sends it.
///
/// Safety rules (ENGINEERING.md, "Injection"): every user-derived string goes through
/// ``quote(_:)`` — single quotes, control characters (CR, LF, NUL, …) replaced by spaces — and
/// all text is `noenhanced`. A `'` inside the text is drawn as the typographic apostrophe ’
/// rather than doubled: gnuplot 5.4's lexer rejects a doubled quote at the start of a string
/// and two doubled quotes in a row (`'''x'`, `'a''''b'`), so with doubling such a title could
/// not be drawn; with no quote left inside, the string can only end where Fathom ends it. The
/// data go inline as binary records of a stated count, never as text gnuplot could read as
/// commands; the output path is absolute, so it can never start with `|` or `<`; no user path
/// is ever given to `plot`.
enum GnuplotScript {
    enum Terminal: Equatable {
        case png(width: Int, height: Int)
        case svg(width: Int, height: Int)
        case pdf(width: Int, height: Int)
        case text(columns: Int, rows: Int)
        case sixel(width: Int, height: Int)

        /// The terminal for a file, by extension.
        static func forPath(_ path: String, width: Int, height: Int) -> Terminal? {
            let lower = path.lowercased()
            if lower.hasSuffix(".png") { return .png(width: width, height: height) }
            if lower.hasSuffix(".svg") { return .svg(width: width, height: height) }
            if lower.hasSuffix(".pdf") { return .pdf(width: width, height: height) }
            if lower.hasSuffix(".txt") { return .text(columns: 100, rows: 32) }
            return nil
        }

        var isText: Bool { if case .text = self { return true }; return false }

        var command: String {
            let font = "font 'sans,11'"
            switch self {
            case .png(let w, let h): return "set terminal pngcairo size \(w),\(h) noenhanced \(font) background rgb 'white'"
            case .svg(let w, let h): return "set terminal svg size \(w),\(h) noenhanced \(font) background rgb 'white'"
            case .pdf(let w, let h): return "set terminal pdfcairo size \(Double(w) / 100)in,\(Double(h) / 100)in noenhanced \(font)"
            case .text(let c, let r): return "set terminal dumb size \(c),\(r) noenhanced"
            case .sixel(let w, let h): return "set terminal sixelgd size \(w),\(h) truecolor noenhanced \(font)"
            }
        }
    }

    /// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    /// A user-derived string as a safe gnuplot string literal.
    static func quote(_ s: String) -> String {
        var out = "'"
        for scalar in s.unicodeScalars {
            if scalar == "'" { out += "\u{2019}" }
            else if Printable.isControl(scalar) || scalar == "\u{2028}" || scalar == "\u{2029}" { out += " " }
            else { out.unicodeScalars.append(scalar) }
        }
        return out + "'"
    }

    /// A number for a data line: shortest exact text; NaN (and infinities, which cannot be
    /// drawn) as NaN, which `set datafile missing` skips.
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return "NaN" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return x.description
    }

    /// The full script as bytes: setup, then each panel's plot command followed by its series'
    /// data as inline binary records (little-endian float64; gnuplot reads exactly the count
    /// it was told, so the data can never be read as commands), then `unset output`.
    static func script(_ figure: Figure, terminal: Terminal, output: String) -> [UInt8] {
        var out: [UInt8] = []
        func line(_ text: String) { out += Array(text.utf8); out.append(10) }
        for command in ["reset session", terminal.command, "set output \(quote(output))", "set encoding utf8"] { line(command) }
        let multi = figure.panels.count > 1
        if multi {
            line("set multiplot" + (figure.title.map { " title \(quote($0)) noenhanced" } ?? ""))
        }
        var top = figure.title != nil && multi ? 0.94 : 1.0
        let totalShare = figure.panels.reduce(0) { $0 + $1.heightShare }
        for panel in figure.panels {
            if multi {
                let h = panel.heightShare / totalShare * (figure.title == nil ? 1 : 0.94)
                top -= h
                for command in ["reset", "set origin 0,\(max(0, top))", "set size 1,\(h)", "set lmargin at screen 0.11", "set rmargin at screen 0.96"] { line(command) }
            } else if let title = figure.title {
                line("set title \(quote(title)) noenhanced")
            }
            for command in axes(panel, terminal: terminal) { line(command) }
            let drawn = panel.series.filter { !$0.x.isEmpty }
            if drawn.isEmpty {
                line("set label 1 'no data' at graph 0.5, graph 0.5 center")
                line("plot [0:1] [0:1] NaN notitle")
                continue
            }
            var parts: [String] = []
            var colourIndex = 0
            for series in drawn {
                let colour: String
                if series.reference { colour = "#888888" } else {
                    colour = palette[(series.color ?? colourIndex) % palette.count]
                    if series.color == nil { colourIndex += 1 }
                }
                let columns = columnsOf(series).count
                let format = String(repeating: "%float64", count: columns)
                let title = series.label.map { "title \(quote($0))" } ?? "notitle"
                parts.append("'-' binary record=(\(series.x.count)) format='\(format)' \(style(series, colour: colour, terminal: terminal)) \(title)")
            }
            line("plot " + parts.joined(separator: ", "))
            for series in drawn {
                let columns = columnsOf(series)
                var record = [Double](repeating: 0, count: columns.count * series.x.count)
                for i in series.x.indices {
                    for (c, column) in columns.enumerated() {
                        let v = column[i]
                        record[i * columns.count + c] = v.isFinite ? v : .nan
                    }
                }
                record.withUnsafeBytes { out += $0 }
            }
        }
        if multi { line("unset multiplot") }
        line("unset output")
        return out
    }

    /// The data columns a series sends, in `using` order.
    static func columnsOf(_ s: Series) -> [[Double]] {
        switch s.style {
        case .band: return [s.x, s.y, s.y2]
        case .errorbars: return [s.x, s.y, s.y2, s.y3]
        case .heatmap, .labels: return [s.x, s.y, s.y2]
        default: return [s.x, s.y]
        }
    }

    static func axes(_ panel: Panel, terminal: Terminal) -> [String] {
        var s = [
            "set border lw 1 lc rgb '#444444'",
            "set grid lc rgb '#d8d8d8' lw 1",
            "set tics nomirror",
            panel.series.contains(where: { $0.label != nil && !$0.x.isEmpty })
                ? "set key \(panel.legend) Left reverse opaque box lc rgb '#cccccc' noenhanced"
                : "unset key",
        ]
        if terminal.isText { s[1] = "unset grid" }
        if let x = panel.xlabel { s.append("set xlabel \(quote(x)) noenhanced") }
        if let y = panel.ylabel { s.append("set ylabel \(quote(y)) noenhanced") }
        if panel.logx { s.append("set logscale x") }
        if panel.logy { s.append("set logscale y") }
        if let r = panel.xrange { s.append("set xrange [\(number(r.lowerBound)):\(number(r.upperBound))]") }
        if let r = panel.yrange { s.append("set yrange [\(number(r.lowerBound)):\(number(r.upperBound))]") }
        if let step = panel.yticStep { s.append("set ytics \(number(step))") }
        if let tics = panel.xtics {
            // Named positions (categories, bins): each name quoted like any user string.
            // Short names side by side; longer ones slanted; many long ones upright.
            let longest = tics.map(\.1.count).max() ?? 0
            let rotate = longest <= 3 && tics.count <= 20 ? "" : tics.count > 12 ? " rotate by 90 right" : tics.count > 6 || longest > 8 ? " rotate by -30" : ""
            s.append("set xtics (" + tics.map { "\(quote($0.1)) \(number($0.0))" }.joined(separator: ", ") + ")\(rotate) noenhanced")
        }
        if let tics = panel.ytics {
            s.append("set ytics (" + tics.map { "\(quote($0.1)) \(number($0.0))" }.joined(separator: ", ") + ") noenhanced")
        }
        if panel.series.contains(where: { $0.style == .heatmap }) {
            s.append("set palette defined (0 '#ffffff', 1 '\(palette[0])')")
            s.append("set cbrange [0:1]")
            if let label = panel.colorLabel { s.append("set cblabel \(quote(label)) noenhanced") }
            s.append("unset grid")
        }
        return s
    }

    static func style(_ series: Series, colour: String, terminal: Terminal) -> String {
        let lc = "lc rgb '\(colour)'"
        switch series.style {
        case .lines:
            return series.reference ? "using 1:2 with lines dt 2 lw 1.5 \(lc)" : "using 1:2 with lines lw 2 \(lc)"
        case .points:
            let translucent = terminal.isText ? lc : "lc rgb '#60\(colour.dropFirst())'"
            // Thousands of points: small squares, which cairo draws twice as fast as circles
            // and which look the same at that density.
            let marker = series.x.count > 2000 ? "pt 5 ps 0.35" : "pt 7 ps 0.5"
            return "using 1:2 with points \(marker) \(translucent)"
        case .linespoints: return "using 1:2 with linespoints lw 2 pt 7 ps 0.7 \(lc)"
        case .steps: return "using 1:2 with steps lw 2 \(lc)"
        case .impulses: return "using 1:2 with impulses lw 2 \(lc)"
        case .rings: return "using 1:2 with points pt 6 ps 2 lw 2 \(lc)"
        case .bars:
            let width = series.barWidth.map { "(\(number($0)))" } ?? "(0.8)"
            let fill = terminal.isText ? "fs empty" : series.faded ? "dt 2 fs transparent solid 0.12 border" : "fs transparent solid 0.45 border"
            // The colour comes before the fill style: after `border` it would colour only the border.
            return "using 1:2:\(width) with boxes \(lc) \(fill)"
        case .band:
            let fill = terminal.isText ? "fs empty" : "fs transparent solid 0.2 noborder"
            return "using 1:2:3 with filledcurves \(lc) \(fill)"
        case .errorbars: return "using 1:2:3:4 with yerrorbars pt 7 ps 0.6 lw 1.5 \(lc)"
        case .heatmap: return "using 1:2:3 with image"
        case .labels: return "using 1:2:(sprintf('%g', $3)) with labels \(terminal.isText ? "" : "tc rgb '#222222'")"
        }
    }

    static func randomHex() -> String {
        var g = SystemRandomNumberGenerator()
        return String(g.next(), radix: 16) + String(g.next(), radix: 16)
    }
}
