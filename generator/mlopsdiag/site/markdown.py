"""Escaping for user text that goes into generated Markdown (and from there into HTML).

Python-Markdown, which both MkDocs and Zensical use, passes raw HTML through untouched,
keeps character entities in attributes (so `&#106;avascript:` in a link becomes a live
`javascript:` URL) and lets `attr_list` put any attribute, `onclick` included, on an
element. Every filter here closes those doors:

- `md_text`: plain text, inline. Nothing in it is markup: HTML, entities, emphasis,
  links, attribute lists and table pipes all come out as the literal characters.
- `md_block`: the user's own Markdown (emphasis, lists, links, code). Raw HTML and
  entities are escaped, `{` cannot start an attribute list, images become links (an
  image would be fetched from the network when the page is viewed) and link targets
  with a script scheme are made inert.
- `md_inline`: `md_block` flattened to one line, for table cells.
- `md_heading`: `md_text` for headings, which become page titles (see there).
- `md_code`: text shown as code, escaped like `md_text`.
- `md_url`: a URL for a Markdown link: http(s) and mailto only.
- `html`: text for raw HTML written by the templates (attributes and element text).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from urllib.parse import quote

from markupsafe import escape

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""C0 controls other than tab and newlines: never meaningful in a spec, and browsers drop
some of them inside URLs, which would let `java\\x00script:` through."""

_SCRIPT_SCHEME = re.compile(
    r"(?i)(j[\s\x00-\x1f]*a[\s\x00-\x1f]*v[\s\x00-\x1f]*a[\s\x00-\x1f]*"
    r"|v[\s\x00-\x1f]*b)"
    r"[\s\x00-\x1f]*s[\s\x00-\x1f]*c[\s\x00-\x1f]*r[\s\x00-\x1f]*i[\s\x00-\x1f]*p[\s\x00-\x1f]*t"
    r"[\s\x00-\x1f]*:"
    r"|(?i:\bd[\s\x00-\x1f]*a[\s\x00-\x1f]*t[\s\x00-\x1f]*a[\s\x00-\x1f]*:)"
)
"""`javascript:`, `vbscript:` and `data:`, also with blanks or controls between the letters
(browsers remove tabs and newlines from URLs before they read the scheme)."""

_INERT_COLON = "\u200b:"
"""A zero-width space before the colon: the text reads the same, but `javascript\u200b:`
is not a URL scheme, so a link to it is a harmless relative link."""

_EVENT_HANDLER = re.compile(r"(?i)\bon[a-z]+\s*=")
_ENTITY = re.compile(r"&(?=#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;)")
_TEXT_ESCAPES = {
    "\\": "\\\\",
    "`": "\\`",
    "*": "\\*",
    "_": "\\_",
    "{": "\\{",
    "}": "\\}",
    "[": "\\[",
    "]": "\\]",
    "#": "\\#",
    "|": "\\|",
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
}
_TEXT_TABLE = str.maketrans(_TEXT_ESCAPES)
_NUMBERED = re.compile(r"^(\d+)([.)])")
_BLANKS = re.compile(r"\s+")
_URL_SAFE = "/:?#[]@!$&'*+,;=%~-._"
_ALLOWED_SCHEMES = ("http://", "https://", "mailto:")


def neutralize_schemes(text: str) -> str:
    """Make `javascript:`, `vbscript:`, `data:` and `onerror=`-like text inert everywhere.

    Escaping already keeps such text from becoming markup; this second layer means a
    search of the built HTML for these strings finds nothing, even as visible text.
    """
    text = _SCRIPT_SCHEME.sub(lambda m: m.group(0)[:-1] + _INERT_COLON, text)
    return _EVENT_HANDLER.sub(lambda m: m.group(0)[:-1] + "\u200b=", text)


def _clean(value: object) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def md_text(value: object) -> str:
    """Plain text for an inline Markdown position: nothing in it can become markup."""
    return _md_text(value) if isinstance(value, str) else _md_text(_clean(value))


@lru_cache(maxsize=65536)
def _md_text(value: str) -> str:
    text = _BLANKS.sub(" ", _clean(value)).strip()
    text = text.translate(_TEXT_TABLE)
    # List markers, numbered items and setext underlines only act at the start of a line.
    if text[:1] in ("-", "+"):
        text = "\\" + text
    elif text[:1] == "=":
        text = "&#61;" + text[1:]
    else:
        text = _NUMBERED.sub(r"\1\\\2", text)
    return neutralize_schemes(text)


def md_heading(value: object) -> str:
    """`md_text` for a heading: angle brackets become look-alike quotes.

    MkDocs takes a page's title from its `# heading` and both Material and Zensical print
    it as `{{ page.title | striptags }}`, which turns `&lt;/title&gt;` back into a live
    `</title>`. No `<` may survive in a heading, escaped or not.
    """
    return md_text(_clean(value).replace("<", "\u2039").replace(">", "\u203a"))


def md_block(value: object) -> str:
    """The user's Markdown, with raw HTML, entities, attribute lists and images disarmed, and
    links that cannot work from every page it is copied to shown as text (`_local_links`)."""
    text = _clean(value).strip("\n")
    text = _ENTITY.sub("&amp;", text)
    text = text.replace("<", "&lt;")
    text = text.replace("{", "\\{")
    text = text.replace("![", "\\![")
    return neutralize_schemes(_outside_code(text, _local_links))


_INLINE_LINK = re.compile(
    r"\[(?P<label>[^\[\]\n]{0,500})\]\([ \t]{0,10}"
    r"(?P<target>[^\s()]{0,2000}+(?:\([^\s()]{0,200}+\)[^\s()]{0,200}+)?)"
    r"(?:[ \t]{1,10}(?:\"[^\"\n]{0,500}\"|'[^'\n]{0,500}'))?[ \t]{0,10}\)"
)
_LINK_DEFINITION = re.compile(
    r"(?m)^( {0,3})\[(?=[^\]\n]{1,500}\]:[ \t]{0,10}(?P<target>\S{0,2000}))"
)
_WORKS_ANYWHERE = ("http://", "https://", "mailto:", "#")
_BACKTICKS = re.compile(r"(`+)")


def _local_links(text: str) -> str:
    """Links whose target is not absolute (http, https, mailto) or on the page itself.

    A description is copied to several pages at different depths (the architecture page,
    the runbook), so `design.md` cannot resolve from all of them, `mkdocs build --strict`
    fails on the one it cannot resolve, and an inert `javascript:` target is such a link
    too. They are shown as text: the label, then the target in brackets.
    """

    def inline(match: re.Match[str]) -> str:
        target = match.group("target")
        if target.lower().startswith(_WORKS_ANYWHERE):
            return match.group(0)
        return f"{match.group('label')} ({_md_text(target)})" if target else match.group("label")

    def definition(match: re.Match[str]) -> str:
        if match.group("target").lower().startswith(_WORKS_ANYWHERE):
            return match.group(0)
        return match.group(1) + "\\["

    return _LINK_DEFINITION.sub(definition, _INLINE_LINK.sub(inline, text))


def _outside_code(text: str, change: Callable[[str], str]) -> str:
    """`change` applied to the parts of Markdown text outside code spans and fences (a run
    of backticks up to the next run as long; one with no such run is plain text)."""
    if "`" not in text:
        return change(text)
    parts = _BACKTICKS.split(text)
    later: dict[int, int] = {}
    """Backtick run length -> how many runs of that length are still ahead."""
    for i in range(1, len(parts), 2):
        later[len(parts[i])] = later.get(len(parts[i]), 0) + 1
    out: list[str] = []
    plain: list[str] = [parts[0]]
    i = 1
    while i < len(parts):
        run = len(parts[i])
        later[run] -= 1
        if later[run] == 0:  # no closing run: literal backticks
            plain += [parts[i], parts[i + 1]]
            i += 2
            continue
        out.append(change("".join(plain)))
        code = [parts[i]]
        i += 1
        while i < len(parts):
            code.append(parts[i])
            if i % 2 == 1:
                later[len(parts[i])] -= 1
                if len(parts[i]) == run:
                    break
            i += 1
        out.append("".join(code))
        plain = [parts[i + 1]] if i + 1 < len(parts) else []
        i += 2
    out.append(change("".join(plain)))
    return "".join(out)


def md_inline(value: object) -> str:
    """`md_block` on one line, for a table cell: paragraphs and lists run together."""
    text = _BLANKS.sub(" ", md_block(value)).strip()
    return text.replace("|", "\\|")


def md_code(value: object) -> str:
    """Text shown in a code font; escaped like `md_text`."""
    text = md_text(value)
    return f"<code>{text}</code>" if text else ""


def md_url(value: object) -> str:
    """A link target for Markdown: an http(s) or mailto URL, percent-encoded; else ''."""
    url = _clean(value).strip()
    if not url.lower().startswith(_ALLOWED_SCHEMES) or _SCRIPT_SCHEME.search(url):
        return ""
    return quote(url, safe=_URL_SAFE).replace("(", "%28").replace(")", "%29")


def html(value: object) -> str:
    """Text for raw HTML (an attribute value or element text), with schemes made inert."""
    return str(escape(neutralize_schemes(_clean(value))))


def html_words(values: Iterable[object]) -> str:
    """Space-separated words for an HTML attribute such as `data-tags`."""
    return html(" ".join(str(v) for v in values))
