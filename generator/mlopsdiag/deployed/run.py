"""One `mlopsdiag drift` run: validate the specs, read what is deployed, compare."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mlopsdiag.deployed.drift import DriftResult, drift
from mlopsdiag.deployed.mlflow import merge_models
from mlopsdiag.deployed.read import Reading, read_paths, read_registry
from mlopsdiag.deployed.record import Record
from mlopsdiag.errors import Diagnostic, Severity
from mlopsdiag.spec.model import Architecture


@dataclass
class DriftRun:
    """What a run found: spec problems, unreadable manifests, drift findings."""

    architectures: list[Architecture]
    spec_problems: list[Diagnostic]
    reading: Reading
    result: DriftResult
    spec_files: int = 0
    config_problems: list[Diagnostic] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Everything to report, in file order."""
        every = [
            *self.config_problems,
            *self.spec_problems,
            *self.reading.problems,
            *self.result.findings,
        ]
        return sorted(every, key=Diagnostic.sort_key)

    @property
    def invalid(self) -> bool:
        """A spec, the configuration or a manifest object could not be read."""
        return any(
            d.severity is Severity.ERROR
            for d in (*self.spec_problems, *self.config_problems, *self.reading.problems)
        )

    @property
    def drifted(self) -> bool:
        """Some finding is an error or a warning (infos are reported only)."""
        return any(d.severity is not Severity.INFO for d in self.result.findings)

    def suggestions(self) -> list[tuple[Record, str]]:
        """Alerts without runbook_url that a procedure answers, with the URL to add."""
        return self.result.suggestions


def drift_paths(
    specs: Sequence[Path],
    against: Sequence[Path],
    *,
    mlflow_url: str | None = None,
    config_file: Path | None = None,
    runbook_base: str = "",
) -> DriftRun:
    """Validate the specs below `specs`, read everything below `against` (and the registry
    at `mlflow_url`), and compare them."""
    from mlopsdiag.config import ConfigLookup
    from mlopsdiag.spec.validate import validate_paths

    results = validate_paths(list(specs))
    archs = [r.architecture for r in results if r.architecture is not None]
    problems = [d for r in results for d in r.diagnostics if d.severity is Severity.ERROR]
    lookup = ConfigLookup(config_file)
    config, config_problems = lookup.for_spec(specs[0] if specs else Path())
    reading = read_paths(against)
    if mlflow_url:
        server = read_registry(mlflow_url)
        reading.extend(server.records, server.problems)
        reading.records = merge_models(reading.records)
    # An invalid spec's bindings are unknown: objects it declares would show as undeclared.
    result = (
        DriftResult([], {})
        if problems
        else drift(archs, reading.records, config.drift_severity, runbook_base)
    )
    return DriftRun(
        archs,
        problems,
        reading,
        result,
        spec_files=len(results),
        config_problems=list(config_problems),
    )
