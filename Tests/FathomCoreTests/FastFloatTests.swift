import Testing
#if canImport(Glibc)
import Glibc
#endif
import FathomCore

@Suite("Decimal to double")
struct FastFloatTests {
    static func strtodValue(_ s: String) -> Double { strtod(s, nil) }

    @Test("agrees bit for bit with strtod", arguments: [
        "0", "-0", "1", "-1", "0.1", "0.2", "0.3", "1e-3", "1E+3", "123456789", "1.7976931348623157e308",
        "2.2250738585072014e-308", "2.2250738585072011e-308", "4.9406564584124654e-324", "5e-324", "2e-324",
        "1e-400", "1e400", "9007199254740993", "9007199254740992", "18446744073709551615", "0.000000000000000000001",
        "3.14159265358979323846264338327950288", "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124", "7.038531e-26", "8.988465674311579e307",
        "0.1257302210933933", "-0.13210486329130189", "1234567890123456789", "12345678901234567890", ".5", "5.",
        "+7", "00012", "1_0", "", "-", ".", "e5", "1e", "1e+", "abc", "1.2.3", "--1", "inf", "-Infinity", "NaN",
        "1e2147483648", "1e-2147483648", "0e999999",
    ])
    func cases(_ s: String) {
        let ours = FastFloat.parse(s)
        let valid = !["", "-", ".", "e5", "1e", "1e+", "abc", "1.2.3", "--1", "1_0"].contains(s)
        if !valid {
            #expect(ours == nil, "\(s)")
            return
        }
        guard let ours else { Issue.record("\(s) not parsed"); return }
        let ref = FastFloatTests.strtodValue(s)
        if ref.isNaN { #expect(ours.isNaN); return }
        #expect(ours.bitPattern == ref.bitPattern, "\(s): \(ours) vs strtod \(ref)")
    }

    @Test("a million random decimals agree with strtod")
    func random() {
        var g = Xoshiro256(seed: 99)
        var mismatches: [String] = []
        for k in 0..<1_000_000 {
            let s: String
            switch k % 4 {
            case 0:
                // Shortest round-trip text of a random double.
                s = "\(Double(bitPattern: g.next() & 0x7FEF_FFFF_FFFF_FFFF))"
            case 1:
                // 17 significant digits, as numpy's %.17g writes.
                let x = (g.nextUniform() - 0.5) * pow(10, Double(g.nextInt(below: 40)) - 20)
                s = NumberFormat17.text(x)
            case 2:
                // Random digit strings with random exponents, up to 19 digits.
                let digits = (0..<(1 + g.nextInt(below: 19))).map { _ in String(g.nextInt(below: 10)) }.joined()
                s = digits + "e" + String(g.nextInt(below: 700) - 350)
            default:
                // Integers exactly halfway between two doubles (ties go to even), and their
                // neighbours, with 16 to 19 digits.
                let scale = UInt64(1) << UInt64(g.nextInt(below: 10))
                let base = (UInt64(1) << 53) * scale + 2 * scale * UInt64(g.nextInt(below: 1 << 30))
                s = String(base + scale + UInt64(g.nextInt(below: 3)) - 1)
            }
            let ours = FastFloat.parse(s)
            let ref = FastFloatTests.strtodValue(s)
            if ours?.bitPattern != ref.bitPattern { mismatches.append(s) }
            if mismatches.count > 5 { break }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }
}

enum NumberFormat17 {
    static func text(_ x: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([x]) { vsnprintf(&buffer, 64, "%.17g", $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
