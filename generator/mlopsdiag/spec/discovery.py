"""Find spec files below the paths a user gives, and show paths the way diagnostics do."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from mlopsdiag.catalog import CATALOG_FILE_NAME
from mlopsdiag.errors import Diagnostic, Severity

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
    # The same file reached by two paths (`specs/a.yaml` and `./specs/../specs/a.yaml`, or
    # through a symlink) is one file, checked once.
    unique: dict[Path, Path] = {}
    for p in found:
        unique.setdefault(p.resolve(), p)
    return list(unique.values())


def skipped(paths: Sequence[Path]) -> list[Diagnostic]:
    """What `discover` leaves out below the folders in `paths` that a user may have meant
    as specs: files ending in `.YAML` or `.YML` (a warning each) and folders that cannot be
    read (an error each: their specs go unchecked)."""
    out: list[Diagnostic] = []
    for path in paths:
        if not path.is_dir():
            continue

        def unreadable(exc: OSError, top: Path = path) -> None:
            where = Path(exc.filename) if exc.filename else top
            out.append(
                Diagnostic(
                    display_path(where),
                    1,
                    1,
                    f"cannot read this folder ({exc.strerror or exc}); the specs in it "
                    "were not checked",
                )
            )

        for folder, dirs, files in os.walk(path, onerror=unreadable):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                suffix = Path(name).suffix
                if suffix.lower() in SPEC_SUFFIXES and suffix not in SPEC_SUFFIXES:
                    out.append(
                        Diagnostic(
                            display_path(Path(folder) / name),
                            1,
                            1,
                            f"skipped: spec files end in .yaml or .yml in lower case, not "
                            f"{suffix}; rename it to check it",
                            severity=Severity.WARNING,
                        )
                    )
    return out


def display_path(path: Path) -> str:
    """A path as shown in diagnostics and on pages: relative to the working folder, also
    when outside it (`../shared/specs/a.yaml`), so no absolute local path is published."""
    resolved = path.resolve()
    cwd = Path.cwd().resolve()
    try:
        return resolved.relative_to(cwd).as_posix()
    except ValueError:
        pass
    try:
        return Path(os.path.relpath(resolved, cwd)).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
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
