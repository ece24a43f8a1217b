import Foundation
import Testing
@testable import FathomShell
import FathomCore

/// DuckDB's BIGINT and UBIGINT beyond 2⁵³ arrive as text, digit for digit, instead of being
/// rounded to the nearest double; smaller integers stay numbers.
@Suite("SQL integers beyond 2^53")
struct SQLIntegerTests {
    @Test("a BIGINT column of large IDs arrives as text; small ones as numbers")
    func largeIntegers() throws {
        guard ProcessInfo.processInfo.environment["FATHOM_DUCKDB"] != nil else {
            Issue.record("FATHOM_DUCKDB does not name DuckDB's program: run ./Scripts/test, which installs it")
            return
        }
        let s = RecordingSession()
        let out = s.run("""
            t = sql("select 9007199254740993::bigint as id, 42::bigint as n union all select 18446744073709551615::ubigint, 7")
            t.id
            t.n
            """)
        #expect(s.errors.isEmpty, "\(s.errors)")
        #expect(out == "[\"9007199254740993\", \"18446744073709551615\"]\n[42, 7]\n", Comment(rawValue: out))
    }
}
