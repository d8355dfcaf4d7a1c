"""`mlopsdiag diff --base REF`, run in a real git repository made in a temporary folder."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlopsdiag.cli import main_group

CASES = Path(__file__).parent / "cases" / "diff"
ICON = Path(__file__).parent / "cases" / "invalid" / "project-catalog" / "icons"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

CATALOG = """\
apiVersion: mlopsdiag/v1
kind: Catalog
tools:
  - id: feature-service
    name: Feature service
    capabilities: [feature-store]
    icon: icons/feature-service.png
"""


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main_group, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose first commit has two specs and a project catalogue at its top."""
    root = tmp_path / "repo"
    (root / "specs").mkdir(parents=True)
    (root / "icons").mkdir()
    shutil.copy(ICON / "feature-service.png", root / "icons" / "feature-service.png")
    (root / "mlopsdiag-catalog.yaml").write_text(CATALOG, encoding="utf-8")
    shop = (CASES / "elements" / "old.yaml").read_text(encoding="utf-8")
    # The old side uses a tool of the project catalogue: it must be found at REF too.
    shop = shop.replace(
        "  - id: tracker\n    tool: mlflow\n", "  - id: tracker\n    tool: feature-service\n"
    )
    (root / "specs" / "shop.yaml").write_text(shop, encoding="utf-8")
    shutil.copy(CASES / "runbook" / "old.yaml", root / "specs" / "fraud.yaml")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    monkeypatch.chdir(root)
    return root


def test_working_tree_against_a_revision(repo: Path) -> None:
    shutil.copy(CASES / "runbook" / "new.yaml", repo / "specs" / "fraud.yaml")
    (repo / "specs" / "lead.yaml").write_text(
        (CASES / "moved-finding" / "old.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    code, out, err = run_cli("diff", "--base", "main", "--format", "json", "--exit-code")
    assert (code, err) == (1, "")
    payload = json.loads(out)
    assert payload["old"] == "main:specs"
    status = {a["name"]: a["status"] for a in payload["architectures"]}
    assert status == {"fraud-scoring": "changed", "lead-scoring": "added"}
    fraud = next(a for a in payload["architectures"] if a["name"] == "fraud-scoring")
    assert fraud["old_path"] == "main:specs/fraud.yaml"
    assert fraud["new_path"] == "specs/fraud.yaml"
    assert any(c["key"] == "oncall" for c in fraud["changes"])
    # Nothing of the temporary copy shows in the output.
    assert "mlopsdiag-base-" not in out


def test_no_change_since_the_revision(repo: Path) -> None:
    code, out, err = run_cli("diff", "--base", "HEAD", "--exit-code")
    assert (code, err) == (0, "")
    assert out.endswith("No differences: 2 architectures compared.\n")


def test_a_spec_file_and_a_subfolder(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(repo, "rm", "-q", "specs/fraud.yaml")
    code, out, _ = run_cli("diff", "--base", "HEAD", "specs/shop.yaml")
    assert code == 0
    assert out.endswith("No differences: 1 architecture compared.\n")
    monkeypatch.chdir(repo / "specs")
    code, out, _ = run_cli("diff", "--base", "HEAD", ".")
    assert code == 0
    assert "- fraud-scoring: Fraud scoring (HEAD:specs/fraud.yaml) removed" in out


def test_invalid_old_side_is_named_by_revision(repo: Path) -> None:
    (repo / "specs" / "fraud.yaml").write_text("apiVersion: mlopsdiag/v1\n", encoding="utf-8")
    git(repo, "commit", "-qam", "break it")
    shutil.copy(CASES / "runbook" / "old.yaml", repo / "specs" / "fraud.yaml")
    code, out, err = run_cli("diff", "--base", "HEAD")
    assert code == 1
    assert out == ""
    assert err.startswith("HEAD:specs/fraud.yaml:1:1: error:")


def test_unknown_revision(repo: Path) -> None:
    code, out, err = run_cli("diff", "--base", "origin/nope")
    assert code == 2
    assert out == ""
    assert "unknown git revision 'origin/nope'" in err
    assert "fetch-depth: 0" in err


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "plain"
    (folder / "specs").mkdir(parents=True)
    shutil.copy(CASES / "runbook" / "old.yaml", folder / "specs" / "fraud.yaml")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, out, err = run_cli("diff", "--base", "main")
    assert code == 2
    assert out == ""
    assert "is not inside a git repository" in err
    assert "mlopsdiag diff OLD NEW" in err
