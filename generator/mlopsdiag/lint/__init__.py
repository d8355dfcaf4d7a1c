"""MLOps knowledge in the checker: lint rules, capability coverage and the inferred maturity level."""

from __future__ import annotations

from mlopsdiag.lint.analysis import LEVEL_REQUIREMENTS, Analysis, analyze
from mlopsdiag.lint.config import (
    ConfigLookup,
    LintConfig,
    config_schema,
    find_config,
    load_config,
)
from mlopsdiag.lint.engine import lint
from mlopsdiag.lint.rules import RULES, Rule

__all__ = [
    "LEVEL_REQUIREMENTS",
    "RULES",
    "Analysis",
    "ConfigLookup",
    "LintConfig",
    "Rule",
    "analyze",
    "config_schema",
    "find_config",
    "lint",
    "load_config",
]
