"""GitLab Code Quality: the JSON report GitLab shows in merge requests (a CodeClimate subset)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mlopsdiag.errors import Diagnostic, Severity
from mlopsdiag.reports.rules_info import fingerprints, rule_id

_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def render_gitlab(diagnostics: Sequence[Diagnostic], summary: dict[str, Any]) -> str:
    """One issue per diagnostic, fingerprinted so that moved lines are not new issues."""
    issues = []
    for d, fingerprint in zip(diagnostics, fingerprints(list(diagnostics)), strict=True):
        where = f"{d.field}: " if d.field else ""
        issues.append(
            {
                "type": "issue",
                "description": where + d.message,
                "check_name": rule_id(d),
                "fingerprint": fingerprint,
                "severity": _SEVERITY[d.severity],
                "location": {"path": d.path, "lines": {"begin": d.line}},
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
