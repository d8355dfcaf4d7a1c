"""Project configuration (mlopsdiag-config.yaml), per-spec `lint.disable`, and how findings
reach `mlopsdiag validate` in every output format."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlopsdiag.check import run_checks
from mlopsdiag.cli import main_group
from mlopsdiag.config import LintConfig, config_schema, find_config, load_config, rule_ids
from mlopsdiag.errors import Severity
from mlopsdiag.lint import RULES

# A valid spec with one warning (runbook-stale on 2026-11-26) and one info (orphan-component).
SPEC = """\
apiVersion: mlopsdiag/v1
kind: Architecture
metadata:
  name: small
  title: Small system
components:
  - id: validate
    tool: great-expectations
  - id: train
    tool: pytorch
  - id: tracking
    tool: mlflow
  - id: notes
flows:
  - {from: validate, to: train}
  - {from: train, to: tracking, kind: metrics}
runbook:
  last_verified: 2026-05-01
"""

STALE = (
    "specs/small.yaml:18:18: warning: runbook.last_verified: runbook last verified 209 days "
    "before 2026-11-26 (more than 180); walk through it again and update last_verified "
    "[runbook-stale]"
)
ORPHAN = (
    "specs/small.yaml:13:5: info: components[3]: 'notes' has no flow to or from it; "
    "connect it or remove it [orphan-component]"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()  # find_upwards stops at the repository root
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "small.yaml").write_text(SPEC, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_config(project: Path, text: str, folder: str = "") -> Path:
    path = project / folder / "mlopsdiag-config.yaml"
    path.write_text("apiVersion: mlopsdiag/v1\nkind: Config\n" + text, encoding="utf-8")
    return path


def validate(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main_group, ["validate", *args], catch_exceptions=False)
    return result.exit_code, result.output.splitlines()


# --------------------------------------------------------------------------- loading


def test_config_settings(project: Path) -> None:
    path = write_config(
        project,
        "lint:\n"
        "  severity:\n"
        "    runbook-stale: error\n"
        "    orphan-component: off\n"
        '    missing-owner: "off"\n'
        "  strict: true\n"
        "  reference_date: 2026-11-26\n",
    )
    config, problems = load_config(path)
    assert problems == []
    assert dict(config.severity) == {"runbook-stale": Severity.ERROR}
    assert config.disabled == {"orphan-component", "missing-owner"}
    assert config.strict is True
    assert config.reference_date == dt.date(2026, 11, 26)
    assert config.source == "mlopsdiag-config.yaml"


def test_config_is_found_next_to_or_above_the_specs(project: Path) -> None:
    assert find_config(project / "specs" / "small.yaml") is None
    path = write_config(project, "")
    assert find_config(project / "specs" / "small.yaml") == path.resolve()
    nearer = write_config(project, "", "specs")
    assert find_config(project / "specs" / "small.yaml") == nearer.resolve()


def test_config_problems_are_positioned_with_suggestions(project: Path) -> None:
    path = project / "mlopsdiag-config.yaml"
    path.write_text(
        "apiVersion: mlopsdiag/v1\n"
        "kind: Catalog\n"
        "lint:\n"
        "  severity:\n"
        "    runbook-stal: error\n"
        "    orphan-component: loud\n"
        "  strictt: true\n"
        "  reference_date: 2026-02-30\n"
        "site: {}\n",
        encoding="utf-8",
    )
    config, problems = load_config(path)
    assert [d.format() for d in problems] == [
        "mlopsdiag-config.yaml:2:7: error: kind: 'Catalog' is not one of: Config",
        "mlopsdiag-config.yaml:5:5: error: lint.severity.runbook-stal: unknown rule "
        "'runbook-stal' (did you mean 'runbook-stale'?); `mlopsdiag explain` lists them",
        "mlopsdiag-config.yaml:6:23: error: lint.severity.orphan-component: 'loud' is not one "
        "of: error, warning, info, off",
        "mlopsdiag-config.yaml:7:3: error: lint.strictt: unknown field 'strictt' (did you mean "
        "'strict'?); allowed here: severity, strict, reference_date",
        "mlopsdiag-config.yaml:8:19: error: lint.reference_date: '2026-02-30' is not a valid date",
        "mlopsdiag-config.yaml:9:1: error: site: unknown field 'site'; allowed here: "
        "apiVersion, kind, lint, matrix, render, drift",
    ]
    assert config == LintConfig(source="mlopsdiag-config.yaml")


def test_config_syntax_error_is_positioned(project: Path) -> None:
    path = project / "mlopsdiag-config.yaml"
    path.write_text("lint: [unclosed\n", encoding="utf-8")
    _, problems = load_config(path)
    assert len(problems) == 1
    assert problems[0].format().startswith("mlopsdiag-config.yaml:2:1: error: YAML syntax error")


def test_config_schema_names_every_rule() -> None:
    severity = config_schema()["properties"]["lint"]["properties"]["severity"]
    assert "runbook-stale" in severity["propertyNames"]["enum"]


def test_the_settings_know_the_linters_rules_in_its_order() -> None:
    # The settings module reads rule ids from the rules' data file, not from the linter.
    assert rule_ids() == tuple(RULES)


# --------------------------------------------------------------------------- validate


def test_findings_do_not_fail_the_run(project: Path) -> None:
    code, lines = validate("--reference-date", "2026-11-26")
    assert code == 0
    assert lines == [ORPHAN, STALE, "1 file checked: valid, 1 warning, 1 info"]


def test_strict_fails_on_findings(project: Path) -> None:
    assert validate("--reference-date", "2026-11-26", "--strict")[0] == 1


def test_config_strict_and_command_line_override(project: Path) -> None:
    write_config(project, "lint:\n  strict: true\n")
    assert validate("--reference-date", "2026-11-26")[0] == 1
    assert validate("--reference-date", "2026-11-26", "--no-strict")[0] == 0


def test_config_reference_date_and_command_line_override(project: Path) -> None:
    write_config(project, "lint:\n  reference_date: 2026-06-01\n")
    assert validate()[1] == [ORPHAN, "1 file checked: valid, 0 warnings, 1 info"]
    assert validate("--reference-date", "2026-11-26")[1][1] == STALE


def test_config_severities(project: Path) -> None:
    write_config(
        project, "lint:\n  severity:\n    runbook-stale: error\n    orphan-component: off\n"
    )
    code, lines = validate("--reference-date", "2026-11-26")
    assert code == 1
    assert lines == [
        STALE.replace(": warning: ", ": error: "),
        "1 file checked: 1 error",
    ]


def test_config_errors_fail_the_run_once(project: Path) -> None:
    (project / "specs" / "other.yaml").write_text(
        SPEC.replace("name: small", "name: other"), encoding="utf-8"
    )
    write_config(project, "lint:\n  severity:\n    orphan-componant: off\n")
    code, lines = validate("--reference-date", "2026-11-26")
    assert code == 1
    problems = [line for line in lines if line.startswith("mlopsdiag-config.yaml")]
    assert problems == [
        "mlopsdiag-config.yaml:5:5: error: lint.severity.orphan-componant: unknown rule "
        "'orphan-componant' (did you mean 'orphan-component'?); `mlopsdiag explain` lists them"
    ]


def test_spec_can_disable_a_rule_with_a_reason(project: Path) -> None:
    spec = project / "specs" / "small.yaml"
    spec.write_text(
        SPEC
        + "lint:\n  disable:\n    - rule: orphan-component\n"
        + "      reason: The notes box is documentation only.\n",
        encoding="utf-8",
    )
    assert validate("--reference-date", "2026-11-26")[1] == [
        STALE,
        "1 file checked: valid, 1 warning, 0 info",
    ]


def test_unknown_disabled_rule_is_a_validation_error(project: Path) -> None:
    spec = project / "specs" / "small.yaml"
    spec.write_text(
        SPEC + "lint:\n  disable:\n    - rule: orphan-components\n      reason: Not needed.\n",
        encoding="utf-8",
    )
    code, lines = validate("--reference-date", "2026-11-26")
    assert code == 1
    assert (
        "specs/small.yaml:21:13: error: lint.disable[0].rule: unknown rule 'orphan-components' "
        "(did you mean 'orphan-component'?); `mlopsdiag explain` lists the rules"
    ) in lines
    result = run_checks([Path("specs")], reference_date=dt.date(2026, 11, 26))
    assert result.specs[0]["valid"] is False


def test_json_has_findings_maturity_and_coverage(project: Path) -> None:
    result = CliRunner().invoke(
        main_group,
        ["validate", "--format", "json", "--reference-date", "2026-11-26"],
        catch_exceptions=False,
    )
    payload = json.loads(result.output)
    assert [d["code"] for d in payload["diagnostics"]] == ["orphan-component", "runbook-stale"]
    assert payload["diagnostics"][1] == {
        "path": "specs/small.yaml",
        "line": 18,
        "col": 18,
        "severity": "warning",
        "field": "runbook.last_verified",
        "code": "runbook-stale",
        "message": STALE.split("runbook.last_verified: ")[1].removesuffix(" [runbook-stale]"),
    }
    [spec] = payload["specs"]
    assert spec["maturity"] == {
        "claimed": None,
        "inferred": 0,
        "missing_for_next": [
            "orchestration",
            "model-validation",
            "continuous-training",
        ],
        "missing_for_claim": [],
        "trigger_flows": [],
    }
    assert spec["coverage"]["training"] == ["train"]
    assert spec["coverage"]["experiment-tracking"] == ["tracking"]
    assert spec["coverage"]["alerting"] == []
    assert spec["findings"] == 2


def test_github_annotations_carry_the_rule(project: Path) -> None:
    code, lines = validate("--format", "github", "--reference-date", "2026-11-26")
    assert code == 0
    # By severity first (GitHub shows only the first ten of each kind), then by position.
    assert lines[0].startswith(
        "::warning file=specs/small.yaml,line=18,col=18,title=mlopsdiag [runbook-stale]::"
    )
    assert lines[1] == (
        "::notice file=specs/small.yaml,line=13,col=5,title=mlopsdiag [orphan-component]::"
        "components[3]: 'notes' has no flow to or from it; connect it or remove it"
    )


def test_invalid_specs_are_not_linted(project: Path) -> None:
    (project / "specs" / "small.yaml").write_text(SPEC.replace("pytorch", "pytorh"))
    code, lines = validate("--reference-date", "2026-11-26")
    assert code == 1
    assert not any("[" in line and line.endswith("]") for line in lines)
