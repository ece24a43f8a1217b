#!/usr/bin/env python3
"""Reference HTML for the Markdown subset that reports' prose is rendered with.

Renders each case with cmark-gfm (GitHub's fork of the CommonMark reference implementation,
through the cmarkgfm package, plain CommonMark options) and writes
Tests/FathomShellTests/Golden/markdown-commonmark.json, which MarkdownTests compares
Fathom's renderer with. The cases hold no raw HTML, entities, math or unsafe links: there
Fathom departs from CommonMark on purpose (escapes, leaves alone, drops), and its own tests
state what it does.

    python3 -m venv /tmp/venv-markdown
    /tmp/venv-markdown/bin/pip install -r Scripts/requirements-fixtures-markdown.txt
    /tmp/venv-markdown/bin/python Scripts/make-fixtures-markdown.py
"""
import json
import os
from importlib.metadata import version

import cmarkgfm

CASES = [
    "z_0 + z_1 … z_9",
    "failure_probs and p_fail and a_b_c",
    "*em* and **strong** and ***both***",
    "_em_ and __strong__ and ___both___",
    "snake_case_ends_ here",
    "a*b*c and a_b_c and *a _b* c_",
    "**bold _nested_ text** and *em **strong** em*",
    "foo*bar*baz**qux** and *(a)* and _(b)_",
    "*covariate shift* the inputs x change\ntheir distribution p(x)",
    "guaranteed risk* (SGR) and a * b * c",
    "**unclosed strong and *em*",
    "*a **b** c* ***d*** **e*f**",
    "`code_span` and ``a ` b`` and ` spaced `",
    "unclosed [bracket and `tick and **star",
    "\\*not em\\* and \\_not\\_ and \\`not code\\`",
    "# H1\n## H2 ##\n###### H6\n####### not a heading",
    "Title\n=====\n\nSub\n---",
    "- a\n- b\n  continued\n- c",
    "* star\n+ plus",
    "1. one\n2. two",
    "3. three\n4. four",
    "1) paren\n2) list",
    "- a\n\n- b",
    "- a\n  - nested\n  - more\n- b",
    "- item\n\n  second paragraph\n- next",
    "- The raw, uncalibrated MLP: `risk_coverage(confidence(softmax(select(t, \"logit_*\"))),\n  correct).aurc`\n- Coverage by weather: `by(b.weather, mean, ok)`",
    "A paragraph\n- then a list",
    "A paragraph\n2. not a list",
    "> quote\n> more\n\npara",
    "> lazy\ncontinuation",
    "> - list in quote\n> - second",
    "```python\nx = 1 < 2\n```\nafter",
    "~~~\ncode\n~~~",
    "````\n```\nnested fence\n````",
    "```\nunclosed fence",
    "    indented code\n    more",
    "***\n---\n___",
    "text\n***\nmore",
    "[link](https://example.com \"T\") and ![img](a.png)",
    "[rel](notes/x.md) and <https://example.com/a_b>",
    "[x](<a b.png>) and [y](a(b)c) and [z](/p?q=1&r=2)",
    "[a [b](c) d](e)",
    "![a *b* `c`](x.png)",
    "[not a link] (x) and [](empty)",
    "[x](y 'single') [x](y (paren))",
    "line one  \nline two\\\nthree",
    "élan_vital and *ü* and ü_ü",
    "2.3 means e^−2.3 ≈ 10 %, 0.91, and 1.2 for the MLP",
    "Bonferroni flags p < α/65 and ξ > 0",
    "mail <mailto:a@b.org> and <http://x.org/a_b*c*>",
]

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = [{"markdown": c, "html": cmarkgfm.markdown_to_html(c)} for c in CASES]
path = os.path.join(root, "Tests", "FathomShellTests", "Golden", "markdown-commonmark.json")
with open(path, "w") as f:
    json.dump({"generator": f"cmarkgfm {version('cmarkgfm')}",
               "cases": out}, f, indent=1, ensure_ascii=False)
    f.write("\n")
print(f"wrote {len(out)} cases to {path}")
