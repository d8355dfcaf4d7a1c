"""One diff run: validate and lint both sides, then compare them architecture by architecture."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mlopsdiag.check import CheckResult, run_checks
from mlopsdiag.diff.compare import diff_architecture, findings_of
from mlopsdiag.diff.model import ArchitectureDiff, DiffResult, Finding
from mlopsdiag.errors import Diagnostic, Severity
from mlopsdiag.spec.model import Architecture


@dataclass
class DiffRun:
    """What `mlopsdiag diff` reports: the comparison, or why it could not be made."""

    result: DiffResult | None
    problems: list[Diagnostic] = field(default_factory=list)
    """Errors and warnings of the specs, catalogues and configurations on either side, as
    `validate` reports them (lint findings are part of the comparison instead)."""

    @property
    def failed(self) -> bool:
        """True when a spec on either side is invalid (no comparison then)."""
        return self.result is None


def diff_models(
    old: Sequence[Architecture],
    new: Sequence[Architecture],
    *,
    old_findings: Mapping[str, Sequence[Finding]] | None = None,
    new_findings: Mapping[str, Sequence[Finding]] | None = None,
    old_label: str = "old",
    new_label: str = "new",
) -> DiffResult:
    """Compare two sets of architectures, matched by `metadata.name` (findings by name too)."""
    before = {a.name: a for a in old}
    after = {a.name: a for a in new}
    old_findings = old_findings or {}
    new_findings = new_findings or {}
    diffs: list[ArchitectureDiff] = []
    for name in sorted(before.keys() | after.keys()):
        diffs.append(
            diff_architecture(
                before.get(name),
                after.get(name),
                old_findings.get(name, ()),
                new_findings.get(name, ()),
            )
        )
    return DiffResult(old_label, new_label, tuple(diffs))


def _findings(checked: CheckResult, relabel: Callable[[str], str]) -> dict[str, list[Finding]]:
    by_path: dict[str, list[Diagnostic]] = {}
    for d in checked.diagnostics:
        if d.code:
            by_path.setdefault(d.path, []).append(d)
    out: dict[str, list[Finding]] = {}
    for arch in checked.architectures:
        found = findings_of(arch, by_path.get(arch.source_path, ()))
        out[arch.name] = [dataclasses.replace(f, path=relabel(f.path)) for f in found]
    return out


def _relabelled(arch: Architecture, relabel: Callable[[str], str]) -> Architecture:
    shown = relabel(arch.source_path)
    return arch if shown == arch.source_path else dataclasses.replace(arch, source_path=shown)


def _problems(checked: CheckResult, relabel: Callable[[str], str]) -> list[Diagnostic]:
    return [dataclasses.replace(d, path=relabel(d.path)) for d in checked.diagnostics if not d.code]


def _same(path: str) -> str:
    return path


def diff_paths(
    old_paths: Sequence[Path],
    new_paths: Sequence[Path],
    *,
    old_label: str,
    new_label: str,
    reference_date: dt.date | None = None,
    old_relabel: Callable[[str], str] = _same,
) -> DiffRun:
    """Validate and lint the specs below both sets of paths and compare them.

    `old_relabel` turns a path of the old side into how it is shown (for `--base`, where the
    old side is read from git into a temporary folder).
    """
    old = run_checks(old_paths, reference_date=reference_date) if old_paths else None
    new = run_checks(new_paths, reference_date=reference_date) if new_paths else None
    problems: list[Diagnostic] = []
    if old is not None:
        problems += _problems(old, old_relabel)
    if new is not None:
        problems += _problems(new, _same)
    problems.sort(key=Diagnostic.sort_key)
    invalid = any(d.severity is Severity.ERROR for d in problems)
    if invalid:
        return DiffRun(None, problems)
    result = diff_models(
        [_relabelled(a, old_relabel) for a in old.architectures] if old else [],
        new.architectures if new else [],
        old_findings=_findings(old, old_relabel) if old else {},
        new_findings=_findings(new, _same) if new else {},
        old_label=old_label,
        new_label=new_label,
    )
    return DiffRun(result, problems)
