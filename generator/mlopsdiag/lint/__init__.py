"""MLOps knowledge in the checker: lint rules, capability coverage and the inferred maturity level."""

from __future__ import annotations

from mlopsdiag.lint.analysis import LEVEL_REQUIREMENTS, Analysis, analyze
from mlopsdiag.lint.engine import lint
from mlopsdiag.lint.rules import RULES, Rule

__all__ = [
    "LEVEL_REQUIREMENTS",
    "RULES",
    "Analysis",
    "Rule",
    "analyze",
    "lint",
]
