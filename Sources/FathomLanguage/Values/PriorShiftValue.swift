import FathomCore

/// An estimate of the target class prior under label shift (BBSE or EM), with the importance
/// weights it implies.
public struct PriorShiftValue: ObjectValue, Plottable {
    let method: String
    let classNames: [String]
    let sourcePrior: [Double]
    let targetPrior: [Double]
    let weights: [Double]
    /// Per-class bootstrap interval of the target prior, when ci= was given.
    let interval: (lower: [Double], upper: [Double], level: Double, used: Int)?
    let extra: [(String, Value)]
    let warning: String?
    let meaning: String

    public var typeName: String { "prior_shift" }
    public var described: String { "a label-shift estimate (\(method))" }
    public var fieldNames: [String] {
        ["method", "source_prior", "target_prior", "weights", "table", "meaning", "warning"] + (interval == nil ? [] : ["lower", "upper"]) + extra.map(\.0)
    }

    var table: Table {
        var pairs: [(String, Column)] = [("class", .strings(classNames)), ("source", .numbers(sourcePrior)), ("target", .numbers(targetPrior))]
        if let i = interval { pairs += [("lower", .numbers(i.lower)), ("upper", .numbers(i.upper))] }
        pairs.append(("weight", .numbers(weights)))
        return Table(pairs)
    }

    public func field(_ name: String) -> Value? {
        switch name {
        case "method": return .string(method)
        case "source_prior": return .numbers(sourcePrior)
        case "target_prior": return .numbers(targetPrior)
        case "weights": return .numbers(weights)
        case "table": return .table(table)
        case "meaning": return .string(meaning)
        case "warning": return warning.map { .string($0) } ?? .null
        case "lower": return interval.map { .numbers($0.lower) }
        case "upper": return interval.map { .numbers($0.upper) }
        default: return extra.first { $0.0 == name }?.1
        }
    }

    public func renderText(_ options: RenderOptions) -> String {
        var text = "label shift (\(method))\n" + Value.table(table).renderText(options) + "\n" + meaning
        if let w = warning { text += "\nwarning: " + w }
        return text
    }

    public func json() -> JSONValue {
        var members: [(String, JSONValue)] = [("method", .string(method)), ("table", Value.table(table).json()), ("meaning", .string(meaning)),
                                             ("warning", warning.map { .string($0) } ?? .null)]
        for (k, v) in extra { members.append((k, v.json())) }
        return .object(members)
    }

    public func figure() throws -> Figure {
        var figure = TestResultValue.groupedBars(names: classNames, a: sourcePrior, b: targetPrior, labels: ["source prior", "estimated target prior"],
                                                 title: "class prior: source and estimated target (\(method))", kind: "class priors")
        if let i = interval {
            var bars = Series(.errorbars, x: classNames.indices.map { Double($0) + 0.2 }, y: targetPrior, label: "\(Int((i.level * 100).rounded()))% interval")
            bars.y2 = i.lower
            bars.y3 = i.upper
            bars.color = 6
            figure.panels[0].series.append(bars)
            figure.panels[0].yrange = 0...max(1e-9, ((sourcePrior + i.upper).filter(\.isFinite).max() ?? 1) * 1.1)
        }
        figure.panels[0].ylabel = "share of examples"
        figure.panels[0].xlabel = "class"
        return figure
    }
}

/// Did the model get worse on the target, not only the data move?
public struct HarmValue: ObjectValue {
    let rows: [(metric: String, source: Double, target: Double, change: Double, lower: Double, upper: Double, delta: Double?, exceeds: Bool?)]
    let level: Double
    let shift: TestResultValue
    let labelled: Bool
    let meaning: String

    public var typeName: String { "harm" }
    public var described: String { "a harm assessment" }
    public var fieldNames: [String] { ["table", "harmful", "shifted", "shift_test", "meaning"] }

    var table: Table {
        Table([
            ("metric", .strings(rows.map(\.metric))), ("source", .numbers(rows.map(\.source))), ("target", .numbers(rows.map(\.target))),
            ("change", .numbers(rows.map(\.change))), ("lower", .numbers(rows.map(\.lower))), ("upper", .numbers(rows.map(\.upper))),
            ("delta", .numbers(rows.map { $0.delta ?? .nan })), ("exceeds", .strings(rows.map { $0.exceeds.map { $0 ? "yes" : "no" } ?? "" })),
        ])
    }

    var harmful: Bool { rows.contains { $0.exceeds == true } }

    public func field(_ name: String) -> Value? {
        switch name {
        case "table": return .table(table)
        case "harmful": return .bool(harmful)
        case "shifted": return .bool(shift.reject)
        case "shift_test": return .object(shift)
        case "meaning": return .string(meaning)
        default: return nil
        }
    }

    public func renderText(_ options: RenderOptions) -> String {
        let title = labelled ? "harm: source against target (\(Int((level * 100).rounded()))% intervals)" : "harm without target labels: label-shift-corrected estimate (\(Int((level * 100).rounded()))% interval)"
        return title + "\n" + Value.table(table).renderText(options) + "\n" + meaning
    }

    public func json() -> JSONValue {
        .object([("table", Value.table(table).json()), ("harmful", .bool(harmful)), ("shifted", .bool(shift.reject)), ("meaning", .string(meaning))])
    }
}
