"""Reading a built site's search index, as the theme does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCRIPT_PREFIX = "var __index = "
"""How the offline plugin turns the index into a script for file:// pages."""


def search_index(site: Path) -> dict[str, Any]:
    """The search index of a built MkDocs site: its one file, `search/search_index.js` (the
    `mlopsdiag-search` plugin deletes the JSON copy), or `search_index.json` without it."""
    folder = site / "search"
    script = folder / "search_index.js"
    if script.is_file():
        text = script.read_text(encoding="utf-8")
        assert text.startswith(SCRIPT_PREFIX), text[:80]
        data: dict[str, Any] = json.loads(text[len(SCRIPT_PREFIX) :])
        return data
    loaded: dict[str, Any] = json.loads((folder / "search_index.json").read_text("utf-8"))
    return loaded
