import Testing
import Foundation
@testable import FathomShell

/// Reports' Markdown renderer: CommonMark on the subset it supports (checked against the
/// reference implementation's output), raw HTML and unsafe links neutralised, identifiers and
/// formulas kept as written, and bounded time and depth on hostile input.
@Suite("Markdown")
struct MarkdownTests {
    struct Case: Decodable { var markdown: String; var html: String }
    struct Fixture: Decodable { var generator: String; var cases: [Case] }

    @Test("agrees with cmark-gfm (Scripts/make-fixtures-markdown.py) on every reference case")
    func reference() throws {
        let url = repositoryRoot.appendingPathComponent("Tests/FathomShellTests/Golden/markdown-commonmark.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        #expect(fixture.cases.count >= 50)
        for c in fixture.cases {
            let expected = c.html.hasSuffix("\n") ? String(c.html.dropLast()) : c.html
            #expect(Markdown.html(c.markdown) == expected, "\(c.markdown.debugDescription)")
        }
    }

    /// (Markdown, exact HTML): where Fathom departs from CommonMark on purpose, and the cases
    /// the issues were about.
    static let exact: [(String, String)] = [
        // Intraword underscores are not emphasis; code spans and math are left as written.
        ("z_0 … z_9, failure_probs, a_b_c", "<p>z_0 … z_9, failure_probs, a_b_c</p>"),
        ("`failure_probs` and `p_fail`", "<p><code>failure_probs</code> and <code>p_fail</code></p>"),
        ("$z_0 + z_1$ and $$\\sum_i x_i^2$$", "<p><span class=\"math\">$z_0 + z_1$</span> and <span class=\"math\">$$\\sum_i x_i^2$$</span></p>"),
        ("$a_1 *b* c_1$", "<p><span class=\"math\">$a_1 *b* c_1$</span></p>"),
        ("costs $5 and $10 _each_", "<p>costs $5 and $10 <em>each</em></p>"),
        ("\\$x_1$ is not math", "<p>$x_1$ is not math</p>"),
        // Raw HTML is text.
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("a <img src=x onerror=alert(1)> b", "<p>a &lt;img src=x onerror=alert(1)&gt; b</p>"),
        ("<iframe src=\"javascript:alert(1)\"></iframe>", "<p>&lt;iframe src=&quot;javascript:alert(1)&quot;&gt;&lt;/iframe&gt;</p>"),
        ("<!-- comment --> <?php x ?>", "<p>&lt;!-- comment --&gt; &lt;?php x ?&gt;</p>"),
        ("`<b>` in code", "<p><code>&lt;b&gt;</code> in code</p>"),
        ("```\n</code></pre><script>x</script>\n```", "<pre><code>&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;x&lt;/script&gt;\n</code></pre>"),
        ("```\" onmouseover=\"x\nA\n```", "<pre><code>A\n</code></pre>"),
        // Entities pass (they cannot make tags); a bare & is escaped.
        ("&copy; &#169; &#xA9; & &nope", "<p>&copy; &#169; &#xA9; &amp; &amp;nope</p>"),
        // Links and images: only safe schemes; the text stays when the link goes.
        ("[x](javascript:alert(1))", "<p>x</p>"),
        ("[x](JaVaScRiPt:alert(1))", "<p>x</p>"),
        ("[x](java\\\nscript:alert(1))", "<p>[x](java<br />\nscript:alert(1))</p>"),
        ("[x](<java script:alert(1)>)", "<p>x</p>"),
        ("<ftp://x.org> <JavaScript:x>", "<p>&lt;ftp://x.org&gt; &lt;JavaScript:x&gt;</p>"),
        ("[x](&#106;avascript:alert(1))", "<p><a href=\"&amp;#106;avascript:alert(1)\">x</a></p>"),
        ("[x](vbscript:msgbox) [y](data:text/html,<b>) [z](file:///etc/passwd)", "<p>x y z</p>"),
        ("[x](\"onmouseover=alert(1))", "<p><a href=\"%22onmouseover=alert(1)\">x</a></p>"),
        ("[x](y \"t\\\" onmouseover=\\\"alert(1)\")", "<p><a href=\"y\" title=\"t&quot; onmouseover=&quot;alert(1)\">x</a></p>"),
        ("![p](javascript:alert(1))", "<p>p</p>"),
        ("![p](data:image/png;base64,iVBO) ![s](data:image/svg+xml;base64,PHN2) ![h](data:text/html;base64,PHN)",
         "<p><img src=\"data:image/png;base64,iVBO\" alt=\"p\" /> <img src=\"data:image/svg+xml;base64,PHN2\" alt=\"s\" /> h</p>"),
        ("[m](mailto:a@b.org) ![m](mailto:a@b.org)", "<p><a href=\"mailto:a@b.org\">m</a> m</p>"),
        ("<javascript:alert(1)> <https://x.org/?a=<b>", "<p>&lt;javascript:alert(1)&gt; &lt;https://x.org/?a=&lt;b&gt;</p>"),
        ("[a](https://x.org \"say \"hi\"\")", "<p>[a](https://x.org &quot;say &quot;hi&quot;&quot;)</p>"),
    ]

    @Test("raw HTML, unsafe links, math and identifiers", arguments: exact.indices)
    func exactCases(_ i: Int) {
        let (markdown, html) = MarkdownTests.exact[i]
        #expect(Markdown.html(markdown) == html, "\(markdown.debugDescription)")
    }

    /// Hostile lines of about 100 000 characters.
    static let hostile: [(String, String)] = [
        ("[", String(repeating: "[", count: 100_000)),
        ("![", String(repeating: "![", count: 50_000)),
        ("[](", String(repeating: "[](", count: 33_000)),
        ("[a](b", String(repeating: "[a](b", count: 20_000)),
        ("[x](a(b)", String(repeating: "[x](a(b)", count: 12_500)),
        ("[](\"", String(repeating: "[](a \"", count: 16_000)),
        ("]", String(repeating: "]", count: 100_000)),
        ("[]", String(repeating: "[a]", count: 33_000) + String(repeating: "(b", count: 1000)),
        ("*a", String(repeating: "*a", count: 50_000)),
        ("_a", String(repeating: "a_ _a ", count: 16_000)),
        ("**_", String(repeating: "**a_ ", count: 20_000)),
        ("*** closers", String(repeating: "*a ", count: 25_000) + String(repeating: "a** ", count: 6_000)),
        ("backtick runs", (1...440).map { String(repeating: "`", count: $0) }.joined(separator: " ")),
        ("`", String(repeating: "`a", count: 50_000)),
        ("$", String(repeating: "$a ", count: 33_000)),
        ("<", String(repeating: "<a:", count: 33_000)),
        ("&", String(repeating: "&a", count: 50_000)),
        ("\\", String(repeating: "\\", count: 100_000)),
        (">", String(repeating: ">", count: 100_000)),
        ("- ", String(repeating: "- ", count: 50_000) + "x"),
        ("1. ", String(repeating: "1. ", count: 33_000) + "x"),
        ("nested quotes, one per line", (0..<440).map { String(repeating: ">", count: $0) + " x" }.joined(separator: "\n")),
        ("nested lists, one per line", (0..<310).map { String(repeating: "  ", count: $0) + "- x" }.joined(separator: "\n")),
        ("#", String(repeating: "#", count: 100_000)),
        ("fences", String(repeating: "```\n", count: 20_000)),
        ("lines of [", String(repeating: "[a\n", count: 33_000)),
    ]

    @Test("hostile input renders without overflowing the stack, each in well under 2 s", arguments: hostile.indices)
    func hostileInput(_ i: Int) throws {
        let (name, text) = MarkdownTests.hostile[i]
        let clock = ContinuousClock()
        var html = ""
        let elapsed = clock.measure { html = Markdown.html(text) }
        #expect(elapsed < .seconds(2), "\(name): \(elapsed)")
        #expect(!html.isEmpty)
        #expect(!html.contains("<script") && !html.contains("<a href=\"javascript"), "\(name)")
    }

    @Test("nesting deeper than the limit stays text")
    func depth() {
        let html = Markdown.html(String(repeating: "> ", count: 40) + "deep")
        #expect(html.components(separatedBy: "<blockquote>").count - 1 == Markdown.maxDepth)
        #expect(html.contains("&gt; &gt; deep"))
    }

    @Test("random Markdown-heavy text: no crash, and only the renderer's own tags and safe URLs come out")
    func randomText() {
        let alphabet = Array("[]()<>!*_`$&#;:/\\\"' -+=.1aZé\n\tjavascript:data:image/png,http://x")
        let allowed: Set<String> = ["p", "em", "strong", "code", "pre", "a", "img", "h1", "h2", "h3", "h4", "h5", "h6",
                                    "ul", "ol", "li", "blockquote", "hr", "br", "span"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
        }
        for _ in 0..<3_000 {
            let text = String((0..<(next() % 120)).map { _ in alphabet[next() % alphabet.count] })
            let html = Array(Markdown.html(text).utf8)
            var i = 0
            while i < html.count {
                guard html[i] == UInt8(ascii: "<") else { i += 1; continue }
                guard let tag = InlineSVG.Tag.parse(html, at: i) else {
                    Issue.record("a bare < in \(text.debugDescription)"); break
                }
                #expect(allowed.contains(tag.name), "<\(tag.name)> from \(text.debugDescription)")
                for (name, value) in tag.attributes {
                    #expect(["href", "src", "alt", "title", "class", "start"].contains(name), "\(name)= from \(text.debugDescription)")
                    if name == "href" || name == "src" {
                        #expect(Markdown.Inline.isAllowed(value, image: name == "src"), "\(name)= from \(text.debugDescription)")
                    }
                }
                i = tag.end
            }
        }
    }
}
