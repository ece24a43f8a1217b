import Testing
import FathomCore
import FathomTestSupport

@Suite("Descriptive statistics against numpy")
struct DescriptiveTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let x: [Double]
        let sum: Double, mean: Double, std0: Double
        let std1: Double?
        let q: [Double], quantile: [Double]
        let sorted: [Double], unique: [Double]
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let fixture = try! Fixture.json("descriptive.json")
        return fixture["cases"]!.array.map { c in
            Case(name: c["name"]!.text, x: c["x"]!.doubles, sum: c["sum"]!.double,
                 mean: c["mean"]!.double, std0: c["std0"]!.double, std1: c["std1"]?.double,
                 q: c["q"]!.doubles, quantile: c["quantile"]!.doubles,
                 sorted: c["sorted"]!.doubles, unique: c["unique"]!.doubles)
        }
    }()

    @Test("sum, mean and standard deviation to 1e-12 relative", arguments: cases)
    func moments(_ c: Case) {
        #expect(agrees(Descriptive.sum(c.x), c.sum, rel: 1e-12, abs: 1e-12))
        #expect(agrees(Descriptive.mean(c.x), c.mean, rel: 1e-12, abs: 1e-12))
        #expect(agrees(Descriptive.standardDeviation(c.x, ddof: 0), c.std0, rel: 1e-12, abs: 1e-12))
        if let s1 = c.std1 { #expect(agrees(Descriptive.standardDeviation(c.x, ddof: 1), s1, rel: 1e-12, abs: 1e-12)) }
    }

    @Test("quantiles match numpy's linear method", arguments: cases)
    func quantiles(_ c: Case) {
        for (got, want) in zip(Descriptive.quantiles(c.x, c.q), c.quantile) {
            #expect(agrees(got, want, rel: 1e-14, abs: 1e-14))
        }
    }

    @Test("sort and unique match numpy", arguments: cases)
    func ordering(_ c: Case) {
        #expect(Descriptive.sorted(c.x) == c.sorted)
        #expect(Descriptive.unique(c.x) == c.unique)
    }

    @Test("NaN propagates and sorts last")
    func nan() {
        let x = [2.0, .nan, 1.0]
        #expect(Descriptive.sum(x).isNaN)
        #expect(Descriptive.maximum(x)!.isNaN)
        #expect(Descriptive.quantiles(x, [0.5])[0].isNaN)
        let s = Descriptive.sorted(x)
        #expect(s[0] == 1 && s[1] == 2 && s[2].isNaN)
        #expect(Descriptive.unique([.nan, 1, .nan]).count == 2)
    }

    @Test("empty inputs")
    func empty() {
        #expect(Descriptive.sum([]) == 0)
        #expect(Descriptive.mean([]).isNaN)
        #expect(Descriptive.minimum([]) == nil)
        #expect(Descriptive.variance([1], ddof: 1).isNaN)
    }

    @Test("pairwise summation keeps the error small where naive summation drifts")
    func pairwise() {
        let x = [Double](repeating: 0.1, count: 10_000_000)
        #expect(Swift.abs(Descriptive.sum(x) - 1_000_000) < 1e-6)
    }
}
