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


# --------------------------------------------------------------------------- issue 19: a crafted base


def _mktree(repo: Path, entries: list[tuple[str, str, str, str]]) -> str:
    """A tree object from (mode, kind, id, name) entries, names taken as given (`..` too)."""
    listing = "".join(f"{mode} {kind} {oid}\t{name}\n" for mode, kind, oid, name in entries)
    proc = subprocess.run(
        ["git", "mktree"], cwd=repo, input=listing, capture_output=True, text=True, check=True
    )
    return proc.stdout.strip()


def _blob(repo: Path, data: bytes) -> str:
    proc = subprocess.run(
        ["git", "hash-object", "-w", "--stdin"],
        cwd=repo,
        input=data,
        capture_output=True,
        check=True,
    )
    return proc.stdout.decode().strip()


def _branch(repo: Path, name: str, specs_tree: str) -> None:
    top = _mktree(repo, [("040000", "tree", specs_tree, "specs")])
    commit = git(repo, "commit-tree", top, "-m", "crafted").strip()
    git(repo, "update-ref", f"refs/heads/{name}", commit)


@pytest.mark.parametrize("depth", [1, 2])
def test_a_tree_entry_named_dot_dot_is_refused_and_nothing_is_written(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, depth: int
) -> None:
    import tempfile

    # The base copy would be made in work/ (a folder of ours): `specs/../../evil.yml` from
    # inside it lands in work/, `specs/../../../evil.yml` next to it.
    work = tmp_path / "deep" / "work"
    work.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(work))
    blob = _blob(repo, b"apiVersion: mlopsdiag/v1\n")
    tree = _mktree(repo, [("100644", "blob", blob, "evil.yml")])
    for _ in range(depth + 1):
        tree = _mktree(repo, [("040000", "tree", tree, "..")])
    _branch(repo, "evil", tree)
    code, out, err = run_cli("diff", "--base", "evil")
    assert code == 2, (out, err)
    assert out == ""
    assert f"refusing the path 'specs/{'../' * (depth + 1)}evil.yml' of git revision 'evil'" in err
    assert "it has a part '..'" in err
    written = list(tmp_path.rglob("evil.yml"))
    assert written == []


def test_an_absolute_or_empty_part_is_refused(repo: Path) -> None:
    from mlopsdiag.diff.gitbase import GitError, safe_tree_path

    for name in (
        "/etc/passwd.yml",
        "specs//a.yml",
        "specs/./a.yml",
        "specs/.git/a.yml",
        "a\nb.yml",
    ):
        with pytest.raises(GitError, match="refusing"):
            safe_tree_path("main", name)
    assert str(safe_tree_path("main", "specs/a.yml")) == "specs/a.yml"


def test_a_huge_blob_in_the_base_is_refused_by_size_without_being_read(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlopsdiag.diff import gitbase

    big = 3 * 1024 * 1024
    blob = _blob(repo, b"#" * big)
    specs = _mktree(repo, [("100644", "blob", blob, "huge.yaml")])
    _branch(repo, "huge", specs)
    asked: list[str] = []
    real = gitbase._git

    def spy(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes:
        if args[:2] == ["cat-file", "--batch"]:
            asked.extend((stdin or b"").decode().split())
        return real(args, cwd, stdin)

    monkeypatch.setattr(gitbase, "_git", spy)
    code, _, err = run_cli("diff", "--base", "huge")
    assert code == 1
    assert "huge:specs/huge.yaml:1:1: error: file is larger than 1048576 bytes" in err
    assert blob not in asked  # its content was never asked of git
