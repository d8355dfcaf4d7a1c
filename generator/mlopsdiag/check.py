"""One validation run over a spec set: schema, references, secrets, then lint rules."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlopsdiag.config import ConfigLookup
from mlopsdiag.errors import Diagnostic, Severity
from mlopsdiag.lint import RULES, analyze, lint
from mlopsdiag.spec.discovery import find_specs
from mlopsdiag.spec.model import Architecture
from mlopsdiag.spec.spans import with_end_positions
from mlopsdiag.spec.validate import (
    Catalogs,
    SpecResult,
    duplicate_name,
    few_collections,
    validate_file,
)


@dataclass
class CheckResult:
    """Everything `mlopsdiag validate` reports."""

    results: list[SpecResult]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    specs: list[dict[str, Any]] = field(default_factory=list)
    """Per-spec facts for machine-readable output (name, path, validity, maturity, coverage)."""

    @property
    def architectures(self) -> list[Architecture]:
        """Models of the specs that passed validation."""
        return [r.architecture for r in self.results if r.architecture is not None]


def _facts(result: SpecResult, findings: Sequence[Diagnostic]) -> dict[str, Any]:
    """The entry of one spec in `CheckResult.specs`."""
    arch = result.architecture
    entry: dict[str, Any] = {
        "path": result.path,
        "name": arch.name if arch else None,
        "valid": arch is not None and not any(not d.code for d in findings),
        "maturity": None,
        "coverage": None,
        "findings": None,
    }
    if arch is not None:
        analysis = analyze(arch)
        entry["maturity"] = {
            "claimed": analysis.claimed_level,
            "inferred": analysis.inferred_level,
            "missing_for_next": list(analysis.missing_for_next),
            "missing_for_claim": list(analysis.missing_for_claim),
            "trigger_flows": list(analysis.trigger_flows),
        }
        entry["coverage"] = {cap: list(ids) for cap, ids in analysis.coverage.items()}
        entry["findings"] = sum(1 for d in findings if d.code)
    return entry


@dataclass(frozen=True)
class RuleSelection:
    """Which lint rules run: `--select` (None: all) minus `--ignore`."""

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()

    def disabled(self) -> frozenset[str]:
        """The rule ids to switch off on top of the configuration's."""
        off = set(self.ignore)
        if self.select is not None:
            off |= set(RULES) - self.select
        return frozenset(off)


@dataclass
class FileCheck:
    """What one file of a run came to: its diagnostics, and its facts when it is a spec.

    A run yields one per spec file, plus one with `facts` None for problems that belong to
    no spec: skipped files and unreadable folders, a project catalogue or settings file.
    """

    path: str
    diagnostics: list[Diagnostic]
    """Errors first found in the file, then its lint findings, each sorted by position."""
    facts: dict[str, Any] | None = None
    strict: bool = False
    """The spec's settings ask for strict runs (`lint.strict`)."""
    result: SpecResult | None = None
    """The validation result with document and model, kept only when asked for."""
    name: str | None = None
    """The `metadata.name` the spec declares, valid or not."""
    name_at: tuple[int, int] = (1, 1)
    name_end: tuple[int, int] | None = None
    """Where `metadata.name`'s value starts and ends, for the error of a repeated name."""
    findings: int = 0
    """How many of `diagnostics` (the last ones) are lint findings."""


@dataclass
class Tally:
    """Counts of a streamed run, enough for the closing summary and the exit code."""

    files: int = 0
    """Spec files checked."""
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    strict_findings: bool = False
    """A spec whose settings ask for strict runs has a diagnostic."""
    specs: list[dict[str, Any]] = field(default_factory=list)

    def add(self, checked: FileCheck) -> None:
        """Count one outcome of `check_stream`."""
        if checked.facts is not None:
            self.files += 1
            self.specs.append(checked.facts)
        for d in checked.diagnostics:
            if d.severity is Severity.ERROR:
                self.errors += 1
            elif d.severity is Severity.WARNING:
                self.warnings += 1
            else:
                self.infos += 1
        self.strict_findings |= checked.strict and bool(checked.diagnostics)

    def summary(self) -> dict[str, Any]:
        """The counts as `report.summarize` gives them."""
        return {
            "files": self.files,
            "errors": self.errors,
            "warnings": self.warnings,
            "infos": self.infos,
        }

    def failed(self, strict: bool | None) -> bool:
        """Errors always fail the run; warnings and infos when strict (`strict` None: when
        the settings of the spec that has them say so)."""
        if strict:
            return bool(self.errors or self.warnings or self.infos)
        return bool(self.errors) or (strict is None and self.strict_findings)


@dataclass(frozen=True)
class CheckSettings:
    """What every file of one run is checked with (sent once to each pool worker)."""

    reference_date: dt.date | None = None
    switched_off: frozenset[str] = frozenset()
    config_file: Path | None = None
    keep: bool = False
    """Keep each file's document and model in `FileCheck.result`."""


class _Checker:
    """Checks one file at a time, reading each catalogue and settings file once."""

    def __init__(self, settings: CheckSettings) -> None:
        self.settings = settings
        self.catalogs = Catalogs()
        self.configs = ConfigLookup(settings.config_file)

    def check(self, file: Path, catalog_file: Path | None) -> FileCheck:
        catalog = self.catalogs.load(catalog_file)[0]
        result = validate_file(file, catalog)
        findings: list[Diagnostic] = []
        config = self.configs.for_spec(file)[0]
        if result.architecture is not None:
            config = config.replace(reference_date=self.settings.reference_date)
            if self.settings.switched_off:
                config = dataclasses.replace(
                    config, disabled=config.disabled | self.settings.switched_off
                )
            findings = lint(result.architecture, config)
        doc = result.document
        documents = {result.path: doc} if doc is not None else {}
        name_at = doc.pos(("metadata", "name")) if doc is not None else (1, 1)
        checked = FileCheck(
            result.path,
            with_end_positions([*result.diagnostics, *findings], documents),
            _facts(result, findings),
            strict=config.strict,
            result=result if self.settings.keep else None,
            name=result.declared_name,
            name_at=name_at,
            name_end=doc.end_of(("metadata", "name"), name_at) if doc is not None else None,
            findings=len(findings),
        )
        return checked


_worker: _Checker | None = None
"""A pool worker's checker, made once by `_worker_start`."""


def _worker_start(settings: CheckSettings, parent: int) -> None:
    global _worker
    from mlopsdiag import lifecycle

    lifecycle.worker_start(parent)
    _worker = _Checker(settings)


def _worker_check(task: tuple[Path, Path | None]) -> FileCheck:
    assert _worker is not None, "the pool's initializer makes the checker"
    return _worker.check(*task)


POOL_MIN_FILES = 64
"""Below this many spec files a run stays in one process: starting workers and sending
results back costs more than it saves. Measured on 2 idle cores with generated specs of
25 components, two processes against one: 0.98x the wall time at 32 files (for 1.28x the
CPU time), 0.86x at 64, 0.63x at 128."""
CHUNK = 16
"""Files a worker takes at a time: few round trips, and results still arrive steadily."""


def default_jobs(files: int) -> int:
    """How many processes check `files` spec files: one per available CPU for large sets."""
    if files < POOL_MIN_FILES:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, files // CHUNK))


def check_stream(
    paths: Sequence[Path],
    *,
    reference_date: dt.date | None = None,
    rules: RuleSelection | None = None,
    config_file: Path | None = None,
    keep: bool = False,
    jobs: int | None = None,
) -> Iterator[FileCheck]:
    """Validate and lint every spec below `paths`, yielding each file's outcome in order as
    soon as it is known, so nothing but the outcomes needs to be held.

    `jobs` processes share the work (None: `default_jobs`). Names are checked across files
    here, in order: a spec that reuses an earlier spec's `metadata.name` gets an error and
    no lint findings.
    """
    settings = CheckSettings(
        reference_date,
        rules.disabled() if rules is not None else frozenset(),
        config_file,
        keep,
    )
    found = find_specs(paths)
    if found.skipped:
        yield FileCheck(found.skipped[0].path, sorted(found.skipped, key=Diagnostic.sort_key))
    local = _Checker(settings)
    tasks: list[tuple[Path, Path | None]] = []
    before: list[list[Diagnostic]] = []
    """Problems of the catalogue and settings file a spec is the first to use."""
    for file in found.files:
        catalog_file = local.catalogs.locate(file)
        problems = [*local.catalogs.load(catalog_file)[1], *local.configs.for_spec(file)[1]]
        tasks.append((file, catalog_file))
        before.append(problems)
    workers = default_jobs(len(tasks)) if jobs is None else max(1, min(jobs, len(tasks)))
    outcomes = _run(local, tasks, settings, workers)
    names: dict[str, str] = {}
    for problems, checked in zip(before, outcomes, strict=True):
        if problems:
            yield FileCheck(problems[0].path, sorted(set(problems), key=Diagnostic.sort_key))
        yield _claim_name(checked, names)


def _run(
    local: _Checker, tasks: list[tuple[Path, Path | None]], settings: CheckSettings, workers: int
) -> Iterator[FileCheck]:
    if workers <= 1:
        for task in tasks:
            yield local.check(*task)
        return
    from mlopsdiag import lifecycle

    lifecycle.prepare()
    pool = lifecycle.pool_context().Pool(workers, _worker_start, (settings, os.getpid()))
    try:
        yield from pool.imap(_worker_check, tasks, chunksize=CHUNK)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def _claim_name(checked: FileCheck, names: dict[str, str]) -> FileCheck:
    """`checked`, with an error when an earlier spec of the run has the same name."""
    name = checked.name
    if name is None:
        return checked
    first = names.setdefault(name, checked.path)
    if first == checked.path:
        return checked
    kept = checked.diagnostics[: len(checked.diagnostics) - checked.findings]
    error = duplicate_name(checked.path, checked.name_at, name, first)
    if checked.name_end is not None:
        error = dataclasses.replace(
            error, end_line=checked.name_end[0], end_col=checked.name_end[1]
        )
    if checked.result is not None:
        checked.result.architecture = None
    return dataclasses.replace(
        checked,
        diagnostics=sorted([*kept, error], key=Diagnostic.sort_key),
        facts={
            **(checked.facts or {}),
            "valid": False,
            "maturity": None,
            "coverage": None,
            "findings": None,
            "name": None,
        },
        findings=0,
    )


def run_checks(
    paths: Sequence[Path],
    *,
    reference_date: dt.date | None = None,
    rules: RuleSelection | None = None,
    config_file: Path | None = None,
) -> CheckResult:
    """Validate every spec below `paths`, lint the valid ones, and collect all diagnostics
    with each spec's document and model (in this process).

    `config_file` replaces the mlopsdiag-config.yaml each spec would find above itself.
    """
    results: list[SpecResult] = []
    diagnostics: list[Diagnostic] = []
    specs: list[dict[str, Any]] = []
    with few_collections():
        for checked in check_stream(
            paths,
            reference_date=reference_date,
            rules=rules,
            config_file=config_file,
            keep=True,
            jobs=1,
        ):
            diagnostics.extend(checked.diagnostics)
            if checked.facts is None:
                continue
            if checked.result is not None:
                results.append(checked.result)
            specs.append(checked.facts)
    return CheckResult(results, diagnostics, specs)
