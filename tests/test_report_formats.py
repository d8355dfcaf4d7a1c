"""`validate --format sarif|junit|gitlab|markdown`, --output-file, rule selection and exit codes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from mlopsdiag.cli import main, main_group
from mlopsdiag.lint import RULES
from mlopsdiag.report import FORMATS
from tiny_spec import tiny_spec

SARIF_SCHEMA = Path(__file__).resolve().parent / "sarif" / "sarif-schema-2.1.0.json"

# One spec error (line 10) and two lint findings: no data validation, an orphan component.
SPEC = tiny_spec(notes=True)
BAD = tiny_spec(notes=True, tracker="mlfow")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "bad.yaml").write_text(BAD, encoding="utf-8")
    (tmp_path / "specs" / "good.yaml").write_text(
        SPEC.replace("name: tiny", "name: other"), encoding="utf-8"
    )
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main_group, ["validate", *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_every_format_is_in_the_registry_and_the_help() -> None:
    assert set(FORMATS) == {"text", "json", "github", "sarif", "junit", "gitlab", "markdown"}
    result = CliRunner().invoke(main_group, ["validate", "--help"])
    assert result.exit_code == 0
    out = result.output
    for name in FORMATS:
        assert f"{name}:" in " ".join(out.split())


def test_sarif_is_valid_against_the_sarif_2_1_0_schema(project: Path) -> None:
    code, out = run("--format", "sarif")
    assert code == 1
    log = json.loads(out)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(log))
    assert errors == []
    assert log["version"] == "2.1.0"
    [run_] = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    rule_ids = [r["id"] for r in rules]
    assert set(RULES) <= set(rule_ids)
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"]
        assert rule["helpUri"].startswith("https://")
    orphan = rules[rule_ids.index("orphan-component")]
    assert orphan["helpUri"].endswith("/rules/orphan-component.html")
    assert "mlopsdiag explain orphan-component" in orphan["help"]["text"]

    results = run_["results"]
    by_rule = {r["ruleId"]: r for r in results}
    error = by_rule["spec-error"]
    assert error["level"] == "error"
    assert rule_ids[error["ruleIndex"]] == "spec-error"
    assert error["message"]["text"].startswith("components[1].tool: unknown tool 'mlfow'")
    location = error["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "specs/bad.yaml", "uriBaseId": "%SRCROOT%"}
    # `mlfow` sits on line 10 from column 11; the region ends just after it.
    assert location["region"] == {
        "startLine": 10,
        "startColumn": 11,
        "endLine": 10,
        "endColumn": 16,
    }
    orphan_result = next(
        r
        for r in results
        if r["ruleId"] == "orphan-component"
        and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "specs/good.yaml"
    )
    # A finding on a component spans the whole component mapping, lines 11-12.
    region = orphan_result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["endLine"], region["endColumn"]) == (11, 12, 18)
    assert orphan_result["level"] in {"warning", "note"}
    fingerprints = [r["partialFingerprints"]["mlopsdiag/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)


def test_sarif_fingerprints_survive_moved_lines(project: Path) -> None:
    first = json.loads(run("--format", "sarif")[1])["runs"][0]["results"]
    spec = project / "specs" / "bad.yaml"
    spec.write_text("# a comment that moves every line down\n" + BAD, encoding="utf-8")
    second = json.loads(run("--format", "sarif")[1])["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in first] == [r["partialFingerprints"] for r in second]
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in first]
    moved = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in second]
    assert moved != lines


def test_gitlab_code_quality_shape(project: Path) -> None:
    code, out = run("--format", "gitlab")
    assert code == 1
    issues = json.loads(out)
    assert isinstance(issues, list) and issues
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert isinstance(issue["description"], str) and issue["description"]
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(issue["location"]["path"], str)
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert issue["check_name"] in {*RULES, "spec-error"}
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    error = next(i for i in issues if i["check_name"] == "spec-error")
    assert error["severity"] == "critical"
    assert error["location"] == {"path": "specs/bad.yaml", "lines": {"begin": 10}}


def test_junit_is_xml_with_one_failure_per_diagnostic(project: Path) -> None:
    code, out = run("--format", "junit")
    assert code == 1
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    _, text = run("--format", "json")
    diagnostics = json.loads(text)["diagnostics"]
    failures = root.findall("./testsuite/testcase/failure")
    assert len(failures) == len(diagnostics) == int(root.get("failures", "-1"))
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"specs/bad.yaml", "specs/good.yaml"}
    bad_cases = suites["specs/bad.yaml"].findall("testcase")
    first = bad_cases[0]
    failure = first.find("failure")
    assert failure is not None
    assert first.get("line") == "10" and failure.get("type") == "error"
    assert failure.get("message", "").startswith("components[1].tool: unknown tool 'mlfow'")


def test_junit_clean_file_is_a_passing_case(project: Path) -> None:
    (project / "specs" / "bad.yaml").unlink()
    code, out = run(
        "--format", "junit", "--ignore", "orphan-component,training-without-data-validation"
    )
    root = ET.fromstring(out)
    cases = root.findall("./testsuite/testcase")
    assert code == 0
    assert [(c.get("classname"), c.get("name")) for c in cases] == [("specs/good.yaml", "valid")]
    assert cases[0].find("failure") is None and root.get("failures") == "0"


def test_markdown_lists_every_finding_errors_first(project: Path) -> None:
    code, out = run("--format", "markdown")
    assert code == 1
    rows = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line][1:]
    diagnostics = json.loads(run("--format", "json")[1])["diagnostics"]
    assert len(rows) == len(diagnostics)
    severities = [row.split("|")[1].strip().split()[-1] for row in rows]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert "`specs/bad.yaml:10:11`" in rows[0]


def test_markdown_does_not_render_user_text_as_html(project: Path) -> None:
    (project / "specs" / "bad.yaml").write_text(
        BAD.replace("tool: mlfow", 'tool: "<img src=x onerror=alert(1)>|x"'), encoding="utf-8"
    )
    out = run("--format", "markdown")[1]
    assert "<img" not in out
    assert "&lt;img" in out


def test_output_file_gets_the_report_and_the_terminal_the_text(project: Path) -> None:
    target = project / "reports" / "mlopsdiag.sarif"
    code, out = run("--format", "sarif", "--output-file", str(target))
    assert code == 1
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert out.splitlines()[0].startswith("specs/bad.yaml:10:11: error: components[1].tool")
    assert out.splitlines()[-1].startswith("2 files checked: 1 error")
    leftovers = [p.name for p in target.parent.iterdir() if p.name != target.name]
    assert leftovers == []


def test_output_file_that_cannot_be_written_is_a_clear_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = project / "specs" / "good.yaml" / "report.json"  # below a file: cannot exist
    assert (
        main(["validate", "--format", "json", "--output-file", str(target)]) == 4
    )  # a write failure (1 means invalid specs)
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot write {target}: ")
    assert (project / "specs" / "good.yaml").read_text(encoding="utf-8").startswith("apiVersion")


def test_select_and_ignore(project: Path) -> None:
    (project / "specs" / "bad.yaml").unlink()
    everything = json.loads(run("--format", "json")[1])["diagnostics"]
    codes = {d["code"] for d in everything}
    assert {"orphan-component", "training-without-data-validation"} <= codes
    selected = json.loads(run("--format", "json", "--select", "orphan-component")[1])
    assert {d["code"] for d in selected["diagnostics"]} == {"orphan-component"}
    ignored = json.loads(
        run(
            "--format",
            "json",
            "--ignore",
            "orphan-component",
            "--ignore",
            "training-without-data-validation",
        )[1]
    )
    assert {d["code"] for d in ignored["diagnostics"]} == codes - {
        "orphan-component",
        "training-without-data-validation",
    }
    both = json.loads(
        run(
            "--format",
            "json",
            "--select",
            "orphan-component,training-without-data-validation",
            "--ignore",
            "training-without-data-validation",
        )[1]
    )
    assert {d["code"] for d in both["diagnostics"]} == {"orphan-component"}


def test_select_keeps_spec_errors(project: Path) -> None:
    code, out = run("--format", "json", "--select", "orphan-component")
    assert code == 1
    assert any(d["code"] is None for d in json.loads(out)["diagnostics"])


def test_unknown_rule_id_is_a_usage_error_with_a_suggestion(project: Path) -> None:
    code, out = run("--select", "orphan-componet")
    assert code == 2
    assert "unknown rule 'orphan-componet' (did you mean 'orphan-component'?)" in out
    code, out = run("--ignore", "nonsense")
    assert code == 2 and "unknown rule 'nonsense'" in out


def test_exit_zero_and_strict(project: Path) -> None:
    assert run()[0] == 1
    assert run("--exit-zero")[0] == 0
    (project / "specs" / "bad.yaml").unlink()
    assert run()[0] == 0
    assert run("--strict")[0] == 1
    assert run("--strict", "--exit-zero")[0] == 0


def test_config_option_replaces_the_discovered_settings(project: Path) -> None:
    (project / "specs" / "bad.yaml").unlink()
    (project / "mlopsdiag-config.yaml").write_text(
        "apiVersion: mlopsdiag/v1\nkind: Config\nlint:\n  strict: true\n", encoding="utf-8"
    )
    other = project / "ci-settings.yaml"
    other.write_text(
        "apiVersion: mlopsdiag/v1\nkind: Config\nlint:\n  severity:\n    orphan-component: off\n",
        encoding="utf-8",
    )
    assert run()[0] == 1  # the discovered file is strict
    code, out = run("--config", str(other), "--format", "json")
    assert code == 0
    assert "orphan-component" not in {d["code"] for d in json.loads(out)["diagnostics"]}
    assert run("--config", "missing.yaml")[0] == 2


def test_config_option_reports_problems_in_that_file(project: Path) -> None:
    other = project / "ci-settings.yaml"
    other.write_text(
        "apiVersion: mlopsdiag/v1\nkind: Config\nlint:\n  severity:\n    orphan-componet: off\n",
        encoding="utf-8",
    )
    code, out = run("--config", str(other))
    assert code == 1
    assert "ci-settings.yaml:5:5: error: lint.severity.orphan-componet: unknown rule" in out


def test_exit_codes_are_documented() -> None:
    out = CliRunner().invoke(main_group, ["validate", "--help"]).output
    for code in ("- 0:", "- 1:", "- 2:", "- 3:"):
        assert code in out
