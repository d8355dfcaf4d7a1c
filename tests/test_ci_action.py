"""The GitHub Action: a valid action file, and its own `run:` steps run as a runner would."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tiny_spec import tiny_spec

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
SARIF_SCHEMA = Path(__file__).resolve().parent / "sarif" / "sarif-schema-2.1.0.json"
BIN = Path(sys.executable).parent

# specs/a.yaml: an error on line 10 (unknown tool) and a warning (no data validation) on
# line 7 that comes before it in the file; specs/b.yaml: valid with findings.
BAD = tiny_spec("a", notes=True, tracker="mlfow")

EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def action() -> dict[str, Any]:
    data = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_action_file_is_valid_against_the_published_schema() -> None:
    # check-jsonschema ships the schema of action files; a proxy that refuses every
    # connection proves nothing is fetched.
    env = {
        **os.environ,
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "http_proxy": "http://127.0.0.1:9",
        "https_proxy": "http://127.0.0.1:9",
    }
    result = subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-actions",
            str(ACTION),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_action_leaves_the_callers_python_alone() -> None:
    steps = action()["runs"]["steps"]
    setup = [s for s in steps if str(s.get("uses", "")).startswith("actions/setup-python@")]
    assert len(setup) == 1
    assert setup[0]["with"]["update-environment"] is False


def _substitute(text: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        expr = match.group(1)
        assert expr in values, f"the simulated runner does not know ${{{{ {expr} }}}}"
        return values[expr]

    return EXPRESSION.sub(value, text)


class Runner:
    """Runs the action's `run:` steps the way a GitHub-hosted runner does, on this machine."""

    def __init__(self, tmp_path: Path, workspace: Path) -> None:
        self.temp = tmp_path / "runner-temp"
        self.temp.mkdir()
        self.workspace = workspace
        self.summary = tmp_path / "step-summary.md"
        self.summary.write_text("", encoding="utf-8")
        self.output = tmp_path / "github-output"
        self.output.write_text("", encoding="utf-8")
        self.stderr = ""
        # The install step's venv: this test's own mlopsdiag, where the step puts it.
        venv_bin = self.temp / "mlopsdiag-venv" / "bin"
        venv_bin.mkdir(parents=True)
        (venv_bin / "mlopsdiag").symlink_to(BIN / "mlopsdiag")

    def run(
        self, inputs: dict[str, str] | None = None, event: dict[str, str] | None = None
    ) -> tuple[int, str]:
        """Run every `run:` step but the install step; return the exit code and stdout."""
        spec = action()
        values = {f"inputs.{k}": str(v.get("default", "")) for k, v in spec["inputs"].items()}
        values.update({f"inputs.{k}": v for k, v in (inputs or {}).items()})
        values["steps.python.outputs.python-path"] = sys.executable
        values["github.action_path"] = str(ROOT)
        out: list[str] = []
        for step in spec["runs"]["steps"]:
            if "uses" in step or step.get("id") == "install":
                continue
            assert step["shell"] == "bash"
            env = {
                "PATH": "/usr/bin:/bin",  # not this test's venv: the step must find its own
                "HOME": os.environ.get("HOME", "/root"),
                "LANG": "C.UTF-8",
                "CI": "true",
                "GITHUB_ACTIONS": "true",
                "GITHUB_WORKSPACE": str(self.workspace),
                "GITHUB_STEP_SUMMARY": str(self.summary),
                "GITHUB_OUTPUT": str(self.output),
                "GITHUB_EVENT_NAME": "push",
                "RUNNER_TEMP": str(self.temp),
                **(event or {}),
            }
            if "PYTHONPATH" in os.environ:  # a test run against another source tree
                env["PYTHONPATH"] = os.environ["PYTHONPATH"]
            env.update({k: _substitute(str(v), values) for k, v in step.get("env", {}).items()})
            script = self.temp / f"{step['id']}.sh"
            script.write_text(_substitute(step["run"], values), encoding="utf-8")
            result = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=self.workspace,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            out.append(result.stdout)
            self.stderr += result.stderr
            if result.returncode != 0:
                return result.returncode, "".join(out)
        return 0, "".join(out)

    def outputs(self) -> dict[str, str]:
        lines = self.output.read_text(encoding="utf-8").splitlines()
        return dict(line.split("=", 1) for line in lines if "=" in line)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "workspace"
    (folder / "specs").mkdir(parents=True)
    (folder / "specs" / "a.yaml").write_text(BAD, encoding="utf-8")
    (folder / "specs" / "b.yaml").write_text(tiny_spec("b", notes=True), encoding="utf-8")
    return folder


def _annotation(line: str) -> tuple[str, str, int, int]:
    found = re.match(r"::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+)", line)
    assert found, line
    return found.group(1), found.group(2), int(found.group(3)), int(found.group(4))


def test_annotations_errors_first_and_a_summary_of_everything(
    tmp_path: Path, workspace: Path
) -> None:
    runner = Runner(tmp_path, workspace)
    code, out = runner.run()
    assert code == 1
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert annotations[0].startswith(
        "::error file=specs/a.yaml,line=10,col=11,title=mlopsdiag::components[1].tool: "
        "unknown tool 'mlfow'"
    )
    kinds = [_annotation(line)[0] for line in annotations]
    assert kinds == sorted(kinds, key=["error", "warning", "notice"].index)
    assert "warning" in kinds and "notice" in kinds
    # b.yaml's warning on line 7 is listed after a.yaml's error on line 10.
    assert ("warning", "specs/b.yaml", 7, 5) in [_annotation(line) for line in annotations]

    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith("## mlopsdiag validate\n")
    assert "2 files checked: 1 error" in summary
    rows = [line for line in summary.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) - 1 == len(annotations)
    assert "`specs/a.yaml:10:11`" in rows[1]
    assert runner.outputs() == {}


def test_more_than_ten_errors_all_reach_the_summary(tmp_path: Path, workspace: Path) -> None:
    for i in range(12):
        (workspace / "specs" / f"bad{i:02}.yaml").write_text(
            BAD.replace("name: a", f"name: bad{i}"), encoding="utf-8"
        )
    runner = Runner(tmp_path, workspace)
    code, out = runner.run()
    assert code == 1
    kinds = [_annotation(line)[0] for line in out.splitlines() if line.startswith("::")]
    assert kinds[:13] == ["error"] * 13
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.count("| ❌ error |") == 13


def test_clean_specs_pass(tmp_path: Path, workspace: Path) -> None:
    (workspace / "specs" / "a.yaml").unlink()
    runner = Runner(tmp_path, workspace)
    code, out = runner.run()
    assert code == 0
    assert "::error" not in out
    assert "1 file checked: 0 errors" in runner.summary.read_text(encoding="utf-8")
    (tmp_path / "strict").mkdir()
    code, _ = Runner(tmp_path / "strict", workspace).run({"strict": "true"})
    assert code == 1  # b.yaml has lint findings


def test_paths_input(tmp_path: Path, workspace: Path) -> None:
    runner = Runner(tmp_path, workspace)
    code, out = runner.run({"paths": "specs/b.yaml"})
    assert code == 0
    assert "specs/a.yaml" not in out


def test_sarif_format_writes_a_file_for_upload_sarif(tmp_path: Path, workspace: Path) -> None:
    runner = Runner(tmp_path, workspace)
    code, out = runner.run({"format": "sarif"})
    assert code == 1
    sarif = Path(runner.outputs()["sarif-file"])
    assert sarif.parent == runner.temp
    log = json.loads(sarif.read_text(encoding="utf-8"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert list(jsonschema.Draft7Validator(schema).iter_errors(log)) == []
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert uris == {"specs/a.yaml", "specs/b.yaml"}
    assert "::error" not in out  # code scanning shows them; no duplicate annotations
    assert "specs/a.yaml:10:11: error:" in out
    assert "2 files checked: 1 error" in runner.summary.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "value"), [("format", "xml"), ("strict", "yes"), ("diff", "maybe")]
)
def test_bad_inputs_fail_with_an_annotation(
    tmp_path: Path, workspace: Path, name: str, value: str
) -> None:
    code, out = Runner(tmp_path, workspace).run({name: value})
    assert code == 2
    assert out.startswith(f"::error title=mlopsdiag::input {name} must be")


def _git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True, timeout=60
    ).stdout


def _has_diff_command() -> bool:
    from mlopsdiag.cli import main_group

    return "diff" in main_group.commands


@pytest.mark.skipif(
    not _has_diff_command(), reason="`mlopsdiag diff` arrives with issue 13's branch"
)
def test_diff_input_summarizes_a_pull_request(tmp_path: Path) -> None:
    # The target branch on a "remote", and a shallow checkout of the pull request's branch
    # that does not have it: the step fetches what it needs.
    origin = tmp_path / "origin"
    (origin / "specs").mkdir(parents=True)
    (origin / "specs" / "b.yaml").write_text(tiny_spec("b", notes=True), encoding="utf-8")
    _git(origin, "init", "-q", "-b", "main")
    _git(origin, "add", "-A")
    _git(origin, "commit", "-q", "-m", "base")
    _git(origin, "checkout", "-q", "-b", "feature")
    changed = tiny_spec("b", notes=True).replace(
        "  - id: notes\n", "  - id: registry\n    tool: mlflow\n  - id: notes\n"
    )
    (origin / "specs" / "b.yaml").write_text(changed, encoding="utf-8")
    _git(origin, "commit", "-q", "-am", "add a registry")
    workspace = tmp_path / "workspace"
    _git(
        tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", origin.as_uri(), "workspace"
    )
    assert "origin/main" not in _git(workspace, "branch", "-r")

    pull_request = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_BASE_REF": "main"}
    runner = Runner(tmp_path, workspace)
    code, out = runner.run({"diff": "true"}, pull_request)
    assert code == 0, out + runner.stderr
    summary = runner.summary.read_text(encoding="utf-8")
    diff_part, _, validate_part = summary.partition("## mlopsdiag validate")
    assert "registry" in diff_part
    assert "origin/main" in diff_part
    assert "1 file checked: 0 errors" in validate_part
    assert "::warning title=mlopsdiag diff" not in out

    # Not a pull request, or diff not asked for: no diff in the summary.
    for event, inputs in (({"GITHUB_EVENT_NAME": "push"}, {"diff": "true"}), (pull_request, {})):
        (tmp_path / "again").mkdir()
        runner = Runner(tmp_path / "again", workspace)
        assert runner.run(inputs, event)[0] == 0
        assert runner.summary.read_text(encoding="utf-8").startswith("## mlopsdiag validate")
        shutil.rmtree(tmp_path / "again")


@pytest.mark.skipif(
    not _has_diff_command(), reason="`mlopsdiag diff` arrives with issue 13's branch"
)
def test_diff_that_cannot_run_warns_and_validation_still_reports(
    tmp_path: Path, workspace: Path
) -> None:
    # Not a git repository: diff cannot compare, validate still runs and fails on a.yaml.
    runner = Runner(tmp_path, workspace)
    code, out = runner.run(
        {"diff": "true"}, {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_BASE_REF": "main"}
    )
    assert code == 1
    assert out.startswith(
        "::warning title=mlopsdiag diff::no architecture diff against origin/main"
    )
    assert "::error file=specs/a.yaml,line=10,col=11" in out


def test_drift_input_annotates_summarizes_and_fails_on_drift(tmp_path: Path) -> None:
    import shutil

    fixtures = ROOT / "tests" / "drift"
    workspace = tmp_path / "workspace"
    (workspace / "specs").mkdir(parents=True)
    shutil.copy(fixtures / "fraud.yaml", workspace / "specs" / "fraud.yaml")
    for name in ("cluster", "registry"):
        shutil.copytree(fixtures / name, workspace / "deploy" / name)
    (tmp_path / "in-sync").mkdir()
    runner = Runner(tmp_path / "in-sync", workspace)
    code, out = runner.run({"drift": "deploy/cluster deploy/registry"})
    assert code == 0, out + runner.stderr
    summary = runner.summary.read_text(encoding="utf-8")
    assert "## mlopsdiag drift\n\n✅ 10 files checked: 0 errors" in summary
    assert "## mlopsdiag validate" in summary

    spec = workspace / "specs" / "fraud.yaml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("alerts: [MlflowDown]", "alerts: [MlflowGone]"),
        encoding="utf-8",
    )
    (tmp_path / "drifted").mkdir()
    runner = Runner(tmp_path / "drifted", workspace)
    code, out = runner.run({"drift": "deploy/cluster deploy/registry"})
    assert code == 1
    [annotation] = [line for line in out.splitlines() if "[alert-missing]" in line]
    assert annotation.startswith("::error file=specs/fraud.yaml,line=")
    summary = runner.summary.read_text(encoding="utf-8")
    assert "[alert-missing](" in summary.partition("## mlopsdiag validate")[0]
