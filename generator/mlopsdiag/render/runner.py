"""Render a set of specs: validate, skip what the cache already has, draw the rest in
parallel (one spec per process at a time), write every file atomically."""

from __future__ import annotations

import math
import os
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import click

from mlopsdiag.errors import Diagnostic, Severity
from mlopsdiag.render.cache import Entry, Keys, RenderCache
from mlopsdiag.render.output import (
    DEFAULT_FORMATS,
    FORMATS,
    GraphvizRun,
    generated_note,
    graphviz_version,
    parse_formats,
)
from mlopsdiag.spec.model import Architecture
from mlopsdiag.spec.validate import SpecResult, discover, display_path, validate_paths
from mlopsdiag.writer import inside, write_atomic


@dataclass
class RenderReport:
    """What a render run did, spec by spec."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Problems of invalid specs and project catalogues, in the format of `validate`."""
    written: list[Path] = field(default_factory=list)
    """Files created or changed by this run."""
    outputs: dict[str, tuple[Path, ...]] = field(default_factory=dict)
    """Architecture name -> every diagram file it has in the output folder (new or cached)."""
    rendered: list[str] = field(default_factory=list)
    """Names of the architectures drawn by this run."""
    cached: list[str] = field(default_factory=list)
    """Names of the architectures skipped because their files were already up to date."""
    spec_paths: dict[str, Path] = field(default_factory=dict)
    """Architecture name -> spec file, for every valid spec."""
    removed: list[Path] = field(default_factory=list)
    """Files of views that no longer exist, deleted by this run."""
    invalid: list[str] = field(default_factory=list)
    """Spec files (as shown in diagnostics) that failed validation and were not drawn."""
    _models: dict[str, Architecture] = field(default_factory=dict, repr=False)

    def summary(self, out: Path) -> str:
        """One line for the end of a run."""
        files = sum(len(v) for v in self.outputs.values())
        parts = [
            f"{len(self.rendered)} rendered",
            f"{len(self.cached)} up to date",
        ]
        if self.invalid:
            parts.append(f"{len(self.invalid)} invalid")
        return f"{', '.join(parts)}: {files} file{'s' if files != 1 else ''} in {out}"

    def failed(self) -> bool:
        """True when a spec or catalogue had errors (the run exits 1)."""
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def architectures(self) -> list[Architecture]:
        """Models of every valid spec, in spec order.

        Cached specs are not validated during the run (that keeps a no-change run fast);
        the first use of this property validates them.
        """
        missing = [p for name, p in self.spec_paths.items() if name not in self._models]
        if missing:
            for result in validate_paths(missing):
                if result.architecture is not None:
                    self._models[result.architecture.name] = result.architecture
        return [self._models[name] for name in self.spec_paths if name in self._models]


@dataclass(frozen=True)
class _Task:
    spec: Path
    out: Path
    formats: tuple[str, ...]
    in_flight: int


@dataclass(frozen=True)
class _Done:
    name: str
    files: dict[str, int]
    written: tuple[Path, ...]


def render_architecture(
    arch: Architecture, out: Path, formats: Sequence[str], in_flight: int = 2
) -> tuple[dict[str, int], list[Path]]:
    """Draw every picture of one architecture (its views, context, processes and lanes)
    into `out/<name>/`; return (file -> size, written).

    Graphviz runs once per view for all its formats, up to `in_flight` views at a time.
    """
    from mlopsdiag.render.diagram import DotGraph  # `diagrams` loads only to draw
    from mlopsdiag.render.pictures import pictures

    chosen = parse_formats(formats)
    drawn = tuple(f for f in chosen if FORMATS[f].graphviz)
    note = generated_note(Path(arch.source_path).name)
    files: dict[str, int] = {}
    written: list[Path] = []

    def store(view_id: str, fmt: str, data: bytes) -> None:
        relative = Path(arch.name) / f"{view_id}.{fmt}"
        target = inside(out, relative)
        if write_atomic(target, data):
            written.append(target)
        files[relative.as_posix()] = len(data)

    def finish(graph: DotGraph, run: GraphvizRun) -> None:
        for fmt, data in run.result(note).items():
            store(graph.view_id, fmt, data)

    with tempfile.TemporaryDirectory(prefix="mlopsdiag-") as tmp:
        pending: deque[tuple[DotGraph, GraphvizRun]] = deque()
        try:
            for graph in pictures(arch):
                if "dot" in chosen:
                    store(graph.view_id, "dot", graph.source.encode("utf-8"))
                if drawn:
                    pending.append(
                        (graph, GraphvizRun(graph.source, graph.icons, drawn, Path(tmp)))
                    )
                if len(pending) >= max(1, in_flight):
                    finish(*pending.popleft())
            while pending:
                finish(*pending.popleft())
        except BaseException:
            for _, run in pending:
                run.kill()
            raise
    return dict(sorted(files.items())), written


def _render_task(task: _Task) -> _Done:
    """Worker side: validate one spec again (models do not cross processes) and draw it."""
    results = [r for r in validate_paths([task.spec]) if r.architecture is not None]
    if not results:
        raise RuntimeError(f"{task.spec} was valid a moment ago and is not any more")
    arch = results[0].architecture
    assert arch is not None
    files, written = render_architecture(arch, task.out, task.formats, task.in_flight)
    return _Done(arch.name, files, tuple(written))


@contextmanager
def _progress(total: int, show: bool) -> Iterator[Callable[[], None]]:
    if not show or total < 2:
        yield lambda: None
        return
    with click.progressbar(
        length=total, label="Rendering diagrams", file=sys.stderr, show_pos=True
    ) as bar:
        yield lambda: bar.update(1)


def _run_tasks(
    tasks: list[_Task], models: dict[Path, Architecture], jobs: int, show_progress: bool
) -> Iterator[tuple[_Task, _Done]]:
    """Draw every task, in this process when one worker is enough, else in a process pool."""
    with _progress(len(tasks), show_progress) as advance:
        if jobs <= 1 or len(tasks) <= 1:
            for task in tasks:
                arch = models[task.spec]
                files, written = render_architecture(arch, task.out, task.formats, task.in_flight)
                advance()
                yield task, _Done(arch.name, files, tuple(written))
            return
        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
            futures: dict[Future[_Done], _Task] = {pool.submit(_render_task, t): t for t in tasks}
            try:
                for future in as_completed(futures):
                    advance()
                    yield futures[future], future.result()
            except BaseException:
                for future in futures:
                    future.cancel()
                raise


def _unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[Diagnostic] = set()
    out = []
    for d in diagnostics:
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out


def render_specs(
    paths: Sequence[Path],
    out: Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    force: bool = False,
    jobs: int | None = None,
    progress: bool = False,
) -> RenderReport:
    """Draw every view of every valid spec below `paths` into `out/<name>/<view>.<format>`.

    Invalid specs write nothing and are reported in the diagnostics; specs whose inputs did
    not change since the last run are skipped unless `force`. `progress` draws a progress
    bar on stderr.
    """
    chosen = parse_formats(formats)
    graphviz = graphviz_version() if any(FORMATS[f].graphviz for f in chosen) else ""
    files = discover(paths)
    keys = Keys(graphviz, chosen)
    key_of = {file: keys.key(file) for file in files}
    cache = RenderCache.load(out)
    hits = {} if force else {f: e for f in files if (e := cache.hit(key_of[f])) is not None}
    results, hits = _validate(files, hits)

    report = RenderReport()
    report.diagnostics = _unique(keys.problems + [d for r in results for d in r.diagnostics])
    shown = {display_path(f): f for f in files}
    models = {
        shown[r.path]: r.architecture
        for r in results
        if r.architecture is not None and r.path in shown
    }
    report.invalid = [r.path for r in results if r.architecture is None and r.path in shown]
    for file in files:
        if file in hits:
            entry = hits[file]
            report.spec_paths[entry.name] = file
            report.cached.append(entry.name)
            report.outputs[entry.name] = tuple(out / f for f in entry.files)
        elif file in models:
            report.spec_paths[models[file].name] = file
            report._models[models[file].name] = models[file]

    cpus = os.cpu_count() or 1
    workers = max(1, min(jobs or cpus, len(models)))
    # Two views in flight per worker: Graphviz draws the next view while Python finishes the
    # last one, so the cores stay busy.
    in_flight = max(2, math.ceil(cpus / workers))
    tasks = [_Task(f, out, chosen, in_flight) for f in files if f in models]
    try:
        for task, done in _run_tasks(tasks, models, workers, progress):
            report.rendered.append(done.name)
            report.outputs[done.name] = tuple(out / f for f in done.files)
            report.written.extend(done.written)
            for stale in cache.record(key_of[task.spec], done.name, done.files):
                if stale.is_file():
                    stale.unlink()
                    report.removed.append(stale)
    finally:
        if tasks:
            cache.save()
    order = {name: i for i, name in enumerate(report.spec_paths)}
    report.rendered.sort(key=order.__getitem__)
    return report


def _validate(
    files: list[Path], hits: dict[Path, Entry]
) -> tuple[list[SpecResult], dict[Path, Entry]]:
    """Validate the specs the cache cannot skip; the whole set if names now collide."""
    if len(hits) == len(files):
        return [], hits
    results = validate_paths([f for f in files if f not in hits])
    cached_names = {e.name for e in hits.values()}
    if not any(r.declared_name in cached_names for r in results):
        return results, hits
    # A changed spec took the name of an unchanged one: validate the set as a whole, as
    # `validate` does, so that the same spec gets the duplicate-name error.
    results = validate_paths(files)
    valid = {r.path for r in results if r.architecture is not None}
    kept = {f: e for f, e in hits.items() if display_path(f) in valid}
    skipped = {display_path(f) for f in kept}
    return [r for r in results if r.path not in skipped], kept
