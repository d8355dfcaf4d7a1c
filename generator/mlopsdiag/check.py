"""One validation run over a spec set: schema, references, secrets, then lint rules."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlopsdiag.errors import Diagnostic, Severity
from mlopsdiag.lint import RULES, ConfigLookup, analyze, lint
from mlopsdiag.spec.discovery import skipped
from mlopsdiag.spec.model import Architecture
from mlopsdiag.spec.spans import with_end_positions
from mlopsdiag.spec.validate import SpecResult, validate_paths


@dataclass
class CheckResult:
    """Everything `mlopsdiag validate` reports."""

    results: list[SpecResult]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    specs: list[dict[str, Any]] = field(default_factory=list)
    """Per-spec facts for machine-readable output (name, path, validity, maturity, coverage)."""
    strict: bool | None = None
    """Strictness asked for on the command line; None leaves it to the project configuration."""
    strict_paths: frozenset[str] = frozenset()
    """Specs whose project configuration says `lint.strict: true`."""

    @property
    def architectures(self) -> list[Architecture]:
        """Models of the specs that passed validation."""
        return [r.architecture for r in self.results if r.architecture is not None]

    def failed(self, *, strict: bool | None = None) -> bool:
        """Errors always fail the run; warnings and infos only when strict."""
        mode = self.strict if strict is None else strict
        if mode:
            return bool(self.diagnostics)
        if any(d.severity is Severity.ERROR for d in self.diagnostics):
            return True
        return mode is None and any(d.path in self.strict_paths for d in self.diagnostics)


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


def run_checks(
    paths: Sequence[Path],
    *,
    reference_date: dt.date | None = None,
    strict: bool | None = None,
    rules: RuleSelection | None = None,
    config_file: Path | None = None,
) -> CheckResult:
    """Validate every spec below `paths`, lint the valid ones, and collect all diagnostics.

    `config_file` replaces the mlopsdiag-config.yaml each spec would find above itself.
    """
    results = validate_paths(paths)
    diagnostics = [*skipped(paths), *(d for r in results for d in r.diagnostics)]
    configs = ConfigLookup(config_file)
    switched_off = rules.disabled() if rules is not None else frozenset()
    specs: list[dict[str, Any]] = []
    strict_paths: set[str] = set()
    for result in results:
        config, problems = configs.for_spec(Path(result.path))
        diagnostics.extend(problems)
        findings: list[Diagnostic] = []
        if result.architecture is not None:
            config = config.replace(reference_date=reference_date)
            if switched_off:
                config = dataclasses.replace(config, disabled=config.disabled | switched_off)
            findings = lint(result.architecture, config)
            diagnostics.extend(findings)
            if config.strict:
                strict_paths.add(result.path)
        specs.append(_facts(result, findings))
    documents = {r.path: r.document for r in results if r.document is not None}
    diagnostics = with_end_positions(diagnostics, documents)
    return CheckResult(results, diagnostics, specs, strict, frozenset(strict_paths))
