import FathomCore

/// Panels several plots share: the generic `hist` and `ecdf`, and the pictures of the shift
/// tests built on them.
enum StandardFigures {
    /// Histograms of the samples' finite values in shared equal-width bins, overlaid.
    static func histogramPanel(_ samples: [[Double]], labels: [String], bins: Int, density: Bool) -> Panel {
        let all = samples.flatMap { $0 }.filter(\.isFinite)
        let bin = EqualWidthBins(lo: all.min() ?? 0, hi: all.max() ?? 1, bins: bins)
        let width = bin.width
        let centres = (0..<bins).map { bin.centre($0) }
        let series = zip(samples, labels).map { sample, name -> Series in
            var counts = [Double](repeating: 0, count: bins)
            var used = 0
            for v in sample where v.isFinite {
                counts[bin.index(v)] += 1
                used += 1
            }
            if density, used > 0 { counts = counts.map { $0 / (Double(used) * width) } }
            var s = Series(.bars, x: centres, y: counts, label: name.isEmpty ? nil : name)
            s.barWidth = width
            return s
        }
        var panel = Panel(ylabel: density ? "density" : "count", series: series)
        panel.legend = "top right"
        panel.yrange = 0...max(1e-300, (series.flatMap(\.y).max() ?? 1) * 1.05)
        return panel
    }

    /// Step curves of the sorted samples' empirical CDFs; over 4000 values, drawn through 2000
    /// evenly spaced order statistics.
    static func ecdfPanel(_ sorted: [[Double]], labels: [String]) -> Panel {
        let series = zip(sorted, labels).map { s, name -> Series in
            let n = s.count
            var idx = Array(0..<n)
            if n > 4000 { idx = (0..<2000).map { Int((Double($0) / 1999 * Double(n - 1)).rounded()) } }
            return Series(.steps, x: idx.map { s[$0] }, y: idx.map { Double($0 + 1) / Double(n) }, label: name.isEmpty ? nil : name)
        }
        var panel = Panel(ylabel: "share ≤ x", series: series)
        panel.yrange = 0...1
        return panel
    }
}
