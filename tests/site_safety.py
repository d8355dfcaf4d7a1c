"""Checks that built HTML carries no live markup from spec text (shared by the site tests)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background"}
)
DANGEROUS_URL = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
_STRIPPED = re.compile(r"[\x00-\x20]")


@dataclass
class LiveMarkup:
    """Everything in a page that could run code or fetch something."""

    handlers: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    inline_scripts: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = LiveMarkup()
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.tags.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.handlers.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value is not None:
                cleaned = _STRIPPED.sub("", value)
                if DANGEROUS_URL.match(cleaned):
                    self.found.urls.append(f"<{tag} {name}={value!r}>")
        values = dict(attrs)
        if tag == "script":
            self._in_script = True
            if values.get("src"):
                self.found.scripts.append(str(values["src"]))
        if tag in ("img", "image", "iframe", "embed", "video", "audio", "source"):
            self.found.images.append(str(values.get("src") or values.get("href") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.inline_scripts.append(data)


def live_markup(html: str) -> LiveMarkup:
    """Parse a page the way a browser would and list what is live in it."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.found


def assert_inert(html: str, where: str = "") -> None:
    """Fail if a page has event handlers, script URLs, foreign scripts or remote images."""
    found = live_markup(html)
    assert not found.handlers, f"{where}: event handlers {found.handlers}"
    assert not found.urls, f"{where}: script URLs {found.urls}"
    for src in found.scripts:
        assert not re.match(r"^(https?:)?//", src), f"{where}: remote script {src}"
        assert re.search(
            r"(assets/javascripts/|mlopsdiag/mlopsdiag\.js|iframe-worker|search)", src
        ), f"{where}: unexpected script {src}"
    for code in found.inline_scripts:
        assert "alert" not in code, f"{where}: injected inline script {code[:80]!r}"
    for src in found.images:
        assert not re.match(r"^(https?:)?//", src), f"{where}: remote image {src}"


def built_pages(site_dir: Path) -> list[Path]:
    """The HTML pages of a built site (not the theme's own assets)."""
    return sorted(
        p for p in site_dir.rglob("*.html") if "assets" not in p.relative_to(site_dir).parts
    )
