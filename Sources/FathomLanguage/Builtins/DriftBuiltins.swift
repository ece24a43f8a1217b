import FathomCore

/// Drift across many columns at once, and in a model's outputs.
enum DriftBuiltins {
    static var all: [Builtin] { [drift, bbsd] }

    /// Columns shared by A and B, by name for tables, by position for matrices.
    static func columns(_ args: Arguments) throws -> [(String, DriftReport.Column)] {
        let a = try args[reference], b = try args[compared]
        switch (a, b) {
        case (.table(let ta), .table(let tb)):
            let missing = ta.names.filter { tb.index(of: $0) == nil }
            guard missing.isEmpty else {
                throw args.invalid(compared, "drift(): B lacks column\(missing.count == 1 ? "" : "s") \(missing.prefix(5).map { "'\($0)'" }.joined(separator: ", "))\(missing.count > 5 ? ", …" : "") of A; the tables must have the same columns")
            }
            return ta.names.indices.map { j in
                let name = ta.names[j]
                switch (ta.columns[j], tb.column(name)!) {
                case (.numbers(let x), .numbers(let y)): return (name, .numbers(x, y))
                case (.bools(let x), .bools(let y)): return (name, .categories(x.map { $0 ? "true" : "false" }, y.map { $0 ? "true" : "false" }))
                case (let x, let y): return (name, .categories(Self.text(x), Self.text(y)))
                }
            }
        case (.matrix(let ma), .matrix(let mb)):
            guard ma.cols == mb.cols else { throw args.invalid(compared, "drift(): A has \(NumberFormat.count(ma.cols, "column")) but B has \(mb.cols)") }
            return (0..<ma.cols).map { ("column \($0)", .numbers(ma.column($0), mb.column($0))) }
        default:
            throw args.mismatch(compared.name, expected: "two tables with the same columns, or two matrices with the same number of columns")
        }
    }

    static func text(_ c: Column) -> [String] {
        switch c {
        case .strings(let s): return s
        case .bools(let b): return b.map { $0 ? "true" : "false" }
        case .numbers(let v): return v.map { $0.isNaN ? "" : NumberFormat.short($0, digits: 17) }
        }
    }

    /// Runs the column tests (in the core) and words the report.
    static func report(title: String, columns: [(String, DriftReport.Column)], test: DriftReport.Test, correction: DriftReport.Correction, alpha: Double, subject: String) throws -> DriftValue {
        let report = try DriftReport(columns: columns, test: test, correction: correction, alpha: alpha)
        let rows = report.rows, flagged = report.flagged
        let how = test == .psi ? "PSI above 0.25" : correction == .fdr ? "Benjamini–Hochberg at α = \(NumberFormat.short(alpha))" : "Bonferroni at α = \(NumberFormat.short(alpha))"
        let names = flagged.prefix(6).joined(separator: ", ") + (flagged.count > 6 ? ", …" : "")
        var meaning = flagged.isEmpty
            ? "No \(subject) drifted (\(how), \(rows.count) tested); the largest effect is \(rows.first.map { "\($0.column), \(NumberFormat.short($0.effect, digits: 3))" } ?? "none")."
            : "\(flagged.count) of \(rows.count) \(subject)s drifted (\(how)): \(names)."
        let skipped = report.untested
        if !skipped.isEmpty { meaning += " Not tested (no values in one sample): \(skipped.prefix(5).joined(separator: ", "))\(skipped.count > 5 ? ", …" : "")." }
        let tests = Set(rows.map(\.test))
        let effectName = tests == ["psi"] ? "PSI" : tests == ["chisq"] ? "Cramér's V" : tests.contains("chisq") ? "effect (KS D; Cramér's V for categories)" : "KS D"
        return DriftValue(title: title, rows: rows, alpha: alpha, correction: report.correction?.rawValue ?? "none", effectName: effectName, meaning: meaning)
    }

    static let reference: ParameterKey<Value> = .value("A", type: "table or matrix", doc: "the reference data (source, training)")
    static let compared: ParameterKey<Value> = .value("B", type: "table or matrix", doc: "the data to compare, with the same columns")
    static let test: ParameterKey<DriftReport.Test> = .choice("test", DriftReport.Test.allCases, default: .ks, doc: "for numeric columns: \"ks\", \"cvm\" or \"psi\" (text columns always get chisq)")
    static let correction: ParameterKey<DriftReport.Correction> = .choice("correction", DriftReport.Correction.allCases, default: .bonferroni, doc: "\"bonferroni\" (family-wise) or \"fdr\" (Benjamini–Hochberg)")
    static let alpha = ShiftBuiltins.alpha
    static let outputsSource: ParameterKey<Matrix> = .multivariateSample("p_source", minimum: 1, doc: "the model's softmax outputs on source (held-out) data")
    static let outputsTarget: ParameterKey<Matrix> = .multivariateSample("p_target", minimum: 1, doc: "its softmax outputs on the target data")

    static let drift = Builtin(
        "drift", area: .shift,
        parameters: [
            reference.parameter, compared.parameter, test.parameter, correction.parameter, alpha.parameter,
        ],
        returns: "a drift report: table (column, test, statistic, pvalue, adjusted, effect, flagged, sizes) sorted by effect, drifted, reject, meaning; plot() charts the effects",
        summary: "test every column for drift, corrected for testing many",
        doc: "drift(A, B) tests each column of two tables (matched by name) or matrices (by position): numeric columns with ks (or cvm, or psi), text and bool columns with chisq; missing values are left out column by column. With many columns some p-values are small by chance, so they are corrected: Bonferroni flags p < α/d (no false alarm among d columns with probability 1 − α), \"fdr\" flags by Benjamini–Hochberg (at most a share α of the flags false, on average) — more power when many columns drift. With test=\"psi\" a column is flagged when PSI > 0.25. The table is sorted by effect size, so the columns that moved most come first, whatever their p-value.",
        examples: ["a = load(\"digits/test\"); b = load(\"digits/test-covariate\"); d = drift(a[[\"pixel_3\", \"pixel_4\", \"pixel_5\", \"pixel_20\"]], b[[\"pixel_3\", \"pixel_4\", \"pixel_5\", \"pixel_20\"]]); d.drifted"]
    ) { args, _ in
        let cols = try columns(args)
        let test = try args[test]
        let correction = try args[correction]
        let alpha = try args[alpha]
        guard !cols.isEmpty else { throw args.invalid(reference, "drift(): A has no columns") }
        return .object(try report(title: "drift report (\(test.rawValue), \(cols.count) columns)", columns: cols, test: test, correction: correction, alpha: alpha, subject: "column"))
    }

    static let bbsd = Builtin(
        "bbsd", area: .shift,
        parameters: [
            outputsSource.parameter, outputsTarget.parameter, alpha.parameter,
        ],
        returns: "a drift report over the K output dimensions, with the overall decision",
        summary: "black-box shift detection on a model's outputs",
        doc: "bbsd(p_source, p_target) is black-box shift detection (Rabanser, Günnemann & Lipton 2019, \"Failing loudly\"): a KS test on each of the K softmax outputs, Bonferroni-corrected over K; the data have shifted if any dimension is flagged. The model's outputs compress the input to K numbers that matter to it, which made this the strongest simple detector in their study; it sees covariate shift only as far as the model reacts to it, and it also sees label shift.",
        examples: ["s = load(\"digits/mlp-test\"); c = load(\"digits/mlp-test-covariate\"); bbsd(softmax(select(s, \"logit_*\")), softmax(select(c, \"logit_*\")))"]
    ) { args, _ in
        let source = try args[outputsSource], target = try args[outputsTarget]
        guard source.cols == target.cols else {
            throw args.invalid(outputsTarget, "bbsd(): p_source has \(source.cols) classes but p_target has \(target.cols); both must come from the same model")
        }
        let alpha = try args[alpha]
        let cols = (0..<source.cols).map { ("class \($0)", DriftReport.Column.numbers(source.column($0), target.column($0))) }
        return .object(try report(title: "black-box shift detection (KS on \(source.cols) softmax outputs)", columns: cols, test: .ks, correction: .bonferroni, alpha: alpha, subject: "output dimension"))
    }
}
