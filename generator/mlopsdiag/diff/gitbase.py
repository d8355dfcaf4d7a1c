"""The old side of `diff --base REF`: the same paths at a git revision, read with git itself.

The spec files (and the project catalogues and configurations that apply to them) are copied
out of the repository at REF into a private temporary folder laid out like the repository, so
that they are validated exactly as the working tree is.

A revision is not trusted: git stores tree entries named `..`, so every path is checked
before anything is written (no absolute path, no empty, `.`, `..` or `.git` part, no control
character), each file is created inside the folder without following links, and a blob is
read only when git says it is small enough to be checked at all.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mlopsdiag.catalog import CATALOG_FILE_NAME
from mlopsdiag.errors import MlopsdiagError
from mlopsdiag.spec.discovery import CONFIG_FILE_NAME, SPEC_SUFFIXES
from mlopsdiag.spec.loader import MAX_FILE_BYTES

COPIED_SUFFIXES = (*SPEC_SUFFIXES, ".png")
"""What is copied from below a PATH: specs, and the icons a project catalogue may name."""


class GitError(MlopsdiagError):
    """git is missing, this is not a repository, or the revision or a path is unknown there."""


@dataclass(frozen=True)
class BaseTree:
    """The old side, copied out of git: where it is on disk and how to name it in output."""

    ref: str
    root: Path
    paths: tuple[Path, ...]
    """The given paths inside `root` that exist at REF (a path new since REF has none)."""
    relative: tuple[str, ...] = ()
    """The given paths relative to the top of the repository, as git names them."""

    @property
    def description(self) -> str:
        """`REF:path ...`, how the old side is named in output."""
        return " ".join(f"{self.ref}:{r}" for r in self.relative)

    def label(self, path: str) -> str:
        """A path in the temporary copy, shown as `REF:repo/relative/path`."""
        try:
            relative = Path(path).resolve().relative_to(self.root)
        except ValueError:
            return path
        return f"{self.ref}:{relative.as_posix()}"


def _git(args: Sequence[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    git = shutil.which("git")
    if git is None:
        raise GitError("git is not installed; --base reads the old specs with git")
    proc = subprocess.run([git, *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    if proc.returncode != 0:
        raise GitError(proc.stderr.decode(errors="replace").strip() or f"git {args[0]} failed")
    return proc.stdout


def _toplevel(cwd: Path) -> Path:
    try:
        out = _git(["rev-parse", "--show-toplevel"], cwd)
    except GitError as exc:
        raise GitError(
            f"{cwd} is not inside a git repository ({exc.message}); --base compares with a git "
            "revision, so run it in a clone, or compare two folders: mlopsdiag diff OLD NEW"
        ) from None
    return Path(out.decode().strip()).resolve()


def _commit(ref: str, top: Path) -> str:
    if not ref or ref.startswith("-"):
        raise GitError(f"{ref!r} is not a git revision")
    try:
        out = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    except GitError:
        raise GitError(
            f"unknown git revision {ref!r}; check the name (git branch -a lists branches). In CI, "
            "fetch the base branch first (actions/checkout with fetch-depth: 0, or "
            f"git fetch origin <branch>)"
        ) from None
    return out.decode().strip()


def _relative(path: Path, top: Path) -> PurePosixPath:
    resolved = path.resolve()
    try:
        return PurePosixPath(resolved.relative_to(top).as_posix())
    except ValueError:
        raise GitError(f"{path} is outside the git repository at {top}") from None


def _blobs(commit: str, top: Path, specs: Sequence[str]) -> dict[str, str]:
    """Repository path -> blob id of the regular files below the pathspecs at the commit."""
    if not specs:
        return {}
    out = _git(["ls-tree", "-r", "-z", "--full-tree", commit, "--", *specs], top)
    found: dict[str, str] = {}
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, blob = meta.decode().split()
        if kind == "blob" and mode in ("100644", "100755"):
            found[name.decode("utf-8", errors="surrogateescape")] = blob
    return found


_UNSAFE_PARTS = frozenset({"", ".", "..", ".git"})


def safe_tree_path(ref: str, name: str) -> PurePosixPath:
    """`name` (a path git listed at `ref`) when it stays inside the tree; GitError otherwise."""
    parts = name.split("/")
    bad = next((p for p in parts if p in _UNSAFE_PARTS or p.lower() == ".git"), None)
    control = any(ord(c) < 0x20 or ord(c) == 0x7F for c in name)
    if name.startswith("/") or bad is not None or control:
        why = (
            "it is absolute"
            if name.startswith("/")
            else "it holds a control character"
            if control
            else f"it has a part {bad!r}"
        )
        raise GitError(
            f"refusing the path {name!r} of git revision {ref!r}: {why}, so it could name a "
            "file outside the tree (git itself never checks such a path out); compare with "
            "another revision"
        )
    return PurePosixPath(*parts)


def _sizes(blobs: Sequence[str], top: Path) -> list[int]:
    """The size of each blob, in order, from one `git cat-file --batch-check` (nothing read)."""
    if not blobs:
        return []
    out = _git(["cat-file", "--batch-check"], top, stdin="".join(f"{b}\n" for b in blobs).encode())
    sizes: list[int] = []
    for line in out.decode().splitlines():
        parts = line.split()
        if len(parts) != 3:
            raise GitError(f"git cat-file could not read {parts[0]!r}")
        sizes.append(int(parts[2]))
    return sizes


def _read_blobs(blobs: Sequence[str], top: Path) -> list[bytes]:
    """The contents of the blobs, in order, from one `git cat-file --batch`."""
    if not blobs:
        return []
    out = _git(["cat-file", "--batch"], top, stdin="".join(f"{b}\n" for b in blobs).encode())
    contents: list[bytes] = []
    at = 0
    for _ in blobs:
        header_end = out.index(b"\n", at)
        header = out[at:header_end].split()
        if len(header) != 3:
            raise GitError(f"git cat-file could not read {header[0].decode()!r}")
        size = int(header[2])
        start = header_end + 1
        contents.append(out[start : start + size])
        at = start + size + 1
    return contents


def _contents(
    ref: str, names: Sequence[str], found: dict[str, str], top: Path
) -> Iterator[tuple[str, bytes | int]]:
    """(name, content) of each blob; for one larger than any file mlopsdiag reads, its size
    instead (its content is never asked of git)."""
    sizes = _sizes([found[n] for n in names], top)
    small = [n for n, size in zip(names, sizes, strict=True) if size <= MAX_FILE_BYTES]
    contents = dict(zip(small, _read_blobs([found[n] for n in small], top), strict=True))
    for name, size in zip(names, sizes, strict=True):
        yield name, contents.get(name, size)


def _write_inside(root: Path, name: PurePosixPath, data: bytes | int) -> None:
    """Create `root/name` (a new file, no link followed) with `data`; an int is the size of a
    blob too large to read: the stand-in is a sparse file just over the limit, so the size
    checks that read files refuse it as they would on disk."""
    target = root.joinpath(*name.parts)
    if os.path.commonpath([root, target]) != str(root):  # pragma: no cover - safe_tree_path
        raise GitError(f"refusing {name}: outside {root}")
    target.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(target, flags, 0o600)
    with os.fdopen(fd, "wb") as handle:
        if isinstance(data, int):
            handle.truncate(min(data, MAX_FILE_BYTES + 1))
        else:
            handle.write(data)


def _wanted(name: str, catalogue_dirs: set[PurePosixPath]) -> bool:
    posix = PurePosixPath(name)
    if posix.suffix == ".png":
        return any(d == PurePosixPath(".") or d in posix.parents for d in catalogue_dirs)
    return posix.suffix in COPIED_SUFFIXES


@contextmanager
def base_tree(ref: str, paths: Sequence[Path], cwd: Path | None = None) -> Iterator[BaseTree]:
    """Copy `paths` as they are at git revision `ref` into a temporary folder for the block."""
    here = (cwd or Path.cwd()).resolve()
    top = _toplevel(here)
    commit = _commit(ref, top)
    relative = [_relative(p if p.is_absolute() else here / p, top) for p in paths]
    # Catalogues and configurations apply to the specs below their folder: look for them in
    # every folder from each path up to the top of the repository.
    around: set[str] = set()
    for rel in relative:
        for folder in (rel, *rel.parents):
            for name in (CATALOG_FILE_NAME, CONFIG_FILE_NAME):
                around.add((folder / name).as_posix().removeprefix("./"))
    settings = _blobs(commit, top, sorted(around))
    catalogue_dirs = {PurePosixPath(n).parent for n in settings if n.endswith(CATALOG_FILE_NAME)}
    specs = [r.as_posix() for r in relative if r.as_posix() != "."]
    whole_repo = len(specs) < len(relative)
    found = _blobs(commit, top, ["."] if whole_repo else specs)
    found = {n: b for n, b in found.items() if _wanted(n, catalogue_dirs)}
    for folder in catalogue_dirs:
        prefix = "." if str(folder) == "." else folder.as_posix()
        icons = _blobs(commit, top, [prefix])
        found.update({n: b for n, b in icons.items() if n.endswith(".png")})
    found.update(settings)
    names = sorted(found)
    for name in names:
        safe_tree_path(ref, name)  # before anything is read or written
    root = Path(tempfile.mkdtemp(prefix="mlopsdiag-base-")).resolve()
    try:
        # Lookups of catalogues and configurations stop at a repository's top, as in the clone.
        (root / ".git").mkdir()
        for name, data in _contents(ref, names, found, top):
            _write_inside(root, safe_tree_path(ref, name), data)
        existing = tuple(root / r for r in relative if (root / r).exists())
        yield BaseTree(
            ref=ref,
            root=root,
            paths=existing,
            relative=tuple(r.as_posix() for r in relative),
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)
