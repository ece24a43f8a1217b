/// "Did you mean …?": the candidates closest to a misspelt name.
public enum Suggestions {
    /// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), on
    /// lowercased names.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased().unicodeScalars), y = Array(b.lowercased().unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }

    /// Up to `limit` candidates within a distance that grows with the name's length (1 for
    /// short names, up to a third of the length), nearest first; ties keep candidate order.
    public static func nearest(to name: String, in candidates: [String], limit: Int = 3) -> [String] {
        guard name.count <= 64 else { return [] }
        let allowed = max(1, min(3, name.count / 3))
        var scored: [(Int, Int, String)] = []
        for (i, c) in candidates.enumerated() where c != name && abs(c.count - name.count) <= allowed {
            let d = distance(name, c)
            if d <= allowed { scored.append((d, i, c)) }
        }
        // A candidate that starts with the name ("ec" → "ece") is a good guess too.
        if scored.isEmpty, name.count >= 2 {
            for (i, c) in candidates.enumerated() where c.lowercased().hasPrefix(name.lowercased()) && c != name {
                scored.append((allowed + 1, i, c))
            }
        }
        scored.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        var seen = Set<String>()
        return scored.map(\.2).filter { seen.insert($0).inserted }.prefix(limit).map { $0 }
    }

    /// The note for a diagnostic: "did you mean 'mean'?", or nil.
    public static func note(for name: String, in candidates: [String]) -> String? {
        let near = nearest(to: name, in: candidates)
        guard !near.isEmpty else { return nil }
        let quoted = near.map { "'\($0)'" }
        if quoted.count == 1 { return "did you mean \(quoted[0])?" }
        return "did you mean " + quoted.dropLast().joined(separator: ", ") + " or " + quoted.last! + "?"
    }
}
