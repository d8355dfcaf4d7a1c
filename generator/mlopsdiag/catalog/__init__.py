"""The tool catalogue and the capability taxonomy: data files read into frozen records."""

from __future__ import annotations

import datetime as dt
import json
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from mlopsdiag.templates_dir import package_data_dir

DATA_DIR = package_data_dir(__name__)
"""The catalogue's data files and icons, found with importlib.resources."""
CATALOG_FILE_NAME = "mlopsdiag-catalog.yaml"
"""A project's own tools live in a file of this name next to (or above) its specs."""
STAGES = ("data", "training", "release", "serving", "operations")
"""Lifecycle stages, in the order a model goes through them (capabilities.yaml `stage`)."""
STAGE_NAMES = {
    "data": "Data",
    "training": "Training",
    "release": "Release",
    "serving": "Serving",
    "operations": "Operations",
    "": "Other",
}
"""How pages and pictures name each stage (empty: a capability with no stage)."""


@dataclass(frozen=True)
class Source:
    """A citation: a paper, a book chapter, or a documentation page."""

    title: str
    url: str = ""
    author: str = ""
    publisher: str = ""
    year: int | None = None
    where: str = ""

    def cite(self) -> str:
        """One-line citation text (no markup)."""
        parts = [p for p in (self.author, f"“{self.title}”", self.publisher) if p]
        text = ", ".join(parts)
        if self.year:
            text += f" ({self.year})"
        if self.where:
            text += f", {self.where}"
        return text


@dataclass(frozen=True)
class Capability:
    """One capability of the MLOps taxonomy."""

    id: str
    name: str
    definition: str
    stage: str = ""
    sources: tuple[Source, ...] = ()
    concepts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Logo:
    """Where a drawn icon's logo comes from: its source, licence and trademark note."""

    source: str
    slug: str
    license: str
    trademark: str


@dataclass(frozen=True)
class Icon:
    """What a tool looks like: a `diagrams` node class, or a PNG file."""

    diagrams: str = ""
    file: Path | None = None
    logo: Logo | None = None
    """For a built-in icon drawn with the tool's logo (scripts/make_icons.py)."""


STATUSES = ("active", "maintenance", "archived", "renamed")
"""What a catalogue entry's `status` may say about the tool's upkeep."""
UNMAINTAINED = frozenset({"maintenance", "archived"})
"""Statuses that the `tool-unmaintained` rule reports in production specs."""
SOURCE_AVAILABLE = re.compile(r"^(BUSL-|SSPL-|Elastic-|LicenseRef-)")
"""SPDX ids of licences that are not open source: source-available or commercial."""
HOSTED_SERVICE = "LicenseRef-Commercial-Service"
"""The `license` of a hosted commercial service: a contract, not a software licence, governs it."""


@dataclass(frozen=True)
class Tool:
    """One tool of the catalogue."""

    id: str
    name: str
    capabilities: tuple[str, ...]
    homepage: str = ""
    description: str = ""
    icon: Icon = field(default_factory=Icon)
    builtin: bool = True
    aliases: tuple[str, ...] = ()
    """Other names people write for the tool in prose (`W&B`), for finding stale mentions."""
    offers: tuple[str, ...] = ()
    """Capabilities the tool can also provide, that a spec declares where the system uses them."""
    former_names: tuple[str, ...] = ()
    """Names the tool had before (still searched for on the site)."""
    license: str = ""
    """SPDX licence id (`LicenseRef-...` for a proprietary service)."""
    status: str = "active"
    """`active`, `maintenance`, `archived` or `renamed`."""
    renamed_to: str = ""
    """The product's current name when `status` is `renamed`."""
    status_note: str = ""
    """One sentence on the licence or status, with dates (e.g. when a licence changed)."""
    checked: dt.date | None = None
    """When the licence, status and names were last checked against the tool's own pages."""
    sources: tuple[Source, ...] = ()
    """Where the licence, status and names were checked."""

    @property
    def source_available(self) -> bool:
        """True when the licence is not an open-source one (BUSL, SSPL, a commercial service)."""
        options = [o.strip("() ") for o in self.license.split(" OR ")] if self.license else []
        return bool(options) and all(SOURCE_AVAILABLE.match(o) for o in options)

    @property
    def hosted_service(self) -> bool:
        """True for a hosted commercial service (its contract, not a licence, governs use)."""
        return self.license == HOSTED_SERVICE


@dataclass(frozen=True)
class Catalog:
    """Tools and capabilities known to a set of specs."""

    tools: Mapping[str, Tool]
    capabilities: Mapping[str, Capability]
    source: str = ""
    rejected: frozenset[str] = frozenset()
    """Ids of project tools whose catalogue entries have errors."""

    def extended(
        self, tools: Mapping[str, Tool], source: str, rejected: frozenset[str] = frozenset()
    ) -> Catalog:
        """A catalogue with a project's own tools added."""
        merged = dict(self.tools)
        merged.update(tools)
        return Catalog(MappingProxyType(merged), self.capabilities, source, rejected)

    def capability_icon(self, capability: str) -> Path:
        """The project-made icon for a capability (for components without a tool)."""
        return DATA_DIR / "icons" / f"capability-{capability}.png"


def source_from_data(raw: Mapping[str, Any]) -> Source:
    """Build a Source from a `sources:` entry of a data file."""
    return Source(
        title=str(raw["title"]),
        url=str(raw.get("url", "")),
        author=str(raw.get("author", "")),
        publisher=str(raw.get("publisher", "")),
        year=int(raw["year"]) if raw.get("year") is not None else None,
        where=str(raw.get("where", "")),
    )


def compiled_path(path: Path) -> Path:
    """Where the JSON copy of the data file `path` lives (`tools.yaml` -> `tools.json`)."""
    return path.with_suffix(".json")


def source_digest(raw: bytes) -> str:
    """The digest a JSON copy records of the YAML text it was made from (to notice an
    edit, not to resist tampering: the copies ship inside the package)."""
    return f"crc32:{zlib.crc32(raw):08x}:{len(raw)}"


def read_data_yaml(path: Path) -> Any:
    """Read one of mlopsdiag's own data files (trusted, but still with a safe loader).

    The YAML file is the one people edit; `scripts/make_data.py` writes a JSON copy beside
    it that reads about forty times faster, which every run pays for at start-up. The copy
    is used only while it records the digest of the YAML text as it is now, so an edited
    YAML file is never shadowed by a stale copy (it is just read more slowly).
    """
    raw = path.read_bytes()
    try:
        compiled = json.loads(compiled_path(path).read_bytes())
    except (OSError, ValueError):
        compiled = None
    if isinstance(compiled, dict) and compiled.get("source_digest") == source_digest(raw):
        return compiled["data"]
    return yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


def tool_from_data(raw: Mapping[str, Any], base: Path, *, builtin: bool) -> Tool:
    """Build a Tool from its catalogue entry; icon files are relative to `base`."""
    icon_raw = raw.get("icon") or {}
    if isinstance(icon_raw, str):
        icon = Icon(file=base / icon_raw)
    else:
        file = icon_raw.get("file")
        logo_raw = icon_raw.get("logo") if builtin else None
        logo = (
            Logo(
                source=str(logo_raw["source"]),
                slug=str(logo_raw["slug"]),
                license=str(logo_raw["license"]),
                trademark=str(logo_raw["trademark"]),
            )
            if logo_raw
            else None
        )
        icon = Icon(
            diagrams=str(icon_raw.get("diagrams", "")),
            file=base / file if file else None,
            logo=logo,
        )
    checked = raw.get("checked")
    return Tool(
        id=str(raw["id"]),
        name=str(raw.get("name") or raw["id"]),
        capabilities=tuple(str(c) for c in raw.get("capabilities") or ()),
        homepage=str(raw.get("homepage", "")),
        description=str(raw.get("description", "")),
        icon=icon,
        builtin=builtin,
        aliases=tuple(str(a) for a in raw.get("aliases") or ()),
        offers=tuple(str(c) for c in raw.get("offers") or ()),
        former_names=tuple(str(n) for n in raw.get("former_names") or ()),
        license=str(raw.get("license", "")),
        status=str(raw.get("status") or "active"),
        renamed_to=str(raw.get("renamed_to", "")),
        status_note=str(raw.get("status_note", "")),
        checked=dt.date.fromisoformat(str(checked)) if checked else None,
        sources=tuple(source_from_data(s) for s in raw.get("sources") or ()),
    )


@cache
def builtin_catalog() -> Catalog:
    """The catalogue shipped with mlopsdiag (read once per process)."""
    caps_raw = read_data_yaml(DATA_DIR / "capabilities.yaml")["capabilities"]
    capabilities = {
        str(c["id"]): Capability(
            id=str(c["id"]),
            name=str(c["name"]),
            definition=str(c.get("definition", "")).strip(),
            stage=str(c.get("stage", "")),
            sources=tuple(source_from_data(s) for s in c.get("sources") or ()),
            concepts=tuple(str(x) for x in c.get("concepts") or ()),
        )
        for c in caps_raw
    }
    tools_raw = read_data_yaml(DATA_DIR / "tools.yaml")["tools"]
    tools = {str(t["id"]): tool_from_data(t, DATA_DIR, builtin=True) for t in tools_raw}
    return Catalog(MappingProxyType(tools), MappingProxyType(capabilities), "built-in")
