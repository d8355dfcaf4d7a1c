"""Validate specs: load each file, check it against the schema, its cross-references and the
secret rules, check names across files, and build the typed model of every spec that passes."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from mlopsdiag.catalog import CATALOG_FILE_NAME, Catalog, builtin_catalog
from mlopsdiag.errors import Diagnostic, MlopsdiagError
from mlopsdiag.spec.build import build_model
from mlopsdiag.spec.checker import SchemaChecker
from mlopsdiag.spec.discovery import CONFIG_FILE_NAME, discover, display_path, find_upwards
from mlopsdiag.spec.loader import Document, load_file
from mlopsdiag.spec.model import Architecture
from mlopsdiag.spec.project_catalog import load_project_catalog
from mlopsdiag.spec.references import References
from mlopsdiag.spec.schema import spec_schema
from mlopsdiag.spec.secrets import check_secrets, drop_echoes

# Re-exported: callers read the whole validation API from this module.
__all__ = [
    "CONFIG_FILE_NAME",
    "SpecResult",
    "discover",
    "display_path",
    "find_upwards",
    "load_project_catalog",
    "spec_schema_cached",
    "validate_document",
    "validate_file",
    "validate_paths",
]


@dataclass
class SpecResult:
    """What validation made of one file."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    architecture: Architecture | None = None
    document: Document | None = None

    @property
    def ok(self) -> bool:
        """True when the file has no errors."""
        return self.architecture is not None

    @property
    def declared_name(self) -> str | None:
        """The `metadata.name` the file declares, valid or not (None if it has none)."""
        data = self.document.data if self.document is not None else None
        meta = data.get("metadata") if isinstance(data, dict) else None
        name = meta.get("name") if isinstance(meta, dict) else None
        return name if isinstance(name, str) else None


def validate_document(doc: Document, catalog: Catalog) -> SpecResult:
    """Validate one loaded document; build its model when it has no errors."""
    out: list[Diagnostic] = []
    hidden = check_secrets(doc, out)
    secrets = len(out)
    SchemaChecker(doc, out).check(spec_schema_cached(), doc.data, ())
    References(doc, catalog, out).run()
    out = drop_echoes(out, secrets, hidden)
    result = SpecResult(doc.path, sorted(out, key=Diagnostic.sort_key), document=doc)
    if not out:
        result.architecture = build_model(doc, catalog)
    return result


@cache
def spec_schema_cached() -> Mapping[str, Any]:
    """The spec schema, built once per process."""
    return spec_schema()


@contextmanager
def few_collections() -> Iterator[None]:
    """Run the garbage collector less often while many small objects are built.

    Loading creates hundreds of thousands of containers and no reference cycles; with
    the default thresholds the collector rescans them over and over (about 40% of the
    time of a large run).
    """
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], 100_000), max(old[1], 50), max(old[2], 100))
    try:
        yield
    finally:
        gc.set_threshold(*old)


class Catalogs:
    """The catalogue of each spec: the built-in one, or the project catalogue found next to
    or above the spec, each file read once per run."""

    def __init__(self) -> None:
        self._folders: dict[Path, Path | None] = {}
        self._loaded: dict[Path | None, tuple[Catalog, list[Diagnostic]]] = {}

    def locate(self, spec: Path) -> Path | None:
        """The project catalogue file that applies to `spec` (None: the built-in catalogue)."""
        folder = spec.parent
        if folder not in self._folders:
            self._folders[folder] = find_upwards(folder, CATALOG_FILE_NAME)
        return self._folders[folder]

    def load(self, catalog_file: Path | None) -> tuple[Catalog, list[Diagnostic]]:
        """The catalogue read from `catalog_file`; its problems come only the first time."""
        if catalog_file in self._loaded:
            return self._loaded[catalog_file][0], []
        if catalog_file is None:
            loaded: tuple[Catalog, list[Diagnostic]] = (builtin_catalog(), [])
        else:
            loaded = load_project_catalog(catalog_file)
        self._loaded[catalog_file] = loaded
        return loaded


def validate_file(file: Path, catalog: Catalog) -> SpecResult:
    """Load and validate one spec file against `catalog` (checks across files excluded)."""
    shown = display_path(file)
    try:
        doc = load_file(file, shown)
    except MlopsdiagError as exc:
        return SpecResult(shown, list(exc.diagnostics))
    return validate_document(doc, catalog)


def validate_paths(paths: Sequence[Path]) -> list[SpecResult]:
    """Validate every spec below `paths`, including checks across files."""
    with few_collections():
        return _validate_paths(paths)


def _validate_paths(paths: Sequence[Path]) -> list[SpecResult]:
    catalogs = Catalogs()
    results: list[SpecResult] = []
    catalog_problems: list[Diagnostic] = []
    for file in discover(paths):
        catalog, problems = catalogs.load(catalogs.locate(file))
        catalog_problems.extend(problems)
        results.append(validate_file(file, catalog))
    _check_unique_names(results)
    if catalog_problems:
        unique = sorted(set(catalog_problems), key=Diagnostic.sort_key)
        path = unique[0].path
        results.insert(0, SpecResult(path, unique))
    return results


def duplicate_name(path: str, at: tuple[int, int], name: str, first: str) -> Diagnostic:
    """The error of a spec whose `metadata.name` (at `at`) the spec at `first` already uses."""
    return Diagnostic(
        path,
        *at,
        f"metadata.name {name!r} is already used by {first}; "
        "names must be unique across a spec set",
        "metadata.name",
    )


def _check_unique_names(results: list[SpecResult]) -> None:
    first: dict[str, SpecResult] = {}
    for result in results:
        doc = result.document
        name = result.declared_name
        if doc is None or name is None:
            continue
        if name in first:
            at = doc.pos(("metadata", "name"))
            result.diagnostics.append(duplicate_name(doc.path, at, name, first[name].path))
            result.diagnostics.sort(key=Diagnostic.sort_key)
            result.architecture = None
        else:
            first[name] = result
