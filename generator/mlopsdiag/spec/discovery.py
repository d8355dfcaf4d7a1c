"""Find spec files below the paths a user gives, and show paths the way diagnostics do."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mlopsdiag.catalog import CATALOG_FILE_NAME
from mlopsdiag.errors import Diagnostic, Severity, visible

SPEC_SUFFIXES = (".yaml", ".yml")
CONFIG_FILE_NAME = "mlopsdiag-config.yaml"
NOT_SPECS = frozenset({CATALOG_FILE_NAME, CONFIG_FILE_NAME})


@dataclass
class Found:
    """What one walk below the paths a user gave turned up."""

    files: list[Path] = field(default_factory=list)
    """The spec files, in order: sorted within each folder given, files as given."""
    skipped: list[Diagnostic] = field(default_factory=list)
    """What was left out that a user may have meant as specs: files ending in `.YAML` or
    `.YML` and hidden spec files (a warning each), folders that cannot be read and names
    with control characters (an error each: their specs go unchecked)."""


def find_specs(paths: Sequence[Path]) -> Found:
    """Expand folders into the spec files below them (hidden files and folders left out)
    and say what was skipped, in one walk of each folder."""
    found = Found()
    _REAL_FOLDERS.clear()  # folders are resolved afresh on each walk (a link may have moved)
    listed: list[Path] = []
    for path in paths:
        if path.is_dir():
            listed.extend(sorted(_walk(path, found.skipped)))
        else:
            listed.append(path)
    # The same file reached by two paths (`specs/a.yaml` and `./specs/../specs/a.yaml`, or
    # through a symlink) is one file, checked once.
    unique: dict[Path, Path] = {}
    for p in listed:
        unique.setdefault(real_path(p), p)
    found.files = list(unique.values())
    return found


def _walk(top: Path, skipped: list[Diagnostic]) -> Iterator[Path]:
    def unreadable(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else top
        skipped.append(
            Diagnostic(
                display_path(where),
                1,
                1,
                f"cannot read this folder ({exc.strerror or exc}); the specs in it "
                "were not checked",
            )
        )

    def skip(path: Path, why: str, severity: Severity = Severity.WARNING) -> None:
        # The name is shown escaped in every format, so a line break in it forges nothing.
        skipped.append(Diagnostic(visible(display_path(path)), 1, 1, why, severity=severity))

    # Symbolic links to folders are not followed (a loop would never end), as before.
    for folder, dirs, files in os.walk(top, onerror=unreadable):
        for d in dirs:
            if not d.startswith(".") and _CONTROL.search(d):
                skip(Path(folder, d), _CONTROL_NAME + " folder", Severity.ERROR)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not _CONTROL.search(d))
        for name in sorted(files):
            if name in NOT_SPECS:
                continue
            suffix = Path(name).suffix
            if name.startswith("."):
                if suffix.lower() in SPEC_SUFFIXES:
                    skip(
                        Path(folder, name),
                        "skipped: hidden files (a name starting with '.') are not specs; "
                        "rename it to check it",
                    )
                continue
            if _CONTROL.search(name):
                if suffix.lower() in SPEC_SUFFIXES:
                    skip(Path(folder, name), _CONTROL_NAME + " file", Severity.ERROR)
                continue
            if suffix in SPEC_SUFFIXES:
                path = Path(folder, name)
                if path.is_file():
                    yield path
            elif suffix.lower() in SPEC_SUFFIXES:
                skipped.append(
                    Diagnostic(
                        display_path(Path(folder) / name),
                        1,
                        1,
                        f"skipped: spec files end in .yaml or .yml in lower case, not "
                        f"{suffix}; rename it to check it",
                        severity=Severity.WARNING,
                    )
                )


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Characters no file name of a spec may hold: a line break in a name would start a new line
in every report (a forged `::error` in a CI log), a bidi override would hide its suffix."""
_CONTROL_NAME = (
    "skipped: the name holds a control character or a direction override (shown escaped); "
    "rename the"
)


def discover(paths: Sequence[Path]) -> list[Path]:
    """The spec files below `paths` (see `find_specs`)."""
    return find_specs(paths).files


def _working_folder() -> Path:
    """The working folder, resolved; looked up again only when the process changes it."""
    here = os.getcwd()  # noqa: PTH109 - a str key, cheaper than Path.cwd()
    cached = _WORKING.get(here)
    if cached is None:
        _WORKING.clear()
        cached = _WORKING[here] = Path(here).resolve()
    return cached


_WORKING: dict[str, Path] = {}


_REAL_FOLDERS: dict[str, Path] = {}


def real_path(path: Path) -> Path:
    """`path.resolve()`, resolving each folder once: a walk of a thousand specs in a few
    folders would otherwise look up every part of every path a thousand times."""
    folder, name = os.path.split(path)
    if name in ("", ".", "..") or path.is_symlink():
        return path.resolve()
    key = f"{os.getcwd()}\0{folder}"  # noqa: PTH109 - a relative folder depends on it
    real = _REAL_FOLDERS.get(key)
    if real is None:
        real = _REAL_FOLDERS[key] = Path(folder or os.curdir).resolve()
    return real / name


def display_path(path: Path) -> str:
    """A path as shown in diagnostics and on pages: relative to the working folder, also
    when outside it (`../shared/specs/a.yaml`), so no absolute local path is published."""
    resolved = real_path(path)
    cwd = _working_folder()
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
