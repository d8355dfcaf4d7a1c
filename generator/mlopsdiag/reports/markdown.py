"""A Markdown summary of every finding, for GitHub's job summary or a merge request comment."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from mlopsdiag.errors import Diagnostic, Severity, visible
from mlopsdiag.reports.rules_info import SPEC_ERROR, rule_id, rule_url

_ICON = {Severity.ERROR: "❌ error", Severity.WARNING: "⚠️ warning", Severity.INFO: "ℹ️ info"}


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")


def md_text(text: str) -> str:
    """Text as literal Markdown (GitHub flavour) on one line: no markup, image, link, HTML or
    table break survives, no `@mention` notifies anyone, control characters are shown
    escaped. Shared by every Markdown report (validate's and diff's job summaries)."""
    text = visible(" ".join(text.split()))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # `@name` in a pull-request comment would notify someone: show it without the link.
    return _MD_SPECIAL.sub(r"\\\1", text).replace("@", "&#64;")


def _code(value: str) -> str:
    """A code span: shown literally, so only backticks and column breaks need care."""
    shown = visible(" ".join(value.split()))
    return "`" + shown.replace("`", "'").replace("|", "\\|") + "`"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_markdown(diagnostics: Sequence[Diagnostic], summary: dict[str, Any]) -> str:
    """A heading with the counts, then a table of all diagnostics, errors first."""
    files, errors = summary["files"], summary["errors"]
    counts = ", ".join(
        (
            _plural(errors, "error"),
            _plural(summary["warnings"], "warning"),
            f"{summary['infos']} info",
        )
    )
    verdict = "❌" if errors else ("⚠️" if diagnostics else "✅")
    lines = [
        f"## {summary.get('title') or 'mlopsdiag validate'}",
        "",
        f"{verdict} {_plural(files, 'file')} checked: {counts}",
    ]
    if diagnostics:
        lines += ["", "| Severity | Where | Rule | Message |", "| --- | --- | --- | --- |"]
        for d in diagnostics:
            rid = rule_id(d)
            rule = rid if rid == SPEC_ERROR else f"[{rid}]({rule_url(rid)})"
            where = _code(f"{d.path}:{d.line}:{d.col}")
            field = f"{_code(d.field)}: " if d.field else ""
            lines.append(
                f"| {_ICON[d.severity]} | {where} | {rule} | {field}{md_text(d.message)} |"
            )
    return "\n".join(lines) + "\n"
