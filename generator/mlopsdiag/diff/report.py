"""Output formats of `mlopsdiag diff`: one formatter per format, registered in one table.

Every value reaching a formatter was passed through the secret scanner in `compare.py`; the
formatters only arrange it (and, in Markdown, escape it so no spec text becomes markup).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from mlopsdiag.diff.model import (
    ADDED,
    CHANGED,
    REMOVED,
    RENAMED,
    ArchitectureDiff,
    Change,
    DiffResult,
    FieldChange,
    Finding,
    Maturity,
    StepChange,
)
from mlopsdiag.reports.markdown import md_text

JSON_VERSION = 2
"""Bumped when the JSON output changes in a way a reader could notice (2: a process's steps
are matched by content and listed under `steps`, no longer as `steps[N].field` fields; a
finding's `place` names ids inside an element, `needs[mlflow-admin]`)."""

_MARK = {ADDED: "+", REMOVED: "-", CHANGED: "~", RENAMED: "~"}
_SIMPLE = re.compile(r"^[\w./:@#+-]+$")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def show_value(value: Any) -> str:
    """A plain value as one line: strings quoted, lists in brackets, absence as (none)."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_item(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_item(k)}: {_item(v)}" for k, v in value.items()) + "}"
    return str(value)


def _item(value: Any) -> str:
    if isinstance(value, str) and _SIMPLE.match(value):
        return value
    return show_value(value)


def _level(m: Maturity | None) -> str:
    if m is None:
        return "-"
    claim = f" (claimed {m.claimed})" if m.claimed is not None else ""
    return f"{m.inferred}{claim}"


def maturity_line(arch: ArchitectureDiff) -> str:
    """`level 0 → 1 (claimed 1)`, or `level 1, unchanged`."""
    if not arch.maturity_moved:
        return f"level {_level(arch.new_maturity)}, unchanged"
    return f"level {_level(arch.old_maturity)} → {_level(arch.new_maturity)}"


def _element(change: Change) -> str:
    rename = f" (renamed from {change.old_key})" if change.status == RENAMED else ""
    if change.key == change.kind:  # the single-element collections: metadata, runbook
        return change.kind
    return f"{change.kind} {change.key}{rename}"


def _field_line(change: Change, fc: FieldChange) -> str:
    if change.status == ADDED:
        return f"{fc.field}: {show_value(fc.new)}"
    if change.status == REMOVED:
        return f"{fc.field}: {show_value(fc.old)}"
    return f"{fc.field}: {show_value(fc.old)} → {show_value(fc.new)}"


def _handed(fc: FieldChange) -> str:
    if fc.old and fc.new:
        return f"handed over from {fc.old} to {fc.new}"
    if fc.new:
        return f"now done by {fc.new} (no actor named before)"
    return f"no longer says who does it (was {fc.old})"


def step_lines(sc: StepChange) -> tuple[str, list[str]]:
    """A step change as a heading line and its detail lines (moved, handed over, fields)."""
    if sc.status == ADDED:
        return f"step {sc.new_number} added: {sc.step}", []
    if sc.status == REMOVED:
        return f"step {sc.old_number} removed: {sc.step}", []
    renumbered = sc.old_number != sc.new_number and not sc.moved
    was = f" (was {sc.old_number})" if renumbered else ""
    details = [f"moved: was step {sc.old_number}"] if sc.moved else []
    for fc in sc.fields:
        if fc.field == "by":
            details.append(_handed(fc))
        else:
            details.append(f"{fc.field}: {show_value(fc.old)} → {show_value(fc.new)}")
    return f"step {sc.new_number}{was}: {sc.step}", details


def _finding_text(f: Finding) -> str:
    place = f" {f.place}:" if f.place else ""
    return f"{f.severity} [{f.rule}]{place} {f.message} ({f.path}:{f.line}:{f.col})"


def counts(result: DiffResult) -> dict[str, int]:
    """How many architectures, elements and findings were added, removed, changed..."""
    archs = Counter(a.status for a in result.architectures)
    elements: Counter[str] = Counter()
    for a in result.architectures:
        if a.status == CHANGED:
            elements.update(c.status for c in a.changes)
    return {
        "architectures": len(result.architectures),
        "architectures_added": archs[ADDED],
        "architectures_removed": archs[REMOVED],
        "architectures_changed": archs[CHANGED],
        "elements_added": elements[ADDED],
        "elements_removed": elements[REMOVED],
        "elements_changed": elements[CHANGED],
        "elements_renamed": elements[RENAMED],
        "findings_new": sum(len(a.findings_new) for a in result.architectures),
        "findings_resolved": sum(len(a.findings_resolved) for a in result.architectures),
    }


def summary_line(result: DiffResult) -> str:
    """The closing line, like terraform's `Plan: 1 to add, 0 to change, 0 to destroy.`"""
    n = counts(result)
    if not result.has_differences:
        return f"No differences: {_plural(n['architectures'], 'architecture')} compared."
    return (
        f"{_plural(n['architectures'], 'architecture')} compared: "
        f"{n['architectures_changed']} changed, {n['architectures_added']} added, "
        f"{n['architectures_removed']} removed; elements: {n['elements_added']} added, "
        f"{n['elements_changed']} changed, {n['elements_removed']} removed, "
        f"{n['elements_renamed']} renamed; lint findings: {n['findings_new']} new, "
        f"{n['findings_resolved']} resolved."
    )


# --------------------------------------------------------------------------- text


def _text_arch(arch: ArchitectureDiff) -> list[str]:
    path = arch.new_path or arch.old_path
    lines = [f"{_MARK[arch.status]} {arch.name}: {arch.title} ({path}) {arch.status}"]
    whole = arch.status in (ADDED, REMOVED)
    for change in arch.changes:
        lines.append(f"    {_MARK[change.status]} {_element(change)}")
        if not whole:
            lines.extend(f"        {_field_line(change, fc)}" for fc in change.fields)
            for sc in change.steps:
                head, details = step_lines(sc)
                lines.append(f"        {_MARK[sc.status]} {head}")
                lines.extend(f"            {d}" for d in details)
    lines.append(f"    maturity: {maturity_line(arch)}")
    if arch.capabilities_gained or arch.capabilities_lost:
        lines.append("    capabilities:")
        lines.extend(f"        + {cap}" for cap in arch.capabilities_gained)
        lines.extend(f"        - {cap}" for cap in arch.capabilities_lost)
    if arch.findings_new or arch.findings_resolved:
        lines.append("    lint findings:")
        lines.extend(f"        + {_finding_text(f)}" for f in arch.findings_new)
        lines.extend(f"        - {_finding_text(f)} resolved" for f in arch.findings_resolved)
    return lines


def format_text(result: DiffResult) -> str:
    """A terminal summary: one block per changed architecture, then one closing line."""
    lines = [f"Comparing {result.old_label} with {result.new_label}"]
    for arch in result.changed:
        lines.append("")
        lines.extend(_text_arch(arch))
    lines.append("")
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- markdown


_MD_STATUS = {ADDED: "added", REMOVED: "removed", CHANGED: "changed", RENAMED: "renamed"}


def _md_details(change: Change, whole: bool) -> str:
    if whole:
        return ""
    lines = [md_text(_field_line(change, fc)) for fc in change.fields]
    for sc in change.steps:
        head, details = step_lines(sc)
        lines.append(md_text("; ".join([head, *details])))
    return "<br>".join(lines)


def _md_finding_rows(findings: Iterable[Finding], status: str) -> list[str]:
    return [
        f"| {status} | {md_text(f.rule)} | {md_text(f.severity)} | {md_text(f.place)} | "
        f"{md_text(f.message)} | {md_text(f'{f.path}:{f.line}')} |"
        for f in findings
    ]


def _md_arch(arch: ArchitectureDiff) -> list[str]:
    path = arch.new_path or arch.old_path or ""
    lines = [
        f"### {md_text(arch.name)}: {md_text(arch.title)} ({arch.status})",
        "",
        f"Spec: {md_text(path)} · Inferred maturity: {md_text(maturity_line(arch))}",
        "",
    ]
    whole = arch.status in (ADDED, REMOVED)
    if arch.changes:
        lines += ["| Change | Element | Details |", "| --- | --- | --- |"]
        for change in arch.changes:
            lines.append(
                f"| {_MD_STATUS[change.status]} | {md_text(_element(change))} | "
                f"{_md_details(change, whole)} |"
            )
        lines.append("")
    if arch.capabilities_gained:
        gained = ", ".join(md_text(c) for c in arch.capabilities_gained)
        lines += [f"Capabilities gained: {gained}", ""]
    if arch.capabilities_lost:
        lost = ", ".join(md_text(c) for c in arch.capabilities_lost)
        lines += [f"Capabilities lost: {lost}", ""]
    if arch.findings_new or arch.findings_resolved:
        lines += [
            "| Lint finding | Rule | Severity | Place | Message | Where |",
            "| --- | --- | --- | --- | --- | --- |",
            *_md_finding_rows(arch.findings_new, "new"),
            *_md_finding_rows(arch.findings_resolved, "resolved"),
            "",
        ]
    return lines


Pictures = Callable[[ArchitectureDiff], list[str]]
"""Markdown lines that draw one architecture's changes (the CLI passes the Mermaid ones from
`mlopsdiag.export.diffpicture`, which sits above this layer)."""


def format_markdown(result: DiffResult, pictures: Pictures | None = None) -> str:
    """A pull-request summary (for `$GITHUB_STEP_SUMMARY` or a comment); `pictures` adds
    each changed architecture's drawing after its heading's lines."""
    lines = [
        "## Architecture changes (mlopsdiag diff)",
        "",
        f"Comparing {md_text(result.old_label)} with {md_text(result.new_label)}.",
        "",
        md_text(summary_line(result)),
        "",
    ]
    for arch in result.changed:
        lines.extend(_md_arch(arch))
        lines.extend(pictures(arch) if pictures is not None else [])
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- json


def _fields_json(fields: Iterable[FieldChange]) -> list[dict[str, Any]]:
    return [{"field": f.field, "old": f.old, "new": f.new} for f in fields]


def _step_json(sc: StepChange) -> dict[str, Any]:
    return {
        "status": sc.status,
        "old_number": sc.old_number,
        "new_number": sc.new_number,
        "step": sc.step,
        "moved": sc.moved,
        "handed_over": sc.handed_over is not None,
        "fields": _fields_json(sc.fields),
    }


def _change_json(change: Change) -> dict[str, Any]:
    out = {
        "collection": change.collection,
        "kind": change.kind,
        "key": change.key,
        "status": change.status,
        "renamed_from": change.old_key or None,
        "fields": _fields_json(change.fields),
    }
    if change.collection == "processes":  # steps matched by content: see `steps`
        out["steps"] = [_step_json(sc) for sc in change.steps]
    return out


def _finding_json(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "severity": f.severity,
        "place": f.place,
        "message": f.message,
        "path": f.path,
        "line": f.line,
        "col": f.col,
    }


def _maturity_json(m: Maturity | None) -> dict[str, Any] | None:
    return None if m is None else {"inferred": m.inferred, "claimed": m.claimed}


def arch_json(arch: ArchitectureDiff) -> dict[str, Any]:
    """One architecture's differences as a JSON object."""
    return {
        "name": arch.name,
        "title": arch.title,
        "status": arch.status,
        "old_path": arch.old_path,
        "new_path": arch.new_path,
        "changes": [_change_json(c) for c in arch.changes],
        "maturity": {
            "old": _maturity_json(arch.old_maturity),
            "new": _maturity_json(arch.new_maturity),
        },
        "capabilities": {
            "gained": list(arch.capabilities_gained),
            "lost": list(arch.capabilities_lost),
        },
        "findings": {
            "new": [_finding_json(f) for f in arch.findings_new],
            "resolved": [_finding_json(f) for f in arch.findings_resolved],
        },
    }


def format_json(result: DiffResult) -> str:
    """The comparison for programs: counts, then every changed architecture in full."""
    payload = {
        "version": JSON_VERSION,
        "old": result.old_label,
        "new": result.new_label,
        "differences": result.has_differences,
        "summary": counts(result),
        "architectures": [arch_json(a) for a in result.changed],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


Formatter = Callable[[DiffResult], str]

FORMATS: dict[str, Formatter] = {
    "text": format_text,
    "markdown": format_markdown,
    "json": format_json,
}
"""Output format name -> formatter, in the order `--format` lists them."""


def render_diff(fmt: str, result: DiffResult, pictures: Pictures | None = None) -> str:
    """The comparison in one of FORMATS (`pictures`: drawings for the Markdown one)."""
    if fmt == "markdown" and pictures is not None:
        return format_markdown(result, pictures)
    return FORMATS[fmt](result)
