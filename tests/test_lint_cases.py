"""Every lint rule has a case folder tests/cases/lint/<rule>/: each fires*.yaml triggers the rule
with exactly the lines of expected.txt, each quiet*.yaml (a close variant) does not trigger it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mlopsdiag.config import LintConfig
from mlopsdiag.errors import Diagnostic
from mlopsdiag.lint import RULES, lint
from mlopsdiag.spec.validate import validate_paths

CASES = Path(__file__).parent / "cases" / "lint"
REFERENCE_DATE = dt.date(2026, 11, 26)


def lint_file(path: Path) -> list[Diagnostic]:
    """Validate one spec (it must be valid) and lint it on the fixed reference date."""
    [result] = validate_paths([path])
    assert result.architecture is not None, [d.format() for d in result.diagnostics]
    return lint(result.architecture, LintConfig(reference_date=REFERENCE_DATE))


def test_every_rule_has_a_case_folder() -> None:
    folders = {p.name for p in CASES.iterdir() if p.is_dir()}
    assert folders == set(RULES)


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_case(rule_id: str, update_goldens: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = CASES / rule_id
    monkeypatch.chdir(folder)
    firing = sorted(Path().glob("fires*.yaml"))
    quiet = sorted(Path().glob("quiet*.yaml"))
    assert firing and quiet
    lines = [d.format() for f in firing for d in lint_file(f) if d.code == rule_id]
    output = "".join(f"{line}\n" for line in lines)
    golden = folder / "expected.txt"
    if update_goldens:
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")
    assert len(lines) >= len(firing), "every fires*.yaml must trigger the rule"
    for path in quiet:
        assert [d.format() for d in lint_file(path) if d.code == rule_id] == []
