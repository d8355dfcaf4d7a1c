"""The render cache: which outputs already match their inputs, by content hash.

A spec's key hashes everything its pictures depend on: the spec's bytes and file name, its
catalogue (built-in data and icons, or the project's file and icons), the versions of
mlopsdiag, `diagrams`, the `graphviz` package and Graphviz itself, and the formats asked
for. The cache file lives inside the output folder and names no path outside it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from mlopsdiag import __version__
from mlopsdiag.catalog import CATALOG_FILE_NAME
from mlopsdiag.errors import Diagnostic
from mlopsdiag.spec.validate import find_upwards, load_project_catalog
from mlopsdiag.writer import inside, write_atomic

CACHE_FILE = ".mlopsdiag-cache.json"
CACHE_FORMAT = 1

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The code and data a picture depends on; a change to any of them (even without a new
# version number, as during development) invalidates the cache.
_CODE_GLOBS = (
    "render/*.py",
    "spec/*.py",
    "deployed/*.py",
    "catalog/*.py",
    "catalog/*.yaml",
    "catalog/icons/*",
)
_CODE_FILES = ("__init__.py", "errors.py", "writer.py")


def _digest(parts: Iterable[bytes]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


def code_fingerprint() -> str:
    """A hash of mlopsdiag's rendering code and built-in catalogue, and of the libraries."""
    files = sorted(
        {p for pattern in _CODE_GLOBS for p in PACKAGE_DIR.glob(pattern) if p.is_file()}
        | {PACKAGE_DIR / name for name in _CODE_FILES}
    )
    parts = [
        f"cache-format {CACHE_FORMAT}".encode(),
        f"mlopsdiag {__version__}".encode(),
        f"diagrams {_version('diagrams')}".encode(),
        f"graphviz-py {_version('graphviz')}".encode(),
    ]
    for path in files:
        parts += [path.relative_to(PACKAGE_DIR).as_posix().encode(), path.read_bytes()]
    return _digest(parts)


class Keys:
    """Computes spec keys, loading each project catalogue once (and keeping its problems)."""

    def __init__(self, graphviz: str, formats: Iterable[str], options: str = "") -> None:
        self.base = _digest(
            [
                code_fingerprint().encode(),
                graphviz.encode(),
                ",".join(sorted(formats)).encode(),
                options.encode(),
            ]
        )
        self.catalog_files: dict[Path, Path | None] = {}
        self.catalogs: dict[Path | None, str] = {None: "built-in"}
        self.problems: list[Diagnostic] = []
        self.manifest_keys: dict[Path, str] = {}

    def _catalog(self, folder: Path) -> str:
        if folder not in self.catalog_files:
            self.catalog_files[folder] = find_upwards(folder, CATALOG_FILE_NAME)
        found = self.catalog_files[folder]
        if found not in self.catalogs:
            assert found is not None
            catalog, problems = load_project_catalog(found)
            self.problems.extend(problems)
            parts = [found.read_bytes()]
            for tool in sorted(catalog.tools.values(), key=lambda t: t.id):
                if not tool.builtin and tool.icon.file is not None and tool.icon.file.is_file():
                    parts += [tool.id.encode(), tool.icon.file.read_bytes()]
            self.catalogs[found] = _digest(parts)
        return self.catalogs[found]

    def key(self, spec: Path) -> str:
        """The cache key of one spec file."""
        catalog = self._catalog(spec.parent)
        return _digest(
            [
                self.base.encode(),
                catalog.encode(),
                spec.name.encode(),
                spec.read_bytes(),
                self._manifests(spec.parent).encode(),
            ]
        )

    def _manifests(self, folder: Path) -> str:
        """The state of the manifests that mlopsdiag-config.yaml names for `drift` (the
        views mark each component as they compare): their names, sizes and times."""
        from mlopsdiag.config import find_config, load_config

        if folder not in self.manifest_keys:
            found = find_config(folder / "spec.yaml")
            parts: list[bytes] = []
            manifests = load_config(found)[0].drift_manifests if found is not None else ()
            for top in manifests:
                files = sorted(top.rglob("*")) if top.is_dir() else [top]
                for path in files:
                    if path.is_file():
                        stat = path.stat()
                        parts.append(f"{path} {stat.st_mtime_ns} {stat.st_size}".encode())
            self.manifest_keys[folder] = _digest(parts) if parts else ""
        return self.manifest_keys[folder]


@dataclass
class Entry:
    """What one render of one spec wrote: its name and its files (relative path -> size)."""

    name: str
    files: dict[str, int] = field(default_factory=dict)


class RenderCache:
    """Spec key -> the outputs made from it; at most one entry per architecture name."""

    def __init__(self, out: Path, entries: dict[str, Entry] | None = None) -> None:
        self.out = out
        self.entries: dict[str, Entry] = entries or {}

    @classmethod
    def load(cls, out: Path) -> RenderCache:
        """The cache of an output folder (empty if missing or unreadable)."""
        try:
            raw: Any = json.loads((out / CACHE_FILE).read_bytes())
            if raw.get("format") != CACHE_FORMAT:
                return cls(out)
            entries = {
                str(key): Entry(
                    str(value["name"]), {str(f): int(s) for f, s in value["files"].items()}
                )
                for key, value in raw["entries"].items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls(out)
        return cls(out, entries)

    def hit(self, key: str) -> Entry | None:
        """The entry of a key if every file it lists is still there, unchanged in size."""
        entry = self.entries.get(key)
        if entry is None:
            return None
        out = str(self.out)  # os.path: thousands of files, where pathlib's joins add up
        for relative, size in entry.files.items():
            try:
                if os.stat(os.path.join(out, relative)).st_size != size:  # noqa: PTH116, PTH118
                    return None
            except OSError:
                return None
        return entry

    def record(self, key: str, name: str, files: Mapping[str, int]) -> list[Path]:
        """Store a fresh render; return the files of the name's older renders it no longer makes.

        A file in a format this render did not make (a PNG after `--format svg`) is kept, and
        listed with the new render, as long as its view still exists: rendering one format
        never deletes another.
        """
        made = {PurePosixPath(f).suffix for f in files}
        views = {str(PurePosixPath(f).with_suffix("")) for f in files}
        kept = dict(files)
        stale: list[Path] = []
        for old_key, entry in list(self.entries.items()):
            if entry.name != name:
                continue
            for relative, size in entry.files.items():
                if relative in files:
                    continue
                path = PurePosixPath(relative)
                if path.suffix not in made and str(path.with_suffix("")) in views:
                    kept.setdefault(relative, size)
                else:
                    stale.append(inside(self.out, Path(relative)))
            del self.entries[old_key]
        self.entries[key] = Entry(name, dict(sorted(kept.items())))
        return stale

    def prune(self, names: set[str]) -> list[Path]:
        """Forget the renders of architectures not in `names` (deleted or renamed specs);
        return the files they wrote, which are the only files removed for them."""
        gone: list[Path] = []
        for key, entry in list(self.entries.items()):
            if entry.name in names:
                continue
            gone.extend(inside(self.out, Path(relative)) for relative in entry.files)
            del self.entries[key]
        return gone

    def save(self) -> None:
        """Write the cache file (atomically)."""
        payload = {
            "format": CACHE_FORMAT,
            "entries": {
                key: {"name": e.name, "files": dict(sorted(e.files.items()))}
                for key, e in sorted(self.entries.items())
            },
        }
        data = json.dumps(payload, indent=1, sort_keys=True).encode("utf-8") + b"\n"
        write_atomic(self.out / CACHE_FILE, data)
