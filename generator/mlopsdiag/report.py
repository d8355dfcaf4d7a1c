"""Output formats for diagnostics: one formatter per format, registered in one table."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from mlopsdiag.errors import Diagnostic, Severity, visible


def _text(diagnostics: Sequence[Diagnostic], summary: dict[str, Any]) -> str:
    return "".join(d.format() + "\n" for d in diagnostics) + text_summary(summary)


def text_summary(summary: dict[str, Any]) -> str:
    """The closing line of the text format: how many files, and the verdict."""
    files = summary["files"]
    errors = summary["errors"]
    others = summary["warnings"] + summary["infos"]
    verdict = f"{errors} error{'s' if errors != 1 else ''}" if errors else "valid"
    extra = (
        f", {summary['warnings']} warning{'s' if summary['warnings'] != 1 else ''}"
        f", {summary['infos']} info"
        if others
        else ""
    )
    return f"{files} file{'s' if files != 1 else ''} checked: {verdict}{extra}\n"


def _escape_property(value: str) -> str:
    return (
        value.replace("%", "%25")
        .replace("\r", "%0D")
        .replace("\n", "%0A")
        .replace(":", "%3A")
        .replace(",", "%2C")
    )


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _github(diagnostics: Sequence[Diagnostic], summary: dict[str, Any]) -> str:
    lines = []
    for d in diagnostics:
        where = f"{d.field}: " if d.field else ""
        title = f" [{d.code}]" if d.code else ""
        lines.append(
            f"::{_GITHUB_LEVEL[d.severity]} file={_escape_property(visible(d.path))},"
            f"line={d.line},col={d.col},title={_escape_property('mlopsdiag' + title)}::"
            f"{_escape_data(visible(where + d.message))}"
        )
    lines.append(
        f"{summary['files']} files checked: {summary['errors']} errors, "
        f"{summary['warnings']} warnings, {summary['infos']} infos"
    )
    return "\n".join(lines) + "\n"


def _json(diagnostics: Sequence[Diagnostic], summary: dict[str, Any]) -> str:
    payload = {
        "summary": {k: v for k, v in summary.items() if k not in ("specs", "title")},
        "diagnostics": [
            {
                "path": d.path,
                "line": d.line,
                "col": d.col,
                "severity": d.severity.value,
                "field": d.field,
                "code": d.code or None,
                "message": d.message,
            }
            for d in diagnostics
        ],
        "specs": summary.get("specs", []),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


Formatter = Callable[[Sequence[Diagnostic], dict[str, Any]], str]


@dataclass(frozen=True)
class ReportFormat:
    """One output format of `mlopsdiag validate`."""

    formatter: Formatter | str
    """The function, or `module:function` of one imported only when the format is used
    (a run in the default format need not import the XML or SARIF writers)."""
    help: str
    """What the format is for, as `--help` and the CLI reference list it."""
    errors_first: bool = False
    """List errors, then warnings, then infos (by position otherwise): GitHub shows only the
    first ten annotations of each kind per step, and a summary reader wants errors first."""

    def render(self, diagnostics: Sequence[Diagnostic], summary: dict[str, Any]) -> str:
        """Format `diagnostics` with their `summary` counts."""
        formatter = self.formatter
        if isinstance(formatter, str):
            module, _, name = formatter.partition(":")
            formatter = getattr(importlib.import_module(module), name)
        return formatter(diagnostics, summary)


FORMATS: Mapping[str, ReportFormat] = MappingProxyType(
    {
        "text": ReportFormat(_text, "file:line:col: severity: message lines and a summary"),
        "json": ReportFormat(_json, "diagnostics and per-spec facts (maturity, coverage)"),
        "github": ReportFormat(_github, "GitHub Actions annotations", errors_first=True),
        "sarif": ReportFormat(
            "mlopsdiag.reports.sarif:render_sarif", "SARIF 2.1.0 for GitHub code scanning"
        ),
        "junit": ReportFormat("mlopsdiag.reports.junit:render_junit", "JUnit XML test report"),
        "gitlab": ReportFormat(
            "mlopsdiag.reports.gitlab:render_gitlab", "GitLab Code Quality report (JSON)"
        ),
        "markdown": ReportFormat(
            "mlopsdiag.reports.markdown:render_markdown",
            "a Markdown table of every finding (job summaries)",
            errors_first=True,
        ),
    }
)


def summarize(diagnostics: Sequence[Diagnostic], files: int) -> dict[str, Any]:
    """Counts by severity, for the closing line of every format."""
    return {
        "files": files,
        "errors": sum(d.severity is Severity.ERROR for d in diagnostics),
        "warnings": sum(d.severity is Severity.WARNING for d in diagnostics),
        "infos": sum(d.severity is Severity.INFO for d in diagnostics),
    }


def render_report(
    fmt: str,
    diagnostics: Sequence[Diagnostic],
    files: int,
    specs: list[dict[str, Any]] | None = None,
    title: str = "",
) -> str:
    """Format diagnostics (sorted by file and position) in one of FORMATS; `title` names
    the command in formats that show one (markdown), when it is not `mlopsdiag validate`."""
    chosen = FORMATS[fmt]
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    if chosen.errors_first:
        rank = {severity: i for i, severity in enumerate(Severity)}
        ordered.sort(key=lambda d: rank[d.severity])
    summary = summarize(ordered, files)
    if specs is not None:
        summary["specs"] = specs
    if title:
        summary["title"] = title
    return chosen.render(ordered, summary)
