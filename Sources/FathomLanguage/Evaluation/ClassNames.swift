import FathomCore

/// Class names read from the names of probability or logit columns: `p_cat`, `prob_cat`,
/// `logit_cat` and `cat` all name the class `cat`. The common prefix of the names, up to and
/// including its last separator (`_`, `.`, `:`, `-`, space), is taken off.
enum ClassNames {
    static let separators: Set<Character> = ["_", ".", ":", "-", " "]

    /// The names with their common prefix (up to its last separator) removed.
    static func stripped(_ columns: [String]) -> [String] {
        guard columns.count >= 2, var prefix = columns.first.map(Array.init) else { return columns }
        for name in columns.dropFirst() {
            let chars = Array(name)
            var k = 0
            while k < prefix.count, k < chars.count, prefix[k] == chars[k] { k += 1 }
            prefix.removeSubrange(k...)
        }
        guard let cut = prefix.lastIndex(where: { separators.contains($0) }) else { return columns }
        let stripped = columns.map { String($0.dropFirst(cut + 1)) }
        return stripped.contains("") ? columns : stripped
    }

    /// The class of each column when every label is among the column names, taken whole or
    /// stripped of their common prefix; nil when neither reading holds every label.
    static func matching(_ columns: [String], labels: Set<String>) -> [String]? {
        for candidate in [columns, stripped(columns)] where firstDuplicate(candidate) == nil {
            if labels.isSubset(of: Set(candidate)) { return candidate }
        }
        return nil
    }

    /// The classes the columns are numbered for (`p_1`, `p_0` → [1, 0]), when every stripped
    /// name is a whole number.
    static func numbered(_ columns: [String]) -> [Int]? {
        let names = stripped(columns)
        guard names.count >= 2 else { return nil }
        let numbers = names.compactMap { $0.allSatisfy(\.isASCII) ? Int($0) : nil }
        return numbers.count == names.count ? numbers : nil
    }

    /// The column names in the order of the classes they are numbered for.
    static func ordered(_ columns: [String]) -> [String] {
        guard let n = numbered(columns) else { return columns }
        return columns.indices.sorted { n[$0] < n[$1] }.map { columns[$0] }
    }

    static func firstDuplicate(_ names: [String]) -> String? {
        var seen = Set<String>()
        return names.first { !seen.insert($0).inserted }
    }

    /// "cat, dog, bird" (at most six, control characters shown).
    static func listed(_ names: [String]) -> String {
        names.prefix(6).map { Printable.text($0) }.joined(separator: ", ") + (names.count > 6 ? ", …" : "")
    }
}

extension ClassNames {
    /// `classes=`, for builtins that take labels with probabilities or logits.
    static let classes: ParameterKey<Value?> = .optionalValue("classes", .absent("the columns' names"), type: "vector of strings",
                                     doc: "the class of each column of the probabilities, in order, for text labels (needed when the columns carry no names, e.g. a vector of P(y = 1): classes=[negative, positive])")
    static let parameter = classes.parameter
}
