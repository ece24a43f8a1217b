import Testing
import FathomCore

/// Histogram bins place every finite value, whatever the range (issue 18: `hist([1e16])`,
/// `hist([0, 5e-324])` and `hist([-1e308, 1e308])` crashed converting NaN to a bin number).
@Suite("Equal-width bins")
struct EqualWidthBinsTests {
    @Test("every value lands in a bin, and the bins cover the values", arguments: [
        [1e16], [0, 5e-324], [-1e308, 1e308], [-Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude],
        [5e-324], [-0.0, 0.0], [1, 2, 3, 4], [1e300, 1e300 * 1.0000001], [-5e-324, 5e-324],
    ])
    func placesEverything(_ values: [Double]) {
        for bins in [1, 2, 30, 10_000] {
            let b = EqualWidthBins(lo: values.min()!, hi: values.max()!, bins: bins)
            #expect(b.width.isFinite && b.width > 0)
            var counts = [Int](repeating: 0, count: bins)
            for v in values { counts[b.index(v)] += 1 }
            #expect(counts.reduce(0, +) == values.count)
            #expect(b.centre(0).isFinite && b.centre(bins - 1).isFinite)
            // Unless the range was widened, the smallest value is in the first bin and the
            // largest in the last.
            if b.lo == values.min()! && b.hi == values.max()! {
                #expect(b.index(values.min()!) == 0)
                #expect(b.index(values.max()!) == bins - 1)
            }
        }
    }

    @Test("an ordinary range bins as (v − lo) / width, as before")
    func ordinary() {
        let b = EqualWidthBins(lo: 0, hi: 10, bins: 5)
        #expect(b.width == 2)
        #expect([0, 1.99, 2, 5, 9.99, 10].map(b.index) == [0, 0, 1, 2, 4, 4])
        let single = EqualWidthBins(lo: 3, hi: 3, bins: 2)
        #expect(single.lo == 2.5 && single.hi == 3.5)
    }
}
