"""Run the rules over one architecture and turn their findings into diagnostics."""

from __future__ import annotations

import datetime as dt

from mlopsdiag.config import LintConfig
from mlopsdiag.errors import Diagnostic
from mlopsdiag.lint.rules import RULES, Context
from mlopsdiag.spec.model import Architecture
from mlopsdiag.spec.suggest import did_you_mean

__all__ = ["lint"]


def lint(arch: Architecture, config: LintConfig | None = None) -> list[Diagnostic]:
    """Findings of every enabled rule (code = rule id), plus errors for unknown disabled rules."""
    config = config or LintConfig()
    out: list[Diagnostic] = []
    disabled = set(config.disabled)
    for i, override in enumerate(arch.lint_disable):
        if override.rule in RULES:
            disabled.add(override.rule)
            continue
        at = f"lint.disable[{i}].rule"
        loc = arch.loc(at)
        out.append(
            Diagnostic(
                loc.path,
                loc.line,
                loc.col,
                f"unknown rule {override.rule!r}{did_you_mean(override.rule, RULES)}; "
                "`mlopsdiag explain` lists the rules",
                at,
            )
        )
    ctx = Context(arch, config.reference_date or dt.date.today())
    for rule in RULES.values():
        if rule.id in disabled:
            continue
        severity = config.severity.get(rule.id, rule.severity)
        for found in rule.check(ctx):
            out.append(
                Diagnostic(
                    found.loc.path,
                    found.loc.line,
                    found.loc.col,
                    found.message,
                    found.field,
                    severity,
                    rule.id,
                )
            )
    return sorted(out, key=Diagnostic.sort_key)
