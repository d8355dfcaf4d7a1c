"""`mlopsdiag serve`: render, serve the site with MkDocs' live-reload server, re-render when a
spec changes.

A polling thread watches the specs (and the project's catalogue, settings and templates);
when one changes it re-renders diagrams and pages into the docs folder, and MkDocs' own
watcher on that folder rebuilds the site and reloads the browser. Polling keeps it simple
and works the same on every file system, network shares included.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

DEFAULT_DEV_ADDR = "127.0.0.1:8000"
WATCHED_SUFFIXES = (".yaml", ".yml", ".j2", ".png", ".css", ".js")

Snapshot = dict[Path, tuple[int, int]]


def snapshot(paths: Iterable[Path], ignore: Sequence[Path] = ()) -> Snapshot:
    """Modification time and size of every watched file below `paths` (not below `ignore`)."""
    found: Snapshot = {}
    skipped = [p.resolve() for p in ignore]
    for path in paths:
        files = (
            (p for p in path.rglob("*") if p.suffix in WATCHED_SUFFIXES)
            if path.is_dir()
            else [path]
        )
        for file in files:
            if skipped and any(file.resolve().is_relative_to(s) for s in skipped):
                continue
            try:
                stat = file.stat()
            except OSError:
                continue
            found[file] = (stat.st_mtime_ns, stat.st_size)
    return found


class SpecWatcher(threading.Thread):
    """Calls `on_change` whenever the files below `paths` change (checked every `interval`)."""

    def __init__(
        self,
        paths: Sequence[Path],
        on_change: Callable[[], object],
        *,
        interval: float = 0.5,
        on_error: Callable[[BaseException], object] | None = None,
        ignore: Sequence[Path] = (),
    ) -> None:
        super().__init__(name="mlopsdiag-spec-watcher", daemon=True)
        self.paths = list(paths)
        self.ignore = list(ignore)
        self.on_change = on_change
        self.on_error = on_error
        self.interval = interval
        self.stopped = threading.Event()
        self.last = snapshot(self.paths, self.ignore)
        self.renders = 0

    def check(self) -> bool:
        """Re-render if anything changed since the last check; True if it did."""
        current = snapshot(self.paths, self.ignore)
        if current == self.last:
            return False
        self.last = current
        try:
            self.on_change()
        except Exception as exc:  # the watcher must outlive any one failed render
            if self.on_error is None:
                raise
            self.on_error(exc)
        self.renders += 1
        return True

    def run(self) -> None:
        """Poll until stopped."""
        while not self.stopped.wait(self.interval):
            self.check()

    def stop(self) -> None:
        """Stop polling (the thread ends within one interval)."""
        self.stopped.set()


def _mkdocs_logging() -> None:
    """Show MkDocs' progress and errors (its own CLI would set this up)."""
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_mlopsdiag", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._mlopsdiag = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def serve_site(
    render: Callable[[], object],
    watched: Sequence[Path],
    *,
    config_file: Path,
    dev_addr: str = DEFAULT_DEV_ADDR,
    open_browser: bool = False,
    interval: float = 0.5,
    on_error: Callable[[BaseException], object] | None = None,
    ignore: Sequence[Path] = (),
) -> None:
    """Render once, then serve the site until interrupted, re-rendering on spec changes."""
    from mkdocs.commands.serve import serve

    render()
    watcher = SpecWatcher(watched, render, interval=interval, on_error=on_error, ignore=ignore)
    watcher.start()
    _mkdocs_logging()
    try:
        serve(
            config_file=str(config_file),
            livereload=True,
            dev_addr=dev_addr,
            open_in_browser=open_browser,
        )
    finally:
        watcher.stop()
