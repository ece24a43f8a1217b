import Testing
import Foundation
@testable import FathomCore
import FathomTestSupport

/// Slice discovery against the reference values in Tests/FathomCoreTests/Fixtures/slices, made
/// by Scripts/make-fixtures-slices.py: the `sliceline` package's Slicefinder (0.3.0) and an
/// exhaustive enumeration (they agree on every case), scipy's hypergeom.sf and fisher_exact,
/// and numpy's quantiles and searchsorted for the bins.
@Suite("Slice discovery against sliceline, scipy and numpy")
struct SliceReferenceTests {
    static let sliceline = try! Fixture.json("slices/sliceline.json")
    static let fisher = try! Fixture.json("slices/fisher.json")
    static let bins = try! Fixture.json("slices/bins.json")
    static let caseNames = sliceline["cases"]!.array.map { $0["name"]!.text }

    @Test("the same top slices, in order, with the same size, error sum, largest error and score", arguments: caseNames)
    func topSlices(_ name: String) throws {
        let c = try #require(Self.sliceline["cases"]!.array.first { $0["name"]!.text == name })
        #expect(c["agree"]!.bool, "the fixture's two references agree")
        let levels = c["levels"]!.doubles.map { Int($0) }
        let codes = c["codes"]!.array.map { $0.doubles.map { Int32($0) } }
        let errors = c["errors"]!.doubles
        let p = c["params"]!
        let parameters = SliceLine.Parameters(alpha: p["alpha"]!.double, k: Int(p["k"]!.double), maxLevel: Int(p["max_l"]!.double), minSupport: Int(p["min_sup"]!.double))
        let result = try SliceLine.search(SliceLine.Features(codes: codes, levels: levels), errors: errors, parameters)
        #expect(agrees(result.averageError, c["average_error"]!.double, rel: 1e-12))
        let expected = c["sliceline"]!.array
        try #require(result.slices.count == expected.count, "\(name): \(result.slices.count) slices, sliceline \(expected.count)")
        for (s, e) in zip(result.slices, expected) {
            let predicates = e["predicates"]!.array.map { SliceLine.Predicate(feature: Int($0.array[0].double), level: Int($0.array[1].double)) }
            #expect(s.predicates == predicates)
            #expect(s.size == Int(e["size"]!.double))
            #expect(agrees(s.errorSum, e["error_sum"]!.double, rel: 1e-12))
            #expect(agrees(s.maxError, e["max_error"]!.double, rel: 1e-15))
            #expect(agrees(s.score, e["score"]!.double, rel: 1e-12, abs: 1e-14))
            #expect(agrees(s.averageError, e["average_error"]!.double, rel: 1e-12))
        }
    }

    @Test("on the bundled detections, weather, lighting and distance in quartiles give sliceline's slices, fog first")
    func bundledDetections() throws {
        let c = try #require(Self.sliceline["cases"]!.array.first { $0["name"]!.text.contains("av") })
        let csv = Fixture.folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Datasets/av-perception/detections.csv").path
        let d = try CSVReader.read(path: csv)
        let t = Table([("weather", d.column("weather")!), ("lighting", d.column("lighting")!), ("distance_m", d.column("distance_m")!)])
        let (features, described) = SliceDiscovery.features(t, bins: 4)
        #expect(features.codes.map { $0.map(Double.init) } == c["codes"]!.array.map(\.doubles), "the codes are the fixture's: sorted text, numpy's quartile bins")
        #expect(described[2].bins!.inner == c["distance_inner_edges"]!.doubles)
        guard case .numbers(let loss) = d.column("loss")! else { Issue.record("loss is not numeric"); return }
        let errors = loss.map { $0 > 2.3 ? 1.0 : 0.0 }
        let p = c["params"]!
        let result = try SliceLine.search(features, errors: errors, SliceLine.Parameters(alpha: p["alpha"]!.double, k: Int(p["k"]!.double), maxLevel: Int(p["max_l"]!.double), minSupport: Int(p["min_sup"]!.double)))
        let expected = c["sliceline"]!.array.map { $0["predicates"]!.array.map { SliceLine.Predicate(feature: Int($0.array[0].double), level: Int($0.array[1].double)) } }
        #expect(result.slices.map(\.predicates) == expected)
        #expect(result.slices.first?.predicates == [SliceLine.Predicate(feature: 0, level: 1)], "weather = fog")
    }

    @Test("one-sided Fisher exact p-values: scipy's hypergeom.sf and fisher_exact to 1e-9 relative")
    func fisherExact() {
        for c in Self.fisher["cases"]!.array {
            let p = Hypergeometric.upperTail(Int(c["k"]!.double), population: Int(c["N"]!.double), successes: Int(c["K"]!.double), draws: Int(c["n"]!.double))
            let sf = c["hypergeom_sf"]!.double
            if sf == 0 {
                #expect(p < 1e-300, "\(c["name"]!.text): scipy underflows to 0; Fathom's is \(p)")
            } else {
                #expect(agrees(p, sf, rel: 1e-9), "\(c["name"]!.text): \(p) vs \(sf)")
                #expect(agrees(p, c["fisher_exact_greater"]!.double, rel: 1e-9))
            }
        }
    }

    @Test("quantile bins: numpy's edges, the distinct interior edges and searchsorted's codes")
    func quantileBins() throws {
        for c in Self.bins["cases"]!.array {
            let x: [Double]
            if case .array = c["x"]! {
                x = c["x"]!.array.map(\.fixtureNumber)
            } else {
                let csv = Fixture.folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Datasets/av-perception/detections.csv").path
                guard case .numbers(let v) = try CSVReader.read(path: csv).column("distance_m")! else { Issue.record("distance_m"); return }
                x = v
            }
            for key in c["bins"]!.keys {
                let b = c["bins"]![key]!
                let q = try #require(QuantileBins(x, bins: Int(key)!))
                #expect(agrees(q.edges, b["edges"]!.doubles, rel: 1e-15), "\(c["name"]!.text), \(key) bins: edges")
                #expect(q.inner == b["inner"]!.doubles, "\(c["name"]!.text), \(key) bins: interior edges")
                let codes = x.map { q.bin($0).map(Double.init) ?? .nan }
                #expect(agrees(codes, b["codes"]!.array.map(\.fixtureNumber)), "\(c["name"]!.text), \(key) bins: codes")
            }
        }
    }
}
