"""Every command, output format and exit code of the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlopsdiag import __version__
from mlopsdiag.cli import main, main_group
from tiny_spec import tiny_spec

GOOD = tiny_spec()

BAD = tiny_spec(tracker="mlfow")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def specs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "specs"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(GOOD, encoding="utf-8")
    return folder


def invoke(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(main_group, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_version(runner: CliRunner) -> None:
    assert invoke(runner, "--version") == (0, f"mlopsdiag, version {__version__}\n")


def test_validate_defaults_to_specs_folder(runner: CliRunner, specs: Path) -> None:
    code, out = invoke(runner, "validate")
    assert code == 0
    assert out.splitlines()[-1].startswith("1 file checked: valid")


def test_validate_reports_errors_with_positions(runner: CliRunner, specs: Path) -> None:
    (specs / "tiny.yaml").write_text(BAD, encoding="utf-8")
    code, out = invoke(runner, "validate", "--format", "text")
    assert code == 1
    assert out.splitlines()[0] == (
        "specs/tiny.yaml:10:11: error: components[1].tool: unknown tool 'mlfow' "
        "(did you mean 'mlflow'?); see `mlopsdiag catalog`, or describe it in "
        "mlopsdiag-catalog.yaml"
    )


def test_validate_json(runner: CliRunner, specs: Path) -> None:
    (specs / "tiny.yaml").write_text(BAD, encoding="utf-8")
    code, out = invoke(runner, "validate", "--format", "json", "specs")
    assert code == 1
    payload = json.loads(out)
    errors = [d for d in payload["diagnostics"] if d["severity"] == "error"]
    assert errors == [
        {
            "path": "specs/tiny.yaml",
            "line": 10,
            "col": 11,
            "severity": "error",
            "field": "components[1].tool",
            "code": None,
            "message": "unknown tool 'mlfow' (did you mean 'mlflow'?); see `mlopsdiag catalog`, "
            "or describe it in mlopsdiag-catalog.yaml",
        }
    ]
    assert payload["summary"]["errors"] == 1
    assert payload["specs"][0]["path"] == "specs/tiny.yaml"


def test_validate_github_format(runner: CliRunner, specs: Path) -> None:
    (specs / "tiny.yaml").write_text(BAD, encoding="utf-8")
    code, out = invoke(runner, "validate", "--format", "github")
    assert code == 1
    assert out.splitlines()[0].startswith(
        "::error file=specs/tiny.yaml,line=10,col=11,title=mlopsdiag::components[1].tool: "
        "unknown tool 'mlfow'"
    )


def test_github_format_is_automatic_in_actions(
    runner: CliRunner, specs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    (specs / "tiny.yaml").write_text(BAD, encoding="utf-8")
    _, out = invoke(runner, "validate")
    assert out.startswith("::error file=specs/tiny.yaml")


def test_validate_missing_path_is_usage_error(runner: CliRunner, specs: Path) -> None:
    code, out = invoke(runner, "validate", "nowhere.yaml")
    assert code == 2
    assert "does not exist" in out


def test_validate_without_specs_folder_is_usage_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = invoke(runner, "validate")
    assert code == 2
    assert "no specs/ folder" in out


def test_bad_option_is_usage_error(runner: CliRunner, specs: Path) -> None:
    assert invoke(runner, "validate", "--format", "xml")[0] == 2


def test_schema_prints_the_published_schema(runner: CliRunner) -> None:
    code, out = invoke(runner, "schema")
    assert code == 0
    root = Path(__file__).resolve().parent.parent
    assert out == (root / "schema" / "mlopsdiag-v1.schema.json").read_text(encoding="utf-8")
    code, out = invoke(runner, "schema", "--catalog-file")
    assert code == 0 and json.loads(out)["title"] == "mlopsdiag project tool catalogue"


def test_catalog_lists_and_filters(runner: CliRunner) -> None:
    code, out = invoke(runner, "catalog")
    assert code == 0
    assert any(line.startswith("mlflow ") for line in out.splitlines())
    code, out = invoke(runner, "catalog", "--capability", "feature-store")
    assert code == 0
    assert "feast" in out and "mlflow" not in out
    _, out = invoke(runner, "catalog", "-c", "monitoring", "-c", "alerting", "--json")
    ids = {t["id"] for t in json.loads(out)}
    assert "datadog" in ids and "evidently" not in ids and "prometheus" not in ids
    _, out = invoke(runner, "catalog", "--json")
    by_id = {t["id"]: t for t in json.loads(out)}
    seldon = by_id["seldon-core"]
    assert (seldon["license"], seldon["status"]) == ("BUSL-1.1", "active")
    assert seldon["checked"] and "January 2024" in seldon["status_note"]
    sagemaker = by_id["sagemaker"]
    assert sagemaker["status"] == "renamed" and sagemaker["renamed_to"] == "Amazon SageMaker AI"
    assert sagemaker["former_names"] == ["Amazon SageMaker"]
    _, out = invoke(runner, "catalog")
    minio = next(line for line in out.splitlines() if line.startswith("minio "))
    assert minio.endswith("(archived)")
    vertex = next(line for line in out.splitlines() if line.startswith("vertex-ai "))
    assert "Gemini Enterprise Agent Platform" in vertex
    code, out = invoke(runner, "catalog", "--capabilities")
    assert code == 0 and "experiment-tracking" in out


def test_catalog_unknown_capability(runner: CliRunner) -> None:
    code, out = invoke(runner, "catalog", "-c", "monitorng")
    assert code == 2
    assert "did you mean 'monitoring'?" in out


def test_init_writes_a_valid_spec_and_refuses_to_overwrite(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = invoke(runner, "init", "fraud-scoring")
    assert "wrote specs/fraud-scoring.yaml" in out
    assert code == 0
    spec = tmp_path / "specs" / "fraud-scoring.yaml"
    assert spec.is_file()
    assert (tmp_path / "schema" / "mlopsdiag-v1.schema.json").is_file()
    assert spec.read_text().startswith(
        "# yaml-language-server: $schema=../schema/mlopsdiag-v1.schema.json\n"
    )
    assert invoke(runner, "validate", "specs")[0] == 0
    before = spec.read_bytes()
    assert main(["init", "fraud-scoring"]) == 1
    assert spec.read_bytes() == before


def test_init_rejects_bad_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "Bad Name"]) == 1
    assert not (tmp_path / "specs").exists()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion(runner: CliRunner, shell: str) -> None:
    code, out = invoke(runner, "completion", shell)
    assert code == 0
    assert "_MLOPSDIAG_COMPLETE" in out


def test_main_exit_codes(specs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert main(["validate", "--nope"]) == 2
    (specs / "tiny.yaml").write_text(BAD, encoding="utf-8")
    assert main(["validate"]) == 1
    captured = capsys.readouterr()
    assert "unknown tool 'mlfow'" in captured.out


def test_internal_error_is_short_unless_traceback(
    specs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr("mlopsdiag.check.check_stream", boom)
    assert main(["validate"]) == 3
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: kaboom" in err
    assert "Traceback" not in err
    assert main(["--traceback", "validate"]) == 3
    assert "Traceback" in capsys.readouterr().err


def test_ctrl_c_exits_130(
    specs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("mlopsdiag.check.check_stream", interrupted)
    assert main(["validate"]) == 130
    assert "Interrupted" in capsys.readouterr().err


def test_errors_go_to_stderr_results_to_stdout(
    specs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "tiny"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "already exists" in captured.err
