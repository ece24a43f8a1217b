import Foundation
import Testing
@testable import FathomShell
import FathomCore

/// Columns keep the kind DuckDB gives them: BIGINT and UBIGINT beyond 2⁵³ arrive as text,
/// digit for digit, instead of being rounded to the nearest double (smaller integers stay
/// numbers); text that looks like a number or a boolean stays text.
@Suite("SQL column kinds")
struct SQLIntegerTests {
    @Test("a BIGINT column of large IDs arrives as text; small ones as numbers")
    func largeIntegers() throws {
        guard duckDBInstalled() else { return }
        let s = RecordingSession()
        let out = s.run("""
            t = sql("select 9007199254740993::bigint as id, 42::bigint as n union all select 18446744073709551615::ubigint, 7")
            t.id
            t.n
            """)
        #expect(s.errors.isEmpty, "\(s.errors)")
        #expect(out == "[\"9007199254740993\", \"18446744073709551615\"]\n[42, 7]\n", Comment(rawValue: out))
    }

    @Test("text stays text however numeric it looks; an all-NULL text column is text")
    func textStaysText() throws {
        guard duckDBInstalled() else { return }
        let s = RecordingSession()
        let out = s.run("""
            t = sql("select '01234' as zip, 'true' as flag, NULL::varchar as empty, 2.0::double as x, true as b, DATE '2026-12-05' as d")
            t.zip
            t.flag
            t.empty
            t.x
            t.b
            t.d
            """)
        #expect(s.errors.isEmpty, "\(s.errors)")
        #expect(out == "[\"01234\"]\n[\"true\"]\n[\"\"]\n[2]\n[true]\n[\"2026-12-05\"]\n", Comment(rawValue: out))
    }
}
