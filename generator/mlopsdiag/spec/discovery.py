"""Find spec files below the paths a user gives, and show paths the way diagnostics do."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mlopsdiag.catalog import CATALOG_FILE_NAME

SPEC_SUFFIXES = (".yaml", ".yml")
CONFIG_FILE_NAME = "mlopsdiag-config.yaml"
NOT_SPECS = frozenset({CATALOG_FILE_NAME, CONFIG_FILE_NAME})


def discover(paths: Sequence[Path]) -> list[Path]:
    """Expand folders into the spec files below them, sorted; keep files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.suffix in SPEC_SUFFIXES
                and p.name not in NOT_SPECS
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append(path)
    unique: dict[Path, None] = {}
    for p in found:
        unique.setdefault(p, None)
    return list(unique)


def display_path(path: Path) -> str:
    """A path as shown in diagnostics: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def find_upwards(start: Path, name: str) -> Path | None:
    """The nearest file called `name` in `start` or its parents, stopping at a git root."""
    folder = start.resolve()
    while True:
        candidate = folder / name
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent
