"""User text made safe for Graphviz: HTML-like label markup and plain attribute strings.

Every name, label and description reaches Graphviz through one of these functions, so a
component called `<script>` or `"; URL="javascript:…` is drawn as the text it is.
"""

from __future__ import annotations

import re
import textwrap
from functools import lru_cache

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SPACES = re.compile(r"\s+")

# Graphviz expands `\N`, `\G`... even in the text of HTML-like labels, and reads `\\` as
# one backslash there, so a backslash is doubled on top of the XML escapes.
_HTML_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "\\": "\\\\"}
)


def clean(text: str) -> str:
    """One line of text: control characters dropped, whitespace runs collapsed."""
    return _SPACES.sub(" ", _CONTROL.sub("", text)).strip()


_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"`+|\*\*|__")


def plain(text: str) -> str:
    """Inline Markdown as a reader sees it: `code`, **strong** and [links](url) keep only
    their words (a process step's `do` is Markdown on the page, plain text in a picture)."""
    return _MD_MARKS.sub("", _MD_LINK.sub(r"\1", text))


def html_text(text: str) -> str:
    """Text escaped for the inside of a Graphviz HTML-like label (an XML fragment)."""
    return clean(text).translate(_HTML_ESCAPES)


@lru_cache(maxsize=4096)  # a name is wrapped again in each of a spec's pictures
def wrapped_html(text: str, width: int, max_lines: int = 4) -> str:
    """Text wrapped into at most `max_lines` lines of about `width` characters, as label markup."""
    # A word is split only when it is far longer than a line ("InferenceService" stays
    # whole in a narrow label; a 60-character token does not widen the box to 60).
    whole = textwrap.wrap(clean(text), width, break_on_hyphens=False, break_long_words=False)
    lines = [part for line in whole for part in textwrap.wrap(line, 2 * width)] or [""]
    if len(lines) > max_lines:
        lines = [
            *lines[: max_lines - 1],
            textwrap.shorten(" ".join(lines[max_lines - 1 :]), width, placeholder=" …"),
        ]
    return "<BR/>".join(line.translate(_HTML_ESCAPES) for line in lines)


def attr_text(text: str, limit: int = 600) -> str:
    """Text for a plain Graphviz string attribute such as `tooltip`.

    Graphviz gives backslash sequences (`\\N`, `\\G`, `\\l`...) a meaning in these attributes
    and its versions disagree on how to escape them, so a backslash becomes the look-alike
    U+29F5. `&` becomes `&amp;`: Graphviz copies entity-looking text (`&D;`) into SVG as is,
    which would make the file invalid XML. Quotes are left to the DOT writer.
    """
    text = clean(text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text.replace("\\", "\u29f5").replace("&", "&amp;")


def comment_text(text: str) -> str:
    """Text that can sit inside a DOT `//` comment and an XML `<!-- -->` comment."""
    return clean(text).replace("--", "- -").replace("\\", "/")
