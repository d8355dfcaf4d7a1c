"""The `mlopsdiag-search` MkDocs plugin: one search index file in the built site.

With the `offline` plugin, MkDocs Material writes the search index twice:
`search/search_index.json`, which the theme fetches over HTTP, and `search/search_index.js`
(the same JSON as a script), which it loads from `file://`, where a page may not fetch
files. At 1,000 specs that is 20 MB written twice. This plugin, listed after `offline`:

- adds `mlopsdiag/search-index-shim.js` to the site and to the theme's polyfills (loaded
  before the theme's own script): over HTTP it answers the theme's request for
  `search_index.json` with the JSON inside `search_index.js`;
- deletes `search_index.json` once the offline plugin has written `search_index.js`.

Without the offline plugin it does nothing, so the site keeps its JSON index.

It also makes `404.html` work from `file://` and under a sub-path: MkDocs writes that page
with root-absolute links (`/assets/...`), since a server shows it for a missing page at
any depth. The plugin makes them relative to the site's root, and a line of script in its
head sets the page's base to the site's root path (from `site_url`, else `/`) when the
page is served for another address; opened as itself (a file, or `404.html` under a
sub-path) the relative links need no base.

Zensical does not run MkDocs plugins and ignores this entry: its site keeps `search.json`
and `search.js`, and its own 404 page.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from mlopsdiag.templates_dir import builtin_templates

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

SHIM = "mlopsdiag/search-index-shim.js"
"""Where the shim goes in the site (beside the other files of mlopsdiag)."""
OFFLINE_PLUGINS = ("offline", "material/offline")
NOT_FOUND_PAGE = "404.html"
_ROOTED = re.compile(r'(\s(?:href|src)=")/(?!/)')
_THEME_BASE = re.compile(r'"base": "[^"]*"')
_THEME_SEARCH = re.compile(r'("search": ")/')
"""The theme's settings of the page (`__config`): its root and its search worker."""


def relative_not_found(html: str, root: str) -> str:
    """A 404 page whose root-absolute links (`/x`, or `ROOT/x` under a `site_url` path)
    are relative to the site's root, with a base of `root` set where it is served for
    another address than its own."""
    prefix = root.rstrip("/") + "/"
    if prefix != "/":
        html = html.replace(f'"{prefix}', '"/')
    html = _ROOTED.sub(r"\1", html)
    html = _THEME_SEARCH.sub(r"\1", _THEME_BASE.sub('"base": "."', html))
    own = json.dumps(prefix + NOT_FOUND_PAGE)
    base = json.dumps(f'<base href="{prefix}">')
    script = (
        f'<script>if (location.protocol !== "file:" && !location.pathname.endsWith({own})) '
        f"document.write({base});</script>"
    )
    return re.sub(r"<head>", lambda m: m.group(0) + script, html, count=1)


def _offline(config: MkDocsConfig) -> bool:
    """True when the offline plugin is on, i.e. writes `search_index.js`."""
    for name in OFFLINE_PLUGINS:
        plugin = config.plugins.get(name)
        if plugin is not None:
            return bool(getattr(plugin, "config", {}).get("enabled", True))
    return False


class OneSearchIndexPlugin(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Keeps `search_index.js` only; a small script serves it to the theme over HTTP."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Load the shim before the theme's script, once."""
        if _offline(config):
            polyfills = config.extra.setdefault("polyfills", [])
            if SHIM not in polyfills:
                polyfills.append(SHIM)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Add the shim to the site, unless the docs folder has its own."""
        if _offline(config) and files.get_file_from_path(SHIM) is None:
            source = builtin_templates() / "assets" / Path(SHIM).name
            files.append(File.generated(config, SHIM, content=source.read_text(encoding="utf-8")))
        return files

    @event_priority(-200)  # after the offline plugin (-100) wrote search_index.js
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Delete the JSON copy of the search index when the script copy is there; make the
        404 page's links relative."""
        page = Path(config.site_dir) / NOT_FOUND_PAGE
        if page.is_file():
            root = urlsplit(config.site_url or "").path or "/"
            html = page.read_text(encoding="utf-8")
            page.write_text(relative_not_found(html, root), encoding="utf-8")
        folder = Path(config.site_dir) / "search"
        script = folder / "search_index.js"
        copy = folder / "search_index.json"
        if _offline(config) and script.is_file() and copy.is_file():
            copy.unlink()
            log.debug("mlopsdiag-search: kept %s only", script)
