"""One validation run over a spec set: schema, references, secrets, then lint rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlopsdiag.errors import Diagnostic, Severity
from mlopsdiag.spec.model import Architecture
from mlopsdiag.spec.validate import SpecResult, validate_paths


@dataclass
class CheckResult:
    """Everything `mlopsdiag validate` reports."""

    results: list[SpecResult]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    specs: list[dict[str, Any]] = field(default_factory=list)
    """Per-spec facts for machine-readable output (name, path, validity, analysis)."""

    @property
    def architectures(self) -> list[Architecture]:
        """Models of the specs that passed validation."""
        return [r.architecture for r in self.results if r.architecture is not None]

    def failed(self, *, strict: bool = False) -> bool:
        """Errors always fail the run; warnings and infos only when strict."""
        if strict:
            return bool(self.diagnostics)
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


def run_checks(paths: Sequence[Path]) -> CheckResult:
    """Validate every spec below `paths` and collect all diagnostics."""
    results = validate_paths(paths)
    diagnostics = [d for r in results for d in r.diagnostics]
    specs = [
        {
            "path": r.path,
            "name": r.architecture.name if r.architecture else None,
            "valid": r.ok,
        }
        for r in results
    ]
    return CheckResult(results, diagnostics, specs)
