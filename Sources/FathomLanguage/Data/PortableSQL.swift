/// Statistics that merge, written as one SQL query in the dialect DuckDB and Apache Spark SQL
/// share, so that a summary is computed where the rows live and only a few numbers travel.
///
/// The queries use only CASE, CAST(… AS DOUBLE), FLOOR, ABS, LEAST, GREATEST, isnan, COUNT,
/// SUM, nested subqueries with aliases and GROUP BY: no `::`, no lists, no quoted identifiers.
/// They read one relation by a plain name (a table, a view, or a CTE the caller puts in front);
/// columns are plain identifiers. Every value is cast to DOUBLE first, so Fathom's in-memory
/// arithmetic (IEEE doubles) is reproduced exactly: the bin of a confidence c is
/// min(⌊c·B⌋, B − 1) in both, and only the order of each bin's sums differs.
public enum PortableSQL {
    /// Groups below 0 that hold the rows a statistic cannot use, counted so that the refusal
    /// can say how many.
    public enum Refused: Int, CaseIterable, Sendable {
        /// NULL in a probability or the label.
        case missing = -1
        /// A probability outside [0, 1] or not a number (NaN, ±∞).
        case outOfRange = -2
        /// A row of probabilities whose sum misses 1 by more than the tolerance.
        case rowSum = -3
        /// A label that is not a whole number 0…K−1.
        case label = -4
    }

    /// Where the probabilities are: one column of P(y = 1), or K ≥ 2 columns of class
    /// probabilities in class order.
    public enum Probabilities: Sendable, Equatable {
        case binary(String)
        case classes([String])

        public var classCount: Int {
            switch self {
            case .binary: 2
            case .classes(let c): c.count
            }
        }
    }

    /// Whether `name` can stand unquoted in both dialects: a letter or underscore, then letters,
    /// digits or underscores.
    public static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 128 else { return false }
        func letter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" }
        return letter(first) && name.unicodeScalars.allSatisfy { letter($0) || ($0 >= "0" && $0 <= "9") }
    }

    /// `x` as a DOUBLE literal both dialects read to the same double (shortest round-trip
    /// digits with an exponent: `2.3E0` is a double in both, `2.3` a decimal).
    public static func number(_ x: Double) -> String {
        precondition(x.isFinite)
        let text = "\(x)"
        return text.contains("e") ? text : text + "E0"
    }

    /// Per-bin count, sum of top-label confidence and number correct over `relation`, for B
    /// equal-width bins: columns `bin`, `n`, `confidence_sum`, `correct_sum`, one row per
    /// non-empty bin, plus a row per kind of unusable row (`bin` < 0, see ``Refused``).
    ///
    /// The top-label view is Fathom's: confidence = the largest probability, the prediction its
    /// first column (ties go to the lowest class), correct when it equals the label; a column
    /// q of P(y = 1) is the pair (1 − q, q). The row-sum tolerance is
    /// `ProbabilityCheck.rowSumTolerance`, the sum taken in column order as in memory.
    public static func calibrationBins(from relation: String, probabilities: Probabilities, label: String, bins: Int, rowSumTolerance: Double) -> String {
        let k = probabilities.classCount
        let p = (0..<k).map { "fathom_p\($0)" }
        let casts: [String]
        switch probabilities {
        case .binary(let q):
            casts = ["1 - CAST(\(q) AS DOUBLE) AS fathom_p0", "CAST(\(q) AS DOUBLE) AS fathom_p1"]
        case .classes(let columns):
            casts = columns.enumerated().map { "CAST(\($1) AS DOUBLE) AS fathom_p\($0)" }
        }
        let missing = (p + ["fathom_y"]).map { "\($0) IS NULL" }.joined(separator: " OR ")
        let inRange = p.map { "\($0) >= 0 AND \($0) <= 1" }.joined(separator: " AND ")
        let sum = p.joined(separator: " + ")
        let prediction = "CASE " + p.dropLast().enumerated().map { "WHEN \($1) = fathom_conf THEN \($0)" }.joined(separator: " ") + " ELSE \(k - 1) END"
        return """
            SELECT fathom_bin AS bin, COUNT(*) AS n, SUM(fathom_conf) AS confidence_sum, SUM(fathom_correct) AS correct_sum
            FROM (
              SELECT CAST(CASE
                  WHEN \(missing) THEN \(Refused.missing.rawValue)
                  WHEN NOT (\(inRange)) THEN \(Refused.outOfRange.rawValue)
                  WHEN NOT (ABS(\(sum) - 1) <= \(number(rowSumTolerance))) THEN \(Refused.rowSum.rawValue)
                  WHEN NOT (fathom_y >= 0 AND fathom_y <= \(k - 1) AND fathom_y = FLOOR(fathom_y)) THEN \(Refused.label.rawValue)
                  ELSE LEAST(FLOOR(fathom_conf * \(bins)), \(bins - 1)) END AS INT) AS fathom_bin,
                fathom_conf,
                CASE WHEN fathom_y = \(prediction) THEN 1 ELSE 0 END AS fathom_correct
              FROM (
                SELECT \(p.joined(separator: ", ")), fathom_y, GREATEST(\(p.joined(separator: ", "))) AS fathom_conf
                FROM (
                  SELECT \(casts.joined(separator: ", ")), CAST(\(label) AS DOUBLE) AS fathom_y
                  FROM \(relation)
                ) AS fathom_cast
              ) AS fathom_top
            ) AS fathom_binned
            GROUP BY fathom_bin
            ORDER BY fathom_bin
            """
    }

    /// How often each value of `column` occurs in `relation`: columns `category`, `n` and
    /// `missing` (1 for the group of NULL, and of NaN when the column is `floating`).
    public static func categoryCounts(from relation: String, column: String, floating: Bool) -> String {
        let missing = floating ? "fathom_category IS NULL OR isnan(fathom_category)" : "fathom_category IS NULL"
        return """
            SELECT fathom_category AS category, COUNT(*) AS n, MAX(CASE WHEN \(missing) THEN 1 ELSE 0 END) AS missing
            FROM (
              SELECT \(column) AS fathom_category
              FROM \(relation)
            ) AS fathom_cast
            GROUP BY fathom_category
            """
    }

    /// The number of rows, of missing losses (NULL or NaN) and of failures (loss > δ) over
    /// `relation`: one row with columns `n`, `missing`, `failures`.
    public static func failureCounts(from relation: String, loss: String, delta: Double) -> String {
        """
        SELECT COUNT(*) AS n,
          SUM(CASE WHEN fathom_loss IS NULL OR isnan(fathom_loss) THEN 1 ELSE 0 END) AS missing,
          SUM(CASE WHEN fathom_loss > \(number(delta)) THEN 1 ELSE 0 END) AS failures
        FROM (
          SELECT CAST(\(loss) AS DOUBLE) AS fathom_loss
          FROM \(relation)
        ) AS fathom_cast
        """
    }
}
