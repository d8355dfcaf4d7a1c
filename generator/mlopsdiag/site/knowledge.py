"""The MLOps knowledge pages (generator/mlopsdiag/knowledge/*.md) read into frozen records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from mlopsdiag.catalog import Source, source_from_data
from mlopsdiag.errors import MlopsdiagError
from mlopsdiag.templates_dir import package_data_dir

KNOWLEDGE_DIR = package_data_dir("mlopsdiag") / "knowledge"


@dataclass(frozen=True)
class Concept:
    """One knowledge page: front matter plus its Markdown body (trusted, ours)."""

    id: str
    title: str
    summary: str
    capabilities: tuple[str, ...]
    rules: tuple[str, ...]
    related: tuple[str, ...]
    sources: tuple[Source, ...]
    body: str


def _strings(raw: Any) -> tuple[str, ...]:
    return tuple(str(x) for x in raw or ())


def parse_concept(text: str, origin: str) -> Concept:
    """Split a knowledge page into its front matter and body."""
    if not text.startswith("---\n"):
        raise MlopsdiagError(f"{origin}: a knowledge page starts with YAML front matter (---)")
    end = text.find("\n---\n", 4)
    if end < 0:
        raise MlopsdiagError(f"{origin}: the front matter is not closed with ---")
    meta = yaml.safe_load(text[4:end]) or {}
    if not isinstance(meta, dict) or not meta.get("id") or not meta.get("title"):
        raise MlopsdiagError(f"{origin}: the front matter needs at least `id` and `title`")
    return Concept(
        id=str(meta["id"]),
        title=str(meta["title"]),
        summary=str(meta.get("summary", "")).strip(),
        capabilities=_strings(meta.get("capabilities")),
        rules=_strings(meta.get("rules")),
        related=_strings(meta.get("related")),
        sources=tuple(source_from_data(s) for s in meta.get("sources") or ()),
        body=text[end + 5 :].strip("\n") + "\n",
    )


@cache
def load_concepts(folder: Path = KNOWLEDGE_DIR) -> Mapping[str, Concept]:
    """Every knowledge page by id, sorted by id."""
    found = {}
    for path in sorted(folder.glob("*.md")):
        concept = parse_concept(path.read_text(encoding="utf-8"), path.name)
        found[concept.id] = concept
    return MappingProxyType(dict(sorted(found.items())))
