"""Atomic file writes: a file is either its old self or its complete new self, never half."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from mlopsdiag.errors import MlopsdiagError


def write_atomic(path: Path, data: bytes, *, exclusive: bool = False, durable: bool = True) -> bool:
    """Write `data` to `path` via a temporary file and rename; return False if unchanged.

    With `exclusive`, refuse to replace an existing file. Without `durable`, the data is not
    forced to disk before the rename (readers still see the old file or the whole new one;
    only a crash of the machine itself may lose it): for files a run can draw again.
    """
    if exclusive and path.exists():
        raise MlopsdiagError(f"{path} already exists; refusing to overwrite it")
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise write_error(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)  # noqa: PTH101 - mkstemp makes 0600 files
        Path(tmp_name).replace(path)
    except BaseException as exc:
        Path(tmp_name).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise write_error(path, exc) from None
        raise
    return True


class OutputError(MlopsdiagError):
    """An output file could not be written (a full disk, a read-only folder): the machine's
    problem, not one spec's, so a run stops on it."""


def write_error(path: Path, exc: OSError) -> OutputError:
    """The one-line error for a file that could not be written (full disk, read-only...)."""
    return OutputError(f"cannot write {path}: {exc.strerror or exc}")


def inside(root: Path, path: Path) -> Path:
    """Return `path` resolved, or fail if it would land outside `root`."""
    resolved_root = root.resolve()
    resolved = (resolved_root / path).resolve()
    if not resolved.is_relative_to(resolved_root):
        raise MlopsdiagError(f"refusing to write {path}: it is outside {root}")
    return resolved
