"""The rule registry documents every rule completely, and `mlopsdiag explain` prints it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from mlopsdiag.catalog import builtin_catalog
from mlopsdiag.cli import main_group
from mlopsdiag.config import LintConfig
from mlopsdiag.errors import Severity
from mlopsdiag.lint import RULES, lint
from mlopsdiag.lint.explain import format_rule
from mlopsdiag.spec.loader import load_bytes
from mlopsdiag.spec.validate import validate_document

KNOWLEDGE = Path(__file__).resolve().parent.parent / "generator" / "mlopsdiag" / "knowledge"

REQUIRED = {
    "serving-without-monitoring": Severity.WARNING,
    "training-without-tracking": Severity.WARNING,
    "serving-bypasses-registry": Severity.WARNING,
    "training-without-data-validation": Severity.WARNING,
    "training-serving-skew-risk": Severity.WARNING,
    "monitoring-without-alerting": Severity.WARNING,
    "maturity-claim-unsupported": Severity.ERROR,
    "missing-owner": Severity.WARNING,
    "runbook-missing": Severity.WARNING,
    "runbook-no-rollback": Severity.WARNING,
    "runbook-stale": Severity.WARNING,
    "orphan-component": Severity.INFO,
}


def test_issue_rules_keep_their_ids_and_default_severities() -> None:
    assert {rule_id: RULES[rule_id].severity for rule_id in REQUIRED} == REQUIRED


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_is_fully_documented(rule_id: str) -> None:
    rule = RULES[rule_id]
    assert re.fullmatch(r"[a-z]+(-[a-z]+)+", rule.id)
    for text in (rule.title, rule.condition, rule.rationale, rule.fix, rule.example):
        assert text.strip()
    assert "\n" not in rule.title
    assert len(rule.rationale.split()) >= 40, "a rationale explains, in a few sentences"
    assert rule.sources
    for source in rule.sources:
        assert source.title
        assert not source.url or source.url.startswith("https://")
    for concept in rule.concepts:
        assert (KNOWLEDGE / f"{concept}.md").is_file(), f"no knowledge page {concept}"


@pytest.mark.parametrize("rule_id", list(RULES))
def test_example_satisfies_its_rule(rule_id: str) -> None:
    data = yaml.safe_load(RULES[rule_id].example)
    spec = {"apiVersion": "mlopsdiag/v1", "kind": "Architecture", **data}
    spec.setdefault("metadata", {"name": "example", "title": "Example"})
    text = yaml.safe_dump(spec, sort_keys=False).encode()
    result = validate_document(load_bytes(text, "example.yaml"), builtin_catalog())
    assert result.architecture is not None, [d.format() for d in result.diagnostics]
    found = lint(result.architecture, LintConfig(reference_date=dt.date(2026, 11, 26)))
    assert [d.format() for d in found if d.code == rule_id] == []


def test_knowledge_pages_name_only_existing_rules() -> None:
    for page in KNOWLEDGE.glob("*.md"):
        front = page.read_text(encoding="utf-8").split("---")[1]
        for rule_id in yaml.safe_load(front).get("rules") or ():
            assert rule_id in RULES, f"{page.name} names unknown rule {rule_id}"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main_group, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_explain_lists_every_rule_with_severity_and_title() -> None:
    code, out = invoke("explain")
    assert code == 0
    from mlopsdiag.deployed.codes import CODES

    lines = out.splitlines()
    # The rules, a blank line and the hint, then the drift codes under their heading.
    assert len(lines) == len(RULES) + 2 + 2 + len(CODES)
    for line, rule in zip(lines, RULES.values(), strict=False):
        assert line.split()[:2] == [rule.id, rule.severity.value]
        assert line.endswith(rule.title)
    assert lines[len(RULES) + 3] == "Drift codes (mlopsdiag drift):"
    for line, drift_code in zip(lines[len(RULES) + 4 :], CODES.values(), strict=True):
        assert line.split()[:2] == [drift_code.id, drift_code.severity.value]
        assert line.endswith(drift_code.title)


def test_explain_prints_the_documentation() -> None:
    code, out = invoke("explain", "runbook-stale")
    assert code == 0
    assert out == format_rule(RULES["runbook-stale"])
    assert out.startswith("runbook-stale (warning): Runbook not verified for a long time\n")
    for heading in ("Fires when:", "Why it matters:", "How to fix it:", "Example", "Sources:"):
        assert f"\n{heading}" in out
    assert "https://sre.google/sre-book/being-on-call/" in out


def test_explain_unknown_rule_suggests_and_exits_2() -> None:
    code, out = invoke("explain", "runbook-stal")
    assert code == 2
    assert "unknown rule 'runbook-stal' (did you mean 'runbook-stale'?)" in out
