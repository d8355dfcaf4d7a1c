"""The Markdown filters: user text never becomes live markup, whatever it contains."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mlopsdiag.site.markdown import html, md_block, md_code, md_heading, md_inline, md_text, md_url
from site_safety import assert_inert, live_markup

ROOT = Path(__file__).resolve().parent.parent


def _extensions() -> list[object]:
    """The Markdown extensions of the repository's mkdocs.yml, as MkDocs would load them."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    out: list[object] = []
    for item in config["markdown_extensions"]:
        out.append(next(iter(item)) if isinstance(item, dict) else item)
    return out


EXTENSIONS = _extensions()


def to_html(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<!-- comment --><iframe src=//evil>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1) 'title')",
    "[x](<javascript:alert(1)>)",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](java\x00script:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "![pixel](https://tracker.example/p.gif)",
    "![pixel][p]\n\n[p]: https://tracker.example/p.gif",
    "<https://example.com>",
    'text{: onclick="alert(1)" }',
    'para\n{: onmouseover="alert(1)" }',
    "# heading { onclick=alert(1) }",
    "`a\n<img src=x onerror=alert(1)>`",
    "```\n<script>alert(1)</script>\n```",
    '<div markdown="1">*x*</div>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "a | b | c",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("escape", [md_text, md_block, md_inline, md_code])
def test_hostile_text_is_inert(text: str, escape: object) -> None:
    out = to_html(escape(text))  # type: ignore[operator]
    assert_inert(out, f"{escape.__name__}({text!r})")  # type: ignore[attr-defined]
    assert "javascript:" not in out.lower()
    assert "onerror=" not in out and "onclick=" not in out
    assert "<script" not in out and "<img" not in out and "<iframe" not in out


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_inert_in_a_table_cell(text: str) -> None:
    table = f"| a | b |\n| --- | --- |\n| {md_text(text)} | {md_inline(text)} |\n"
    out = to_html(table)
    assert_inert(out, text)
    assert out.count("<td>") == 2, out  # no pipe in the text adds a column


def test_plain_text_keeps_its_characters() -> None:
    text = "C:\\path *not bold* _x_ [a](b) # 1 < 2 & 3 > 2 | {x} `code`"
    assert to_html(md_text(text)) == (
        "<p>C:\\path *not bold* _x_ [a](b) # 1 &lt; 2 &amp; 3 &gt; 2 | {x} `code`</p>"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- not a list", "<p>- not a list</p>"),
        ("1. not a list", "<p>1. not a list</p>"),
        ("+ plus", "<p>+ plus</p>"),
        ("=== not a heading", "<p>&#61;== not a heading</p>"),
        ("two\n\nlines", "<p>two lines</p>"),
    ],
)
def test_plain_text_is_one_inline_run(text: str, expected: str) -> None:
    assert to_html(md_text(text)) == expected


def test_markdown_in_blocks_still_works() -> None:
    out = to_html(
        md_block("**bold**, `code`, [link](https://example.com/a?b=1&c=2)\n\n- one\n- two")
    )
    assert "<strong>bold</strong>" in out
    assert "<code>code</code>" in out
    assert '<a href="https://example.com/a?b=1&amp;c=2">link</a>' in out
    assert "<li>one</li>" in out


def test_entities_are_shown_not_interpreted() -> None:
    assert (
        to_html(md_block("&lt;b&gt; &amp; AT&T")) == "<p>&amp;lt;b&amp;gt; &amp;amp; AT&amp;T</p>"
    )


def test_images_become_links() -> None:
    out = to_html(md_block("![chart](https://example.com/c.png)"))
    assert "<img" not in out
    assert '<a href="https://example.com/c.png">chart</a>' in out


def test_inline_flattens_blocks_for_table_cells() -> None:
    assert md_inline("first\n\n- a | b\n- c") == "first - a \\| b - c"


def test_code_keeps_text_literal() -> None:
    out = to_html(md_code("vault://secret/*x*|<y>"))
    assert out == "<p><code>vault://secret/*x*|&lt;y&gt;</code></p>"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://grafana.example.com/d/x?a=1&b=2", "https://grafana.example.com/d/x?a=1&b=2"),
        ("http://a.example/b c(d)|e", "http://a.example/b%20c%28d%29%7Ce"),
        ('https://a.example/"><script>', "https://a.example/%22%3E%3Cscript%3E"),
        ("mailto:oncall@example.com", "mailto:oncall@example.com"),
        ("javascript:alert(1)", ""),
        ("ftp://a.example", ""),
        ("/relative", ""),
    ],
)
def test_urls(url: str, expected: str) -> None:
    assert md_url(url) == expected


def test_html_escapes_attributes() -> None:
    assert html('"><img src=x onerror=alert(1)>') == (
        "&#34;&gt;&lt;img src=x onerror\u200b=alert(1)&gt;"
    )
    found = live_markup(
        f'<span title="{html(chr(34) + " onmouseover=alert(1) x=" + chr(34))}">t</span>'
    )
    assert not found.handlers


def test_headings_keep_no_angle_bracket() -> None:
    # MkDocs makes the heading the page title, and the themes print it with `striptags`,
    # which would turn an escaped `&lt;/title&gt;` back into a live tag.
    out = md_heading("</title><script>alert(1)</script>")
    assert "<" not in out and "&lt;" not in out
    assert to_html("# " + out).endswith(
        ">\u2039/title\u203a\u2039script\u203aalert(1)\u2039/script\u203a</h1>"
    )


# issue 19, 11: a description is copied to more than one page (the architecture page and
# its runbook); a relative link cannot resolve from both, and `mkdocs build --strict` fails
# on one it cannot resolve. Only links that work from any page stay links.
_HREF = re.compile(r'href="([^"]*)"')


@pytest.mark.parametrize(
    "text",
    [
        "See [design](design.md) first.",
        "See [design](../docs/design.md#top 'title').",
        "Run [it](javascript:alert(1)).",
        "[x](data:text/html,hi) and [y](vbscript:msgbox)",
        "![chart](charts/c.png)",
        "[ref][d]\n\n[d]: design.md",
    ],
)
def test_a_link_that_cannot_resolve_from_every_page_is_shown_as_text(text: str) -> None:
    out = to_html(md_block(text))
    hrefs = _HREF.findall(out)
    assert all(h.startswith(("https://", "http://", "mailto:", "#")) for h in hrefs), out
    assert "design" in out or "alert" in out or "chart" in out or "x" in out


def test_links_that_work_from_any_page_stay_links() -> None:
    out = to_html(md_block("[a](https://e.example/x) [b](#here) `[c](c.md)`"))
    assert _HREF.findall(out) == ["https://e.example/x", "#here"]
    assert "<code>[c](c.md)</code>" in out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["`", "``", "```", "[a](b.md)", "x", " ", "\n", "[", "]"])))
def test_code_spans_are_found_without_changing_any_text(parts: list[str]) -> None:
    from mlopsdiag.site.markdown import _outside_code

    text = "".join(parts)
    assert _outside_code(text, lambda s: s) == text
    md_block(text)  # never raises
