"""The `mlopsdiag-search` MkDocs plugin: one search index file in the built site.

With the `offline` plugin, MkDocs Material writes the search index twice:
`search/search_index.json`, which the theme fetches over HTTP, and `search/search_index.js`
(the same JSON as a script), which it loads from `file://`, where a page may not fetch
files. At 1,000 specs that is 20 MB written twice. This plugin, listed after `offline`:

- adds `mlopsdiag/search-index-shim.js` to the site and to the theme's polyfills (loaded
  before the theme's own script): over HTTP it answers the theme's request for
  `search_index.json` with the JSON inside `search_index.js`;
- deletes `search_index.json` once the offline plugin has written `search_index.js`.

Without the offline plugin it does nothing, so the site keeps its JSON index. Zensical
does not run MkDocs plugins and ignores this entry: its site keeps `search.json` and
`search.js`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from mlopsdiag.templates_dir import builtin_templates

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

SHIM = "mlopsdiag/search-index-shim.js"
"""Where the shim goes in the site (beside the other files of mlopsdiag)."""
OFFLINE_PLUGINS = ("offline", "material/offline")


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
        """Delete the JSON copy of the search index when the script copy is there."""
        folder = Path(config.site_dir) / "search"
        script = folder / "search_index.js"
        json = folder / "search_index.json"
        if _offline(config) and script.is_file() and json.is_file():
            json.unlink()
            log.debug("mlopsdiag-search: kept %s only", script)
