"""What the CI formats say about the rules: ids, titles, help text and the URL of each rule page."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from mlopsdiag.errors import Diagnostic, Severity

DOCS_URL = "https://mlopsdiag.github.io/mlopsdiag/"
"""Where the project's own documentation site, with a page per lint rule, is published."""

SPEC_ERROR = "spec-error"
"""The rule id given to problems that are not lint findings: YAML, schema, references."""
UNREADABLE = "unreadable"
"""The code of a manifest object `mlopsdiag drift` cannot read."""


@dataclass(frozen=True)
class RuleInfo:
    """One rule as reports describe it."""

    id: str
    title: str
    description: str
    help: str
    url: str
    severity: Severity


def rule_url(rule_id: str) -> str:
    """The page that documents a rule (the spec reference for spec errors)."""
    if rule_id == SPEC_ERROR:
        return DOCS_URL + "reference/spec.html"
    if rule_id == UNREADABLE:
        return DOCS_URL + "guide/drift.html"
    from mlopsdiag.deployed.codes import CODES

    if rule_id in CODES:
        return f"{DOCS_URL}guide/drift.html#{rule_id}"
    return f"{DOCS_URL}rules/{rule_id}.html"


def rule_infos() -> list[RuleInfo]:
    """Every lint rule, then the pseudo-rule of spec errors."""
    from mlopsdiag.lint.rules import RULES  # the rules load their data file: only when needed

    infos = [
        RuleInfo(
            rule.id,
            rule.title,
            " ".join(rule.condition.split()),
            f"{' '.join(rule.rationale.split())}\n\nFix: {' '.join(rule.fix.split())}\n\n"
            f"Run `mlopsdiag explain {rule.id}` for the full documentation.",
            rule_url(rule.id),
            rule.severity,
        )
        for rule in RULES.values()
    ]
    from mlopsdiag.deployed.codes import CODES

    infos.extend(
        RuleInfo(
            code.id,
            code.title,
            " ".join(code.condition.split()),
            f"{' '.join(code.rationale.split())}\n\nFix: {' '.join(code.fix.split())}\n\n"
            f"Run `mlopsdiag explain {code.id}` for the full documentation.",
            rule_url(code.id),
            code.severity,
        )
        for code in CODES.values()
    )
    infos.append(
        RuleInfo(
            UNREADABLE,
            "A manifest object cannot be read",
            "A document read by `mlopsdiag drift` or `mlopsdiag import` is of a known kind but "
            "lacks what that kind needs (a name, a predictor, a pod template...), or is not "
            "a kind either command reads.",
            "The message says what is missing and where; fix the manifest or leave it out of "
            "the paths given.",
            rule_url(UNREADABLE),
            Severity.ERROR,
        )
    )
    infos.append(
        RuleInfo(
            SPEC_ERROR,
            "The file is not a valid spec",
            "A spec, project catalogue or configuration file cannot be read or breaks the spec "
            "format: YAML syntax, a missing or misspelt field, an unknown reference, a "
            "duplicate name or a credential written into the file.",
            "The message says what is wrong and where. The spec reference lists every field; "
            "`mlopsdiag schema` prints the JSON Schema for editor completion.",
            rule_url(SPEC_ERROR),
            Severity.ERROR,
        )
    )
    return infos


def rule_id(diagnostic: Diagnostic) -> str:
    """The rule a diagnostic belongs to (spec errors have no lint rule of their own)."""
    return diagnostic.code or SPEC_ERROR


def fingerprints(diagnostics: list[Diagnostic]) -> list[str]:
    """A stable id per diagnostic: file, rule, field and message, not the line.

    A finding keeps its fingerprint when lines above it move, so CI systems see it as the
    same finding; identical findings in one file are told apart by their order.
    """
    seen: dict[str, int] = {}
    out: list[str] = []
    for d in diagnostics:
        key = "\0".join((d.path, rule_id(d), d.field, d.message))
        seen[key] = seen.get(key, 0) + 1
        digest = hashlib.sha256(f"{key}\0{seen[key]}".encode()).hexdigest()
        out.append(digest[:32])
    return out
