"""Render a set of specs: validate, skip what the cache already has, draw the rest in
parallel (one spec per process at a time), write every file atomically."""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import signal
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mlopsdiag import lifecycle
from mlopsdiag.errors import Diagnostic, MlopsdiagError, Severity
from mlopsdiag.render.cache import Entry, Keys, RenderCache
from mlopsdiag.render.limits import collapses_overview, context_picture
from mlopsdiag.render.output import (
    DEFAULT_FORMATS,
    DEFAULT_TIMEOUT,
    FORMATS,
    RASTER_FORMATS,
    GraphvizRun,
    LayoutTimeout,
    generated_note,
    graphviz_version,
    parse_formats,
)
from mlopsdiag.render.styles import SITE_WIDTH
from mlopsdiag.spec.model import Architecture, View
from mlopsdiag.spec.validate import SpecResult, discover, display_path, validate_paths
from mlopsdiag.writer import OutputError, inside, write_atomic

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from mlopsdiag.render.diagram import DotGraph


@dataclass
class RenderReport:
    """What a render run did, spec by spec."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Problems of invalid specs and project catalogues, in the format of `validate`."""
    written: list[Path] = field(default_factory=list)
    """Files created or changed by this run."""
    out: Path = Path()
    """The output folder."""
    output_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Architecture name -> every diagram file it has in the output folder (new or cached),
    relative to it: a warm run of a thousand specs need not make 8,000 Path objects."""
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
    undrawn: list[str] = field(default_factory=list)
    """Spec files (as shown in diagnostics) whose diagrams could not be drawn."""
    problems: list[ViewProblem] = field(default_factory=list)
    """Views Graphviz could not lay out in time, in spec order."""
    _models: dict[str, Architecture] = field(default_factory=dict, repr=False)

    @property
    def outputs(self) -> dict[str, tuple[Path, ...]]:
        """Architecture name -> the paths of its diagram files (see `output_names`)."""
        return {
            name: tuple(self.out / f for f in files) for name, files in self.output_names.items()
        }

    def summary(self) -> str:
        """One line for the end of a run."""
        files = sum(len(v) for v in self.output_names.values())
        parts = [
            f"{len(self.rendered)} rendered",
            f"{len(self.cached)} up to date",
        ]
        if self.invalid:
            parts.append(f"{len(self.invalid)} invalid")
        if self.undrawn:
            parts.append(f"{len(self.undrawn)} failed")
        return f"{', '.join(parts)}: {files} file{'s' if files != 1 else ''} in {self.out}"

    def failed(self) -> bool:
        """True when a spec or catalogue had errors, or a view has no picture (the run exits 1)."""
        return any(d.severity is Severity.ERROR for d in self.diagnostics) or any(
            not p.fallback for p in self.problems
        )

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
class ViewProblem:
    """A view Graphviz could not lay out within the time limit."""

    spec: str
    """The spec file, as shown in diagnostics."""
    view: str
    line: int
    col: int
    """Where the view is declared (the overview: where metadata starts)."""
    seconds: float
    fallback: bool
    """The collapsed context picture was drawn in its place."""

    def format(self) -> str:
        """The message render prints."""
        outcome = (
            "drew the collapsed context picture (each group as one box) instead"
            if self.fallback
            else "no picture was drawn for it"
        )
        return (
            f"{self.spec}:{self.line}:{self.col}: view {self.view!r}: Graphviz could not lay it out within "
            f"{self.seconds:g} s; {outcome}. Give it more time with `render --timeout` "
            "(or render.timeout in mlopsdiag-config.yaml), or split the view."
        )


@dataclass(frozen=True)
class _Task:
    spec: Path
    out: Path
    formats: tuple[str, ...]
    in_flight: int
    dpi: int | None = None
    timeout: float | None = DEFAULT_TIMEOUT
    width: int = SITE_WIDTH
    deployed: tuple[tuple[str, str], ...] = ()
    """Element id -> how it compared with the manifests mlopsdiag-config.yaml names."""


@dataclass(frozen=True)
class _Done:
    name: str
    files: dict[str, int]
    written: tuple[Path, ...]
    problems: tuple[Diagnostic, ...] = ()
    """Why the spec was not drawn after all (empty when it was)."""
    view_problems: tuple[ViewProblem, ...] = ()
    """Views Graphviz could not lay out in time."""


def render_architecture(
    arch: Architecture,
    out: Path,
    formats: Sequence[str],
    in_flight: int = 2,
    *,
    dpi: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    problems: list[ViewProblem] | None = None,
    width: int = SITE_WIDTH,
    deployed: Mapping[str, str] | None = None,
) -> tuple[dict[str, int], list[Path]]:
    """Draw every picture of one architecture (its views, context, processes and lanes)
    into `out/<name>/`; return (file -> size, written). `deployed` (element id ->
    matched, missing or mismatched) marks the component and group boxes of the views and
    of the context picture.

    Graphviz runs once per view for all its formats, up to `in_flight` views at a time
    (PNG at another `dpi` than the screen's in a run of its own: the resolution would rescale
    the other formats). A view that Graphviz cannot lay out within `timeout` seconds gets the
    collapsed context picture instead where there is one, and is added to `problems`; the
    other views are drawn as usual. An overview too big to read is drawn collapsed at once.
    Views and the context picture are laid out to read at `width` pixels (see `fit.py`).
    """
    from mlopsdiag.render.fit import draw_fitted_view
    from mlopsdiag.render.pictures import pictures

    chosen = parse_formats(formats)
    drawn = tuple(f for f in chosen if FORMATS[f].graphviz)
    # One Graphviz run per view, unless PNG needs its own resolution.
    batches = [drawn]
    if dpi is not None and RASTER_FORMATS & set(drawn) and set(drawn) - RASTER_FORMATS:
        batches = [
            tuple(f for f in drawn if f not in RASTER_FORMATS),
            tuple(f for f in drawn if f in RASTER_FORMATS),
        ]
    note = generated_note(Path(arch.source_path).name)
    files: dict[str, int] = {}
    written: list[Path] = []

    def store(view_id: str, fmt: str, data: bytes) -> None:
        relative = Path(arch.name) / f"{view_id}.{fmt}"
        target = inside(out, relative)
        # Not forced to disk one by one (that was most of a small view's wait): all of them
        # are, at once, before the render cache that records them is written.
        if write_atomic(target, data, durable=False):
            written.append(target)
        files[relative.as_posix()] = len(data)

    def start(graph: DotGraph, workdir: Path, began: float | None = None) -> list[GraphvizRun]:
        runs = []
        for batch in batches:
            raster = dpi is not None and set(batch) <= RASTER_FORMATS
            runs.append(
                GraphvizRun(
                    graph.source,
                    graph.icons,
                    batch,
                    workdir,
                    dpi=dpi if raster else None,
                    timeout=timeout,
                    started=began,
                )
            )
        return runs

    context: list[DotGraph] = []

    def context_graph() -> DotGraph:
        if not context:
            context.append(context_picture(arch, width, timeout, deployed))
        return context[0]

    # DOT source -> its finished files (None: it could not be laid out in time). The same
    # picture twice (a collapsed overview is the context picture) is laid out once.
    finished: dict[str, list[dict[str, bytes]] | None] = {}

    def lay_out(graph: DotGraph, runs: list[GraphvizRun]) -> list[dict[str, bytes]]:
        if graph.source in finished:
            results = finished[graph.source]
            if results is None:
                raise LayoutTimeout(timeout or 0)
            return results
        try:
            finished[graph.source] = [run.result(note) for run in runs]
        except LayoutTimeout:
            for run in runs:
                run.kill()
            finished[graph.source] = None
            raise
        return finished[graph.source] or []

    def finish(view: View | None, graph: DotGraph, runs: list[GraphvizRun], workdir: Path) -> None:
        try:
            results = lay_out(graph, runs)
        except LayoutTimeout as exc:
            # The context picture stands in for a view (not for itself or a process).
            fallback: DotGraph | None = None
            if view is not None:
                fallback = context_graph()
                try:
                    fresh = fallback.source not in finished
                    results = lay_out(fallback, start(fallback, workdir) if fresh else [])
                except LayoutTimeout:
                    fallback = None
            if problems is not None:
                loc = view.loc if view is not None else arch.loc("metadata")
                problems.append(
                    ViewProblem(
                        arch.source_path,
                        graph.view_id,
                        loc.line,
                        loc.col,
                        exc.seconds,
                        fallback is not None,
                    )
                )
            if fallback is None:
                return
        for result in results:
            for fmt, data in result.items():
                store(graph.view_id, fmt, data)

    with tempfile.TemporaryDirectory(prefix="mlopsdiag-") as tmp:
        workdir = Path(tmp)
        pending: deque[tuple[DotGraph, list[GraphvizRun]]] = deque()
        sources: set[str] = set()

        def finish_first() -> None:
            # Leave the runs in `pending` until they are done, so that an error or an
            # interrupt while they are collected still finds them below and reaps `dot`.
            graph, runs = pending[0]
            finish(views.get(graph.view_id), graph, runs, workdir)
            pending.popleft()

        try:
            views = {view.id: view for view in arch.all_views()}

            def draw_view(arch: Architecture, view: View) -> DotGraph:
                if collapses_overview(arch, view):
                    return dataclasses.replace(context_graph(), view_id=view.id)
                return draw_fitted_view(arch, view, width, timeout, deployed)

            # The context picture is drawn once, whether for itself, a collapsed overview
            # or a view past its time limit.
            # The time limit bounds a view's whole work: from when Python starts building its
            # picture (`began`) to the end of its layout.
            began = time.monotonic()
            for graph in pictures(arch, draw_view, lambda _: context_graph()):
                if "dot" in chosen:
                    store(graph.view_id, "dot", graph.source.encode("utf-8"))
                if drawn:
                    # A picture already on its way is not laid out again.
                    repeat = graph.source in sources
                    sources.add(graph.source)
                    pending.append((graph, [] if repeat else start(graph, workdir, began)))
                if len(pending) >= max(1, in_flight):
                    finish_first()
                began = time.monotonic()
            while pending:
                finish_first()
        finally:
            for _, runs in pending:
                for run in runs:
                    run.kill()
    return dict(sorted(files.items())), written


_FORKED_MODELS: dict[Path, Architecture] = {}
"""The parent's models of the specs to draw, set just before its pool forks the workers:
a forked worker draws the very model the parent validated (and keyed the cache by) instead
of reading and validating the spec a second time, which was a sixth of a small spec's
render time. Empty in the parent otherwise, and in workers that are not forked."""


def _render_task(task: _Task) -> _Done:
    """Worker side: draw one spec, from the model the parent built where the worker was
    forked with it, else validating the spec again (models do not cross processes).

    A spec that changed and became invalid since the parent checked it is reported with its
    diagnostics, like any invalid spec.
    """
    try:
        arch = _FORKED_MODELS.get(task.spec)
        if arch is None:
            results = validate_paths([task.spec])
            arch = next((r.architecture for r in results if r.architecture is not None), None)
        if arch is None:
            problems = [d for r in results for d in r.diagnostics]
            return _Done("", {}, (), tuple(problems) or (_changed(task.spec),))
        return _draw(task, arch)
    except lifecycle.Terminated as exc:
        # Asked to stop (the parent was interrupted or died): the render above has killed
        # its `dot` processes and removed its temporary folder; leave at once.
        os._exit(exc.code if isinstance(exc.code, int) else 1)


def _draw(task: _Task, arch: Architecture) -> _Done:
    """Draw one spec as its task asks (formats, PNG resolution, time limit per view)."""
    view_problems: list[ViewProblem] = []
    files, written = render_architecture(
        arch,
        task.out,
        task.formats,
        task.in_flight,
        dpi=task.dpi,
        timeout=task.timeout,
        problems=view_problems,
        width=task.width,
        deployed=dict(task.deployed),
    )
    return _Done(arch.name, files, tuple(written), view_problems=tuple(view_problems))


def _changed(spec: Path) -> Diagnostic:
    return Diagnostic(
        display_path(spec), 1, 1, "the file changed while it was being drawn; run again"
    )


def _failed(task: _Task, exc: BaseException) -> Diagnostic:
    """A spec whose drawing failed: reported on its own, the other specs go on."""
    if isinstance(exc, MlopsdiagError):
        reason = exc.message
    elif isinstance(exc, RuntimeError):  # Graphviz refused or failed: its own message
        reason = str(exc)
    else:
        reason = f"{type(exc).__name__}: {exc}"
    return Diagnostic(display_path(task.spec), 1, 1, f"cannot draw its diagrams: {reason}")


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
) -> Iterator[tuple[_Task, _Done | BaseException]]:
    """Draw every task, in this process when one worker is enough, else in a process pool.

    Yields each task with what came of it: drawn, or the error that stopped it (an error
    in one spec never stops the others).
    """
    with _progress(len(tasks), show_progress) as advance:
        if jobs <= 1 or len(tasks) <= 1:
            for task in tasks:
                try:
                    done = _draw(task, models[task.spec])
                except OutputError:
                    raise  # a full disk or read-only folder stops the run, not one spec
                except Exception as exc:
                    yield task, exc
                else:
                    yield task, done
                advance()
            return
        # Imported here: a run with nothing to draw (all up to date) never needs them.
        from concurrent.futures import ProcessPoolExecutor, as_completed

        lifecycle.prepare()
        context = lifecycle.pool_context()
        if context.get_start_method() == "fork":
            _FORKED_MODELS.update(models)
        pool = ProcessPoolExecutor(
            max_workers=min(jobs, len(tasks)),
            mp_context=context,
            initializer=lifecycle.worker_start,
            initargs=(os.getpid(),),
        )
        try:
            futures: dict[Future[_Done], _Task] = {pool.submit(_render_task, t): t for t in tasks}
            for future in as_completed(futures):
                advance()
                try:
                    done = future.result()
                except OutputError:
                    raise  # a full disk or read-only folder stops the run, not one spec
                except Exception as exc:
                    yield futures[future], exc
                else:
                    yield futures[future], done
        except BaseException:
            _stop_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            _FORKED_MODELS.clear()


def _stop_workers(pool: ProcessPoolExecutor, grace: float = 10.0) -> None:
    """End every worker of `pool` now: SIGTERM lets each kill and reap its `dot` processes
    and remove its temporary folder; a worker still there after `grace` seconds is killed."""
    processes = list((pool._processes or {}).values())
    for process in processes:
        if process.is_alive() and process.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()
    pool.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True)
class RenderSettings:
    """What one render run draws: formats, PNG resolution, time limit per view."""

    formats: tuple[str, ...] = DEFAULT_FORMATS
    dpi: int | None = None
    timeout: float = DEFAULT_TIMEOUT
    exports: tuple[str, ...] = ()
    """Export formats to write next to the pictures (`render.exports` of the config)."""
    width: int = SITE_WIDTH


def render_settings(
    paths: Sequence[Path],
    formats: str | None = None,
    dpi: int | None = None,
    timeout: float | None = None,
    width: int | None = None,
) -> RenderSettings:
    """The options given, else the `render` section of the mlopsdiag-config.yaml that applies
    to the first path, else the defaults (SVG only, screen resolution, a minute per view)."""
    from mlopsdiag.config import find_config, load_config

    found = find_config(paths[0]) if paths else None
    config = load_config(found)[0].render if found is not None else None
    return RenderSettings(
        formats=parse_formats([formats])
        if formats is not None
        else parse_formats(list(config.formats))
        if config is not None and config.formats
        else DEFAULT_FORMATS,
        dpi=dpi if dpi is not None else config.dpi if config is not None else None,
        timeout=timeout
        if timeout is not None
        else config.timeout or DEFAULT_TIMEOUT
        if config is not None
        else DEFAULT_TIMEOUT,
        exports=config.exports if config is not None else (),
        width=width
        if width is not None
        else config.width or SITE_WIDTH
        if config is not None
        else SITE_WIDTH,
    )


def _unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[Diagnostic] = set()
    out = []
    for d in diagnostics:
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out


def parallelism(specs: int, jobs: int | None = None) -> tuple[int, int]:
    """(worker processes, Graphviz runs in flight per worker) for drawing `specs` specs.

    Two views in flight per worker: Graphviz draws the next view while Python finishes the
    last one, so the cores stay busy. At most workers x in-flight `dot` run at once (the
    render bench gives Graphviz alone the same number).
    """
    cpus = os.cpu_count() or 1
    workers = max(1, min(jobs or cpus, specs))
    return workers, max(2, math.ceil(cpus / workers))


def render_specs(
    paths: Sequence[Path],
    out: Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    force: bool = False,
    jobs: int | None = None,
    progress: bool = False,
    dpi: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    width: int = SITE_WIDTH,
    prune: bool = False,
) -> RenderReport:
    """Draw every view of every valid spec below `paths` into `out/<name>/<view>.<format>`.

    `prune` (the run covers the whole spec set, as a site render does): remove the files
    earlier runs wrote for architectures no spec of this run has (deleted or renamed), as
    the site removes their pages; only files the cache records as written are touched.

    Invalid specs write nothing and are reported in the diagnostics; specs whose inputs did
    not change since the last run are skipped unless `force`. `progress` draws a progress
    bar on stderr. `dpi` is PNG's resolution (default: the screen's); a view Graphviz cannot
    lay out in `timeout` seconds is reported in `problems` and the run carries on. Pictures
    are laid out to read at `width` pixels (the site's column by default).
    """
    chosen = parse_formats(formats)
    graphviz = graphviz_version() if any(FORMATS[f].graphviz for f in chosen) else ""
    files = discover(paths)
    options = f"dpi={dpi}" if dpi is not None and "png" in chosen else ""
    if width != SITE_WIDTH:
        options += f" width={width}"
    keys = Keys(graphviz, chosen, options.strip())
    key_of = {file: keys.key(file) for file in files}
    cache = RenderCache.load(out)
    hits = {} if force else {f: e for f in files if (e := cache.hit(key_of[f])) is not None}
    results, hits = _validate(files, hits)

    report = RenderReport(out=out)
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
            report.output_names[entry.name] = tuple(entry.files)
        elif file in models:
            report.spec_paths[models[file].name] = file
            report._models[models[file].name] = models[file]

    workers, in_flight = parallelism(len(models), jobs)
    deployment = _deployment(models)
    tasks = [
        _Task(f, out, chosen, in_flight, dpi, timeout, width, deployment.get(f, ()))
        for f in files
        if f in models
    ]
    try:
        for task, done in _run_tasks(tasks, models, workers, progress):
            if isinstance(done, BaseException):
                # One spec's drawing failed (Graphviz refused a view, say): report it and
                # go on; its page is still written, without the missing pictures.
                report.diagnostics.append(_failed(task, done))
                report.undrawn.append(display_path(task.spec))
                continue
            if done.problems:  # the spec changed and is invalid now: as if it were all along
                report.diagnostics.extend(done.problems)
                report.invalid.append(display_path(task.spec))
                report.spec_paths = {n: p for n, p in report.spec_paths.items() if p != task.spec}
                continue
            report.problems.extend(done.view_problems)
            report.rendered.append(done.name)
            report.written.extend(done.written)
            if done.view_problems:
                # Not recorded: the next run tries the full layout again (and says so again).
                report.output_names[done.name] = tuple(done.files)
                continue
            for stale in cache.record(key_of[task.spec], done.name, done.files):
                if stale.is_file():
                    stale.unlink()
                    report.removed.append(stale)
            recorded = cache.entries[key_of[task.spec]].files
            report.output_names[done.name] = tuple(recorded)
    except BaseException:
        # Keep what was drawn before the failure, but never let a second error (the same
        # read-only folder or full disk) hide the first one.
        if tasks:
            with contextlib.suppress(OSError, MlopsdiagError):
                os.sync()
                cache.save()
        raise
    pruned = prune and not report.invalid and not report.undrawn and _prune(cache, report)
    if tasks or pruned:
        if report.written:
            os.sync()  # the diagrams reach the disk before the cache says they are there
        cache.save()
    order = {name: i for i, name in enumerate(report.spec_paths)}
    report.rendered.sort(key=order.__getitem__)
    shown_order = {name: i for i, name in enumerate(shown)}  # `files` in order
    report.problems.sort(key=lambda p: shown_order.get(p.spec, len(files)))
    return report


def _deployment(models: Mapping[Path, Architecture]) -> dict[Path, tuple[tuple[str, str], ...]]:
    """Each spec's components and groups compared with the manifests its
    mlopsdiag-config.yaml names (`drift.manifests`)."""
    from mlopsdiag.config import ConfigLookup
    from mlopsdiag.deployed.drift import compare_each

    lookup = ConfigLookup()
    configs = {spec: lookup.for_spec(spec)[0] for spec in models}
    compared = compare_each(
        (spec, arch, configs[spec].drift_manifests, configs[spec].drift_severity)
        for spec, arch in models.items()
    )
    return {
        spec: tuple(sorted((element, found.status) for element, found in status.items()))
        for spec, status in compared.items()
    }


def _prune(cache: RenderCache, report: RenderReport) -> bool:
    """Remove what the cache says was drawn for architectures gone from the run."""
    gone = cache.prune(set(report.spec_paths))
    for path in gone:
        if path.is_file():
            path.unlink()
            report.removed.append(path)
    for folder in sorted({p.parent for p in gone} - {cache.out.resolve()}, reverse=True):
        with contextlib.suppress(OSError):  # kept when something else is in it
            folder.rmdir()
    return bool(gone)


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
